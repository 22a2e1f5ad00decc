"""Publish a validated batch: Delta commits for the curated tables, quarantine records.

Order of commits, and why: ``facts`` and ``rule_results`` first (the two at once, each in
its own thread: no reader enters by them), then ``clean`` (the pass/warn subset of
``reports``), then ``reports``, then ``outcomes``.
``reports`` and ``clean`` are what consumers enter by, so a report becomes
visible only once its facts are in; ``reports`` comes last of the data because
a redo skips a report ``reports`` already holds, so everything else must be in
by then (docs/adr/0002); ``outcomes`` is the ledger the audit reads, so an
object counts as done only once everything else is committed. A crash anywhere
in between leaves the object without an outcome, and the next run (or
reconcile) redoes the batch; every write replaces rows by key (``report_id`` /
``key``), so a redo never duplicates.

Each commit replaces the batch's keys in one Delta transaction (overwrite with
a predicate), so readers never see half of it. Concurrent publishers conflict
at commit time; the whole publish is then retried against the new table state.

Later years re-validated because this batch brought their earlier year
(``Revalidated``) ride in the same ``rule_results`` commit as the batch, and in its
``reports`` and ``clean`` commits when their verdict changed (a row replaced rewrites the
file holding it, document text included): their new verdicts become visible with the
report that changed them, and a run makes five data commits at most whatever it
re-validates (each commit of a year partition scans every file of it for the ids it
replaces: docs/adr/0017-bursts.md).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from govreports.contract.tables import OUTCOMES
from tasks.delta import Curated, reports_in, sql_in
from tasks.rows import Verdicted, clean_rows, fact_rows, report_rows, rule_result_rows

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from govreports.settings import Settings
    from tasks.batch import Quarantined, Timings
    from tasks.rows import Revalidated
    from tasks.store import ObjectRef
    from tasks.validate import Validated

log = logging.getLogger(__name__)

# The tables every publish adds files to (reviews grows by maintainers' decisions only).
COMPACTED = ("facts", "rule_results", "reports", "clean", "outcomes")

# The data commits, in turn; the tables of a step are committed at once. Most of a commit is
# waiting on the store (the scan of the year partitions for the ids it replaces: ~0.45 s of a
# 0.5 s commit into 10,000 reports, against 0.03 s for a plain append), and delta-rs waits
# without the GIL, so two commits at once take about the time of one.
COMMIT_STEPS: tuple[tuple[str, ...], ...] = (("facts", "rule_results"), ("clean",), ("reports",))


@dataclass(slots=True)
class PublishResult:
    published: list[str] = field(default_factory=list)  # object keys
    quarantined: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # an older version than the one on record
    attempts: int = 0
    commits: int = 0  # Delta commits this publish made (the successful attempt)
    seconds: float = 0.0
    table_versions: dict[str, int] = field(default_factory=dict)
    compacted: dict[str, int] = field(default_factory=dict)  # small files removed, by table
    revalidated: list[str] = field(default_factory=list)  # later reports' new verdicts written
    # The rows this publish committed, by table (the quality site builds the batch's pages
    # from them instead of reading them back).
    written: dict[str, pa.Table] = field(default_factory=dict)


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
    gx_results: dict[str, Any] = field(default_factory=dict)  # for the run's Data Docs

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
            "compacted_files": sum(self.result.compacted.values()),
            "revalidated": [r.summary() for r in self.revalidated],
            "seconds": self.timings.seconds,
        }


def publish(
    settings: Settings, validated: Validated, run_id: str, *, force: bool = False
) -> Published:
    """The publish stage: commit the validated batch and its quarantine records."""
    start = time.perf_counter()
    curated = validated.curated or Curated.from_settings(settings)
    result = publish_batch(
        curated,
        validated.items,
        validated.quarantined,
        validated.rule_results,
        run_id,
        force=force,
        revalidated=validated.revalidated,
    )
    # The re-validations written (not those of an earlier year that turned out superseded).
    written = set(result.revalidated)
    revalidated = [r for r in validated.revalidated if r.report_id in written]
    years = {it.report.report_year for it in validated.items if it.report.report_year}
    result.compacted = compact_written(curated, years | {r.report_year for r in revalidated})
    validated.timings.add("publish", start)
    log.info(
        "publish: %d published, %d quarantined, %d superseded in %d commit attempt(s), "
        "%d small files compacted, %.2f s",
        len(result.published),
        len(result.quarantined),
        len(result.superseded),
        result.attempts,
        sum(result.compacted.values()),
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
        revalidated,
        validated.gx_results,
    )


def compact_written(curated: Curated, years: set[int]) -> dict[str, int]:
    """Compact the tables' partitions this publish wrote to, where small files piled up.

    After the ledger commit, so the batch is done whatever happens here. Best effort: a
    compaction that loses a race with another run's commit, or fails at all, leaves the
    files as they were for a later run or the scheduled maintenance flow, and the run goes on.
    Returns the small files removed, by table.
    """
    from deltalake.exceptions import CommitFailedError

    removed: dict[str, int] = {}
    for name in COMPACTED:
        try:
            removed[name] = curated.compact(name, years)
        except CommitFailedError as exc:
            log.info("compaction of %s left to a later run: %s", name, exc)
        except Exception:  # an optimisation: it must not fail a batch already committed
            log.warning("compaction of %s failed; left to a later run", name, exc_info=True)
    return {name: n for name, n in removed.items() if n}


def publish_batch(
    curated: Curated,
    items: Sequence[Verdicted],
    quarantined: Sequence[Quarantined],
    rule_results: pd.DataFrame | None,
    run_id: str,
    *,
    force: bool = False,
    revalidated: Sequence[Revalidated] = (),
) -> PublishResult:
    """Commit one batch; on a commit conflict the whole batch is retried on the new state.

    ``force``: rewrite reports already on record (a re-validation, e.g. after a review).
    ``revalidated``: later years on record whose cross-year verdicts the batch changed;
    their new verdicts are written in the batch's own commits."""
    from deltalake.exceptions import CommitFailedError

    start = time.perf_counter()
    delay = 0.2
    # Report ids an attempt wrote before its ledger commit failed: the retry removes those
    # no outcome points to (an attempt whose report turned out superseded leaves no orphan).
    written: set[str] = set()
    for attempt in range(1, curated.settings.commit_retries + 1):
        commits = curated.commits
        try:
            result = _publish_once(
                curated,
                items,
                quarantined,
                rule_results,
                run_id,
                written=written,
                force=force,
                revalidated=revalidated,
            )
        except (CommitFailedError, LedgerMovedError):
            if attempt == curated.settings.commit_retries:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
            continue
        result.attempts = attempt
        result.commits = curated.commits - commits
        result.seconds = time.perf_counter() - start
        return result
    raise AssertionError("unreachable")


