"""The validate stage: rule results per report and a verdict per report.

``validate`` is the stage (maintainers' reviews applied first, Great Expectations one batch
at a time per process, the report the validator fails on isolated); ``validate_batch`` runs
the suites.
The batch is validated as one frame per table (see ``expectations/``): the reports
frame (C1-C4), the facts frame (R7), one rule frame holding the instances of every rule
family (``expectations.rules.FAMILIES``, iterated, never named here) for the whole batch,
and finally the rule_results frame that this function returns. Each goes through one
Great Expectations suite on a cached ephemeral context (suites ``reports``, ``facts``,
``rules``, ``rule_results``), with a fixed number of expectations whatever the batch size
(GX's cost is per expectation, not per row); great_expectations is imported lazily, on
the first call.

Severity comes from the :class:`SeverityPolicy` (settings ``critical_rules`` and
``consistency_rules``; every other rule only warns). Verdict per report:
any critical failure → ``quarantine`` (with reasons); else any consistency failure
→ ``fail``; else any soft failure → ``warn``; else ``pass``.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from expectations import facts as facts_suite
from expectations import reports as reports_suite
from expectations import rule_results as results_suite
from expectations import rules as rule_families
from expectations._suite import (
    GX_LOCK,
    Severity,
    ValidationToolError,
    rule_frame,
    run_column_checks,
    run_rule_frame,
    runner,
)
from expectations.rules.cross_year import CROSS_YEAR_RULES
from govreports.contract.models import Report
from govreports.contract.reasons import critical_reason
from tasks.batch import Quarantined
from tasks.delta import Curated, reports_in
from tasks.rows import Revalidated, Verdicted

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

    from govreports.settings import Settings
    from tasks.batch import Timings
    from tasks.parse import Parsed
    from tasks.reviews import Decision, Review
    from tasks.store import ObjectRef

__all__ = [
    "CROSS_YEAR_RULES",
    "SeverityPolicy",
    "Validated",
    "ValidationResult",
    "ValidationToolError",
    "Verdict",
    "validate",
    "validate_batch",
    "verdict_of",
]

Status = Literal["pass", "warn", "fail", "quarantine"]
RULES = {r.id: r for r in results_suite.ALL_RULES}
SHOWN_INSTANCES = 3

log = logging.getLogger(__name__)


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
    # This call's Great Expectations results per suite (for the run's Data Docs), taken here
    # rather than read later from the runner, whose latest results another run may own by then.
    gx_results: dict[str, Any] = field(default_factory=dict)


def validate_batch(
    reports: Sequence[Report],
    previous: Mapping[tuple[str, int], Report] | None = None,
    *,
    policy: SeverityPolicy | None = None,
) -> ValidationResult:
    """Run every suite on the batch; ``previous[(agency, year)]`` feeds R8-R10, R16, P10."""
    start = time.perf_counter()
    before = dict(runner().last_results)
    policy = policy or SeverityPolicy.from_settings()
    history = _history(reports, previous or {})
    critical = _critical_instances(reports)
    facts = facts_suite.facts_frame(reports)
    r7 = _r7_instances(facts)
    families = _comparison_instances(reports, facts, history)
    instances = pd.concat([critical, r7, families], ignore_index=True)
    results = aggregate(instances, policy)
    masks = run_column_checks("rule_results", results, results_suite.CHECKS)
    broken = [c.column for i, c in enumerate(results_suite.CHECKS) if not masks[i].all()]
    if broken:
        raise ValidationToolError(f"validation produced malformed rule_results: {broken}")
    verdicts = _verdicts(reports, results)
    mine = {k: v for k, v in runner().last_results.items() if before.get(k) is not v}
    return ValidationResult(verdicts, results, time.perf_counter() - start, mine)


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


def _by_agency(history: History) -> dict[str, list[tuple[int, Report]]]:
    """Each agency's (year, report) in ``history``, latest year first (``_latest_before``)."""
    out: dict[str, list[tuple[int, Report]]] = {}
    for (agency, year), r in sorted(history.items(), key=lambda kv: -kv[0][1]):
        out.setdefault(agency, []).append((year, r))
    return out


