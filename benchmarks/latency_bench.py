"""Upload-to-visible latency and burst throughput on the embedded default.

Not a test: it prints figures. 20 single uploads one after another (each timed
from put_object until its outcome is committed), then a burst of 500 uploads
(timed from the first put until the last outcome).

    .venv/bin/python benchmarks/latency_bench.py [--singles 20] [--burst 500]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from govreports.demo import local_pipeline


def wait_outcomes(curated, wanted: dict[str, str], timeout: float) -> float:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        known = curated.outcomes()
        if all(k in known and known[k]["etag"] == e for k, e in wanted.items()):
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"{len(wanted)} objects still without outcome after {timeout}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=20)
    parser.add_argument("--burst", type=int, default=500)
    args = parser.parse_args()

    from govreports.samples import generate

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
            print(f"embedded default ready in {time.perf_counter() - t0:.1f}s")
            latencies = []
            for i, path in enumerate(singles):
                key = f"{pipe.settings.raw_prefix}single/{i}-{path.name}"
                start = time.perf_counter()
                ref = pipe.store.put(key, path.read_bytes())
                latencies.append(wait_outcomes(pipe.curated, {key: ref.etag}, 120) - start)
            latencies.sort()
            p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
            print(
                f"single uploads: n={len(latencies)} median {statistics.median(latencies):.2f}s "
                f"p95 {p95:.2f}s min {latencies[0]:.2f}s max {latencies[-1]:.2f}s"
            )
            wanted: dict[str, str] = {}
            start = time.perf_counter()
            for i, path in enumerate(burst):
                key = f"{pipe.settings.raw_prefix}burst/{i}-{path.name}"
                wanted[key] = pipe.store.put(key, path.read_bytes()).etag
            uploaded = time.perf_counter() - start
            done = wait_outcomes(pipe.curated, wanted, 900) - start
            print(
                f"burst: {len(burst)} uploads in {uploaded:.1f}s, all outcomes after {done:.1f}s "
                f"({len(burst) / done:.1f} objects/s)"
            )


if __name__ == "__main__":
    main()
