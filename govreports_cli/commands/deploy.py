from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = "Create or update the deployments on the configured Prefect API, or write prefect.yaml."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--work-pool", help="work pool for the deployments (default: none, for the warm worker)"
    )
    p.add_argument(
        "--write-prefect-yaml", type=Path, metavar="PATH", help="write prefect.yaml and exit"
    )


def run(args: argparse.Namespace) -> int:
    from flows import deployments

    if args.write_prefect_yaml:
        args.write_prefect_yaml.write_text(deployments.prefect_yaml(), encoding="utf-8")
        print(f"wrote {args.write_prefect_yaml}")
        return 0
    for name in deployments.apply_all(work_pool=args.work_pool):
        print(f"applied {name}")
    return 0
