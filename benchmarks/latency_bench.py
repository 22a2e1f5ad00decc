"""Upload-to-visible latency and burst throughput on the embedded default.

Not a test: it prints figures. 20 single uploads one after another (each timed
from put_object until its outcome is committed), then a burst of 500 uploads
(timed from the first put until the last outcome).

Polling costs CPU the pipeline needs (2 cores): the bench refreshes the ``outcomes``
table's log every ``--poll`` seconds (0.1; one LIST of new log entries) and reads the
ledger only when its version moved, and then only the keys still waited for.

    .venv/bin/python benchmarks/latency_bench.py [--singles 20] [--burst 500] [--poll 0.1]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=20)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between log checks")
    args = parser.parse_args()

    from govreports_cli.samples import generate

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
        with local_pipeline() as pipe:
            print(
                f"embedded default ready in {time.perf_counter() - t0:.1f}s; "
                f"polling the outcomes log every {args.poll}s"
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
                latencies.sort()
                p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
                print(
                    f"single uploads: n={len(latencies)} "
                    f"median {statistics.median(latencies):.2f}s "
                    f"p95 {p95:.2f}s min {latencies[0]:.2f}s max {latencies[-1]:.2f}s"
                )
                print_runs(pipe, "single-upload runs")
            wanted: dict[str, str] = {}
            start = time.perf_counter()
            for i, path in enumerate(burst):
                key = f"{pipe.settings.raw_prefix}burst/{i}-{path.name}"
                wanted[key] = pipe.store.put(key, path.read_bytes()).etag
            uploaded = time.perf_counter() - start
            done = wait_outcomes(pipe.curated, wanted, 900, args.poll) - start
            print(
                f"burst: {len(burst)} uploads in {uploaded:.1f}s, all outcomes after {done:.1f}s "
                f"({len(burst) / done:.1f} objects/s)"
            )
            print_runs(pipe, "all runs")


if __name__ == "__main__":
    main()
