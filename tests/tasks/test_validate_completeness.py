"""R17 (completeness) against the hand-labelled reports: no labelled complete report is flagged.

The labels state every cell a careful reader finds in each table, so a label is the ideal
parse of its document. Built into a Report, a complete label must pass R17, whichever
generation's form each of its tables follows; the only cells flagged are those the labels
leave out on purpose (a flattened digit run nothing in the document can split).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from expectations.rules.completeness import completeness_rows
from govreports.contract.models import Fact, Report
from tasks.quality.site import SiteData, render_report
from tasks.validate import validate_batch
from tests.support.validation_examples import report_2021

# Every test here runs the real Great Expectations suites.
pytestmark = pytest.mark.usefixtures("gx")


LABELS = Path(__file__).resolve().parents[1] / "labelled"
NATIONAL = sorted(
    p
    for p in LABELS.glob("*.json")
    if json.loads(p.read_text(encoding="utf-8"))["fields"]["format"] in ("2019", "2021")
)
# Left out of the labels on purpose: 表二 行政规范性文件 runs with several feasible splits
# (see each label's comments); the parser cannot know them either, so R17 must flag them.
UNDECIDABLE = {
    "2021fmt_pingtan_2021": {
        ("normative_documents", "issued"),
        ("normative_documents", "repealed"),
    },
    "2021fmt_pingtan_2024": {
        ("normative_documents", "in_force"),
        ("normative_documents", "repealed"),
    },
    "2021fmt_pingtan_2025": {
        ("normative_documents", "in_force"),
        ("normative_documents", "issued"),
        ("normative_documents", "repealed"),
    },
}


def label_report(path: Path) -> Report:
    raw = json.loads(path.read_text(encoding="utf-8"))
    facts = [Fact(f["table"], f["row"], f["column"], f["value"]) for f in raw["facts"]]
    return Report(report_id=path.stem, format=raw["fields"]["format"], facts=facts)


@pytest.mark.parametrize("path", NATIONAL, ids=[p.stem for p in NATIONAL])
def test_labelled_reports_are_complete_but_for_undecidable_cells(path: Path) -> None:
    rows = completeness_rows(label_report(path))
    assert {r["instance"] for r in rows} == {
        "proactive cells",
        "applications cells",
        "review_litigation cells",
    }
    failing = [r for r in rows if r["observed_value"] != r["expected_value"]]
    undecidable = UNDECIDABLE.get(path.stem, set())
    if not undecidable:
        assert failing == [], [r["detail"] for r in failing]
        return
    assert [r["instance"] for r in failing] == ["proactive cells"]
    detail = failing[0]["detail"]
    assert f"missing {len(undecidable)} cells" in detail
    # A row missing every cell is written (row, *).
    assert all(
        f"({row}, {column})" in detail or f"({row}, *)" in detail for row, column in undecidable
    )


def test_hongze_single_other_row_counts_as_the_2019_form_of_table_three() -> None:
    rows = completeness_rows(label_report(LABELS / "2021fmt_hongze_2023.json"))
    table_three = next(r for r in rows if r["instance"] == "applications cells")
    assert table_three["expected"] == "=161 (表三, 2019 form)"
    assert table_three["observed"] == "161 of 161 表三 cells read"


@pytest.mark.gx
def test_incomplete_report_fails_and_its_page_shows_the_missing_cells() -> None:
    """表三 cells unread: R17 fails (never clean) and the report's page lists the cells."""
    full = report_2021("incomplete")
    unread = {"carried_forward", "outcome_total"}
    incomplete = dataclasses.replace(
        full,
        facts=[
            f
            for f in full.facts
            if not (f.table == "applications" and f.row in unread)
            and not (f.row == "disclosed" and f.column == "research_institution")
        ],
    )
    result = validate_batch([incomplete])
    verdict = result.verdicts["incomplete"]
    assert verdict.status == "fail" and "R17" in verdict.failed_rules
    failed = result.rule_results[~result.rule_results["passed"]].to_dict("records")
    report = {"report_id": "incomplete", "quality_status": verdict.status, "key": "raw/x.pdf"}
    page = render_report(SiteData([report], failed, {}, [], []), report, failed, [], None)
    html = page.decode("utf-8")
    assert 'data-rule="R17"' in html
    assert "160 of 175 表三 cells read" in html and "=175 (表三, 2021 form)" in html
    assert "(disclosed, research_institution)" in html
    assert "(outcome_total, *)" in html and "(carried_forward, *)" in html
