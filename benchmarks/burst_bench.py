"""A burst of uploads on the embedded default against parse-only throughput on the same files.

Not a test: it prints figures. Generates ``--n`` sample reports (text and HTML: the layouts
txt_flat, txt_pipe and html in turn, so 2/3 text and 1/3 HTML), then, in the same run:

1. parse-only: ``tasks.parse.parse_document`` over every file, one process, one core, no
   isolation child (the parser's own throughput: what the issue's ratio is measured against);
2. the burst: every file uploaded to the embedded default (``local_pipeline``: local S3 server,
   local Prefect server, warm worker and watcher in this process) as fast as 8 threads put
   them, timed from the first put until the last object's outcome is in the ledger.

It prints both throughputs and their ratio, the stage split summed over runs (from the quality
trend file), runs, commits per run, and the peak resident memory of the worker: this process
(warm worker, watcher, the bench's own polling) plus its descendants in its process group
(parse isolation children, Dask LocalCluster workers); the S3 and Prefect servers run in their
own sessions and are not counted.

    .venv/bin/python benchmarks/burst_bench.py [--n 10000] [--poll 0.5]
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

import psutil
from latency_bench import wait_outcomes

from govreports_cli.demo import local_pipeline

LAYOUTS = ("txt_flat", "txt_pipe", "html")


class PeakRss:
    """Samples the resident memory of this process and its same-group descendants."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        me = psutil.Process()
        group = os.getpgid(0)
        total, count = me.memory_info().rss, 1
        for child in me.children(recursive=True):
            try:
                if os.getpgid(child.pid) == group:
                    total += child.memory_info().rss
                    count += 1
            except (psutil.Error, ProcessLookupError):
                continue
        if total > self.peak:
            self.peak, self.peak_processes = total, count

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
    # Each run's own summary: runs.json is read, extended and written back by every run, so
    # two runs finishing together can lose one's entry.
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
    objects = [
        int(r.get("published", 0)) + int(r.get("quarantined", 0)) + int(r.get("skipped", 0))
        for r in runs
    ]
    split = ", ".join(f"{k} {v:.1f}s" for k, v in stages.items())
    return (
        f"runs {len(runs)} (objects per run median {statistics.median(objects):.0f}, "
        f"max {max(objects)}); commits per run median {statistics.median(commits):.0f}, "
        f"max {max(commits)}, total {sum(commits)}\nstage seconds summed over runs: {split}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between log checks")
    parser.add_argument("--timeout", type=float, default=3600)
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
            rss.peak = 0  # the burst's peak, not the start-up's

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
            print(
                f"peak RSS of the worker: {rss.peak / 2**20:.0f} MiB "
                f"({rss.peak_processes} processes at the peak)"
            )
            print(run_figures(pipe))


if __name__ == "__main__":
    main()