def _publish_once(
    curated: Curated,
    items: Sequence[Verdicted],
    quarantined: Sequence[Quarantined],
    rule_results: pd.DataFrame | None,
    run_id: str,
    *,
    written: set[str],
    force: bool = False,
    revalidated: Sequence[Revalidated] = (),
) -> PublishResult:
    result = PublishResult()
    batch_keys = {it.ref.key for it in items} | {q.ref.key for q in quarantined}
    all_keys = set(batch_keys)
    known = curated.outcomes(batch_keys)
    known_at = curated.loaded_version("outcomes")
    items = [it for it in items if not _stale(curated, it.ref, known, result)]
    quarantined = [q for q in quarantined if not _stale(curated, q.ref, known, result)]
    # The same bytes under several keys (or twice in a batch) are one report.
    unique: dict[str, Verdicted] = {}
    for it in items:
        unique.setdefault(it.report.report_id, it)

    batch_keys = {it.ref.key for it in items} | {q.ref.key for q in quarantined}
    new_ids = set(unique)
    old_ids = (
        {known[k]["report_id"] for k in batch_keys if k in known and known[k]["report_id"]}
        | written
    ) - new_ids
    # A report the batch's keys pointed to is dropped unless another key still points to it.
    dropped = old_ids - curated.still_used(old_ids, batch_keys)
    years = {rid: it.report.report_year for rid, it in unique.items()}
    existing = (
        set() if force else curated.existing_report_ids(new_ids, {y for y in years.values() if y})
    )
    to_write = {rid: it for rid, it in unique.items() if rid not in existing}
    touched = set(to_write) | dropped

    reports = [it.report for it in to_write.values()]
    frame = None
    if rule_results is not None and not rule_results.empty:
        frame = rule_results[rule_results["report_id"].isin(list(to_write))]
    report_table = report_rows(list(to_write.values()), curated.settings.bucket, run_id)
    # Committed in COMMIT_STEPS (the module's docstring says why).
    tables: dict[str, pa.Table] = {
        "facts": fact_rows(reports),
        "rule_results": rule_result_rows(frame, years),
        "clean": clean_rows(report_table),
        "reports": report_table,
    }
    # A later year is re-validated only against an earlier year this publish keeps (not one
    # found superseded above), and not when the batch itself rewrites or drops it.
    arrived = {(it.report.agency, it.report.report_year) for it in items}
    later = {
        r.report_id: r
        for r in revalidated
        if r.report_id not in touched and (r.agency, r.report_year - 1) in arrived
    }
    if touched or later:
        batch_years = [years[r] for r in to_write]
        touched_years = {y for y in batch_years if y is not None} | curated.years_of(dropped)
        # A report without a year (never published: C1 quarantines it) would sit in the
        # null partition, which a year term would miss: then the whole table is matched.
        result.revalidated = _commit_rows(
            curated, tables, touched, touched_years, later, whole=None in batch_years
        )
        written |= set(to_write)
        # The batch's own rows (the quality site builds its pages from them); the later
        # reports' pages are read back, their facts were not rewritten.
        result.written = dict(tables)

    now = datetime.now(UTC)
    outcome_rows = [
        {
            "key": it.ref.key,
            "etag": it.ref.etag,
            "last_modified": it.ref.last_modified,
            "outcome": "published",
            "report_id": it.report.report_id,
            "stage": "publish",
            "reason": None,
            "run_id": run_id,
            "at": now,
        }
        for it in {it.ref.key: it for it in items}.values()
    ]
    for q in quarantined:
        curated.store.put_json(curated.quarantine_key(q.ref.key), quarantine_record(q, run_id, now))
    outcome_rows += [
        {
            "key": q.ref.key,
            "etag": q.ref.etag,
            "last_modified": q.ref.last_modified,
            "outcome": "quarantined",
            "report_id": None,
            "stage": q.stage,
            "reason": f"{q.code}: {q.reason}",
            "run_id": run_id,
            "at": now,
        }
        for q in {q.ref.key: q for q in quarantined}.values()
    ]
    # The ledger is the commit point. The stale check above read it some time ago: if another
    # run has since recorded one of the batch's keys (a newer version published), this batch
    # is redone on the new state (its rows are re-read only when the ledger's version moved
    # since). The ledger commit below is made on the snapshot just read,
    # so a record landing in between fails it (a Delta conflict) and also redoes the batch.
    moved = curated.table("outcomes").version() != known_at
    if moved and curated.outcomes(all_keys) != known:
        raise LedgerMovedError(sorted(all_keys))
    if outcome_rows:
        data = pa.Table.from_pylist(outcome_rows, schema=OUTCOMES)
        keys = {str(r["key"]) for r in outcome_rows}
        curated.replace("outcomes", data, sql_in("key", keys), refresh=False)
    # A key that was quarantined before and now published: its old record no longer applies.
    for it in items:
        prior = known.get(it.ref.key)
        if prior and prior["outcome"] == "quarantined":
            curated.store.delete(curated.quarantine_key(it.ref.key))
    result.published = sorted({it.ref.key for it in items})
    result.quarantined = sorted({q.ref.key for q in quarantined})
    return result


