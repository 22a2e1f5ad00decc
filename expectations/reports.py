"""Contract and suite of the ``reports`` table: the critical gates C1-C4.

Grain: one row per parsed report (the same bytes under several keys are one report). Key:
``report_id`` (sha256 of the raw bytes). Schema: ``govreports.contract.tables.REPORTS``.
Held by C1-C4 before the write (a failure quarantines the object instead) and the key check
at rest (``govreports audit``); ``quality_status`` / ``failed_rules`` come from every rule.

Critical rules (a failure quarantines the report, with the reason):

* C1: ``report_year`` is stated (not null).
* C2: ``agency`` is stated (not null, not blank).
* C3: the report has at least one readable number: a table fact or a prose headline
  number (``text`` facts). A prose-only report that says "未收到申请" states 0 and passes.
* C4: the record keeps the schema: ``schema_version`` is the current one, ``format``
  is one of pre2019/2019/2021/unknown, ``report_year`` lies in 2000..next year,
  ``published_on`` / ``signed_on`` are valid ISO dates (``YYYY-MM-DD``, real days),
  every fact belongs to a known table and has a finite number.

The report-level rules (R13-R17) are rule families in ``expectations/rules/``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from expectations._suite import ColumnCheck, Rule, TableContract
from expectations.facts import FACT_TABLES
from govreports.contract.models import SCHEMA_VERSION, Report
from govreports.contract.numbers import fits
from govreports.contract.tables import TABLES

if TYPE_CHECKING:
    from collections.abc import Sequence

FORMATS = ("pre2019", "2019", "2021", "unknown")
MIN_YEAR = 2000

RULES: tuple[Rule, ...] = (
    Rule("C1", "critical", "the report year is stated"),
    Rule("C2", "critical", "the agency is stated"),
    Rule("C3", "critical", "the report has a readable table or headline numbers"),
    Rule(
        "C4", "critical", "the record keeps the schema (version, format, year range, dates, facts)"
    ),
)

GRAIN = "one row per report (distinct raw bytes) that passed C1-C4"
KEY = ("report_id",)
SCHEMA = TABLES["reports"].schema
CONTRACT = TableContract("reports", GRAIN, KEY, tuple(r.id for r in RULES))


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
