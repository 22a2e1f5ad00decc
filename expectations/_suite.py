"""Shared machinery of the suites: rule metadata, the rule frame, and one cached GX runner.

Two kinds of frame go through Great Expectations:

* an *entity frame* (one row per report, per fact, per rule result) checked with
  column expectations (not null, in set, between, date format), declared as
  :class:`ColumnCheck` rows;
* a *rule frame*: one row per report and rule instance (e.g. R1 for column
  ``total``) holding the observed and the expected number and ``diff = observed -
  expected``. An ``eq`` instance holds when ``diff == 0``, an ``le`` instance when
  ``diff <= 0``. The frame carries ``diff`` once more per operator (``diff_eq``,
  ``diff_le``: the diff on that operator's rows, null elsewhere), so GX checks every
  rule of the batch with one ``expect_column_values_to_be_between`` per operator
  and no row condition (GX skips nulls). A column check with a ``when`` domain is
  likewise run on a derived column that is null outside its domain.

Expectation count, not row count, is what a GX run costs (each expectation resolves
its own metric graph), so a batch of any size runs a fixed, small number of them.

Pass/fail per row is computed here from the same derived column, so results never
depend on GX's bounded unexpected lists; GX is the suite-level gate, and its
unexpected counts must agree with ours. Any exception inside GX, or a disagreement,
is a :class:`ValidationToolError`: a pipeline error, never "bad data".

great_expectations is imported lazily (it costs seconds); the ephemeral context,
datasource, suites, batch and validation definitions are built once per process and
reused (rebuilt only if a suite's expectations change, e.g. C4's year range at New Year).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from govreports.contract.tables import TABLES

if TYPE_CHECKING:
    import pyarrow as pa
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
    )
    from great_expectations.data_context.data_context.abstract_data_context import (
        AbstractDataContext,
    )
    from great_expectations.expectations.expectation import Expectation

Severity = Literal["critical", "error", "warning"]

# Great Expectations is not thread-safe: two runs validating at once in one warm worker
# (concurrency 2) made it raise ValidationToolError ("Unalignable boolean Series") about one
# time in six. Every caller of the runner holds this lock (validation takes one batch at a
# time per process, the audit's key checks wait for it); re-entrant for nested callers.
GX_LOCK = threading.RLock()
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
# Input columns of :func:`rule_frame` (``diff`` is derived).
RULE_ROW_COLUMNS: tuple[str, ...] = tuple(c for c in RULE_FRAME_COLUMNS if c != "diff")
OPS: tuple[Op, ...] = ("eq", "le")
# Per operator: the rule frame column GX checks and its bounds (min, max).
OP_COLUMNS: dict[Op, tuple[str, float | None, float]] = {
    "eq": ("diff_eq", 0, 0),
    "le": ("diff_le", None, 0),
}


class ValidationToolError(RuntimeError):
    """Great Expectations itself failed (an expectation raised, or its counts disagree)."""


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

    def __post_init__(self) -> None:
        if self.when is not None and self.kind == "not_null":
            # Outside the domain the derived column is null, which not_null would count.
            raise ValueError(f"{self.rule_id}/{self.column}: not_null cannot take a `when`")

    @property
    def gx_column(self) -> str:
        """The column GX checks: ``column`` itself, or with ``when`` a derived column that
        holds ``column`` on the domain rows and null elsewhere (no row condition needed)."""
        return self.column if self.when is None else f"{self.column}__if__{self.when}"

    def expectation(self) -> Expectation:
        from great_expectations.expectations.core.expect_column_values_to_be_between import (
            ExpectColumnValuesToBeBetween,
        )
        from great_expectations.expectations.core.expect_column_values_to_be_in_set import (
            ExpectColumnValuesToBeInSet,
        )
        from great_expectations.expectations.core.expect_column_values_to_match_strftime_format import (  # noqa: E501
            ExpectColumnValuesToMatchStrftimeFormat,
        )
        from great_expectations.expectations.core.expect_column_values_to_not_be_null import (
            ExpectColumnValuesToNotBeNull,
        )

        meta = {"rule_id": self.rule_id, "column": self.column, "when": self.when}
        column = self.gx_column
        if self.kind == "not_null":
            return ExpectColumnValuesToNotBeNull(column=column, meta=meta)
        if self.kind == "in_set":
            return ExpectColumnValuesToBeInSet(
                column=column, value_set=list(self.value_set), meta=meta
            )
        if self.kind == "between":
            return ExpectColumnValuesToBeBetween(
                column=column, min_value=self.min_value, max_value=self.max_value, meta=meta
            )
        return ExpectColumnValuesToMatchStrftimeFormat(
            column=column, strftime_format="%Y-%m-%d", meta=meta
        )

    def gx_frame_column(self, frame: pd.DataFrame) -> pd.Series:
        """The values of :attr:`gx_column` for ``frame``."""
        if self.when is None:
            return frame[self.column]
        return frame[self.column].where(frame[self.when].astype(bool))

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


def comparison_expectations(ops: Sequence[Op] = OPS) -> list[Expectation]:
    """One between-expectation per operator, on that operator's diff column of a rule frame."""
    from great_expectations.expectations.core.expect_column_values_to_be_between import (
        ExpectColumnValuesToBeBetween,
    )

    out: list[Expectation] = []
    for op in ops:
        column, lo, hi = OP_COLUMNS[op]
        out.append(
            ExpectColumnValuesToBeBetween(
                column=column, min_value=lo, max_value=hi, meta={"op": op}
            )
        )
    return out


