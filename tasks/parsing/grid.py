"""The grid model: positioned words (PDF text layer or OCR) → rows of cells with their source.

Every reader ends in the same shape, ``document.Table`` (rows of cell texts, each row with its
source line, and for geometry its page and cell boxes), so one table reader
(``tables_cells``) serves HTML, docx, PDF and OCR alike:
- HTML and docx tables arrive as cells already (rowspan/colspan expanded into repeats);
- a PDF page or an OCR'd image arrives as ``Word`` boxes plus the page's ruling lines, and
  ``tables_from_words`` rebuilds the cells from the rulings: each character belongs to the
  ruled cell its centre falls in, so a label, its numbers and the next row's label (``2.其他法律…``
  printed on the same text line as the previous row's numbers) can never run together.

Coordinates are PDF points with the origin at the top left of the page (``top`` < ``bottom``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tasks.parsing.document import Table, TableRow

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom

# A ruling is a line or a filled rectangle at most this thick (points).
RULING_MAX_THICKNESS = 2.5
# Coordinates closer than this are one edge (double borders, rounding in Word exports).
SNAP = 2.0
# A ruling separates two cells when it covers at least this share of their common edge.
EDGE_COVER = 0.6
# The smallest ruled table: rows × columns of cells (a one-cell box is a frame, not a table;
# one row is enough: the last row of a table carried over to the next page).
MIN_ROWS, MIN_COLUMNS = 1, 2
# A page with more strokes than this is a drawing (a chart, a vectorised scan): its tables, if
# any, are left to the text path. The statistics tables of a report page use a few hundred.
MAX_RULINGS = 3000


@dataclass(frozen=True, slots=True)
class Word:
    """One positioned piece of text on a page (PDF text layer or OCR)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int  # 1-based
    source: Literal["text", "ocr"] = "text"

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Ruling:
    """A drawn line (or a thin filled rectangle) on a page: a candidate cell border."""

    x0: float
    top: float
    x1: float
    bottom: float
    page: int

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


def rulings_from_box(box: BBox, page: int) -> list[Ruling]:
    """The rulings a drawn rectangle stands for: itself when thin, else its four edges."""
    x0, top, x1, bottom = box
    if min(x1 - x0, bottom - top) <= RULING_MAX_THICKNESS:
        return [Ruling(x0, top, x1, bottom, page)]
    return [
        Ruling(x0, top, x1, top, page),
        Ruling(x0, bottom, x1, bottom, page),
        Ruling(x0, top, x0, bottom, page),
        Ruling(x1, top, x1, bottom, page),
    ]


@dataclass(slots=True)
class TextLine:
    """Words sharing a baseline band, left to right."""

    words: list[Word] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return join_words(self.words)


def join_words(words: Sequence[Word]) -> str:
    """Words of one line in order, with a space where the gap is wider than a narrow glyph.

    Characters of one word sit edge to edge; a visible gap (spaces between numbers in a
    flattened row, between cells) becomes one space, so ``1 0 0`` stays three numbers.
    """
    out: list[str] = []
    prev: Word | None = None
    for w in sorted(words, key=lambda w: w.x0):
        if prev is not None:
            height = max(min(w.bottom - w.top, prev.bottom - prev.top), 1.0)
            decimal = (prev.text[-1:].isdigit() and w.text[:1] in ".．") or (
                prev.text[-1:] in ".．" and w.text[:1].isdigit()
            )
            if w.x0 - prev.x1 > 0.25 * height and not decimal:
                out.append(" ")
        out.append(w.text)
        prev = w
    return "".join(out)


