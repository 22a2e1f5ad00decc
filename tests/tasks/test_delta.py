"""The Delta gateway's batch reads: predicates, types, quoting, on a real S3 server."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa
import pytest

from govreports.contract.models import Fact, Region, Report
from govreports.contract.tables import TABLES
from tasks.delta import Curated, sql_in
from tasks.publish import publish_batch
from tasks.rows import Verdicted
from tasks.store import ObjectRef, S3ObjectStore
from tests.support.faults import ChaosProxy, upstream_of

if TYPE_CHECKING:
    from govreports.settings import Settings
    from govreports_cli.runtime import Server


def test_sql_in_quotes_strings_and_writes_years_bare() -> None:
    assert sql_in("report_year", [2024, 2023, 2024]) == "report_year IN (2023, 2024)"
    assert sql_in("agency", ["b", "O'Brien局", "b"]) == "agency IN ('O''Brien局', 'b')"


def _report(agency: str, year: int, received: int) -> Report:
    rid = hashlib.sha256(f"{agency}{year}".encode()).hexdigest()
    return Report(
        report_id=rid,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency,
        report_year=year,
        format="2021",
        region=Region("江苏省", "淮安市", None),
        facts=[
            Fact("applications", "new_received", "total", received, "件", False, str(received), 3),
            Fact("applications", "carried_over", "total", 1.5, "件", True, "约1.5", 4),
        ],
        text=f"{agency}的报告",
    )


@pytest.fixture
def published(settings: Settings) -> tuple[Curated, list[Report]]:
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    reports = [
        _report("淮安市人民政府", 2023, 70),
        _report("淮安市人民政府", 2024, 71),
        _report("O'Brien's 局", 2023, 5),  # a quote in a literal must not end it
    ]
    items = [
        Verdicted(r, ObjectRef(f"raw/{i}.txt", f"e{i}", 10, datetime.now(UTC)), "pass")
        for i, r in enumerate(reports)
    ]
    publish_batch(curated, items, [], None, "run-1")
    return curated, reports


def test_select_returns_the_matching_rows_with_the_tables_types(
    published: tuple[Curated, list[Report]],
) -> None:
    curated, reports = published
    where = sql_in("report_year", [2023]) + " AND " + sql_in("agency", ["O'Brien's 局"])
    found = curated.select("reports", ["report_id", "agency", "failed_rules", "nope"], where)

    assert found.column_names == ["report_id", "agency", "failed_rules"]  # absent column left out
    assert found["report_id"].to_pylist() == [reports[2].report_id]
    schema = TABLES["reports"].schema
    # DataFusion reads strings as views; callers (and commits of what they read) get the
    # table's own types back.
    assert found.schema.field("agency").type == schema.field("agency").type
    assert found.schema.field("failed_rules").type == schema.field("failed_rules").type


def test_select_with_no_match_is_an_empty_table_of_the_columns(
    published: tuple[Curated, list[Report]],
) -> None:
    curated, _ = published
    found = curated.select("facts", ["report_id", "value"], sql_in("report_id", ["0" * 64]))
    assert found.num_rows == 0
    assert found.schema == pa.schema(
        [TABLES["facts"].schema.field("report_id"), TABLES["facts"].schema.field("value")]
    )


def test_batch_reads_find_exactly_the_batch(published: tuple[Curated, list[Report]]) -> None:
    curated, reports = published
    ids = {r.report_id for r in reports}
    assert curated.existing_report_ids(ids | {"0" * 64}, {2023, 2024}) == ids
    assert curated.existing_report_ids(ids, {2024}) == {reports[1].report_id}
    assert curated.years_of({reports[0].report_id}) == {2023}
    assert set(curated.outcomes(["raw/0.txt", "raw/9.txt"])) == {"raw/0.txt"}
    assert curated.still_used({reports[0].report_id}, {"raw/0.txt"}) == set()
    assert curated.still_used({reports[0].report_id}, {"raw/1.txt"}) == {reports[0].report_id}

    previous = curated.previous_reports({("淮安市人民政府", 2023), ("O'Brien's 局", 2022)})
    [(pair, report)] = previous.items()
    assert pair == ("淮安市人民政府", 2023)
    assert report.report_id == reports[0].report_id
    assert report.text == "淮安市人民政府的报告"  # read apart from the light columns (R16 needs it)
    # Values as stated: an integer stays an integer, an approximate value keeps its fraction.
    assert sorted((f.row, f.value, f.approximate, f.raw) for f in report.facts) == [
        ("carried_over", 1.5, True, "约1.5"),
        ("new_received", 70, False, "70"),
    ]


def test_select_lets_other_threads_run_while_it_reads(
    published: tuple[Curated, list[Report]], s3_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found when two runs published at once through the in-process chaos proxy: deltalake's
    own ``read_all`` waits for each batch while holding the GIL, so a storage endpoint served
    by a Python thread of the same process (here the proxy) could never answer, and the read
    hung until the client gave up. Every byte of this read goes through such a thread."""
    curated, reports = published
    proxy = ChaosProxy(upstream_of(s3_server)).start()
    try:
        settings = curated.settings.model_copy(update={"s3_endpoint_url": proxy.url})
        options = settings.storage_options()
        # Fail in seconds, not after the client's default three minutes of retries.
        monkeypatch.setattr(
            type(settings),
            "storage_options",
            lambda _: {**options, "timeout": "5s", "max_retries": "0"},
        )
        via_proxy = Curated(settings, S3ObjectStore.from_settings(settings))
        found = via_proxy.select("reports", ["report_id"], sql_in("report_year", [2024]))
    finally:
        proxy.close()
    assert found["report_id"].to_pylist() == [reports[1].report_id]
    assert any(path.startswith(f"/{settings.bucket}/") for _, path in proxy.requests)


