"""The run trend (``quality/runs.json``) as runs finishing together write it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from tasks.quality import report
from tasks.store import MemoryObjectStore, S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings

KEY = "quality/runs.json"


def test_runs_finishing_together_all_reach_the_trend(settings: Settings) -> None:
    """Found in bursts: each run read the trend, added itself and wrote it back, so a run
    writing in between was lost. Eight runs here append at the same moment."""
    store = S3ObjectStore.from_settings(settings)
    store.put_json(KEY, [{"run_id": "earlier"}])
    start = threading.Barrier(8)

    def finish(i: int) -> None:
        start.wait()
        report.append_run(store, KEY, {"run_id": f"run-{i}"})

    threads = [threading.Thread(target=finish, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    trend = store.get_json(KEY)
    assert trend[0] == {"run_id": "earlier"}
    assert sorted(r["run_id"] for r in trend[1:]) == [f"run-{i}" for i in range(8)]


def test_the_trend_starts_once_and_keeps_the_latest_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryObjectStore()
    monkeypatch.setattr(report, "TREND_RUNS", 3)
    for i in range(5):
        written = report.append_run(store, KEY, {"run_id": i})
    assert written == [{"run_id": 2}, {"run_id": 3}, {"run_id": 4}]
    assert store.get_json(KEY) == written


def test_a_trend_too_large_to_be_ours_is_never_overwritten(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryObjectStore()
    store.put_json(KEY, [{"run_id": "x" * 100}])
    monkeypatch.setattr(report, "_TREND_BYTES", 10)
    with pytest.raises(ValueError, match="too_large"):
        report.append_run(store, KEY, {"run_id": "new"})
    assert store.get_json(KEY) == [{"run_id": "x" * 100}]
