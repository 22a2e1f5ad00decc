"""The parser's typed output: one report with its facts, as in data-contract.md §1.

Every parsed value keeps the text it was read from (``Fact.raw``) and where
(``Fact.line``), so a maintainer can check a number against the document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from operator import attrgetter
from typing import Any, Literal

# 2: ``meta_sources`` added (docs/contract-changelog.md).
# 3: ``Fact.source`` ("text" | "ocr") added (docs/contract-changelog.md).
SCHEMA_VERSION = "3"
PARSER_VERSION = "0.1.0"

Format = Literal["pre2019", "2019", "2021", "unknown"]
FactSource = Literal["text", "ocr"]


@dataclass(frozen=True, slots=True)
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None


@dataclass(frozen=True, slots=True)
class MetaSource:
    """Where a metadata value (title, agency, report_year, region) was read.

    ``raw`` is the text as the document states it (before a CMS suffix, a year or a
    breadcrumb was cut off), ``source`` the kind of place (``title``, ``meta:标题``,
    ``body``, ``signature``, ``self-reference``, ``publisher``, ``address``,
    ``statistics period``, ``body years``, …), ``line`` its 1-based line in the
    normalized text when it comes from the body, ``score`` the weight that chose it
    over the other candidates.
    """

    raw: str
    source: str
    line: int | None = None
    score: float = 0.0


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
    # Where the value was read: the document's text ("text") or a page image by OCR ("ocr").
    source: FactSource = "text"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)

    def __reduce__(self) -> tuple[type[Fact], tuple[Any, ...]]:
        # Pickled by position. A slotted dataclass's own __setstate__ looks its fields up again
        # for every object, and each parsed report crosses the parse child's pipe with its
        # hundreds of facts: py-spy put unpickling at 9% of a 10,000 burst's worker time.
        return (Fact, _fact_values(self))


# Every field, in declaration order (what slots=True puts in __slots__): one field list.
_fact_values = attrgetter(*Fact.__slots__)


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
    # Per metadata field (title, agency, report_year, region): the text it was chosen from.
    meta_sources: dict[str, MetaSource] = field(default_factory=dict)
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
            "meta_sources": {k: asdict(v) for k, v in self.meta_sources.items()},
        }

    def fact(self, table: str, row: str, column: str) -> Fact | None:
        for f in self.facts:
            if f.table == table and f.row == row and f.column == column:
                return f
        return None


class ParseError(Exception):
    """A document the parser cannot make sense of; the pipeline quarantines it.

    ``code`` is one of ``govreports.contract.reasons.CODES`` (``empty``, ``unsupported_type``,
    ``unreadable``, ``encrypted``, ``not_a_report``, ``too_large``, …);
    ``reason`` is one human sentence naming what is wrong.
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
