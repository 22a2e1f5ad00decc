"""Word documents: headings, paragraphs and real tables whose group labels are merged cells."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from govreports_cli.samples.model import Heading, Para, SampleTruth, Signature, TableBlock, Title


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
            for part in block.text.split("\n"):
                doc.add_heading(part, level=0)
            doc.add_paragraph(f"发布时间：{truth.site.published_at[:10]}")
        elif isinstance(block, Heading):
            doc.add_heading(block.text, level=1)
        elif isinstance(block, Para):
            for part in block.text.split("\n"):
                doc.add_paragraph(part)
        elif isinstance(block, TableBlock):
            _table(doc, block)
        elif isinstance(block, Signature):
            for line in (block.agency, block.date_text):
                if line:
                    doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    published = dt.datetime.fromisoformat(truth.site.published_at)
    props = doc.core_properties
    props.title = truth.title
    props.author = props.last_modified_by = truth.agency
    props.created = props.modified = published
    out = io.BytesIO()
    doc.save(out)
    return _restamp(out.getvalue(), published)


def _restamp(data: bytes, when: dt.datetime) -> bytes:
    """Give every zip member the same timestamp, so one truth always yields the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