def text_lines(words: Iterable[Word]) -> list[TextLine]:
    """Group words into lines: a word joins the line whose vertical band it overlaps most."""
    lines: list[TextLine] = []
    for w in sorted(words, key=lambda w: (w.page, w.cy, w.x0)):
        best: TextLine | None = None
        best_overlap = 0.0
        for line in lines[-3:]:
            if line.words[0].page != w.page:
                continue
            overlap = min(line.bottom, w.bottom) - max(line.top, w.top)
            height = min(line.bottom - line.top, w.bottom - w.top)
            if height > 0 and overlap / height > 0.5 and overlap > best_overlap:
                best, best_overlap = line, overlap
        if best is None:
            lines.append(TextLine([w]))
        else:
            best.words.append(w)
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _snap(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _covered(segments: Sequence[tuple[float, float]], lo: float, hi: float) -> bool:
    """Whether the union of ``segments`` covers at least EDGE_COVER of ``[lo, hi]``."""
    if hi <= lo:
        return False
    total = 0.0
    cursor = lo
    for start, end in sorted(segments):
        a, b = max(start, cursor), min(end, hi)
        if b > a:
            total += b - a
            cursor = b
    return total >= EDGE_COVER * (hi - lo)


@dataclass(slots=True)
class _Region:
    rulings: list[Ruling]

    @property
    def bbox(self) -> BBox:
        return (
            min(r.x0 for r in self.rulings),
            min(r.top for r in self.rulings),
            max(r.x1 for r in self.rulings),
            max(r.bottom for r in self.rulings),
        )


def _touch(a: Ruling, b: Ruling) -> bool:
    apart_x = a.x1 + SNAP < b.x0 or b.x1 + SNAP < a.x0
    apart_y = a.bottom + SNAP < b.top or b.bottom + SNAP < a.top
    return not (apart_x or apart_y)


def _regions(rulings: Sequence[Ruling]) -> list[_Region]:
    """Connected groups of touching rulings: each is one ruled table (or a frame)."""
    parent = list(range(len(rulings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(rulings)), key=lambda i: rulings[i].x0)
    for n, i in enumerate(order):
        for j in order[n + 1 :]:
            if rulings[j].x0 > rulings[i].x1 + SNAP:
                break
            if _touch(rulings[i], rulings[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[Ruling]] = {}
    for i, r in enumerate(rulings):
        groups.setdefault(find(i), []).append(r)
    return sorted((_Region(g) for g in groups.values()), key=lambda g: g.bbox[1])


def tables_from_words(
    words: Sequence[Word], rulings: Sequence[Ruling], *, line: int = 0
) -> list[Table]:
    """The ruled tables of one page as rows of cells; words outside any table are ignored.

    Cells merged across rows or columns (a rowspan group label, a colspan header) are
    repeated into every position they cover, as the HTML reader expands spans, so the table
    reader sees the same shape from every source. ``line`` is the source line every row is
    attributed to when the caller has no finer mapping (see ``Table`` rows' ``line``).
    """
    if len(rulings) > MAX_RULINGS:
        return []  # a drawing, not a form: grouping its strokes costs more than it can give
    tables: list[Table] = []
    for region in _regions(rulings):
        table = _region_table(region, words, line)
        if table is not None:
            tables.append(table)
    return tables


@dataclass(slots=True)
class _Lattice:
    """A ruled region's elementary cells and which of them are one merged cell."""

    xs: list[float]  # column edges, left to right
    ys: list[float]  # row edges, top to bottom
    root: list[int]  # elementary cell (row * columns + column) → its merged cell's id

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> int:
        i = min(max(bisect.bisect_right(self.ys, y) - 1, 0), self.n_rows - 1)
        j = min(max(bisect.bisect_right(self.xs, x) - 1, 0), self.n_cols - 1)
        return self.root[i * self.n_cols + j]

    def boxes(self) -> dict[int, BBox]:
        out: dict[int, BBox] = {}
        for k, r in enumerate(self.root):
            i, j = divmod(k, self.n_cols)
            box = (self.xs[j], self.ys[i], self.xs[j + 1], self.ys[i + 1])
            b = out.get(r, box)
            out[r] = (min(b[0], box[0]), min(b[1], box[1]), max(b[2], box[2]), max(b[3], box[3]))
        return out


def _lattice(region: _Region) -> _Lattice | None:
    hs = [r for r in region.rulings if r.horizontal]
    vs = [r for r in region.rulings if not r.horizontal]
    ys = [(r.top + r.bottom) / 2 for r in hs]
    xs = [(r.x0 + r.x1) / 2 for r in vs]
    # A table cut by a page break has no border at the cut: its column lines still end there.
    if vs:
        ys += [min(r.top for r in vs), max(r.bottom for r in vs)]
    if hs:
        xs += [min(r.x0 for r in hs), max(r.x1 for r in hs)]
    ys, xs = _snap(ys), _snap(xs)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < MIN_ROWS or n_cols < MIN_COLUMNS:
        return None
    # Where each border is drawn: horizontal borders by row edge, vertical by column edge.
    h_at: list[list[tuple[float, float]]] = [[] for _ in ys]
    v_at: list[list[tuple[float, float]]] = [[] for _ in xs]
    for r in hs:
        h_at[_nearest(ys, (r.top + r.bottom) / 2)].append((r.x0, r.x1))
    for r in vs:
        v_at[_nearest(xs, (r.x0 + r.x1) / 2)].append((r.top, r.bottom))
    # Union elementary cells that no drawn border separates: merged cells.
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n_rows):
        for j in range(n_cols):
            here = i * n_cols + j
            if j + 1 < n_cols and not _covered(v_at[j + 1], ys[i], ys[i + 1]):
                parent[find(here)] = find(here + 1)
            if i + 1 < n_rows and not _covered(h_at[i + 1], xs[j], xs[j + 1]):
                parent[find(here)] = find(here + n_cols)
    return _Lattice(xs, ys, [find(k) for k in range(n_rows * n_cols)])


def _region_table(region: _Region, words: Sequence[Word], line: int) -> Table | None:
    lattice = _lattice(region)
    if lattice is None:
        return None
    page = region.rulings[0].page
    xs, ys = lattice.xs, lattice.ys
    inside: dict[int, list[Word]] = {}
    for w in words:
        if w.page == page and ys[0] <= w.cy <= ys[-1] and xs[0] <= w.cx <= xs[-1]:
            for piece in _split_across(w, xs):
                inside.setdefault(lattice.cell_at(piece.cx, piece.cy), []).append(piece)
    if not inside:
        return None
    texts = {root: _cell_text(ws) for root, ws in inside.items()}
    boxes = lattice.boxes()
    rows: list[TableRow] = []
    for i in range(lattice.n_rows):
        roots = lattice.root[i * lattice.n_cols : (i + 1) * lattice.n_cols]
        cells = [texts.get(r, "") for r in roots]
        # A row empty everywhere is a ruling artefact (a double border), not a table row.
        if any(c.strip() for c in cells):
            rows.append(TableRow(cells, line, page, [boxes[r] for r in roots]))
    return Table(rows=rows) if len(rows) >= MIN_ROWS else None


def _nearest(values: Sequence[float], v: float) -> int:
    i = bisect.bisect_left(values, v)
    if i == 0:
        return 0
    if i == len(values):
        return len(values) - 1
    return i if values[i] - v < v - values[i - 1] else i - 1


def _split_across(w: Word, xs: Sequence[float]) -> list[Word]:
    """A word box crossing column borders (an OCR box spanning cells), cut at the borders.

    Its characters are taken as evenly spaced, which is how OCR boxes of digits and CJK
    text come; a box inside one column is returned unchanged.
    """
    inner = [x for x in xs if w.x0 + SNAP < x < w.x1 - SNAP]
    if not inner or len(w.text) < 2:
        return [w]
    step = (w.x1 - w.x0) / len(w.text)
    pieces: list[Word] = []
    start = 0
    for x in [*inner, w.x1 + 1]:
        end = len(w.text) if x > w.x1 else max(start, min(len(w.text), round((x - w.x0) / step)))
        text = w.text[start:end].strip()
        if text:
            pieces.append(
                Word(
                    text, w.x0 + start * step, w.top, w.x0 + end * step, w.bottom, w.page, w.source
                )
            )
        start = end
    return pieces or [w]


def _cell_text(words: Sequence[Word]) -> str:
    """A cell's words in reading order; its wrapped lines are joined without a break."""
    lines = text_lines(words)
    lines.sort(key=lambda ln: ln.top)
    parts = [ln.text for ln in lines]
    out = ""
    for part in parts:
        if out and out[-1].isascii() and part[:1].isascii() and out[-1].isalnum():
            out += " "
        out += part
    return out.strip()
