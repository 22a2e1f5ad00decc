"""The rule families behind one interface: each rule declared once, each row a declared rule."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from expectations import facts as facts_suite
from expectations import rules
from expectations.rule_results import ALL_RULES
from expectations.rules import cross_year
from expectations.rules._base import RuleBatch
from tests.support.validation_examples import report_2019, report_2021, report_pre2019


def test_every_rule_is_declared_once() -> None:
    counts = Counter(r.id for r in ALL_RULES)
    assert [rule for rule, n in counts.items() if n > 1] == []
    # The families own every comparison rule; the tables' own checks are C1-C4 and R7.
    assert {r.id for r in ALL_RULES} - {r.id for r in rules.RULES} == {"C1", "C2", "C3", "C4", "R7"}


def _batch() -> RuleBatch:
    now = [report_2019("a"), report_2021("b"), report_pre2019("c")]
    before = [
        dataclasses.replace(report_2019("a"), report_id="a-prev", report_year=2019),
        dataclasses.replace(report_2021("b"), report_id="b-prev", report_year=2021),
        dataclasses.replace(report_pre2019("c"), report_id="c-prev", report_year=2015),
    ]
    prev = facts_suite.facts_frame(
        [dataclasses.replace(p, report_id=r.report_id) for r, p in zip(now, before, strict=True)]
    )
    latest = {r.report_id: p for r, p in zip(now, before, strict=True)}
    return RuleBatch(now, facts_suite.facts_frame(now), prev, latest)


@pytest.mark.parametrize("family", rules.FAMILIES, ids=lambda f: f.__name__.rsplit(".", 1)[-1])
def test_a_family_builds_rows_of_declared_rules_only(family: rules.RuleFamily) -> None:
    rows = family.rows(_batch())
    assert rows, "every family has an instance on a 2019 + 2021 + pre-2019 batch with history"
    emitted = {row["rule_id"] for row in rows}
    declared = {r.id for r in family.RULES}
    # P10's chain across years is built by the cross-year family, declared with the sums.
    extra = {"P10"} if family is cross_year else set()
    assert emitted <= declared | extra
    ops = {(r.id, op) for r in rules.RULES for op in r.ops}
    assert {(row["rule_id"], row["op"]) for row in rows} <= ops


def test_revalidation_recomputes_exactly_the_rules_reading_an_earlier_year() -> None:
    """A late earlier year changes these rules' results for the later report, and no other."""
    assert set(cross_year.CROSS_YEAR_RULES) == {"R8", "R9", "R10", "R11", "R16", "P10"}
