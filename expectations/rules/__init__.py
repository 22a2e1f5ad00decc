"""The rule families: one module per family, all behind one interface (``_base.RuleFamily``).

=================  ========================================================
family             rules
=================  ========================================================
``structure``      R13: sections in order, 表二/三/四 present, 2021 （六） sub-rows
``completeness``   R17: every template cell of 表二/三/四 was read
``dates``          R14: title/period year, publication deadline, signature date
``fees``           R15: 信息处理费 reported, 逾期未缴费 only with a fee
``sums``           R1-R6 (表三, 表四), P1-P10 (统计表) within one table
``prose``          R12: prose headline numbers vs the table
``cross_year``     R8-R11, R16 (and P10's chain) against the agency's earlier year
=================  ========================================================

``FAMILIES`` is the registry ``tasks.validate`` iterates: it builds one :class:`RuleBatch`,
concatenates every family's rows (in this order) into one rule frame and runs it through
Great Expectations as one suite. The column checks of the tables themselves (C1-C4 on
``reports``, R7 on ``facts``) are in ``expectations/<table>.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations.rules import completeness, cross_year, dates, fees, prose, structure, sums
from expectations.rules._base import Row, RuleBatch, RuleFamily

if TYPE_CHECKING:
    from expectations._suite import Rule

FAMILIES: tuple[RuleFamily, ...] = (
    structure,
    completeness,
    dates,
    fees,
    sums,
    prose,
    cross_year,
)
RULES: tuple[Rule, ...] = tuple(rule for family in FAMILIES for rule in family.RULES)


def rows(batch: RuleBatch) -> list[Row]:
    """Every family's rule-frame rows for the batch, family by family."""
    return [out for family in FAMILIES for out in family.rows(batch)]


__all__ = ["FAMILIES", "RULES", "RuleBatch", "RuleFamily", "rows"]
