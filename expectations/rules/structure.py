"""R13 (structure, 2019/2021 formats): the six section headings in order; 表二, 表三 and 表四
present; a 2021 表三 has its three （六） sub-rows (洪泽区 2023/2024 print the 2019 single row).

Severity *warning* by default: heading wording varies in real reports (概述 for 总体情况,
…改进措施), small agencies legitimately omit tables or say "无" in prose, and the detection
depends on the parser's heading and table recognition. A structural miss says "look at this
report", not "its numbers are wrong"; R1-R6 already fail hard when the numbers that are
present disagree. Move R13 into ``consistency_rules`` to make it fail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from expectations._suite import Rule
from expectations.rules._base import Row, RuleBatch, first_line, report_row
from govreports.contract.vocabulary import OTHER_ROWS_2021

if TYPE_CHECKING:
    from govreports.contract.models import Report

RULES: tuple[Rule, ...] = (
    Rule(
        "R13",
        "warning",
        "structure: six sections in order, 表二/三/四 present, 2021 （六） sub-rows",
    ),
)

SECTION_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("总体情况", ("总体情况", "概述")),
    ("主动公开", ("主动公开",)),
    ("收到和处理申请", ("收到和处理", "依申请")),
    ("行政复议、行政诉讼", ("行政复议", "行政诉讼", "复议")),
    ("问题及改进", ("问题", "改进")),
    ("其他需要报告的事项", ("其他需要报告", "其他事项")),
)
_SPACE = re.compile(r"\s+")


def rows(batch: RuleBatch) -> list[Row]:
    return [out for report in batch.reports for out in structure_rows(report)]


def structure_rows(report: Report) -> list[Row]:
    """R13 for the national formats: headings in order, tables present and complete."""
    if report.format not in ("2019", "2021"):
        return []
    out: list[Row] = []
    found = _sections_in_order([_SPACE.sub("", s) for s in report.sections])
    missing = [name for name, _ in SECTION_KEYS[found:]]
    out.append(
        report_row(
            report,
            "R13",
            "sections",
            "eq",
            found,
            len(SECTION_KEYS),
            f"{found} of {len(SECTION_KEYS)} in order",
            f"={len(SECTION_KEYS)} sections",
            "section headings in order" + (f"; first missing: {missing[0]}" if missing else ""),
        )
    )
    tables = {f.table for f in report.facts}
    for table, label in (
        ("proactive", "表二"),
        ("applications", "表三"),
        ("review_litigation", "表四"),
    ):
        present = table in tables
        out.append(
            report_row(
                report,
                "R13",
                f"{table} present",
                "eq",
                float(present),
                1.0,
                "present" if present else "absent",
                "present",
                f"{label} ({table}) present",
            )
        )
    other_rows = {f.row for f in report.facts if f.table == "applications"} & set(OTHER_ROWS_2021)
    if report.format == "2021" and "applications" in tables:
        have = len(other_rows)
        out.append(
            report_row(
                report,
                "R13",
                "2021 （六） sub-rows",
                "eq",
                have,
                len(OTHER_ROWS_2021),
                f"{have} of the （六） sub-rows",
                f"={len(OTHER_ROWS_2021)} (1.逾期不补正 2.逾期未缴费 3.其他)",
                "a 2021 表三 has the three （六）其他处理 sub-rows",
                first_line(report, "applications"),
            )
        )
    return out


def _sections_in_order(headings: list[str]) -> int:
    found = 0
    for heading in headings:
        if found < len(SECTION_KEYS) and any(k in heading for k in SECTION_KEYS[found][1]):
            found += 1
    return found
