"""PDF with reportlab's built-in CID font STSong-Light (no font file).

Tables come in two layouts, chosen per report from its title so a sample set has both:
- text rows: each table row one line of text, cells separated by spaces, no rulings;
- ruled (as Word/WPS exports them, 洪泽区 2023/2024): every cell a stroked box, labels at the
  top of their cell, numbers at its bottom, drawn row by row, so in the text layer a row's
  numbers are followed by the next row's label (``… 0 1`` then ``2.其他法律…``); a table that
  does not fit continues on the next page with no header and no border at the cut.
"""

from __future__ import annotations

import io
import re
import zlib

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from govreports_cli.samples.model import (
    Cell,
    Heading,
    Para,
    SampleTruth,
    Signature,
    TableBlock,
    Title,
)
from govreports_cli.samples.render_txt import table_rows

FONT = "STSong-Light"
WIDTH, HEIGHT = A4
MARGIN = 56.0
TEXT_WIDTH = WIDTH - 2 * MARGIN


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _char_width(ch: str, size: float) -> float:
    return size * (0.5 if ord(ch) < 0x2E80 else 1.0)


def wrap(text: str, size: float, width: float = TEXT_WIDTH) -> list[str]:
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for ch in text:
        w = _char_width(ch, size)
        if used + w > width and line:
            lines.append("".join(line))
            line, used = [], 0.0
        line.append(ch)
        used += w
    lines.append("".join(line))
    return lines


class _Writer:
    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.y = HEIGHT - MARGIN
        self.page = 1

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = HEIGHT - MARGIN

    def line(self, text: str, size: float, *, right: bool = False, center: bool = False) -> None:
        if self.y < MARGIN + size:
            self.new_page()
        self.canvas.setFont(FONT, size)
        width = sum(_char_width(ch, size) for ch in text)
        x = WIDTH - MARGIN - width if right else (WIDTH - width) / 2 if center else MARGIN
        # A trailing space gives the last CJK glyph an advance (see _draw_rows).
        self.canvas.drawString(x, self.y - size, text + " ")
        self.y -= size * 1.6

    def _footer(self) -> None:
        self.canvas.setFont(FONT, 9)
        self.canvas.drawCentredString(WIDTH / 2, MARGIN / 2, f"- {self.page} -")

    def finish(self) -> None:
        self._footer()
        self.canvas.save()


_NUMBER = re.compile(r"-?[\d.]+(?:万元|元)?")
CELL_FONT = 7.5
VALUE_WIDTH = 34.0  # points per numeric column


def ruled_tables(truth: SampleTruth) -> bool:
    """Whether this report's tables are drawn as ruled grids (about half of the reports)."""
    return zlib.crc32(truth.title.encode()) % 2 == 0


def _is_value_column(table: TableBlock, j: int) -> bool:
    return any(
        row[j] is not None and not row[j].header and _NUMBER.fullmatch(row[j].flat)  # type: ignore[union-attr]
        for row in table.grid()
    )


def _column_edges(table: TableBlock) -> list[float]:
    values = [_is_value_column(table, j) for j in range(table.width)]
    n_values = sum(values)
    if n_values in (0, table.width):
        widths = [TEXT_WIDTH / table.width] * table.width
    else:
        value_w = min(VALUE_WIDTH, 0.6 * TEXT_WIDTH / n_values)
        label_w = (TEXT_WIDTH - n_values * value_w) / (table.width - n_values)
        widths = [value_w if v else label_w for v in values]
    edges = [MARGIN]
    for width in widths:
        edges.append(edges[-1] + width)
    return edges


def _row_heights(table: TableBlock, edges: list[float]) -> list[float]:
    heights = [2.6 * CELL_FONT] * len(table.rows)
    for r, row in enumerate(table.grid()):
        for j, cell in enumerate(row):
            if cell is None or cell.rowspan > 1:
                continue
            width = edges[j + cell.colspan] - edges[j] - 4
            lines = len(_cell_lines(cell, width))
            heights[r] = max(heights[r], (lines + 1.2) * CELL_FONT * 1.25)
    return heights


