"""Local OCR of scanned PDF pages: page image → positioned words → text lines.

A page with no text layer (a scan), or whose text layer leaves large images unread (a
table pasted in as a picture), is rendered with pypdfium2 and read by rapidocr-onnxruntime
(PP-OCRv4 detection and recognition; the models ship inside its wheel, nothing is fetched).
Each recognised box becomes a ``grid.Word`` in PDF points, origin top-left, ``source="ocr"``,
and the words go through the grid model's line grouping (``grid.text_lines``), as the
text-layer words of a PDF do, so the table reader sees a row as ``label v1 v2 …`` whatever
the source.

The OCR engine is imported and built on first use only: it costs about a second and a few
hundred MB, which a text report or a CLI start-up should not pay.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tasks.parsing.grid import Word, join_words, text_lines

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pypdfium2 as pdfium

    from govreports.settings import Settings


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """What the OCR may cost one document (``Settings.ocr_*``)."""

    enabled: bool = True
    max_pages: int = 30  # pages past this are left unread, with a note
    max_seconds: float = 300.0  # OCR stops after the page that crosses this, with a note
    dpi: int = 150  # render resolution: 9 pt text is ~19 px high, which PP-OCRv4 reads well
    threads: int = 0  # onnxruntime intra-op threads; 0 = its default (all cores)


def ocr_options(settings: Settings) -> OcrOptions:
    """The OCR options the settings ask for (``GOVREPORTS_OCR_*``).

    An isolated parse gives a PDF ``parse_seconds + ocr_max_seconds`` (tasks/isolation.py):
    OCR stops itself after ``ocr_max_seconds`` with an ``ocr_budget`` note, so the pages read
    so far make a report instead of the whole document being killed as over its budget.
    """
    return OcrOptions(
        enabled=settings.ocr_enabled,
        max_pages=settings.ocr_max_pages,
        max_seconds=settings.ocr_max_seconds,
        dpi=settings.ocr_dpi,
        threads=settings.ocr_threads,
    )


@dataclass(slots=True)
class OcrResult:
    """Lines per page read by OCR, and what was left unread."""

    lines: dict[int, list[str]]  # 1-based page → its text lines, top to bottom
    skipped: list[int]  # 1-based pages wanted but not read (page or time budget)
    seconds: float


# A recognised box below this confidence is noise (stamps, speckles, ruling lines) ...
_MIN_SCORE = 0.5
# ... except a box of digits alone: a table cell holding one small digit is read right but
# with low confidence (PP-OCRv4 hesitates between 0, o and 。 without context).
_MIN_SCORE_NUMBER = 0.25
_NUMBER = re.compile(r"^-?\d[\d,.]*$")
# A lone round mark in a box of its own is a table cell's 0: a 。 or an o never stands alone
# (punctuation belongs to the text before it).
_LONE_ZERO = frozenset("oO〇○。")


@lru_cache(maxsize=2)
def _engine(threads: int) -> Any:
    from rapidocr_onnxruntime import RapidOCR

    kwargs: dict[str, Any] = {"print_verbose": False}
    if threads > 0:
        kwargs |= {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
    return RapidOCR(**kwargs)


def ocr_page_words(page: pdfium.PdfPage, page_no: int, options: OcrOptions) -> list[Word]:
    """The words OCR reads on one page, in PDF points (origin top-left)."""
    import numpy as np

    scale = options.dpi / 72
    image = page.render(scale=scale, grayscale=True).to_pil().convert("RGB")
    result, _ = _engine(options.threads)(np.asarray(image), text_score=0.0, return_word_box=True)
    words: list[Word] = []
    for item in result or []:
        box, score = item[0], float(item[2])
        ys = [float(p[1]) / scale for p in box]
        top, bottom = min(ys), max(ys)
        for text, x0, x1 in _pieces(item, scale):
            if text in _LONE_ZERO:
                text = "0"  # noqa: PLW2901 - the piece's reading, corrected
            number = bool(_NUMBER.match(text))
            if score < (_MIN_SCORE_NUMBER if number else _MIN_SCORE):
                continue
            words.append(Word(text, x0, top, x1, bottom, page_no, source="ocr"))
    return words


def _pieces(item: Sequence[Any], scale: float) -> list[tuple[str, float, float]]:
    """A recognised box cut where its characters stand far apart: (text, x0, x1) in points.

    The detector merges neighbouring table cells into one box when their gap is narrow
    (``2 0 0 2`` becomes ``2002``); the recogniser's character positions still show the gap.
    A gap wider than the box's height is a cell boundary: no character pitch comes near it.
    """
    box, text = item[0], str(item[1]).strip()
    xs = [float(p[0]) / scale for p in box]
    ys = [float(p[1]) / scale for p in box]
    whole = [(text, min(xs), max(xs))] if text else []
    if len(item) < 5 or not text:
        return whole
    char_boxes, chars = item[3], [str(c) for c in item[4]]
    if len(char_boxes) != len(chars) or len(chars) < 2 or "".join(chars) != text.replace(" ", ""):
        return whole
    height = max(ys) - min(ys)
    centers = [sum(float(p[0]) for p in b) / len(b) / scale for b in char_boxes]
    pieces: list[tuple[str, float, float]] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or centers[i] - centers[i - 1] > height:
            half = height / 4
            pieces.append(("".join(chars[start:i]), centers[start] - half, centers[i - 1] + half))
            start = i
    if len(pieces) == 1:
        return whole
    return pieces


def group_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into text lines by the grid model, top to bottom, left to right."""
    return [line.words for line in text_lines(words)]


def line_text(line: Sequence[Word]) -> str:
    """A line's words with a blank at each visible gap (a cell boundary), as for text PDFs."""
    return join_words(line)


# A page number as a scan shows it: 3, - 3 -, —3—, 第3页, 3/12. OCR often drops the dashes,
# so position decides: alone on its line, in the top or bottom margin of the page.
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?[-—–\s]*$")
_MARGIN = 0.07


def _page_number(line: Sequence[Word], page_height: float) -> bool:
    in_margin = line[0].bottom < _MARGIN * page_height or line[0].top > (1 - _MARGIN) * page_height
    return in_margin and bool(_PAGE_NUMBER.match(line_text(line)))


def ocr_pages(pdf: pdfium.PdfDocument, pages: Sequence[int], options: OcrOptions) -> OcrResult:
    """OCR the given 1-based pages within the page and time budget of ``options``."""
    start = time.monotonic()
    lines: dict[int, list[str]] = {}
    skipped: list[int] = []
    for page_no in pages:
        over_time = time.monotonic() - start >= options.max_seconds
        if len(lines) >= options.max_pages or over_time:
            skipped.append(page_no)
            continue
        page = pdf[page_no - 1]
        words = ocr_page_words(page, page_no, options)
        height = float(page.get_size()[1])
        lines[page_no] = [
            line_text(line) for line in group_lines(words) if not _page_number(line, height)
        ]
    return OcrResult(lines=lines, skipped=skipped, seconds=time.monotonic() - start)