_TEXT_COLUMNS: tuple[str, ...] = tuple(
    c for c in RULE_ROW_COLUMNS if c not in ("observed_value", "expected_value", "line")
)


def rule_frame(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """The typed rule frame; ``diff`` (and its per-operator twins ``diff_eq``/``diff_le``) is
    derived here so GX and ``passed`` read the same numbers.

    ``rows``: row dicts, or a frame with (at least) the columns :data:`RULE_ROW_COLUMNS`."""
    if isinstance(rows, pd.DataFrame):
        frame = rows.reset_index(drop=True).reindex(columns=list(RULE_ROW_COLUMNS))
    else:
        frame = pd.DataFrame(list(rows), columns=list(RULE_ROW_COLUMNS))
    observed = frame["observed_value"].astype("float64")
    expected = frame["expected_value"].astype("float64")
    diff = (observed - expected).round(DIFF_DECIMALS)
    columns: dict[str, pd.Series] = {
        "observed_value": observed,
        "expected_value": expected,
        "diff": diff,
        "line": frame["line"].astype("Int64"),
        **{col: frame[col].astype(object) for col in _TEXT_COLUMNS},
    }
    for op in OPS:
        columns[OP_COLUMNS[op][0]] = diff.where(frame["op"] == op)
    order = [*RULE_FRAME_COLUMNS, *(OP_COLUMNS[op][0] for op in OPS)]
    return pd.DataFrame(columns, index=frame.index)[order]


def rule_frame_passed(frame: pd.DataFrame) -> pd.Series:
    eq = frame["op"] == "eq"
    return (eq & (frame["diff"] == 0)) | (~eq & (frame["diff"] <= 0))


def fmt_number(value: float) -> str:
    if not math.isfinite(value):  # int(inf) raises; a non-finite value is shown as it is
        return str(value)
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
        self._batches: dict[str, Any] = {}
        # name -> (key of the expectations it was built from, validation definition)
        self._definitions: dict[str, tuple[Hashable, Any]] = {}
        self.last_results: dict[str, ExpectationSuiteValidationResult] = {}

    def _definition(
        self, name: str, key: Hashable, expectations: Callable[[], Sequence[Expectation]]
    ) -> Any:
        """The validation definition of suite ``name``, built once; ``expectations`` is only
        called to (re)build it, when ``key`` differs from the one it was built with."""
        cached = self._definitions.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        gx = self._gx
        if cached is not None:
            self.context.validation_definitions.delete(name)
            self.context.suites.delete(name)
        if name not in self._batches:
            asset = self._datasource.add_dataframe_asset(name)
            self._batches[name] = asset.add_batch_definition_whole_dataframe("batch")
        suite = self.context.suites.add(
            gx.ExpectationSuite(name=name, expectations=list(expectations()))
        )
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=self._batches[name], suite=suite)
        )
        self._definitions[name] = (key, definition)
        return definition

    def run(
        self,
        name: str,
        frame: pd.DataFrame,
        key: Hashable,
        expectations: Callable[[], Sequence[Expectation]],
    ) -> ExpectationSuiteValidationResult:
        """Validate ``frame`` with the suite ``name`` (built from ``expectations()`` when
        ``key`` is new); raise if any expectation raised."""
        definition = self._definition(name, key, expectations)
        result: ExpectationSuiteValidationResult = definition.run(
            batch_parameters={"dataframe": frame}, result_format={"result_format": "BASIC"}
        )
        self._forget_stored_results()
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

    def _forget_stored_results(self) -> None:
        """Empty the context's validation results store.

        ``ValidationDefinition.run`` adds every result to it, and the ephemeral context keeps
        them in memory without bound: ~5 KB a suite run, 8 runs a batch, in a worker that
        validates for days. Ours are read from the returned result, never from the store."""
        store = self.context.validation_results_store
        for stored in store.list_keys():
            store.remove_key(stored)  # type: ignore[no-untyped-call]  # GX leaves it untyped


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


