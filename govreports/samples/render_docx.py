"""Word documents: headings, paragraphs and real tables whose group labels are merged cells."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from govreports.samples.model import Heading, Para, SampleTruth, Signature, TableBlock, Title


def _table(doc: object, block: TableBlock) -> None:
    table = doc.add_table(rows=len(block.rows), cols=block.width)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    cells = table._cells  # one flat list: indexing it is far faster than table.cell(r, c)
    for r, row in enumerate(block.grid()):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            target = cells[r * block.width + c]
            if cell.rowspan > 1 or cell.colspan > 1:
                corner = cells[(r + cell.rowspan - 1) * block.width + c + cell.colspan - 1]
                target = target.merge(corner)
            target.text = cell.text


def render_docx(truth: SampleTruth) -> bytes:
    assert truth.site is not None
    doc = Document()
    for block in truth.blocks:
        if isinstance(block, Title):
            doc.add_heading(block.text, level=0)
            doc.add_paragraph(f"发布时间：{truth.site.published_at[:10]}")
        elif isinstance(block, Heading):
            doc.add_heading(block.text, level=1)
        elif isinstance(block, Para):
            doc.add_paragraph(block.text)
        elif isinstance(block, TableBlock):
            _table(doc, block)
        elif isinstance(block, Signature):
            for line in (block.agency, block.date_text):
                if line:
                    doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.core_properties.title = truth.title
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
