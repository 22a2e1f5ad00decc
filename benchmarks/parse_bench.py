"""Parse throughput per file type on generated samples, one process, against a reading floor.

Not a test: it prints figures. For each layout it generates samples, then times
(a) the floor: reading the file and decoding/extracting its text with the same
library the parser uses, and (b) ``tasks.parse.parse_document``. Memory is the
peak traced allocation while parsing.

    .venv/bin/python benchmarks/parse_bench.py [--n 200] [--slow-n 30]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

from govreports_cli.samples import generate
from tasks.parse import parse_document

if TYPE_CHECKING:
    from collections.abc import Callable


def floor(layout: str) -> Callable[[bytes], object]:
    """The cheapest honest reading of the same bytes: what any parser must pay."""
    if layout == "pdf":
        from pypdf import PdfReader

        return lambda data: "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if layout == "docx":
        import docx

        return lambda data: [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    if layout == "html":
        from bs4 import BeautifulSoup

        return lambda data: BeautifulSoup(data, "lxml").get_text()
    if layout == "txt_gbk":
        return lambda data: data.decode("gb18030")
    return lambda data: data.decode("utf-8")


def timed(fn: Callable[[bytes, str], object], blobs: list[tuple[bytes, str]]) -> float:
    start = time.perf_counter()
    for data, name in blobs:
        fn(data, name)
    return time.perf_counter() - start


def peak_mib(blobs: list[tuple[bytes, str]]) -> float:
    """Peak traced allocation while parsing (tracemalloc slows the run, so it is timed apart)."""
    tracemalloc.start()
    for data, name in blobs[:10]:
        parse_document(data, name)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="samples per txt/html layout")
    parser.add_argument("--slow-n", type=int, default=30, help="samples per docx/pdf layout")
    args = parser.parse_args()
    layouts = ("txt_flat", "txt_pipe", "txt_gbk", "html", "docx", "pdf")
    print(f"{'layout':10} {'n':>5} {'parse/s':>9} {'floor/s':>9} {'ratio':>6} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in layouts:
            n = args.slow_n if layout in ("docx", "pdf") else args.n
            paths = generate(Path(tmp) / layout, n=n, seed=11, layouts=(layout,))
            blobs = [(p.read_bytes(), p.name) for p in paths if not p.name.endswith(".truth.json")]
            parse_document(*blobs[0])  # first-use costs (gazetteer load) are not throughput
            read = floor(layout)
            base = timed(lambda data, _name, read=read: read(data), blobs)
            spent = timed(parse_document, blobs)
            peak = peak_mib(blobs)
            print(
                f"{layout:10} {len(blobs):5d} {len(blobs) / spent:9.1f} {len(blobs) / base:9.1f} "
                f"{spent / base:6.1f} {peak:9.1f}"
            )


if __name__ == "__main__":
    main()
