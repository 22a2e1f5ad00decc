"""A burst of uploads on the embedded default against parse-only throughput on the same files.

Not a test: it prints figures. Generates ``--n`` sample reports (text and HTML: the layouts
txt_flat, txt_pipe and html in turn, so 2/3 text and 1/3 HTML), then, in the same run:

1. parse-only: ``tasks.parse.parse_document`` over every file, one process, one core, no
   isolation child (the parser's own throughput: what the issue's ratio is measured against);
2. the burst: every file uploaded to the embedded default (``local_pipeline``: local S3 server,
   local Prefect server, warm worker and watcher in this process) as fast as 8 threads put
   them, timed from the first put until the last object's outcome is in the ledger;
3. parse-only again once the servers are stopped (``--no-parse-after`` skips it): this
   machine's speed moves by up to a third within the hour, and the two figures show by how
   much it moved around the burst. The second pass also finds the parser's caches warm (the
   first pays their first use, which weighs at a small ``--n``: +67% at 300). The ratio is
   still the one against the first.

It prints both throughputs and their ratio, the stage split summed over runs (from each run's
summary), runs, commits per run, the task worker process's own peak resident memory (what
the issue's "worker under 1 GB" is about), the peak of the pipeline's processes together (this
one: watcher and the bench's polling; every descendant: task worker processes, their parse
isolation children, Dask LocalCluster workers), by process at the peak, and the CPU seconds
each role used during the burst; the S3 and Prefect servers (and their children) apart.

    .venv/bin/python benchmarks/burst_bench.py [--n 10000] [--poll 0.5] [--no-parse-after]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

import psutil
from latency_bench import wait_outcomes

from govreports_cli.demo import local_pipeline

LAYOUTS = ("txt_flat", "txt_pipe", "html")


class PeakRss:
    """Samples the resident memory of the pipeline's processes: this one (watcher, the bench's
    polling) and every descendant (task workers, their parse isolation children, Dask
    workers) except the S3 and Prefect servers and their children, which are sampled apart.
    Also keeps each process's last CPU time, by role, for the CPU split printed at the end."""

    SERVERS: ClassVar[dict[str, str]] = {
        "s3_server": "S3 server",
        "server start": "Prefect server",
    }

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self.peak_servers = 0
        self.peak_by_process: list[tuple[str, int]] = []
        # The task worker's own peak, whenever it came (the "worker under 1 GB"): the
        # other processes' sizes are nearly flat, but its peak need not be at the total's.
        self.peak_task_worker = 0
        self.cpu: dict[int, tuple[str, float]] = {}
        self._cpu_start: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> None:
        """From now on: the burst's peak and CPU, not the start-up's."""
        self.sample()
        self.peak = self.peak_servers = self.peak_task_worker = 0
        self._cpu_start = {pid: seconds for pid, (_, seconds) in self.cpu.items()}

    def cpu_by_role(self) -> dict[str, float]:
        roles: dict[str, float] = {}
        for pid, (role, seconds) in self.cpu.items():
            roles[role] = roles.get(role, 0.0) + seconds - self._cpu_start.get(pid, 0.0)
        return roles

    def sample(self) -> None:
        me = psutil.Process()
        total, count, servers = me.memory_info().rss, 1, 0
        by_process = [("bench", total)]
        times = me.cpu_times()
        self.cpu[me.pid] = ("bench: uploads, watcher, polling", times.user + times.system)
        role_of: dict[int, str] = {}
        for child in me.children(recursive=True):
            try:
                cmd = " ".join(child.cmdline())
                role = role_of.get(child.ppid())
                if role is None or role == "task worker":
                    role = next((r for s, r in self.SERVERS.items() if s in cmd), None)
                if role is None:
                    role = "task worker" if "task-worker" in cmd else "parse children, other"
                role_of[child.pid] = role
                rss = child.memory_info().rss
                if role == "task worker":
                    self.peak_task_worker = max(self.peak_task_worker, rss)
                if role in self.SERVERS.values():
                    servers += rss
                else:
                    total += rss
                    count += 1
                    by_process.append((role, rss))
                times = child.cpu_times()
                self.cpu[child.pid] = (role, times.user + times.system)
            except (psutil.Error, ProcessLookupError):
                continue
        if total > self.peak:
            self.peak, self.peak_processes, self.peak_by_process = total, count, by_process
        self.peak_servers = max(self.peak_servers, servers)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


def parse_only(files: list[Path]) -> float:
    """Objects per second through ``parse_document`` alone, in this process."""
    from govreports.contract.models import ParseError
    from tasks.parse import parse_document

    parse_document(files[0].read_bytes(), files[0].name)  # first-use costs are not throughput
    blobs = [(p.read_bytes(), p.name) for p in files]
    start = time.perf_counter()
    for data, name in blobs:
        with contextlib.suppress(ParseError):
            parse_document(data, name)
    return len(blobs) / (time.perf_counter() - start)


