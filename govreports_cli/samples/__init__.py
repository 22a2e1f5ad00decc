"""Synthetic annual reports with their ground truth, in every format, layout and file type.

``make_truth`` decides one report (contract fields, consistent tables, prose);
``render`` writes it in one layout; ``generate`` writes many, each beside its
``<name>.truth.json``.
"""

from __future__ import annotations

import importlib
import json
import random
from typing import TYPE_CHECKING

from govreports_cli.samples.model import SampleTruth
from govreports_cli.samples.truth import FORMAT_YEARS, FORMATS, make_truth

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

LAYOUTS: tuple[str, ...] = ("txt_pipe", "txt_flat", "txt_gbk", "html", "docx", "pdf")
# Layouts read by OCR: seconds per page, so they are asked for by name (``--layouts pdf_scan``)
# rather than cycled through with the others.
SCAN_LAYOUTS: tuple[str, ...] = ("pdf_scan", "pdf_table_images")
ALL_LAYOUTS: tuple[str, ...] = LAYOUTS + SCAN_LAYOUTS
EXTENSIONS = {
    "txt_pipe": "txt",
    "txt_flat": "txt",
    "txt_gbk": "txt",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "pdf_scan": "pdf",
    "pdf_table_images": "pdf",
}

__all__ = [
    "ALL_LAYOUTS",
    "EXTENSIONS",
    "FORMATS",
    "LAYOUTS",
    "SCAN_LAYOUTS",
    "SampleTruth",
    "generate",
    "make_truth",
    "render",
]


# layout → (module, function); modules are imported on demand: python-docx, reportlab and the
# scan renderer cost a noticeable share of a txt-only run.
_RENDERERS: dict[str, tuple[str, str]] = {
    "txt_pipe": ("govreports_cli.samples.render_txt", "render_pipe"),
    "txt_flat": ("govreports_cli.samples.render_txt", "render_flat"),
    "txt_gbk": ("govreports_cli.samples.render_txt", "render_gbk"),
    "html": ("govreports_cli.samples.render_html", "render_html"),
    "docx": ("govreports_cli.samples.render_docx", "render_docx"),
    "pdf": ("govreports_cli.samples.render_pdf", "render_pdf"),
    "pdf_scan": ("govreports_cli.samples.render_scan", "render_scan"),
    "pdf_table_images": ("govreports_cli.samples.render_scan", "render_table_pictures"),
}


def _renderer(layout: str) -> Callable[[SampleTruth], bytes]:
    if layout not in _RENDERERS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(ALL_LAYOUTS)}")
    module, name = _RENDERERS[layout]
    renderer: Callable[[SampleTruth], bytes] = getattr(importlib.import_module(module), name)
    return renderer


def render(truth: SampleTruth, layout: str) -> bytes:
    return _renderer(layout)(truth)


def sample_name(index: int, truth: SampleTruth, layout: str) -> str:
    return f"{index:05d}_{truth.format}_{truth.report_year}_{layout}"


def generate(out_dir: Path, n: int, seed: int = 0, layouts: Iterable[str] = LAYOUTS) -> list[Path]:
    """Write ``n`` samples cycling through layouts × formats; returns the document paths.

    Sample ``i`` depends only on ``(seed, i)``, so the same call writes the same bytes.
    """
    chosen = tuple(layouts)
    renderers = {layout: _renderer(layout) for layout in chosen}
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i in range(n):
        layout = chosen[i % len(chosen)]
        fmt = FORMATS[(i // len(chosen)) % len(FORMATS)]
        rng = random.Random(f"{seed}:{i}")  # noqa: S311 - reproducible test data, not secrets
        truth = make_truth(rng, fmt=fmt, year=rng.choice(FORMAT_YEARS[fmt]))
        name = sample_name(i, truth, layout)
        path = out_dir / f"{name}.{EXTENSIONS[layout]}"
        path.write_bytes(renderers[layout](truth))
        (out_dir / f"{name}.truth.json").write_text(
            json.dumps(truth.to_dict(layout), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        written.append(path)
    return written
