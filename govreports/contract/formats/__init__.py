"""The report formats: one module per table generation, a registry and the one detector.

Each module (``pre2019``, ``f2019``, ``f2021``) declares its ``LAYOUT``: the fingerprint
labels only it prints, the report years it was in force, its 表二 form and the template
cells of its tables. Everything that depends on the format reads it from here: the
metadata's ``format`` and the table parser (``detect_format``), the parser's 表二 columns
when a header cannot be read (``proactive_form``) and the completeness rule R17
(``TEMPLATE_CELLS``). A new layout is a new module listed in ``LAYOUTS`` plus its tests.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govreports.contract.formats import f2019, f2021, pre2019
from govreports.contract.formats._layout import Cell, Layout

if TYPE_CHECKING:
    from govreports.contract.models import Format

__all__ = [
    "LAYOUTS",
    "TABLE_NAMES",
    "TEMPLATE_CELLS",
    "Cell",
    "Layout",
    "detect_format",
    "layout",
    "proactive_form",
]

# In the order their fingerprints are tried: the newest generation's labels first, since a
# 2021 report may keep a few 2019 labels but not the other way round.
LAYOUTS: tuple[Layout, ...] = (f2021.LAYOUT, f2019.LAYOUT, pre2019.LAYOUT)
_BY_NAME: dict[str, Layout] = {lay.name: lay for lay in LAYOUTS}
# The generation whose forms apply when a report's own has none (表二 of a pre-2019 report).
_CURRENT = f2021.LAYOUT

# Labels found only in the 2019 and 2021 uniform tables (表二, 表三, 表四), whichever the
# generation: with the report year they say which one.
_UNIFORM_TABLE = re.compile(
    r"结果维持|结果纠正|尚未审结|未经复议直接起诉|本年新收(?:政府信息公开)?申请|第二十条第（[一二三四五六七八九十]）项"
)
_WHITESPACE = re.compile(r"\s+")

TABLE_NAMES = {"proactive": "表二", "applications": "表三", "review_litigation": "表四"}


def layout(fmt: str) -> Layout | None:
    return _BY_NAME.get(fmt)


def detect_format(text: str, year: int | None = None) -> Format:
    """The table generation from label fingerprints (report-formats.md §3.5), else from the
    report year: a year before 2019 is pre2019; a later one needs a uniform table's label
    (表四 alone, say) and then names the generation in force that year."""
    condensed = _WHITESPACE.sub("", text)
    for lay in LAYOUTS:
        if lay.fingerprint.search(condensed):
            return lay.name
    if year is None:
        return "unknown"
    uniform: bool | None = None
    for lay in LAYOUTS:
        if not lay.in_force(year):
            continue
        if lay.uniform:
            if uniform is None:
                uniform = _UNIFORM_TABLE.search(condensed) is not None
            if not uniform:
                continue
        return lay.name
    return "unknown"


def proactive_form(fmt: str) -> dict[str, tuple[str, ...]]:
    """表二 rows and their columns in the format's form; the current generation's for a format
    without a 表二 form (pre2019, unknown)."""
    own = _BY_NAME.get(fmt)
    return dict((own if own and own.proactive else _CURRENT).proactive)


def _template_cells() -> dict[str, dict[str, dict[str, tuple[Cell, ...]]]]:
    """Per format with template cells, per table: the format's own form first, then every
    other generation's different form of the same table as an accepted variant, because
    real reports mix them (洪泽区 2023/2024 print 表三 （六） as the 2019 single row in an
    otherwise 2021 report; some 2021-2022 reports keep the 2019 表二 columns)."""
    out: dict[str, dict[str, dict[str, tuple[Cell, ...]]]] = {}
    for own in LAYOUTS:
        if not own.tables:
            continue
        out[own.name] = {}
        for table, cells in own.tables.items():
            variants: dict[str, tuple[Cell, ...]] = {own.name: cells}
            for other in LAYOUTS:
                theirs = (other.tables or {}).get(table)
                if theirs is not None and theirs != cells:
                    variants[other.name] = theirs
            out[own.name][table] = variants
    return out


TEMPLATE_CELLS = _template_cells()
