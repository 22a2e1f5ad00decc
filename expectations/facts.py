"""Suite of the ``facts`` table and of the consistency rules read from its numbers.

Grain: one row per stated number. Key: ``(report_id, table, row, column)``
(data-contract.md §2). Two frames are validated, each as one frame for the batch:

* the facts frame itself: R7, every 表二/表三/表四 count is a non-negative integer
  (2019 ``本年增/减`` may be negative; money in 万元 may be decimal);
* the fact rule frame, one row per report and rule instance, pivoted from the
  facts frame:

  - 2019/2021 formats: R1 (表三 identity per column), R2 (办理结果总计 = sum of
    outcomes per column), R3 (总计 = sum of the six applicant columns per row),
    R4-R6 (表四 totals), R11 (表四 cases with no applications for two years),
    R12 (prose headline numbers vs the table);
  - cross-year, against the same agency's previous report: R8 (上年结转 =
    last year's 结转下年度), R9 (2021: 现行有效件数 chain), R10 (2019: 新公开 ≤
    新制作 and ≤ 对外公开总数, 上一年项目数量 chain);
  - pre-2019 统计表: P1-P9, P10 (历年累计 ≥ 本年度, and the 历年累计 chain).

A rule whose facts are absent yields no row (not applicable is never a failure);
the pre-2019 sums P1, P3 and P4 are evaluated on the sub-items present (at least
two), since the tables list different sub-items by province. For the national
formats missing rows are R13's business, so R1-R6 need every fact they name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from expectations._suite import ColumnCheck, Op, Rule, fmt_number, fmt_sum
from govreports.contract.vocabulary import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    OTHER_ROWS_2021,
    OUTCOME_ROWS_2019,
)

REVIEW_ROWS = {
    "reconsideration": "R4",
    "litigation_direct": "R5",
    "litigation_after_reconsideration": "R6",
}
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
FACT_TABLES = ("applications", "review_litigation", "proactive", "legacy_stats", "text")
MONEY_COLUMNS = ("amount_wan_yuan",)
SIGNED_COLUMNS = ("change",)

RULES: tuple[Rule, ...] = (
    Rule("R1", "error", "表三: 新收 + 上年结转 = 办理结果总计 + 结转下年度, per applicant column"),
    Rule(
        "R2", "error", "表三: 办理结果总计 = sum of outcomes （一）..（六）, per applicant column"
    ),
    Rule("R3", "error", "表三: 总计 = sum of the six applicant columns, per row"),
    Rule("R4", "error", "表四: 行政复议 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("R5", "error", "表四: 未经复议直接起诉 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("R6", "error", "表四: 复议后起诉 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("R7", "error", "表二/三/四: counts are non-negative integers"),
    Rule("R8", "warning", "cross-year: 上年结转 = last year's 结转下年度, per column"),
    Rule("R9", "warning", "cross-year (2021): 现行有效件数 = last year's + 制发 - 废止"),
    Rule(
        "R10",
        "warning",
        "2019: 新公开 ≤ 新制作 and ≤ 对外公开总数; 上一年项目数量 chain",
        ("eq", "le"),
    ),
    Rule("R11", "warning", "表四 cases while 表三 shows no applications for two years"),
    Rule("R12", "warning", "prose headline numbers equal the table", ("eq", "le")),
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
RULE_BY_ID = {r.id: r for r in RULES}
COMPARISON_RULES = tuple(r for r in RULES if r.id != "R7")

FACT_CHECKS: tuple[ColumnCheck, ...] = (
    ColumnCheck("R7", "value", "between", "≥ 0", min_value=0, when="must_be_nonneg"),
    ColumnCheck("R7", "fraction", "in_set", "an integer", value_set=(0.0,), when="must_be_int"),
)

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
LEGACY_PARENTS = (
    ("proactive_normative_docs", "proactive_items"),
    ("press_conferences_by_head", "press_conferences"),
    ("online_interviews_by_head", "online_interviews"),
)
# text row -> the table cells that state the same number (summed), by format family.
TEXT_EQUIVALENTS: dict[str, tuple[tuple[tuple[str, str, str], ...], ...]] = {
    "applications_received": (
        (("applications", "new_received", "total"),),
        (("legacy_stats", "applications_received", "value"),),
    ),
    "reconsideration_total": (
        (("review_litigation", "reconsideration", "total"),),
        (("legacy_stats", "reconsideration_total", "value"),),
    ),
    "litigation_total": (
        (
            ("review_litigation", "litigation_direct", "total"),
            ("review_litigation", "litigation_after_reconsideration", "total"),
        ),
        (("legacy_stats", "litigation_total", "value"),),
    ),
    "proactive_items": ((("legacy_stats", "proactive_items", "value"),),),
    "fees_wan_yuan": ((("legacy_stats", "fees_wan_yuan", "value"),),),
}

Row = dict[str, Any]


def facts_frame(reports: Sequence[Any]) -> pd.DataFrame:
    """All facts of the batch as one frame, with the R7 domain columns derived."""
    records = [
        (r.report_id, r.format, f.table, f.row, f.column, f.value, f.approximate, f.line)
        for r in reports
        for f in r.facts
    ]
    frame = pd.DataFrame(
        records,
        columns=["report_id", "format", "table", "row", "column", "value", "approximate", "line"],
    )
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["line"] = frame["line"].astype("Int64")
    formal = frame["table"].isin(("applications", "review_litigation", "proactive"))
    frame["must_be_nonneg"] = formal & ~frame["column"].isin(SIGNED_COLUMNS)
    frame["must_be_int"] = formal & ~frame["column"].isin(MONEY_COLUMNS)
    frame["fraction"] = np.mod(frame["value"], 1.0)
    return frame


def r7_frame(facts: pd.DataFrame, masks: Sequence[pd.Series]) -> pd.DataFrame:
    """R7 per report from the GX-checked facts frame: one row per offending cell, else one
    passing row, in order of the reports' first checked cell. Rows carry ``passed``
    themselves (they are not a comparison)."""
    domain = (facts["must_be_nonneg"] | facts["must_be_int"]).to_numpy(dtype=bool)
    ok = np.ones(len(facts), dtype=bool)
    for mask in masks:
        ok &= mask.to_numpy(dtype=bool)
    sub = facts[domain]
    if sub.empty:
        return pd.DataFrame(columns=[*_ROW_COLUMNS, "passed"])
    sub_ok = ok[domain]
    group = sub.groupby("report_id", sort=False).ngroup().to_numpy(dtype=np.int64)
    n_groups = int(group.max()) + 1
    size = np.bincount(group, minlength=n_groups)
    bad_count = np.bincount(group, weights=~sub_ok, minlength=n_groups)
    first = np.unique(group, return_index=True)[1]
    clean = np.flatnonzero(bad_count == 0)
    n_cells = size[clean]
    good = pd.DataFrame(
        {
            "report_id": sub["report_id"].to_numpy()[first[clean]],
            "rule_id": "R7",
            "instance": "all",
            "op": "eq",
            "observed_value": n_cells.astype("float64"),
            "expected_value": n_cells.astype("float64"),
            "observed": [f"{n} cells" for n in n_cells.tolist()],
            "expected": "all non-negative integers",
            "line": None,
            "table": "facts",
            "detail": [f"{n} 表二/三/四 cells are non-negative integers" for n in n_cells.tolist()],
            "passed": True,
            "_group": clean,
            "_at": first[clean],
        }
    )
    bad_at = np.flatnonzero(~sub_ok)
    bad = sub.iloc[bad_at]
    instance = (bad["table"] + "/" + bad["row"] + "/" + bad["column"]).astype(object)
    shown = [fmt_number(float(v)) for v in bad["value"].tolist()]
    wrong = pd.DataFrame(
        {
            "report_id": bad["report_id"].to_numpy(),
            "rule_id": "R7",
            "instance": instance.to_numpy(),
            "op": "eq",
            "observed_value": bad["value"].to_numpy(dtype="float64"),
            "expected_value": np.nan,
            "observed": shown,
            "expected": np.where(
                bad["must_be_nonneg"].to_numpy(dtype=bool),
                "a non-negative integer",
                "an integer",
            ),
            "line": bad["line"].to_numpy(dtype=object),
            "table": bad["table"].astype(object).to_numpy(),
            "detail": [f"{i} = {v}" for i, v in zip(instance.tolist(), shown, strict=True)],
            "passed": False,
            "_group": group[bad_at],
            "_at": bad_at,
        }
    )
    out = pd.concat([good, wrong], ignore_index=True).sort_values(["_group", "_at"], kind="stable")
    out["line"] = out["line"].astype("Int64")
    return out.drop(columns=["_group", "_at"]).reset_index(drop=True)


_ROW_COLUMNS = (
    "report_id",
    "rule_id",
    "instance",
    "op",
    "observed_value",
    "expected_value",
    "observed",
    "expected",
    "line",
    "table",
    "detail",
)


def _row(  # noqa: PLR0917 - one positional per rule-frame column, in column order
    report_id: Any,
    rule_id: str,
    instance: str,
    op: Op,
    observed_value: float,
    expected_value: float,
    observed: str,
    expected: str,
    line: Any,
    table: str,
    detail: str,
) -> Row:
    return {
        "report_id": report_id,
        "rule_id": rule_id,
        "instance": instance,
        "op": op,
        "observed_value": observed_value,
        "expected_value": expected_value,
        "observed": observed,
        "expected": expected,
        "line": None if line is None or pd.isna(line) else int(line),
        "table": table,
        "detail": detail,
    }


def wide(
    facts: pd.DataFrame, table: str, index: str, columns: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and lines of one fact table pivoted to ``(report_id, index) x columns``."""
    sub = facts[facts["table"] == table].drop_duplicates(["report_id", "row", "column"])
    if sub.empty:
        empty = pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["report_id", index]))
        return empty, empty
    keyed = sub.assign(line=sub["line"].astype("float64")).set_index(["report_id", index, columns])
    both = keyed[["value", "line"]].unstack(columns)
    return cast("pd.DataFrame", both["value"]), cast("pd.DataFrame", both["line"])


