"""Publishing Delta tables on a real S3 server: idempotence, replacement, ordering, concurrency."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from govreports.contract.models import Fact, Region, Report
from tasks.batch import Quarantined, Timings
from tasks.delta import Curated
from tasks.publish import COMPACTED, Published, publish, publish_batch
from tasks.rows import Verdicted
from tasks.store import ObjectRef, S3ObjectStore
from tasks.validate import Validated

if TYPE_CHECKING:
    from govreports.settings import Settings

T0 = datetime(2025, 1, 10, tzinfo=UTC)


def report(body: str, received: int = 70) -> Report:
    rid = hashlib.sha256(body.encode()).hexdigest()
    return Report(
        report_id=rid,
        title=f"{body}2024年政府信息公开工作年度报告",
        agency="淮安市人民政府",
        report_year=2024,
        format="2021",
        region=Region("江苏省", "淮安市", None),
        facts=[
            Fact("applications", "new_received", "total", received, "件", False, str(received), 3),
            Fact("review_litigation", "reconsideration", "total", 2, "件", False, "2", 9),
        ],
        text=body,
    )


def item(rep: Report, key: str, etag: str, at: datetime = T0) -> Verdicted:
    return Verdicted(rep, ObjectRef(key, etag, len(rep.text), at), "pass")


@pytest.fixture
def curated(settings: Settings) -> Curated:
    c = Curated(settings, S3ObjectStore.from_settings(settings))
    c.ensure_tables()
    return c


def rows(curated: Curated, table: str) -> list[dict[str, object]]:
    return curated.read(table).to_pylist()


def test_publish_writes_report_facts_and_outcome(curated: Curated) -> None:
    r = report("a")
    result = publish_batch(curated, [item(r, "raw/a.txt", "e1")], [], None, "run-1")

    assert result.published == ["raw/a.txt"]
    [row] = rows(curated, "reports")
    assert (row["report_id"], row["key"], row["report_year"]) == (r.report_id, "raw/a.txt", 2024)
    assert row["applications_received"] == 70
    assert row["reconsideration_total"] == 2
    assert len(rows(curated, "facts")) == 2
    assert [r["report_id"] for r in rows(curated, "clean")] == [r.report_id]
    [outcome] = rows(curated, "outcomes")
    assert (outcome["outcome"], outcome["etag"]) == ("published", "e1")


def test_commits_keep_their_order_with_facts_and_rule_results_at_once(
    curated: Curated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """facts and rule_results (no reader enters by them) are committed at once; clean starts
    only once both are in, reports once clean is, outcomes last (the module docstring)."""
    spans: dict[str, tuple[float, float]] = {}
    replace = Curated.replace

    def timed(self: Curated, name: str, *args: object, **kwargs: object) -> None:
        start = time.monotonic()
        replace(self, name, *args, **kwargs)  # type: ignore[arg-type]
        spans[name] = (start, time.monotonic())

    monkeypatch.setattr(Curated, "replace", timed)
    publish_batch(curated, [item(report("a"), "raw/a.txt", "e1")], [], None, "run-1")

    assert set(spans) == {"facts", "rule_results", "clean", "reports", "outcomes"}
    first = max(spans["facts"][1], spans["rule_results"][1])
    assert spans["clean"][0] >= first
    assert spans["reports"][0] >= spans["clean"][1]
    assert spans["outcomes"][0] >= spans["reports"][1]


def test_a_table_without_a_commit_step_is_refused_before_any_commit(
    curated: Curated, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tasks.publish

    monkeypatch.setattr(tasks.publish, "COMMIT_STEPS", (("facts", "rule_results"), ("reports",)))
    with pytest.raises(RuntimeError, match="clean"):
        publish_batch(curated, [item(report("a"), "raw/a.txt", "e1")], [], None, "run-1")
    assert all(not rows(curated, t) for t in ("facts", "rule_results", "reports", "outcomes"))


def test_same_bytes_twice_give_one_report(curated: Curated) -> None:
    r = report("a")
    publish_batch(curated, [item(r, "raw/a.txt", "e1")], [], None, "run-1")
    publish_batch(curated, [item(r, "raw/a.txt", "e1")], [], None, "run-2")
    publish_batch(curated, [item(r, "raw/copy-of-a.txt", "e1")], [], None, "run-3")

    assert len(rows(curated, "reports")) == 1
    assert len(rows(curated, "facts")) == 2
    assert {o["key"] for o in rows(curated, "outcomes")} == {"raw/a.txt", "raw/copy-of-a.txt"}


def test_corrected_upload_replaces_rows(curated: Curated) -> None:
    old, new = report("a", received=70), report("a-corrected", received=71)
    publish_batch(curated, [item(old, "raw/a.txt", "e1")], [], None, "run-1")
    publish_batch(
        curated, [item(new, "raw/a.txt", "e2", T0 + timedelta(minutes=1))], [], None, "run-2"
    )

    assert [r["report_id"] for r in rows(curated, "reports")] == [new.report_id]
    assert {f["report_id"] for f in rows(curated, "facts")} == {new.report_id}
    assert rows(curated, "reports")[0]["applications_received"] == 71


def test_older_version_never_overwrites_newer(curated: Curated) -> None:
    old, new = report("v1"), report("v2")
    publish_batch(
        curated, [item(new, "raw/a.txt", "e2", T0 + timedelta(minutes=5))], [], None, "run-new"
    )
    result = publish_batch(curated, [item(old, "raw/a.txt", "e1", T0)], [], None, "run-late")

    assert result.superseded == ["raw/a.txt"]
    assert [r["report_id"] for r in rows(curated, "reports")] == [new.report_id]


def test_a_newer_version_recorded_during_the_publish_wins(
    curated: Curated, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run records a newer version of the key after this batch's stale check (here:
    right after its first table commit): the batch is redone, finds itself superseded and
    leaves none of its rows behind."""
    old, new = report("v1"), report("v2")
    other = Curated(settings, S3ObjectStore.from_settings(settings))
    replace_once = curated.replace
    raced: list[str] = []

    def replace_then_race(name: str, data: object, predicate: str, **kw: bool) -> None:
        replace_once(name, data, predicate, **kw)  # type: ignore[arg-type]
        if not raced:
            raced.append(name)
            newer = item(new, "raw/a.txt", "e2", T0 + timedelta(minutes=5))
            publish_batch(other, [newer], [], None, "run-new")

    monkeypatch.setattr(curated, "replace", replace_then_race)
    result = publish_batch(curated, [item(old, "raw/a.txt", "e1", T0)], [], None, "run-late")

    assert (result.superseded, result.published, result.attempts) == (["raw/a.txt"], [], 2)
    for table in ("reports", "clean", "facts"):
        assert {r["report_id"] for r in rows(curated, table)} == {new.report_id}, table
    [outcome] = rows(curated, "outcomes")
    assert (outcome["etag"], outcome["run_id"]) == ("e2", "run-new")


