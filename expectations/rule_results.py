"""Contract and suite of the ``rule_results`` table: the gate on validation's own output.

Grain: one row per report and rule that could be evaluated (a rule whose facts are
absent has no row). Key: ``(report_id, rule_id)``. Schema:
``govreports.contract.tables.RULE_RESULTS``. Held by ``CHECKS`` before the write and the
key check at rest (``govreports audit``).

Enforces no report rule; it checks that what validation hands to publish keeps the
contract: every rule id is a known one (C1-C4, R1-R17, P1-P10), severity is
critical/error/warning, ``passed`` is a boolean, ``observed`` / ``expected`` /
``detail`` are filled and ``line`` is a positive line number where known. A
failure here is a bug in validation, so it raises ``ValidationToolError`` rather
than blaming a report.
"""

from __future__ import annotations

from expectations import facts, reports, rules
from expectations._suite import ColumnCheck, Rule, TableContract
from govreports.contract.tables import TABLES

COLUMNS = (
    "report_id",
    "rule_id",
    "severity",
    "passed",
    "observed",
    "expected",
    "detail",
    "line",
    "table",
)
# Every rule validation can report: the tables' own checks and the rule families'.
ALL_RULES: tuple[Rule, ...] = (*reports.RULES, *facts.RULES, *rules.RULES)
RULE_IDS = tuple(r.id for r in ALL_RULES)
SEVERITIES = ("critical", "error", "warning")

CHECKS: tuple[ColumnCheck, ...] = (
    ColumnCheck("rule_results", "report_id", "not_null", "a report id"),
    ColumnCheck("rule_results", "rule_id", "in_set", "a known rule id", value_set=RULE_IDS),
    ColumnCheck("rule_results", "severity", "in_set", "/".join(SEVERITIES), value_set=SEVERITIES),
    ColumnCheck("rule_results", "passed", "in_set", "true/false", value_set=(True, False)),
    ColumnCheck("rule_results", "observed", "not_null", "a string"),
    ColumnCheck("rule_results", "expected", "not_null", "a string"),
    ColumnCheck("rule_results", "detail", "not_null", "a sentence"),
    ColumnCheck("rule_results", "line", "between", "≥1", min_value=1),
)

GRAIN = "one row per report and rule that could be evaluated"
KEY = ("report_id", "rule_id")
SCHEMA = TABLES["rule_results"].schema
CONTRACT = TableContract("rule_results", GRAIN, KEY, tuple(f"{c.column} {c.kind}" for c in CHECKS))
