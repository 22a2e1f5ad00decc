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
name. The sum declarations are data (``LEGACY_SUMS``, ``LEGACY_PARENTS``, ``REVIEW_RULES``);
this module stays thin so that they can move to ``govreports.contract`` beside the parser's
use of the same sums.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations._suite import Rule
from expectations.rules._base import Row, RuleBatch, identities, wide
from govreports.contract.vocabulary import (
    APPLICANT_COLUMNS,
    OTHER_ROWS_2021,
    OUTCOME_ROWS_2019,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
)

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

# 表四 row -> its rule; the parts of a row's total (every column but ``total``).
REVIEW_RULES = dict(zip(REVIEW_ROWS, ("R4", "R5", "R6"), strict=True))
REVIEW_PARTS = tuple(c for c in REVIEW_COLUMNS if c != "total")

# (pre-2019 rule, target row, part rows, minimum parts present or None for all)
LEGACY_SUMS: tuple[tuple[str, str, tuple[str, ...], int | None], ...] = (
    (
        "P1",
        "applications_received",
        (
            "applications_in_person",
            "applications_fax",
            "applications_online",
            "applications_letter",
            "applications_email",
            "applications_other",
        ),
        2,
    ),
    (
        "P2",
        "applications_closed",
        ("applications_closed_on_time", "applications_closed_extended"),
        None,
    ),
    (
        "P3",
        "replies_total",
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
        2,
    ),
    (
        "P4",
        "replies_refused",
        (
            "refused_state_secret",
            "refused_commercial_secret",
            "refused_privacy",
            "refused_security_stability",
            "refused_not_government_information",
            "refused_other_legal",
        ),
        2,
    ),
    (
        "P5",
        "reconsideration_total",
        ("reconsideration_upheld", "reconsideration_corrected", "reconsideration_other"),
        None,
    ),
    (
        "P6",
        "litigation_total",
        ("litigation_upheld", "litigation_corrected", "litigation_other"),
        None,
    ),
    ("P7", "staff_total", ("staff_full_time", "staff_part_time"), None),
)
# (其中 item, its parent) of P8.
LEGACY_PARENTS = (
    ("proactive_normative_docs", "proactive_items"),
    ("press_conferences_by_head", "press_conferences"),
    ("online_interviews_by_head", "online_interviews"),
)


def rows(batch: RuleBatch) -> list[Row]:
    facts = batch.facts
    return application_rows(facts) + review_rows(facts) + legacy_rows(facts)


def application_rows(facts: pd.DataFrame) -> list[Row]:
    """R1, R2 (per applicant column) and R3 (per row) on 表三."""
    by_column, by_column_lines = wide(facts, "applications", "column", "row")
    out: list[Row] = []
    if by_column.empty:
        return out
    out += identities(
        by_column,
        by_column_lines,
        "R1",
        ("new_received", "carried_over"),
        ("outcome_total", "carried_forward"),
        table="applications",
    )
    by_column, by_column_lines = _with_other_total(by_column, by_column_lines)
    out += identities(
        by_column,
        by_column_lines,
        "R2",
        (*OUTCOME_ROWS_2019, "other_all"),
        ("outcome_total",),
        table="applications",
    )
    by_row, by_row_lines = wide(facts, "applications", "row", "column")
    out += identities(
        by_row, by_row_lines, "R3", APPLICANT_COLUMNS, ("total",), table="applications"
    )
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
    for table_row, rule_id in REVIEW_RULES.items():
        keep = values.index.get_level_values(1) == table_row
        out += identities(
            values[keep], lines[keep], rule_id, REVIEW_PARTS, ("total",), table="review_litigation"
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
    for rule_id, target, parts, min_parts in LEGACY_SUMS:
        out += identities(
            values,
            lines,
            rule_id,
            parts,
            (target,),
            table="legacy_stats",
            min_parts=min_parts,
            name=target,
        )
    for child, parent in LEGACY_PARENTS:
        out += identities(
            values, lines, "P8", (child,), (parent,), table="legacy_stats", op="le", name=child
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
        by_row, by_row_lines, "P10", ("value",), ("cumulative",), table="legacy_stats", op="le"
    )
    return out
