"""Contract of the ``clean`` table: the ``reports`` rows most analyses want.

Grain: one row per report whose ``quality_status`` is pass or warn
(``govreports.contract.tables.CLEAN_STATUSES``), plus failing ones a maintainer accepted
(``review_status`` = accepted) unless they fail an unacceptable rule (settings
``unacceptable_rules``, R17 by default: an incomplete report never reaches ``clean``).
Key: ``report_id``. Schema: the ``reports`` schema (``govreports.contract.tables.TABLES``).

Written with ``reports`` in the same publish (``tasks.rows.clean_rows`` filters the batch's
``reports`` rows), so it is held by the same checks (C1-C4 before the write, every rule for
the status), by the key check at rest and by ``CHECKS`` at rest (``govreports audit``):
every row was admitted (pass/warn, or accepted) and none fails an unacceptable rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations import reports
from expectations._suite import ColumnCheck, TableContract
from govreports.contract.tables import CLEAN_STATUSES, TABLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

GRAIN = "one row per report that passed or warned, or that a maintainer accepted"
KEY = ("report_id",)
SCHEMA = TABLES["clean"].schema
STATUSES = tuple(CLEAN_STATUSES)
# The columns the checks at rest read.
COLUMNS = ("report_id", "quality_status", "review_status", "failed_rules")
CHECKS: tuple[ColumnCheck, ...] = (
    ColumnCheck(
        "clean",
        "admitted",
        "in_set",
        "quality_status " + "/".join(STATUSES) + ", or accepted by a maintainer",
        value_set=(True,),
    ),
    ColumnCheck("clean", "acceptable", "in_set", "no unacceptable rule failed", value_set=(True,)),
)
CONTRACT = TableContract(
    "clean",
    GRAIN,
    KEY,
    (*reports.CONTRACT.held_by, *(f"{c.column} {c.kind}" for c in CHECKS)),
)


def check_frame(frame: pd.DataFrame, unacceptable_rules: Sequence[str]) -> pd.DataFrame:
    """The clean rows with the derived booleans the checks read."""
    unacceptable = set(unacceptable_rules)
    return frame.assign(
        admitted=frame["quality_status"].isin(STATUSES)
        | (frame["review_status"] == "accepted").fillna(False),
        acceptable=[
            not (unacceptable & set(() if failed is None else failed))
            for failed in frame["failed_rules"].tolist()
        ],
    )


def problems(frame: pd.DataFrame, unacceptable_rules: Sequence[str]) -> list[str]:
    """Run the checks (real GX); one line per check that fails on some row, with examples."""
    from expectations._suite import GX_LOCK, run_column_checks

    checked = check_frame(frame, unacceptable_rules)
    with GX_LOCK:
        masks = run_column_checks("clean", checked, CHECKS)
    out = []
    for i, check in enumerate(CHECKS):
        bad = checked.loc[~masks[i], "report_id"].tolist()
        if bad:
            shown = ", ".join(str(b)[:12] for b in bad[:3])
            out.append(f"{check.column}: expected {check.expected} ({len(bad)} row(s): {shown})")
    return out
