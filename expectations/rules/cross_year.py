"""Rules that compare a report with its agency's earlier year: R8-R11, R16 (and P10's chain).

* R8: 上年结转 = last year's 结转下年度, per applicant column;
* R9 (2021): 现行有效件数 = last year's + 本年制发 - 本年废止, for 规章 and 规范性文件;
* R10 (2019 表二): 新公开 ≤ 新制作 and ≤ 对外公开总数 (this year alone), and the
  上一年项目数量 chain: last year's 上一年项目数量 + 本年增/减 = this year's;
* R11: 表四 cases while 表三 shows no application this year or last;
* R16: text similarity with the agency's latest earlier report ≤ 0.5. Measure: Jaccard
  index of the sets of character 4-shingles of the normalized texts (whitespace and
  punctuation removed, digit runs replaced by ``#`` so that a copied report with new
  numbers still counts as copied). Cheap: one set per text.
* P10's chain (declared in :mod:`expectations.rules.sums`): last year's 历年累计 + 本年度
  = 历年累计.

When an earlier year arrives after a later one was published, these rules
(``CROSS_YEAR_RULES``) are what changes for the later one (``tasks.validate``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from expectations._suite import Rule, fmt_number, fmt_sum
from expectations.rules._base import (
    Cells,
    Row,
    RuleBatch,
    cells,
    identities,
    report_row,
    row,
    wide,
)
from govreports.contract.vocabulary import APPLICATION_COLUMNS, REVIEW_ROWS

if TYPE_CHECKING:
    import pandas as pd

    from govreports.contract.models import Report

RULES: tuple[Rule, ...] = (
    Rule("R8", "warning", "cross-year: 上年结转 = last year's 结转下年度, per column"),
    Rule("R9", "warning", "cross-year (2021): 现行有效件数 = last year's + 制发 - 废止"),
    Rule(
        "R10",
        "warning",
        "2019: 新公开 ≤ 新制作 and ≤ 对外公开总数; 上一年项目数量 chain",
        ("eq", "le"),
    ),
    Rule("R11", "warning", "表四 cases while 表三 shows no applications for two years"),
    Rule("R16", "warning", "text similarity with the previous report at most 50%", ("le",)),
)
# The rules whose result depends on an earlier year: this family's, and P10's chain.
CROSS_YEAR_RULES: tuple[str, ...] = (*(r.id for r in RULES), "P10")

SIMILARITY_LIMIT = 0.5
SHINGLE = 4


def rows(batch: RuleBatch) -> list[Row]:
    return (
        proactive_rows(batch.facts)
        + cross_year_rows(batch.facts, batch.previous_facts)
        + [
            out
            for report in batch.reports
            for out in similarity_rows(report, batch.latest_before.get(report.report_id))
        ]
    )


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


def cross_year_rows(facts: pd.DataFrame, prev_facts: pd.DataFrame) -> list[Row]:
    """R8, R9, R10 (chain), R11 and P10 (chain) against the previous year's facts.

    ``prev_facts`` is the previous report's facts frame with ``report_id`` set to the
    *current* report's id, so both frames join on the same key.
    """
    if facts.empty or prev_facts.empty:
        return []
    cur = cells(_cross_year_facts(facts))
    prev = cells(_cross_year_facts(prev_facts))
    out: list[Row] = []
    for report_id, now in cur.items():
        before = prev.get(report_id)
        if before:
            out += _cross_year_report(report_id, now, before)
    return out


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


def _cross_year_report(report_id: str, now: Cells, before: Cells) -> list[Row]:
    out: list[Row] = []
    for col in APPLICATION_COLUMNS:
        cur = now.get(("applications", "carried_over", col))
        old = before.get(("applications", "carried_forward", col))
        if cur and old:
            out.append(
                row(
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
    for table_row in ("rules", "normative_documents"):
        cur_in, old_in = (
            now.get(("proactive", table_row, "in_force")),
            before.get(("proactive", table_row, "in_force")),
        )
        issued, repealed = (
            now.get(("proactive", table_row, "issued")),
            now.get(("proactive", table_row, "repealed")),
        )
        if cur_in and old_in and issued and repealed:
            chained = old_in[0] + issued[0] - repealed[0]
            observed = (
                f"{fmt_number(old_in[0])}+{fmt_number(issued[0])}-{fmt_number(repealed[0])}"
                f"={fmt_number(chained)}"
            )
            out.append(
                row(
                    report_id,
                    "R9",
                    table_row,
                    "eq",
                    chained,
                    cur_in[0],
                    observed,
                    f"={fmt_number(cur_in[0])}",
                    cur_in[1],
                    "proactive",
                    f"{table_row}: last year's in_force + issued - repealed = in_force",
                )
            )
    for table_row in (
        "licensing",
        "other_management_services",
        "penalty",
        "enforcement",
        "admin_fees",
    ):
        items, change = (
            before.get(("proactive", table_row, "prior_year_items")),
            before.get(("proactive", table_row, "change")),
        )
        cur_items = now.get(("proactive", table_row, "prior_year_items"))
        if items and change and cur_items:
            chained = items[0] + change[0]
            out.append(
                row(
                    report_id,
                    "R10",
                    f"{table_row}/chain",
                    "eq",
                    chained,
                    cur_items[0],
                    f"{fmt_number(items[0])}{change[0]:+g}={fmt_number(chained)}",
                    f"={fmt_number(cur_items[0])}",
                    cur_items[1],
                    "proactive",
                    f"{table_row}: last year's prior_year_items + change = prior_year_items",
                )
            )
    out += _r11(report_id, now, before)
    for (table, table_row, col), (value, line) in now.items():
        if table != "legacy_stats" or col != "cumulative":
            continue
        this_year = now.get((table, table_row, "value"))
        old = before.get((table, table_row, "cumulative"))
        if this_year and old:
            chained = old[0] + this_year[0]
            out.append(
                row(
                    report_id,
                    "P10",
                    f"{table_row}/chain",
                    "eq",
                    chained,
                    value,
                    fmt_sum([old[0], this_year[0]]),
                    f"={fmt_number(value)}",
                    line,
                    "legacy_stats",
                    f"{table_row}: last year's 历年累计 + 本年度 = 历年累计",
                )
            )
    return out


def _r11(report_id: str, now: Cells, before: Cells) -> list[Row]:
    """R11 only speaks when 表三 shows no application this year and last year."""
    handled = [
        found.get(("applications", table_row, "total"))
        for found in (now, before)
        for table_row in ("new_received", "carried_over")
    ]
    cases = [now.get(("review_litigation", table_row, "total")) for table_row in REVIEW_ROWS]
    if any(h is None for h in handled) or any(c is None for c in cases):
        return []
    if sum(h[0] for h in handled if h) != 0:
        return []
    total = sum(c[0] for c in cases if c)
    line = cases[0][1] if cases[0] else None
    return [
        row(
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


_NOISE = re.compile(r"[\s\W_]+")
_DIGITS = re.compile(r"\d+")


def shingles(text: str) -> frozenset[str]:
    norm = _DIGITS.sub("#", _NOISE.sub("", text))
    return frozenset(norm[i : i + SHINGLE] for i in range(max(len(norm) - SHINGLE + 1, 0)))


def similarity(a: str, b: str) -> float:
    """Jaccard index of the character 4-shingle sets of two normalized texts."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def similarity_rows(report: Report, previous: Report | None) -> list[Row]:
    """R16 against the same agency's previous report, when both texts are known."""
    if previous is None or not report.text or not previous.text:
        return []
    score = round(similarity(report.text, previous.text), 3)
    return [
        report_row(
            report,
            "R16",
            f"vs {previous.report_year}",
            "le",
            score,
            SIMILARITY_LIMIT,
            f"similarity {score:.2f} with the {previous.report_year} report",
            f"≤{SIMILARITY_LIMIT:.2f}",
            "4-shingle Jaccard similarity with the agency's previous report",
        )
    ]
