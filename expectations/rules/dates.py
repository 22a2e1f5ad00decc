"""R14 (dates): the title year and the statistics-period year are ``report_year``; the report
was published in ``report_year + 1`` by 01-31 (departments, 2019 条例) or 03-31 (governments
and 管委会, and everyone before 2019); it was signed on or after ``report_year``-12-31.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from expectations._suite import Rule
from expectations.rules._base import Row, RuleBatch, report_row

if TYPE_CHECKING:
    from govreports.contract.models import Report

RULES: tuple[Rule, ...] = (
    Rule(
        "R14",
        "warning",
        "dates: title and period year, publication deadline, signature date",
        ("eq", "le"),
    ),
)

_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"统计期限.{0,40}")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_GOVERNMENT = ("人民政府", "管委会", "管理委员会")
_PLACE_SUFFIXES = ("省", "市", "县", "区", "州", "盟", "旗", "自治区")


def rows(batch: RuleBatch) -> list[Row]:
    return [out for report in batch.reports for out in date_rows(report)]


def date_rows(report: Report) -> list[Row]:
    """R14: the years agree, the report came out on time, and was signed after the year."""
    year = report.report_year
    if year is None:
        return []
    out: list[Row] = []
    title_year = _TITLE_YEAR.search(report.title or "")
    if title_year:
        ty = int(title_year.group(1))
        out.append(
            report_row(
                report,
                "R14",
                "title year",
                "eq",
                ty,
                year,
                f"title says {ty}",
                f"={year}",
                "the year in the title is the report year",
            )
        )
    period = _PERIOD.search(report.text)
    period_years = _YEAR.findall(period.group(0)) if period else []
    if period_years:
        py = int(period_years[-1])
        out.append(
            report_row(
                report,
                "R14",
                "period year",
                "eq",
                py,
                year,
                f"statistics period ends {py}",
                f"={year}",
                "the statistics period covers the report year",
            )
        )
    published = _parse_date(report.published_on)
    if published:
        out.append(
            report_row(
                report,
                "R14",
                "published year",
                "eq",
                published.year,
                year + 1,
                f"published {published.isoformat()}",
                f"in {year + 1}",
                "published in the year after the report year",
            )
        )
        deadline = _deadline(report, year)
        late = (published - deadline).days
        out.append(
            report_row(
                report,
                "R14",
                "published by deadline",
                "le",
                late,
                0,
                f"published {published.isoformat()}",
                f"≤{deadline.isoformat()}",
                f"published by the deadline ({late} days late)"
                if late > 0
                else "published by the deadline",
            )
        )
    signed = _parse_date(report.signed_on)
    if signed:
        year_end = date(year, 12, 31)
        early = (year_end - signed).days
        out.append(
            report_row(
                report,
                "R14",
                "signed after year end",
                "le",
                early,
                0,
                f"signed {signed.isoformat()}",
                f"≥{year_end.isoformat()}",
                "signed on or after the last day of the report year",
            )
        )
    return out


def _deadline(report: Report, year: int) -> date:
    agency = report.agency or ""
    # A bare place name (平潭综合实验区, 淮安市) is how a government names itself.
    government = any(g in agency for g in _GOVERNMENT) or agency.endswith(_PLACE_SUFFIXES)
    if year >= 2019 and not government:
        return date(year + 1, 1, 31)
    return date(year + 1, 3, 31)


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
