"""The fetch stage: read the current version of each raw key of a batch.

Keys whose current version already has an outcome are skipped (a redo of a batch
only does what is left); objects that cannot be read (too large, ...) become
``Quarantined`` entries; objects deleted meanwhile are skipped.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tasks.batch import Quarantined, Timings
from tasks.delta import Curated

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from govreports.settings import Settings
    from tasks.store import ObjectRead

_FETCH_THREADS = 8

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Fetched:
    objects: list[ObjectRead]
    quarantined: list[Quarantined]
    skipped: list[str]  # keys whose current version already has an outcome
    timings: Timings
    # The run's curated zone: each Delta table opened once per run, then refreshed.
    curated: Curated | None = None


def fetch(
    settings: Settings,
    keys: Sequence[str],
    *,
    force: bool = False,
    known: Mapping[str, Mapping[str, Any]] | None = None,
) -> Fetched:
    """``force``: fetch objects whose current version already has an outcome (re-validation).

    ``known``: the keys' outcome rows, when the caller read the ledger once for many chunks.
    """
    start = time.perf_counter()
    curated = Curated.from_settings(settings)
    store = curated.store
    wanted = [k for k in dict.fromkeys(keys) if k.startswith(settings.raw_prefix)]
    if known is None:
        known = curated.outcomes(wanted)

    def read(key: str) -> ObjectRead:
        # Conditional on the version on record: one request, no bytes if it is done already.
        done = None if force or key not in known else str(known[key]["etag"])
        return store.read(key, settings.max_object_bytes, unless_etag=done)

    with ThreadPoolExecutor(_FETCH_THREADS) as pool:
        results = list(pool.map(read, wanted))
    objects, quarantined, skipped = [], [], []
    for got in results:
        if got.data is not None:
            objects.append(got)
        elif got.error and not got.error.startswith(("gone", "unchanged")):
            code, _, reason = got.error.partition(": ")
            quarantined.append(Quarantined(got.ref, "fetch", code, reason))
        else:
            skipped.append(got.ref.key)
    timings = Timings()
    timings.add("fetch", start)
    log.info(
        "fetch: %d object(s) read, %d quarantined, %d skipped (already done or gone) in %.2f s",
        len(objects),
        len(quarantined),
        len(skipped),
        timings.seconds["fetch"],
    )
    return Fetched(objects, quarantined, skipped, timings, curated)
