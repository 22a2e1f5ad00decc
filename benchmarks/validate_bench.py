"""How long validation takes: GX import, first call, and batches of 1, 20 and 200 reports.

Run: ``.venv/bin/python benchmarks/validate_bench.py``. A script, not a test. The batch
mixes the three formats and gives every agency a previous year, so the cross-year
rules run too. Timings after the first call are the best of a few runs on the warm
(cached) context, which is what a long-running worker sees. If the parser is
importable, it also times parsing the real corpus files to show validation's share
of a batch.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from typing import TYPE_CHECKING

from tests.support.validation_examples import report_2019, report_2021, report_pre2019

if TYPE_CHECKING:
    from govreports.contract.models import Report

BATCH = 200
SIZES = (1, 20, BATCH)
RUNS = {1: 7, 20: 5, BATCH: 3}


def batch() -> tuple[list[Report], dict[tuple[str, int], Report]]:
    reports: list[Report] = []
    previous: dict[tuple[str, int], Report] = {}
    makers = (report_2021, report_2019, report_pre2019)
    for i in range(BATCH):
        make = makers[i % 3]
        agency = f"测试市第{i}局"
        cur = make(f"{i:064d}", agency=agency)
        assert cur.report_year is not None
        prev = make(f"p{i:063d}", agency=agency, year=cur.report_year - 1)
        reports.append(cur)
        previous[(agency, cur.report_year - 1)] = prev
    return reports, previous


def main() -> None:
    t = time.perf_counter()
    import great_expectations  # noqa: F401

    gx_import = time.perf_counter() - t
    from tasks.validate import SeverityPolicy, validate_batch

    policy = SeverityPolicy.from_settings()
    reports, previous = batch()
    t = time.perf_counter()
    validate_batch(reports[:3], previous, policy=policy)
    first = time.perf_counter() - t
    print(f"great_expectations import:              {gx_import:6.2f} s")
    print(f"first validate_batch (context+suites):  {first:6.2f} s")
    best: dict[int, float] = {}
    for size in SIZES:
        runs = []
        for _ in range(RUNS[size]):
            result = validate_batch(reports[:size], previous, policy=policy)
            runs.append(result.seconds)
        best[size] = min(runs)
        median = sorted(runs)[len(runs) // 2]
        print(
            f"validate_batch, {size:3d} report(s): best {best[size]:6.3f} s, "
            f"median {median:6.3f} s  ({len(result.rule_results)} rule results, "
            f"{best[size] / size * 1000:6.1f} ms/report)"
        )
    _parse_share(best[BATCH])


def _parse_share(validate_seconds: float) -> None:
    corpus = Path(__file__).resolve().parents[1] / "../shared/corpus/reports"
    try:
        from tasks.parse import parse_document
    except ImportError:
        return
    files = sorted(corpus.glob("*.txt"))
    if not files:
        return
    t = time.perf_counter()
    for f in files:
        parse_document(f.read_bytes(), f.name)
    per_report = (time.perf_counter() - t) / len(files)
    parse_batch = per_report * BATCH
    share = validate_seconds / (validate_seconds + parse_batch)
    print(
        f"parse, real corpus txt:                 {per_report * 1000:6.1f} ms/report "
        f"→ {parse_batch:.2f} s for {BATCH}"
    )
    print(f"validation share of parse+validate:     {share:6.1%} (target < 20%)")


if __name__ == "__main__":
    main()