def identities(
    values: pd.DataFrame,
    lines: pd.DataFrame,
    rule_id: str,
    parts: Sequence[str],
    targets: Sequence[str],
    *,
    table: str,
    op: Op = "eq",
    min_parts: int | None = None,
    suffix: str = "",
    name: str | None = None,
) -> list[Row]:
    """One rule row per wide row where ``sum(parts) op sum(targets)`` can be evaluated.

    Which rows apply and their lines are found on the whole pivot at once; only the rows
    kept are formatted (sums in Python, left to right, as the texts show them)."""
    if values.empty:
        return []
    keys = [*parts, *targets]
    vals = values.reindex(columns=keys).to_numpy(dtype="float64")
    lns = lines.reindex(columns=keys).to_numpy(dtype="float64")
    pv, tv = vals[:, : len(parts)], vals[:, len(parts) :]
    present = ~np.isnan(pv)
    keep = ~np.isnan(tv).any(axis=1)
    if min_parts is None:
        keep &= present.all(axis=1)
    else:
        keep &= present.sum(axis=1) >= min_parts
    at = np.flatnonzero(keep)
    if not at.size:
        return []
    target_line = np.fmin.reduce(lns[at, len(parts) :], axis=1)
    part_line = np.fmin.reduce(lns[at, : len(parts)], axis=1)
    line = np.asarray(np.where(np.isnan(target_line), part_line, target_line), dtype="float64")
    relation = "=" if op == "eq" else "≤"
    targets_label = "+".join(targets)
    index = values.index[at]
    rows: list[Row] = []
    for (report_id, instance), prow, okrow, trow, ln in zip(
        index, pv[at].tolist(), present[at].tolist(), tv[at].tolist(), line.tolist(), strict=True
    ):
        pvals = [v for v, ok in zip(prow, okrow, strict=True) if ok]
        used = [p for p, ok in zip(parts, okrow, strict=True) if ok]
        rows.append(
            _row(
                report_id,
                rule_id,
                name or f"{instance}{suffix}",
                op,
                sum(pvals),
                sum(trow),
                fmt_sum(pvals),
                relation + fmt_sum(trow),
                None if np.isnan(ln) else ln,
                table,
                f"{instance}: {'+'.join(used)} {relation} {targets_label}",
            )
        )
    return rows


