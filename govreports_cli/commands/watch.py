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
        help="also run the ingest deployment's flow runs in this process (a warm worker)",
    )


def run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from flows.watcher import Watcher, deployment_launcher, make_source
    from govreports.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = get_settings()
    if args.source:
        settings = settings.model_copy(update={"source": args.source})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threads = []
    if args.with_worker:
        from flows.deployments import DEPLOYMENTS, load_flow
        from flows.worker import WarmWorker

        flows = {s.full_name: load_flow(s) for s in DEPLOYMENTS}
        threads.append(threading.Thread(target=WarmWorker(flows).run, args=(stop,), daemon=True))
    launch = deployment_launcher(settings.ingest_deployment, settings.bucket)
    watcher = Watcher.from_settings(settings, make_source(settings), launch)
    for t in threads:
        t.start()
    try:
        watcher.run(stop)
    except KeyboardInterrupt:
        stop.set()
    for t in threads:
        t.join(timeout=30)
    return 0
