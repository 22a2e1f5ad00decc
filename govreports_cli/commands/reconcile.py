from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = "Ingest every raw object that has no outcome yet (what the scheduled reconcile flow does)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mode",
        choices=("inline", "deployment"),
        default="inline",
        help="inline: ingest here and now (default); deployment: start ingest runs through the API",
    )


def run(args: argparse.Namespace) -> int:
    from flows.reconcile import reconcile

    summary = reconcile(mode=args.mode)
    print(" · ".join(f"{k} {v}" for k, v in summary.items()))
    return 0
