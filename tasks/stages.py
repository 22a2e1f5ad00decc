"""The four stages at batch level: what the ``ingest`` flow's tasks call.

Each function takes the previous stage's value and returns the next, so the
flow reads top to bottom. Per-object failures never raise: they become
``Quarantined`` entries with the stage and reason, and travel on to publish.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tasks.curated import Revalidated, Verdicted
from tasks.fetch import Fetched as FetchedObject
from tasks.fetch import ObjectRef, S3ObjectStore
from tasks.models import ParseError, Report
from tasks.publish import Curated, PublishResult, Quarantined
from tasks.reasons import critical_reason

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pandas as pd

    from govreports.settings import Settings
    from tasks.reviews import Decision, Review

# The pipeline's own log lines; the ingest flow ships this logger to the Prefect API.
log = logging.getLogger(__name__)

_FETCH_THREADS = 8
# Great Expectations is not thread-safe: two runs validating at once in one warm worker
# (concurrency 2) made it raise ValidationToolError ("Unalignable boolean Series") about one
# time in six. Validation takes one batch at a time per process; the other stages overlap.
_VALIDATION_LOCK = threading.Lock()


@dataclass(slots=True)
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, start: float) -> None:
        self.seconds[stage] = round(time.perf_counter() - start, 4)


@dataclass(slots=True)
class Fetched:
    objects: list[FetchedObject]
    quarantined: list[Quarantined]
    skipped: list[str]  # keys whose current version already has an outcome
    timings: Timings
    # The run's curated zone: each Delta table opened once per run, then refreshed.
    curated: Curated | None = None


@dataclass(slots=True)
class Parsed:
    reports: list[tuple[ObjectRef, Report]]
    quarantined: list[Quarantined]
    skipped: list[str]
    timings: Timings
    curated: Curated | None = None


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


@dataclass(slots=True)
class Published:
    result: PublishResult
    items: list[Verdicted]
    quarantined: list[Quarantined]
    rule_results: pd.DataFrame | None
    skipped: list[str]
    timings: Timings
    finished_at: datetime
    curated: Curated | None = None
    revalidated: list[Revalidated] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        statuses = [it.status for it in self.items]
        return {
            "published": len(self.result.published),
            "pass": statuses.count("pass"),
            "warn": statuses.count("warn"),
            "fail": statuses.count("fail"),
            "quarantined": len(self.result.quarantined),
            "superseded": len(self.result.superseded),
            "skipped": len(self.skipped),
            "commit_attempts": self.result.attempts,
            "commits": self.result.commits,
            "revalidated": [r.summary() for r in self.revalidated],
            "seconds": self.timings.seconds,
        }


def _curated(settings: Settings) -> Curated:
    return Curated(settings, S3ObjectStore.from_settings(settings))


def fetch(settings: Settings, keys: Sequence[str], *, force: bool = False) -> Fetched:
    """``force``: fetch objects whose current version already has an outcome (re-validation)."""
    start = time.perf_counter()
    curated = _curated(settings)
    store = curated.store
    wanted = [k for k in dict.fromkeys(keys) if k.startswith(settings.raw_prefix)]
    known = curated.outcomes(wanted)
    with ThreadPoolExecutor(_FETCH_THREADS) as pool:
        refs = dict(zip(wanted, pool.map(store.head, wanted), strict=True))
        skipped = [
            k
            for k, ref in refs.items()
            if ref is None or (not force and k in known and known[k]["etag"] == ref.etag)
        ]
        todo = [k for k in wanted if k not in skipped]
        results = list(pool.map(lambda k: store.read(k, settings.max_object_bytes), todo))
    objects, quarantined = [], []
    for got in results:
        if got.data is not None:
            objects.append(got)
        elif got.error and not got.error.startswith("gone"):
            code, _, reason = got.error.partition(": ")
            quarantined.append(Quarantined(got.ref, "fetch", code, reason))
        else:
            skipped.append(got.ref.key)
    timings = Timings()
    timings.add("fetch", start)
    log.info(
        "fetch: %d object(s) read, %d quarantined, %d skipped (already done or gone) in %.2f s",
        len(objects),
        len(quarantined),
        len(skipped),
        timings.seconds["fetch"],
    )
    return Fetched(objects, quarantined, skipped, timings, curated)


def parse(fetched: Fetched, settings: Settings) -> Parsed:
    from tasks.isolation import parse_bounded

    start = time.perf_counter()
    reports: list[tuple[ObjectRef, Report]] = []
    quarantined = list(fetched.quarantined)
    for obj in fetched.objects:
        assert obj.data is not None
        try:
            report = parse_bounded(obj.data, obj.ref.key, settings)
        except ParseError as exc:
            quarantined.append(Quarantined(obj.ref, "parse", exc.code, exc.reason))
        except Exception as exc:  # noqa: BLE001 - one bad document must not sink the batch
            reason = f"parser crashed: {type(exc).__name__}: {exc}"
            quarantined.append(Quarantined(obj.ref, "parse", "parser_error", reason))
        else:
            reports.append((obj.ref, report))
    fetched.timings.add("parse", start)
    log.info(
        "parse: %d report(s) read, %d quarantined in %.2f s",
        len(reports),
        len(quarantined) - len(fetched.quarantined),
        fetched.timings.seconds["parse"],
    )
    for q in quarantined[len(fetched.quarantined) :]:
        log.info("parse: quarantined %s: %s: %s", q.ref.key, q.code, q.reason)
    return Parsed(reports, quarantined, fetched.skipped, fetched.timings, fetched.curated)


def validate(settings: Settings, parsed: Parsed) -> Validated:
    from tasks.validate import validate_batch

    start = time.perf_counter()
    curated = parsed.curated or _curated(settings)
    quarantined = list(parsed.quarantined)
    parsed_reports, decisions = _apply_reviews(curated.reviews(), parsed.reports, quarantined)
    reports = [r for _, r in parsed_reports]
    pairs = {(r.agency, r.report_year - 1) for r in reports if r.agency and r.report_year}
    previous = curated.previous_reports(pairs)
    with _VALIDATION_LOCK:
        verdicts, rule_results, broken = _validate_all(validate_batch, reports, previous)
        published = [
            r
            for r in reports
            if r.report_id not in broken and verdicts[r.report_id].status != "quarantine"
        ]
        revalidated = _revalidate_later(settings, curated, published, previous)
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
        items, quarantined, rule_results, parsed.skipped, parsed.timings, curated, revalidated
    )


def _revalidate_later(
    settings: Settings,
    curated: Curated,
    reports: Sequence[Report],
    previous: Mapping[tuple[str, int], Report],
) -> list[Revalidated]:
    """Published next years of the batch's agencies, their cross-year rules checked again.

    Upload order must not decide a verdict: when year Y arrives after Y+1 was published,
    Y+1's cross-year rules (CROSS_YEAR_RULES) are recomputed against Y. Only those rules
    are taken from the recomputation (the report is rebuilt from the tables: its facts and
    text are whole, its other metadata is not); its other rule results stay as stored.
    """
    import pandas as pd
    import pyarrow.compute as pc

    from tasks.curated import RULE_RESULTS, rule_result_rows
    from tasks.validate import CROSS_YEAR_RULES, SeverityPolicy, validate_batch, verdict_of

    batch = {(r.agency, r.report_year): r for r in reports if r.agency and r.report_year}
    wanted = {(a, y + 1) for a, y in batch} - set(batch)
    later = curated.reports_at(wanted)
    if not later:
        return []
    history = {**previous, **batch}
    rebuilt = [report for report, _ in later.values()]
    result = validate_batch(rebuilt, history, policy=SeverityPolicy.from_settings(settings))
    fresh = result.rule_results[result.rule_results["rule_id"].isin(CROSS_YEAR_RULES)]
    ids = sorted(r.report_id for r in rebuilt)
    years = sorted({int(y) for _, y in later})
    where = pc.field("report_year").isin(years) & pc.field("report_id").isin(ids)
    stored = curated.read("rule_results", None, where).to_pandas()
    kept = stored[~stored["rule_id"].isin(CROSS_YEAR_RULES)]
    out: list[Revalidated] = []
    for (_, year), (report, row) in sorted(later.items()):
        rid = report.report_id
        mine = pd.concat(
            [
                kept[kept["report_id"] == rid].drop(columns=["report_year"]),
                fresh[fresh["report_id"] == rid],
            ],
            ignore_index=True,
        )
        verdict = verdict_of(rid, mine)
        # A published report stays published: a cross-year rule made critical by policy
        # fails it (quarantine is for objects that never became reports).
        after = "fail" if verdict.status == "quarantine" else verdict.status
        before = str(row.get("quality_status"))
        table = (
            rule_result_rows(mine, {rid: year}) if not mine.empty else RULE_RESULTS.empty_table()
        )
        out.append(
            Revalidated(
                rid,
                year,
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
    from tasks.reviews import apply_corrections, decide

    kept: list[tuple[ObjectRef, Report]] = []
    decisions: dict[str, Decision] = {}
    for ref, report in reports:
        decision = decide(reviews, report.report_id, ref.key, ref.etag)
        if decision.rejected:
            r = decision.rejected
            who = f"{r.reviewer} on {r.at:%Y-%m-%d} (review {r.review_id[:8]})"
            reason = f"rejected by {who}: {r.reason}"
            quarantined.append(Quarantined(ref, "review", "rejected", reason))
            continue
        kept.append((ref, apply_corrections(report, decision.corrections)))
        decisions[report.report_id] = decision
    return kept, decisions


def _validate_all(
    validate_batch: Any, reports: list[Report], previous: Any
) -> tuple[dict[str, Any], pd.DataFrame | None, dict[str, str]]:
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
        return result.verdicts, result.rule_results, {}
    verdicts: dict[str, Any] = {}
    frames: list[pd.DataFrame] = []
    broken: dict[str, str] = {}
    for report in reports:
        try:
            one = validate_batch([report], previous)
        except Exception as exc:  # noqa: BLE001 - isolate the report the tool fails on
            broken[report.report_id] = f"{type(exc).__name__}: {exc}"[:500]
        else:
            verdicts.update(one.verdicts)
            if one.rule_results is not None and not one.rule_results.empty:
                frames.append(one.rule_results)
    if len(broken) == len({r.report_id for r in reports}) > 1:
        # Every report fails: the tool is broken, not the documents. Fail the run; it is redone.
        raise failure
    rule_results = pd.concat(frames, ignore_index=True) if frames else None
    return verdicts, rule_results, broken


def publish(
    settings: Settings, validated: Validated, run_id: str, *, force: bool = False
) -> Published:
    start = time.perf_counter()
    curated = validated.curated or _curated(settings)
    result = curated.publish(
        validated.items, validated.quarantined, validated.rule_results, run_id, force=force
    )
    # After the batch is in (its earlier years are what the new verdicts compare with).
    curated.apply_revalidation(validated.revalidated)
    validated.timings.add("publish", start)
    log.info(
        "publish: %d published, %d quarantined, %d superseded in %d commit attempt(s), %.2f s",
        len(result.published),
        len(result.quarantined),
        len(result.superseded),
        result.attempts,
        validated.timings.seconds["publish"],
    )
    return Published(
        result,
        validated.items,
        validated.quarantined,
        validated.rule_results,
        validated.skipped,
        validated.timings,
        datetime.now(UTC),
        curated,
        validated.revalidated,
    )


def outcome_table(published: Published) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "key": it.ref.key,
            "outcome": "published",
            "quality_status": it.status,
            "rules": ", ".join(it.failed_rules or it.warned_rules),
        }
        for it in published.items
    ]
    rows += [
        {
            "key": q.ref.key,
            "outcome": "quarantined",
            "quality_status": "",
            "rules": f"{q.stage}: {q.code}: {q.reason}",
        }
        for q in published.quarantined
    ]
    return rows


def summary_markdown(summary: dict[str, Any], link: str) -> str:
    lines = [
        "# Ingest run",
        "",
        "| published | pass | warn | fail | quarantined | skipped (already done) |",
        "|---|---|---|---|---|---|",
        "| "
        + " | ".join(
            str(summary[k]) for k in ("published", "pass", "warn", "fail", "quarantined", "skipped")
        )
        + " |",
        "",
        "| stage | seconds |",
        "|---|---:|",
        *(f"| {stage} | {float(sec):.2f} |" for stage, sec in summary["seconds"].items()),
        "",
        "Re-validated (an earlier year arrived after them): "
        + (
            ", ".join(
                f"{r['key']} {r['before']} → {r['after']}" for r in summary.get("revalidated", [])
            )
            or "none"
        ),
        "",
        link,
    ]
    return "\n".join(lines)


def quality_report(settings: Settings, published: Published, run_id: str) -> str | None:
    """Write the run's quality report (HTML + JSON) under the quality prefix; return its URL."""
    from tasks.publish import write_quality_report

    if not published.items and not published.quarantined:
        return None
    return write_quality_report(
        settings, published.curated or _curated(settings), published, run_id
    )