def test_quarantine_writes_a_record_and_removes_an_earlier_report(curated: Curated) -> None:
    r = report("a")
    publish_batch(curated, [item(r, "raw/a.txt", "e1")], [], None, "run-1")
    later = ObjectRef("raw/a.txt", "e2", 3, T0 + timedelta(minutes=1))
    publish_batch(
        curated, [], [Quarantined(later, "parse", "empty", "the file is empty")], None, "run-2"
    )

    assert rows(curated, "reports") == []
    record = curated.store.get_json("quarantine/a.txt.json")
    assert record["code"] == "empty" and record["etag"] == "e2" and record["run_id"] == "run-2"
    [outcome] = rows(curated, "outcomes")
    assert outcome["outcome"] == "quarantined" and outcome["reason"] == "empty: the file is empty"


def test_clean_holds_only_pass_and_warn_reports(curated: Curated) -> None:
    statuses = {"pass": report("p"), "warn": report("w"), "fail": report("f")}
    items = [Verdicted(r, ObjectRef(f"raw/{s}.txt", s, 1, T0), s) for s, r in statuses.items()]
    publish_batch(curated, items, [], None, "run-1")

    assert len(rows(curated, "reports")) == 3
    assert sorted(r["quality_status"] for r in rows(curated, "clean")) == ["pass", "warn"]


def test_concurrent_publishers_both_land(curated: Curated) -> None:
    batches = [
        [item(report(f"{n}-{i}"), f"raw/{n}-{i}.txt", f"e{n}{i}") for i in range(3)]
        for n in range(2)
    ]
    errors: list[BaseException] = []

    def run(batch: list[Verdicted]) -> None:
        try:
            publish_batch(curated, batch, [], None, "run")
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(rows(curated, "reports")) == 6
    assert len(rows(curated, "outcomes")) == 6


