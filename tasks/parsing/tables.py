"""Statistics tables → facts keyed ``table / row / column`` (data-contract.md §2).

Rows are found by their label text and never by position. Two inputs are handled:
- real cell grids (HTML, docx): columns come from the header cells above each block;
- flattened text (txt, PDF): each row is the text between its label and the next one;
  when the page lost the cell boundaries the digits are split by ``tables_split`` under
  the table's sum rules, and rows with several readings are narrowed by the cross-row
  rules (R1/R2, P1–P8). A cell is recorded only when every reading that satisfies the
  rules gives it the same digits; the others are absent, with a note naming the row and
  its readings (ADR 0018): a split is never guessed.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govreports.contract.formats import detect_format, proactive_form
from govreports.contract.formats.pre2019 import (
    LEGACY_CUMULATIVE_HEADER,
    LEGACY_SHARED_SUFFIX,
    LEGACY_UNITS,
    UNMAPPED,
)
from govreports.contract.models import Fact, Format
from govreports.contract.numbers import to_float, to_int
from govreports.contract.vocabulary import (
    APPLICATION_COLUMNS,
    LEGACY_STATS_COLUMNS,
    MONEY_COLUMNS,
    MONEY_ROWS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    TEXT_EQUIVALENTS,
)
from tasks.parsing.labels import (
    APPLICATION_LABELS,
    APPLICATION_UNIT,
    LEGACY_LABELS,
    PROACTIVE_COLUMN_LABELS,
    PROACTIVE_LABELS,
    PROACTIVE_UNITS,
    REVIEW_UNIT,
    LabelSet,
)
from tasks.parsing.tables_cells import facts_from_cells
from tasks.parsing.tables_rules import (
    APPLICATION_RULES,
    LEGACY_RULES,
    CellKey,
    Rule,
    check,
)
from tasks.parsing.tables_split import Block, Cell, SplitResult, chunk_of, split_run

if TYPE_CHECKING:
    from tasks.parsing.document import Document

_FULLWIDTH_DIGITS = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)} | {0xFF0D: "-", 0xFF0E: "."}
_PAGE_FOOTER = re.compile(r"(?m)^[ \t]*[-—]\s*\d{1,3}\s*[-—][ \t]*$")
_WHITESPACE = re.compile(r"\s+")
_RUN = re.compile(
    r"[ |]*(?P<unit>" + "|".join(LEGACY_UNITS) + r")?[ |]*"
    r"(?P<run>-?\d[\d |.\-]*)(?P<suffix>万元|元)?"
)
_T3_ANCHOR = re.compile(r"勾稽关系|申请人情况")
_NEW_RECEIVED = re.compile(r"本年新收(?:政府信息公开)?申请")
_T2_ANCHOR = re.compile(r"第二十条")
_T4_ANCHOR = re.compile(r"结果维持")
_LEGACY_HEADER = re.compile(r"指标名称|统计指标")
_LEGACY_ANCHOR = re.compile(r"统计表")
_UNKNOWN_ROW = re.compile(
    r"(?P<label>[\u4e00-\u9fff（）()、：:]{2,30}?)(?:"
    + "|".join(LEGACY_UNITS)
    + r")?(?P<run>\d[\d ]*)"
)
_MONEY_COLUMNS = frozenset(MONEY_COLUMNS)
_MONEY_ROWS = frozenset(MONEY_ROWS)
_MAX_ALTERNATIVES = 4
# Up to this many combinations of ambiguous rows' readings are all tried against the rules.
_MAX_JOINT_READINGS = 512
_NEXT_LABEL_NUMBER = re.compile(r"(?<=\d)[ |]+\d{1,2}[.．、]$")
_TOKEN = re.compile(r"[^\s|]+")
_CELL_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DASH_CELLS = frozenset({"-", "－", "—", "——", "/", "无", "空"})
# A pipe-delimited row right after its label: numbers, blanks and the marks that write 0.
_PIPE_ROW = re.compile(r"[ ]*\|(?P<run>(?:[ ]*(?:-?\d+(?:\.\d+)?|——|[-－—/无空])?[ ]*\|)+)")

Plausibility = Callable[[tuple[Cell, ...]], tuple[float, ...]]


def extract_tables(
    doc: Document, fmt: Format, stated: Sequence[Fact] = ()
) -> tuple[list[Fact], list[str]]:
    """Facts of 表二/表三/表四 or the pre-2019 统计表, and notes on what could not be read.

    ``stated``: the prose's headline numbers (table ``text``); a flattened row whose digits
    have several readings keeps the ones giving the number the prose states for that cell
    (R12), when any does.
    """
    flat = Flat.of(doc.lines)
    if fmt == "unknown":
        fmt = detect_format(flat.text)
    cell_notes: list[str] = []
    cell_facts = facts_from_cells(doc.tables, fmt, cell_notes)
    text_notes: list[str] = []
    text_facts = _facts_from_text(flat, fmt, text_notes, stated)
    # Each table is read from the cell grids when they give it, else from the text. A PDF's
    # grid comes from its drawn borders, which can mislead (a border missing in an odd
    # export): there the text's reading wins when it gives more of that table's cells.
    by_cells = Counter(f.table for f in cell_facts)
    by_text = Counter(f.table for f in text_facts)
    from_cells = {
        t for t, n in by_cells.items() if not (doc.kind == "pdf" and by_text.get(t, 0) > n)
    }
    facts = [f for f in cell_facts if f.table in from_cells]
    facts += [f for f in text_facts if f.table not in from_cells]
    # Notes about a reading that was not used would describe cells nobody sees.
    notes = [n for n in cell_notes if _note_table(n) not in by_cells.keys() - from_cells]
    notes += [n for n in text_notes if _note_table(n) not in from_cells]
    if not facts:
        notes.append("table_absent: no statistics table found in the report")
    return facts, notes


def _note_table(note: str) -> str:
    return re.split(r"[/:]", note, maxsplit=1)[0]


@dataclass(slots=True)
class Flat:
    """The document as one string with whitespace dropped except between numbers.

    Labels broken by line wraps or per-character PDF extraction become whole again, while
    the spaces that separate cells ("200 000121") survive. ``offsets`` maps every
    character back to the original text so facts cite their line.
    """

    text: str
    offsets: list[int]
    line_starts: list[int]

    @classmethod
    def of(cls, lines: Sequence[str]) -> Flat:
        original = _PAGE_FOOTER.sub("", "\n".join(lines).translate(_FULLWIDTH_DIGITS))
        line_starts = [0]
        for line in lines:
            line_starts.append(line_starts[-1] + len(line) + 1)
        pieces: list[str] = []
        offsets: list[int] = []
        last = 0
        for gap in _WHITESPACE.finditer(original):
            pieces.append(original[last : gap.start()])
            offsets.extend(range(last, gap.start()))
            before = original[gap.start() - 1] if gap.start() else ""
            after = original[gap.end()] if gap.end() < len(original) else ""
            if (before.isdigit() or before == ".") and (after.isdigit() or after == "-"):
                pieces.append(" ")
                offsets.append(gap.start())
            last = gap.end()
        pieces.append(original[last:])
        offsets.extend(range(last, len(original)))
        return cls("".join(pieces), offsets, line_starts)

    def line_at(self, pos: int) -> int:
        offset = self.offsets[min(pos, len(self.offsets) - 1)] if self.offsets else 0
        return bisect.bisect_right(self.line_starts, offset)


@dataclass(slots=True)
class _Row:
    """One labelled row of flattened text and the ways its digits can be read."""

    table: str
    key: str
    columns: tuple[str, ...]
    run: str
    pos: int
    unit: str | None
    suffix: str | None
    candidates: list[tuple[Cell, ...]]
    choice: int = 0
    tie: list[int] = field(default_factory=list)  # the readings the rules leave open
    unread: str = ""  # why the row is left out although its digits have readings
    complete: bool = True  # ``candidates`` hold every reading of the digits, not the first few


def _facts_from_text(
    flat: Flat, fmt: Format, notes: list[str], stated: Sequence[Fact] = ()
) -> list[Fact]:
    text = flat.text
    t3 = _find_t3(text)
    t4 = _T4_ANCHOR.search(text, t3[0] if t3 else 0)
    t2_match = _T2_ANCHOR.search(text)
    rows: list[_Row] = []
    if t2_match:
        t2_end = t3[0] if t3 else (t4.start() if t4 else len(text))
        rows += _proactive_rows(text, t2_match.start(), t2_end, fmt, notes)
    if t3:
        rows += _application_rows(text, t3[0], t4.start() if t4 else len(text), notes)
    _pin_to_prose(rows, stated, notes)
    _resolve([r for r in rows if r.complete], APPLICATION_RULES)
    facts: list[Fact] = []
    if t4:
        facts += _review_facts(flat, t4.start(), notes)
    legacy = _legacy_anchor(text)
    if legacy and (fmt == "pre2019" or not (t3 or t2_match)):
        legacy_rows = _legacy_rows(text, legacy.start(), notes)
        _pin_to_prose(legacy_rows, stated, notes)
        _resolve([r for r in legacy_rows if r.complete], LEGACY_RULES)
        rows += legacy_rows
    for row in rows:
        if row.unread:
            notes.append(f"{row.table}/{row.key}: {row.unread}; row left out")
            continue
        facts += _row_facts(flat, row, notes)
    return facts


def _pin_to_prose(rows: list[_Row], stated: Sequence[Fact], notes: list[str]) -> None:
    """Keep the readings of a row that give a cell the number the prose states for it (R12).

    '主动公开文件数 条 206912106' reads 2069|12106, 206|912106 or 20|6912106; the same report
    says '主动公开政府信息2069条', so only 2069|12106 is what it states. An approximate prose
    number ('100余条') pins nothing; when no reading gives the prose number the report
    contradicts itself and every reading stays (R12 then fails in validation).
    """
    pins: dict[tuple[str, str, str], Fact] = {}
    for fact in stated:
        if fact.table != "text" or fact.approximate:
            continue
        for keys in TEXT_EQUIVALENTS.get(fact.row, ()):
            if len(keys) == 1:
                pins.setdefault(keys[0], fact)
    for row in rows:
        if len(row.candidates) < 2 or not row.complete:
            continue
        for j, column in enumerate(row.columns):
            pin = pins.get((row.table, row.key, column))
            if pin is None:
                continue
            keep = [c for c in row.candidates if math.isclose(float(c[j].value), pin.value)]
            if keep and len(keep) < len(row.candidates):
                notes.append(
                    f"{row.table}/{row.key}: of {len(row.candidates)} readings of '{row.run}', "
                    f"{len(keep)} give {column} {pin.value:g} as the prose states "
                    f"('{pin.raw}', line {pin.line})"
                )
                row.candidates = keep


def _legacy_anchor(text: str) -> re.Match[str] | None:
    """The 统计表 header; the intro often names the 统计表 too, so take the last mention."""
    header = _LEGACY_HEADER.search(text)
    if header:
        return header
    mentions = list(_LEGACY_ANCHOR.finditer(text))
    return mentions[-1] if mentions else None


def _find_t3(text: str) -> tuple[int, int] | None:
    # A plain search first: scanning a whole report with the full label alternation is slow.
    anchor = _T3_ANCHOR.search(text)
    m = _NEW_RECEIVED.search(text, anchor.start() if anchor else 0)
    return (m.start(), m.end()) if m else None


def _read_run(text: str, start: int, end: int) -> re.Match[str] | None:
    return _RUN.match(text, start, end)


def _clean_run(m: re.Match[str]) -> tuple[str, int]:
    run = m.group("run")
    # "… 0 1 2.其他法律…": the next row's list number, printed on the same text line as this
    # row's cells, is that label's, not an extra cell.
    if (nxt := _NEXT_LABEL_NUMBER.search(run)) and _opens_label(m.string, m.end("run")):
        run = run[: nxt.start()]
    return run.rstrip(" |.-"), m.start("run")


def _opens_label(text: str, pos: int) -> bool:
    """Whether a CJK label (or its opening bracket) starts right at ``pos``."""
    return pos < len(text) and ("\u4e00" <= text[pos] <= "\u9fff" or text[pos] in "（(")


def _as_written(run: str, blocks: Sequence[Block]) -> tuple[Cell, ...] | None:
    """The cells of a run whose every cell is delimited, exactly as written.

    A run with one number per cell needs no digit split: it is recorded as stated even when
    it breaks the table's sums (洪泽 2023 表四 ``10 1 0 0 0``), and the rule then fails in
    validation. Only runs with fewer delimited numbers than cells go to the splitter.
    """
    tokens = list(_TOKEN.finditer(run))
    if len(tokens) != sum(b.size for b in blocks):
        return None
    cells: list[Cell] = []
    for m in tokens:
        text = m.group(0)
        if not _CELL_NUMBER.fullmatch(text):
            return None
        cells.append(Cell(float(text) if "." in text else int(text), text, m.start()))
    return tuple(cells)


def _application_rows(text: str, start: int, end: int, notes: list[str]) -> list[_Row]:
    rows: list[_Row] = []
    for key, _, m_end, seg_end in _segments(APPLICATION_LABELS, text, start, end):
        spec = _RowSpec("applications", key, APPLICATION_COLUMNS, [Block(7, sums=True)], _balanced)
        row = _split_row(text, spec, m_end, seg_end, notes)
        if row:
            # A label this parser does not know, printed after the row's cells, is a row of
            # its own: say so instead of losing its numbers silently.
            _note_unknown_rows(text, row, seg_end, notes)
            rows.append(row)
    return rows


def _proactive_rows(text: str, start: int, end: int, fmt: Format, notes: list[str]) -> list[_Row]:
    rows: list[_Row] = []
    defaults = proactive_form(fmt)
    for key, _, m_end, seg_end in _segments(PROACTIVE_LABELS, text, start, end):
        columns = _proactive_columns(text, start, m_end) or defaults.get(key)
        if not columns:
            notes.append(f"proactive/{key}: row not in the {fmt} format's 表二, skipped")
            continue
        block = Block(
            len(columns),
            negative=frozenset(i for i, c in enumerate(columns) if c == "change"),
            decimal=frozenset(i for i, c in enumerate(columns) if c in _MONEY_COLUMNS),
        )
        spec = _RowSpec("proactive", key, columns, [block], _proactive_plausibility(columns))
        row = _split_row(text, spec, m_end, seg_end, notes)
        if row:
            rows.append(row)
    return rows


def _proactive_columns(text: str, t2_start: int, label_end: int) -> tuple[str, ...]:
    """The column headers of the 第二十条 block this row sits in, in written order."""
    block_start = text.rfind("第二十条", t2_start, label_end)
    columns: list[str] = []
    for m in PROACTIVE_COLUMN_LABELS.finditer(text, max(block_start, t2_start), label_end):
        key = PROACTIVE_COLUMN_LABELS.key_of(m)
        if key not in columns:
            columns.append(key)
    return tuple(columns)


def _legacy_rows(text: str, start: int, notes: list[str]) -> list[_Row]:
    first_label = LEGACY_LABELS.search(text, start)
    header = text[start : first_label.start() if first_label else len(text)]
    columns = LEGACY_STATS_COLUMNS if LEGACY_CUMULATIVE_HEADER.search(header) else ("value",)
    rows: list[_Row] = []
    parent = ""
    for label_key, label_start, m_end, seg_end in _segments(LEGACY_LABELS, text, start, len(text)):
        key = label_key
        if key in ("reconsideration_total", "litigation_total"):
            parent = key.removesuffix("_total")
        if key.startswith(LEGACY_SHARED_SUFFIX):
            key = f"{parent or 'reconsideration'}_{key[1:]}"
        # Money rows (万元) may carry decimals: 专项经费 1.5.
        decimal = frozenset(range(len(columns))) if key in _MONEY_ROWS else frozenset()
        block = Block(len(columns), decimal=decimal)
        spec = _RowSpec("legacy_stats", key, columns, [block], _legacy_plausibility)
        row = _split_row(text, spec, m_end, seg_end, notes)
        if row is None:
            continue
        if key == UNMAPPED:
            label = text[label_start:m_end]
            notes.append(f"legacy_stats: label '{label}' has no contract key; values '{row.run}'")
            continue
        _note_unknown_rows(text, row, seg_end, notes)
        rows.append(row)
    return rows


def _note_unknown_rows(text: str, row: _Row, seg_end: int, notes: list[str]) -> None:
    rest_start = row.pos + len(row.run)
    notes.extend(
        f"{row.table}: unrecognized row label '{m.group('label')}' with values "
        f"'{m.group('run').strip()}' kept as a note; that row is absent"
        for m in _UNKNOWN_ROW.finditer(text, rest_start, seg_end)
    )


def _segments(labels: LabelSet, text: str, start: int, end: int) -> list[tuple[str, int, int, int]]:
    """(row key, label start, label end, next label start) for each label in the region."""
    matches = list(labels.finditer(text, start, end))
    return [
        (
            labels.key_of(m),
            m.start(),
            m.end(),
            matches[i + 1].start() if i + 1 < len(matches) else end,
        )
        for i, m in enumerate(matches)
    ]


@dataclass(frozen=True, slots=True)
class _RowSpec:
    """How one labelled row of flattened text is read: its key, cells and their rules."""

    table: str
    key: str
    columns: tuple[str, ...]
    blocks: list[Block]  # the sum and sign rules its digits are split under
    plausibility: Plausibility  # ranks the readings that satisfy the rules, best first


def _split_row(text: str, spec: _RowSpec, start: int, end: int, notes: list[str]) -> _Row | None:
    table, key, columns = spec.table, spec.key, spec.columns
    # A pipe row is read by its delimiters first: its zeros may be written '—', '/' or '无',
    # which end a run of digits.
    pipe = _PIPE_ROW.match(text, start, end)
    if pipe and (cells := _pipe_cells(pipe.group("run"), len(columns))) is not None:
        run = pipe.group("run")
        return _Row(table, key, columns, run, pipe.start("run"), None, None, [cells])
    m = _read_run(text, start, end)
    if m is None:
        return None  # a group header or a row written without numbers
    run, pos = _clean_run(m)
    where = f"{table}/{key}"
    if "|" in run:
        cells = _pipe_cells(run, len(columns))
        if cells is not None:
            return _Row(table, key, columns, run, pos, m.group("unit"), m.group("suffix"), [cells])
        run = run.replace("|", " ")
    written = _as_written(run, spec.blocks)
    if written is not None:
        return _Row(table, key, columns, run, pos, m.group("unit"), m.group("suffix"), [written])
    result = split_run(run, spec.blocks)
    candidates = result.candidates
    if table == "legacy_stats":
        candidates = [c for c in candidates if _legacy_ok(c)]
    if not candidates:
        notes.append(
            f"{where}: cannot split '{run}' into {len(columns)} cells satisfying the "
            "table's rules; row left out"
        )
        return None
    candidates.sort(key=spec.plausibility)
    row = _Row(table, key, columns, run, pos, m.group("unit"), m.group("suffix"), candidates)
    if not result.complete:
        row.complete = False
        row.unread = (
            f"the digit split of '{run}' stopped after {len(result.candidates)} readings "
            "(search cap), so the readings are not all known"
        )
    return row


def _pipe_cells(run: str, n: int) -> tuple[Cell, ...] | None:
    """Cells of a pipe-delimited row; ``None`` when their count does not fit."""
    parts = run.split("|")
    while parts and not parts[-1].strip():
        parts.pop()
    if parts and not parts[0].strip():
        parts.pop(0)
    if len(parts) != n or any(" " in p.strip() for p in parts):
        return None
    cells: list[Cell] = []
    offset = 0
    for part in parts:
        offset = run.index(part, offset) if part else offset
        value = part.strip()
        number: int | float
        if not value or value in _DASH_CELLS:
            # Empty, '-', '—', '/' and '无' cells write 0 in a delimited row; the raw mark is kept.
            number = 0
        elif _CELL_NUMBER.fullmatch(value):
            number = to_float(value) if "." in value else to_int(value)
        else:
            return None  # a word where a number belongs: these are not the row's cells
        cells.append(Cell(number, value, offset))
    return tuple(cells)


def _legacy_ok(cells: tuple[Cell, ...]) -> bool:
    # P10: 历年累计 is never below 本年度.
    return len(cells) < 2 or cells[0].value <= cells[1].value


def _balanced(cells: tuple[Cell, ...]) -> tuple[float, ...]:
    lengths = [len(c.text.lstrip("-").split(".")[0]) for c in cells]
    return (max(lengths), sum(n * n for n in lengths))


def _legacy_plausibility(cells: tuple[Cell, ...]) -> tuple[float, ...]:
    return _balanced(cells)


def _proactive_plausibility(columns: tuple[str, ...]) -> Plausibility:
    def score(cells: tuple[Cell, ...]) -> tuple[float, ...]:
        v = dict(zip(columns, (c.value for c in cells), strict=True))
        lengths = [len(c.text.lstrip("-").split(".")[0]) for c in cells]
        balance = (max(lengths), sum(n * n for n in lengths))
        if "published" in v:  # R10: 本年新公开 <= 本年新制作 and <= 对外公开总数, usually equal
            soft = (v["published"] > v["made"]) + (v["published"] > v["total_public"])
            return (soft, v["published"] != v["made"], *balance)
        if "in_force" in v:  # what was issued this year is in force; repeals are fewer
            return (
                v["issued"] > v["in_force"],
                balance[0],
                v["repealed"] > v["issued"],
                balance[1],
            )
        if "items" in v:
            # A central purchase averages about 10^5.5 元 per item; the run is read in 元.
            per_item = float(v["amount_wan_yuan"]) / max(float(v["items"]), 1.0)
            return (abs(math.log10(max(per_item, 1e-9)) - 5.5),)
        if "prior_year_items" in v:  # the item list is written out in full, the change is short
            return (balance[0], -lengths[0], balance[1])
        return balance

    return score


def _resolve(rows: list[_Row], rules: Sequence[Rule]) -> None:
    """Choose each ambiguous row's split by the cross-row rules, then by plausibility."""
    tables = {rule.table for rule in rules}
    ambiguous = []
    for row in rows:
        if len(row.candidates) > 1:
            if row.table in tables:
                ambiguous.append(row)
            else:  # no cross-row rule: every split that passed the row's own rules is open
                row.tie = list(range(len(row.candidates)))
    if not ambiguous:
        return
    if math.prod(len(r.candidates) for r in ambiguous) <= _MAX_JOINT_READINGS:
        _resolve_jointly(rows, ambiguous, rules)
    else:
        for _ in range(2):
            for row in ambiguous:
                scores = []
                for i in range(len(row.candidates)):
                    row.choice = i
                    scores.append(sum(o.passed for o in check(_cells(rows), rules)))
                best = max(scores)
                row.tie = [i for i, s in enumerate(scores) if s == best]
                row.choice = row.tie[0]
    # The cross-row sums pick a reading only when they then hold. In a table that breaks them
    # as published, the reading that breaks them least is a guess bent to the sums: such a row
    # is left out, named in a note, rather than recorded with numbers the page may not hold.
    broken = {o.rule_id for o in check(_cells(rows), rules) if not o.passed}
    if broken:
        for row in ambiguous:
            readings = ", ".join("|".join(c.text for c in cand) for cand in row.candidates[:4])
            row.unread = (
                f"the digits '{row.run}' have several readings ({readings}) and the table's "
                f"{'/'.join(sorted(broken))} do not hold for any, so none can be chosen"
            )


