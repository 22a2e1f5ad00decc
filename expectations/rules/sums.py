"""Sums within one table: R1-R6 (2019/2021 表三, 表四) and P1-P10 (pre-2019 统计表).

* R1: 表三 新收 + 上年结转 = 办理结果总计 + 结转下年度, per applicant column;
* R2: 办理结果总计 = sum of outcomes （一）..（六）, per applicant column (a 2021 （六） is the
  sum of its three sub-rows);
* R3: 总计 = sum of the six applicant columns, per row;
* R4-R6: 表四 totals = 维持 + 纠正 + 其他 + 尚未审结, per row;
* P1-P7: a 统计表 total = its parts (P1, P3, P4 on the sub-items present, at least two,
  since the tables list different sub-items by province); P8: every 其中 item ≤ its parent;
  P9: 申请办结数 ≈ 申请答复数 ≤ 收到申请数; P10: 历年累计 ≥ 本年度 (its chain across years
  is in :mod:`expectations.rules.cross_year`).

For the national formats missing rows are R17's business, so R1-R6 need every fact they
name. The sums themselves are declared once, as data, in ``govreports.contract.sums``; the
parser's digit splitter reads the same declarations. P9 (an approximation, not a sum the
tables print) is this module's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations._suite import Rule
from expectations.rules._base import Row, RuleBatch, identities, wide
from govreports.contract.sums import APPLICATION_SUMS, LEGACY_SUMS, P10, REVIEW_SUMS
from govreports.contract.vocabulary import OTHER_ROWS_2019, OTHER_ROWS_2021

if TYPE_CHECKING:
    import pandas as pd

RULES: tuple[Rule, ...] = (
    Rule("R1", "error", "表三: 新收 + 上年结转 = 办理结果总计 + 结转下年度, per applicant column"),
    Rule(
        "R2", "error", "表三: 办理结果总计 = sum of outcomes （一）..（六）, per applicant column"
    ),
    Rule("R3", "error", "表三: 总计 = sum of the six applicant columns, per row"),
    Rule("R4", "error", "表四: 行政复议 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("R5", "error", "表四: 未经复议直接起诉 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("R6", "error", "表四: 复议后起诉 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("P1", "error", "统计表: 收到申请数 = sum of the channels"),
    Rule("P2", "error", "统计表: 申请办结数 = 按时办结 + 延期办结"),
    Rule("P3", "error", "统计表: 申请答复数 = sum of the reply kinds"),
    Rule("P4", "warning", "统计表: 不同意公开答复数 = sum of its 其中 items"),
    Rule("P5", "error", "统计表: 行政复议数量 = 维持 + 纠错 + 其他"),
    Rule("P6", "error", "统计表: 行政诉讼数量 = 维持/驳回 + 纠错 + 其他"),
    Rule("P7", "error", "统计表: 工作人员数 = 专职 + 兼职"),
    Rule("P8", "error", "统计表: every 其中 item ≤ its parent", ("le",)),
    Rule("P9", "warning", "统计表: 申请办结数 ≈ 申请答复数 ≤ 收到申请数", ("eq", "le")),
    Rule("P10", "error", "统计表: 历年累计 ≥ 本年度; 历年累计 chain across years", ("eq", "le")),
)

# The sums are declared once in govreports.contract.sums (the parser's digit splitter reads
# the same declarations); R2 reads （六） as one row: 2019's, else the sum of 2021's three.
_SUMS = {rule.rule_id: rule for rule in APPLICATION_SUMS}
_OTHER_ROWS = frozenset((*OTHER_ROWS_2019, *OTHER_ROWS_2021))


def rows(batch: RuleBatch) -> list[Row]:
    facts = batch.facts
    return application_rows(facts) + review_rows(facts) + legacy_rows(facts)


def application_rows(facts: pd.DataFrame) -> list[Row]:
    """R1, R2 (per applicant column) and R3 (per row) on 表三."""
    by_column, by_column_lines = wide(facts, "applications", "column", "row")
    out: list[Row] = []
    if by_column.empty:
        return out
    r1, r2, r3 = _SUMS["R1"], _SUMS["R2"], _SUMS["R3"]
    out += identities(by_column, by_column_lines, "R1", r1.parts, r1.total, table=r1.table)
    by_column, by_column_lines = _with_other_total(by_column, by_column_lines)
    r2_parts = (*(row for row in r2.parts if row not in _OTHER_ROWS), "other_all")
    out += identities(by_column, by_column_lines, "R2", r2_parts, r2.total, table=r2.table)
    by_row, by_row_lines = wide(facts, "applications", "row", "column")
    out += identities(by_row, by_row_lines, "R3", r3.parts, r3.total, table=r3.table)
    return out


def _with_other_total(
    values: pd.DataFrame, lines: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """（六）其他处理: the single 2019 row, else the sum of the three 2021 sub-rows."""
    values = values.reindex(columns=values.columns.union(["other", *OTHER_ROWS_2021]))
    lines = lines.reindex(columns=values.columns)
    sub = values[list(OTHER_ROWS_2021)]
    values["other_all"] = values["other"].fillna(
        sub.sum(axis=1, min_count=3).where(sub.notna().all(axis=1))
    )
    lines["other_all"] = lines["other"].fillna(lines["other_no_correction"])
    return values, lines


def review_rows(facts: pd.DataFrame) -> list[Row]:
    """R4-R6: each 表四 row's total is the sum of its parts."""
    values, lines = wide(facts, "review_litigation", "row", "column")
    out: list[Row] = []
    for rule in REVIEW_SUMS:
        keep = values.index.get_level_values(1).isin(rule.only)
        out += identities(
            values[keep], lines[keep], rule.rule_id, rule.parts, rule.total, table=rule.table
        )
    return out


def legacy_rows(facts: pd.DataFrame) -> list[Row]:
    """P1-P10 on the pre-2019 统计表 (column ``value`` = 本年度, ``cumulative`` = 历年累计)."""
    values, lines = wide(facts, "legacy_stats", "column", "row")
    out: list[Row] = []
    if values.empty:
        return out
    this_year = values.index.get_level_values(1) == "value"
    values, lines = values[this_year], lines[this_year]
    for rule in LEGACY_SUMS:
        # An equation is named by its total (P1-P7), an inequality by the item it bounds (P8).
        out += identities(
            values,
            lines,
            rule.rule_id,
            rule.parts,
            rule.total,
            table=rule.table,
            op=rule.relation,
            min_parts=rule.min_parts,
            name=rule.total[0] if rule.relation == "eq" else rule.parts[0],
        )
    out += identities(
        values,
        lines,
        "P9",
        ("applications_closed",),
        ("replies_total",),
        table="legacy_stats",
        name="closed=replies",
    )
    out += identities(
        values,
        lines,
        "P9",
        ("replies_total",),
        ("applications_received",),
        table="legacy_stats",
        op="le",
        name="replies≤received",
    )
    by_row, by_row_lines = wide(facts, "legacy_stats", "row", "column")
    out += identities(
        by_row, by_row_lines, "P10", P10.parts, P10.total, table=P10.table, op=P10.relation
    )
    return out
