"""Every rule of report-formats.md §4 (and C1-C4): one report that passes, one that violates it.

All cases are validated together in ONE batch (module fixture), as the pipeline does,
so Great Expectations is imported and run once. Each case gets its own agency so the
cross-year lookups of different cases never meet.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from govreports.contract.models import Fact, Report
from tasks.validate import ValidationResult, validate_batch
from tests.support.validation_examples import (
    report_2019,
    report_2021,
    report_pre2019,
    with_fact,
    without_table,
)

# Every test here runs the real Great Expectations suites.
pytestmark = pytest.mark.usefixtures("gx")


if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

A = "applications"


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    passed: bool | None  # None: the rule must have no row (not applicable)
    build: Callable[[str], tuple[Report, list[Report]]]  # agency -> (report, previous reports)


def only(make: Callable[[str], Report]) -> Callable[[str], tuple[Report, list[Report]]]:
    return lambda agency: (make(agency), [])


def bump(report: Report, table: str, row: str, columns: tuple[str, ...], delta: float) -> Report:
    for col in columns:
        fact = report.fact(table, row, col)
        assert fact is not None, (table, row, col)
        report = with_fact(report, table, row, col, fact.value + delta)
    return report


def set_fields(**fields: object) -> Callable[[Report], Report]:
    return lambda r: dataclasses.replace(r, **fields)  # type: ignore[arg-type]


def zero_review(report: Report, reconsideration: int = 0) -> Report:
    facts = [f for f in report.facts if f.table != "review_litigation"]
    for row in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
        n = reconsideration if row == "reconsideration" else 0
        cells = {"upheld": n, "corrected": 0, "other": 0, "pending": 0, "total": n}
        facts += [Fact("review_litigation", row, c, v, line=40) for c, v in cells.items()]
    facts = [f for f in facts if f.table != "text"]
    return dataclasses.replace(report, facts=facts)


def without_cells(
    report: Report, table: str, rows: tuple[str, ...], columns: tuple[str, ...]
) -> Report:
    """``report`` without the cells of ``rows`` (all columns when ``columns`` is empty)."""

    def dropped(f: Fact) -> bool:
        return f.table == table and f.row in rows and (not columns or f.column in columns)

    return dataclasses.replace(report, facts=[f for f in report.facts if not dropped(f)])


def single_other_row(report: Report) -> Report:
    """（六） as one row (the 2019 form): the three 2021 sub-rows summed into ``other``."""
    subs = ("other_no_correction", "other_fee_unpaid", "other_misc")
    facts = [f for f in report.facts if not (f.table == A and f.row in subs)]
    for column in {f.column for f in report.facts if f.table == A}:
        value = sum(
            f.value for f in report.facts if f.table == A and f.row in subs and f.column == column
        )
        facts.append(Fact(A, "other", column, value, "件", raw=str(value), line=30))
    return dataclasses.replace(report, facts=facts)


def r21(agency: str, **kw: object) -> Report:
    return report_2021(f"{agency}-2021", agency=agency, **kw)  # type: ignore[arg-type]


def r19(agency: str, **kw: object) -> Report:
    return report_2019(f"{agency}-2019", agency=agency, **kw)  # type: ignore[arg-type]


def pre(agency: str, **kw: object) -> Report:
    return report_pre2019(f"{agency}-pre", agency=agency, **kw)  # type: ignore[arg-type]


def copy_text_previous(agency: str) -> tuple[Report, list[Report]]:
    cur = r21(agency)
    prev = dataclasses.replace(
        report_2021(f"{agency}-2020", agency=agency, year=2020), text=cur.text
    )
    return cur, [prev]


CASES: tuple[Case, ...] = (
    Case("C1-pass", "C1", True, only(r21)),
    Case("C1-violated-no-year", "C1", False, only(lambda a: set_fields(report_year=None)(r21(a)))),
    Case("C2-pass", "C2", True, only(r21)),
    Case("C2-violated-blank-agency", "C2", False, only(lambda a: set_fields(agency="  ")(r21(a)))),
    Case(
        "C3-pass-prose-only",
        "C3",
        True,
        only(
            lambda a: set_fields(facts=[Fact("text", "applications_received", "value", 0, line=5)])(
                pre(a)
            )
        ),
    ),
    Case("C3-violated-no-numbers", "C3", False, only(lambda a: set_fields(facts=[])(r21(a)))),
    Case("C4-pass", "C4", True, only(r21)),
    Case("C4-violated-format", "C4", False, only(lambda a: set_fields(format="2020")(r21(a)))),
    Case(
        "C4-violated-year-range", "C4", False, only(lambda a: set_fields(report_year=1999)(r21(a)))
    ),
    Case(
        "C4-violated-invalid-date",
        "C4",
        False,
        only(lambda a: set_fields(published_on="2022-02-30")(r21(a))),
    ),
    Case(
        "C4-violated-unknown-table",
        "C4",
        False,
        only(lambda a: with_fact(r21(a), "tabel3", "x", "y", 1)),
    ),
    Case(
        "C4-violated-nan-value",
        "C4",
        False,
        only(lambda a: with_fact(r21(a), A, "disclosed", "other_org", float("nan"))),
    ),
    Case(
        "C4-violated-schema-version",
        "C4",
        False,
        only(lambda a: set_fields(schema_version="0")(r21(a))),
    ),
    Case("R1-pass-2021", "R1", True, only(r21)),
    Case("R1-pass-2019", "R1", True, only(r19)),
    Case(
        "R1-violated-total-column",
        "R1",
        False,
        only(lambda a: bump(r21(a), A, "new_received", ("natural_person", "total"), 1)),
    ),
    Case("R1-not-applicable-no-table", "R1", None, only(lambda a: without_table(r21(a), A))),
    Case("R2-pass-2021-three-other-rows", "R2", True, only(r21)),
    Case("R2-pass-2019-single-other-row", "R2", True, only(r19)),
    Case(
        "R2-violated-outcomes",
        "R2",
        False,
        only(lambda a: bump(r21(a), A, "disclosed", ("natural_person", "total"), 1)),
    ),
    Case(
        "R2-violated-2021-other-misc",
        "R2",
        False,
        only(lambda a: bump(r21(a), A, "other_misc", ("natural_person", "total"), 2)),
    ),
    Case("R3-pass", "R3", True, only(r21)),
    Case(
        "R3-violated-row-total",
        "R3",
        False,
        only(lambda a: bump(r21(a), A, "disclosed", ("total",), 1)),
    ),
    Case("R4-pass", "R4", True, only(r21)),
    Case(
        "R4-violated",
        "R4",
        False,
        only(lambda a: bump(r21(a), "review_litigation", "reconsideration", ("total",), 1)),
    ),
    Case("R5-pass", "R5", True, only(r21)),
    Case(
        "R5-violated",
        "R5",
        False,
        only(lambda a: bump(r21(a), "review_litigation", "litigation_direct", ("upheld",), 1)),
    ),
    Case("R6-pass", "R6", True, only(r19)),
    Case(
        "R6-violated",
        "R6",
        False,
        only(
            lambda a: bump(
                r19(a), "review_litigation", "litigation_after_reconsideration", ("pending",), 2
            )
        ),
    ),
    Case("R7-pass-2019-negative-change-and-money", "R7", True, only(r19)),
    Case(
        "R7-violated-negative-count",
        "R7",
        False,
        only(lambda a: with_fact(r21(a), "review_litigation", "reconsideration", "other", -1)),
    ),
    Case(
        "R7-violated-fraction",
        "R7",
        False,
        only(lambda a: with_fact(r21(a), A, "carried_over", "other_org", 0.5)),
    ),
    Case(
        "R8-pass", "R8", True, lambda a: (r21(a), [report_2021(f"{a}-2020", agency=a, year=2020)])
    ),
    Case(
        "R8-violated-carry-over",
        "R8",
        False,
        lambda a: (
            r21(a),
            [report_2021(f"{a}-2020", agency=a, year=2020, forward={"natural_person": 3})],
        ),
    ),
    Case("R8-not-applicable-no-previous", "R8", None, only(r21)),
    Case(
        "R9-pass",
        "R9",
        True,
        lambda a: (r21(a, in_force=(11, 33)), [report_2021(f"{a}-2020", agency=a, year=2020)]),
    ),
    Case(
        "R9-violated-in-force-chain",
        "R9",
        False,
        lambda a: (r21(a, in_force=(11, 40)), [report_2021(f"{a}-2020", agency=a, year=2020)]),
    ),
    Case(
        "R10-pass",
        "R10",
        True,
        lambda a: (r19(a, prior_items=480), [report_2019(f"{a}-2018", agency=a, year=2018)]),
    ),
    Case(
        "R10-violated-published-above-made",
        "R10",
        False,
        only(lambda a: with_fact(r19(a), "proactive", "rules", "published", 2)),
    ),
    Case(
        "R10-violated-item-chain",
        "R10",
        False,
        lambda a: (r19(a, prior_items=490), [report_2019(f"{a}-2018", agency=a, year=2018)]),
    ),
    Case(
        "R11-pass-no-cases",
        "R11",
        True,
        lambda a: (
            zero_review(r21(a, new={}, carried={}, forward={})),
            [report_2021(f"{a}-2020", agency=a, year=2020, new={}, carried={}, forward={})],
        ),
    ),
    Case(
        "R11-violated-cases-without-applications",
        "R11",
        False,
        lambda a: (
            zero_review(r21(a, new={}, carried={}, forward={}), reconsideration=1),
            [report_2021(f"{a}-2020", agency=a, year=2020, new={}, carried={}, forward={})],
        ),
    ),
    Case("R12-pass", "R12", True, only(r21)),
    Case(
        "R12-pass-approximate",
        "R12",
        True,
        only(
            lambda a: set_fields(
                facts=[
                    *pre(a).facts[:-2],
                    Fact("text", "proactive_items", "value", 400, approximate=True, line=3),
                ]
            )(pre(a))
        ),
    ),
    Case(
        "R12-violated-prose-vs-table",
        "R12",
        False,
        only(lambda a: with_fact(r21(a), "text", "applications_received", "value", 69)),
    ),
    Case("R13-pass", "R13", True, only(r21)),
    Case(
        "R13-violated-section-missing",
        "R13",
        False,
        only(lambda a: set_fields(sections=r21(a).sections[:5])(r21(a))),
    ),
    Case(
        "R13-violated-2021-other-subrows",
        "R13",
        False,
        only(
            lambda a: set_fields(facts=[f for f in r21(a).facts if f.row != "other_fee_unpaid"])(
                r21(a)
            )
        ),
    ),
    Case(
        "R13-violated-table-absent",
        "R13",
        False,
        only(lambda a: without_table(r21(a), "review_litigation")),
    ),
    Case("R14-pass", "R14", True, only(r21)),
    Case(
        "R14-violated-late",
        "R14",
        False,
        only(lambda a: set_fields(published_on="2022-05-01")(r21(a))),
    ),
    Case(
        "R14-violated-department-deadline",
        "R14",
        False,
        only(
            lambda a: set_fields(agency=a.replace("管委会", "财政局"), published_on="2022-03-01")(
                r21(a)
            )
        ),
    ),
    Case(
        "R14-violated-signed-early",
        "R14",
        False,
        only(lambda a: set_fields(signed_on="2021-11-30")(r21(a))),
    ),
    Case(
        "R14-violated-title-year",
        "R14",
        False,
        only(lambda a: set_fields(title=f"{a}2020年政府信息公开工作年度报告")(r21(a))),
    ),
    Case("R15-pass", "R15", True, only(r21)),
    Case(
        "R15-violated-no-fee-statement",
        "R15",
        False,
        only(
            lambda a: set_fields(text=r21(a).text.replace("本年度未收取信息处理费。", ""))(r21(a))
        ),
    ),
    Case(
        "R15-violated-unpaid-without-fee",
        "R15",
        False,
        only(lambda a: with_fact(r21(a), A, "other_fee_unpaid", "total", 2)),
    ),
    Case(
        "R16-pass", "R16", True, lambda a: (r21(a), [report_2021(f"{a}-2020", agency=a, year=2020)])
    ),
    Case("R16-violated-copied-text", "R16", False, copy_text_previous),
    Case("P1-pass", "P1", True, only(pre)),
    Case(
        "P1-violated",
        "P1",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "applications_online", "value", 13)),
    ),
    Case("P2-pass", "P2", True, only(pre)),
    Case(
        "P2-violated",
        "P2",
        False,
        only(
            lambda a: with_fact(pre(a), "legacy_stats", "applications_closed_on_time", "value", 18)
        ),
    ),
    Case("P3-pass", "P3", True, only(pre)),
    Case(
        "P3-violated",
        "P3",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "replies_disclosed", "value", 11)),
    ),
    Case("P4-pass", "P4", True, only(pre)),
    Case(
        "P4-violated",
        "P4",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "refused_privacy", "value", 2)),
    ),
    Case("P5-pass", "P5", True, only(pre)),
    Case(
        "P5-violated",
        "P5",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "reconsideration_upheld", "value", 0)),
    ),
    Case("P6-pass", "P6", True, only(pre)),
    Case(
        "P6-violated",
        "P6",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "litigation_other", "value", 1)),
    ),
    Case("P7-pass", "P7", True, only(pre)),
    Case(
        "P7-violated",
        "P7",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "staff_part_time", "value", 4)),
    ),
    Case("P8-pass", "P8", True, only(pre)),
    Case(
        "P8-violated-sub-item-above-parent",
        "P8",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "press_conferences_by_head", "value", 5)),
    ),
    Case("P9-pass", "P9", True, only(pre)),
    Case(
        "P9-violated-closed-vs-replies",
        "P9",
        False,
        only(lambda a: with_fact(pre(a), "legacy_stats", "applications_closed", "value", 25)),
    ),
    Case(
        "P10-pass",
        "P10",
        True,
        lambda a: (
            pre(a),
            [report_pre2019(f"{a}-2014", agency=a, year=2014, cumulative_proactive=4532)],
        ),
    ),
    Case(
        "P10-violated-cumulative-below-year",
        "P10",
        False,
        only(lambda a: pre(a, cumulative_proactive=400)),
    ),
    Case("R17-pass", "R17", True, only(r21)),
    Case("R17-pass-2019", "R17", True, only(r19)),
    Case("R17-not-applicable-pre2019", "R17", None, only(pre)),
    Case(
        "R17-violated-cells-missing",
        "R17",
        False,
        only(
            lambda a: without_cells(r21(a), "applications", rows=("carried_forward",), columns=())
        ),
    ),
    Case(
        "R17-violated-one-cell-missing",
        "R17",
        False,
        only(
            lambda a: without_cells(r21(a), "review_litigation", ("litigation_direct",), ("other",))
        ),
    ),
    Case(
        # 洪泽区 2023: a 2021 report printing 表三 （六） as the 2019 single row is complete.
        "R17-pass-2021-with-single-other-row",
        "R17",
        True,
        only(lambda a: single_other_row(r21(a))),
    ),
    Case(
        # A table the report does not have (no fact, no label in the text) is table_absent.
        "R17-pass-table-absent",
        "R17",
        True,
        only(lambda a: without_table(r21(a), "review_litigation")),
    ),
    Case(
        # Its labels are printed but nothing was read: every cell is missing.
        "R17-violated-table-printed-but-unread",
        "R17",
        False,
        only(
            lambda a: set_fields(text=r21(a).text + "\n行政复议 未经复议直接起诉 复议后起诉")(
                without_table(r21(a), "review_litigation")
            )
        ),
    ),
    Case(
        "P10-violated-cumulative-chain",
        "P10",
        False,
        lambda a: (
            pre(a),
            [report_pre2019(f"{a}-2014", agency=a, year=2014, cumulative_proactive=4000)],
        ),
    ),
)


@pytest.fixture(scope="module")
def batch() -> tuple[ValidationResult, dict[str, str]]:
    reports: list[Report] = []
    previous: dict[tuple[str, int], Report] = {}
    case_report: dict[str, str] = {}
    for i, case in enumerate(CASES):
        report, prev = case.build(f"平潭综合实验区管委会{i}")
        reports.append(report)
        case_report[case.id] = report.report_id
        for p in prev:
            assert p.agency is not None and p.report_year is not None
            previous[(p.agency, p.report_year)] = p
    return validate_batch(reports, previous), case_report


def result_row(batch: tuple[ValidationResult, dict[str, str]], case: Case) -> pd.DataFrame:
    result, case_report = batch
    rr = result.rule_results
    return rr[(rr["report_id"] == case_report[case.id]) & (rr["rule_id"] == case.rule)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule(batch: tuple[ValidationResult, dict[str, str]], case: Case) -> None:
    rows = result_row(batch, case)
    if case.passed is None:
        assert rows.empty
        return
    assert len(rows) == 1, rows
    row = rows.iloc[0]
    assert bool(row["passed"]) is case.passed, row.to_dict()
    assert row["observed"] and row["expected"] and row["detail"]


def test_base_reports_pass_every_rule(batch: tuple[ValidationResult, dict[str, str]]) -> None:
    result, case_report = batch
    for case_id in ("C1-pass", "R1-pass-2019", "P1-pass", "R9-pass", "P10-pass", "R17-pass-2019"):
        verdict = result.verdicts[case_report[case_id]]
        assert verdict.status == "pass", verdict


def test_violation_names_the_numbers_and_line(
    batch: tuple[ValidationResult, dict[str, str]],
) -> None:
    case = next(c for c in CASES if c.id == "R4-violated")
    row = result_row(batch, case).iloc[0]
    # reconsideration: 1 upheld + 0 + 0 + 1 pending = 2, but the table states 3.
    assert row["observed"] == "1+0+0+1=2"
    assert row["expected"] == "=3"
    assert row["line"] == report_2021().fact("review_litigation", "reconsideration", "total").line  # type: ignore[union-attr]
    assert row["severity"] == "error"


def test_completeness_names_the_missing_cells(
    batch: tuple[ValidationResult, dict[str, str]],
) -> None:
    row = result_row(batch, next(c for c in CASES if c.id == "R17-violated-cells-missing")).iloc[0]
    # One instance per table; the failing one is shown, named by its table.
    assert row["observed"] == "applications cells: 168 of 175 表三 cells read"
    assert row["expected"] == "applications cells: =175 (表三, 2021 form)"
    assert "表三 missing 7 cells: (carried_forward, *)" in row["detail"]
    assert row["severity"] == "error"
    one = result_row(batch, next(c for c in CASES if c.id == "R17-violated-one-cell-missing"))
    assert "(litigation_direct, other)" in one.iloc[0]["detail"]


@pytest.mark.parametrize(
    ("case_id", "status", "rule"),
    [
        ("C1-violated-no-year", "quarantine", "C1"),
        ("C4-violated-invalid-date", "quarantine", "C4"),
        ("R1-violated-total-column", "fail", "R1"),
        ("P7-violated", "fail", "P7"),
        ("R17-violated-cells-missing", "fail", "R17"),
        ("R14-violated-late", "warn", "R14"),
        ("R16-violated-copied-text", "warn", "R16"),
    ],
    ids=[
        "quarantine-C1",
        "quarantine-C4",
        "fail-R1",
        "fail-P7",
        "fail-R17",
        "warn-R14",
        "warn-R16",
    ],
)
def test_verdict_status(
    batch: tuple[ValidationResult, dict[str, str]], case_id: str, status: str, rule: str
) -> None:
    result, case_report = batch
    verdict = result.verdicts[case_report[case_id]]
    assert verdict.status == status
    if status == "warn":
        assert rule in verdict.warned_rules and not verdict.failed_rules
    else:
        assert rule in verdict.failed_rules
        assert any(reason.startswith(rule) for reason in verdict.reasons)


def test_quarantine_reason_is_a_sentence(batch: tuple[ValidationResult, dict[str, str]]) -> None:
    result, case_report = batch
    verdict = result.verdicts[case_report["C3-violated-no-numbers"]]
    assert verdict.reasons == ("C3: no readable table or headline numbers",)


def test_r16_compares_with_the_agency_s_latest_earlier_report_across_a_gap() -> None:
    from tasks.validate import _by_agency, _history, _latest_before

    mine = report_2021("a-2024", agency="甲局", year=2024)
    history = _history(
        [mine, report_2021("b-2023", agency="乙局", year=2023)],
        {
            ("甲局", 2020): report_2021("a-2020", agency="甲局", year=2020),
            ("甲局", 2022): report_2021("a-2022", agency="甲局", year=2022),
            ("甲局", 2025): report_2021("a-2025", agency="甲局", year=2025),
        },
    )
    by_agency = _by_agency(history)
    found = _latest_before(mine, by_agency)
    assert found is not None and found.report_id == "a-2022"  # not 2020, not the later 2025
    # The same report under an earlier year is not its own predecessor.
    same = dataclasses.replace(mine, report_year=2023)
    assert _latest_before(same, _by_agency({("甲局", 2022): same})) is None
    assert _latest_before(report_2021("c", agency="丙局", year=2024), by_agency) is None
