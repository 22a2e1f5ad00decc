"""Upload-to-visible latency and burst throughput on the embedded default, per ingestion mode.

Not a test: it prints figures. 20 single uploads one after another (each timed
from put_object until its outcome is committed), then a burst of 500 uploads
(timed from the first put until the last outcome).

Modes (docs/adr/0016-task-workers.md), each in its own child process with fresh servers, one
after the other in the same invocation, so both see the same machine state:

* ``task``: the watcher creates ``ingest_batch`` background task runs (``.delay``), served by
  one Prefect task worker process (``--task-workers``), the standard mechanism;
* ``warm``: the watcher creates ``ingest/ingest`` deployment runs, run by the home-made warm
  worker (flows/worker.py, ADR 0001) in the bench's process.

With ``--rounds 2`` the order is reversed in the second round (warm task task warm), so a
load trend does not favour one mode. The load average is printed before and after each mode.

Polling costs CPU the pipeline needs (2 cores): the bench refreshes the ``outcomes``
table's log every ``--poll`` seconds (0.1; one LIST of new log entries) and reads the
ledger only when its version moved, and then only the keys still waited for.

    .venv/bin/python benchmarks/latency_bench.py [--modes warm,task] [--rounds 1]
        [--singles 20] [--burst 500] [--poll 0.1] [--task-workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from govreports_cli.demo import local_pipeline


def wait_outcomes(  # type: ignore[no-untyped-def]
    curated, wanted: dict[str, str], timeout: float, poll: float
) -> float:
    from deltalake.exceptions import TableNotFoundError

    remaining = dict(wanted)
    seen = -1
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            version = curated.table("outcomes").version()  # refreshed from the log only
        except TableNotFoundError:
            version = -1
        if version != seen:
            seen = version
            known = curated.outcomes(remaining)
            for k in [k for k, e in remaining.items() if k in known and known[k]["etag"] == e]:
                del remaining[k]
            if not remaining:
                return time.perf_counter()
        time.sleep(poll)
    raise TimeoutError(f"{len(remaining)} objects still without outcome after {timeout}s")


def print_runs(pipe, label: str) -> None:  # type: ignore[no-untyped-def]
    """Median stage seconds and commits of the runs so far, from the quality trend file."""
    time.sleep(3)  # the last run's quality report is written after its outcomes
    runs = pipe.store.get_json(f"{pipe.settings.quality_prefix}runs.json") or []
    if not runs:
        return
    stages: dict[str, list[float]] = {}
    for run in runs:
        for stage, seconds in (run.get("seconds") or {}).items():
            stages.setdefault(stage, []).append(float(seconds))
    split = ", ".join(
        f"{k} {statistics.median(v):.2f}s (max {max(v):.2f}s, sum {sum(v):.1f}s)"
        for k, v in stages.items()
    )
    commits = [int(r.get("commits", 0)) for r in runs]
    attempts = [int(r.get("commit_attempts", 0)) for r in runs]
    print(
        f"{label}: {len(runs)} runs; median stage seconds {split}; "
        f"commits per run median {statistics.median(commits):.0f}, max {max(commits)}; "
        f"publish attempts (conflict retries + 1) total {sum(attempts)}, max {max(attempts)}"
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    """One mode on fresh embedded servers, in this process: the figures as a dict."""
    from govreports_cli.samples import generate

    via = "task" if mode == "task" else "deployment"
    figures: dict[str, Any] = {"mode": mode}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [
            p
            for p in generate(
                folder,
                n=args.singles + args.burst,
                seed=7,
                layouts=("txt_flat", "txt_pipe", "html"),
            )
            if not p.name.endswith(".truth.json")
        ]
        singles, burst = files[: args.singles], files[args.singles : args.singles + args.burst]
        t0 = time.perf_counter()
        with local_pipeline(via=via, task_workers=args.task_workers) as pipe:
            figures["ready_seconds"] = time.perf_counter() - t0
            print(
                f"[{mode}] embedded default ready in {figures['ready_seconds']:.1f}s "
                f"(ingest via {pipe.settings.ingest_via}); "
                f"polling the outcomes log every {args.poll}s",
                flush=True,
            )
            latencies = []
            for i, path in enumerate(singles):
                key = f"{pipe.settings.raw_prefix}single/{i}-{path.name}"
                start = time.perf_counter()
                ref = pipe.store.put(key, path.read_bytes())
                latencies.append(
                    wait_outcomes(pipe.curated, {key: ref.etag}, 120, args.poll) - start
                )
            if latencies:
                figures["singles"] = latencies
                print(
                    f"[{mode}] single uploads: n={len(latencies)} "
                    f"median {statistics.median(latencies):.2f}s "
                    f"p95 {p95(latencies):.2f}s min {min(latencies):.2f}s "
                    f"max {max(latencies):.2f}s; sorted "
                    + " ".join(f"{x:.2f}" for x in sorted(latencies)),
                    flush=True,
                )
                print_runs(pipe, f"[{mode}] single-upload runs")
            if burst:
                wanted: dict[str, str] = {}
                start = time.perf_counter()
                for i, path in enumerate(burst):
                    key = f"{pipe.settings.raw_prefix}burst/{i}-{path.name}"
                    wanted[key] = pipe.store.put(key, path.read_bytes()).etag
                uploaded = time.perf_counter() - start
                done = wait_outcomes(pipe.curated, wanted, 900, args.poll) - start
                figures["burst"] = {"n": len(burst), "uploaded": uploaded, "done": done}
                print(
                    f"[{mode}] burst: {len(burst)} uploads in {uploaded:.1f}s, all outcomes "
                    f"after {done:.1f}s ({len(burst) / done:.1f} objects/s)",
                    flush=True,
                )
                print_runs(pipe, f"[{mode}] all runs")
    return figures


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_child(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    """``measure`` in a child process: fresh servers and a fresh Prefect client per mode."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--out",
            out.name,
            "--singles",
            str(args.singles),
            "--burst",
            str(args.burst),
            "--poll",
            str(args.poll),
            "--task-workers",
            str(args.task_workers),
        ]
        before = load()
        subprocess.run(cmd, check=True)  # noqa: S603 - this script, our arguments
        figures: dict[str, Any] = json.loads(Path(out.name).read_text())
        figures["load"] = (before, load())
        print(f"[{mode}] load average before {before}, after {figures['load'][1]}", flush=True)
        return figures