def _publish_runs(curated: Curated, years_per_run: list[list[int]]) -> list[Report]:
    """One publish per entry, each adding a file to the partitions of its years."""
    reports = []
    for run, years in enumerate(years_per_run):
        batch = [_report(f"局{run}", year, run) for year in years]
        items = [
            Verdicted(
                r, ObjectRef(f"raw/{run}-{i}.txt", f"e{run}{i}", 10, datetime.now(UTC)), "pass"
            )
            for i, r in enumerate(batch)
        ]
        publish_batch(curated, items, [], None, f"run-{run}")
        reports += batch
    return reports


def _files(curated: Curated, table: str, year: int | None = None) -> int:
    files = pa.table(curated.table(table).get_add_actions(flatten=True))
    if year is None:
        return files.num_rows
    return files["partition.report_year"].to_pylist().count(year)


def test_compact_packs_the_partitions_holding_enough_small_files(settings: Settings) -> None:
    settings = settings.model_copy(update={"compact_min_files": 3})
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    reports = _publish_runs(curated, [[2023, 2024], [2023, 2024], [2023]])
    before = curated.read("facts").sort_by([("report_id", "ascending"), ("row", "ascending")])
    version = curated.table("facts").version()
    assert (_files(curated, "facts", 2023), _files(curated, "facts", 2024)) == (3, 2)

    assert curated.compact("facts", {2024}) == 0  # 2 files: not due, and no commit made
    assert curated.table("facts").version() == version
    assert curated.compact("facts", {2023, 2024}) == 3

    # 2023's three files are one now; 2024 (two files) waits; no row changed.
    assert (_files(curated, "facts", 2023), _files(curated, "facts", 2024)) == (1, 2)
    after = curated.read("facts").sort_by([("report_id", "ascending"), ("row", "ascending")])
    assert after.equals(before)
    assert curated.table("facts").history(1)[0]["operation"] == "OPTIMIZE"
    assert curated.compactions == 1
    assert curated.existing_report_ids({r.report_id for r in reports}, {2023, 2024}) == {
        r.report_id for r in reports
    }
    # The ledger has no partitions: its files are counted as one.
    assert _files(curated, "outcomes") == 3
    assert curated.compact("outcomes") == 3
    assert _files(curated, "outcomes") == 1


def test_compact_is_off_at_zero(settings: Settings) -> None:
    settings = settings.model_copy(update={"compact_min_files": 0})
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    _publish_runs(curated, [[2023], [2023], [2023]])
    assert curated.compact("facts", {2023}) == 0
    assert _files(curated, "facts", 2023) == 3
