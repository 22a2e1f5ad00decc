"""The tables' own arithmetic (report-formats.md §4), used to choose between digit splits.

The sums are declared once in ``govreports.contract.sums`` (the validation suites read the
same declarations); this module checks them on a table's cells as the splitter needs.

Each rule is an equation (or inequality) between sums of cells, checked once per column
(``axis="rows"``: it adds cells of several rows) or once per row (``axis="columns"``).
An instance is checked only when its left side is complete and its right side has at
least one cell, so a table that omits a row does not fail rules it cannot state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from govreports.contract.sums import APPLICATION_SUMS, LEGACY_SUMS, REVIEW_SUMS, SumRule
from govreports.contract.sums import P10 as P10_SUM
from govreports.contract.vocabulary import (
    APPLICATION_COLUMNS,
    LEGACY_STATS_COLUMNS,
    REVIEW_COLUMNS,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from govreports.contract.models import Fact

CellKey = tuple[str, str, str]


# The declared sums, checked with their complete side (``lhs``) first.
Rule = SumRule


@dataclass(frozen=True, slots=True)
class Outcome:
    rule_id: str
    where: str
    passed: bool
    detail: str


APPLICATION_RULES = APPLICATION_SUMS
REVIEW_RULES = REVIEW_SUMS
LEGACY_RULES = LEGACY_SUMS
P10 = P10_SUM
RULES = (*APPLICATION_RULES, *REVIEW_RULES, *LEGACY_RULES, P10)
_COLUMNS = {
    "applications": APPLICATION_COLUMNS,
    "review_litigation": REVIEW_COLUMNS,
    "legacy_stats": LEGACY_STATS_COLUMNS,
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
