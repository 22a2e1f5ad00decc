"""Reports written in traditional characters are read after conversion to simplified.

Traditional characters are the same language and the same report: the labels (本年新收政府
信息公開申請數量) match once converted (OpenCC ``t2s``, a dictionary conversion, not a guess).
The digits, and so every value, are untouched; the note says the text was converted.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from tasks.parsing.document import Document, Table, TableRow

if TYPE_CHECKING:
    from collections.abc import Callable

_HAN = re.compile(r"[\u3400-\u9fff]")
# Share of Han characters that t2s changes above which the text is taken as traditional:
# simplified reports change almost none (a few variant forms), traditional ones 20-40%.
_TRADITIONAL_SHARE = 0.05
_SAMPLE = 20_000


@functools.cache
def _converter() -> Callable[[str], str]:
    from opencc import OpenCC

    engine: Any = OpenCC("t2s")
    convert: Callable[[str], str] = engine.convert
    return convert


def traditional_share(text: str) -> float:
    """The share of the Han characters of ``text`` (sampled) that have a simplified form."""
    sample = text[:_SAMPLE]
    han = _HAN.findall(sample)
    if not han:
        return 0.0
    converted = _converter()(sample)
    if len(converted) != len(sample):  # phrase conversions changed the length: compare sets
        return len(set(sample) - set(converted)) / max(len(set(han)), 1)
    changed = sum(1 for a, b in zip(sample, converted, strict=True) if a != b and _HAN.match(a))
    return changed / len(han)


def to_simplified(doc: Document) -> Document:
    """``doc`` itself when it is in simplified characters; else converted, with a note."""
    share = traditional_share(doc.text)
    if share < _TRADITIONAL_SHARE:
        return doc
    convert = _converter()
    tables = [
        Table(rows=[TableRow(cells=[convert(c) for c in r.cells], line=r.line) for r in t.rows])
        for t in doc.tables
    ]
    return Document(
        kind=doc.kind,
        lines=[convert(line) for line in doc.lines],
        tables=tables,
        meta={k: convert(v) for k, v in doc.meta.items()},
        ocr_lines=set(doc.ocr_lines),
        notes=[
            *doc.notes,
            (
                f"script_converted: the report is written in traditional characters "
                f"({share:.0%} of its Han characters); read after conversion to simplified "
                "(OpenCC t2s), values untouched"
            ),
        ],
    )
