"""clean at rest (real GX): only admitted reports, none failing an unacceptable rule."""

from __future__ import annotations

import pandas as pd
import pytest

from expectations import clean

pytestmark = pytest.mark.usefixtures("gx")


def _frame(*rows: tuple[str, str, str | None, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(clean.COLUMNS))


def test_pass_warn_and_accepted_reports_hold() -> None:
    frame = _frame(
        ("a", "pass", None, []),
        ("b", "warn", None, []),
        ("c", "fail", "accepted", ["R1"]),
    )
    assert clean.problems(frame, ("R17",)) == []


def test_a_failing_unaccepted_report_and_an_incomplete_accepted_one_are_named() -> None:
    frame = _frame(
        ("ok", "pass", None, []),
        ("failing", "fail", None, ["R1"]),
        ("incomplete", "fail", "accepted", ["R17"]),
    )
    assert clean.problems(frame, ("R17",)) == [
        (
            "admitted: expected quality_status pass/warn, or accepted by a maintainer "
            "(1 row(s): failing)"
        ),
        "acceptable: expected no unacceptable rule failed (1 row(s): incomplete)",
    ]
