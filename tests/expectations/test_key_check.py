"""The key check through Great Expectations: rows sharing a key and null key parts are counted."""

from __future__ import annotations

import pandas as pd
import pytest

from expectations._suite import run_key_check
from expectations.contracts import CONTRACTS

pytestmark = pytest.mark.usefixtures("gx")


def test_one_row_per_ledger_key_holds() -> None:
    frame = pd.DataFrame({"key": ["raw/a.txt", "raw/b.txt"]})
    check = run_key_check(CONTRACTS["outcomes"], frame)
    assert check.ok and check.rows == 2 and check.duplicate_keys == ()


def test_a_ledger_key_held_twice_and_a_null_key_are_reported() -> None:
    frame = pd.DataFrame({"key": ["raw/a.txt", "raw/b.txt", "raw/a.txt", None]})
    check = run_key_check(CONTRACTS["outcomes"], frame)
    assert not check.ok
    assert (check.duplicate_rows, check.null_key_rows) == (2, 1)
    assert check.duplicate_keys == (("raw/a.txt",),)


def test_a_compound_key_counts_every_row_of_a_shared_key() -> None:
    rows = [("r1", "applications", "new_received", "total")] * 3 + [
        ("r1", "applications", "new_received", "natural_person"),
        ("r2", "applications", "new_received", "total"),
    ]
    frame = pd.DataFrame(rows, columns=["report_id", "table", "row", "column"])
    check = run_key_check(CONTRACTS["facts"], frame)
    assert (check.duplicate_rows, check.null_key_rows) == (3, 0)
    assert check.duplicate_keys == (("r1", "applications", "new_received", "total"),)