def report(results: list[dict[str, Any]]) -> None:
    print("\nmode  round  singles median  p95    burst all outcomes  load avg (1/5/15 min) before")
    by_mode: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_mode.setdefault(r["mode"], []).append(r)
        s = r.get("singles") or [float("nan")]
        b = r.get("burst", {}).get("done", float("nan"))
        print(
            f"{r['mode']:<5} {r['round']:>5}  {statistics.median(s):>13.2f}s  {p95(s):.2f}s  "
            f"{b:>18.1f}s  {r['load'][0]}"
        )
    if {"task", "warm"} <= set(by_mode):

        def pooled(mode: str) -> tuple[float, float, float]:
            lat = [x for r in by_mode[mode] for x in r.get("singles", [])]
            bursts = [r["burst"]["done"] for r in by_mode[mode] if "burst" in r]
            med = statistics.median(lat) if lat else float("nan")
            return med, p95(lat) if lat else float("nan"), statistics.median(bursts or [0.0])

        task, warm = pooled("task"), pooled("warm")
        print(
            f"task / warm (all rounds pooled): singles median {task[0]:.2f}s / {warm[0]:.2f}s "
            f"= {task[0] / warm[0]:.2f}x; p95 {task[1]:.2f}s / {warm[1]:.2f}s = "
            f"{task[1] / warm[1]:.2f}x; burst {task[2]:.1f}s / {warm[2]:.1f}s = "
            f"{(task[2] / warm[2]) if warm[2] else float('nan'):.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--modes", default="warm,task", help="comma-separated: warm, task")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--singles", type=int, default=20)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between log checks")
    parser.add_argument("--task-workers", type=int, default=1)
    parser.add_argument("--child", choices=("warm", "task"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = measure(args, args.child)
        Path(args.out).write_text(json.dumps(figures))
        return
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = set(modes) - {"warm", "task"}
    if unknown:
        parser.error(f"unknown modes {sorted(unknown)}")
    print(f"{os.cpu_count()} cores; load average {load()}", flush=True)
    results = []
    for r in range(args.rounds):
        for mode in modes if r % 2 == 0 else modes[::-1]:
            figures = run_child(args, mode)
            figures["round"] = r + 1
            results.append(figures)
    report(results)


if __name__ == "__main__":
    main()
