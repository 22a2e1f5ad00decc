"""Giving back the memory a batch freed, in long-lived processes that run batch after batch.

A task worker runs one batch after another for days. Three allocators hold its native memory:
glibc's (Python, NumPy, pandas), Arrow's pool (mimalloc by default) and delta-rs's jemalloc.
Each keeps the pages a batch freed for the next allocation instead of returning them, so the
worker's resident memory was its heaviest moment, plus fragmentation, for good: 1.32-1.47 GB
at the peak of a 10,000-object burst, where a run's Python objects are ~120 MB
(docs/adr/0017-bursts.md, "Memory").

* :func:`configure_allocators`, called by the long-lived commands before Arrow or delta-rs
  load: Arrow allocates through the system allocator (so one trim covers it) and delta-rs's
  jemalloc returns freed pages at once, from its own background thread. Only defaults: a
  value already in the environment wins.
* :func:`release_freed_memory`, after each batch: ``malloc_trim(0)``, glibc's call that hands
  every free page of every arena back to the system.
* :func:`settle_heap`, once a long-lived worker is warm: the objects alive then (the imported
  libraries, the Great Expectations context) leave the cyclic garbage collector's sight, and
  its passes come less often. With CPython's defaults, a batch's hundreds of thousands of
  short-lived containers (facts unpickled from the parse children, rule rows, frames) made
  it walk the whole heap about three times a run: 13.3 of the task worker's 89.5
  CPU-seconds in a 10,000-object burst, the GIL held throughout; 3.3 s once settled
  (docs/adr/0017-bursts.md).
* :func:`heavy_stage_slot`: a process runs several batches at once, but at most
  ``heavy_stage_runs`` of them in the stages that hold a batch's frames and tables (validate,
  publish, the quality report); the others fetch and parse meanwhile, mostly in the parse
  children. Two runs validating and publishing together held both batches at once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

# Read by the libraries as they load; set before they are imported.
ALLOCATOR_ENV: dict[str, str] = {
    # Arrow's pool on glibc malloc instead of its bundled mimalloc: freed buffers become free
    # glibc pages, which release_freed_memory() returns.
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    # delta-rs's jemalloc (tikv-jemallocator reads the _RJEM_ prefix): purge freed pages
    # immediately, from jemalloc's own thread rather than on the next allocation.
    "_RJEM_MALLOC_CONF": "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0",
}


def configure_allocators() -> list[str]:
    """Set :data:`ALLOCATOR_ENV` defaults for this process and its children.

    Returns (and logs) the libraries it came too late for: one already imported keeps the
    allocator it started with."""
    for name, value in ALLOCATOR_ENV.items():
        os.environ.setdefault(name, value)
    late: list[str] = [name for name in ("pyarrow", "deltalake") if name in sys.modules]
    if late:
        log.warning("allocator settings too late for %s", late)
    return late


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Return the pages glibc holds free to the system; False where that cannot be done.

    Safe while other threads allocate (glibc locks each arena as it trims it)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


# The collector's thresholds in a settled worker (CPython's are 700, 10, 10): a young pass per
# 20,000 new containers instead of 700, an older one per 20 of those. Nearly everything a
# batch allocates is freed by reference counting when the batch ends; the passes are for
# reference cycles, which a batch makes few of. Peak RSS of the task worker in the burst
# above: 986 MiB settled, 989 MiB with the defaults.
GC_THRESHOLDS: tuple[int, int, int] = (20_000, 20, 10)


def settle_heap(thresholds: tuple[int, int, int] = GC_THRESHOLDS) -> int:
    """Collect once, move every object alive now to the collector's permanent generation
    (``gc.freeze``: never walked again, never freed) and set ``thresholds``. Call it once
    the process is warm, before its first batch; returns the number of objects frozen.

    Objects created afterwards are collected as usual, cycles included."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    frozen = gc.get_freeze_count()
    log.info("heap settled: %d objects frozen, collector thresholds %s", frozen, thresholds)
    return frozen


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def heavy_stage_slot(runs: int) -> threading.BoundedSemaphore:
    """The process-wide gate letting ``runs`` batches at a time into the heavy stages
    (``with heavy_stage_slot(settings.heavy_stage_runs): ...``); one per value, so every run
    of the process asking with the same setting shares it."""
    with _slots_lock:
        return _slots.setdefault(runs, threading.BoundedSemaphore(runs))
