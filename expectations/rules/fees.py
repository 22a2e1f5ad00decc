"""R15 (2021 format): section 六 mentions 信息处理费; 表三 （六）2 (逾期未缴费) > 0 only when a
fee was charged."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from expectations._suite import Rule, fmt_number
from expectations.rules._base import Row, RuleBatch, report_row

if TYPE_CHECKING:
    from govreports.contract.models import Report

RULES: tuple[Rule, ...] = (
    Rule(
        "R15", "warning", "2021: section 六 reports 信息处理费; 逾期未缴费 only with a fee", ("eq",)
    ),
)

_FEE_AMOUNT = re.compile(r"信息处理费[^。；;]*?(\d+(?:\.\d+)?)\s*(?:万元|元)")


def rows(batch: RuleBatch) -> list[Row]:
    return [out for report in batch.reports for out in fee_rows(report)]


def fee_rows(report: Report) -> list[Row]:
    """R15 for the 2021 format."""
    if report.format != "2021":
        return []
    start = report.text.rfind("其他需要报告")
    section = report.text[start:] if start >= 0 else report.text
    mentioned = "信息处理费" in section
    out = [
        report_row(
            report,
            "R15",
            "fee reported",
            "eq",
            float(mentioned),
            1.0,
            "mentions 信息处理费" if mentioned else "no mention of 信息处理费",
            "mentions 信息处理费",
            "section 六 reports the 信息处理费 charged (or none)",
        )
    ]
    unpaid = report.fact("applications", "other_fee_unpaid", "total")
    if unpaid is not None and not _fee_charged(report):
        out.append(
            report_row(
                report,
                "R15",
                "unpaid fee without fee",
                "eq",
                float(unpaid.value),
                0.0,
                f"（六）2 = {fmt_number(float(unpaid.value))}",
                "=0 (no fee charged)",
                "逾期未缴费 applications while the report states no fee charged",
                unpaid.line,
            )
        )
    return out


def _fee_charged(report: Report) -> bool:
    stated = report.fact("text", "fees_wan_yuan", "value")
    if stated is not None and stated.value > 0:
        return True
    return any(float(m.group(1)) > 0 for m in _FEE_AMOUNT.finditer(report.text))
