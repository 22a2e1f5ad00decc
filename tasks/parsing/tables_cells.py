"""Real cell grids (HTML, docx) → facts: rows by label text, columns by the header cells.

Header rows are the rows without values above each block; a block may repeat its header
(page breaks) or carry its own (表二's 第二十条 blocks), so the header in force is the last
run of header rows seen. Group labels given once (rowspan) arrive repeated by the reader;
the row key is taken from the most specific (rightmost) label cell.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govreports.contract.formats.pre2019 import (
    LEGACY_CUMULATIVE_HEADER,
    LEGACY_SHARED_SUFFIX,
    LEGACY_UNITS,
    LEGACY_VALUE_HEADER,
    UNMAPPED,
)
from govreports.contract.models import Fact, Format
from govreports.contract.numbers import to_float, to_int
from govreports.contract.vocabulary import MONEY_COLUMNS, MONEY_ROWS
from tasks.parsing.labels import (
    APPLICANT_COLUMN_LABELS,
    APPLICANT_GROUP_HEADERS,
    APPLICATION_LABELS,
    APPLICATION_UNIT,
    LEGACY_LABELS,
    PROACTIVE_COLUMN_LABELS,
    PROACTIVE_LABELS,
    PROACTIVE_UNITS,
    REVIEW_COLUMN_LABELS,
    REVIEW_GROUP_LABELS,
    REVIEW_UNIT,
    LabelSet,
)

if TYPE_CHECKING:
    from tasks.parsing.document import Table, TableRow

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_BLANKS = {"", "无", "/", "—", "-", "－", "——", "空"}
_CJK_GAP = re.compile(r"(?<=[^\d.\s])\s+|\s+(?=[^\d.\s-])")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)} | {0xFF0D: "-", 0xFF0E: "."}
_MONEY_COLUMNS = frozenset(MONEY_COLUMNS)
_MONEY_ROWS = frozenset(MONEY_ROWS)


@dataclass(frozen=True, slots=True)
class _Value:
    value: int | float
    raw: str
    unit: str | None  # 元 / 万元 written inside the cell


def facts_from_cells(tables: list[Table], fmt: Format, notes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for table in tables:
        facts += _table_facts(table, notes)
    return facts


def _clean(cell: str) -> str:
    return _CJK_GAP.sub("", cell.translate(_FULLWIDTH).replace("\xa0", " ")).strip()


def _value(cell: str) -> _Value | None:
    text = cell.replace(",", "").replace(" ", "")
    unit = None
    for suffix in ("万元", "元"):
        if text.endswith(suffix) and _NUMBER.fullmatch(text[: -len(suffix)]):
            text, unit = text[: -len(suffix)], suffix
            break
    if not _NUMBER.fullmatch(text):
        return None
    return _Value(to_float(text) if "." in text else to_int(text), cell, unit)


def _table_facts(table: Table, notes: list[str]) -> list[Fact]:
    rows = [[_clean(c) for c in row.cells] for row in table.rows]
    text = "".join("".join(r) for r in rows)
    if "结果维持" in text and "复议后起诉" in text:
        return _review_facts(table, rows, notes)
    kind = _kind(rows)
    if kind is None:
        return []
    table_name, labels = kind
    return _labelled_facts(table, rows, table_name, labels, notes)


def _kind(rows: list[list[str]]) -> tuple[str, LabelSet] | None:
    best: tuple[int, str, LabelSet] | None = None
    for name, labels in (
        ("applications", APPLICATION_LABELS),
        ("proactive", PROACTIVE_LABELS),
        ("legacy_stats", LEGACY_LABELS),
    ):
        hits = sum(1 for r in rows if any(labels.presence.search(c) for c in r))
        if hits >= 2 and (best is None or hits > best[0]):
            best = (hits, name, labels)
    return (best[1], best[2]) if best else None


def _column_keys(table_name: str, header: list[list[str]], width: int) -> list[str | None]:
    keys: list[str | None] = []
    for key in _spanned_keys(table_name, header, width):
        keys.append(key if key not in keys else None)  # colspan repeats the first cell
    return keys


def _spanned_keys(table_name: str, header: list[list[str]], width: int) -> list[str | None]:
    """Each column's key, a colspan header cell giving its key to every column it spans."""
    keys: list[str | None] = []
    for j in range(width):
        key = None
        for row in reversed(header):
            cell = row[j] if j < len(row) else ""
            key = _column_key(table_name, cell)
            if key:
                break
        keys.append(key)
    return keys


