from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = "Watch the raw prefix and start ingest runs (long-running; Ctrl-C stops it)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", choices=("poll", "sqs"), help="default: GOVREPORTS_SOURCE (poll)")
    p.add_argument(
        "--with-worker",
        action="store_true",
        help=(
            "also run the ingestion it starts: a task worker child process "
            "(GOVREPORTS_INGEST_VIA=task), or a warm worker in this process (deployment)"
        ),
    )


def run(args: argparse.Namespace) -> int:
    import contextlib
    import logging
    import os
    import signal
    import tempfile
    import threading
    from pathlib import Path

    from flows.watcher import Watcher, make_launcher, make_source
    from govreports.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = get_settings()
    if args.source:
        settings = settings.model_copy(update={"source": args.source})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threads = []
    children = contextlib.ExitStack()
    if args.with_worker and settings.ingest_via == "task":
        from govreports_cli.runtime import start_task_worker

        logs = Path(tempfile.mkdtemp(prefix="govreports-task-worker-"))
        worker = start_task_worker(dict(os.environ), logs, limit=settings.task_worker_limit)
        children.callback(worker.stop)
    elif args.with_worker:
        from flows.deployments import DEPLOYMENTS, load_flow
        from flows.worker import WarmWorker

        flows = {s.full_name: load_flow(s) for s in DEPLOYMENTS}
        threads.append(threading.Thread(target=WarmWorker(flows).run, args=(stop,), daemon=True))
    watcher = Watcher.from_settings(settings, make_source(settings), make_launcher(settings))
    for t in threads:
        t.start()
    with children:
        try:
            watcher.run(stop)
        except KeyboardInterrupt:
            stop.set()
        for t in threads:
            t.join(timeout=30)
    return 0
