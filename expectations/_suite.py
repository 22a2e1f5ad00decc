"""Shared machinery of the suites: rule metadata, the rule frame, and one cached GX runner.

Two kinds of frame go through Great Expectations:

* an *entity frame* (one row per report, per fact, per rule result) checked with
  column expectations (not null, in set, between, date format), declared as
  :class:`ColumnCheck` rows;
* a *rule frame*: one row per report and rule instance (e.g. R1 for column
  ``total``) holding the observed and the expected number and ``diff = observed -
  expected``. An ``eq`` instance holds when ``diff == 0``, an ``le`` instance when
  ``diff <= 0``; GX checks this with one ``expect_column_values_to_be_between`` per
  rule and operator, restricted to that rule's rows by a row condition.

Pass/fail per row is computed here from the same derived column, so results never
depend on GX's bounded unexpected lists; GX is the suite-level gate, and its
unexpected counts must agree with ours. Any exception inside GX, or a disagreement,
is a :class:`ValidationToolError`: a pipeline error, never "bad data".

great_expectations is imported lazily (it costs seconds); the ephemeral context,
datasource and suites are built once per process and reused.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
    )
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.expectations import Expectation

Severity = Literal["critical", "error", "warning"]
Op = Literal["eq", "le"]
CheckKind = Literal["not_null", "in_set", "between", "date"]

# Sums of decimals (万元 amounts) carry float noise; counts are exact anyway.
DIFF_DECIMALS = 6

RULE_FRAME_COLUMNS: tuple[str, ...] = (
    "report_id",
    "rule_id",
    "instance",
    "op",
    "observed_value",
    "expected_value",
    "diff",
    "observed",
    "expected",
    "line",
    "table",
    "detail",
)


class ValidationToolError(RuntimeError):
    """Great Expectations itself failed (an expectation raised, or its counts disagree with ours)."""


@dataclass(frozen=True)
class Rule:
    """One rule of report-formats.md §4 (or a critical C-rule), as data."""

    id: str
    default_severity: Severity
    description: str
    ops: tuple[Op, ...] = ("eq",)


@dataclass(frozen=True)
class ColumnCheck:
    """A column expectation on an entity frame, with its pandas twin for per-row results.

    ``when`` names a boolean column: only rows where it is true are checked (GX row
    condition). As in GX, nulls pass every kind except ``not_null``.
    """

    rule_id: str
    column: str
    kind: CheckKind
    expected: str
    value_set: tuple[Any, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    when: str | None = None

    def expectation(self) -> Expectation:
        import great_expectations.expectations as gxe
        from great_expectations.expectations.row_conditions import Column

        cond: dict[str, Any] = {}
        if self.when:
            cond = {"row_condition": Column(self.when) == True}  # noqa: E712
        if self.kind == "not_null":
            return gxe.ExpectColumnValuesToNotBeNull(column=self.column, **cond)
        if self.kind == "in_set":
            return gxe.ExpectColumnValuesToBeInSet(
                column=self.column, value_set=list(self.value_set), **cond
            )
        if self.kind == "between":
            return gxe.ExpectColumnValuesToBeBetween(
                column=self.column, min_value=self.min_value, max_value=self.max_value, **cond
            )
        return gxe.ExpectColumnValuesToMatchStrftimeFormat(
            column=self.column, strftime_format="%Y-%m-%d", **cond
        )

    def domain(self, frame: pd.DataFrame) -> pd.Series:
        if self.when is None:
            return pd.Series(True, index=frame.index)
        return frame[self.when].astype(bool)

    def passed(self, frame: pd.DataFrame) -> pd.Series:
        values = frame[self.column]
        if self.kind == "not_null":
            return values.notna()
        if self.kind == "in_set":
            return values.isna() | values.isin(self.value_set)
        if self.kind == "between":
            lo = -math.inf if self.min_value is None else self.min_value
            hi = math.inf if self.max_value is None else self.max_value
            num = pd.to_numeric(values, errors="coerce")
            return values.isna() | ((num >= lo) & (num <= hi))
        return values.map(_is_iso_date).astype(bool)


def _is_iso_date(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    try:
        datetime.strptime(str(value), "%Y-%m-%d")
    except ValueError:
        return False
    return True


def comparison_expectations(rules: Iterable[Rule]) -> list[Expectation]:
    """One between-expectation on ``diff`` per rule and operator of a rule frame."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    out: list[Expectation] = []
    for rule in rules:
        for op in rule.ops:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="diff",
                    min_value=0 if op == "eq" else None,
                    max_value=0,
                    row_condition=(Column("rule_id") == rule.id) & (Column("op") == op),
                    meta={"rule_id": rule.id, "op": op},
                )
            )
    return out


