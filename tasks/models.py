"""The parser's typed output: one report with its facts, as in data-contract.md §1.

Every parsed value keeps the text it was read from (``Fact.raw``) and where
(``Fact.line``), so a maintainer can check a number against the document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1"
PARSER_VERSION = "0.1.0"

Format = Literal["pre2019", "2019", "2021", "unknown"]


@dataclass(frozen=True, slots=True)
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    """One number stated by the report, keyed ``table / row / column`` (data-contract.md §2)."""

    table: str
    row: str
    column: str
    value: int | float
    unit: str | None = None
    approximate: bool = False
    raw: str = ""
    line: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


@dataclass(slots=True)
class Report:
    report_id: str
    title: str | None = None
    agency: str | None = None
    report_year: int | None = None
    format: Format = "unknown"
    published_on: str | None = None
    signed_on: str | None = None
    region: Region = field(default_factory=Region)
    sections: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION
    # The normalized text, kept for the text rules (R12, R15, R16); not part of the JSON contract.
    text: str = field(default="", repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of data-contract.md §1, keys in contract order."""
        return {
            "schema_version": self.schema_version,
            "report_id": self.report_id,
            "title": self.title,
            "agency": self.agency,
            "report_year": self.report_year,
            "format": self.format,
            "published_on": self.published_on,
            "signed_on": self.signed_on,
            "region": asdict(self.region),
            "sections": list(self.sections),
            "facts": [asdict(f) for f in self.facts],
            "notes": list(self.notes),
        }

    def fact(self, table: str, row: str, column: str) -> Fact | None:
        for f in self.facts:
            if f.table == table and f.row == row and f.column == column:
                return f
        return None


class ParseError(Exception):
    """A document the parser cannot make sense of; the pipeline quarantines it.

    ``code`` is a short stable identifier (``empty``, ``unsupported_type``,
    ``unreadable``, ``encrypted``, ``not_a_report``, ``too_large``, …);
    ``reason`` is one human sentence naming what is wrong.
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
