"""Backfill planning: which objects under a prefix (or in a list of keys) still need ingesting.

Plain functions, no Prefect. Memory stays bounded by the batch, not by the bucket: the listing
is streamed page by page and cut into batches as it goes; only the ledger's key → etag map
(two short strings per object already done) is held for the whole run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from tasks.delta import Curated
    from tasks.store import ObjectRef, ObjectStore


@dataclass(slots=True)
class Tally:
    """What a backfill has seen and done so far (the progress bar's figures)."""

    total: int | None = None  # objects to consider, once the counting listing has finished
    listed: int = 0
    ignored: int = 0  # listed keys outside the raw prefix: never ingested
    skipped: int = 0  # already had an outcome at their current etag
    done: int = 0  # given an outcome by this backfill: published + quarantined
    published: int = 0
    failed: int = 0  # published with quality_status fail (never in clean)
    quarantined: int = 0
    batches: int = 0
    listing_done: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # the ingest runs' stage seconds
    errors: list[str] = field(default_factory=list)

    def add_batch(self, summary: dict[str, object]) -> None:
        def n(k: str) -> int:
            v = summary.get(k, 0)
            return v if isinstance(v, int) else 0

        self.batches += 1
        stage_seconds = summary.get("seconds", {})
        if isinstance(stage_seconds, dict):
            for stage, value in stage_seconds.items():
                self.seconds[stage] = round(self.seconds.get(stage, 0.0) + float(value), 4)
        self.published += n("published")
        self.failed += n("fail")
        self.quarantined += n("quarantined")
        # Objects the ingest run found already done (a concurrent watcher run got there first).
        self.skipped += n("skipped")
        self.done += n("published") + n("quarantined")

    @property
    def seen(self) -> int:
        """Objects dealt with: given an outcome, found done, or outside the raw prefix."""
        return self.done + self.skipped + self.ignored


def known_etags(curated: Curated) -> dict[str, str]:
    """The outcomes ledger as key → etag processed (only the two columns are read)."""
    from deltalake.exceptions import TableNotFoundError

    try:
        rows = curated.read("outcomes", columns=["key", "etag"])
    except TableNotFoundError:
        curated.ensure_tables()
        return {}
    return dict(zip(rows.column("key").to_pylist(), rows.column("etag").to_pylist(), strict=True))


def pending_from_listing(
    store: ObjectStore, prefix: str, known: dict[str, str], tally: Tally
) -> Iterator[str]:
    """Keys under ``prefix`` whose current version has no outcome yet, as the listing streams."""
    for ref in store.list(prefix):
        tally.listed += 1
        if known.get(ref.key) == ref.etag:
            tally.skipped += 1
        else:
            yield ref.key
    tally.listing_done = True


def pending_from_keys(
    store: ObjectStore, keys: Iterable[str], known: dict[str, str], tally: Tally, raw_prefix: str
) -> Iterator[str]:
    """Given keys without an outcome at their current version (one HEAD for each known key)."""
    for line in keys:
        key = line.strip()
        if not key:
            continue
        tally.listed += 1
        if not key.startswith(raw_prefix):
            tally.ignored += 1
            continue
        if key in known:
            ref: ObjectRef | None = store.head(key)
            if ref is None or known[key] == ref.etag:
                tally.skipped += 1
                continue
        yield key
    tally.listing_done = True


def count_objects(store: ObjectStore, prefix: str) -> int:
    """How many objects are under ``prefix`` (the progress bar's total; a listing, no reads)."""
    return sum(1 for _ in store.list(prefix))
