"""The ingest and reconcile flows on real Prefect and S3 servers, with the real GX suites."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]

GOOD = ("2021fmt_pingtan_2021.txt", "2019fmt_pingtan_2020.txt", "pre2019_pingtan_2016.txt")


@pytest.fixture
def curated(settings: Settings, prefect_server: str) -> Curated:
    c = Curated(settings, S3ObjectStore.from_settings(settings))
    c.ensure_tables()
    return c


def upload(curated: Curated, key: str, data: bytes) -> str:
    return curated.store.put(key, data).etag


def reports(curated: Curated) -> list[dict[str, object]]:
    return curated.read("reports").to_pylist()


def test_batch_publishes_good_reports_and_quarantines_garbage(
    curated: Curated, corpus_dir: Path
) -> None:
    from flows.ingest import ingest

    keys = []
    for name in GOOD:
        keys.append(f"raw/{name}")
        upload(curated, keys[-1], (corpus_dir / "reports" / name).read_bytes())
    upload(curated, "raw/junk.pdf", b"\x00\x01binary junk\xff" * 50)
    upload(curated, "raw/empty.txt", b"")

    summary = ingest([*keys, "raw/junk.pdf", "raw/empty.txt"])

    assert summary["published"] == 3
    assert summary["quarantined"] == 2
    assert {r["key"] for r in reports(curated)} == {f"raw/{n}" for n in GOOD}
    record = curated.store.get_json("quarantine/empty.txt.json")
    assert record["stage"] == "parse" and record["code"] == "empty"
    assert record["reason"]
    years = {r["key"]: r["report_year"] for r in reports(curated)}
    assert years["raw/2021fmt_pingtan_2021.txt"] == 2021
    assert curated.read("facts").num_rows > 100
    assert curated.read("rule_results").num_rows > 0


def test_duplicate_upload_gives_one_report(curated: Curated, corpus_dir: Path) -> None:
    from flows.ingest import ingest

    data = (corpus_dir / "reports" / GOOD[0]).read_bytes()
    upload(curated, "raw/a.txt", data)
    ingest(["raw/a.txt"])
    upload(curated, "raw/a.txt", data)  # same bytes again: same etag
    second = ingest(["raw/a.txt"])

    assert second["skipped"] == 1
    assert len(reports(curated)) == 1


def test_corrected_upload_replaces_the_report(curated: Curated, corpus_dir: Path) -> None:
    from flows.ingest import ingest

    first = (corpus_dir / "reports" / GOOD[0]).read_bytes()
    upload(curated, "raw/a.txt", first)
    ingest(["raw/a.txt"])
    corrected = first.replace("平潭".encode(), "平潭".encode(), 1) + "\n（更正版）".encode()
    upload(curated, "raw/a.txt", corrected)
    ingest(["raw/a.txt"])

    [row] = reports(curated)
    assert row["etag"] == curated.store.head("raw/a.txt").etag  # type: ignore[union-attr]
    fact_ids = set(curated.read("facts", columns=["report_id"])["report_id"].to_pylist())
    assert fact_ids == {row["report_id"]}


def test_reconcile_publishes_what_no_notification_announced(
    curated: Curated, corpus_dir: Path
) -> None:
    from flows.reconcile import reconcile
    from tasks.audit import audit

    upload(curated, "raw/missed.txt", (corpus_dir / "reports" / GOOD[1]).read_bytes())
    assert [r.key for r in audit(curated).missing] == ["raw/missed.txt"]

    summary = reconcile(mode="inline")

    assert summary["missing"] == 1
    assert audit(curated).ok
    assert [r["key"] for r in reports(curated)] == ["raw/missed.txt"]


def test_a_run_shows_the_pipelines_own_logs_and_stage_times(
    curated: Curated, corpus_dir: Path
) -> None:
    """What the run did is on its page in the UI: our stage log lines at INFO, and the
    summary artifact's stage times as a table, with the link to the run's quality page."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    from flows.ingest import ingest

    key = f"raw/{GOOD[0]}"
    upload(curated, key, (corpus_dir / "reports" / GOOD[0]).read_bytes())
    state = ingest([key], return_state=True)
    run_id = state.state_details.flow_run_id
    assert run_id is not None
    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
    ours = [log.message for log in logs if log.name.startswith("tasks.")]
    assert any(m.startswith("fetch: 1 object(s) read") for m in ours), ours
    assert any(m.startswith("publish: 1 published") for m in ours), ours
    assert all(log.level >= 20 for log in logs)
    (summary,) = [a for a in artifacts if a.key == "ingest-summary"]
    markdown = str(summary.data)
    assert "| stage | seconds |" in markdown
    for stage in ("fetch", "parse", "validate", "publish"):
        assert f"| {stage} | " in markdown
    assert f"quality/runs/{run_id}/index.html" in markdown


def test_heavy_stages_of_concurrent_runs_take_turns(
    curated: Curated, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs of one process at once: with heavy_stage_runs = 1 (the default), one is in
    validate -> publish -> quality report while the other waits (tasks/memory.py)."""
    import threading
    import time

    from flows.ingest import ingest
    from tasks import validate as validate_stage
    from tasks.quality import report as quality_stage

    assert curated.settings.heavy_stage_runs == 1
    spans: dict[str, list[float]] = {}
    real_validate, real_quality = validate_stage.validate, quality_stage.quality_report

    def timed_validate(*args: object, **kwargs: object) -> object:
        spans[threading.current_thread().name] = [time.monotonic()]
        time.sleep(0.5)  # widen the window the other run could enter in
        return real_validate(*args, **kwargs)  # type: ignore[arg-type]

    def timed_quality(*args: object, **kwargs: object) -> object:
        try:
            return real_quality(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spans[threading.current_thread().name].append(time.monotonic())

    monkeypatch.setattr(validate_stage, "validate", timed_validate)
    monkeypatch.setattr(quality_stage, "quality_report", timed_quality)
    keys = [f"raw/{name}" for name in GOOD[:2]]
    for key, name in zip(keys, GOOD[:2], strict=True):
        upload(curated, key, (corpus_dir / "reports" / name).read_bytes())
    # Each run in its own thread, the way a task worker runs two background task runs.
    results: dict[str, dict[str, object]] = {}
    runs = [
        threading.Thread(target=lambda k=k: results.setdefault(k, ingest([k])), name=k)
        for k in keys
    ]
    for t in runs:
        t.start()
    for t in runs:
        t.join(timeout=300)

    assert all(results[k]["published"] == 1 for k in keys), results
    first, second = sorted(spans.values())
    # Each span is [entered validate, left the quality report]; the second began after.
    assert len(first) == len(second) == 2, spans
    assert first[1] <= second[0], spans


def test_a_run_failing_in_a_heavy_stage_frees_its_slot(
    curated: Curated, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest import ingest
    from tasks import validate as validate_stage
    from tasks.memory import heavy_stage_slot

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("validation tool down")

    monkeypatch.setattr(validate_stage, "validate", broken)
    key = f"raw/{GOOD[0]}"
    upload(curated, key, (corpus_dir / "reports" / GOOD[0]).read_bytes())
    with pytest.raises(RuntimeError, match="validation tool down"):
        ingest([key])

    gate = heavy_stage_slot(curated.settings.heavy_stage_runs)
    assert gate.acquire(blocking=False), "the failed run kept the heavy-stage slot"
    gate.release()
