"""A PDF page's geometry with pypdfium2: character boxes and ruling lines (docs/adr/0013).

PDFium gives character boxes at C speed; pdfplumber (pure Python) measured 6x slower on the
corpus PDFs. Each character becomes one ``grid.Word`` (so a cell border can fall between any
two characters) and each thin path or rectangle edge one ``grid.Ruling``.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tasks.parsing.document import TableRow
from tasks.parsing.grid import (
    RULING_MAX_THICKNESS,
    SNAP,
    BBox,
    Ruling,
    Word,
    rulings_from_box,
    tables_from_words,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tasks.parsing.document import Table

# Path segments: PDFium's FPDF_SEGMENT_LINETO / MOVETO / BEZIERTO.
_MOVETO, _LINETO = 2, 0
_NUMERIC = re.compile(r"-?[\d.,]+(?:万元|元)?")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class PageGeometry:
    page: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rulings: list[Ruling] = field(default_factory=list)
    text: str = ""  # the text layer in PDFium's reading order, lines split by CR LF
    # Image objects (x0, top, x1, bottom): where a scan or a pictured table needs OCR.
    images: list[BBox] = field(default_factory=list)


@dataclass(slots=True)
class PdfContent:
    pages: list[PageGeometry]
    meta: dict[str, str]  # document info: Title, Author, CreationDate, ModDate when set


def read_pdf(data: bytes, *, max_pages: int | None = None) -> PdfContent:
    """Text, character boxes, rulings and document info in one pass over the file.

    Raises what pypdfium2 raises on a damaged or encrypted file; the caller maps it.
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        count = len(pdf) if max_pages is None else min(len(pdf), max_pages)
        info = pdf.get_metadata_dict(skip_empty=True)
        meta = {
            k: str(info[k]) for k in ("Title", "Author", "CreationDate", "ModDate") if k in info
        }
        return PdfContent([_page(pdf[i], i + 1) for i in range(count)], meta)
    finally:
        pdf.close()


def read_geometry(data: bytes, *, max_pages: int | None = None) -> list[PageGeometry]:
    """Every page's characters and rulings, top-left origin, in PDF points."""
    return read_pdf(data, max_pages=max_pages).pages


def _page(page: object, number: int) -> PageGeometry:
    from pypdfium2 import raw

    width, height = page.get_size()  # type: ignore[attr-defined]
    geo = PageGeometry(number, float(width), float(height))
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        text = textpage.get_text_range()
        geo.text = text
        for i in range(min(textpage.count_chars(), len(text))):
            ch = text[i]
            if ch.isspace() or not ch.isprintable():
                continue
            left, bottom, right, top = _char_box(textpage, i)
            if right <= left and top <= bottom:
                continue  # generated characters (line ends) have no box
            geo.words.append(Word(ch, left, height - top, right, height - bottom, number))
    finally:
        textpage.close()
    kinds = [raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE]
    for obj in page.get_objects(filter=kinds, max_depth=3):  # type: ignore[attr-defined]
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            geo.images.append((left, height - top, right, height - bottom))
            continue
        stroked = _stroked(obj, raw)
        for box in _path_boxes(obj, raw):
            x0, y0, x1, y1 = box
            if not stroked and min(x1 - x0, y1 - y0) > RULING_MAX_THICKNESS:
                continue  # a filled area (shading behind text, a coloured header), not a border
            geo.rulings.extend(rulings_from_box((x0, height - y1, x1, height - y0), number))
    return geo


def _char_box(textpage: object, i: int) -> tuple[float, float, float, float]:
    """The character's loose box (advance width × font height) where it is sane, else its glyph.

    Loose boxes make the glyphs of one number touch, so a visible gap is a real space; but
    PDFium's loose box of a rotated glyph (a vertical 三、本年度办理结果) spans half the table,
    and its centre would land in the wrong cell.
    """
    tight = textpage.get_charbox(i)  # type: ignore[attr-defined]
    loose = textpage.get_charbox(i, loose=True)  # type: ignore[attr-defined]
    size = max(tight[3] - tight[1], tight[2] - tight[0], 1.0)
    cx, cy = (tight[0] + tight[2]) / 2, (tight[1] + tight[3]) / 2
    sane = (
        loose[2] - loose[0] <= 2 * size + 4
        and loose[3] - loose[1] <= 2 * size + 4
        and loose[0] <= cx <= loose[2]
        and loose[1] <= cy <= loose[3]
    )
    return tuple(loose) if sane else tuple(tight)


def _stroked(obj: object, raw: object) -> bool:
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    ok = raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))  # type: ignore[attr-defined]
    return bool(ok) and bool(stroke.value)