def _commit_rows(
    curated: Curated,
    tables: dict[str, pa.Table],
    touched: set[str],
    touched_years: set[int],
    later: dict[str, Revalidated],
    *,
    whole: bool,
) -> list[str]:
    """One commit per table: the batch's rows replace its ``touched`` ids (their year
    partitions only, unless ``whole``), and the re-validated ``later`` reports still on
    record take their new rule results in the same ``rule_results`` commit, and their new
    verdicts in the ``reports``/``clean`` commits when the verdict changed.
    Returns the later reports written."""
    found, changed = _revalidated_rows(curated, later)
    extra: dict[str, tuple[pa.Table, set[str]]] = {}
    if found:
        # Rule results only of the later reports still on record (another run may have
        # dropped one since validation read it): no rows without their report.
        rules = [later[rid].rule_results for rid in sorted(found)]
        extra["rule_results"] = (pa.concat_tables(rules, promote_options="default"), found)
    if changed.num_rows:
        # A reports/clean row is rewritten only when its verdict changed: replacing one row
        # rewrites the whole file holding it, document text included, and most re-validated
        # verdicts stay as they were (docs/adr/0017-bursts.md).
        ids = set(changed["report_id"].to_pylist())
        extra["reports"] = (changed, ids)
        extra["clean"] = (clean_rows(changed), ids)
    later_years = {later[rid].report_year for rid in found}
    commits: dict[str, tuple[pa.Table, str]] = {}
    for name, data in tables.items():
        rows, ids = data, touched
        if name in extra:
            more, also = extra[name]
            rows, ids = pa.concat_tables([data, more], promote_options="default"), touched | also
        if ids:
            years = touched_years | later_years if ids != touched else touched_years
            commits[name] = (rows, reports_in(ids, years, whole=whole))
    # A table missing from COMMIT_STEPS would silently not be committed.
    if unstepped := set(commits).difference(*COMMIT_STEPS):
        raise RuntimeError(f"no commit step for {sorted(unstepped)} (tasks.publish.COMMIT_STEPS)")
    width = max(len(step) for step in COMMIT_STEPS)
    with ThreadPoolExecutor(width, thread_name_prefix="commit") as pool:
        for step in COMMIT_STEPS:
            due = [name for name in step if name in commits]
            # list(): wait for every commit of the step, and raise the first error.
            list(pool.map(lambda n: curated.replace(n, *commits[n]), due))
    return sorted(found)