@functools.cache
def runner() -> GxRunner:
    """The process-wide runner, built on first use."""
    return GxRunner()


def unexpected_counts(result: ExpectationSuiteValidationResult) -> list[int]:
    return [int((item.result or {}).get("unexpected_count") or 0) for item in result.results]


def _result_key(config: Any) -> tuple[str, str, str]:
    kwargs = dict(getattr(config, "kwargs", None) or {})
    return (str(config.type), str(kwargs.get("column")), repr(sorted((config.meta or {}).items())))


def counts_in_check_order(
    result: ExpectationSuiteValidationResult, checks: Sequence[ColumnCheck]
) -> list[int]:
    """GX's unexpected counts, one per check in ``checks`` order.

    GX returns a suite's results grouped by column, not in the order the expectations were
    added (C4's report_year range comes back second, after C1's report_year check): read
    positionally, a report with no facts (C3) looked like a C4 failure and the cross-check
    raised "validation tool error" for a plain critical failure.
    """
    counts: dict[tuple[str, str, str], list[int]] = {}
    for item in result.results:
        if item.expectation_config is None:
            return unexpected_counts(result)
        key = _result_key(item.expectation_config)
        counts.setdefault(key, []).append(int((item.result or {}).get("unexpected_count") or 0))
    ordered: list[int] = []
    for check in checks:
        found = counts.get(_result_key(check.expectation().configuration))
        if not found:
            return unexpected_counts(result)  # let check_counts report the mismatch
        ordered.append(found.pop(0))
    return ordered


def check_counts(
    name: str,
    result: ExpectationSuiteValidationResult,
    ours: Sequence[int],
    theirs: Sequence[int] | None = None,
) -> None:
    """GX's unexpected counts must equal the failures we derived from the same columns."""
    if len(result.results) != len(ours):
        raise ValidationToolError(
            f"suite {name!r}: GX ran {len(result.results)} expectations, expected {len(ours)}"
        )
    theirs = unexpected_counts(result) if theirs is None else theirs
    if list(theirs) != list(ours):
        raise ValidationToolError(
            f"suite {name!r}: GX counted {theirs} unexpected rows, "
            f"the derived booleans {list(ours)}"
        )


def run_column_checks(
    name: str, frame: pd.DataFrame, checks: Sequence[ColumnCheck]
) -> dict[int, pd.Series]:
    """Run the checks through GX (one expectation each, no row conditions); return each
    check's per-row pass mask (rows outside the check's ``when`` domain pass)."""
    derived = {c.gx_column: c.gx_frame_column(frame) for c in checks if c.when is not None}
    checked = frame.assign(**derived) if derived else frame
    checks = tuple(checks)
    result = runner().run(name, checked, checks, lambda: [c.expectation() for c in checks])
    masks = {i: c.passed(frame) | ~c.domain(frame) for i, c in enumerate(checks)}
    ours = [int((~m).sum()) for m in masks.values()]
    check_counts(name, result, ours, counts_in_check_order(result, checks))
    return masks


def run_rule_frame(name: str, frame: pd.DataFrame, rules: Sequence[Rule]) -> pd.Series:
    """Run the comparison suite on a rule frame (from :func:`rule_frame`): one expectation
    per operator for the whole frame. Return the per-row ``passed`` mask.

    Every row must be an instance of one of ``rules`` with an operator that rule declares;
    anything else is a bug in the suites, not in a report."""
    declared = {(r.id, op) for r in rules for op in r.ops}
    pairs = frame[["rule_id", "op"]].drop_duplicates()
    stray = sorted(
        {(str(r), str(o)) for r, o in zip(pairs["rule_id"], pairs["op"], strict=True)} - declared
    )
    if stray:
        raise ValidationToolError(f"suite {name!r}: undeclared rule/operator instances {stray}")
    result = runner().run(name, frame, OPS, comparison_expectations)
    passed = rule_frame_passed(frame)
    ours = [int(((frame["op"] == op) & ~passed).sum()) for op in OPS]
    check_counts(name, result, ours)
    return passed