def _cell_lines(cell: Cell, width: float) -> list[str]:
    return [p for line in cell.text.split("\n") for p in wrap(line, CELL_FONT, width)] or [""]


def _draw_ruled(w: _Writer, table: TableBlock) -> None:
    edges = _column_edges(table)
    heights = _row_heights(table, edges)
    grid = table.grid()
    r = 0
    while r < len(grid):
        if w.y - heights[r] < MARGIN:
            w.new_page()
        # The rows that fit on this page.
        top = w.y
        rows: list[int] = []
        y = top
        while r < len(grid) and (y - heights[r] >= MARGIN or not rows):
            rows.append(r)
            y -= heights[r]
            r += 1
        ys = [top]
        for i in rows:
            ys.append(ys[-1] - heights[i])
        _draw_rows(w, grid, rows, ys, edges)
        w.y = ys[-1] - CELL_FONT
        if r < len(grid):
            w.new_page()


def _draw_rows(
    w: _Writer, grid: list[list[Cell | None]], rows: list[int], ys: list[float], edges: list[float]
) -> None:
    """The cells of ``rows`` (one page's part of a table), boxes clipped to the page."""
    canvas = w.canvas
    canvas.setLineWidth(0.6)
    first, last = rows[0], rows[-1]
    owners: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(grid):
        for j, cell in enumerate(row):
            if cell is not None and r <= last and r + cell.rowspan - 1 >= first:
                owners[(r, j)] = cell
    for (cr, cj), cell in owners.items():
        start, end = max(cr, first), min(cr + cell.rowspan - 1, last)
        x0, x1 = edges[cj], edges[cj + cell.colspan]
        y_top, y_bottom = ys[start - first], ys[end - first + 1]
        canvas.line(x0, y_top, x0, y_bottom)
        canvas.line(x1, y_top, x1, y_bottom)
        # At a page cut the box has no border, as Word draws a table split over two pages.
        if start == cr or start != first:
            canvas.line(x0, y_top, x1, y_top)
        if end == cr + cell.rowspan - 1 or end != last:
            canvas.line(x0, y_bottom, x1, y_bottom)
        if start != cr:
            continue  # its text was drawn on the page where the cell starts
        canvas.setFont(FONT, CELL_FONT)
        if _NUMBER.fullmatch(cell.flat) and not cell.header:
            canvas.drawCentredString((x0 + x1) / 2, y_bottom + 0.45 * CELL_FONT, cell.flat)
        else:
            for k, line in enumerate(_cell_lines(cell, x1 - x0 - 4)):
                # reportlab's built-in CID font gives a string's last CJK glyph no advance, and
                # PDFium drops a text object with no width (a lone 条 or a wrapped 息): the
                # trailing space gives it one, as real fonts with their metrics do.
                canvas.drawString(x0 + 2, y_top - (k + 1) * CELL_FONT * 1.25, line + " ")


def render_pdf(truth: SampleTruth) -> bytes:
    assert truth.site is not None
    _font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(truth.title)
    w = _Writer(canvas)
    for block in truth.blocks:
        if isinstance(block, Title):
            for part in (p for line in block.text.split("\n") for p in wrap(line, 16)):
                w.line(part, 16, center=True)
            w.line(f"发布时间：{truth.site.published_at[:10]}", 10, center=True)
        elif isinstance(block, Heading):
            w.line(block.text, 12)
        elif isinstance(block, Para):
            for part in (p for line in block.text.split("\n") for p in wrap(line, 10.5)):
                w.line(part, 10.5)
        elif isinstance(block, TableBlock) and ruled_tables(truth):
            _draw_ruled(w, block)
        elif isinstance(block, TableBlock):
            for cells in table_rows(block):
                text = " ".join(c or " " for c in cells)
                natural = sum(_char_width(ch, 1.0) for ch in text)
                w.line(text, min(9.0, TEXT_WIDTH / natural))
        elif isinstance(block, Signature):
            for line in (block.agency, block.date_text):
                if line:
                    w.line(line, 10.5, right=True)
    w.finish()
    return out.getvalue()
