"""The tables' own arithmetic (report-formats.md §4), used to choose between digit splits.

Each rule is an equation (or inequality) between sums of cells, checked once per column
(``axis="rows"``: it adds cells of several rows) or once per row (``axis="columns"``).
An instance is checked only when its left side is complete and its right side has at
least one cell, so a table that omits a row does not fail rules it cannot state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from govreports.contract.vocabulary import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    OUTCOME_ROWS_2019,
    REVIEW_COLUMNS,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from govreports.contract.models import Fact

CellKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Rule:
    rule_id: str
    table: str
    axis: Literal["rows", "columns"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    relation: Literal["eq", "le"] = "eq"  # "le": sum(lhs) <= sum(rhs)
    only: tuple[str, ...] = ()  # the columns (axis rows) or rows (axis columns) it covers


@dataclass(frozen=True, slots=True)
class Outcome:
    rule_id: str
    where: str
    passed: bool
    detail: str


_OUTCOME_ROWS = (*OUTCOME_ROWS_2019, *OTHER_ROWS_2019, *OTHER_ROWS_2021)
_LEGACY_COLUMNS = ("value", "cumulative")

APPLICATION_RULES = (
    Rule(
        "R1",
        "applications",
        "rows",
        ("new_received", "carried_over"),
        ("outcome_total", "carried_forward"),
    ),
    Rule("R2", "applications", "rows", ("outcome_total",), _OUTCOME_ROWS),
    Rule("R3", "applications", "columns", ("total",), APPLICANT_COLUMNS),
)
REVIEW_RULES = tuple(
    Rule(rule_id, "review_litigation", "columns", ("total",), REVIEW_COLUMNS[:-1], only=(row,))
    for rule_id, row in (
        ("R4", "reconsideration"),
        ("R5", "litigation_direct"),
        ("R6", "litigation_after_reconsideration"),
    )
)
LEGACY_RULES = (
    Rule(
        "P1",
        "legacy_stats",
        "rows",
        ("applications_received",),
        (
            "applications_in_person",
            "applications_fax",
            "applications_online",
            "applications_letter",
            "applications_email",
            "applications_other",
        ),
    ),
    Rule(
        "P2",
        "legacy_stats",
        "rows",
        ("applications_closed",),
        ("applications_closed_on_time", "applications_closed_extended"),
    ),
    Rule(
        "P3",
        "legacy_stats",
        "rows",
        ("replies_total",),
        (
            "replies_already_public",
            "replies_disclosed",
            "replies_partially_disclosed",
            "replies_refused",
            "replies_not_this_agency",
            "replies_not_exist",
            "replies_correction_requested",
            "replies_other_channel",
        ),
    ),
    Rule(
        "P4",
        "legacy_stats",
        "rows",
        ("replies_refused",),
        (
            "refused_state_secret",
            "refused_commercial_secret",
            "refused_privacy",
            "refused_security_stability",
            "refused_not_government_information",
            "refused_other_legal",
        ),
    ),
    Rule(
        "P5",
        "legacy_stats",
        "rows",
        ("reconsideration_total",),
        ("reconsideration_upheld", "reconsideration_corrected", "reconsideration_other"),
    ),
    Rule(
        "P6",
        "legacy_stats",
        "rows",
        ("litigation_total",),
        ("litigation_upheld", "litigation_corrected", "litigation_other"),
    ),
    Rule("P7", "legacy_stats", "rows", ("staff_total",), ("staff_full_time", "staff_part_time")),
    Rule("P8", "legacy_stats", "rows", ("proactive_normative_docs",), ("proactive_items",), "le"),
    Rule(
        "P8", "legacy_stats", "rows", ("press_conferences_by_head",), ("press_conferences",), "le"
    ),
    Rule(
        "P8", "legacy_stats", "rows", ("online_interviews_by_head",), ("online_interviews",), "le"
    ),
)
# P10 is per row: 本年度 <= 历年累计.
P10 = Rule("P10", "legacy_stats", "columns", ("value",), ("cumulative",), "le")
RULES = (*APPLICATION_RULES, *REVIEW_RULES, *LEGACY_RULES, P10)
_COLUMNS = {
    "applications": APPLICATION_COLUMNS,
    "review_litigation": REVIEW_COLUMNS,
    "legacy_stats": _LEGACY_COLUMNS,
}


def cell_map(facts: Iterable[Fact]) -> dict[CellKey, float]:
    return {f.key: float(f.value) for f in facts}


def check(cells: Mapping[CellKey, float], rules: Iterable[Rule] = RULES) -> list[Outcome]:
    """Every checkable instance of ``rules`` on ``cells``."""
    outcomes: list[Outcome] = []
    for rule in rules:
        for where, lhs, rhs in _instances(rule, cells):
            left, right = sum(lhs), sum(rhs)
            ok = abs(left - right) < 1e-6 if rule.relation == "eq" else left <= right + 1e-6
            sign = "=" if rule.relation == "eq" else "<="
            outcomes.append(Outcome(rule.rule_id, where, ok, f"{left:g} {sign} {right:g}"))
    return outcomes


def _instances(
    rule: Rule, cells: Mapping[CellKey, float]
) -> Iterable[tuple[str, list[float], list[float]]]:
    if rule.axis == "rows":
        columns = rule.only or _COLUMNS[rule.table]
        for column in columns:
            lhs = [cells.get((rule.table, row, column)) for row in rule.lhs]
            rhs = [cells.get((rule.table, row, column)) for row in rule.rhs]
            if all(v is not None for v in lhs) and any(v is not None for v in rhs):
                yield column, [v for v in lhs if v is not None], [v for v in rhs if v is not None]
        return
    rows = rule.only or sorted({row for (table, row, _) in cells if table == rule.table})
    for row in rows:
        lhs = [cells.get((rule.table, row, column)) for column in rule.lhs]
        rhs = [cells.get((rule.table, row, column)) for column in rule.rhs]
        if all(v is not None for v in lhs) and any(v is not None for v in rhs):
            yield row, [v for v in lhs if v is not None], [v for v in rhs if v is not None]
