"""Contract and suite of the ``facts`` table.

Grain: one row per stated number. Key: ``(report_id, table, row, column)``
(data-contract.md §2). Schema: ``govreports.contract.tables.FACTS``. Held by R7 before the
write (below) and by the key check at rest (``govreports audit``).

The facts frame of a batch is checked as one frame: R7, every 表二/表三/表四 count is a
non-negative integer (2019 ``本年增/减`` may be negative; money in 万元 may be decimal). The
rules read from its numbers (sums, prose, cross-year) are the rule families in
``expectations/rules/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from expectations._suite import RULE_ROW_COLUMNS, ColumnCheck, Rule, TableContract, fmt_number
from govreports.contract.tables import TABLES
from govreports.contract.vocabulary import MONEY_COLUMNS, SIGNED_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Sequence

FACT_TABLES = ("applications", "review_litigation", "proactive", "legacy_stats", "text")

RULES: tuple[Rule, ...] = (Rule("R7", "error", "表二/三/四: counts are non-negative integers"),)

FACT_CHECKS: tuple[ColumnCheck, ...] = (
    ColumnCheck("R7", "value", "between", "≥ 0", min_value=0, when="must_be_nonneg"),
    ColumnCheck("R7", "fraction", "in_set", "an integer", value_set=(0.0,), when="must_be_int"),
)

GRAIN = "one row per stated number"
KEY = ("report_id", "table", "row", "column")
SCHEMA = TABLES["facts"].schema
CONTRACT = TableContract("facts", GRAIN, KEY, tuple(r.id for r in RULES))


def facts_frame(reports: Sequence[Any]) -> pd.DataFrame:
    """All facts of the batch as one frame, with the R7 domain columns derived."""
    records = [
        (r.report_id, r.format, f.table, f.row, f.column, f.value, f.approximate, f.line)
        for r in reports
        for f in r.facts
    ]
    frame = pd.DataFrame(
        records,
        columns=["report_id", "format", "table", "row", "column", "value", "approximate", "line"],
    )
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["line"] = frame["line"].astype("Int64")
    formal = frame["table"].isin(("applications", "review_litigation", "proactive"))
    frame["must_be_nonneg"] = formal & ~frame["column"].isin(SIGNED_COLUMNS)
    frame["must_be_int"] = formal & ~frame["column"].isin(MONEY_COLUMNS)
    frame["fraction"] = np.mod(frame["value"], 1.0)
    return frame


def r7_frame(facts: pd.DataFrame, masks: Sequence[pd.Series]) -> pd.DataFrame:
    """R7 per report from the GX-checked facts frame: one row per offending cell, else one
    passing row, in order of the reports' first checked cell. Rows carry ``passed``
    themselves (they are not a comparison)."""
    domain = (facts["must_be_nonneg"] | facts["must_be_int"]).to_numpy(dtype=bool)
    ok = np.ones(len(facts), dtype=bool)
    for mask in masks:
        ok &= mask.to_numpy(dtype=bool)
    sub = facts[domain]
    if sub.empty:
        return pd.DataFrame(columns=[*RULE_ROW_COLUMNS, "passed"])
    sub_ok = ok[domain]
    group = sub.groupby("report_id", sort=False).ngroup().to_numpy(dtype=np.int64)
    n_groups = int(group.max()) + 1
    size = np.bincount(group, minlength=n_groups)
    bad_count = np.bincount(group, weights=~sub_ok, minlength=n_groups)
    first = np.unique(group, return_index=True)[1]
    clean = np.flatnonzero(bad_count == 0)
    n_cells = size[clean]
    good = pd.DataFrame(
        {
            "report_id": sub["report_id"].to_numpy()[first[clean]],
            "rule_id": "R7",
            "instance": "all",
            "op": "eq",
            "observed_value": n_cells.astype("float64"),
            "expected_value": n_cells.astype("float64"),
            "observed": [f"{n} cells" for n in n_cells.tolist()],
            "expected": "all non-negative integers",
            "line": None,
            "table": "facts",
            "detail": [f"{n} 表二/三/四 cells are non-negative integers" for n in n_cells.tolist()],
            "passed": True,
            "_group": clean,
            "_at": first[clean],
        }
    )
    bad_at = np.flatnonzero(~sub_ok)
    bad = sub.iloc[bad_at]
    instance = (bad["table"] + "/" + bad["row"] + "/" + bad["column"]).astype(object)
    shown = [fmt_number(float(v)) for v in bad["value"].tolist()]
    wrong = pd.DataFrame(
        {
            "report_id": bad["report_id"].to_numpy(),
            "rule_id": "R7",
            "instance": instance.to_numpy(),
            "op": "eq",
            "observed_value": bad["value"].to_numpy(dtype="float64"),
            "expected_value": np.nan,
            "observed": shown,
            "expected": np.where(
                bad["must_be_nonneg"].to_numpy(dtype=bool),
                "a non-negative integer",
                "an integer",
            ),
            "line": bad["line"].to_numpy(dtype=object),
            "table": bad["table"].astype(object).to_numpy(),
            "detail": [f"{i} = {v}" for i, v in zip(instance.tolist(), shown, strict=True)],
            "passed": False,
            "_group": group[bad_at],
            "_at": bad_at,
        }
    )
    out = pd.concat([good, wrong], ignore_index=True).sort_values(["_group", "_at"], kind="stable")
    out["line"] = out["line"].astype("Int64")
    return out.drop(columns=["_group", "_at"]).reset_index(drop=True)
