"""The generated report: contract fields (what a parser must recover) plus the document body.

The body is a sequence of blocks decided once per report, so every layout
renders the very same words and numbers and differs only in presentation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from govreports.contract.models import SCHEMA_VERSION, Fact, Format, Region


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # "\n" marks where a Word header label wraps (rendered as <br/> in HTML)
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    zero: bool = False  # a 0 the HTML layout may show as an empty cell (&nbsp;)

    @property
    def flat(self) -> str:
        return self.text.replace("\n", "")


@dataclass(frozen=True, slots=True)
class Title:
    text: str  # "\n" where the document breaks the title over two lines (agency / year…报告)

    @property
    def flat(self) -> str:
        return self.text.replace("\n", "")


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    text: str  # "\n" marks a hard line break inside the paragraph (a wrapped preamble)


@dataclass(frozen=True, slots=True)
class TableBlock:
    rows: tuple[tuple[Cell, ...], ...]
    width: int  # number of grid columns once spans are expanded

    def grid(self) -> list[list[Cell | None]]:
        """Rows × columns with each cell at its top-left slot and ``None`` where a span covers."""
        out: list[list[Cell | None]] = [[None] * self.width for _ in self.rows]
        taken = [[False] * self.width for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while taken[r][c]:
                    c += 1
                out[r][c] = cell
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken[r + dr][c + dc] = True
                c += cell.colspan
        return out


@dataclass(frozen=True, slots=True)
class Signature:
    agency: str
    date_text: str | None


Block = Title | Heading | Para | TableBlock | Signature


@dataclass(frozen=True, slots=True)
class Site:
    owner: str  # the local government whose site publishes the page, often not the agency
    domain: str
    published_at: str  # "YYYY-MM-DD HH:MM" as the CMS shows it
    breadcrumb: tuple[str, ...]


@dataclass(slots=True)
class SampleTruth:
    title: str
    agency: str
    report_year: int
    format: Format
    published_on: str | None
    signed_on: str | None
    region: Region
    sections: list[str]
    facts: list[Fact]
    blocks: tuple[Block, ...] = ()
    site: Site | None = None
    table_variant: str = "none"  # pre2019: national | legacy | none; 2019/2021: national
    blank_zeros: bool = False
    chrome: bool = False  # web-page boilerplate (当前位置, 字体, 扫一扫, 附件下载) around the body
    violated: str | None = None
    # How the title names the report (see truth.TITLE_STYLES) and whether a preamble citing
    # the 条例, the province's 规定 and the notice stands above it.
    title_style: str = "plain"
    preamble: bool = False

    def to_dict(self, layout: str | None = None) -> dict[str, Any]:
        """data-contract.md §1 without ``report_id`` (the bytes differ per layout), plus layout."""
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "agency": self.agency,
            "report_year": self.report_year,
            "format": self.format,
            "published_on": self.published_on,
            "signed_on": self.signed_on,
            "region": asdict(self.region),
            "sections": list(self.sections),
            # A scanned layout's table facts can only be read by OCR, and say so.
            "facts": [{**asdict(f), "source": fact_source(f, layout)} for f in self.facts],
            "notes": [],
        }
        if layout is not None:
            out["layout"] = layout
        return out


def fact_source(fact: Fact, layout: str | None) -> str:
    """Where a reader gets this fact from in ``layout``: the page images, or the text."""
    if layout == "pdf_scan" or (layout == "pdf_table_images" and fact.table != "text"):
        return "ocr"
    return fact.source
