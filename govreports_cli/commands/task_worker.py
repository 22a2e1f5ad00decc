from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = (
    "Serve the ingest background task: a Prefect task worker, warm, no per-run start-up "
    "(runs created by the watcher with GOVREPORTS_INGEST_VIA=task)."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--limit",
        type=int,
        help="runs at once in this process (default: GOVREPORTS_TASK_WORKER_LIMIT, 2)",
    )
    p.add_argument(
        "--ready-file",
        type=Path,
        help="write this file once the worker is warm and subscribing (for supervisors)",
    )


def run(args: argparse.Namespace) -> int:
    import logging

    from tasks.memory import configure_allocators

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Before Arrow and delta-rs load: they read their allocator settings once.
    configure_allocators()
    from flows.task_worker import serve
    from govreports.settings import get_settings

    settings = get_settings()
    # SIGTERM: Prefect's task worker stops itself gracefully; Ctrl-C is handled by the CLI.
    serve(settings, limit=args.limit or settings.task_worker_limit, ready_file=args.ready_file)
    return 0
