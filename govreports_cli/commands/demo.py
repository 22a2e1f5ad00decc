from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = (
    "Run the whole pipeline on the embedded default (local S3 + Prefect servers) and show it work."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reports", type=Path, help="upload these files instead of generated samples")
    p.add_argument(
        "--out", type=Path, default=Path("govreports-demo-out"), help="local copy of the results"
    )
    p.add_argument(
        "--samples", type=int, default=48, help="how many samples to generate (default 48)"
    )
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait for all outcomes")
    p.add_argument(
        "--keep-running", action="store_true", help="leave the Prefect UI up until Ctrl-C"
    )


def run(args: argparse.Namespace) -> int:
    from govreports_cli.demo import run as run_demo

    return run_demo(
        args.reports,
        args.out,
        keep_running=args.keep_running,
        samples=args.samples,
        timeout=args.timeout,
    )