def rule_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The typed rule frame; ``diff`` is derived here so GX and ``passed`` read the same column."""
    frame = pd.DataFrame(list(rows), columns=list(RULE_FRAME_COLUMNS[:6] + RULE_FRAME_COLUMNS[7:]))
    frame["observed_value"] = frame["observed_value"].astype("float64")
    frame["expected_value"] = frame["expected_value"].astype("float64")
    frame["diff"] = (frame["observed_value"] - frame["expected_value"]).round(DIFF_DECIMALS)
    frame["line"] = frame["line"].astype("Int64")
    for col in (
        "report_id",
        "rule_id",
        "instance",
        "op",
        "observed",
        "expected",
        "table",
        "detail",
    ):
        frame[col] = frame[col].astype(object)
    return frame[list(RULE_FRAME_COLUMNS)].reset_index(drop=True)


def rule_frame_passed(frame: pd.DataFrame) -> pd.Series:
    eq = frame["op"] == "eq"
    return (eq & (frame["diff"] == 0)) | (~eq & (frame["diff"] <= 0))


def fmt_number(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def fmt_sum(values: Sequence[float]) -> str:
    """``69+1=70`` for several parts, ``70`` for one."""
    total = fmt_number(sum(values))
    if len(values) == 1:
        return total
    return "+".join(fmt_number(v) for v in values) + "=" + total


class GxRunner:
    """The process-wide ephemeral GX context with one dataframe asset and suite per frame."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context: AbstractDataContext = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._datasource = self.context.data_sources.add_pandas("govreports")
        self._definitions: dict[str, Any] = {}
        self.last_results: dict[str, ExpectationSuiteValidationResult] = {}

    def _definition(self, name: str, expectations: Sequence[Expectation]) -> Any:
        if name not in self._definitions:
            gx = self._gx
            asset = self._datasource.add_dataframe_asset(name)
            batch = asset.add_batch_definition_whole_dataframe("batch")
            suite = self.context.suites.add(
                gx.ExpectationSuite(name=name, expectations=list(expectations))
            )
            definition = gx.ValidationDefinition(name=name, data=batch, suite=suite)
            self._definitions[name] = self.context.validation_definitions.add(definition)
        return self._definitions[name]

    def run(
        self, name: str, frame: pd.DataFrame, expectations: Sequence[Expectation]
    ) -> ExpectationSuiteValidationResult:
        """Validate ``frame`` with the suite ``name``; raise if any expectation raised."""
        definition = self._definition(name, expectations)
        result: ExpectationSuiteValidationResult = definition.run(
            batch_parameters={"dataframe": frame}, result_format={"result_format": "BASIC"}
        )
        for item in result.results:
            message = _raised(item.exception_info)
            if message is not None:
                raise ValidationToolError(
                    f"Great Expectations raised in suite {name!r} "
                    f"({item.expectation_config.type if item.expectation_config else '?'}): "
                    f"{message}"
                )
        self.last_results[name] = result
        return result


def _raised(info: Any) -> str | None:
    """The message of a raised exception in GX's ``exception_info`` (flat or per metric)."""
    if not isinstance(info, Mapping):
        return None
    if "raised_exception" in info:
        return str(info.get("exception_message")) if info.get("raised_exception") else None
    for nested in info.values():
        message = _raised(nested)
        if message is not None:
            return message
    return None


_RUNNER: GxRunner | None = None


def runner() -> GxRunner:
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = GxRunner()
    return _RUNNER


def unexpected_counts(result: ExpectationSuiteValidationResult) -> list[int]:
    return [int((item.result or {}).get("unexpected_count") or 0) for item in result.results]


def check_counts(name: str, result: ExpectationSuiteValidationResult, ours: Sequence[int]) -> None:
    """GX's unexpected counts must equal the failures we derived from the same columns."""
    theirs = unexpected_counts(result)
    if list(theirs) != list(ours):
        raise ValidationToolError(
            f"suite {name!r}: GX counted {theirs} unexpected rows, the derived booleans {list(ours)}"
        )


def run_column_checks(
    name: str, frame: pd.DataFrame, checks: Sequence[ColumnCheck]
) -> dict[int, pd.Series]:
    """Run the checks through GX; return each check's per-row pass mask (rows outside the
    check's ``when`` domain pass)."""
    result = runner().run(name, frame, [c.expectation() for c in checks])
    masks = {i: c.passed(frame) | ~c.domain(frame) for i, c in enumerate(checks)}
    check_counts(name, result, [int((~m).sum()) for m in masks.values()])
    return masks


def run_rule_frame(name: str, frame: pd.DataFrame, rules: Sequence[Rule]) -> pd.Series:
    """Run the comparison suite on a rule frame; return the per-row ``passed`` mask."""
    result = runner().run(name, frame, comparison_expectations(rules))
    passed = rule_frame_passed(frame)
    ours = [
        int(((frame["rule_id"] == r.id) & (frame["op"] == op) & ~passed).sum())
        for r in rules
        for op in r.ops
    ]
    check_counts(name, result, ours)
    return passed
