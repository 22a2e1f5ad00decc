from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = "Run the deployments' flow runs in this warm process (no per-run start-up cost)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--concurrency", type=int, default=2, help="flow runs at once (default 2)")


def run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from tasks.memory import configure_allocators

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Before Arrow and delta-rs load: they read their allocator settings once.
    configure_allocators()
    from flows.deployments import DEPLOYMENTS, load_flow
    from flows.worker import WarmWorker
    from tasks.memory import settle_heap

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker = WarmWorker(
        {s.full_name: load_flow(s) for s in DEPLOYMENTS}, concurrency=args.concurrency
    )
    settle_heap()  # the flows and their libraries are loaded: they live as long as the process
    try:
        worker.run(stop)
    except KeyboardInterrupt:
        stop.set()
    return 0
