"""The same backfill three ways in one run: in-process, LocalCluster 1 worker, 2 workers.

Not a test: it prints figures. Generated reports in the chosen file types (``--layouts``;
scanned PDFs: ``pdf_scan``, read by OCR) are uploaded to three buckets of one local S3 server; the
``backfill`` flow runs against a local Prefect server, once per way:

- in-process: every batch fetched, parsed and validated in this process;
- dask-1 / dask-2: a LocalCluster (processes, one thread each) of 1 or 2 workers, started and
  warmed (modules imported) before the clock starts; batches fan out over it in chunks.

Printed per way: wall time and throughput of the whole backfill, and of its parse-heavy share
(fetch + parse + validate wall time, i.e. all but publish and run bookkeeping); the speed-up of
2 workers over 1 on that share; the cluster's overhead per task:
(dask-1 parse-heavy wall - in-process parse-heavy wall) / chunk tasks.

    .venv/bin/python benchmarks/backfill_bench.py [--n 240] [--batch 120] [--chunk 10]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from govreports_cli import samples
from govreports_cli.runtime import embedded


def _warm() -> None:
    # What a worker pays once: the parser's and the suites' imports.
    import great_expectations  # noqa: F401

    import tasks.parse
    import tasks.validate  # noqa: F401


def _configure(env: dict[str, str], **extra: str) -> None:
    from govreports import settings as settings_module
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    os.environ.update({**env, **extra})
    settings_module.get_settings.cache_clear()
    s = settings_module.get_settings()
    S3ObjectStore.from_settings(s).ensure_bucket()
    Curated(s, S3ObjectStore.from_settings(s)).ensure_tables()


def _upload(docs: list[Path]) -> None:
    from govreports.settings import get_settings
    from tasks.store import S3ObjectStore

    store = S3ObjectStore.from_settings(get_settings())
    for path in docs:
        store.put(f"raw/bench/{path.name}", path.read_bytes())


def run_way(way: str, env: dict[str, str], docs: list[Path], batch: int) -> dict[str, Any]:
    from flows.backfill import backfill

    bucket = f"bench-{way}-{uuid.uuid4().hex[:8]}"
    common = {"GOVREPORTS_BUCKET": bucket, "GOVREPORTS_DATA_DOCS": "false"}
    with contextlib.ExitStack() as stack:
        if way == "in-process":
            _configure(env, **common, GOVREPORTS_DASK_MIN_OBJECTS=str(10**9))
            os.environ.pop("GOVREPORTS_DASK_ADDRESS", None)
        else:
            from distributed import Client, LocalCluster

            _configure(env, **common, GOVREPORTS_DASK_MIN_OBJECTS="1")
            from flows.ingest import local_cluster_kwargs
            from govreports.settings import get_settings

            # The cluster the flow would start (one thread a worker, OCR on one core each).
            kwargs = local_cluster_kwargs(get_settings())
            kwargs |= {"n_workers": int(way.removeprefix("dask-")), "memory_limit": "auto"}
            cluster = stack.enter_context(LocalCluster(**kwargs))
            with Client(cluster) as client:
                client.run(_warm)
            _configure(env, **common, GOVREPORTS_DASK_ADDRESS=cluster.scheduler_address)
        _upload(docs)
        start = time.perf_counter()
        summary = backfill(prefix="raw/bench/", batch_objects=batch)
        wall = time.perf_counter() - start
    outcomes = summary["published"] + summary["quarantined"]
    assert outcomes == len(docs), summary  # every object an outcome, or the figures mean nothing
    return {"wall": wall, "heavy": summary["seconds"]["fetch_parse_validate_wall"], **summary}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=240, help="reports (default 240)")
    ap.add_argument("--batch", type=int, default=120, help="objects per ingest run")
    ap.add_argument("--chunk", type=int, default=10, help="documents per parse task")
    ap.add_argument("--validate", type=int, default=200, help="reports per validation task")
    ap.add_argument(
        "--layouts",
        default=",".join(samples.LAYOUTS),
        help="comma-separated; add pdf_scan,pdf_table_images for scanned PDFs (OCR, seconds/page)",
    )
    args = ap.parse_args()
    layouts = tuple(args.layouts.split(","))
    print(
        f"N = {args.n} reports ({', '.join(layouts)}), batches of {args.batch}, "
        f"parse chunks of {args.chunk}, validation chunks of up to {args.validate}; "
        f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory() as tmp, embedded() as servers:
        env = servers.environment("unused")
        env["GOVREPORTS_DASK_CHUNK_OBJECTS"] = str(args.chunk)
        env["GOVREPORTS_DASK_VALIDATE_OBJECTS"] = str(args.validate)
        os.environ.update(env)  # before Prefect is imported: it reads its settings once
        docs = samples.generate(Path(tmp), args.n, seed=7, layouts=layouts)
        _warm()
        results = {
            way: run_way(way, env, docs, args.batch) for way in ("in-process", "dask-1", "dask-2")
        }
    batches = math.ceil(args.n / args.batch)
    parse_tasks = sum(
        math.ceil(min(args.batch, args.n - i) / args.chunk) for i in range(0, args.n, args.batch)
    )
    # Validation chunks hold whole agencies, up to --validate reports (at least one per batch).
    validate_tasks = sum(
        math.ceil(min(args.batch, args.n - i) / args.validate) for i in range(0, args.n, args.batch)
    )
    tasks_total = parse_tasks + validate_tasks
    print(f"\n{'way':<11} {'wall s':>7} {'obj/s':>7} {'parse-heavy s':>14} {'obj/s':>7}  outcomes")
    for way, r in results.items():
        print(
            f"{way:<11} {r['wall']:>7.1f} {args.n / r['wall']:>7.1f} {r['heavy']:>14.1f} "
            f"{args.n / r['heavy']:>7.1f}  published {r['published']} (fail {r['fail']}), "
            f"quarantined {r['quarantined']}"
        )
    for way, r in results.items():
        work = {k: v for k, v in r["seconds"].items() if k != "fetch_parse_validate_wall"}
        print(f"{way:<11} stage seconds (work, summed over chunks): {work}")
    one, two, local = results["dask-1"], results["dask-2"], results["in-process"]
    print(
        f"\nspeed-up 2 workers over 1, parse-heavy share: {one['heavy'] / two['heavy']:.2f}x "
        f"(target >= 1.6x); whole backfill: {one['wall'] / two['wall']:.2f}x"
    )
    print(f"speed-up 2 workers over in-process, whole backfill: {local['wall'] / two['wall']:.2f}x")
    overhead = (one["heavy"] - local["heavy"]) / tasks_total
    print(
        f"cluster overhead per task: {overhead * 1000:.0f} ms "
        f"({tasks_total} chunk tasks over {batches} batches; 1 worker vs in-process)"
    )
    publish = sum(r["seconds"].get("publish", 0.0) for r in (two,)) / batches
    print(f"publish (one commit set per batch, in the flow's process): {publish:.1f} s per batch")


if __name__ == "__main__":
    main()
