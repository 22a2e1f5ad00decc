"""What one full listing of a big prefix costs on the embedded S3 server: its own answer
(``govreports_cli.s3_server.fast_list``) against moto's, same server, same keys, same run.

Run: ``.venv/bin/python benchmarks/list_bench.py [--keys 10000]``. A script, not a test. It
starts the embedded server, puts ``--keys`` small objects under ``raw/``, then lists the
prefix page by page with boto3 (as the polling watcher does) three times each way and prints
the best wall time, the server's CPU and the client's CPU per listing. moto's answer is
reached by adding a delimiter no key contains: ``fast_list`` leaves delimiter listings to
moto, and the keys returned are the same.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3
import psutil

from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET, start_s3

BUCKET = "list-bench"
RUNS = 3


def cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def list_all(client: Any, extra: dict[str, str]) -> int:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="raw/", **extra)
    return sum(len(page.get("Contents", [])) for page in pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_s3(Path(tmp))
        try:
            client = boto3.client(
                "s3",
                endpoint_url=server.url,
                region_name="us-east-1",
                aws_access_key_id=LOCAL_KEY,
                aws_secret_access_key=LOCAL_SECRET,
            )
            client.create_bucket(Bucket=BUCKET)
            with ThreadPoolExecutor(8) as pool:
                list(
                    pool.map(
                        lambda i: client.put_object(
                            Bucket=BUCKET, Key=f"raw/burst/{i}-sample-{i:05d}.txt", Body=b"x"
                        ),
                        range(args.keys),
                    )
                )
            srv, me = psutil.Process(server.proc.pid), psutil.Process()
            figures: dict[str, tuple[float, float, float]] = {}
            for name, extra in (("fast_list", {}), ("moto", {"Delimiter": "\x7f"})):
                best: tuple[float, float, float] | None = None
                for _ in range(RUNS):
                    s0, c0, t0 = cpu(srv), cpu(me), time.perf_counter()
                    found = list_all(client, extra)
                    run = (time.perf_counter() - t0, cpu(srv) - s0, cpu(me) - c0)
                    assert found == args.keys, (name, found)
                    best = run if best is None or run[0] < best[0] else best
                assert best is not None
                figures[name] = best
                wall, server_cpu, client_cpu = best
                print(
                    f"{name:>9}: {args.keys} keys listed in {wall:.3f} s; "
                    f"server CPU {server_cpu:.3f} s, client CPU {client_cpu:.3f} s"
                )
            fast, moto = figures["fast_list"], figures["moto"]
            print(
                f"moto / fast_list: wall ×{moto[0] / fast[0]:.1f}, "
                f"server CPU ×{moto[1] / max(fast[1], 1e-3):.1f}"
            )
        finally:
            server.proc.terminate()
            server.proc.wait(10)


if __name__ == "__main__":
    main()
