"""Numbers the contract can hold, and what happens to those it cannot.

A report may state anything: a 25-digit cell, a 5,000-digit cell (beyond Python's
int-string limit, where ``int()`` raises), a 400-digit decimal (``float()`` gives inf).
The curated ``facts.value`` column is float64 and the headline columns of ``reports``
are int64, so a value is kept only when float64 holds it exactly: ``|v| <= 2**53``
(that also fits int64). Anything else is left absent with a note quoting the cell,
never bent to a nearby value and never an exception further down.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from govreports.contract.models import Fact

# The largest magnitude float64 stores exactly; every such integer also fits int64.
CONTRACT_MAX: int = 2**53
# Digit strings longer than this are not converted at all (Python refuses beyond 4,300
# digits, and anything past 16 digits is out of range anyway): they read as OUT_OF_RANGE.
_MAX_CONVERTED_DIGITS = 40
# What an over-long digit string reads as: out of the contract's range, so it is left
# absent with a note by ``bound_facts``; large enough that no sum of in-range parts meets it.
OUT_OF_RANGE: int = 10**_MAX_CONVERTED_DIGITS


def to_int(digits: str) -> int:
    """``int(digits)`` for a (possibly signed) digit string, without Python's length limit.

    An over-long string reads as ``±OUT_OF_RANGE``, which ``bound_facts`` leaves absent.
    """
    body = digits.lstrip("+-").lstrip("0")
    if len(body) > _MAX_CONVERTED_DIGITS:
        return -OUT_OF_RANGE if digits.startswith("-") else OUT_OF_RANGE
    return int(digits)


def to_float(text: str) -> float:
    """``float(text)``; an over-long decimal gives inf (left absent by ``bound_facts``)."""
    return float(text)


def fits(value: float) -> bool:
    """Whether the contract's columns (float64 value, int64 headlines) hold ``value`` exactly."""
    if isinstance(value, int):
        return -CONTRACT_MAX <= value <= CONTRACT_MAX
    return math.isfinite(value) and abs(value) <= CONTRACT_MAX


def bound_facts(facts: Iterable[Fact], notes: list[str]) -> list[Fact]:
    """The facts whose values fit the contract; a note naming each cell that does not."""
    kept: list[Fact] = []
    for fact in facts:
        if fits(fact.value):
            kept.append(fact)
            continue
        raw = fact.raw if len(fact.raw) <= 40 else f"{fact.raw[:20]}…{fact.raw[-8:]}"
        notes.append(
            f"value_out_of_range: {fact.table}/{fact.row}/{fact.column} at line {fact.line} "
            f"reads '{raw}' ({len(fact.raw)} characters), beyond what the contract stores "
            f"exactly (|value| <= 2**53); left absent"
        )
    return kept
