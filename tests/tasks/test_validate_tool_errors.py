"""A failure inside Great Expectations is a pipeline error (ValidationToolError), never bad data."""

from __future__ import annotations

import pandas as pd
import pytest

import expectations._suite as suite
import expectations.facts as facts_suite
from tasks.validate import ValidationToolError, validate_batch
from tests.support.validation_examples import report_2021

# Every test here runs the real Great Expectations suites.
pytestmark = pytest.mark.usefixtures("gx")


def test_wrong_dtype_inside_gx_raises_tool_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = facts_suite.facts_frame

    def broken(reports: object) -> pd.DataFrame:
        frame = real(reports)  # type: ignore[arg-type]
        # A text column where GX compares numbers: GX's between-metric raises TypeError.
        frame["value"] = frame["value"].astype(str)
        return frame

    monkeypatch.setattr(facts_suite, "facts_frame", broken)
    with pytest.raises(ValidationToolError, match="raised"):
        validate_batch([report_2021()])


def test_expectation_raising_inside_gx_raises_tool_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from great_expectations.execution_engine import PandasExecutionEngine

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("metric exploded")

    # Every pandas metric reads its rows through this; GX catches the error per expectation.
    monkeypatch.setattr(PandasExecutionEngine, "get_domain_records", explode)
    with pytest.raises(ValidationToolError, match="metric exploded"):
        validate_batch([report_2021()])


def test_gx_and_derived_booleans_disagreeing_is_a_tool_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        suite, "rule_frame_passed", lambda frame: pd.Series(False, index=frame.index)
    )
    with pytest.raises(ValidationToolError, match=r"disagree|counted"):
        validate_batch([report_2021()])


def test_clean_batch_raises_nothing() -> None:
    result = validate_batch([report_2021()])
    assert result.verdicts["r2021"].status == "pass"
    assert result.seconds > 0