def run_batch(settings: Settings, keys: Sequence[str], run_id: str) -> Published:
    """The four stages on ``keys``, in this process (no Prefect): what the flow wires."""
    return publish(settings, validate(settings, parse(fetch(settings, keys), settings)), run_id)


@dataclass(slots=True)
class Recovered:
    """What became of a batch whose run raised: the parts that went through, the objects
    that failed alone (one more attempt recorded) and those now quarantined as poison."""

    published: list[Published] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # key -> the error
    poisoned: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "recovered_batches": len(self.published),
            "published": sum(len(p.result.published) for p in self.published),
            "quarantined": sum(len(p.result.quarantined) for p in self.published),
            "failed": len(self.failed),
            "poisoned": len(self.poisoned),
        }


def recover(
    settings: Settings, keys: Sequence[str], stage: str, error: BaseException, run_id: str
) -> Recovered:
    """After the batch ``keys`` raised in ``stage``: give every object an outcome if it can.

    The batch is halved until the objects it fails on stand alone (the rest go through in
    their halves); an object that fails alone gets one more attempt recorded, and at
    ``poison_after_attempts`` (across runs) it is quarantined as ``poison`` with the error,
    so reconcile never loops on it. If even recording fails (the store is down) this raises.
    """
    from tasks import attempts

    curated = _curated(settings)
    out = Recovered()

    def failed_alone(key: str, exc: BaseException, where: str) -> None:
        ref = curated.store.head(key)
        if ref is None:
            return  # deleted meanwhile: nothing to give an outcome to
        text = f"{where}: {type(exc).__name__}: {exc}"[:500]
        seen = attempts.record_failure(curated, ref, text, run_id)
        if seen.count < settings.poison_after_attempts:
            out.failed[key] = text
            return
        reason = (
            f"failed on each of {seen.count} attempts across runs with an error that is not "
            f"a problem the document states; last: {text}"
        )
        curated.publish([], [Quarantined(ref, where, "poison", reason)], None, run_id)
        out.poisoned.append(key)

    def attempt(batch: list[str], exc: BaseException, where: str) -> None:
        if len(batch) == 1:
            failed_alone(batch[0], exc, where)
            return
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            try:
                out.published.append(run_batch(settings, half, run_id))
            except Exception as again:  # noqa: BLE001 - halved again until it stands alone
                attempt(half, again, "ingest")

    wanted = [k for k in dict.fromkeys(keys) if k.startswith(settings.raw_prefix)]
    if wanted:
        attempt(wanted, error, stage)
    return out
