"""Backfill planning against the real S3 server: streamed listing, ledger skips, tallies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

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
    from govreports.settings import Settings

pytestmark = [pytest.mark.s3]


def test_batched_cuts_a_stream_without_reading_ahead() -> None:
    pulled: list[int] = []

    def keys() -> object:
        for i in range(7):
            pulled.append(i)
            yield f"raw/{i}"

    it = batched(keys(), 3)  # type: ignore[arg-type]
    assert next(it) == ["raw/0", "raw/1", "raw/2"]
    assert pulled == [0, 1, 2]  # the fourth key is not listed before the first batch is taken
    assert list(it) == [["raw/3", "raw/4", "raw/5"], ["raw/6"]]


def test_listing_skips_what_has_an_outcome_at_the_current_etag(settings: Settings) -> None:
    store = S3ObjectStore.from_settings(settings)
    refs = {k: store.put(k, k.encode()) for k in ("raw/a.txt", "raw/b.txt", "raw/c.txt")}
    store.put("quarantine/x.json", b"{}")
    # a: done at this etag; b: done at an older version (re-uploaded since); c: never seen.
    known = {"raw/a.txt": refs["raw/a.txt"].etag, "raw/b.txt": "older-etag"}
    tally = Tally()

    pending = list(pending_from_listing(store, "raw/", known, tally))

    assert pending == ["raw/b.txt", "raw/c.txt"]
    assert (tally.listed, tally.skipped, tally.listing_done) == (3, 1, True)
    assert count_objects(store, "raw/") == 3


def test_listing_follows_pages(settings: Settings) -> None:
    """More objects than one ListObjectsV2 page (1000): the paginator streams them all."""
    store = S3ObjectStore.from_settings(settings)
    for i in range(1005):
        store.client.put_object(Bucket=settings.bucket, Key=f"raw/p/{i:05d}.txt", Body=b"x")
    tally = Tally()
    assert sum(1 for _ in pending_from_listing(store, "raw/p/", {}, tally)) == 1005


def test_a_keys_file_checks_known_keys_and_ignores_keys_outside_raw(settings: Settings) -> None:
    store = S3ObjectStore.from_settings(settings)
    a = store.put("raw/a.txt", b"a")
    store.put("raw/b.txt", b"b")
    tally = Tally()
    keys = ["raw/a.txt", " raw/b.txt\n", "", "curated/reports/x.parquet", "raw/gone.txt"]

    pending = list(
        pending_from_keys(store, keys, {"raw/a.txt": a.etag, "raw/gone.txt": "e"}, tally, "raw/")
    )

    # gone.txt had an outcome and no longer exists: nothing to do; unknown keys go to ingest,
    # whose fetch decides (a missing object there is skipped, never an error).
    assert pending == ["raw/b.txt"]
    assert (tally.listed, tally.skipped, tally.ignored) == (4, 2, 1)


def test_known_etags_reads_the_ledger(settings: Settings) -> None:
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    assert known_etags(curated) == {}  # a new bucket: tables created, nothing known


def test_tally_adds_ingest_summaries() -> None:
    tally = Tally(total=10)
    tally.add_batch({"published": 3, "fail": 1, "quarantined": 2, "skipped": 1, "seconds": {}})
    assert (tally.done, tally.published, tally.failed, tally.quarantined, tally.skipped) == (
        5,
        3,
        1,
        2,
        1,
    )
    assert tally.seen == 6
