"""A scanned report: the page images of a printed report, in a PDF with no text layer.

Also its cousin: a text PDF whose statistics tables are pasted in as pictures.

The report is typeset with a real CJK font (WenQuanYi Micro Hei, shipped in a wheel, so
nothing is downloaded and the glyphs are drawn rather than left to the viewer), the tables
as a printed form would set them: the label at the left, each value in its own column,
rules between the rows. Each page is then rendered to a grayscale image and JPEG-compressed
like a scanner's output; the PDF holds those images only, so a reader has to OCR them.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from govreports_cli.samples.model import Heading, Para, Signature, TableBlock, Title
from govreports_cli.samples.render_txt import table_rows

if TYPE_CHECKING:
    from govreports_cli.samples.model import Block, SampleTruth

FONT = "WenQuanYiMicroHei"
WIDTH, HEIGHT = A4
MARGIN = 56.0
TEXT_WIDTH = WIDTH - 2 * MARGIN
# Scan resolution: 150 dpi is the common office-scanner default for text documents.
SCAN_DPI = 150
# Width of one value column of a table (PDF points); values are right-aligned in it.
VALUE_COLUMN = 30.0


@cache
def _font() -> str:
    path = files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
    pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    return FONT


def _width(text: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, FONT, size))


def _wrap(text: str, size: float, width: float = TEXT_WIDTH) -> list[str]:
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and _width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    return lines


class _Pages:
    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.y = HEIGHT - MARGIN
        self.page = 1

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self._footer()
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN

    def text(self, text: str, size: float, *, align: str = "left") -> None:
        self.room(size * 1.6)
        self.canvas.setFont(FONT, size)
        width = _width(text, size)
        x = {"left": MARGIN, "right": WIDTH - MARGIN - width, "center": (WIDTH - width) / 2}[align]
        self.canvas.drawString(x, self.y - size, text)
        self.y -= size * 1.6

    def row(self, cells: list[str], values: int) -> None:
        """One table row: leading label cells, then ``values`` right-aligned value columns.

        A value column is at least ``VALUE_COLUMN`` wide and leaves a clear gap beside its
        widest value, as a printed form's column does.
        """
        size = 9.0
        height = size * 2.0
        self.room(height)
        labels, numbers = cells[: len(cells) - values], cells[len(cells) - values :]
        widest = max(_width(v, size) for v in numbers)
        column = min(max(VALUE_COLUMN, widest + 2 * size), (TEXT_WIDTH - 40) / values)
        label = "".join(labels)
        label_room = TEXT_WIDTH - values * column - 6
        label_size = size
        if label and _width(label, size) > label_room:
            label_size = max(5.0, size * label_room / _width(label, size))
        base = self.y - height + (height - size) / 2 + 1.5
        self.canvas.setFont(FONT, label_size)
        self.canvas.drawString(MARGIN + 2, base, label)
        self.canvas.setFont(FONT, size)
        for i, value in enumerate(numbers):
            right = WIDTH - MARGIN - (values - 1 - i) * column - 3
            self.canvas.drawRightString(right, base, value)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(MARGIN, self.y, WIDTH - MARGIN, self.y)
        self.canvas.line(MARGIN, self.y - height, WIDTH - MARGIN, self.y - height)
        self.y -= height

    def _footer(self) -> None:
        self.canvas.setFont(FONT, 9)
        self.canvas.drawCentredString(WIDTH / 2, MARGIN / 2, f"- {self.page} -")

    def finish(self) -> None:
        self._footer()
        self.canvas.save()


def _value_count(cells: list[str]) -> int:
    """How many trailing cells of a row are values (numbers), the rest being its label."""
    n = 0
    for cell in reversed(cells):
        if not cell.replace(".", "", 1).replace("-", "", 1).isdigit():
            break
        n += 1
    return n


def _block(pages: _Pages, block: Block, published_at: str, *, pictures: bool) -> None:
    if isinstance(block, Title):
        for part in _wrap(block.text, 16):
            pages.text(part, 16, align="center")
        pages.text(f"发布时间：{published_at[:10]}", 10, align="center")
    elif isinstance(block, Heading):
        pages.text(block.text, 12)
    elif isinstance(block, Para):
        for part in _wrap(block.text, 10.5):
            pages.text(part, 10.5)
    elif isinstance(block, TableBlock) and pictures:
        _table_picture(pages, block)
    elif isinstance(block, TableBlock):
        for cells in table_rows(block):
            _table_row(pages, cells)
    elif isinstance(block, Signature):
        for line in (block.agency, block.date_text):
            if line:
                pages.text(line, 10.5, align="right")


def _table_picture(pages: _Pages, block: TableBlock) -> None:
    """The table typeset on its own, photographed, and pasted in where it stands."""
    import pypdfium2 as pdfium

    rows = table_rows(block)
    height = len(rows) * 18.0 + 4  # 18 points is the tallest row (a value row)
    out = io.BytesIO()
    # Typeset on a page tall enough that the table never breaks, then cut it out.
    alone = _Pages(Canvas(out, pagesize=(WIDTH, height + 2 * MARGIN), invariant=True))
    alone.y = height + MARGIN
    for cells in rows:
        _table_row(alone, cells)
    alone.canvas.save()
    document = pdfium.PdfDocument(out.getvalue())
    try:
        crop = (0, MARGIN, 0, MARGIN - 2)  # left, bottom, right, top in points
        image = document[0].render(scale=SCAN_DPI / 72, grayscale=True, crop=crop).to_pil()
    finally:
        document.close()
    pages.room(height)
    pages.canvas.drawInlineImage(image, 0, pages.y - height, width=WIDTH, height=height)
    pages.y -= height


def _table_row(pages: _Pages, cells: list[str]) -> None:
    if values := _value_count(cells):
        pages.row(cells, values)
    else:
        # A header row: its labels in one line, as the form prints them.
        text = " ".join(cells)
        pages.text(text, min(9.0, 9.0 * TEXT_WIDTH / max(_width(text, 9.0), 1.0)))


def typeset(truth: SampleTruth, *, table_pictures: bool = False) -> bytes:
    """The report as a text PDF with the CJK font embedded (the page before it is scanned).

    ``table_pictures``: each statistics table is pasted in as a picture (a text PDF whose
    tables only OCR can read).
    """
    assert truth.site is not None
    _font()
    out = io.BytesIO()
    pages = _Pages(Canvas(out, pagesize=A4, invariant=True))
    for block in truth.blocks:
        _block(pages, block, truth.site.published_at, pictures=table_pictures)
    pages.finish()
    return out.getvalue()


def scan(pdf: bytes, dpi: int = SCAN_DPI) -> bytes:
    """Each page of ``pdf`` as a grayscale JPEG image, in a PDF with no text layer."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = [
            document[i].render(scale=dpi / 72, grayscale=True).to_pil()
            for i in range(len(document))
        ]
    finally:
        document.close()
    out = io.BytesIO()
    first, *rest = images
    # resolution makes each page A4 in PDF points again; quality as an office scanner saves.
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=dpi, quality=80)
    return out.getvalue()


def render_scan(truth: SampleTruth) -> bytes:
    return scan(typeset(truth))


def render_table_pictures(truth: SampleTruth) -> bytes:
    """A text PDF whose statistics tables are pictures (only OCR reads their numbers)."""
    return typeset(truth, table_pictures=True)
