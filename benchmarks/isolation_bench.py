"""What the per-document budget costs: parsing in this process vs in the warm worker process.

Not a test: it prints figures. Same samples, same order, measured in the same run: the
in-process ``parse_document`` and ``parse_bounded`` (pickles over a pipe, RSS sampling), both
after a warm-up, so the difference is the isolation's own cost per document.

    .venv/bin/python benchmarks/isolation_bench.py [--n 60]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from govreports.settings import Settings
from govreports_cli.samples import generate
from tasks.isolation import parse_bounded, prestart
from tasks.parse import parse_document


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60, help="samples (all layouts)")
    args = parser.parse_args()
    settings = Settings(parse_isolated=True)
    with tempfile.TemporaryDirectory() as tmp:
        blobs = [(p.read_bytes(), p.name) for p in generate(Path(tmp), args.n)]
    started = time.perf_counter()
    prestart(settings)
    start_s = time.perf_counter() - started
    parse_document(*blobs[0])  # first-use costs in this process too
    parse_bounded(*blobs[0], settings)
    inproc: list[float] = []
    isolated: list[float] = []
    for data, name in blobs:  # interleaved, so load on the machine hits both alike
        t = time.perf_counter()
        parse_document(data, name)
        inproc.append(time.perf_counter() - t)
        t = time.perf_counter()
        parse_bounded(data, name, settings)
        isolated.append(time.perf_counter() - t)
    total_in, total_iso = sum(inproc), sum(isolated)
    overhead = [b - a for a, b in zip(inproc, isolated, strict=True)]
    print(f"documents: {len(blobs)} (N={args.n}, every layout)")
    print(f"worker start (once per process): {start_s:.2f} s")
    print(f"in process: {total_in:.2f} s  ({1000 * total_in / len(blobs):.1f} ms/doc)")
    print(f"isolated:   {total_iso:.2f} s  ({1000 * total_iso / len(blobs):.1f} ms/doc)")
    print(
        f"overhead per document: median {1000 * statistics.median(overhead):.1f} ms, "
        f"mean {1000 * statistics.mean(overhead):.1f} ms; ratio isolated/in-process "
        f"{total_iso / total_in:.2f}"
    )


if __name__ == "__main__":
    main()
