"""Splitting a run of digits whose cell boundaries were lost ("640020470" → 64|0|0|2|0|4|70).

A run is the text of one table row after its label: digits, optionally with spaces (the
cells the page did keep apart), minus signs and decimal points. A split must honour every
boundary that is visible, write no number with a leading zero, and satisfy each block's
sum rule when it has one (表三 R3: the first six cells add up to the seventh; 表四 R4–R6:
per block of five). The search fixes each block's total to the sum of its parts, so it
only enumerates the parts; it stops after ``node_cap`` steps and says so.

Pruning keeps the search small without changing what it finds or in which order: a block's
total is at least the sum so far, so it needs at least that many digits; and a last block's
total can only be one of the digit strings that end the run, which bounds what the parts
still to read may add up to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

MAX_DIGITS = 9  # no count in these tables reaches a billion


@dataclass(frozen=True, slots=True)
class Block:
    """``size`` consecutive cells; with ``sums`` the last one is the sum of the others."""

    size: int
    sums: bool = False
    negative: frozenset[int] = frozenset()  # cell indexes that may be negative
    decimal: frozenset[int] = frozenset()  # cell indexes that may carry decimals


@dataclass(frozen=True, slots=True)
class Cell:
    value: int | float
    text: str  # the digits this cell was given, as written
    start: int  # offset in the run


@dataclass(slots=True)
class SplitResult:
    candidates: list[tuple[Cell, ...]] = field(default_factory=list)
    capped: bool = False  # the search stopped at its step cap
    full: bool = False  # the search stopped at ``max_candidates`` readings

    @property
    def complete(self) -> bool:
        """Whether ``candidates`` are every reading of the run, not the first few found."""
        return not (self.capped or self.full)


def split_run(
    run: str, blocks: Sequence[Block], *, node_cap: int = 50_000, max_candidates: int = 64
) -> SplitResult:
    """Every way to read ``run`` as the cells of ``blocks``, in search order."""
    search = _Search(run, tuple(blocks), node_cap, max_candidates)
    search.block(0, 0, ())
    return SplitResult(search.found, search.capped, len(search.found) >= max_candidates)


def chunk_of(run: str, start: int) -> str:
    """The space-delimited chunk of ``run`` containing offset ``start``."""
    left = run.rfind(" ", 0, start) + 1
    right = run.find(" ", start)
    return run[left : right if right >= 0 else len(run)]


class _Search:
    def __init__(
        self, run: str, blocks: tuple[Block, ...], node_cap: int, max_candidates: int
    ) -> None:
        self.run = run
        self.blocks = blocks
        self.node_cap = node_cap
        self.max_candidates = max_candidates
        self.nodes = 0
        self.capped = False
        self.found: list[tuple[Cell, ...]] = []
        self.cells_left = [sum(b.size for b in blocks[i:]) for i in range(len(blocks) + 1)]
        digits_after = [0] * (len(run) + 1)
        for i in range(len(run) - 1, -1, -1):
            digits_after[i] = digits_after[i + 1] + run[i].isdigit()
        self.digits_after = digits_after
        self.end_totals = _end_totals(run, blocks[-1]) if blocks else None
        self._exact: dict[tuple[int, int], frozenset[int]] = {}

    def _stop(self) -> bool:
        return self.capped or len(self.found) >= self.max_candidates

    def _enter(self) -> bool:
        """Count one search step; false once the search has stopped or hit the cap."""
        if self._stop():
            return False
        self.nodes += 1
        if self.nodes > self.node_cap:
            self.capped = True
            return False
        return True

    def _skip(self, p: int) -> int:
        while p < len(self.run) and self.run[p] == " ":
            p += 1
        return p

    def block(self, b: int, p: int, cells: tuple[Cell, ...]) -> None:
        p = self._skip(p)
        if b == len(self.blocks):
            if p == len(self.run):
                self.found.append(cells)
            return
        self.cell(b, 0, p, 0, cells)

    def cell(self, b: int, i: int, p: int, partial: int | float, cells: tuple[Cell, ...]) -> None:
        p = self._skip(p)
        if not self._enter() or self.digits_after[p] < self.cells_left[b] - i:
            return
        block = self.blocks[b]
        if block.sums and i == block.size - 1:
            total = self._total_at(p, partial)
            if total is not None:
                self.block(b + 1, total.start + len(total.text), (*cells, total))
            return
        if block.sums:
            parts = block.size - 1 - i  # parts still to read, this one included
            if self.end_totals is not None and b + 1 == len(self.blocks) and parts <= _EXACT:
                if parts == 1:
                    self._last_part(p, partial, cells)
                    return
                if partial not in self._sums_before(p, parts):
                    return
            elif not self._total_possible(b, i, p, partial):
                return
        for number in self._numbers_at(p, i in block.negative, i in block.decimal):
            nxt = number.start + len(number.text)
            if i + 1 == block.size:
                self.block(b + 1, nxt, (*cells, number))
            else:
                self.cell(b, i + 1, nxt, partial + number.value, (*cells, number))
            if self._stop():
                return

    def _last_part(self, p: int, partial: int | float, cells: tuple[Cell, ...]) -> None:
        """The last part of the run's last block: fixed by the total written after it.

        Yields what enumerating the part's lengths and reading the total would, in the same
        order (shorter parts first, that is totals starting earlier first).
        """
        assert self.end_totals is not None
        run = self.run
        for q, total in reversed(self.end_totals):
            if q <= p:
                continue
            text = str(total - partial)
            end = p + len(text)
            if (
                total < partial
                or len(text) > MAX_DIGITS
                or not run.startswith(text, p)
                or self._skip(end) != q
            ):
                continue
            self.found.append((*cells, Cell(total - partial, text, p), Cell(total, str(total), q)))
            if self._stop():
                return

    def _sums_before(self, p: int, parts: int) -> frozenset[int]:
        """Every sum so far for which ``parts`` parts read from ``p`` meet an end total.

        Exact, for the run's last block and few parts: the last part is fixed by the total
        after it, each earlier one is any number ``_numbers_at`` reads at its position.
        """
        key = (p, parts)
        known = self._exact.get(key)
        if known is not None:
            return known
        assert self.end_totals is not None
        sums: set[int] = set()
        if parts == 1:
            for q, total in self.end_totals:
                text = self.run[p:q].rstrip(" ")
                if (
                    q > p
                    and len(text) <= MAX_DIGITS
                    and text.isdigit()
                    and (text[0] != "0" or len(text) == 1)
                ):
                    sums.add(total - int(text))
        else:
            for number in self._numbers_at(p, negative=False, decimal=False):
                nxt = self._skip(number.start + len(number.text))
                value = int(number.value)
                sums.update(s - value for s in self._sums_before(nxt, parts - 1) if s >= value)
        self._exact[key] = result = frozenset(sums)
        return result

    def _total_possible(self, b: int, i: int, p: int, partial: int | float) -> bool:
        """Whether block ``b``'s total can still be written after its parts ``i``… from ``p``.

        A necessary condition only, so pruning on it never loses a reading.
        """
        block = self.blocks[b]
        if isinstance(partial, float):
            return False  # a total with decimals is never read (``_total_at``)
        if block.negative or partial < 0:
            return True  # the sum may still shrink: no bound
        parts = block.size - 1 - i  # parts still to read, this one included
        digits = self.digits_after[p]
        if digits < parts + len(str(partial)) + self.cells_left[b + 1]:
            return False  # the total is at least ``partial``, so at least as long
        if b + 1 < len(self.blocks) or self.end_totals is None:
            return True
        for q, total in self.end_totals:
            k = digits - self.digits_after[q]  # digits the remaining parts must use
            rest = total - partial  # what they must add up to
            if k < parts or k > parts * MAX_DIGITS or rest < 0:
                continue
            widest = -(-k // parts)  # the longest part has at least this many digits
            if widest >= 2 and rest < _POW10[widest - 1]:
                continue
            # At most: one part holding every spare digit, the others one digit each;
            # when the spare digits do not fit in one part, every part at its widest.
            widest_sum = (
                _POW10[k - parts + 1] - 1 + 9 * (parts - 1)
                if k - parts + 1 <= MAX_DIGITS
                else parts * (_POW10[MAX_DIGITS] - 1)
            )
            if rest > widest_sum:
                continue
            return True
        return False

    def _total_at(self, p: int, partial: int | float) -> Cell | None:
        if isinstance(partial, float) or partial < 0:
            return None
        text = str(partial)
        if not self.run.startswith(text, p) or not self._ends_cleanly(p + len(text)):
            return None
        return Cell(partial, text, p)

    def _ends_cleanly(self, q: int) -> bool:
        return q >= len(self.run) or self.run[q] != "."

    def _numbers_at(self, p: int, negative: bool, decimal: bool) -> Iterator[Cell]:
        run = self.run
        i = p + 1 if negative and run.startswith("-", p) else p
        end = i
        while end < len(run) and run[end].isdigit():
            end += 1
        for length in range(1, min(MAX_DIGITS, end - i) + 1):
            if length > 1 and run[i] == "0":
                return
            q = i + length
            if q == end and q < len(run) and run[q] == ".":
                if not decimal:
                    return
                f = q + 1
                while f < len(run) and run[f].isdigit():
                    f += 1
                if f == q + 1:
                    return
                yield Cell(float(run[p:f]), run[p:f], p)
                return
            yield Cell(int(run[p:q]), run[p:q], p)


_POW10 = [10**n for n in range(MAX_DIGITS + 2)]
# How many parts before a last block's total are checked exactly (``_Search._sums_before``);
# beyond that the sets grow faster than the search they save.
_EXACT = 3


def _end_totals(run: str, last: Block) -> list[tuple[int, int]] | None:
    """(start, value) of every total the last block can end the run with; ``None`` if no rule.

    The last block's total runs to the end of the run (trailing blanks aside), is written
    without a leading zero and adds up at most ``size - 1`` parts of ``MAX_DIGITS`` digits.
    """
    if not last.sums or last.negative or last.decimal:
        return None
    end = len(run.rstrip(" "))
    ceiling = (last.size - 1) * (_POW10[MAX_DIGITS] - 1)
    totals: list[tuple[int, int]] = []
    q = end - 1
    while q >= 0 and run[q].isdigit():
        value = int(run[q:end])
        if value > ceiling:
            break
        if run[q] != "0" or q == end - 1:
            totals.append((q, value))
        q -= 1
    return totals