@dataclass(frozen=True)
class TableContract:
    """What a curated table promises, beside the suite that holds it (``expectations/<table>.py``).

    ``grain``: what one row is; ``key``: the columns that identify a row (at most one row per
    key, no key column null); ``held_by``: the rule ids and checks that gate what is written
    (run before the write); the key itself is checked at rest by :func:`run_key_check` (the
    audit). The schema is the table's own in ``govreports.contract.tables`` (not a copy).
    """

    table: str
    grain: str
    key: tuple[str, ...]
    held_by: tuple[str, ...]

    @property
    def schema(self) -> pa.Schema:
        return TABLES[self.table].schema

    def key_expectations(self) -> list[Expectation]:
        """One not-null expectation per key column, then one uniqueness expectation."""
        from great_expectations.expectations.core.expect_column_values_to_be_unique import (
            ExpectColumnValuesToBeUnique,
        )
        from great_expectations.expectations.core.expect_column_values_to_not_be_null import (
            ExpectColumnValuesToNotBeNull,
        )
        from great_expectations.expectations.core.expect_compound_columns_to_be_unique import (
            ExpectCompoundColumnsToBeUnique,
        )

        meta = {"table": self.table, "key": list(self.key)}
        out: list[Expectation] = [
            ExpectColumnValuesToNotBeNull(column=c, meta=meta) for c in self.key
        ]
        if len(self.key) == 1:
            out.append(ExpectColumnValuesToBeUnique(column=self.key[0], meta=meta))
        else:
            # "never": a row with a null key part still counts (GX's default skips all-null rows).
            out.append(
                ExpectCompoundColumnsToBeUnique(
                    column_list=list(self.key), ignore_row_if="never", meta=meta
                )
            )
        return out


@dataclass(frozen=True)
class KeyCheck:
    """The key check of one table at rest: rows, rows sharing a key, rows with a null key part."""

    table: str
    key: tuple[str, ...]
    rows: int
    duplicate_rows: int
    null_key_rows: int
    duplicate_keys: tuple[tuple[Any, ...], ...]  # the first few keys held by several rows

    @property
    def ok(self) -> bool:
        return self.duplicate_rows == 0 and self.null_key_rows == 0


SHOWN_KEYS = 5


def run_key_check(contract: TableContract, frame: pd.DataFrame) -> KeyCheck:
    """The table's key through Great Expectations (suite ``key:<table>``), GX's counts checked
    against the same counts taken with pandas; any exception inside GX is a tool error."""
    key = list(contract.key)
    frame = frame[key]
    nulls = [int(frame[c].isna().sum()) for c in key]
    if len(key) == 1:
        # GX's single-column uniqueness leaves nulls out (the not-null check counts them).
        shared = frame[key[0]].notna() & frame.duplicated(key, keep=False)
    else:
        shared = frame.duplicated(key, keep=False)
    name = f"key:{contract.table}"
    with GX_LOCK:
        result = runner().run(name, frame, contract.key, contract.key_expectations)
    # GX orders its results by column, not as added: match them by expectation.
    ours = [*nulls, int(shared.sum())]
    at = {_result_key(e.configuration): i for i, e in enumerate(contract.key_expectations())}
    theirs = [0] * len(ours)
    for item in result.results:
        i = at.get(_result_key(item.expectation_config)) if item.expectation_config else None
        if i is None:
            raise ValidationToolError(f"suite {name!r}: a result of no key expectation")
        theirs[i] = int((item.result or {}).get("unexpected_count") or 0)
    check_counts(name, result, ours, theirs)
    dup_keys = frame[shared].drop_duplicates(key).head(SHOWN_KEYS)
    return KeyCheck(
        contract.table,
        contract.key,
        len(frame),
        int(shared.sum()),
        int(frame.isna().any(axis=1).sum()),
        tuple(tuple(r) for r in dup_keys.itertuples(index=False, name=None)),
    )