def run_figures(pipe) -> str:  # type: ignore[no-untyped-def]
    time.sleep(5)  # the last run's quality report is written after its outcomes
    # Each run's own summary: complete even when runs.json keeps only the latest 500 runs.
    prefix = f"{pipe.settings.quality_prefix}runs/"
    keys = [r.key for r in pipe.store.list(prefix) if r.key.endswith("/summary.json")]
    runs = [pipe.store.get_json(k) for k in keys]
    if not runs:
        return "no runs recorded"
    stages: dict[str, float] = {}
    for run in runs:
        for stage, seconds in (run.get("seconds") or {}).items():
            stages[stage] = stages.get(stage, 0.0) + float(seconds)
    commits = [int(r.get("commits", 0)) for r in runs]
    attempts = [int(r.get("commit_attempts", 1)) for r in runs]
    compacted = sum(int(r.get("compacted_files", 0)) for r in runs)
    objects = [
        int(r.get("published", 0)) + int(r.get("quarantined", 0)) + int(r.get("skipped", 0))
        for r in runs
    ]
    split = ", ".join(f"{k} {v:.1f}s" for k, v in stages.items())
    # Run by run, in the order they finished: a stage whose seconds climb run after run
    # costs in proportion to the tables, not to the batch.
    lines = []
    for run, n in sorted(zip(runs, objects, strict=True), key=lambda rn: str(rn[0].get("at"))):
        seconds = ", ".join(f"{k} {float(v):.1f}" for k, v in (run.get("seconds") or {}).items())
        packed = int(run.get("compacted_files", 0))
        at = str(run.get("at"))[11:19]
        lines.append(f"  {at} {n:5d} objects, compacted {packed:3d}: {seconds}")
    by_run = "\n".join(lines)
    return (
        f"runs {len(runs)} (objects per run median {statistics.median(objects):.0f}, "
        f"max {max(objects)}); commits per run median {statistics.median(commits):.0f}, "
        f"max {max(commits)}, total {sum(commits)}; publishes redone after a conflict "
        f"{sum(attempts) - len(attempts)}; small files compacted by publishes {compacted}\n"
        f"stage seconds summed over runs: {split}\n"
        f"by run, as they finished:\n{by_run}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between log checks")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--parse-after",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure parse-only again after the burst (the machine's drift)",
    )
    args = parser.parse_args()

    from govreports_cli.samples import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [
            p
            for p in generate(folder, n=args.n, seed=17, layouts=LAYOUTS)
            if not p.name.endswith(".truth.json")
        ]
        kinds = {s: sum(p.suffix == s for p in files) for s in (".txt", ".html")}
        print(f"{len(files)} files: {kinds['.txt']} text, {kinds['.html']} html")
        parse_rate = parse_only(files)
        print(f"parse-only: {parse_rate:.1f} objects/s (parse_document, one process)")

        t0 = time.perf_counter()
        with PeakRss() as rss, local_pipeline() as pipe:
            print(f"embedded default ready in {time.perf_counter() - t0:.1f}s")
            rss.reset()  # the burst's peak and CPU, not the start-up's

            def put(item: tuple[int, Path]) -> tuple[str, str]:
                key = f"{pipe.settings.raw_prefix}burst/{item[0]}-{item[1].name}"
                return key, pipe.store.put(key, item[1].read_bytes()).etag

            start = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                wanted = dict(pool.map(put, enumerate(files)))
            uploaded = time.perf_counter() - start
            done = wait_outcomes(pipe.curated, wanted, args.timeout, args.poll) - start
            rss.sample()
            burst_rate = len(files) / done
            print(
                f"burst: {len(files)} uploads in {uploaded:.1f}s, all outcomes after {done:.1f}s: "
                f"{burst_rate:.1f} objects/s"
            )
            print(f"ratio burst / parse-only: {burst_rate / parse_rate:.1%}")
            print(f"peak RSS of the task worker process: {rss.peak_task_worker / 2**20:.0f} MiB")
            print(
                f"peak RSS of the pipeline's processes together: {rss.peak / 2**20:.0f} MiB "
                f"({rss.peak_processes} processes at the peak: watcher, task workers, parse "
                f"children); S3 + Prefect servers apart: {rss.peak_servers / 2**20:.0f} MiB"
            )
            print(
                "  at the peak: "
                + ", ".join(f"{role} {size / 2**20:.0f}" for role, size in rss.peak_by_process)
            )
            cpu = rss.cpu_by_role()
            print(
                f"CPU seconds during the burst ({sum(cpu.values()):.0f} s of "
                f"{done * (os.cpu_count() or 1):.0f} core-seconds): "
                + ", ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]))
            )
            print(run_figures(pipe))
        if args.parse_after:
            after = parse_only(files)
            drift = after / parse_rate - 1
            mean_ratio = 2 * burst_rate / (parse_rate + after)
            print(
                f"parse-only after the burst: {after:.1f} objects/s ({drift:+.1%} on the first); "
                f"burst / the mean of both: {mean_ratio:.1%}"
            )


if __name__ == "__main__":
    main()
