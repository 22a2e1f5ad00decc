"""``backfill``: ingest everything under a prefix (or a list of keys), hundreds of thousands of
objects, in bounded batches; resumable from the outcomes ledger.

Wiring only: planning is in ``tasks/backfill.py``; each batch is an ``ingest`` subflow, so the
dedup, quarantine and commit rules are the event path's own. Batches large enough for Dask
share one cluster for the whole backfill (the settings' scheduler, else one LocalCluster
started here), instead of one cluster start-up per batch.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any, cast

from prefect import flow, get_run_logger

from govreports.settings import get_settings
from tasks.backfill import (
    Tally,
    count_objects,
    known_etags,
    pending_from_keys,
    pending_from_listing,
)
from tasks.chunks import batched
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from uuid import UUID

_listeners: list[Callable[[Tally], None]] = []


@contextlib.contextmanager
def listening(callback: Callable[[Tally], None]) -> Iterator[None]:
    """Call ``callback(tally)`` after each batch of a backfill run in this process (the CLI bar)."""
    _listeners.append(callback)
    try:
        yield
    finally:
        _listeners.remove(callback)


@flow(name="backfill", persist_result=False)
def backfill(
    prefix: str | None = None, keys: list[str] | None = None, batch_objects: int = 1000
) -> dict[str, Any]:
    """Ingest every object under ``prefix`` (default: the raw prefix), or the given ``keys``,
    that has no outcome at its current version; ``batch_objects`` objects per ingest run."""
    from prefect.artifacts import create_progress_artifact, update_progress_artifact

    from flows.ingest import ingest, local_cluster_kwargs

    settings = get_settings()
    prefix = prefix or settings.raw_prefix
    if keys is None and not prefix.startswith(settings.raw_prefix):
        raise ValueError(f"prefix {prefix!r} is not under the raw prefix {settings.raw_prefix!r}")
    log = get_run_logger()
    store = S3ObjectStore.from_settings(settings)
    curated = Curated(settings, store)
    tally = Tally()
    known = known_etags(curated)
    if keys is None:
        pending = pending_from_listing(store, prefix, known, tally)
        # The total for rate and ETA comes from a second, read-free listing beside the work.
        counter = threading.Thread(
            target=lambda: setattr(tally, "total", count_objects(store, prefix)), daemon=True
        )
        counter.start()
    else:
        tally.total = len(keys)
        pending = pending_from_keys(store, keys, known, tally, settings.raw_prefix)
    progress = cast(
        "UUID",
        create_progress_artifact(
            progress=0.0, key="backfill-progress", description=f"backfill of {prefix}"
        ),
    )
    with contextlib.ExitStack() as stack:
        address = settings.dask_address
        if address is None and batch_objects >= settings.dask_min_objects:
            from distributed import LocalCluster

            # distributed is not fully typed; LocalCluster is its documented entry point.
            cluster = stack.enter_context(LocalCluster(**local_cluster_kwargs(settings)))  # type: ignore[no-untyped-call]
            address = cluster.scheduler_address
        for batch in batched(pending, batch_objects):
            tally.add_batch(ingest(batch, dask_address=address))
            log.info(
                "backfill: %d listed, %d done, %d skipped, %d published (%d fail), %d quarantined",
                tally.listed,
                tally.done,
                tally.skipped,
                tally.published,
                tally.failed,
                tally.quarantined,
            )
            if tally.total:
                update_progress_artifact(
                    progress,
                    progress=100.0 * tally.seen / max(tally.total, 1),
                )
            for notify in _listeners:
                notify(tally)
    update_progress_artifact(progress, progress=100.0)
    for notify in _listeners:
        notify(tally)
    return {
        "listed": tally.listed,
        "skipped": tally.skipped,
        "ignored": tally.ignored,
        "batches": tally.batches,
        "published": tally.published,
        "fail": tally.failed,
        "quarantined": tally.quarantined,
        "seconds": tally.seconds,
    }
