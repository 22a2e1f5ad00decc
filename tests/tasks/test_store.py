"""One contract for both object stores: the S3 one on a real server, the in-memory fake."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tasks.store import UNCHANGED, MemoryObjectStore, S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings
    from tasks.store import ObjectStore


@pytest.fixture(params=["memory", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    if request.param == "memory":
        return MemoryObjectStore()
    settings: Settings = request.getfixturevalue("settings")
    return S3ObjectStore.from_settings(settings)


def test_put_head_read_list_delete(store: ObjectStore) -> None:
    ref = store.put("raw/a.txt", b"hello")
    assert ref.size == 5
    head = store.head("raw/a.txt")
    assert head is not None
    assert head.etag == ref.etag
    got = store.read("raw/a.txt", max_bytes=100)
    assert (got.data, got.error) == (b"hello", None)
    store.put("quality/x.json", b"{}")
    assert [r.key for r in store.list("raw/")] == ["raw/a.txt"]
    store.delete("raw/a.txt")
    assert store.head("raw/a.txt") is None


def test_read_stops_at_the_limit_and_reports_a_deleted_object(store: ObjectStore) -> None:
    store.put("raw/big.bin", b"x" * 10)
    too_large = store.read("raw/big.bin", max_bytes=4)
    assert too_large.data is None
    assert too_large.error is not None
    assert too_large.error.startswith("too_large: ")
    gone = store.read("raw/never.txt", max_bytes=4)
    assert (gone.data, gone.error) == (None, "gone: the object was deleted")


def test_a_conditional_read_returns_no_bytes_for_the_version_already_known(
    store: ObjectStore,
) -> None:
    first = store.put("raw/a.txt", b"first")
    unchanged = store.read("raw/a.txt", max_bytes=100, unless_etag=first.etag)
    assert (unchanged.data, unchanged.error) == (None, UNCHANGED)
    assert unchanged.ref.etag == first.etag
    second = store.put("raw/a.txt", b"second")
    newer = store.read("raw/a.txt", max_bytes=100, unless_etag=first.etag)
    assert (newer.data, newer.ref.etag) == (b"second", second.etag)
    gone = store.read("raw/never.txt", max_bytes=100, unless_etag=first.etag)
    assert gone.error == "gone: the object was deleted"


def test_json_round_trip(store: ObjectStore) -> None:
    store.put_json("quality/runs.json", [{"run": "r1", "n": 3, "名": "报告"}])
    assert store.get_json("quality/runs.json") == [{"run": "r1", "n": 3, "名": "报告"}]
    assert store.get_json("quality/missing.json") is None


def test_a_conditional_write_lands_only_on_the_version_read(store: ObjectStore) -> None:
    assert store.put_json_if("quality/runs.json", [1], None)  # absent: created
    assert not store.put_json_if("quality/runs.json", [2], None)  # no longer absent
    first = store.head("quality/runs.json")
    assert first is not None
    assert store.put_json_if("quality/runs.json", [1, 2], first.etag)
    assert not store.put_json_if("quality/runs.json", [1, 3], first.etag)  # another wrote since
    assert store.get_json("quality/runs.json") == [1, 2]
    store.delete("quality/runs.json")
    assert not store.put_json_if("quality/runs.json", [9], first.etag)  # deleted since
    assert store.get_json("quality/runs.json") is None


@pytest.mark.parametrize(
    "value",
    ["2026-12-05T05:18:03.000Z", "Sat, 05 Dec 2026 05:18:03 GMT", "2026-12-05T05:18:03+00:00"],
)
def test_timestamps_read_as_botocore_reads_them(value: str) -> None:
    from botocore.utils import parse_timestamp

    from tasks.store import timestamp

    assert timestamp(value) == parse_timestamp(value)
    assert timestamp(value).utcoffset() is not None