def _resolve_jointly(rows: list[_Row], ambiguous: list[_Row], rules: Sequence[Rule]) -> None:
    """Every combination of the ambiguous rows' readings, scored by the rules it satisfies.

    Rows that are only right together (新收, 予以公开 and 总计 each with two readings, R1/R2
    tying them) are found together; one row at a time would stay at its first reading.
    """
    best = -1
    winners: list[tuple[int, ...]] = []
    for combo in itertools.product(*(range(len(r.candidates)) for r in ambiguous)):
        for row, i in zip(ambiguous, combo, strict=True):
            row.choice = i
        score = sum(o.passed for o in check(_cells(rows), rules))
        if score > best:
            best, winners = score, [combo]
        elif score == best:
            winners.append(combo)
    for k, row in enumerate(ambiguous):
        row.choice = winners[0][k]
        row.tie = sorted({w[k] for w in winners})
        if row.tie[0] != row.choice:
            row.tie.remove(row.choice)
            row.tie.insert(0, row.choice)


def _cells(rows: list[_Row]) -> dict[CellKey, float]:
    out: dict[CellKey, float] = {}
    for row in rows:
        for column, cell in zip(row.columns, row.candidates[row.choice], strict=True):
            out[(row.table, row.key, column)] = float(cell.value)
    return out


