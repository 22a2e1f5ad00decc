"""What the quality site costs as the dataset grows: after a run, and rebuilt whole.

Not a test: it prints figures. For each size a fresh bucket on the embedded S3 server is
seeded with that many synthetic reports (5% ``fail`` with two failing rule results each,
the rest ``pass``; 50 facts and 15 rule results per report; a normalized text of ~120
lines; one ``outcomes`` row each, 1% quarantined), written directly with deltalake in a
few large commits. Then timed, best of three:

* after a run: ``write_site`` for a run of 20 reports (2 of them failing): the overview
  from light columns of every report, the run's report pages (rule results, text and
  facts read for those ids only) and its run page, uploaded;
* full rebuild (``govreports review site``): every failing report's page.

Printed: seconds, pages written, and the ratio to the smallest size.

    .venv/bin/python benchmarks/site_bench.py [--sizes 1000 10000]
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

from govreports.contract.tables import FACTS, OUTCOMES, REPORTS, RULE_RESULTS
from govreports.settings import Settings
from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET, start_s3
from tasks.delta import Curated
from tasks.quality.site import write_site
from tasks.store import S3ObjectStore, delta_storage_options

FACTS_PER_REPORT = 50
RULES_PER_REPORT = 15
TEXT = "\n".join(f"第{i}行 合成报告正文，数字 {i} 件。" for i in range(120))
PROVINCES = ["福建省", "江苏省", "浙江省", "广东省", "四川省"]
ROUNDS = 3
RUN = 20


def _rid(i: int) -> str:
    return hashlib.sha256(f"site:{i}".encode()).hexdigest()


def _table(schema: pa.Schema, cols: dict[str, pa.Array], m: int) -> pa.Table:
    return pa.table({f.name: cols.get(f.name, pa.nulls(m, f.type)).cast(f.type) for f in schema})


def seed(settings: Settings, n: int) -> None:
    from deltalake import write_deltalake

    opts = delta_storage_options(settings)
    idx = np.arange(n)
    ids = [_rid(int(i)) for i in idx]
    failing = idx % 20 == 0  # 5%, report 0 (in the run) among them
    years = (2010 + idx % 15).astype(np.int32)
    status = np.where(failing, "fail", "pass")
    run_of = np.where(idx < RUN, "run-last", "run-old")
    reports = {
        "report_id": pa.array(ids),
        "report_year": pa.array(years),
        "agency": pa.array([f"合成市第{i}局" for i in idx]),
        "title": pa.array([f"合成市第{i}局年度报告" for i in idx]),
        "format": pa.array(np.where(years >= 2021, "2021", "2019")),
        "province": pa.array([PROVINCES[i % len(PROVINCES)] for i in idx]),
        "key": pa.array([f"raw/site/{i}.txt" for i in idx]),
        "etag": pa.array(ids),
        "run_id": pa.array(run_of),
        "quality_status": pa.array(status),
        "failed_rules": pa.array([["R1", "R4"] if f else [] for f in failing]),
        "warned_rules": pa.array([[] for _ in idx], pa.list_(pa.string())),
        "notes": pa.array([[] for _ in idx], pa.list_(pa.string())),
        "text": pa.array([TEXT] * n),
    }
    table = _table(REPORTS, reports, n)
    for name in ("reports", "clean"):
        write_deltalake(
            settings.table_uri(name), table, mode="append", storage_options=opts,
            partition_by=["report_year"],
        )  # fmt: skip
    k = FACTS_PER_REPORT
    facts = {
        "report_id": pa.array(np.repeat(ids, k)),
        "report_year": pa.array(np.repeat(years, k)),
        "table": pa.array(["applications"] * (n * k)),
        "row": pa.array(np.tile([f"row{j}" for j in range(k)], n)),
        "column": pa.array(["total"] * (n * k)),
        "value": pa.array((np.arange(n * k) % 97).astype(np.float64)),
        "raw": pa.array(["7"] * (n * k)),
        "line": pa.array(np.tile(np.arange(1, k + 1, dtype=np.int32), n)),
    }
    write_deltalake(
        settings.table_uri("facts"), _table(FACTS, facts, n * k), mode="append",
        storage_options=opts, partition_by=["report_year"],
    )  # fmt: skip
    r = RULES_PER_REPORT
    passed = np.ones(n * r, dtype=bool)
    passed[np.repeat(failing, r) & (np.tile(np.arange(r), n) < 2)] = False
    rules = {
        "report_id": pa.array(np.repeat(ids, r)),
        "report_year": pa.array(np.repeat(years, r)),
        "rule_id": pa.array(np.tile([f"R{j + 1}" for j in range(r)], n)),
        "severity": pa.array(["error"] * (n * r)),
        "passed": pa.array(passed),
        "observed": pa.array(["1+2=3"] * (n * r)),
        "expected": pa.array(["=4"] * (n * r)),
        "detail": pa.array(["synthetic"] * (n * r)),
        "line": pa.array(np.tile(np.arange(1, r + 1, dtype=np.int32), n)),
    }
    write_deltalake(
        settings.table_uri("rule_results"), _table(RULE_RESULTS, rules, n * r), mode="append",
        storage_options=opts, partition_by=["report_year"],
    )  # fmt: skip
    now = datetime.now(UTC)
    quarantined = idx % 100 == 1
    outcomes = {
        "key": pa.array([f"raw/site/{i}.txt" for i in idx]),
        "etag": pa.array(ids),
        "outcome": pa.array(np.where(quarantined, "quarantined", "published")),
        "report_id": pa.array(ids),
        "stage": pa.array(np.where(quarantined, "parse", "publish")),
        "reason": pa.array(np.where(quarantined, "empty: the file is empty", None)),
        "run_id": pa.array(run_of),
        "at": pa.array([now] * n),
    }
    write_deltalake(
        settings.table_uri("outcomes"), _table(OUTCOMES, outcomes, n), mode="append",
        storage_options=opts,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    args = parser.parse_args()
    runs = [{"run_id": f"run-{i}", "at": "2026-12-01T00:00:00", "pass": i} for i in range(50)]
    runs.append({"run_id": "run-last", "at": "2026-12-02T00:00:00", "pass": 18, "fail": 2})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        s3 = start_s3(Path(tmp))
        try:
            for n in args.sizes:
                settings = Settings(
                    s3_endpoint_url=s3.url,
                    aws_access_key_id=LOCAL_KEY,  # type: ignore[arg-type]
                    aws_secret_access_key=LOCAL_SECRET,  # type: ignore[arg-type]
                    bucket=f"site-{uuid.uuid4().hex[:8]}",
                )
                store = S3ObjectStore.from_settings(settings)
                store.ensure_bucket()
                Curated(settings, store).ensure_tables()
                t0 = time.perf_counter()
                seed(settings, n)
                seeded = time.perf_counter() - t0
                after = full = float("inf")
                run_ids = [_rid(i) for i in range(RUN)]
                for _ in range(ROUNDS):
                    t0 = time.perf_counter()
                    pages = write_site(
                        Curated(settings, store), report_ids=run_ids, run_ids=["run-last"],
                        runs=runs,
                    )  # fmt: skip
                    after = min(after, time.perf_counter() - t0)
                    after_pages = len(pages)
                for _ in range(ROUNDS):
                    t0 = time.perf_counter()
                    pages = write_site(Curated(settings, store), runs=runs)
                    full = min(full, time.perf_counter() - t0)
                    full_pages = len(pages)
                rows.append((n, after, full))
                print(
                    f"{n:>7} reports (seeded in {seeded:4.1f}s) | after a run of {RUN}: "
                    f"{after:5.2f}s, {after_pages} files | full rebuild: {full:6.2f}s, "
                    f"{full_pages} files",
                    flush=True,
                )
        finally:
            s3.stop()
    base = rows[0]
    print(f"\nrelative to {base[0]} reports:")
    for n, after, full in rows:
        print(f"{n:>7}: after a run ×{after / base[1]:.2f}, full rebuild ×{full / base[2]:.2f}")


if __name__ == "__main__":
    main()
