"""Metadata accuracy and cost on generated samples of every title layout and file type.

Run: ``.venv/bin/python benchmarks/meta_bench.py [--n 240] [--seed 7]``. A script, not a
test. It generates ``n`` samples (all layouts, formats, title styles, some with a preamble
above the title), parses each and counts the title, agency, report_year and region fields
that equal the truth, per title style; then times ``extract_meta`` alone on the txt/html
samples (best of 3, caches warm).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govreports_cli.samples import EXTENSIONS, LAYOUTS, make_truth, render
from govreports_cli.samples.truth import FORMAT_YEARS, FORMATS
from tasks.parse import parse_document
from tasks.parsing.meta import extract_meta
from tasks.parsing.normalize import normalize_document
from tasks.parsing.read import read_document

if TYPE_CHECKING:
    from tasks.parsing.document import Document

FIELDS = ("title", "agency", "report_year", "region")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=240, help="samples")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    light: list[tuple[str, bytes]] = []
    for i in range(args.n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        fmt = FORMATS[(i // len(LAYOUTS)) % len(FORMATS)]
        rng = random.Random(f"{args.seed}:{i}")
        truth = make_truth(rng, fmt=fmt, year=rng.choice(FORMAT_YEARS[fmt]))
        data = render(truth, layout)
        name = f"sample.{EXTENSIONS[layout]}"
        if layout in ("txt_pipe", "txt_flat", "txt_gbk", "html"):
            light.append((name, data))
        report = parse_document(data, name)
        style = truth.title_style + ("+preamble" if truth.preamble else "")
        for field in FIELDS:
            got = getattr(report, field)
            want = getattr(truth, field)
            ok = (asdict(got) if field == "region" else got) == (
                asdict(want) if field == "region" else want
            )
            total[style] += 1
            right[style] += ok
            if not ok:
                misses.append(f"{i:05d} {layout} {style} {field}: {got!r} != {want!r}")
    print(f"N={args.n} samples (seed {args.seed}); metadata fields right per title style:")
    for style in sorted(total):
        print(f"  {style:22s} {right[style]:4d}/{total[style]}")
    n_right, n_total = sum(right.values()), sum(total.values())
    print(f"  all                    {n_right:4d}/{n_total} ({100 * n_right / n_total:.1f}%)")
    for miss in misses[:20]:
        print("  miss", miss)
    docs = [normalize_document(read_document(data, name)) for name, data in light]
    for doc in docs:
        extract_meta(doc)  # warm the gazetteer
    best = min(_timed(docs) for _ in range(3))
    print(
        f"extract_meta: {1000 * best / len(docs):.2f} ms/report over {len(docs)} txt/html samples"
    )


def _timed(docs: list[Document]) -> float:
    start = time.perf_counter()
    for doc in docs:
        extract_meta(doc)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
