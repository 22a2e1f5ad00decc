"""Soak benchmark (not a test): thousands of uploads, some broken, an S3 outage in the middle.

Runs the embedded default (``govreports_cli.demo.local_pipeline``: local moto S3 server, local
Prefect server, watcher + warm worker in this process), uploads generated reports plus ~5%
broken files, freezes the S3 server (SIGSTOP, then SIGCONT: moto keeps its data, the
clients see a hung server) once during the uploads, and waits until every upload has an
outcome. Prints uploads, outcomes, duplicates (must be 0) and missing (must be 0), and times.

If some objects still have no outcome when the pipeline goes quiet, the numbers say so and
the reconcile flow (the scheduled safety net) is run once; both "missing" figures are shown.

    .venv/bin/python benchmarks/soak_bench.py --uploads 1000
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def broken_files(folder: Path, n: int) -> list[Path]:
    """``n`` broken uploads of a few kinds (each with distinct bytes, so distinct objects)."""
    rng = random.Random(7)
    kinds = [
        ("empty", ".txt", lambda i: b""),
        (
            "junk",
            ".txt",
            lambda i: bytes(rng.randrange(256) for _ in range(3000)) + bytes([i % 256]),
        ),
        ("letter", ".txt", lambda i: f"关于第{i}号事项的函\n特此函告。\n".encode()),
        ("corrupt", ".pdf", lambda i: b"%PDF-1.5\n" + os.urandom(2000)),
        ("notzip", ".docx", lambda i: b"PK\x03\x04" + os.urandom(500)),
        ("image", ".html", lambda i: b"\x89PNG\r\n\x1a\n" + os.urandom(300)),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        name, ext, make = kinds[i % len(kinds)]
        path = folder / f"broken-{i:04d}-{name}{ext}"
        path.write_bytes(make(i))
        out.append(path)
    return out


def moto_pid(endpoint: str) -> int:
    """The embedded S3 server is a child process of this one: find it by its port."""
    port = endpoint.rsplit(":", 1)[1].strip("/")
    me = os.getpid()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[1]) == me and b"moto.server" in cmd and port.encode() in cmd:
            return int(proc.name)
    raise RuntimeError(f"no moto server child on port {port}")


def wait_for_outcomes(curated: Any, uploads: dict[str, str], timeout: float, quiet: float) -> None:
    """Until every upload has an outcome at its etag, or nothing changed for ``quiet`` s."""
    start = last_change = time.perf_counter()
    done_before = -1
    while time.perf_counter() - start < timeout:
        try:
            outcomes = curated.outcomes()
        except Exception as exc:  # noqa: BLE001 - the store may still be recovering
            print(f"  (reading outcomes failed: {type(exc).__name__}; retrying)")
            time.sleep(2)
            continue
        done = sum(1 for k, e in uploads.items() if k in outcomes and outcomes[k]["etag"] == e)
        if done != done_before:
            print(f"  {time.perf_counter() - start:6.1f}s  outcomes {done}/{len(uploads)}")
            done_before, last_change = done, time.perf_counter()
        if done == len(uploads):
            break
        if time.perf_counter() - last_change > quiet:
            print(f"  no progress for {quiet:.0f}s: stopping the wait")
            break
        time.sleep(2)


def tally(curated: Any, uploads: dict[str, str]) -> dict[str, int]:
    outcomes_rows = curated.read("outcomes", columns=["key", "etag", "outcome"]).to_pylist()
    per_key = Counter(r["key"] for r in outcomes_rows)
    outcomes = {r["key"]: r for r in outcomes_rows}
    reports = curated.read("reports", columns=["report_id", "key"]).to_pylist()
    per_report = Counter(r["report_id"] for r in reports)
    facts = curated.read("facts", columns=["report_id", "table", "row", "column"]).to_pylist()
    per_fact = Counter(tuple(f.values()) for f in facts)
    got = {k: outcomes[k] for k, e in uploads.items() if k in outcomes and outcomes[k]["etag"] == e}
    return {
        "outcomes": len(got),
        "published": sum(1 for r in got.values() if r["outcome"] == "published"),
        "quarantined": sum(1 for r in got.values() if r["outcome"] == "quarantined"),
        "missing": len(uploads) - len(got),
        "duplicate_outcome_rows": sum(n - 1 for n in per_key.values() if n > 1),
        "duplicate_report_rows": sum(n - 1 for n in per_report.values() if n > 1),
        "duplicate_fact_rows": sum(n - 1 for n in per_fact.values() if n > 1),
        "report_rows": len(reports),
    }


def flow_run_states(api_deployment: str) -> Counter[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    with get_client(sync_client=True) as client:
        dep = client.read_deployment_by_name(api_deployment)
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])), limit=200
        )
        states: Counter[str] = Counter(
            str(r.state_type.value if r.state_type else "?") for r in runs
        )
        offset = 200
        while len(runs) == 200:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])),
                limit=200,
                offset=offset,
            )
            states.update(str(r.state_type.value if r.state_type else "?") for r in runs)
            offset += 200
    return states


def main() -> int:  # noqa: PLR0915
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--uploads", type=int, default=2000, help="total uploads (default 2000)")
    p.add_argument("--broken", type=float, default=0.05, help="share of broken files (0.05)")
    p.add_argument("--outage-seconds", type=float, default=5.0, help="S3 frozen this long (5)")
    p.add_argument("--outage-at", type=float, default=0.5, help="after this share of uploads")
    p.add_argument("--threads", type=int, default=8, help="uploading threads (8)")
    p.add_argument("--timeout", type=float, default=1800, help="wait for outcomes at most (s)")
    p.add_argument("--quiet", type=float, default=90, help="give up after no progress for (s)")
    p.add_argument("--seed", type=int, default=2027)
    args = p.parse_args()

    from govreports_cli.demo import local_pipeline
    from govreports_cli.samples import generate

    work = Path(tempfile.mkdtemp(prefix="govreports-soak-"))
    n_broken = round(args.uploads * args.broken)
    t0 = time.perf_counter()
    files = generate(
        work / "good",
        n=args.uploads - n_broken,
        seed=args.seed,
        layouts=("txt_flat", "txt_pipe", "html"),
    )
    files += broken_files(work / "broken", n_broken)
    random.Random(args.seed).shuffle(files)  # the broken ones spread through the run
    print(f"generated {len(files)} files ({n_broken} broken) in {time.perf_counter() - t0:.1f}s")

    t0 = time.perf_counter()
    with local_pipeline() as pipe:
        boot = time.perf_counter() - t0
        print(f"embedded pipeline up in {boot:.1f}s: S3 {pipe.settings.s3_endpoint_url}")
        pid = moto_pid(pipe.settings.s3_endpoint_url)
        uploads: dict[str, str] = {}
        lock = threading.Lock()
        outage_after = int(len(files) * args.outage_at)
        outage: dict[str, float] = {}

        def upload(path: Path) -> None:
            key = f"{pipe.settings.raw_prefix}{path.parent.name}/{path.name}"
            ref = pipe.store.put(key, path.read_bytes())
            with lock:
                uploads[key] = ref.etag

        def freeze() -> None:
            outage["start"] = time.perf_counter()
            os.kill(pid, signal.SIGSTOP)
            print(f"  S3 server (pid {pid}) frozen for {args.outage_seconds:.0f}s")
            time.sleep(args.outage_seconds)
            os.kill(pid, signal.SIGCONT)
            outage["end"] = time.perf_counter()
            print("  S3 server continued")

        first_upload = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(upload, files[:outage_after]))
            freezer = threading.Thread(target=freeze)
            freezer.start()
            list(pool.map(upload, files[outage_after:]))
        freezer.join()
        upload_seconds = time.perf_counter() - first_upload
        print(f"uploaded {len(uploads)} objects in {upload_seconds:.1f}s")

        wait_for_outcomes(pipe.curated, uploads, args.timeout, args.quiet)
        since_first = time.perf_counter() - first_upload
        before = tally(pipe.curated, uploads)
        reconciled = None
        if before["missing"]:
            from flows.reconcile import reconcile

            print(f"{before['missing']} uploads without an outcome: running reconcile once")
            reconciled = reconcile(mode="inline")
            after = tally(pipe.curated, uploads)
        else:
            after = before
        pipe.stop.set()  # stop the watcher and worker before reading the run states
        time.sleep(1)
        states = flow_run_states(pipe.settings.ingest_deployment)

    print()
    print("soak result")
    print(f"  uploads                 {len(uploads)}  ({n_broken} broken)")
    print(
        f"  outcomes                {after['outcomes']}  "
        f"(published {after['published']}, quarantined {after['quarantined']})"
    )
    print(
        f"  duplicates              {after['duplicate_report_rows']} report rows, "
        f"{after['duplicate_outcome_rows']} outcome rows, {after['duplicate_fact_rows']} fact rows"
    )
    print(
        f"  missing                 {after['missing']}"
        + (f"  (before reconcile: {before['missing']})" if reconciled else "")
    )
    print(
        f"  S3 outage               {outage.get('end', 0) - outage.get('start', 0):.1f}s (SIGSTOP)"
    )
    print(f"  ingest runs             {dict(states)}")
    print(
        f"  times                   boot {boot:.1f}s, uploads {upload_seconds:.1f}s, "
        f"all outcomes {since_first:.1f}s after the first upload "
        f"({len(uploads) / since_first:.1f} objects/s)"
    )
    ok = not after["missing"] and not any(v for k, v in after.items() if k.startswith("duplicate"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
