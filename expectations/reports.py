"""Suite of the ``reports`` table: critical gates and the report-level rules.

Grain: one row per parsed report. Key: ``report_id`` (sha256 of the raw bytes).

Critical rules (a failure quarantines the report, with the reason):

* C1: ``report_year`` is stated (not null).
* C2: ``agency`` is stated (not null, not blank).
* C3: the report has at least one readable number: a table fact or a prose headline
  number (``text`` facts). A prose-only report that says "未收到申请" states 0 and passes.
* C4: the record keeps the schema: ``schema_version`` is the current one, ``format``
  is one of pre2019/2019/2021/unknown, ``report_year`` lies in 2000..next year,
  ``published_on`` / ``signed_on`` are valid ISO dates (``YYYY-MM-DD``, real days),
  every fact belongs to a known table and has a finite number.

Report-level rules, on the report rule frame (one row per report and instance):

* R13 (structure, 2019/2021 formats): the six section headings in order; 表二, 表三 and
  表四 present; a 2021 表三 has its three （六） sub-rows (洪泽区 2023/2024 print the 2019
  single row). Severity *warning* by default: heading wording varies in real
  reports (概述 for 总体情况, …改进措施), small agencies legitimately omit tables or say
  "无" in prose, and the detection depends on the parser's heading and table
  recognition. A structural miss says "look at this report", not "its numbers are
  wrong"; R1-R6 already fail hard when the numbers that are present disagree. Move
  R13 into ``consistency_rules`` to make it fail.
* R14 (dates): title year and statistics-period year = ``report_year``; published in
  ``report_year + 1`` by 01-31 (departments, 2019 条例) or 03-31 (governments and
  管委会, and everyone before 2019); signed on or after ``report_year``-12-31.
* R15 (2021 format): section 六 mentions 信息处理费; 表三 （六）2 (逾期未缴费) > 0
  only when a fee was charged.
* R16 (duplication): text similarity with the same agency's previous report ≤ 0.5.
  Measure: Jaccard index of the sets of character 4-shingles of the normalized texts
  (whitespace and punctuation removed, digit runs replaced by ``#`` so that a copied
  report with new numbers still counts as copied). Cheap: one set per text.
* R17 (completeness, 2019/2021 formats; severity *error*, so ``fail``, never ``clean``):
  every template cell of each table the report has was read: 表二 22 (2019) / 10 (2021)
  cells, 表三 161 (23 rows x 7, 2019) / 175 (25 rows x 7, 2021), 表四 15, as declared in
  ``govreports.contract.vocabulary.TEMPLATE_CELLS`` (a table may follow the other
  generation's form).
  Observed: cells read; expected: template cells; detail: the missing (row, column)
  cells. A table the report does not have (its labels are not in the text and no fact
  of it was read: stated 无, prose only) is ``table_absent``: no R17 row; R13 warns.
  See docs/rules.md.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from expectations._suite import ColumnCheck, Rule, fmt_number
from expectations.facts import FACT_TABLES
from govreports.contract.models import SCHEMA_VERSION, Report
from govreports.contract.numbers import fits
from govreports.contract.vocabulary import OTHER_ROWS_2021, TABLE_NAMES, TEMPLATE_CELLS

if TYPE_CHECKING:
    from collections.abc import Sequence

FORMATS = ("pre2019", "2019", "2021", "unknown")
MIN_YEAR = 2000
SIMILARITY_LIMIT = 0.5
SHINGLE = 4

RULES: tuple[Rule, ...] = (
    Rule("C1", "critical", "the report year is stated"),
    Rule("C2", "critical", "the agency is stated"),
    Rule("C3", "critical", "the report has a readable table or headline numbers"),
    Rule(
        "C4", "critical", "the record keeps the schema (version, format, year range, dates, facts)"
    ),
    Rule(
        "R13",
        "warning",
        "structure: six sections in order, 表二/三/四 present, 2021 （六） sub-rows",
    ),
    Rule(
        "R14",
        "warning",
        "dates: title and period year, publication deadline, signature date",
        ("eq", "le"),
    ),
    Rule(
        "R15", "warning", "2021: section 六 reports 信息处理费; 逾期未缴费 only with a fee", ("eq",)
    ),
    Rule("R16", "warning", "text similarity with the previous report at most 50%", ("le",)),
    Rule("R17", "error", "completeness: every template cell of 表二/三/四 was read"),
)
RULE_BY_ID = {r.id: r for r in RULES}
COMPARISON_RULES = tuple(r for r in RULES if r.id.startswith("R"))


def column_checks(today: date | None = None) -> tuple[ColumnCheck, ...]:
    year = (today or date.today()).year
    return (
        ColumnCheck("C1", "report_year", "not_null", "a year"),
        ColumnCheck("C2", "agency", "not_null", "an agency name"),
        ColumnCheck("C3", "n_facts", "between", "≥1 table or headline number", min_value=1),
        ColumnCheck(
            "C4", "schema_version", "in_set", f"={SCHEMA_VERSION}", value_set=(SCHEMA_VERSION,)
        ),
        ColumnCheck("C4", "format", "in_set", "one of " + "/".join(FORMATS), value_set=FORMATS),
        ColumnCheck(
            "C4",
            "report_year",
            "between",
            f"{MIN_YEAR}..{year + 1}",
            min_value=MIN_YEAR,
            max_value=year + 1,
        ),
        ColumnCheck("C4", "published_on", "date", "an ISO date YYYY-MM-DD"),
        ColumnCheck("C4", "signed_on", "date", "an ISO date YYYY-MM-DD"),
        ColumnCheck("C4", "unknown_fact_tables", "between", "=0", min_value=0, max_value=0),
        ColumnCheck("C4", "nonfinite_values", "between", "=0", min_value=0, max_value=0),
    )


def reports_frame(reports: Sequence[Report]) -> pd.DataFrame:
    """One row per report: the scalar fields and the fact counts the C-rules read."""
    rows = []
    for r in reports:
        values = [f.value for f in r.facts]
        rows.append(
            {
                "report_id": r.report_id,
                "agency": (r.agency or "").strip() or None,
                "report_year": float(r.report_year) if r.report_year is not None else np.nan,
                "format": r.format,
                "schema_version": r.schema_version,
                "published_on": r.published_on,
                "signed_on": r.signed_on,
                "n_facts": len(r.facts),
                "unknown_fact_tables": sum(f.table not in FACT_TABLES for f in r.facts),
                "nonfinite_values": sum(not _finite(v) for v in values),
            }
        )
    columns = [
        "report_id",
        "agency",
        "report_year",
        "format",
        "schema_version",
        "published_on",
        "signed_on",
        "n_facts",
        "unknown_fact_tables",
        "nonfinite_values",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("report_id", "agency", "format", "schema_version", "published_on", "signed_on"):
        frame[col] = frame[col].astype(object)
    frame["report_year"] = frame["report_year"].astype("float64")
    return frame


def _finite(value: object) -> bool:
    """A number the contract's columns hold (a Python int beyond int64 made np.isfinite raise)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and fits(value)