def _path_boxes(obj: object, raw: object) -> list[BBox]:
    """Boxes (PDF user space, bottom-left origin) of a path's straight parts.

    A path that is one rectangle or one line is its bounds; a longer path (a whole grid drawn
    as one path) is cut into its line segments, each a thin box.
    """
    left, bottom, right, top = obj.get_bounds()  # type: ignore[attr-defined]
    handle = obj.raw  # type: ignore[attr-defined]
    n = raw.FPDFPath_CountSegments(handle)  # type: ignore[attr-defined]
    if n <= 5 or min(right - left, top - bottom) <= 1.0:
        return [(left, bottom, right, top)]
    matrix = obj.get_matrix()  # type: ignore[attr-defined]
    x = ctypes.c_float()
    y = ctypes.c_float()
    boxes: list[BBox] = []
    prev: tuple[float, float] | None = None
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(handle, i)  # type: ignore[attr-defined]
        raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))  # type: ignore[attr-defined]
        point = matrix.on_point(x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(seg)  # type: ignore[attr-defined]
        if kind == _LINETO and prev is not None:
            (ax, ay), (bx, by) = prev, point
            boxes.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
        prev = point
    return boxes


def pdf_tables(data: bytes, lines: Sequence[str], *, max_pages: int | None = None) -> list[Table]:
    """The ruled tables of a PDF (see ``tables_of``)."""
    return tables_of(read_geometry(data, max_pages=max_pages), lines)


def tables_of(pages: Sequence[PageGeometry], lines: Sequence[str]) -> list[Table]:
    """The ruled tables of the pages as grid rows, a table continued on the next page joined.

    Each row cites the first line of ``lines`` (the document's text) holding its label, searched
    forward from the previous row, so facts point at the text a reader sees.
    """
    tables: list[Table] = []
    last_page = 0
    for geo in pages:
        page_tables = tables_from_words(geo.words, geo.rulings)
        if page_tables and tables and geo.page == last_page + 1:
            carried = _continuation(tables[-1], page_tables[0])
            if carried is not None:
                tables[-1].rows.extend(carried)
                page_tables.pop(0)
        tables.extend(page_tables)
        if page_tables or tables:
            last_page = geo.page
    _cite_lines(tables, lines)
    return tables


def _columns(table: Table) -> list[tuple[float, float]]:
    """Each grid column's x range: the narrowest box any row gives that position.

    A merged cell repeats its box into every position it covers, so one row's boxes can
    span several columns; across the rows each column shows its own width somewhere.
    """
    out: list[tuple[float, float]] = []
    for j in range(len(table.rows[0].cells)):
        spans = [(r.boxes[j][0], r.boxes[j][2]) for r in table.rows if r.boxes is not None]
        out.append(min(spans, key=lambda s: s[1] - s[0]))
    return out


def _continuation(before: Table, after: Table) -> list[TableRow] | None:
    """``after``'s rows in ``before``'s columns when it is ``before`` run over a page break.

    The carried-over part spans the same width and each of its column borders is one of
    ``before``'s (it may start with a header of its own: a 表二 block, a repeated header).
    It may lack borders of cells merged on that page (a label spanning three columns), so
    its cells are mapped onto ``before``'s columns.
    """
    if any(r.boxes is None for r in (*before.rows, *after.rows)):
        return None
    cols, theirs = _columns(before), _columns(after)
    edges = {round(x) for c in cols for x in c}
    if abs(cols[0][0] - theirs[0][0]) > 2 * SNAP or abs(cols[-1][1] - theirs[-1][1]) > 2 * SNAP:
        return None
    if any(min(abs(x - e) for e in edges) > 2 * SNAP for c in theirs for x in c):
        return None
    rows: list[TableRow] = []
    for row in after.rows:
        assert row.boxes is not None
        cells: list[str] = []
        boxes: list[BBox] = []
        for x0, x1 in cols:
            mid = (x0 + x1) / 2
            k = next(i for i, b in enumerate(row.boxes) if b[0] - SNAP <= mid <= b[2] + SNAP)
            cells.append(row.cells[k])
            boxes.append(row.boxes[k])
        rows.append(TableRow(cells, row.line, row.page, boxes))
    return rows


def _cite_lines(tables: Sequence[Table], lines: Sequence[str]) -> None:
    """Point each row at the first line from the previous row's on that holds its label, or
    for a row of numbers only (表四's value row) its numbers in order."""
    squashed = [_SPACE.sub("", ln) for ln in lines]
    spaced = [" ".join(ln.split()) for ln in lines]
    cursor = 0
    for table in tables:
        for row in table.rows:
            labels: list[str] = []
            numbers: list[str] = []
            seen: set[str] = set()
            for c in row.cells:
                text = c.replace(" ", "")
                if not text or c in seen:
                    continue  # a merged cell repeats its text
                seen.add(c)
                (numbers if _NUMERIC.fullmatch(text) else labels).append(text)
            if labels:
                key, haystack = labels[-1][:12], squashed
            else:
                key, haystack = " ".join(c.replace(" ", "") for c in row.cells if c.strip()), spaced
            found = next((i for i in range(cursor, len(lines)) if key and key in haystack[i]), None)
            if found is not None:
                cursor = found
            row.line = cursor + 1
