"""PDF reading cost, same files, same run: PDFium (text + character boxes + rulings, what the
parser uses) against pdfplumber (the same geometry in pure Python) and pypdf (text only).

Not a test: it prints files/s per reader on generated PDFs (half of them with ruled tables)
and on the corpus PDFs, plus ``parse_document`` on both. See docs/adr/0013-pdf-geometry.md.

    .venv/bin/python benchmarks/pdf_geometry_bench.py [--n 40]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from govreports_cli.samples import generate
from tasks.parse import parse_document
from tasks.parsing.pdf_geometry import read_pdf

if TYPE_CHECKING:
    from collections.abc import Callable

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "reports"


def pdfplumber_geometry(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            _ = (page.chars, page.edges)


def pypdf_text(data: bytes) -> None:
    from pypdf import PdfReader

    "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdfium_geometry(data: bytes) -> None:
    read_pdf(data)


def parse(data: bytes) -> None:
    parse_document(data, "r.pdf")


def rate(fn: Callable[[bytes], None], docs: list[bytes]) -> float:
    start = time.perf_counter()
    for data in docs:
        fn(data)
    return len(docs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="generated PDFs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), n=args.n, seed=11, layouts=("pdf",))
        sets = {"generated": [p.read_bytes() for p in paths if p.suffix == ".pdf"]}
    if CORPUS.is_dir():
        sets["corpus"] = [p.read_bytes() for p in sorted(CORPUS.glob("*.pdf"))]
    parse(sets["generated"][0])  # first-use costs (gazetteer load) are not throughput
    print(f"{'files':10} {'n':>4} {'reader':22} {'files/s':>8}")
    for name, docs in sets.items():
        for fn in (pdfium_geometry, pdfplumber_geometry, pypdf_text, parse):
            print(f"{name:10} {len(docs):4d} {fn.__name__:22} {rate(fn, docs):8.2f}")


if __name__ == "__main__":
    main()