Row = dict[str, Any]


def _row(  # noqa: PLR0917 - one positional per rule-frame column, in column order
    report: Report,
    rule_id: str,
    instance: str,
    op: str,
    observed_value: float,
    expected_value: float,
    observed: str,
    expected: str,
    detail: str,
    line: int | None = None,
) -> Row:
    return {
        "report_id": report.report_id,
        "rule_id": rule_id,
        "instance": instance,
        "op": op,
        "observed_value": observed_value,
        "expected_value": expected_value,
        "observed": observed,
        "expected": expected,
        "line": line,
        "table": "reports",
        "detail": detail,
    }


SECTION_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("总体情况", ("总体情况", "概述")),
    ("主动公开", ("主动公开",)),
    ("收到和处理申请", ("收到和处理", "依申请")),
    ("行政复议、行政诉讼", ("行政复议", "行政诉讼", "复议")),
    ("问题及改进", ("问题", "改进")),
    ("其他需要报告的事项", ("其他需要报告", "其他事项")),
)
_SPACE = re.compile(r"\s+")


def structure_rows(report: Report) -> list[Row]:
    """R13 for the national formats: headings in order, tables present and complete."""
    if report.format not in ("2019", "2021"):
        return []
    rows: list[Row] = []
    found = _sections_in_order([_SPACE.sub("", s) for s in report.sections])
    missing = [name for name, _ in SECTION_KEYS[found:]]
    rows.append(
        _row(
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
        rows.append(
            _row(
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
        rows.append(
            _row(
                report,
                "R13",
                "2021 （六） sub-rows",
                "eq",
                have,
                len(OTHER_ROWS_2021),
                f"{have} of the （六） sub-rows",
                f"={len(OTHER_ROWS_2021)} (1.逾期不补正 2.逾期未缴费 3.其他)",
                "a 2021 表三 has the three （六）其他处理 sub-rows",
                _first_line(report, "applications"),
            )
        )
    return rows


# Labels printed only inside each table (header cells, row labels), never in prose: a
# report whose text has them has the table, read or not.
_TABLE_PRINTED = {
    "proactive": re.compile(r"第二十条第（一）项|本年制发件数|本年新制作数量|处理决定数量"),
    "applications": re.compile(r"商业企业|科研机构|本年度办理结果|本年新收政府信息公开申请数量"),
    "review_litigation": re.compile(r"未经复议直接起诉|复议后起诉"),
}


def completeness_rows(report: Report) -> list[Row]:
    """R17: every cell of each uniform-format table the report has was read.

    Per table: the template cells of the report's generation (or the other generation's form
    of that table, when the facts follow it; see ``TEMPLATE_CELLS``). A table is there when
    a fact of it was read or its own labels are printed in the text; a table the report does
    not have (stated as 无, or prose only) is ``table_absent`` and yields no row (R13 warns).
    Observed: the template cells read; expected: all of them; detail: the missing cells.
    """
    templates = TEMPLATE_CELLS.get(report.format)
    if templates is None:
        return []
    rows: list[Row] = []
    for table, variants in templates.items():
        cells = {(f.row, f.column) for f in report.facts if f.table == table}
        if not cells and not _TABLE_PRINTED[table].search(report.text):
            continue
        form, template = max(variants.items(), key=lambda kv: len(cells.intersection(kv[1])))
        missing = [cell for cell in template if cell not in cells]
        have = len(template) - len(missing)
        label = TABLE_NAMES[table]
        rows.append(
            _row(
                report,
                "R17",
                f"{table} cells",
                "eq",
                have,
                len(template),
                f"{have} of {len(template)} {label} cells read",
                f"={len(template)} ({label}, {form} form)",
                f"{label} missing {len(missing)} cells: {missing_cells(missing, template)}"
                if missing
                else f"{label} complete ({form} form)",
                _first_line(report, table),
            )
        )
    return rows


def missing_cells(missing: Sequence[tuple[str, str]], template: Sequence[tuple[str, str]]) -> str:
    """``(carried_forward, *)`` for a row missing every cell, else ``(row, column)`` each."""
    per_row: dict[str, list[str]] = {row: [] for row, _ in template}
    for row, column in missing:
        per_row[row].append(column)
    width = Counter(row for row, _ in template)
    parts = []
    for row, columns in per_row.items():
        if columns and len(columns) == width[row] > 1:
            parts.append(f"({row}, *)")
        else:
            parts += [f"({row}, {c})" for c in columns]
    return ", ".join(parts)


def _sections_in_order(headings: Sequence[str]) -> int:
    found = 0
    for heading in headings:
        if found < len(SECTION_KEYS) and any(k in heading for k in SECTION_KEYS[found][1]):
            found += 1
    return found


def _first_line(report: Report, table: str) -> int | None:
    lines = [f.line for f in report.facts if f.table == table and f.line is not None]
    return min(lines) if lines else None


_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"统计期限.{0,40}")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_GOVERNMENT = ("人民政府", "管委会", "管理委员会")
_PLACE_SUFFIXES = ("省", "市", "县", "区", "州", "盟", "旗", "自治区")


def date_rows(report: Report) -> list[Row]:
    """R14: the years agree, the report came out on time, and was signed after the year."""
    year = report.report_year
    if year is None:
        return []
    rows: list[Row] = []
    title_year = _TITLE_YEAR.search(report.title or "")
    if title_year:
        ty = int(title_year.group(1))
        rows.append(
            _row(
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
        rows.append(
            _row(
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
        rows.append(
            _row(
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
        rows.append(
            _row(
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
        rows.append(
            _row(
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
    return rows


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


_FEE_AMOUNT = re.compile(r"信息处理费[^。；;]*?(\d+(?:\.\d+)?)\s*(?:万元|元)")


def fee_rows(report: Report) -> list[Row]:
    """R15 for the 2021 format."""
    if report.format != "2021":
        return []
    start = report.text.rfind("其他需要报告")
    section = report.text[start:] if start >= 0 else report.text
    mentioned = "信息处理费" in section
    rows = [
        _row(
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
        rows.append(
            _row(
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
    return rows


def _fee_charged(report: Report) -> bool:
    stated = report.fact("text", "fees_wan_yuan", "value")
    if stated is not None and stated.value > 0:
        return True
    return any(float(m.group(1)) > 0 for m in _FEE_AMOUNT.finditer(report.text))


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
        _row(
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


def comparison_rows(report: Report, previous: Report | None) -> list[Row]:
    return (
        structure_rows(report)
        + completeness_rows(report)
        + date_rows(report)
        + fee_rows(report)
        + similarity_rows(report, previous)
    )