def _agreed(readings: Sequence[tuple[Cell, ...]]) -> list[Cell | None]:
    """Each cell as every reading gives it (the same digits at the same place), else ``None``."""
    return [
        cells[0]
        if all(c.start == cells[0].start and c.text == cells[0].text for c in cells)
        else None
        for cells in zip(*readings, strict=True)
    ]


def _row_facts(flat: Flat, row: _Row, notes: list[str]) -> list[Fact]:
    """The row's cells that its digits state whichever reading the rules leave open.

    A run with several readings satisfying the rules (or no rule to tie its cells, as 2019
    表二's 上一年项目数量 | 本年增/减 | 处理决定数量) does not say which is meant: a cell the
    readings disagree on is left absent with a note rather than picked by plausibility.
    """
    readings = (
        [row.candidates[i] for i in row.tie] if len(row.tie) > 1 else [row.candidates[row.choice]]
    )
    cells = _agreed(readings)
    if len(readings) > 1:
        shown = ", ".join("|".join(c.text for c in r) for r in readings[:_MAX_ALTERNATIVES])
        more = len(readings) - _MAX_ALTERNATIVES
        shown += f" and {more} more" if more > 0 else ""
        left_out = [col for col, cell in zip(row.columns, cells, strict=True) if cell is None]
        notes.append(
            f"{row.table}/{row.key}: ambiguous split of '{row.run}': {len(readings)} readings "
            f"fit the row and the table's rules ({shown}); "
            f"{', '.join(left_out)} left out, not guessed"
        )
    facts = []
    for column, cell in zip(row.columns, cells, strict=True):
        if cell is None:
            continue
        chunk = chunk_of(row.run.replace("|", " "), cell.start)
        raw = cell.text if chunk == cell.text else f"{chunk}→{cell.text}"
        value, unit, raw = _value_unit(row, column, cell, raw)
        facts.append(
            Fact(
                row.table,
                row.key,
                column,
                value,
                unit,
                False,
                raw,
                flat.line_at(row.pos + cell.start),
            )
        )
    return facts