def application_rows(facts: pd.DataFrame) -> list[Row]:
    """R1, R2 (per applicant column) and R3 (per row) on 表三."""
    by_column, by_column_lines = wide(facts, "applications", "column", "row")
    rows: list[Row] = []
    if by_column.empty:
        return rows
    rows += identities(
        by_column,
        by_column_lines,
        "R1",
        ("new_received", "carried_over"),
        ("outcome_total", "carried_forward"),
        table="applications",
    )
    by_column, by_column_lines = _with_other_total(by_column, by_column_lines)
    rows += identities(
        by_column,
        by_column_lines,
        "R2",
        (*OUTCOME_ROWS_2019, "other_all"),
        ("outcome_total",),
        table="applications",
    )
    by_row, by_row_lines = wide(facts, "applications", "row", "column")
    rows += identities(
        by_row, by_row_lines, "R3", APPLICANT_COLUMNS, ("total",), table="applications"
    )
    return rows


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
    values, lines = wide(facts, "review_litigation", "row", "column")
    rows: list[Row] = []
    for row, rule_id in REVIEW_ROWS.items():
        keep = values.index.get_level_values(1) == row
        rows += identities(
            values[keep], lines[keep], rule_id, REVIEW_PARTS, ("total",), table="review_litigation"
        )
    return rows


