"""What the audit's key checks cost: GX (not-null + uniqueness) vs the same counts in pandas.

Run: ``.venv/bin/python benchmarks/key_check_bench.py``. A script, not a test. Frames shaped
like the tables at rest: the ledger (one ``key`` per object) and ``facts`` (200 cells per
report, key ``(report_id, table, row, column)``), at growing sizes; best of 3 runs on the warm
GX context, the first call (suite built) shown apart. The ratio is GX's time over pandas'
``duplicated`` + ``isna`` on the same frame, from the same run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from expectations._suite import TableContract, run_key_check
from expectations.contracts import CONTRACTS

CELLS = 200
RUNS = 3


def ledger(n: int) -> pd.DataFrame:
    return pd.DataFrame({"key": [f"raw/{i:08d}.pdf" for i in range(n)]})


def facts(n: int) -> pd.DataFrame:
    reports = [f"{i:064x}" for i in range(max(n // CELLS, 1))]
    rows = [f"row_{j // 7}" for j in range(CELLS)]
    cols = [f"col_{j % 7}" for j in range(CELLS)]
    return pd.DataFrame(
        {
            "report_id": [r for r in reports for _ in range(CELLS)],
            "table": "applications",
            "row": rows * len(reports),
            "column": cols * len(reports),
        }
    )


def best(fn: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def pandas_only(contract: TableContract, frame: pd.DataFrame) -> None:
    frame.duplicated(list(contract.key), keep=False).sum()
    frame[list(contract.key)].isna().sum()


def main() -> None:
    start = time.perf_counter()
    import great_expectations  # noqa: F401

    print(f"great_expectations import: {time.perf_counter() - start:6.2f} s")
    for name, make, sizes in (
        ("outcomes", ledger, (1_000, 10_000, 100_000)),
        ("facts", facts, (10_000, 100_000, 1_000_000)),
    ):
        contract = CONTRACTS[name]
        for n in sizes:
            frame = make(n)
            first = time.perf_counter()
            check = run_key_check(contract, frame)
            first_s = time.perf_counter() - first
            assert check.ok, check
            gx_s = best(lambda c=contract, f=frame: run_key_check(c, f))
            pd_s = best(lambda c=contract, f=frame: pandas_only(c, f))
            print(
                f"{name:9s} {len(frame):>9,d} rows: first {first_s:6.3f} s, "
                f"warm {gx_s:6.3f} s; pandas alone {pd_s:6.3f} s; ratio {gx_s / pd_s:5.1f}x"
            )


if __name__ == "__main__":
    main()