def _value_unit(
    row: _Row, column: str, cell: Cell, raw: str
) -> tuple[int | float, str | None, str]:
    money = column in _MONEY_COLUMNS or row.key in _MONEY_ROWS
    if money:
        written = row.suffix or row.unit
        if written == "元":
            return round(float(cell.value) / 10_000, 6), "万元", raw + "元"
        return float(cell.value), "万元", raw + (written or "")
    if row.table == "applications":
        return cell.value, APPLICATION_UNIT, raw
    if row.table == "legacy_stats":
        return cell.value, row.unit, raw
    return cell.value, PROACTIVE_UNITS.get(row.key), raw


def _review_facts(flat: Flat, anchor: int, notes: list[str]) -> list[Fact]:
    text = flat.text
    header_end = anchor
    for _ in range(3):
        nxt = text.find("总计", header_end, anchor + 400)
        if nxt < 0:
            break
        header_end = nxt + 2
    m = _read_run(text, header_end, min(len(text), header_end + 200))
    if m is None:
        notes.append("review_litigation: no value row after the 表四 header")
        return []
    run, pos = _clean_run(m)
    blocks = [Block(5, sums=True)] * 3
    written = _as_written(run.replace("|", " "), blocks)
    result = split_run(run.replace("|", " "), blocks) if written is None else SplitResult([written])
    if not result.candidates:
        notes.extend(
            f"review_litigation/{row}: cannot split '{run}' into 15 cells satisfying R4–R6; "
            "row left out"
            for row in REVIEW_ROWS
        )
        return []
    facts: list[Fact] = []
    for r, table_row in enumerate(REVIEW_ROWS):
        # Each row's readings: what the readings of the whole run give its five cells.
        readings = list(dict.fromkeys(cand[5 * r : 5 * r + 5] for cand in result.candidates))
        row = _Row(
            "review_litigation",
            table_row,
            REVIEW_COLUMNS,
            run,
            pos,
            None,
            None,
            readings,
            tie=list(range(len(readings))),
        )
        if not result.complete:
            notes.append(
                f"review_litigation/{table_row}: the digit split of '{run}' stopped after "
                f"{len(result.candidates)} readings (search cap), so the readings are not all "
                "known; row left out"
            )
            continue
        facts.extend(
            Fact(
                fact.table,
                fact.row,
                fact.column,
                fact.value,
                REVIEW_UNIT,
                False,
                fact.raw,
                fact.line,
            )
            for fact in _row_facts(flat, row, notes)
        )
    return facts
