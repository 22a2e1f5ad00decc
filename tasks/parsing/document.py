"""What a file reader hands to the extractors: normalized text lines plus any real table cells.

Readers (txt, html, pdf, docx) differ in what they can recover: a flattened
page gives only text; an HTML or Word table gives its cells. Extractors work
on this one shape, so every format goes through the same label matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class TableRow:
    """One row of a real table, rowspan/colspan already expanded into repeated cells.

    This is the grid model every reader feeds (see ``grid``): HTML and docx give the cells,
    PDF geometry and OCR also give where each cell sits on its page.
    """

    cells: list[str]
    line: int  # 1-based line of ``Document.lines`` where this row is rendered
    page: int | None = None  # 1-based page, for PDF geometry and OCR
    boxes: list[tuple[float, float, float, float]] | None = None  # per cell x0, top, x1, bottom


@dataclass(slots=True)
class Table:
    rows: list[TableRow] = field(default_factory=list)
    note: str | None = None  # what the reader could not take in (a capped grid), for the notes


@dataclass(slots=True)
class Document:
    kind: str  # txt | html | pdf | docx
    # Normalized text, one entry per line; a fact's ``line`` is a 1-based index into it.
    lines: list[str]
    tables: list[Table] = field(default_factory=list)
    # Metadata the container states outside the body: crawler header fields (标题, 发布时间,
    # 发布机构), HTML <title>/<meta>, PDF document info. Keys are free-form, values raw text.
    meta: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # 1-based lines read by OCR from a page image; facts read from them say so (source "ocr").
    ocr_lines: set[int] = field(default_factory=set)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
