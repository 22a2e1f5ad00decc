"""What every rule family shares: the batch it reads, the interface it keeps, the row helpers.

A family (``expectations/rules/<family>.py``) is a module with

* ``RULES``: the :class:`~expectations._suite.Rule` declarations it owns (id, default
  severity, description, operators), and
* ``rows(batch)``: the rule-frame input rows (:data:`~expectations._suite.RULE_ROW_COLUMNS`)
  of every instance of its rules it can evaluate on the batch; a rule whose facts are
  absent yields no row (not applicable is never a failure).

It is checked structurally by :class:`RuleFamily`; ``expectations/rules/__init__.py`` holds
the registry validation iterates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import pandas as pd

from expectations._suite import Op, Rule, fmt_sum

if TYPE_CHECKING:
    from govreports.contract.models import Report

Row = dict[str, Any]


@dataclass(frozen=True)
class RuleBatch:
    """One validation batch as the families read it.

    ``facts``: the batch's facts frame (``expectations.facts.facts_frame``);
    ``previous_facts``: the facts of each report's previous year, with ``report_id`` set to
    the *current* report's id so both frames join on the same key; ``latest_before``:
    report_id -> the same agency's latest earlier report (R16).
    """

    reports: Sequence[Report]
    facts: pd.DataFrame
    previous_facts: pd.DataFrame
    latest_before: Mapping[str, Report]


class RuleFamily(Protocol):
    """A rule family module: its rules and the rows it builds for a batch."""

    RULES: tuple[Rule, ...]

    def rows(self, batch: RuleBatch) -> list[Row]: ...


def row(  # noqa: PLR0917 - one positional per rule-frame column, in column order
    report_id: Any,
    rule_id: str,
    instance: str,
    op: Op,
    observed_value: float,
    expected_value: float,
    observed: str,
    expected: str,
    line: Any,
    table: str,
    detail: str,
) -> Row:
    """A rule-frame row read from facts (``table`` is the fact table it is about)."""
    return {
        "report_id": report_id,
        "rule_id": rule_id,
        "instance": instance,
        "op": op,
        "observed_value": observed_value,
        "expected_value": expected_value,
        "observed": observed,
        "expected": expected,
        "line": None if line is None or pd.isna(line) else int(line),
        "table": table,
        "detail": detail,
    }


def report_row(  # noqa: PLR0917 - one positional per rule-frame column, in column order
    report: Report,
    rule_id: str,
    instance: str,
    op: Op,
    observed_value: float,
    expected_value: float,
    observed: str,
    expected: str,
    detail: str,
    line: int | None = None,
) -> Row:
    """A rule-frame row about the report as a whole (table ``reports``)."""
    return row(
        report.report_id,
        rule_id,
        instance,
        op,
        observed_value,
        expected_value,
        observed,
        expected,
        line,
        "reports",
        detail,
    )


def first_line(report: Report, table: str) -> int | None:
    lines = [f.line for f in report.facts if f.table == table and f.line is not None]
    return min(lines) if lines else None


def wide(
    facts: pd.DataFrame, table: str, index: str, columns: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and lines of one fact table pivoted to ``(report_id, index) x columns``."""
    sub = facts[facts["table"] == table].drop_duplicates(["report_id", "row", "column"])
    if sub.empty:
        empty = pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["report_id", index]))
        return empty, empty
    keyed = sub.assign(line=sub["line"].astype("float64")).set_index(["report_id", index, columns])
    both = keyed[["value", "line"]].unstack(columns)
    return cast("pd.DataFrame", both["value"]), cast("pd.DataFrame", both["line"])


def identities(
    values: pd.DataFrame,
    lines: pd.DataFrame,
    rule_id: str,
    parts: Sequence[str],
    targets: Sequence[str],
    *,
    table: str,
    op: Op = "eq",
    min_parts: int | None = None,
    suffix: str = "",
    name: str | None = None,
) -> list[Row]:
    """One rule row per wide row where ``sum(parts) op sum(targets)`` can be evaluated.

    Which rows apply and their lines are found on the whole pivot at once; only the rows
    kept are formatted (sums in Python, left to right, as the texts show them)."""
    if values.empty:
        return []
    keys = [*parts, *targets]
    vals = values.reindex(columns=keys).to_numpy(dtype="float64")
    lns = lines.reindex(columns=keys).to_numpy(dtype="float64")
    pv, tv = vals[:, : len(parts)], vals[:, len(parts) :]
    present = ~np.isnan(pv)
    keep = ~np.isnan(tv).any(axis=1)
    if min_parts is None:
        keep &= present.all(axis=1)
    else:
        keep &= present.sum(axis=1) >= min_parts
    at = np.flatnonzero(keep)
    if not at.size:
        return []
    target_line = np.fmin.reduce(lns[at, len(parts) :], axis=1)
    part_line = np.fmin.reduce(lns[at, : len(parts)], axis=1)
    line = np.asarray(np.where(np.isnan(target_line), part_line, target_line), dtype="float64")
    relation = "=" if op == "eq" else "≤"
    targets_label = "+".join(targets)
    index = values.index[at]
    rows: list[Row] = []
    for (report_id, instance), prow, okrow, trow, ln in zip(
        index, pv[at].tolist(), present[at].tolist(), tv[at].tolist(), line.tolist(), strict=True
    ):
        pvals = [v for v, ok in zip(prow, okrow, strict=True) if ok]
        used = [p for p, ok in zip(parts, okrow, strict=True) if ok]
        rows.append(
            row(
                report_id,
                rule_id,
                name or f"{instance}{suffix}",
                op,
                sum(pvals),
                sum(trow),
                fmt_sum(pvals),
                relation + fmt_sum(trow),
                None if np.isnan(ln) else ln,
                table,
                f"{instance}: {'+'.join(used)} {relation} {targets_label}",
            )
        )
    return rows


Cells = Mapping[tuple[str, str, str], tuple[float, Any]]


def cells(facts: pd.DataFrame) -> dict[str, dict[tuple[str, str, str], tuple[float, Any]]]:
    """``report_id -> (table, row, column) -> (value, line)``; the first fact of a key wins."""
    out: dict[str, dict[tuple[str, str, str], tuple[float, Any]]] = {}
    lines = [None if pd.isna(v) else int(v) for v in facts["line"].tolist()]
    for report_id, table, row_, column, value, line in zip(
        facts["report_id"].tolist(),
        facts["table"].tolist(),
        facts["row"].tolist(),
        facts["column"].tolist(),
        facts["value"].tolist(),
        lines,
        strict=True,
    ):
        out.setdefault(report_id, {}).setdefault((table, row_, column), (value, line))
    return out
