"""OCR throughput and memory on generated scans, one process: pages per second and peak RSS.

Not a test: it prints figures. It generates ``--n`` scanned reports (``pdf_scan`` layout:
page images only, 150 dpi JPEG), then in the same run times (a) the text PDF of the same
reports (``pdf`` layout) and (b) the scans through ``tasks.parse.parse_document``, which
renders each page and OCRs it. Peak RSS is the process's high-water mark (``ru_maxrss``),
read before and after the OCR part, so the OCR engine's share shows. Field accuracy of the
same parse is printed too (the truth is beside each sample).

    .venv/bin/python benchmarks/ocr_bench.py [--n 2] [--dpi 150] [--threads 0]
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import time

from govreports_cli.samples import make_truth, render
from govreports_cli.samples.truth import FORMAT_YEARS, FORMATS
from tasks.parse import parse_document
from tasks.parsing.ocr import OcrOptions


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2, help="scanned reports (each 1-3 pages)")
    parser.add_argument("--dpi", type=int, default=OcrOptions().dpi, help="OCR render dpi")
    parser.add_argument("--threads", type=int, default=0, help="onnxruntime threads, 0 = all")
    args = parser.parse_args()
    options = OcrOptions(dpi=args.dpi, threads=args.threads)
    truths = []
    for i in range(args.n):
        rng = random.Random(f"ocr-bench:{i}")
        fmt = FORMATS[i % len(FORMATS)]
        truths.append(make_truth(rng, fmt=fmt, year=rng.choice(FORMAT_YEARS[fmt])))
    texts = [render(t, "pdf") for t in truths]
    scans = [render(t, "pdf_scan") for t in truths]
    print(f"n={args.n} scanned reports, dpi={args.dpi}, threads={args.threads or 'default'}")

    start = time.perf_counter()
    for data in texts:
        parse_document(data, "sample.pdf")
    text_s = time.perf_counter() - start
    before = rss_mib()

    pages = fields = right = 0
    start = time.perf_counter()
    for truth, data in zip(truths, scans, strict=True):
        report = parse_document(data, "scan.pdf", ocr=options)
        pages += sum(int(n.split()[1]) for n in report.notes if n.startswith("ocr: "))
        for fact in truth.facts:
            got = report.fact(*fact.key)
            fields += 1
            right += got is not None and math.isclose(got.value, fact.value)
        for name in ("title", "agency", "report_year", "format", "region"):
            fields += 1
            right += getattr(report, name) == getattr(truth, name)
    ocr_s = time.perf_counter() - start
    after = rss_mib()

    print(f"text PDF parse:   {args.n / text_s:8.2f} reports/s  ({text_s:.2f} s)")
    print(
        f"scanned PDF OCR:  {pages / ocr_s:8.3f} pages/s   ({pages} pages, {ocr_s:.1f} s, "
        f"{ocr_s / max(pages, 1):.2f} s/page; first page includes engine start-up)"
    )
    print(f"ratio text/scan per report: {(ocr_s / args.n) / (text_s / args.n):.0f}x slower")
    print(f"peak RSS: {before:.0f} MiB before OCR, {after:.0f} MiB after")
    print(f"field accuracy on the scans: {right}/{fields} ({100 * right / max(fields, 1):.1f}%)")


if __name__ == "__main__":
    main()
