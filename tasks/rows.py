"""How the curated tables' rows are built from validated reports.

The tables themselves (names, schemas, partitioning) are the contract's:
``govreports.contract.tables``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from govreports.contract.models import PARSER_VERSION, Report
from govreports.contract.tables import CLEAN_STATUSES, FACTS, REPORTS, RULE_RESULTS

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd

    from tasks.store import ObjectRef


# Headline numbers, first source that states them wins: the table, then the prose.
_HEADLINES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "applications_received": (
        ("applications", "new_received", "total"),
        ("legacy_stats", "applications_received", "value"),
        ("text", "applications_received", "value"),
    ),
    "applications_carried_forward": (("applications", "carried_forward", "total"),),
    "reconsideration_total": (
        ("review_litigation", "reconsideration", "total"),
        ("legacy_stats", "reconsideration_total", "value"),
        ("text", "reconsideration_total", "value"),
    ),
    "proactive_items": (
        ("legacy_stats", "proactive_items", "value"),
        ("text", "proactive_items", "value"),
    ),
}
_LITIGATION_PARTS = (
    ("review_litigation", "litigation_direct", "total"),
    ("review_litigation", "litigation_after_reconsideration", "total"),
)
_LITIGATION_FALLBACK = (
    ("legacy_stats", "litigation_total", "value"),
    ("text", "litigation_total", "value"),
)


def headline_numbers(report: Report) -> dict[str, int | None]:
    values = {f.key: f.value for f in report.facts}

    def first(keys: Iterable[tuple[str, str, str]]) -> int | None:
        for k in keys:
            if k in values:
                return int(values[k])
        return None

    out = {name: first(keys) for name, keys in _HEADLINES.items()}
    parts = [values[k] for k in _LITIGATION_PARTS if k in values]
    out["litigation_total"] = int(sum(parts)) if parts else first(_LITIGATION_FALLBACK)
    return out


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Verdicted:
    """A parsed report with its source object and what validation decided."""

    report: Report
    ref: ObjectRef
    status: str  # pass | warn | fail
    failed_rules: tuple[str, ...] = ()
    warned_rules: tuple[str, ...] = ()
    review_status: str | None = None  # accepted | corrected (tasks/reviews.py)
    review_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Revalidated:
    """A published later-year report whose cross-year rules were checked again.

    An earlier year of its agency arrived after it: its cross-year rules (R8-R11, R16,
    P10) now have something to compare with. ``rule_results`` is the report's whole new
    set (its other rules as stored, the cross-year ones recomputed).
    """

    report_id: str
    report_year: int
    agency: str
    key: str
    before: str
    after: str
    failed_rules: tuple[str, ...]
    warned_rules: tuple[str, ...]
    rule_results: pa.Table

    def summary(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "report_id": self.report_id,
            "report_year": self.report_year,
            "before": self.before,
            "after": self.after,
            "failed_rules": list(self.failed_rules),
            "warned_rules": list(self.warned_rules),
        }


def report_rows(items: Sequence[Verdicted], bucket: str, run_id: str) -> pa.Table:
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for it in items:
        r = it.report
        rows.append(
            {
                "report_id": r.report_id,
                "schema_version": r.schema_version,
                "title": r.title,
                "agency": r.agency,
                "report_year": r.report_year,
                "format": r.format,
                "published_on": _date(r.published_on),
                "signed_on": _date(r.signed_on),
                "province": r.region.province,
                "city": r.region.city,
                "county": r.region.county,
                "sections": list(r.sections),
                "notes": list(r.notes),
                "bucket": bucket,
                "key": it.ref.key,
                "etag": it.ref.etag,
                "size_bytes": it.ref.size,
                "parser_version": PARSER_VERSION,
                "ingested_at": now,
                "run_id": run_id,
                "quality_status": it.status,
                "failed_rules": list(it.failed_rules),
                "warned_rules": list(it.warned_rules),
                "review_status": it.review_status,
                "review_ids": list(it.review_ids),
                **headline_numbers(r),
                "text": r.text,
            }
        )
    return pa.Table.from_pylist(rows, schema=REPORTS)


def clean_rows(reports: pa.Table) -> pa.Table:
    """Pass and warn reports, and failing ones a maintainer accepted (marked in review_status)."""
    import pyarrow.compute as pc

    holds = pc.is_in(reports["quality_status"], value_set=pa.array(CLEAN_STATUSES))
    accepted = pc.fill_null(pc.equal(reports["review_status"], "accepted"), False)
    return reports.filter(pc.or_(holds, accepted))


def fact_rows(reports: Sequence[Report]) -> pa.Table:
    # Column by column: a dict per fact (~200 a report) cost more memory and time than the
    # facts themselves in a 1,000-report batch.
    pairs = [(r, f) for r in reports for f in r.facts]
    columns = {
        "report_id": [r.report_id for r, _ in pairs],
        "report_year": [r.report_year for r, _ in pairs],
        "table": [f.table for _, f in pairs],
        "row": [f.row for _, f in pairs],
        "column": [f.column for _, f in pairs],
        "value": [float(f.value) for _, f in pairs],
        "unit": [f.unit for _, f in pairs],
        "approximate": [f.approximate for _, f in pairs],
        "raw": [f.raw for _, f in pairs],
        "line": [f.line for _, f in pairs],
        "source": [f.source for _, f in pairs],
    }
    return pa.Table.from_pydict(columns, schema=FACTS)


def rule_result_rows(frame: pd.DataFrame | None, years: dict[str, int | None]) -> pa.Table:
    """``frame`` is validation's rule_results; report_year is joined in for partitioning."""
    import pandas as pd

    if frame is None or frame.empty:
        return RULE_RESULTS.empty_table()
    rows = []
    for rec in frame.to_dict("records"):
        line = rec.get("line")
        rows.append(
            {
                "report_id": rec["report_id"],
                "report_year": years.get(str(rec["report_id"])),
                "rule_id": str(rec["rule_id"]),
                "severity": str(rec["severity"]),
                "passed": bool(rec["passed"]),
                "observed": _text(rec.get("observed")),
                "expected": _text(rec.get("expected")),
                "detail": _text(rec.get("detail")),
                "line": None if line is None or pd.isna(line) else int(line),
                "table": _text(rec.get("table")),
            }
        )
    return pa.Table.from_pylist(rows, schema=RULE_RESULTS)


def _text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(v)