def _latest_before(
    report: Report, by_agency: Mapping[str, Sequence[tuple[int, Report]]]
) -> Report | None:
    """The agency's latest other report of an earlier year. Indexed by agency: a scan of the
    whole history per report made a 1,000-report batch cost a million comparisons."""
    if not report.agency or report.report_year is None:
        return None
    for year, r in by_agency.get(report.agency, ()):
        if year < report.report_year and r.report_id != report.report_id:
            return r
    return None


def _critical_instances(reports: Sequence[Report]) -> pd.DataFrame:
    """C1-C4: one instance per report and column check of the GX-checked reports frame."""
    frame = reports_suite.reports_frame(reports)
    checks = reports_suite.column_checks()
    masks = run_column_checks("reports", frame, checks)
    n = len(frame)
    parts = []
    for i, check in enumerate(checks):
        observed = [f"{check.column}={_shown(v)}" for v in frame[check.column].tolist()]
        parts.append(
            pd.DataFrame(
                {
                    "report_id": frame["report_id"].to_numpy(),
                    "rule_id": [check.rule_id] * n,
                    "instance": [check.column] * n,
                    "observed": observed,
                    "expected": [check.expected] * n,
                    "line": [None] * n,
                    "table": ["reports"] * n,
                    "detail": [f"{check.column} is {check.expected}"] * n,
                    "passed": masks[i].to_numpy(dtype=bool),
                }
            )
        )
    # Check-major order (all reports for C1, then C2, ...), as rule_results lists them.
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _shown(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "null"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _r7_instances(facts: pd.DataFrame) -> pd.DataFrame:
    """R7 from the GX-checked facts frame; its rows carry ``passed`` (not a comparison)."""
    masks = run_column_checks("facts", facts, facts_suite.FACT_CHECKS)
    r7 = facts_suite.r7_frame(facts, list(masks.values()))
    frame = rule_frame(r7)
    frame["passed"] = r7["passed"].to_numpy(dtype=bool)
    return frame


def _comparison_instances(
    reports: Sequence[Report], facts: pd.DataFrame, history: History
) -> pd.DataFrame:
    """The instances of every rule family (``expectations.rules.FAMILIES``: R1-R6, R8-R17,
    P1-P10), checked by GX together as one rule frame: one expectation per operator for the
    whole batch."""
    pairs = [(r, _last_year(r, history)) for r in reports]
    prev = facts_suite.facts_frame(
        [dataclasses.replace(p, report_id=r.report_id) for r, p in pairs if p is not None]
    )
    by_agency = _by_agency(history)
    latest = {r.report_id: p for r in reports if (p := _latest_before(r, by_agency)) is not None}
    batch = rule_families.RuleBatch(reports, facts, prev, latest)
    frame = rule_frame(rule_families.rows(batch))
    frame["passed"] = run_rule_frame("rules", frame, rule_families.RULES).to_numpy(dtype=bool)
    return frame


def aggregate(instances: pd.DataFrame, policy: SeverityPolicy) -> pd.DataFrame:
    """One rule_results row per report and rule from its instance rows.

    Groups in order of first appearance; each shows its first ``SHOWN_INSTANCES`` failing
    instances (or, if none fails, its first instances), the rest counted as "… n more".
    """
    columns = list(results_suite.COLUMNS)
    if instances.empty:
        return _typed_results(pd.DataFrame([], columns=columns))
    passed = instances["passed"].to_numpy(dtype=bool)
    group = (
        instances.groupby(["report_id", "rule_id"], sort=False).ngroup().to_numpy(dtype=np.int64)
    )
    n_groups = int(group.max()) + 1
    size = np.bincount(group, minlength=n_groups)
    failing = np.bincount(group, weights=~passed, minlength=n_groups).astype(np.int64)
    # The rows a group's summary is about: its failing rows, or all rows if none fails.
    relevant = ~passed | (failing[group] == 0)
    rank = pd.Series(group[relevant]).groupby(group[relevant]).cumcount().to_numpy()
    shown_at = np.flatnonzero(relevant)[rank < SHOWN_INSTANCES]
    shown = instances.iloc[shown_at]
    hidden = np.where(failing > 0, failing, size) - np.bincount(group[shown_at], minlength=n_groups)

    observed: list[list[str]] = [[] for _ in range(n_groups)]
    expected: list[list[str]] = [[] for _ in range(n_groups)]
    details: list[list[str]] = [[] for _ in range(n_groups)]
    lines: list[int | None] = [None] * n_groups
    tables: list[str | None] = [None] * n_groups
    for g, instance, obs, exp, detail, line, table in zip(
        group[shown_at].tolist(),
        shown["instance"].tolist(),
        shown["observed"].tolist(),
        shown["expected"].tolist(),
        shown["detail"].tolist(),
        shown["line"].tolist(),
        shown["table"].tolist(),
        strict=True,
    ):
        many = size[g] > 1
        inst = str(instance)
        obs_s, exp_s = str(obs), str(exp)
        observed[g].append(obs_s if not many or obs_s.startswith(inst) else f"{inst}: {obs_s}")
        expected[g].append(exp_s if not many or exp_s.startswith(inst) else f"{inst}: {exp_s}")
        details[g].append(str(detail))
        if line is not None and not pd.isna(line):
            lines[g] = int(line) if lines[g] is None else min(lines[g], int(line))
        if tables[g] is None:
            tables[g] = str(table)

    firsts = instances.iloc[np.unique(group, return_index=True)[1]]
    rule_ids = [str(r) for r in firsts["rule_id"].tolist()]
    severity = {r: policy.severity(r) for r in set(rule_ids)}

    def more(g: int) -> str:
        return f"; … {hidden[g]} more" if hidden[g] else ""

    rows = {
        "report_id": [str(r) for r in firsts["report_id"].tolist()],
        "rule_id": rule_ids,
        "severity": [severity[r] for r in rule_ids],
        "passed": (failing == 0).tolist(),
        "observed": ["; ".join(observed[g]) + more(g) for g in range(n_groups)],
        "expected": ["; ".join(expected[g]) + more(g) for g in range(n_groups)],
        "detail": [
            f"{RULES[r].description}. Fails for {failing[g]} of {size[g]}: " + "; ".join(details[g])
            if failing[g]
            else f"{RULES[r].description}. Holds ({size[g]} checked)."
            for g, r in enumerate(rule_ids)
        ],
        "line": lines,
        "table": tables,
    }
    return _typed_results(pd.DataFrame(rows, columns=columns))


def _typed_results(frame: pd.DataFrame) -> pd.DataFrame:
    frame["passed"] = frame["passed"].astype(bool)
    frame["line"] = frame["line"].astype("Int64")
    return frame


def _verdicts(reports: Sequence[Report], results: pd.DataFrame) -> dict[str, Verdict]:
    failed = results[~results["passed"]]
    by_report: dict[str, list[_Failure]] = {}
    for row in zip(
        failed["report_id"].tolist(),
        failed["rule_id"].tolist(),
        failed["severity"].tolist(),
        failed["observed"].tolist(),
        failed["expected"].tolist(),
        failed["detail"].tolist(),
        strict=True,
    ):
        by_report.setdefault(str(row[0]), []).append(_Failure(*map(str, row[1:])))
    return {r.report_id: _verdict(r.report_id, by_report.get(r.report_id, [])) for r in reports}


def verdict_of(report_id: str, results: pd.DataFrame) -> Verdict:
    """The verdict of one report from its rule_results rows (as ``validate_batch`` gives it)."""
    mine = results[results["report_id"] == report_id]
    return _verdicts([_Id(report_id)], mine)[report_id]  # type: ignore[list-item]


@dataclass(frozen=True)
class _Id:
    report_id: str


@dataclass(frozen=True)
class _Failure:
    rule_id: str
    severity: str
    observed: str
    expected: str
    detail: str


_CRITICAL_REASONS = {
    "C1": "no report year could be read",
    "C2": "no agency could be read",
    "C3": "no readable table or headline numbers",
}


def _verdict(report_id: str, mine: Sequence[_Failure]) -> Verdict:
    """``mine``: the report's failed rule results, in rule_results order."""
    critical = [f for f in mine if f.severity == "critical"]
    errors = [f for f in mine if f.severity == "error"]
    warnings = [f for f in mine if f.severity == "warning"]
    reasons = [
        f"{f.rule_id}: {_CRITICAL_REASONS.get(f.rule_id, f'schema broken ({f.observed})')}"
        for f in critical
    ] + [f"{f.rule_id}: {f.detail} Observed {f.observed}, expected {f.expected}." for f in errors]
    status: Status = (
        "quarantine" if critical else "fail" if errors else "warn" if warnings else "pass"
    )
    return Verdict(
        report_id=report_id,
        status=status,
        failed_rules=tuple(f.rule_id for f in critical) + tuple(f.rule_id for f in errors),
        warned_rules=tuple(f.rule_id for f in warnings),
        reasons=tuple(reasons),
    )


@dataclass(slots=True)
class Validated:
    items: list[Verdicted]
    quarantined: list[Quarantined]
    rule_results: pd.DataFrame | None
    skipped: list[str]
    timings: Timings
    curated: Curated | None = None
    # Later years already published whose cross-year verdicts this batch changes.
    revalidated: list[Revalidated] = field(default_factory=list)
    # The Great Expectations results of this batch's validation (for the run's Data Docs).
    gx_results: dict[str, Any] = field(default_factory=dict)


def previous_pairs(reports: Iterable[Report]) -> set[tuple[str, int]]:
    """The (agency, year) of each report's previous year: what the cross-year rules read."""
    return {(r.agency, r.report_year - 1) for r in reports if r.agency and r.report_year}


def validate(
    settings: Settings,
    parsed: Parsed,
    *,
    reviews: Sequence[Review] | None = None,
    previous: Mapping[tuple[str, int], Report] | None = None,
) -> Validated:
    """``reviews`` / ``previous`` (earlier years of the batch's agencies): when the caller read
    them once for many chunks; otherwise read here."""
    start = time.perf_counter()
    curated = parsed.curated or Curated.from_settings(settings)
    quarantined = list(parsed.quarantined)
    if reviews is None:
        reviews = curated.reviews()
    parsed_reports, decisions = _apply_reviews(reviews, parsed.reports, quarantined)
    reports = [r for _, r in parsed_reports]
    # The earlier years (cross-year rules) and the later ones (re-validation) in one read of
    # the neighbouring years, before taking the lock: another run's validation need not wait.
    after = {(r.agency, r.report_year + 1) for r in reports if r.agency and r.report_year}
    before = previous_pairs(reports) if previous is None else set()
    found = curated.reports_at(after | before)
    if previous is None:
        previous = {pair: found[pair][0] for pair in before if pair in found}
    later = _read_later(curated, {pair: hit for pair, hit in found.items() if pair in after})
    # GX is not thread-safe: one batch at a time per process; the other stages overlap.
    with GX_LOCK:
        verdicts, rule_results, broken, gx_results = _validate_all(
            validate_batch, reports, previous
        )
        published = [
            r
            for r in reports
            if r.report_id not in broken and verdicts[r.report_id].status != "quarantine"
        ]
        revalidated = _revalidate_later(settings, later, published, previous)
    items: list[Verdicted] = []
    for ref, report in parsed_reports:
        if report.report_id in broken:
            reason = f"the validator failed on this report: {broken[report.report_id]}"
            quarantined.append(Quarantined(ref, "validate", "validator_error", reason))
            continue
        verdict = verdicts[report.report_id]
        if verdict.status == "quarantine":
            reason = critical_reason(verdict.reasons)
            quarantined.append(
                Quarantined(ref, "validate", "critical", reason, tuple(verdict.failed_rules))
            )
        else:
            decision = decisions[report.report_id]
            review_status = decision.status
            if decision.accepted and set(verdict.failed_rules) & set(settings.unacceptable_rules):
                # Accepted before, incomplete now: the acceptance cannot let it into clean.
                review_status = "corrected" if decision.corrections else None
            items.append(
                Verdicted(
                    report,
                    ref,
                    verdict.status,
                    tuple(verdict.failed_rules),
                    tuple(verdict.warned_rules),
                    review_status,
                    tuple(decision.review_ids),
                )
            )
    parsed.timings.add("validate", start)
    statuses = [it.status for it in items]
    log.info(
        "validate: pass %d, warn %d, fail %d, quarantined %d (%d with review decisions) in %.2f s",
        statuses.count("pass"),
        statuses.count("warn"),
        statuses.count("fail"),
        len(quarantined) - len(parsed.quarantined),
        sum(1 for it in items if it.review_ids),
        parsed.timings.seconds["validate"],
    )
    return Validated(
        items,
        quarantined,
        rule_results,
        parsed.skipped,
        parsed.timings,
        curated,
        revalidated,
        gx_results,
    )


@dataclass(frozen=True)
class _Later:
    """Published reports of the year after one of a batch's, and their stored rule results."""

    found: dict[tuple[str, int], tuple[Report, dict[str, Any]]]
    rule_results: pd.DataFrame


def _read_later(
    curated: Curated, found: dict[tuple[str, int], tuple[Report, dict[str, Any]]]
) -> _Later:
    """What re-validation may need: the published year after each of the batch's reports
    (``found``, a superset: which reports get published is known only after validation) and
    their stored rule results."""
    if not found:
        return _Later({}, pd.DataFrame())
    ids = sorted(report.report_id for report, _ in found.values())
    years = sorted({int(y) for _, y in found})
    return _Later(found, curated.select("rule_results", None, reports_in(ids, years)).to_pandas())


def _revalidate_later(
    settings: Settings,
    later: _Later,
    reports: Sequence[Report],
    previous: Mapping[tuple[str, int], Report],
) -> list[Revalidated]:
    """Published next years of the batch's agencies, their cross-year rules checked again.

    Upload order must not decide a verdict: when year Y arrives after Y+1 was published,
    Y+1's cross-year rules (CROSS_YEAR_RULES) are recomputed against Y. Only those rules
    are taken from the recomputation (the report is rebuilt from the tables: its facts and
    text are whole, its other metadata is not); its other rule results stay as stored.
    ``later`` was read before validation (``_read_later``), for the whole batch; the
    published ``reports`` pick theirs from it.
    """
    from govreports.contract.tables import RULE_RESULTS
    from tasks.rows import rule_result_rows

    batch = {(r.agency, r.report_year): r for r in reports if r.agency and r.report_year}
    wanted = {(a, y + 1) for a, y in batch} - set(batch)
    mine = {pair: hit for pair, hit in later.found.items() if pair in wanted}
    if not mine:
        return []
    history = {**previous, **batch}
    rebuilt = [report for report, _ in mine.values()]
    result = validate_batch(rebuilt, history, policy=SeverityPolicy.from_settings(settings))
    fresh = result.rule_results[result.rule_results["rule_id"].isin(CROSS_YEAR_RULES)]
    stored = later.rule_results
    kept = stored[~stored["rule_id"].isin(CROSS_YEAR_RULES)].drop(columns=["report_year"])
    kept_of = dict(tuple(kept.groupby("report_id", sort=False)))
    fresh_of = dict(tuple(fresh.groupby("report_id", sort=False)))
    out: list[Revalidated] = []
    for (agency, year), (report, row) in sorted(mine.items()):
        rid = report.report_id
        parts = [f for f in (kept_of.get(rid), fresh_of.get(rid)) if f is not None]
        rules = pd.concat(parts, ignore_index=True) if parts else fresh.iloc[0:0]
        verdict = verdict_of(rid, rules)
        # A published report stays published: a cross-year rule made critical by policy
        # fails it (quarantine is for objects that never became reports).
        after = "fail" if verdict.status == "quarantine" else verdict.status
        before = str(row.get("quality_status"))
        table = (
            rule_result_rows(rules, {rid: year}) if not rules.empty else RULE_RESULTS.empty_table()
        )
        out.append(
            Revalidated(
                rid,
                year,
                agency,
                str(row.get("key")),
                before,
                after,
                verdict.failed_rules,
                verdict.warned_rules,
                table,
            )
        )
    return out


def _apply_reviews(
    reviews: Sequence[Review],
    reports: Sequence[tuple[ObjectRef, Report]],
    quarantined: list[Quarantined],
) -> tuple[list[tuple[ObjectRef, Report]], dict[str, Decision]]:
    """Maintainers' decisions before the rules run: rejections quarantine, corrections apply."""
    import dataclasses

    from tasks.reviews import apply_corrections, decide

    def rejected(r: Review) -> str:
        return f"rejected by {r.reviewer} on {r.at:%Y-%m-%d} (review {r.review_id[:8]}): {r.reason}"

    # Objects an earlier stage quarantined keep that stage's reason; a maintainer's
    # rejection of that version (key + etag: it never parsed) is added to it.
    for i, q in enumerate(quarantined):
        earlier = decide(reviews, None, q.ref.key, q.ref.etag).rejected
        if earlier is not None:
            quarantined[i] = dataclasses.replace(q, reason=f"{q.reason}; {rejected(earlier)}")
    kept: list[tuple[ObjectRef, Report]] = []
    decisions: dict[str, Decision] = {}
    for ref, report in reports:
        decision = decide(reviews, report.report_id, ref.key, ref.etag)
        if decision.rejected:
            quarantined.append(Quarantined(ref, "review", "rejected", rejected(decision.rejected)))
            continue
        kept.append((ref, apply_corrections(report, decision.corrections)))
        decisions[report.report_id] = decision
    return kept, decisions


def _validate_all(
    validate_batch: Any, reports: list[Report], previous: Any
) -> tuple[dict[str, Any], pd.DataFrame | None, dict[str, str], dict[str, Any]]:
    """Validate the batch; if the validator itself fails, find the report(s) it fails on.

    One report that makes the tool crash must not keep the rest of the batch (and every
    later redo of it) from an outcome: on a batch failure each report is validated alone,
    and those that still fail come back in ``broken`` (report_id -> error) for quarantine.
    When every report of a batch fails alone too, the tool is broken, not the documents:
    the error is raised and the run is redone later.
    """
    import pandas as pd

    try:
        result = validate_batch(reports, previous)
    except Exception as exc:
        if not reports:
            raise
        failure: Exception = exc
    else:
        return result.verdicts, result.rule_results, {}, result.gx_results
    verdicts: dict[str, Any] = {}
    gx_results: dict[str, Any] = {}
    frames: list[pd.DataFrame] = []
    broken: dict[str, str] = {}
    for report in reports:
        try:
            one = validate_batch([report], previous)
        except Exception as exc:  # noqa: BLE001 - isolate the report the tool fails on
            broken[report.report_id] = f"{type(exc).__name__}: {exc}"[:500]
        else:
            verdicts.update(one.verdicts)
            gx_results.update(one.gx_results)
            if one.rule_results is not None and not one.rule_results.empty:
                frames.append(one.rule_results)
    if len(broken) == len({r.report_id for r in reports}) > 1:
        # Every report fails: the tool is broken, not the documents. Fail the run; it is redone.
        raise failure
    rule_results = pd.concat(frames, ignore_index=True) if frames else None
    return verdicts, rule_results, broken, gx_results