def _under_spans(cells: list[str], spanned: list[str | None]) -> list[str]:
    """A row typed one value per column while its header merges columns, laid under the header.

    Shanghai 2019 表二: 上一年项目数量 spans two columns (colspan=2) but each row gives one
    cell per label, so its values sit one column left of their headers and the row ends in
    padding. When the row's value cells, padding dropped, are exactly one per header key,
    each value moves to the first column of its key; any other row is left as it is.
    """
    first = next((j for j, k in enumerate(spanned) if k is not None), None)
    distinct = list(dict.fromkeys(k for k in spanned if k is not None))
    if first is None or len(distinct) == len(spanned) - first:
        return cells  # no merged header over this row's value columns
    written = cells[first:]
    while written and written[-1] == "":
        written.pop()
    if len(written) != len(distinct) or not all(_value(c) is not None for c in written):
        return cells
    out = [*cells[:first], *[""] * (len(cells) - first)]
    for key, cell in zip(distinct, written, strict=True):
        out[spanned.index(key)] = cell
    return out


def _aligned(
    table_name: str, cells: list[str], header: list[list[str]], value_cols: list[int]
) -> tuple[list[str], list[str] | None]:
    """The row's cells laid under the header's columns, and its labels when they moved."""
    if table_name == "proactive":
        return _under_spans(cells, _spanned_keys(table_name, header, len(cells))), None
    if table_name == "applications":
        return _realigned(cells, value_cols)
    return cells, None


def _realigned(cells: list[str], value_cols: list[int]) -> tuple[list[str], list[str] | None]:
    """A 表三 row pushed off its columns by a repeated group label, laid under them again.

    A group label ('（三）不予公开') repeated mid-table in a row of its own ends the merged
    '三、本年度办理结果' cell a row early, so a later row starts one cell left (a value in a
    label column, padding after); repeated before a sub-row's label, it pushes that row one
    cell right (a label in a value column). When the row's values are one contiguous run of
    exactly the value columns' count, labels before it and only padding after, the run goes
    under the value columns and the cells before it are the labels. Any other row is left as
    it is (returned with ``None`` labels).
    """
    n = len(value_cols)
    if not n or value_cols != list(range(value_cols[0], value_cols[0] + n)):
        return cells, None
    first = next((j for j, c in enumerate(cells) if _value(c) is not None), None)
    if first is None or first == value_cols[0]:
        return cells, None
    run, rest = cells[first : first + n], cells[first + n :]
    if len(run) != n or any(c for c in rest):
        return cells, None
    if any(_value(c) is None and c not in _BLANKS for c in run):
        return cells, None
    if first > value_cols[0] and all(c in _BLANKS for c in cells[value_cols[0] : first]):
        return cells, None  # blank zeros before the first number: the row is where it belongs
    out = [""] * max(len(cells), value_cols[-1] + 1)
    for j, c in zip(value_cols, run, strict=True):
        out[j] = c
    return out, cells[:first]


@functools.lru_cache(maxsize=4096)
def _column_key(table_name: str, cell: str) -> str | None:
    if table_name == "applications":
        m = APPLICANT_COLUMN_LABELS.regex.search(APPLICANT_GROUP_HEADERS.sub("", cell))
        return APPLICANT_COLUMN_LABELS.key_of(m) if m else None
    if table_name == "proactive":
        m = PROACTIVE_COLUMN_LABELS.regex.search(cell)
        return PROACTIVE_COLUMN_LABELS.key_of(m) if m else None
    if LEGACY_CUMULATIVE_HEADER.search(cell):
        return "cumulative"
    if LEGACY_VALUE_HEADER.search(cell):
        return "value"
    if cell in ("单位", "计量单位"):
        return "unit"
    return None


def _row_key(labels: LabelSet, cells: list[str]) -> str | None:
    for cell in reversed(cells):
        matches = list(labels.finditer(cell))
        if matches:
            return labels.key_of(matches[-1])
    return None


