"""The quality site: built from the curated tables after a run, self-contained, traceable."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from tasks.quality.site import (
    ENTRY_PAGES,
    SiteData,
    build_site,
    load_site_data,
    report_page,
    run_page,
    source_excerpt,
    write_site,
)
from tests.support.site import BROKEN_KEY, FAILING_KEY, curated_zone

if TYPE_CHECKING:
    from conftest import Dataset

    from tasks.store import ObjectRef

pytestmark = [pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]


def test_counts_on_the_overview_are_the_tables_counts(dataset: Dataset) -> None:
    curated = curated_zone(dataset.settings)
    statuses = Counter(
        curated.read("reports", columns=["quality_status"])["quality_status"].to_pylist()
    )
    outcomes = curated.read("outcomes").to_pylist()
    summary = json.loads((dataset.site / "site.json").read_text())
    counts = summary["counts"]
    assert counts["fail"] == statuses["fail"] >= 1
    assert counts["pass"] + counts["warn"] + counts["fail"] == sum(statuses.values()) == 4
    assert counts["quarantined"] == sum(o["outcome"] == "quarantined" for o in outcomes) == 1
    page = (dataset.site / "index.html").read_text()
    for status, n in counts.items():
        assert f'data-count="{status}">{n}<' in page


def test_failing_report_page_shows_rule_numbers_and_source_line(dataset: Dataset) -> None:
    curated = curated_zone(dataset.settings)
    report = next(r for r in curated.read("reports").to_pylist() if r["key"] == FAILING_KEY)
    assert report["quality_status"] == "fail" and "R4" in report["failed_rules"]
    rule = next(
        r
        for r in curated.read("rule_results").to_pylist()
        if r["report_id"] == report["report_id"] and r["rule_id"] == "R4" and not r["passed"]
    )
    page = (dataset.site / report_page(report["report_id"])).read_text()
    assert 'data-rule="R4"' in page
    assert rule["observed"] in page and rule["expected"] in page
    # The source line the rule points at, from the report's own normalized text.
    stated = report["text"].splitlines()[rule["line"] - 1]
    hit = re.search(r'<span class="hit"><i>(\d+)</i>(.*?)</span>', page)
    assert hit and int(hit.group(1)) == rule["line"]
    assert hit.group(2) == stated.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # The numbers read from that line, by the key `govreports review correct` takes.
    on_line = [
        f
        for f in curated.read("facts").to_pylist()
        if f["report_id"] == report["report_id"] and f["line"] == rule["line"]
    ]
    assert on_line
    for f in on_line:
        assert f"{f['table']}/{f['row']}/{f['column']}</span> = <b>{int(f['value'])}</b>" in page
    # Links: the raw object (relative, so it works from the bucket and from a copy) and the run.
    raw = re.search(r"id='raw-link' href='([^']+)'", page)
    assert (
        raw
        and (dataset.site / "reports" / raw.group(1)).resolve().read_bytes()
        == (dataset.files[FAILING_KEY])
    )
    assert f'href="../{run_page(dataset.run_id)}"' in page


def test_a_runs_pages_from_its_written_rows_equal_pages_from_the_tables(
    dataset: Dataset,
) -> None:
    """The run builds its reports' pages from the rows it committed, not by reading them back."""
    curated = curated_zone(dataset.settings)
    written = {name: curated.read(name) for name in ("facts", "rule_results", "reports")}
    ids = curated.read("reports", columns=["report_id"])["report_id"].to_pylist()
    read_back = load_site_data(curated, page_ids=ids, runs=[])
    from_rows = load_site_data(curated, page_ids=ids, runs=[], written=written)

    def rows(items: list[dict[str, object]]) -> list[str]:
        return sorted(map(repr, items))

    assert read_back.failed and read_back.facts  # the dataset has a failing report with pages
    assert rows(from_rows.failed) == rows(read_back.failed)
    assert rows(from_rows.facts) == rows(read_back.facts)
    assert from_rows.texts == read_back.texts
    assert rows(from_rows.reports) == rows(read_back.reports)  # notes come with the texts


