"""Validate a batch of parsed reports: rule results per report and a verdict per report.

The batch is validated as one frame per table (see ``expectations/``): the reports
frame and the report rule frame, the facts frame and the fact rule frame, and
finally the rule_results frame that this function returns. Each goes through one
Great Expectations suite on a cached ephemeral context; great_expectations is
imported lazily, on the first call.

Severity comes from the :class:`SeverityPolicy` (settings ``critical_rules`` and
``consistency_rules``; every other rule only warns). Verdict per report:
any critical failure → ``quarantine`` (with reasons); else any consistency failure
→ ``fail``; else any soft failure → ``warn``; else ``pass``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from expectations import facts as facts_suite
from expectations import reports as reports_suite
from expectations import rule_results as results_suite
from expectations._suite import (
    ColumnCheck,
    Severity,
    ValidationToolError,
    rule_frame,
    run_column_checks,
    run_rule_frame,
)
from tasks.models import Report

if TYPE_CHECKING:
    from govreports.settings import Settings

__all__ = [
    "SeverityPolicy",
    "ValidationResult",
    "ValidationToolError",
    "Verdict",
    "validate_batch",
]

Status = Literal["pass", "warn", "fail", "quarantine"]
RULES = {r.id: r for r in (*reports_suite.RULES, *facts_suite.RULES)}
SHOWN_INSTANCES = 3


@dataclass(frozen=True)
class SeverityPolicy:
    critical_rules: tuple[str, ...]
    consistency_rules: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SeverityPolicy:
        from govreports.settings import get_settings

        s = settings or get_settings()
        return cls(tuple(s.critical_rules), tuple(s.consistency_rules))

    def severity(self, rule_id: str) -> Severity:
        if rule_id in self.critical_rules:
            return "critical"
        if rule_id in self.consistency_rules:
            return "error"
        return "warning"


@dataclass(frozen=True)
class Verdict:
    report_id: str
    status: Status
    failed_rules: tuple[str, ...]
    warned_rules: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ValidationResult:
    verdicts: dict[str, Verdict]
    rule_results: pd.DataFrame
    seconds: float


def validate_batch(
    reports: Sequence[Report],
    previous: Mapping[tuple[str, int], Report] | None = None,
    *,
    policy: SeverityPolicy | None = None,
) -> ValidationResult:
    """Run every suite on the batch; ``previous[(agency, year)]`` feeds R8-R10, R16, P10."""
    start = time.perf_counter()
    policy = policy or SeverityPolicy.from_settings()
    history = _history(reports, previous or {})
    instances = pd.concat(
        [
            _critical_instances(reports),
            _report_rule_instances(reports, history),
            _fact_instances(reports, history),
        ],
        ignore_index=True,
    )
    results = aggregate(instances, policy)
    masks = run_column_checks("rule_results", results, results_suite.CHECKS)
    broken = [c.column for i, c in enumerate(results_suite.CHECKS) if not masks[i].all()]
    if broken:
        raise ValidationToolError(f"validation produced malformed rule_results: {broken}")
    failed = results[~results["passed"]]
    by_report = {str(k): g for k, g in failed.groupby("report_id", sort=False)}
    empty = failed.iloc[0:0]
    verdicts = {
        r.report_id: _verdict(r.report_id, by_report.get(r.report_id, empty)) for r in reports
    }
    return ValidationResult(verdicts, results, time.perf_counter() - start)


History = dict[tuple[str, int], Report]


def _history(reports: Sequence[Report], previous: Mapping[tuple[str, int], Report]) -> History:
    """Published reports plus the batch itself, so a backfill of several years chains too."""
    out: History = dict(previous)
    for r in reports:
        if r.agency and r.report_year is not None:
            out.setdefault((r.agency, r.report_year), r)
    return out


def _last_year(report: Report, history: History) -> Report | None:
    if not report.agency or report.report_year is None:
        return None
    found = history.get((report.agency, report.report_year - 1))
    return found if found is not None and found.report_id != report.report_id else None


def _latest_before(report: Report, history: History) -> Report | None:
    if not report.agency or report.report_year is None:
        return None
    years = [
        y
        for (agency, y), r in history.items()
        if agency == report.agency and y < report.report_year and r.report_id != report.report_id
    ]
    return history[(report.agency, max(years))] if years else None


def _critical_instances(reports: Sequence[Report]) -> pd.DataFrame:
    frame = reports_suite.reports_frame(reports)
    checks = reports_suite.column_checks()
    masks = run_column_checks("reports", frame, checks)
    rows: list[dict[str, Any]] = []
    for i, check in enumerate(checks):
        for report_id, value, ok in zip(
            frame["report_id"], frame[check.column], masks[i], strict=True
        ):
            rows.append(_check_row(report_id, check, value, bool(ok)))
    return pd.DataFrame(rows)


def _check_row(report_id: str, check: ColumnCheck, value: object, ok: bool) -> dict[str, Any]:
    shown = "null" if value is None or (isinstance(value, float) and pd.isna(value)) else value
    if isinstance(shown, float) and shown.is_integer():
        shown = int(shown)
    return {
        "report_id": report_id,
        "rule_id": check.rule_id,
        "instance": check.column,
        "observed": f"{check.column}={shown}",
        "expected": check.expected,
        "line": None,
        "table": "reports",
        "detail": f"{check.column} is {check.expected}",
        "passed": ok,
    }


def _report_rule_instances(reports: Sequence[Report], history: History) -> pd.DataFrame:
    rows = [
        row for r in reports for row in reports_suite.comparison_rows(r, _latest_before(r, history))
    ]
    frame = rule_frame(rows)
    frame["passed"] = run_rule_frame("report_rules", frame, reports_suite.COMPARISON_RULES)
    return frame


def _fact_instances(reports: Sequence[Report], history: History) -> pd.DataFrame:
    facts = facts_suite.facts_frame(reports)
    masks = run_column_checks("facts", facts, facts_suite.FACT_CHECKS)
    r7 = facts_suite.r7_rows(facts, list(masks.values()))
    r7_frame = rule_frame(r7)
    r7_frame["passed"] = [bool(row["passed"]) for row in r7]
    pairs = [(r, _last_year(r, history)) for r in reports]
    prev = facts_suite.facts_frame(
        [dataclasses.replace(p, report_id=r.report_id) for r, p in pairs if p is not None]
    )
    frame = rule_frame(facts_suite.comparison_rows(facts, prev))
    frame["passed"] = run_rule_frame("fact_rules", frame, facts_suite.COMPARISON_RULES)
    return pd.concat([r7_frame, frame], ignore_index=True)


def aggregate(instances: pd.DataFrame, policy: SeverityPolicy) -> pd.DataFrame:
    """One rule_results row per report and rule from its instance rows."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rec in instances.to_dict("records"):
        groups.setdefault((str(rec["report_id"]), str(rec["rule_id"])), []).append(rec)
    rows = [
        _summarize(report_id, rule_id, recs, policy)
        for (report_id, rule_id), recs in groups.items()
    ]
    frame = pd.DataFrame(rows, columns=list(results_suite.COLUMNS))
    frame["passed"] = frame["passed"].astype(bool)
    frame["line"] = frame["line"].astype("Int64")
    return frame