def _labelled_facts(
    table: Table, rows: list[list[str]], table_name: str, labels: LabelSet, notes: list[str]
) -> list[Fact]:
    has_numbers = any(_value(c) is not None for r in rows for c in r)
    header: list[list[str]] = []
    last_was_data = False
    parent = "reconsideration"
    facts: list[Fact] = []
    keys_by_width: dict[int, list[str | None]] = {}  # for the header in force
    for source, row_cells in zip(table.rows, rows, strict=True):
        cells = row_cells
        keys = keys_by_width.get(len(cells))
        if keys is None:
            keys = keys_by_width[len(cells)] = _column_keys(table_name, header, len(cells))
        value_cols = [j for j, k in enumerate(keys) if k not in (None, "unit")]
        cells, moved_labels = _aligned(table_name, row_cells, header, value_cols)
        label_cells = moved_labels or [
            c for j, c in enumerate(cells) if j not in value_cols and keys[j] != "unit"
        ]
        row_key = _row_key(labels, label_cells)
        is_data = row_key is not None and any(
            _value(cells[j]) is not None or cells[j] in _BLANKS
            for j in value_cols
            if j < len(cells)
        )
        if not is_data:
            # A header row names columns and holds no numbers; a row with numbers but no known
            # label (a misprinted label mentioning 其他) must not replace the header in force.
            if any(_column_key(table_name, c) is not None for c in cells) and not any(
                _value(c) is not None for c in cells
            ):
                header = [cells] if last_was_data else [*header, cells]
                keys_by_width.clear()
                last_was_data = False
            elif row_key is None and any(_value(c) for c in cells):
                notes.append(
                    f"{table_name}: row '{''.join(label_cells)}' has no known label; "
                    f"values {[c for c in cells if _value(c)]} kept as a note"
                )
            continue
        last_was_data = True
        assert row_key is not None
        if table_name == "legacy_stats":
            if row_key in ("reconsideration_total", "litigation_total"):
                parent = row_key.removesuffix("_total")
            if row_key.startswith(LEGACY_SHARED_SUFFIX):
                row_key = f"{parent}_{row_key[1:]}"
            if row_key == UNMAPPED:
                notes.append(f"legacy_stats: label '{''.join(label_cells)}' has no contract key")
                continue
        unit_col = next((j for j, k in enumerate(keys) if k == "unit"), None)
        written_unit = cells[unit_col] if unit_col is not None and unit_col < len(cells) else None
        where = _CellRow(table_name, row_key, written_unit, has_numbers, source)
        for j in value_cols:
            column = keys[j]
            assert column is not None
            fact = _fact(where, column, cells[j])
            if fact:
                facts.append(fact)
    return facts


@dataclass(frozen=True, slots=True)
class _CellRow:
    """The data row a value cell sits in, with what its table says about all its cells."""

    table_name: str
    row: str  # contract row key
    written_unit: str | None  # the row's 计量单位 cell, if the table has one
    has_numbers: bool  # the table holds numbers, so a blank cell is its way of writing 0
    source: TableRow


def _fact(where: _CellRow, column: str, cell: str) -> Fact | None:
    table_name, row, written_unit = where.table_name, where.row, where.written_unit
    parsed = _value(cell)
    if parsed is None:
        if cell not in _BLANKS or not where.has_numbers:
            return None
        # A blank cell in a table that otherwise holds numbers is that table's way of writing 0.
        parsed = _Value(0, cell, None)
    money = column in _MONEY_COLUMNS or row in _MONEY_ROWS
    value: int | float = parsed.value
    unit: str | None
    if money:
        in_yuan = (parsed.unit or written_unit) == "元"
        value = round(float(value) / 10_000, 6) if in_yuan else float(value)
        unit = "万元"
    elif table_name == "applications":
        unit = APPLICATION_UNIT
    elif table_name == "legacy_stats":
        unit = written_unit if written_unit in LEGACY_UNITS else None
    else:
        unit = PROACTIVE_UNITS.get(row)
    return Fact(table_name, row, column, value, unit, False, parsed.raw, where.source.line)


def _review_facts(table: Table, rows: list[list[str]], notes: list[str]) -> list[Fact]:
    header: list[list[str]] = []
    for source, cells in zip(table.rows, rows, strict=True):
        values = [_value(c) for c in cells]
        # The value row holds numbers; its zeros may be written blank ('&nbsp;', '—', '无'),
        # so blanks count towards its width and a row with a few numbers is still the value row.
        written = sum(v is not None or c in _BLANKS for v, c in zip(values, cells, strict=True))
        if not any(v is not None for v in values) or written < 5:
            header.append(cells)
            continue
        facts: list[Fact] = []
        for j, read in enumerate(values):
            column_text = "".join(h[j] for h in header if j < len(h))
            group = REVIEW_GROUP_LABELS.regex.search(column_text)
            column = REVIEW_COLUMN_LABELS.regex.search(column_text)
            if group is None or column is None:
                continue
            cell = cells[j]
            if read is None and cell not in _BLANKS:
                continue
            parsed = read if read is not None else _Value(0, cell, None)
            facts.append(
                Fact(
                    "review_litigation",
                    REVIEW_GROUP_LABELS.key_of(group),
                    REVIEW_COLUMN_LABELS.key_of(column),
                    parsed.value,
                    REVIEW_UNIT,
                    False,
                    parsed.raw,
                    source.line,
                )
            )
        if not facts:
            notes.append("review_litigation: value row found but its header cells were not read")
        return facts
    return []
