"""PDF with reportlab's built-in CID font STSong-Light (no font file), tables as text rows."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from govreports.samples.model import Heading, Para, SampleTruth, Signature, TableBlock, Title
from govreports.samples.render_txt import table_rows

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

    def line(self, text: str, size: float, *, right: bool = False, center: bool = False) -> None:
        if self.y < MARGIN + size:
            self._footer()
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN
        self.canvas.setFont(FONT, size)
        width = sum(_char_width(ch, size) for ch in text)
        x = WIDTH - MARGIN - width if right else (WIDTH - width) / 2 if center else MARGIN
        self.canvas.drawString(x, self.y - size, text)
        self.y -= size * 1.6

    def _footer(self) -> None:
        self.canvas.setFont(FONT, 9)
        self.canvas.drawCentredString(WIDTH / 2, MARGIN / 2, f"- {self.page} -")

    def finish(self) -> None:
        self._footer()
        self.canvas.save()


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
