"""Run the long-running loops (warm worker, watcher) of a test in threads, and stop them.

The loop test and the fault tests start the same ``WarmWorker``/``Watcher`` pair; each
object's ``run(stop)`` polls until ``stop`` is set, which happens when the block ends.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator


class Loop(Protocol):
    def run(self, stop: threading.Event) -> None: ...


@contextlib.contextmanager
def run_loops(*loops: Loop, join_seconds: float = 60) -> Iterator[None]:
    """Each loop in a daemon thread for the duration of the ``with`` block."""
    stop = threading.Event()
    threads = [threading.Thread(target=loop.run, args=(stop,), daemon=True) for loop in loops]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        stop.set()
        for t in threads:
            t.join(join_seconds)