def test_a_run_s_curated_crosses_a_process_boundary(curated: Curated) -> None:
    """Stage values carry the run's Curated; pickled (the Dask path) it reopens on its settings."""
    import pickle

    publish_batch(curated, [item(report("p"), "raw/p.txt", "e1")], [], None, "run-1")
    assert curated.opens > 0
    copy = pickle.loads(pickle.dumps(curated))
    assert copy.settings == curated.settings
    assert copy.opens == 0
    assert [r["key"] for r in copy.read("reports", ["key"]).to_pylist()] == ["raw/p.txt"]


def test_a_facts_table_from_before_the_source_column_gains_it(settings: Settings) -> None:
    """Upgrading onto tables written by schema_version 1: the new column is added, not a crash."""
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    from govreports.contract.tables import FACTS

    old = pa.schema([f for f in FACTS if f.name != "source"])
    from tasks.store import delta_storage_options

    uri, options = settings.table_uri("facts"), delta_storage_options(settings)
    DeltaTable.create(uri, old, partition_by=["report_year"], storage_options=options)
    before = {n: [None] for n in old.names} | {"report_id": ["old"], "report_year": [2023]}
    write_deltalake(uri, pa.table(before, schema=old), mode="append", storage_options=options)
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()

    scanned = report("scan")
    scanned.facts = [replace(f, source="ocr") for f in scanned.facts]
    publish_batch(curated, [item(scanned, "raw/scan.pdf", "e1")], [], None, "run-1")

    by_id = {(r["report_id"], r["source"]) for r in rows(curated, "facts")}
    assert by_id == {("old", None), (scanned.report_id, "ocr")}


def _stage_publish(settings: Settings, n: int) -> list[Published]:
    """``n`` runs of the publish stage, one report of 2024 each (a file per run and table)."""
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    return [
        publish(
            settings,
            Validated(
                [item(report(f"报告{i}"), f"raw/{i}.txt", f"e{i}")],
                [],
                None,
                [],
                Timings(),
                curated,
            ),
            f"run-{i}",
        )
        for i in range(n)
    ]


def test_the_publish_stage_compacts_what_piled_up_in_its_partitions(settings: Settings) -> None:
    settings = settings.model_copy(update={"compact_min_files": 3})
    runs = _stage_publish(settings, 4)
    # The third run found three files in 2024's partition of facts, reports and clean, and
    # three in the ledger (no rule results: these items come without any, so no file).
    assert [p.result.compacted for p in runs] == [
        {},
        {},
        {"facts": 3, "reports": 3, "clean": 3, "outcomes": 3},
        {},
    ]
    assert runs[2].summary()["compacted_files"] == 12
    curated = runs[-1].curated
    assert curated is not None
    files = {t: len(curated.table(t).file_uris()) for t in COMPACTED}
    assert files == {"facts": 2, "rule_results": 0, "reports": 2, "clean": 2, "outcomes": 2}
    assert len(rows(curated, "reports")) == 4
    assert len(rows(curated, "outcomes")) == 4


def test_a_compaction_that_fails_leaves_the_committed_batch_alone(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A conflict with another run's commit (or any failure) is the next run's to retry: the
    batch is already in the ledger, so the publish must not fail and be redone for it."""
    from deltalake.exceptions import CommitFailedError

    failures = iter([CommitFailedError("a concurrent commit"), OSError("storage went away")])

    def failing(self: Curated, name: str, years: object = ()) -> int:
        raise next(failures, RuntimeError("unexpected third call"))

    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    monkeypatch.setattr(Curated, "compact", failing)
    monkeypatch.setattr("tasks.publish.COMPACTED", ("facts", "reports"))
    with caplog.at_level("INFO", logger="tasks.publish"):
        published = publish(
            settings,
            Validated([item(report("报告"), "raw/a.txt", "e1")], [], None, [], Timings(), curated),
            "run-1",
        )
    assert published.result.published == ["raw/a.txt"]
    assert published.result.compacted == {}
    assert "compaction of facts left to a later run" in caplog.text
    assert "compaction of reports failed" in caplog.text
    assert rows(curated, "outcomes")[0]["outcome"] == "published"