def _revalidated_rows(curated: Curated, later: dict[str, Revalidated]) -> tuple[set[str], pa.Table]:
    """The re-validated later reports still on record, and the ``reports`` rows, with their
    new verdicts, of those whose verdict changed.

    Read at publish time (the rows as they are now); a report no longer on record is left
    out. The verdict columns are read first; whole rows (text included) only of the
    changed ones."""
    from govreports.contract.tables import REPORTS

    if not later:
        return set(), REPORTS.empty_table()
    years = {r.report_year for r in later.values()}
    verdicts = curated.select("reports", ["report_id", *_VERDICT], reports_in(later, years))
    found: set[str] = set()
    changed: set[str] = set()
    for row in verdicts.to_pylist():
        new = later[row["report_id"]]
        found.add(new.report_id)
        if _verdict_row(new) != tuple(_listed(row[c]) for c in _VERDICT):
            changed.add(new.report_id)
    if not changed:
        return found, REPORTS.empty_table()
    located = curated.select(
        "reports", None, reports_in(changed, {later[rid].report_year for rid in changed})
    )
    rows = located.to_pylist()
    for row in rows:
        row.update(zip(_VERDICT, _verdict_row(later[row["report_id"]]), strict=True))
    return found, pa.Table.from_pylist(rows, schema=located.schema)


# The columns of a ``reports`` row that a re-validation can change.
_VERDICT = ("quality_status", "failed_rules", "warned_rules")


def _verdict_row(r: Revalidated) -> tuple[object, ...]:
    return (r.after, list(r.failed_rules), list(r.warned_rules))


def _listed(value: object) -> object:
    return list(value) if isinstance(value, (list, tuple)) else value


class LedgerMovedError(Exception):
    """Another run recorded one of the batch's keys between its stale check and its commit."""


def _stale(
    curated: Curated, ref: ObjectRef, known: dict[str, dict[str, Any]], result: PublishResult
) -> bool:
    """An older version of a key must never replace a newer one already on record."""
    prior = known.get(ref.key)
    if not prior or prior["etag"] == ref.etag:
        return False
    if not (prior["last_modified"] and ref.last_modified):
        return False
    older = bool(ref.last_modified < prior["last_modified"])
    if ref.last_modified == prior["last_modified"]:
        # S3 keeps whole seconds: two uploads within one second tie. The store breaks the
        # tie: if the version on record is still the current one, this one is older.
        current = curated.store.head(ref.key)
        older = current is not None and current.etag == prior["etag"]
    if older:
        result.superseded.append(ref.key)
    return older


def quarantine_record(q: Quarantined, run_id: str, at: datetime) -> dict[str, Any]:
    return {
        "key": q.ref.key,
        "etag": q.ref.etag,
        "size_bytes": q.ref.size,
        "stage": q.stage,
        "code": q.code,
        "reason": q.reason,
        "rule_ids": list(q.rule_ids),
        "run_id": run_id,
        "quarantined_at": at.isoformat(),
    }


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
