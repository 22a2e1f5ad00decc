"""The Delta gateway: the curated zone's tables (data-contract.md §3) on one S3 endpoint.

Opens, reads, creates and replaces rows of the curated Delta tables, records reviews,
and says where an object's quarantine record goes. It holds no pipeline logic: the
publish stage (``tasks.publish``) decides what to write and in which order; fetch,
validate, the audit, reconcile, backfill and the quality site read through it.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from govreports.contract.tables import TABLES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from govreports.contract.models import Report
    from govreports.settings import Settings
    from tasks.reviews import Review
    from tasks.store import ObjectStore


_MAX_KEY_BYTES = 1024  # the S3 limit on an object key, UTF-8
# What the cross-year rules need of an earlier report, but its text (read for the hits only).
_PREVIOUS_COLUMNS = [
    "report_id",
    "title",
    "agency",
    "report_year",
    "format",
    "province",
    "city",
    "county",
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


def sql_in(column: str, values: Iterable[str] | Iterable[int]) -> str:
    """``column IN (…)``, a predicate term for a commit (``replace``) or a read (``select``).

    Strings are quoted, integers (years) written as they are; an empty list is the caller's
    to avoid (SQL has no empty IN list).
    """
    vals: list[str | int] = sorted(set(values))
    listed = ", ".join(
        str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'" for v in vals
    )
    return f"{column} IN ({listed})"


def reports_in(ids: Iterable[str], years: Iterable[int] = (), *, whole: bool = False) -> str:
    """The predicate of the rows of reports ``ids``: in their ``years`` partitions only
    (pruned before any file is opened), unless ``whole`` or no years are given."""
    predicate = sql_in("report_id", ids)
    years = set(years)
    if years and not whole:
        predicate = f"{sql_in('report_year', years)} AND {predicate}"
    return predicate


class Curated:
    """The curated zone: Delta tables plus quarantine records, on one S3 endpoint."""

    def __init__(self, settings: Settings, store: ObjectStore) -> None:
        self.settings = settings
        self.store = store
        from tasks.store import delta_storage_options

        self.options = delta_storage_options(settings)
        self._tables: dict[str, Any] = {}
        # publish commits two tables at once (tasks.publish.COMMIT_STEPS): the counters are
        # shared; each table's DeltaTable is only ever used by one of them.
        self._count_lock = threading.Lock()
        self.opens = 0  # tables opened by this Curated (each once; refreshed after)
        self.commits = 0
        self.compactions = 0  # OPTIMIZE commits (no data change), apart from ``commits``

    @classmethod
    def from_settings(cls, settings: Settings) -> Curated:
        """The curated zone of the configured bucket, through the S3 object store."""
        from tasks.store import S3ObjectStore

        return cls(settings, S3ObjectStore.from_settings(settings))

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
            with self._count_lock:
                self.opens += 1
        else:
            dt.update_incremental()
        return dt

    def loaded_version(self, name: str) -> int | None:
        """The version of ``name`` as this ``Curated`` last read it (no refresh), if opened."""
        dt = self._tables.get(name)
        return None if dt is None else int(dt.version())

    def read(
        self,
        table: str,
        columns: list[str] | None = None,
        *,
        filters: list[Any] | None = None,
    ) -> pa.Table:
        """Rows of ``table`` (all, or those matching ``filters``), only ``columns``.

        ``columns``: only these (absent ones, from an older schema, are left out).
        ``filters`` (DNF tuples) are pushed down: partition terms select the partitions'
        files, the rest is checked against Parquet statistics before row groups are read.
        A batch's few rows in big partitions are read with ``select`` instead.
        """
        dt = self.table(table)
        if columns is not None:
            have = set(dt.schema().to_arrow().names)
            columns = [c for c in columns if c in have]
        where = None
        if filters is not None:
            from pyarrow.parquet import filters_to_expression

            where = filters_to_expression(filters)
        return dt.to_pyarrow_dataset().to_table(columns=columns, filter=where)

    def select(self, table: str, columns: list[str] | None, where: str) -> pa.Table:
        """``columns`` (None: all) of the rows of ``table`` matching the SQL predicate ``where``.

        For a batch's few rows in big partitions (the cross-year read, the ledger, the
        existing-report check). DataFusion (delta-rs's ``QueryBuilder``) prunes partitions
        and files from the log's statistics, then evaluates ``where`` on the tested columns
        while it reads and decodes the other columns only for matching rows; pyarrow's
        dataset scan decoded every projected column of a partition first (ADR 0008: 6x
        slower on a 100k-report table). Rows come back with the table's own Arrow types.
        """
        from deltalake import QueryBuilder

        dt = self.table(table)
        schema = pa.schema(dt.schema().to_arrow())
        columns = schema.names if columns is None else [c for c in columns if c in schema.names]
        listed = ", ".join(f'"{c}"' for c in columns)
        query = QueryBuilder().register(table, dt)
        # Not injectable: columns are the schema's names, ``where`` is built by ``sql_in``,
        # which quotes every literal it is given.
        sql = f'SELECT {listed} FROM "{table}" WHERE {where}'  # noqa: S608
        # Read through pyarrow's C-stream reader, not the returned reader's own ``read_all``:
        # deltalake 1.6's stream adapter fetches the next batch while holding the GIL
        # (measured: a counter thread got 7% of its ticks during ``read_all``, 97% this way),
        # which stalls every other thread of the worker, and deadlocks one whose storage
        # endpoint is served by a thread of the same process (the chaos-proxy tests).
        found = pa.RecordBatchReader.from_stream(query.execute(sql)).read_all()
        wanted = pa.schema([schema.field(c) for c in columns])
        return found.cast(wanted) if found.num_rows else wanted.empty_table()

    def outcomes(
        self, keys: Iterable[str] | None = None, *, create: bool = True
    ) -> dict[str, dict[str, Any]]:
        """key → its outcome row (the latest processed version of that key).

        With ``keys``, only those keys' rows are read (what a batch needs); without, the
        whole ledger (the audit). ``create=False``: a reader that must not write (``audit``)
        gets {} for a new bucket.
        """
        from deltalake.exceptions import TableNotFoundError

        wanted = None if keys is None else set(keys)
        if wanted is not None and not wanted:
            return {}
        try:
            if wanted is None:
                rows = self.read("outcomes").to_pylist()
            else:
                names = [f.name for f in TABLES["outcomes"].schema]
                rows = self.select("outcomes", names, sql_in("key", wanted)).to_pylist()
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

    def still_used(self, report_ids: set[str], batch_keys: set[str]) -> set[str]:
        """Which of ``report_ids`` an outcome outside the batch still points to."""
        if not report_ids:
            return set()
        where = sql_in("report_id", report_ids)
        if batch_keys:  # SQL has no empty IN list
            where += f" AND NOT {sql_in('key', batch_keys)}"
        return set(self.select("outcomes", ["report_id"], where)["report_id"].to_pylist())

    def existing_report_ids(self, ids: set[str], years: set[int]) -> set[str]:
        """Which of ``ids`` ``reports`` holds: only the batch's year partitions are read."""
        if not ids:
            return set()
        where = reports_in(ids, years)
        return set(self.select("reports", ["report_id"], where)["report_id"].to_pylist())

    def years_of(self, report_ids: set[str]) -> set[int]:
        """The partitions of published reports that only their id names (a replaced report).

        Rare (a key re-uploaded with other bytes), and the only read here not bounded by
        the batch's years: the report_id column of ``reports``, nothing else.
        """
        if not report_ids:
            return set()
        where = sql_in("report_id", report_ids)
        found = self.select("reports", ["report_year"], where)["report_year"].to_pylist()
        return {int(y) for y in found if y is not None}

    def replace(self, name: str, data: pa.Table, predicate: str, *, refresh: bool = True) -> None:
        """Replace the rows matching ``predicate`` by ``data``, in one Delta transaction.

        ``refresh=False``: commit on the snapshot last read (the caller's check was made on
        it), so a commit by another run since then fails this one instead of being ignored.
        """
        from deltalake import write_deltalake

        spec = TABLES[name]
        dt = None if refresh else self._tables.get(name)
        if dt is None:
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
        with self._count_lock:
            self.commits += 1

    def compact(self, name: str, years: Iterable[int] = ()) -> int:
        """Bin-pack the small files of ``name``'s year partitions among ``years`` that hold
        ``compact_min_files`` or more of them (a table without partitions: as one); one commit.

        What keeps a burst's reads and commits from growing run after run: each run adds a
        file per partition and table, and every later scan of the partition opens them all
        (docs/adr/0017-bursts.md). Returns the files removed (0: nothing was due). A
        compaction changes no rows (Delta ``OPTIMIZE``, no data change); a concurrent
        writer's conflicting commit raises ``CommitFailedError`` like any commit.
        """
        threshold = self.settings.compact_min_files
        if threshold <= 0:
            return 0
        target = self.settings.compaction_target_bytes
        dt = self.table(name)
        files = pa.table(dt.get_add_actions(flatten=True))
        sizes = files["size_bytes"].to_pylist()
        if "report_year" not in TABLES[name].partition_by:
            if sum(size < target for size in sizes) < threshold:
                return 0
            filters = None
        else:
            wanted = set(years)
            small: dict[int, int] = {}
            for year, size in zip(files["partition.report_year"].to_pylist(), sizes, strict=True):
                if year in wanted and size < target:
                    small[year] = small.get(year, 0) + 1
            due = sorted(str(y) for y, n in small.items() if n >= threshold)
            if not due:
                return 0
            filters = [("report_year", "in", due)]
        # One partition at a time: it runs inside a pipeline worker, beside the other stages,
        # whose memory budget it shares (the scheduled flow uses every core).
        metrics = dt.optimize.compact(
            partition_filters=filters, target_size=target, max_concurrent_tasks=1
        )
        self.compactions += 1
        return int(metrics.get("numFilesRemoved", 0))

    def previous_reports(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Report]:
        """Earlier published reports of the given (agency, year) pairs, for the cross-year rules."""
        return {pair: report for pair, (report, _) in self.reports_at(pairs).items()}

    def reports_at(
        self, pairs: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[Report, dict[str, Any]]]:
        """Published reports at (agency, year), rebuilt with their facts and text, and their row.

        Enough for the cross-year rules (facts, text, format); the row carries what the
        rebuilt report lacks (key, quality_status, ...)."""
        from govreports.contract.models import Fact, Region
        from govreports.contract.models import Report as ReportModel

        wanted = set(pairs)
        if not wanted:
            return {}
        agencies = sorted({a for a, _ in wanted})
        years = sorted({y for _, y in wanted})
        # Partition (year) and agency pushed down: only the batch's neighbouring years are read.
        # The light columns first: the text column is most of the table's bytes, and a batch
        # often has no neighbour on record (then it is never read).
        where = f"{sql_in('report_year', years)} AND {sql_in('agency', agencies)}"
        reports = self.select("reports", _PREVIOUS_COLUMNS, where).to_pylist()
        hits = {
            (r["agency"], r["report_year"]): r
            for r in reports
            if (r["agency"], r["report_year"]) in wanted
        }
        if not hits:
            return {}
        ids = sorted({r["report_id"] for r in hits.values()})
        hit_years = sorted({r["report_year"] for r in hits.values()})
        where = reports_in(ids, hit_years)
        texts = self.select("reports", ["report_id", "text"], where)
        text_of = dict(zip(texts["report_id"].to_pylist(), texts["text"].to_pylist(), strict=True))
        facts: dict[str, list[Fact]] = {}
        for f in self.select("facts", _FACT_COLUMNS, where).to_pylist():
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
                    source="ocr" if f.get("source") == "ocr" else "text",
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
                    text=text_of.get(r["report_id"]) or "",
                ),
                r,
            )
        return out


def _curated_from_settings(settings: Settings) -> Curated:
    from tasks.store import S3ObjectStore

    return Curated(settings, S3ObjectStore.from_settings(settings))
