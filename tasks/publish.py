"""Publish a validated batch: Delta commits for the curated tables, quarantine records.

Order of commits, and why: ``facts`` and ``rule_results`` first, then
``reports`` (and ``clean``, its pass/warn subset), then ``outcomes``.
``reports`` is what consumers enter by, so a report becomes visible only once
its facts are in; ``outcomes`` is the ledger
the audit reads, so an object counts as done only once everything else is
committed. A crash anywhere in between leaves the object without an outcome,
and the next run (or reconcile) redoes the batch; every write replaces rows by
key (``report_id`` / ``key``), so a redo never duplicates.

Each commit replaces the batch's keys in one Delta transaction (overwrite with
a predicate), so readers never see half of it. Concurrent publishers conflict
at commit time; the whole publish is then retried against the new table state.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from tasks.curated import (
    OUTCOMES,
    TABLES,
    Revalidated,
    Verdicted,
    clean_rows,
    fact_rows,
    report_rows,
    rule_result_rows,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd

    from govreports.settings import Settings
    from tasks.fetch import ObjectRef, S3ObjectStore
    from tasks.models import Report
    from tasks.reviews import Review


_MAX_KEY_BYTES = 1024  # the S3 limit on an object key, UTF-8
# What the cross-year rules need of an earlier report (not its full text columns' neighbours).
_PREVIOUS_COLUMNS = [
    "report_id",
    "title",
    "agency",
    "report_year",
    "format",
    "province",
    "city",
    "county",
    "text",
    "key",
    "quality_status",
]
_FACT_COLUMNS = [
    "report_id",
    "table",
    "row",
    "column",
    "value",
    "unit",
    "approximate",
    "raw",
    "line",
]


@dataclass(frozen=True, slots=True)
class Quarantined:
    ref: ObjectRef
    stage: str  # fetch | parse | validate | review
    code: str
    reason: str
    rule_ids: tuple[str, ...] = ()


@dataclass(slots=True)
class PublishResult:
    published: list[str] = field(default_factory=list)  # object keys
    quarantined: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # an older version than the one on record
    attempts: int = 0
    commits: int = 0  # Delta commits this publish made (the successful attempt)
    seconds: float = 0.0
    table_versions: dict[str, int] = field(default_factory=dict)


def _quote(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(set(values)))


class Curated:
    """The curated zone: Delta tables plus quarantine records, on one S3 endpoint."""

    def __init__(self, settings: Settings, store: S3ObjectStore) -> None:
        self.settings = settings
        self.store = store
        from tasks.fetch import delta_storage_options

        self.options = delta_storage_options(settings)
        self._tables: dict[str, Any] = {}
        self.opens = 0  # tables opened by this Curated (each once; refreshed after)
        self.commits = 0

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Stage values cross process boundaries (the Dask path): open tables and the boto3
        # client do not pickle; the other side gets a fresh Curated on the same settings.
        return (_curated_from_settings, (self.settings,))

    def uri(self, table: str) -> str:
        return self.settings.table_uri(table)

    def ensure_tables(self) -> None:
        from deltalake import DeltaTable

        for spec in TABLES.values():
            DeltaTable.create(
                self.uri(spec.name),
                spec.schema,
                mode="ignore",
                partition_by=list(spec.partition_by) or None,
                storage_options=self.options,
            )

    def reviews(self) -> list[Review]:
        """Every maintainer decision on record (a small table, read whole)."""
        from deltalake.exceptions import TableNotFoundError

        from tasks.reviews import Review

        try:
            rows = self.read("reviews").to_pylist()
        except TableNotFoundError:
            return []
        return [Review.from_row(r) for r in rows]

    def record_review(self, review: Review) -> None:
        from deltalake import write_deltalake

        from tasks.reviews import review_rows

        self.ensure_tables()
        write_deltalake(
            self.uri("reviews"), review_rows([review]), mode="append", storage_options=self.options
        )

    def table(self, name: str) -> Any:
        """The open ``DeltaTable`` of ``name``: opened once per ``Curated``, then refreshed.

        A refresh reads only the log entries since (``update_incremental``), not the table.
        """
        from deltalake import DeltaTable

        dt = self._tables.get(name)
        if dt is None:
            dt = DeltaTable(self.uri(name), storage_options=self.options)
            self._tables[name] = dt
            self.opens += 1
        else:
            dt.update_incremental()
        return dt

    def read(
        self,
        table: str,
        columns: list[str] | None = None,
        where: pc.Expression | None = None,
        *,
        filters: list[Any] | None = None,
    ) -> pa.Table:
        """Rows of ``table`` (all, or those matching ``where``), only ``columns``.

        ``columns``: only these (absent ones, from an older schema, are left out).
        ``where`` (a pyarrow expression) or ``filters`` (DNF tuples) is pushed down:
        partition terms select the partitions' files, the rest is checked against Parquet
        statistics before row groups are read.
        """
        dt = self.table(table)
        if columns is not None:
            have = set(dt.schema().to_arrow().names)
            columns = [c for c in columns if c in have]
        if filters is not None:
            from pyarrow.parquet import filters_to_expression

            expr = filters_to_expression(filters)
            where = expr if where is None else where & expr
        return dt.to_pyarrow_dataset().to_table(columns=columns, filter=where)

    def read_located(
        self, table: str, columns: list[str], where: pc.Expression, locate: list[str]
    ) -> pa.Table:
        """``read`` in two passes, for a few rows scattered in big partitions.

        First only the ``locate`` columns (the ones ``where`` tests: ids, agencies; cheap,
        dictionary-encoded) say which files hold matching rows; then ``columns`` are read
        from those files alone. A partition's other files are never decoded in full.
        """
        dataset = self.table(table).to_pyarrow_dataset()
        found = dataset.to_table(columns=[*locate, "__filename"], filter=where)
        paths = set(found["__filename"].to_pylist())
        parts = [
            frag.to_table(schema=dataset.schema, columns=columns, filter=where)
            for frag in dataset.get_fragments()
            if frag.path in paths
        ]
        if not parts:
            return dataset.schema.empty_table().select(columns)
        return pa.concat_tables(parts)

    def outcomes(
        self, keys: Iterable[str] | None = None, *, create: bool = True
    ) -> dict[str, dict[str, Any]]:
        """key → its outcome row (the latest processed version of that key).

        With ``keys``, only those keys' rows are read (what a batch needs); without, the
        whole ledger (the audit). ``create=False``: a reader that must not write (``audit``)
        gets {} for a new bucket.
        """
        from deltalake.exceptions import TableNotFoundError

        where = None
        if keys is not None:
            wanted = sorted(set(keys))
            if not wanted:
                return {}
            where = pc.field("key").isin(wanted)
        try:
            rows = self.read("outcomes", where=where).to_pylist()
        except TableNotFoundError:
            if create:
                # A new bucket: create the tables once, so every later read and commit finds them.
                self.ensure_tables()
            return {}
        return {r["key"]: r for r in rows}

    def quarantine_key(self, key: str) -> str:
        """Where an object's quarantine record goes: its key under the quarantine prefix.

        S3 keys stop at 1024 bytes; a raw key near that limit would give a record key the
        store refuses (and the object would never get an outcome), so those records go under
        ``_long/`` by a hash of the key instead. The record itself holds the full key.
        """
        raw = self.settings.raw_prefix
        rel = key[len(raw) :] if key.startswith(raw) else key
        target = f"{self.settings.quarantine_prefix}{rel}.json"
        if len(target.encode()) <= _MAX_KEY_BYTES:
            return target
        digest = hashlib.sha256(key.encode()).hexdigest()
        return f"{self.settings.quarantine_prefix}_long/{digest}.json"

    def publish(
        self,
        items: Sequence[Verdicted],
        quarantined: Sequence[Quarantined],
        rule_results: pd.DataFrame | None,
        run_id: str,
        *,
        force: bool = False,
    ) -> PublishResult:
        """``force``: rewrite reports already on record (a re-validation, e.g. after a review)."""
        from deltalake.exceptions import CommitFailedError

        start = time.perf_counter()
        delay = 0.2
        for attempt in range(1, self.settings.commit_retries + 1):
            commits = self.commits
            try:
                result = self._publish_once(items, quarantined, rule_results, run_id, force)
            except CommitFailedError:
                if attempt == self.settings.commit_retries:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            result.attempts = attempt
            result.commits = self.commits - commits
            result.seconds = time.perf_counter() - start
            return result
        raise AssertionError("unreachable")

    def _publish_once(
        self,
        items: Sequence[Verdicted],
        quarantined: Sequence[Quarantined],
        rule_results: pd.DataFrame | None,
        run_id: str,
        force: bool = False,
    ) -> PublishResult:
        result = PublishResult()
        batch_keys = {it.ref.key for it in items} | {q.ref.key for q in quarantined}
        known = self.outcomes(batch_keys)
        items = [it for it in items if not self._stale(it.ref, known, result)]
        quarantined = [q for q in quarantined if not self._stale(q.ref, known, result)]
        # The same bytes under several keys (or twice in a batch) are one report.
        unique: dict[str, Verdicted] = {}
        for it in items:
            unique.setdefault(it.report.report_id, it)

        batch_keys = {it.ref.key for it in items} | {q.ref.key for q in quarantined}
        new_ids = set(unique)
        old_ids = {
            known[k]["report_id"] for k in batch_keys if k in known and known[k]["report_id"]
        } - new_ids
        # A report the batch's keys pointed to is dropped unless another key still points to it.
        dropped = old_ids - self._still_used(old_ids, batch_keys)
        years = {rid: it.report.report_year for rid, it in unique.items()}
        existing = (
            set() if force else self._existing_report_ids(new_ids, {y for y in years.values() if y})
        )
        to_write = {rid: it for rid, it in unique.items() if rid not in existing}
        touched = set(to_write) | dropped

        reports = [it.report for it in to_write.values()]
        frame = None
        if rule_results is not None and not rule_results.empty:
            frame = rule_results[rule_results["report_id"].isin(list(to_write))]
        tables: list[tuple[str, pa.Table]] = [
            ("facts", fact_rows(reports)),
            ("rule_results", rule_result_rows(frame, years)),
            ("reports", report_rows(list(to_write.values()), self.settings.bucket, run_id)),
        ]
        tables.append(("clean", clean_rows(tables[-1][1])))
        if touched:
            # Partition and key: each commit reads and rewrites only the batch's years.
            batch_years = [years[r] for r in to_write]
            touched_years = {y for y in batch_years if y is not None} | self._years_of(dropped)
            predicate = f"report_id IN ({_quote(touched)})"
            # A report without a year (never published: C1 quarantines it) would sit in the
            # null partition, which a year term would miss: then the whole table is matched.
            if touched_years and None not in batch_years:
                predicate = (
                    f"report_year IN ({', '.join(map(str, sorted(touched_years)))}) AND "
                    + predicate
                )
            for name, data in tables:
                self._replace(name, data, predicate)

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
            self.store.put_json(self.quarantine_key(q.ref.key), quarantine_record(q, run_id, now))
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
        if outcome_rows:
            data = pa.Table.from_pylist(outcome_rows, schema=OUTCOMES)
            keys = {str(r["key"]) for r in outcome_rows}
            self._replace("outcomes", data, f"key IN ({_quote(keys)})")
        # A key that was quarantined before and now published: its old record no longer applies.
        for it in items:
            prior = known.get(it.ref.key)
            if prior and prior["outcome"] == "quarantined":
                self.store.delete(self.quarantine_key(it.ref.key))
        result.published = sorted({it.ref.key for it in items})
        result.quarantined = sorted({q.ref.key for q in quarantined})
        return result

    def _stale(
        self, ref: ObjectRef, known: dict[str, dict[str, Any]], result: PublishResult
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
            current = self.store.head(ref.key)
            older = current is not None and current.etag == prior["etag"]
        if older:
            result.superseded.append(ref.key)
        return older

    def _still_used(self, report_ids: set[str], batch_keys: set[str]) -> set[str]:
        """Which of ``report_ids`` an outcome outside the batch still points to."""
        if not report_ids:
            return set()
        where = pc.field("report_id").isin(sorted(report_ids)) & ~pc.field("key").isin(
            sorted(batch_keys)
        )
        return set(self.read("outcomes", ["report_id"], where)["report_id"].to_pylist())

    def _existing_report_ids(self, ids: set[str], years: set[int]) -> set[str]:
        """Which of ``ids`` ``reports`` holds: only the batch's year partitions are read."""
        if not ids:
            return set()
        where = pc.field("report_id").isin(sorted(ids))
        if years:
            where = pc.field("report_year").isin(sorted(years)) & where
        return set(self.read("reports", ["report_id"], where)["report_id"].to_pylist())

    def _years_of(self, report_ids: set[str]) -> set[int]:
        """The partitions of published reports that only their id names (a replaced report).

        Rare (a key re-uploaded with other bytes), and the only read here not bounded by
        the batch's years: the report_id column of ``reports``, nothing else.
        """
        if not report_ids:
            return set()
        where = pc.field("report_id").isin(sorted(report_ids))
        found = self.read("reports", ["report_year"], where)["report_year"].to_pylist()
        return {int(y) for y in found if y is not None}

    def _replace(self, name: str, data: pa.Table, predicate: str) -> None:
        from deltalake import write_deltalake

        spec = TABLES[name]
        dt = self.table(name)
        if data.num_rows:
            write_deltalake(
                dt,
                data,
                mode="overwrite",
                predicate=predicate,
                partition_by=list(spec.partition_by) or None,
                # Tables written before a column was added (review_status) take it on.
                schema_mode="merge",
            )
        else:
            dt.delete(predicate)
        self.commits += 1

    def previous_reports(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Report]:
        """Earlier published reports of the given (agency, year) pairs, for the cross-year rules."""
        return {pair: report for pair, (report, _) in self.reports_at(pairs).items()}

    def reports_at(
        self, pairs: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[Report, dict[str, Any]]]:
        """Published reports at (agency, year), rebuilt with their facts and text, and their row.

        Enough for the cross-year rules (facts, text, format); the row carries what the
        rebuilt report lacks (key, quality_status, ...)."""
        from tasks.models import Fact, Region
        from tasks.models import Report as ReportModel

        wanted = set(pairs)
        if not wanted:
            return {}
        agencies = sorted({a for a, _ in wanted})
        years = sorted({y for _, y in wanted})
        # Partition (year) and agency pushed down: only the batch's neighbouring years are read.
        where = pc.field("report_year").isin(years) & pc.field("agency").isin(agencies)
        reports = self.read_located(
            "reports", _PREVIOUS_COLUMNS, where, ["report_year", "agency"]
        ).to_pylist()
        hits = {
            (r["agency"], r["report_year"]): r
            for r in reports
            if (r["agency"], r["report_year"]) in wanted
        }
        if not hits:
            return {}
        ids = sorted({r["report_id"] for r in hits.values()})
        hit_years = sorted({r["report_year"] for r in hits.values()})
        where = pc.field("report_year").isin(hit_years) & pc.field("report_id").isin(ids)
        facts: dict[str, list[Fact]] = {}
        for f in self.read_located(
            "facts", _FACT_COLUMNS, where, ["report_year", "report_id"]
        ).to_pylist():
            value = f["value"]
            facts.setdefault(f["report_id"], []).append(
                Fact(
                    table=f["table"],
                    row=f["row"],
                    column=f["column"],
                    value=int(value) if float(value).is_integer() else value,
                    unit=f["unit"],
                    approximate=bool(f["approximate"]),
                    raw=f["raw"] or "",
                    line=f["line"],
                )
            )
        out: dict[tuple[str, int], tuple[Report, dict[str, Any]]] = {}
        for pair, r in hits.items():
            out[pair] = (
                ReportModel(
                    report_id=r["report_id"],
                    title=r["title"],
                    agency=r["agency"],
                    report_year=r["report_year"],
                    format=r["format"],
                    region=Region(r["province"], r["city"], r["county"]),
                    facts=facts.get(r["report_id"], []),
                    text=r["text"] or "",
                ),
                r,
            )
        return out

    def apply_revalidation(self, revalidated: Sequence[Revalidated]) -> None:
        """Write re-validated verdicts: rule_results, then reports (their status columns), clean.

        Only the batch's later years are touched (partition + id predicates); facts stay.
        """
        if not revalidated:
            return
        ids = {r.report_id for r in revalidated}
        years = sorted({r.report_year for r in revalidated})
        predicate = (
            f"report_year IN ({', '.join(map(str, years))}) AND report_id IN ({_quote(ids)})"
        )
        rules = pa.concat_tables([r.rule_results for r in revalidated])
        self._replace("rule_results", rules, predicate)
        where = pc.field("report_year").isin(years) & pc.field("report_id").isin(sorted(ids))
        located = self.read_located(
            "reports",
            list(self.table("reports").schema().to_arrow().names),
            where,
            ["report_year", "report_id"],
        )
        rows = located.to_pylist()
        by_id = {r.report_id: r for r in revalidated}
        for row in rows:
            new = by_id[row["report_id"]]
            row["quality_status"] = new.after
            row["failed_rules"] = list(new.failed_rules)
            row["warned_rules"] = list(new.warned_rules)
        updated = pa.Table.from_pylist(rows, schema=located.schema)
        self._replace("reports", updated, predicate)
        self._replace("clean", clean_rows(updated), predicate)