def proactive_rows(facts: pd.DataFrame) -> list[Row]:
    """R10's single-year half (2019 表二): 新公开 ≤ 新制作 and ≤ 对外公开总数."""
    values, lines = wide(facts, "proactive", "row", "column")
    if values.empty:
        return []
    return identities(
        values,
        lines,
        "R10",
        ("published",),
        ("made",),
        table="proactive",
        op="le",
        suffix="/published≤made",
    ) + identities(
        values,
        lines,
        "R10",
        ("published",),
        ("total_public",),
        table="proactive",
        op="le",
        suffix="/published≤total_public",
    )


def legacy_rows(facts: pd.DataFrame) -> list[Row]:
    """P1-P10 on the pre-2019 统计表 (column ``value`` = 本年度, ``cumulative`` = 历年累计)."""
    values, lines = wide(facts, "legacy_stats", "column", "row")
    rows: list[Row] = []
    if values.empty:
        return rows
    this_year = values.index.get_level_values(1) == "value"
    values, lines = values[this_year], lines[this_year]
    for rule_id, target, parts, min_parts in LEGACY_SUMS:
        rows += identities(
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
        rows += identities(
            values, lines, "P8", (child,), (parent,), table="legacy_stats", op="le", name=child
        )
    rows += identities(
        values,
        lines,
        "P9",
        ("applications_closed",),
        ("replies_total",),
        table="legacy_stats",
        name="closed=replies",
    )
    rows += identities(
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
    rows += identities(
        by_row, by_row_lines, "P10", ("value",), ("cumulative",), table="legacy_stats", op="le"
    )
    return rows


def _cells(facts: pd.DataFrame) -> dict[str, dict[tuple[str, str, str], tuple[float, Any]]]:
    """``report_id -> (table, row, column) -> (value, line)``; the first fact of a key wins."""
    out: dict[str, dict[tuple[str, str, str], tuple[float, Any]]] = {}
    lines = [None if pd.isna(v) else int(v) for v in facts["line"].tolist()]
    for report_id, table, row, column, value, line in zip(
        facts["report_id"].tolist(),
        facts["table"].tolist(),
        facts["row"].tolist(),
        facts["column"].tolist(),
        facts["value"].tolist(),
        lines,
        strict=True,
    ):
        out.setdefault(report_id, {}).setdefault((table, row, column), (value, line))
    return out


def text_rows(facts: pd.DataFrame) -> list[Row]:
    """R12: each prose headline number against the table cells stating the same thing."""
    text = facts[facts["table"] == "text"]
    if text.empty:
        return []
    cells = _cells(facts[facts["report_id"].isin(text["report_id"].unique())])
    rows: list[Row] = []
    for report_id, row, value, approximate, line in zip(
        text["report_id"].tolist(),
        text["row"].tolist(),
        text["value"].tolist(),
        text["approximate"].tolist(),
        text["line"].tolist(),
        strict=True,
    ):
        for keys in TEXT_EQUIVALENTS.get(row, ()):
            found = [cells[report_id].get(k) for k in keys]
            if any(f is None for f in found):
                continue
            table_value = sum(float(f[0]) for f in found if f is not None)
            # "100余条" states a lower bound, so the table may hold more.
            op: Op = "le" if approximate else "eq"
            label = "+".join("/".join(k) for k in keys)
            rows.append(
                _row(
                    report_id,
                    "R12",
                    str(row),
                    op,
                    float(value),
                    table_value,
                    f"prose {fmt_number(float(value))}{'余' if approximate else ''}",
                    f"{'=' if op == 'eq' else '≤'}{fmt_number(table_value)} (table)",
                    line,
                    "text",
                    f"{row}: prose number vs {label}",
                )
            )
            break
    return rows


def cross_year_rows(facts: pd.DataFrame, prev_facts: pd.DataFrame) -> list[Row]:
    """R8, R9, R10 (chain), R11 and P10 (chain) against the previous year's facts.

    ``prev_facts`` is the previous report's facts frame with ``report_id`` set to the
    *current* report's id, so both frames join on the same key.
    """
    if facts.empty or prev_facts.empty:
        return []
    cur = _cells(_cross_year_facts(facts))
    prev = _cells(_cross_year_facts(prev_facts))
    rows: list[Row] = []
    for report_id, now in cur.items():
        before = prev.get(report_id)
        if before:
            rows += _cross_year_report(report_id, now, before)
    return rows


def _cross_year_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts the cross-year rules read (most of 表三 is not among them)."""
    table = facts["table"]
    keep = (
        table.isin(("proactive", "legacy_stats"))
        | ((table == "review_litigation") & (facts["column"] == "total"))
        | (
            (table == "applications")
            & facts["row"].isin(("new_received", "carried_over", "carried_forward"))
        )
    )
    return facts[keep]


Cells = Mapping[tuple[str, str, str], tuple[float, Any]]


def _cross_year_report(report_id: str, now: Cells, before: Cells) -> list[Row]:
    rows: list[Row] = []
    for col in APPLICATION_COLUMNS:
        cur = now.get(("applications", "carried_over", col))
        old = before.get(("applications", "carried_forward", col))
        if cur and old:
            rows.append(
                _row(
                    report_id,
                    "R8",
                    col,
                    "eq",
                    cur[0],
                    old[0],
                    fmt_number(cur[0]),
                    f"={fmt_number(old[0])} (last year's 结转下年度)",
                    cur[1],
                    "applications",
                    f"{col}: carried_over = last year's carried_forward",
                )
            )
    for row in ("rules", "normative_documents"):
        cur_in, old_in = (
            now.get(("proactive", row, "in_force")),
            before.get(("proactive", row, "in_force")),
        )
        issued, repealed = (
            now.get(("proactive", row, "issued")),
            now.get(("proactive", row, "repealed")),
        )
        if cur_in and old_in and issued and repealed:
            chained = old_in[0] + issued[0] - repealed[0]
            observed = (
                f"{fmt_number(old_in[0])}+{fmt_number(issued[0])}-{fmt_number(repealed[0])}"
                f"={fmt_number(chained)}"
            )
            rows.append(
                _row(
                    report_id,
                    "R9",
                    row,
                    "eq",
                    chained,
                    cur_in[0],
                    observed,
                    f"={fmt_number(cur_in[0])}",
                    cur_in[1],
                    "proactive",
                    f"{row}: last year's in_force + issued - repealed = in_force",
                )
            )
    for row in ("licensing", "other_management_services", "penalty", "enforcement", "admin_fees"):
        items, change = (
            before.get(("proactive", row, "prior_year_items")),
            before.get(("proactive", row, "change")),
        )
        cur_items = now.get(("proactive", row, "prior_year_items"))
        if items and change and cur_items:
            chained = items[0] + change[0]
            rows.append(
                _row(
                    report_id,
                    "R10",
                    f"{row}/chain",
                    "eq",
                    chained,
                    cur_items[0],
                    f"{fmt_number(items[0])}{change[0]:+g}={fmt_number(chained)}",
                    f"={fmt_number(cur_items[0])}",
                    cur_items[1],
                    "proactive",
                    f"{row}: last year's prior_year_items + change = prior_year_items",
                )
            )
    rows += _r11(report_id, now, before)
    for (table, row, col), (value, line) in now.items():
        if table != "legacy_stats" or col != "cumulative":
            continue
        this_year, old = now.get((table, row, "value")), before.get((table, row, "cumulative"))
        if this_year and old:
            chained = old[0] + this_year[0]
            rows.append(
                _row(
                    report_id,
                    "P10",
                    f"{row}/chain",
                    "eq",
                    chained,
                    value,
                    fmt_sum([old[0], this_year[0]]),
                    f"={fmt_number(value)}",
                    line,
                    "legacy_stats",
                    f"{row}: last year's 历年累计 + 本年度 = 历年累计",
                )
            )
    return rows


def _r11(report_id: str, now: Cells, before: Cells) -> list[Row]:
    """R11 only speaks when 表三 shows no application this year and last year."""
    handled = [
        cells.get(("applications", row, "total"))
        for cells in (now, before)
        for row in ("new_received", "carried_over")
    ]
    cases = [now.get(("review_litigation", row, "total")) for row in REVIEW_ROWS]
    if any(h is None for h in handled) or any(c is None for c in cases):
        return []
    if sum(h[0] for h in handled if h) != 0:
        return []
    total = sum(c[0] for c in cases if c)
    line = cases[0][1] if cases[0] else None
    return [
        _row(
            report_id,
            "R11",
            "review_litigation",
            "eq",
            total,
            0,
            fmt_sum([c[0] for c in cases if c]),
            "=0 (no applications this year or last)",
            line,
            "review_litigation",
            "表四 复议/诉讼 totals while 表三 received no application in two years",
        )
    ]


def comparison_frame(facts: pd.DataFrame, prev_facts: pd.DataFrame) -> pd.DataFrame:
    """:func:`comparison_rows` as a frame of the rule frame's input columns."""
    return pd.DataFrame(comparison_rows(facts, prev_facts), columns=list(_ROW_COLUMNS))


def comparison_rows(facts: pd.DataFrame, prev_facts: pd.DataFrame) -> list[Row]:
    return (
        application_rows(facts)
        + review_rows(facts)
        + proactive_rows(facts)
        + legacy_rows(facts)
        + text_rows(facts)
        + cross_year_rows(facts, prev_facts)
    )
