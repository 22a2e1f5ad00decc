"""Numbers the contract cannot hold are absent with a note, never an exception."""

from __future__ import annotations

import pytest

from govreports.contract.models import Fact
from govreports.contract.numbers import CONTRACT_MAX, OUT_OF_RANGE, bound_facts, fits, to_int


@pytest.mark.parametrize(
    ("digits", "expected"),
    [("0", 0), ("468", 468), ("-12", -12), ("0" * 50 + "7", 7), ("9" * 40, int("9" * 40))],
    ids=["zero", "plain", "negative", "leading-zeros", "forty-digits"],
)
def test_to_int_reads_what_is_written(digits: str, expected: int) -> None:
    assert to_int(digits) == expected


@pytest.mark.parametrize("length", [41, 4301, 5000, 100_000], ids=lambda n: f"{n}-digits")
def test_to_int_beyond_the_int_string_limit_is_out_of_range_not_an_error(length: int) -> None:
    assert to_int("7" * length) == OUT_OF_RANGE
    assert to_int("-" + "7" * length) == -OUT_OF_RANGE


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0, True),
        (CONTRACT_MAX, True),
        (CONTRACT_MAX + 1, False),
        (-CONTRACT_MAX - 1, False),
        (2**63, False),
        (10**5000, False),
        (3940.5, True),
        (float("inf"), False),
        (float("nan"), False),
        (1e300, False),
    ],
    ids=[
        "zero",
        "2**53",
        "2**53+1",
        "-(2**53+1)",
        "2**63",
        "5000-digits",
        "decimal",
        "inf",
        "nan",
        "1e300",
    ],
)
def test_fits_is_what_float64_and_int64_hold_exactly(value: float, ok: bool) -> None:
    assert fits(value) is ok


def test_bound_facts_leaves_out_of_range_values_absent_with_a_note_naming_the_cell() -> None:
    big = "7" * 5000
    facts = [
        Fact("applications", "new_received", "total", 12, "件", False, "12", 30),
        Fact("applications", "new_received", "natural_person", to_int(big), "件", False, big, 30),
        Fact("proactive", "rules", "made", float("inf"), "件", False, "9" * 400 + ".5", 12),
    ]
    notes: list[str] = []
    kept = bound_facts(facts, notes)
    assert kept == facts[:1]
    assert len(notes) == 2
    assert "applications/new_received/natural_person at line 30" in notes[0]
    assert "5000 characters" in notes[0] and len(notes[0]) < 300
    assert "proactive/rules/made at line 12" in notes[1]