def _curated_from_settings(settings: Settings) -> Curated:
    from tasks.fetch import S3ObjectStore

    return Curated(settings, S3ObjectStore.from_settings(settings))


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


def raw_link(settings: Settings, key: str) -> str:
    """Where a maintainer opens the raw object: a path-style URL, never a signed one."""
    from urllib.parse import quote

    if settings.s3_endpoint_url:
        return f"{settings.s3_endpoint_url.rstrip('/')}/{settings.bucket}/{quote(key)}"
    return f"https://s3.console.aws.amazon.com/s3/object/{settings.bucket}?prefix={quote(key)}"


def write_quality_report(settings: Settings, curated: Curated, published: Any, run_id: str) -> str:
    """Record the run's summary, then refresh the quality site (tasks/site.py) from the tables.

    ``published`` is the publish stage's result (``tasks.stages.Published``). The overview
    is rebuilt whole (light columns); pages are rebuilt for this run's reports and the run.
    Returns the URL of the run's page.
    """
    from tasks.site import run_page, write_site

    summary = {
        "run_id": run_id,
        "at": published.finished_at.isoformat(),
        **published.summary(),
    }
    prefix = settings.quality_prefix
    trend_key = f"{prefix}runs.json"
    trend: list[dict[str, Any]] = (
        list(curated.store.get_json(trend_key) or []) if curated.store.head(trend_key) else []
    )
    trend = [*trend, summary][-500:]
    curated.store.put_json(f"{prefix}runs/{run_id}/summary.json", summary)
    curated.store.put_json(trend_key, trend)
    rules = published.rule_results
    if settings.data_docs and rules is not None and not rules.empty:
        # Off by default and not linked from the site (docs/adr/0005-quality-site.md).
        _upload_data_docs(curated, f"{prefix}data-docs/")
    report_ids = [it.report.report_id for it in published.items]
    # Later years whose verdicts this run changed: their pages change too.
    report_ids += [r.report_id for r in getattr(published, "revalidated", [])]
    write_site(curated, report_ids=report_ids, run_ids=[run_id], runs=trend)
    return raw_link(settings, prefix + run_page(run_id))


def _upload_data_docs(curated: Curated, prefix: str) -> None:
    """Build the GX Data Docs site of this process's last validation; upload it under ``prefix``."""
    import mimetypes
    import tempfile
    from pathlib import Path

    from tasks.quality import build_data_docs

    with tempfile.TemporaryDirectory(prefix="govreports-docs-") as tmp:
        site = build_data_docs(Path(tmp)).parent
        for path in site.rglob("*"):
            if path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                curated.store.put(
                    prefix + path.relative_to(site).as_posix(), path.read_bytes(), kind
                )
