"""Per-report publish cost as the curated tables grow: 1k, 10k, 100k reports already there.

Not a test: it prints figures. For each size a fresh bucket on the embedded S3 server is
pre-seeded with that many synthetic reports, written directly with deltalake in large
commits (as a compacted table looks): ``reports``/``clean`` rows, ~200 ``facts`` and ~15
``rule_results`` per report, one ``outcomes`` row each, years spread over 2010–2024; then
the tables are maintained as the scheduled ``maintenance`` flow keeps them (compaction and
a checkpoint: ``tasks.maintenance.maintain_table``; ``--unmaintained`` skips it, leaving
the seeding's files: one per partition per 25k reports). Then
the same 200-report batch (years 2023 and 2024; every agency of it has its previous year
seeded, so the cross-year read finds 200 reports at every size) is published, three rounds
with other bytes, the best kept; timed are the parts a run pays: the cross-year read
validation does, and the publish itself (ledger read, existing-report check, the five
commits). Printed per report, with the ratio to the smallest size, and the Delta tables
opened and commits made.

    .venv/bin/python benchmarks/flat_cost_bench.py [--sizes 1000 10000 100000] [--batch 200]
        [--unmaintained]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from govreports.contract.tables import FACTS, OUTCOMES, REPORTS, RULE_RESULTS
from govreports.settings import Settings
from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET, start_s3
from tasks.delta import Curated
from tasks.maintenance import maintain_table, table_names
from tasks.publish import publish_batch
from tasks.rows import Verdicted
from tasks.store import ObjectRef, S3ObjectStore, delta_storage_options
from tests.support.validation_examples import report_2021

YEARS = np.arange(2010, 2025, dtype=np.int32)
FACTS_PER_REPORT = 200
RULES_PER_REPORT = 15
SEED_CHUNK = 25_000  # reports per seeding commit
ROUNDS = 3


def _rid(prefix: str, i: int) -> str:
    return hashlib.sha256(f"{prefix}:{i}".encode()).hexdigest()


def _agency(i: int) -> str:
    return f"合成市第{i}局"


def seed(settings: Settings, n: int, batch: int) -> None:
    """Write ``n`` synthetic reports into every curated table, in commits of SEED_CHUNK."""
    from deltalake import write_deltalake

    opts = delta_storage_options(settings)
    now = datetime.now(UTC)
    for lo in range(0, n, SEED_CHUNK):
        idx = np.arange(lo, min(n, lo + SEED_CHUNK))
        m = len(idx)
        ids = pa.array([_rid("seed", int(i)) for i in idx])
        # The first ``batch`` rows are the batch agencies' previous years (found at every
        # size); the rest are other agencies, one report a year, spread over 2010-2024.
        year_of = np.where(idx < batch, 2022 + idx % 2, YEARS[idx % len(YEARS)]).astype(np.int32)
        years = pa.array(year_of)
        agencies = pa.array(
            [_agency(int(i)) if i < batch else f"其他市第{int(i) // len(YEARS)}局" for i in idx]
        )
        keys = pa.array([f"raw/seed/{int(i)}.txt" for i in idx])
        reports = {
            "report_id": ids,
            "report_year": years,
            "agency": agencies,
            "title": pc.binary_join_element_wise(agencies, pa.scalar("年度报告"), ""),
            "format": pa.array(["2021"] * m),
            "key": keys,
            "etag": ids,
            "quality_status": pa.array(["pass"] * m),
            "text": pa.array(["合成报告正文。" * 40] * m),
            "applications_received": pa.array(idx.astype(np.int64) % 500),
        }
        table = pa.table(
            {f.name: reports.get(f.name, pa.nulls(m, f.type)).cast(f.type) for f in REPORTS}
        )
        write_deltalake(
            settings.table_uri("reports"),
            table,
            mode="append",
            storage_options=opts,
            partition_by=["report_year"],
        )
        write_deltalake(
            settings.table_uri("clean"),
            table,
            mode="append",
            storage_options=opts,
            partition_by=["report_year"],
        )
        k = FACTS_PER_REPORT
        values = (np.arange(m * k) % 997).astype(np.float64)
        facts = {
            "report_id": pc.take(ids, pa.array(np.repeat(np.arange(m), k))),
            "report_year": pa.array(np.repeat(year_of, k)),
            "table": pa.array(np.tile(np.array([f"t{j % 7}" for j in range(k)]), m)),
            "row": pa.array(np.tile(np.array([f"row{j}" for j in range(k)]), m)),
            "column": pa.array(np.tile(np.array(["total", "natural"] * (k // 2)), m)),
            "value": pa.array(values),
            "unit": pa.array(["件"] * (m * k)),
            "approximate": pa.array(np.zeros(m * k, dtype=bool)),
            "raw": pc.cast(pa.array(values.astype(np.int64)), pa.string()),
            "line": pa.array(np.tile(np.arange(k, dtype=np.int32), m)),
            "source": pa.array(["text"] * (m * k)),
        }
        write_deltalake(
            settings.table_uri("facts"),
            pa.table({f.name: facts[f.name].cast(f.type) for f in FACTS}),
            mode="append",
            storage_options=opts,
            partition_by=["report_year"],
        )
        r = RULES_PER_REPORT
        rules = {
            "report_id": pc.take(ids, pa.array(np.repeat(np.arange(m), r))),
            "report_year": pa.array(np.repeat(year_of, r)),
            "rule_id": pa.array(np.tile(np.array([f"R{j + 1}" for j in range(r)]), m)),
            "severity": pa.array(["error"] * (m * r)),
            "passed": pa.array(np.ones(m * r, dtype=bool)),
        }
        write_deltalake(
            settings.table_uri("rule_results"),
            pa.table(
                {
                    f.name: rules.get(f.name, pa.nulls(m * r, f.type)).cast(f.type)
                    for f in RULE_RESULTS
                }
            ),
            mode="append",
            storage_options=opts,
            partition_by=["report_year"],
        )
        outcomes = {
            "key": keys,
            "etag": ids,
            "last_modified": pa.array([now] * m),
            "outcome": pa.array(["published"] * m),
            "report_id": ids,
            "stage": pa.array(["publish"] * m),
            "run_id": pa.array(["seed"] * m),
            "at": pa.array([now] * m),
        }
        write_deltalake(
            settings.table_uri("outcomes"),
            pa.table(
                {f.name: outcomes.get(f.name, pa.nulls(m, f.type)).cast(f.type) for f in OUTCOMES}
            ),
            mode="append",
            storage_options=opts,
        )


def the_batch(size: int, round_: int = 0) -> list[Verdicted]:
    """The same ``size`` reports at every table size: agencies 0.. with a seeded year before.

    ``round_`` gives other bytes (other report ids and keys) for the same agencies and years.
    """
    items = []
    for i in range(size):
        year = 2023 + i % 2
        rep = report_2021(_rid(f"batch{round_}", i), agency=_agency(i), year=year)
        ref = ObjectRef(f"raw/batch{round_}/{i}.txt", f"etag-{i}", 1000, datetime.now(UTC))
        items.append(Verdicted(rep, ref, "pass"))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--unmaintained", action="store_true", help="skip compaction after seeding")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        s3 = start_s3(Path(tmp))
        try:
            rows = []
            for n in args.sizes:
                settings = Settings(
                    s3_endpoint_url=s3.url,
                    aws_access_key_id=LOCAL_KEY,  # type: ignore[arg-type]
                    aws_secret_access_key=LOCAL_SECRET,  # type: ignore[arg-type]
                    bucket=f"flat-{uuid.uuid4().hex[:8]}",
                    data_docs=False,
                )
                store = S3ObjectStore.from_settings(settings)
                store.ensure_bucket()
                curated = Curated(settings, store)
                curated.ensure_tables()
                t0 = time.perf_counter()
                seed(settings, n, args.batch)
                seeded = time.perf_counter() - t0
                files = 0
                for table in table_names():
                    if not args.unmaintained:
                        maintain_table(settings, table, vacuum=False)
                    files += len(curated.table(table).file_uris())
                # Best of ROUNDS runs (other bytes each round, same agencies and years): the
                # machine is shared, and the minimum is the cost, the rest is waiting.
                cross_year = publish = float("inf")
                for round_ in range(ROUNDS):
                    items = the_batch(args.batch, round_)
                    pairs = {
                        (str(it.report.agency), (it.report.report_year or 0) - 1) for it in items
                    }
                    run = Curated(settings, store)  # what one run uses: each table opened once
                    t0 = time.perf_counter()
                    previous = run.previous_reports(pairs)
                    cross_year = min(cross_year, time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    result = publish_batch(run, items, [], None, "bench")
                    publish = min(publish, time.perf_counter() - t0)
                    assert len(result.published) == args.batch, result
                rows.append((n, seeded, cross_year, publish, len(previous)))
                print(
                    f"{n:>7} reports seeded in {seeded:5.1f}s ({files} files) | cross-year read "
                    f"{1000 * cross_year / args.batch:6.1f} ms/report ({len(previous)} found) | "
                    f"publish {1000 * publish / args.batch:6.1f} ms/report | "
                    f"{getattr(run, 'opens', '?')} opens, {getattr(run, 'commits', '?')} commits",
                    flush=True,
                )
            base = rows[0]
            state = "unmaintained" if args.unmaintained else "maintained"
            print(
                f"\nbatch of {args.batch} reports, tables {state}; "
                f"per-report cost relative to {base[0]} reports:"
            )
            for n, _, cross, pub, _ in rows:
                print(
                    f"{n:>7}: cross-year read ×{cross / base[2]:.2f}, "
                    f"publish ×{pub / base[3]:.2f}, "
                    f"both ×{(cross + pub) / (base[2] + base[3]):.2f}"
                )
        finally:
            s3.stop()


if __name__ == "__main__":
    main()