def test_the_overview_is_written_after_the_pages_it_links_to(dataset: Dataset) -> None:
    """Pages go up side by side; a reader who opens the overview finds every page it names."""
    curated = curated_zone(dataset.settings)
    real_put = curated.store.put
    order: list[str] = []

    def put(key: str, data: bytes, content_type: str = "application/octet-stream") -> ObjectRef:
        ref = real_put(key, data, content_type)
        order.append(key.removeprefix(dataset.settings.quality_prefix))
        return ref

    curated.store.put = put  # type: ignore[method-assign]
    ids = curated.read("reports", columns=["report_id"])["report_id"].to_pylist()
    pages = write_site(curated, report_ids=ids, run_ids=[dataset.run_id])
    assert sorted(order) == sorted(pages) and len(pages) > 3
    assert order[-2:] == list(ENTRY_PAGES)


def test_quarantine_and_run_pages(dataset: Dataset) -> None:
    index = (dataset.site / "index.html").read_text()
    assert BROKEN_KEY in index and "parse" in index
    run = (dataset.site / run_page(dataset.run_id)).read_text()
    assert BROKEN_KEY in run and 'id="stages"' in run
    for stage in ("fetch", "parse", "validate", "publish"):
        assert f"<td>{stage}</td>" in run
    assert f'href="{run_page(dataset.run_id)}"' in index


def test_no_page_refers_to_anything_outside_the_site(dataset: Dataset) -> None:
    pages = list(dataset.site.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text()
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), page
        assert "@import" not in text and "url(" not in text


def test_source_excerpt_marks_the_line_and_escapes() -> None:
    text = "一\n二<b>\n三\n四\n五"
    html = source_excerpt(text, 2, context=1)
    assert '<span class="hit"><i>2</i>二&lt;b&gt;</span>' in html
    assert "<i>1</i>一" in html and "<i>3</i>三" in html and "四" not in html
    assert source_excerpt(text, 9) == "" and source_excerpt(text, None) == ""


def test_partial_build_writes_only_the_asked_pages() -> None:
    reports = [
        {"report_id": rid, "quality_status": status, "key": f"raw/{rid}.txt", "run_id": "r1"}
        for rid, status in (("a", "fail"), ("b", "warn"), ("c", "pass"))
    ]
    data = SiteData(reports, [], {}, [], [{"run_id": "r1", "at": "2026-01-01"}])
    assert set(build_site(data)) == {
        "index.html",
        "site.json",
        report_page("a"),
        report_page("b"),
        run_page("r1"),
    }
    assert set(build_site(data, report_ids=["b"], run_ids=[])) == {
        "index.html",
        "site.json",
        report_page("b"),
    }


def test_an_incomplete_report_lists_its_missing_cells() -> None:
    report = {"report_id": "a", "quality_status": "fail", "key": "raw/a.pdf", "run_id": "r1"}
    r17 = {
        "report_id": "a",
        "rule_id": "R17",
        "severity": "error",
        "passed": False,
        "observed": "147",
        "expected": "161",
        "detail": "表三 missing 14 cells: new_received/legal_service_org, …",
        "line": None,
        "table": "表三 cells",
    }
    data = SiteData([report], [r17], {}, [], [])
    page = build_site(data)[report_page("a")].decode()
    assert '<h2 id="missing-cells">Missing cells</h2>' in page
    assert "147 of 161" in page and "new_received/legal_service_org" in page


def test_after_a_run_only_the_reports_shown_one_by_one_become_rows(dataset: Dataset) -> None:
    """The overview counts every report from the columns; dicts only for those with a page
    (and a built run's own reports), so a run's site does not grow a dict per report."""
    curated = curated_zone(dataset.settings)
    every = curated.read("reports", columns=["report_id", "quality_status"]).to_pylist()
    data = load_site_data(curated, page_ids=[], run_ids=[], runs=[])
    assert data.counted().reports == len(every) == 4
    assert sorted(r["report_id"] for r in data.reports) == sorted(
        r["report_id"] for r in every if r["quality_status"] in {"warn", "fail"}
    )
    assert len(data.reports) < len(every)
    with_run = load_site_data(curated, page_ids=[], run_ids=[dataset.run_id], runs=[])
    assert len(with_run.reports) == len(every)  # the run's page lists all of its reports