def _summarize(
    report_id: str, rule_id: str, recs: list[dict[str, Any]], policy: SeverityPolicy
) -> dict[str, Any]:
    failing = [r for r in recs if not r["passed"]]
    shown = (failing or recs)[:SHOWN_INSTANCES]
    hidden = len(failing or recs) - len(shown)
    many = len(recs) > 1

    def join(field: str) -> str:
        parts = [
            str(r[field])
            if not many or str(r[field]).startswith(str(r["instance"]))
            else f"{r['instance']}: {r[field]}"
            for r in shown
        ]
        return "; ".join(parts) + (f"; … {hidden} more" if hidden else "")

    lines = [r["line"] for r in shown if r["line"] is not None and not pd.isna(r["line"])]
    description = RULES[rule_id].description
    if failing:
        detail = f"{description}. Fails for {len(failing)} of {len(recs)}: " + "; ".join(
            str(r["detail"]) for r in shown
        )
    else:
        detail = f"{description}. Holds ({len(recs)} checked)."
    return {
        "report_id": report_id,
        "rule_id": rule_id,
        "severity": policy.severity(rule_id),
        "passed": not failing,
        "observed": join("observed"),
        "expected": join("expected"),
        "detail": detail,
        "line": int(min(lines)) if lines else None,
        "table": str(shown[0]["table"]),
    }


_CRITICAL_REASONS = {
    "C1": "no report year could be read",
    "C2": "no agency could be read",
    "C3": "no readable table or headline numbers",
}


def _verdict(report_id: str, mine: pd.DataFrame) -> Verdict:
    """``mine``: the report's failed rule results."""
    critical = mine[mine["severity"] == "critical"]
    errors = mine[mine["severity"] == "error"]
    warnings = mine[mine["severity"] == "warning"]
    reasons = [
        f"{r.rule_id}: {_CRITICAL_REASONS.get(str(r.rule_id), f'schema broken ({r.observed})')}"
        for r in critical.itertuples()
    ] + [
        f"{r.rule_id}: {r.detail} Observed {r.observed}, expected {r.expected}."
        for r in errors.itertuples()
    ]
    status: Status = (
        "quarantine"
        if len(critical)
        else "fail"
        if len(errors)
        else "warn"
        if len(warnings)
        else "pass"
    )
    return Verdict(
        report_id=report_id,
        status=status,
        failed_rules=tuple(critical["rule_id"]) + tuple(errors["rule_id"]),
        warned_rules=tuple(warnings["rule_id"]),
        reasons=tuple(reasons),
    )
