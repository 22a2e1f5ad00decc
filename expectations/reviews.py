"""Contract and suite of the ``reviews`` table: maintainers' decisions on reports
(tasks/reviews.py).

Grain: one row per decision, appended, never updated (a later decision on the same
version supersedes an earlier one; history stays). Key: ``review_id``. Schema:
``govreports.contract.tables.REVIEWS``. Held by ``CHECKS`` before the write and the key
check at rest (``govreports audit``).

Columns: ``action`` (accept | correct | reject), the version it applies to (``key``,
``etag``, ``report_id`` = sha256 of the bytes, null only for a rejected object that never
parsed), for a correction the fact (``table``/``row``/``column``), the maintainer's
``value`` and the ``stated_value`` the parser had read (null when absent), and who
(``reviewer``), when (``at``, UTC) and why (``reason``).

Checks run on every decision before it is written (``tasks.reviews.record_and_apply``);
a failure refuses the decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations._suite import ColumnCheck, TableContract
from govreports.contract.tables import TABLES

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = (
    "review_id",
    "action",
    "key",
    "etag",
    "report_id",
    "table",
    "row",
    "column",
    "value",
    "stated_value",
    "reason",
    "reviewer",
    "at",
)
ACTIONS = ("accept", "correct", "reject")

CHECKS: tuple[ColumnCheck, ...] = (
    ColumnCheck("reviews", "review_id", "not_null", "an id"),
    ColumnCheck("reviews", "action", "in_set", "/".join(ACTIONS), value_set=ACTIONS),
    ColumnCheck("reviews", "key", "not_null", "the raw object key"),
    ColumnCheck("reviews", "etag", "not_null", "the version reviewed"),
    ColumnCheck("reviews", "reason", "not_null", "why"),
    ColumnCheck("reviews", "reviewer", "not_null", "who"),
    ColumnCheck("reviews", "at", "not_null", "when"),
    # Conditional requirements, as derived booleans (GX's not_null takes no row condition).
    ColumnCheck(
        "reviews",
        "report_version_known",
        "in_set",
        "a report_id (accept, correct)",
        value_set=(True,),
    ),
    ColumnCheck(
        "reviews",
        "correction_names_fact",
        "in_set",
        "table/row/column (correct)",
        value_set=(True,),
    ),
    ColumnCheck(
        "reviews",
        "correction_has_value",
        "in_set",
        "the corrected value (correct)",
        value_set=(True,),
    ),
)

GRAIN = "one row per maintainer's decision (appended, never updated)"
KEY = ("review_id",)
SCHEMA = TABLES["reviews"].schema
CONTRACT = TableContract("reviews", GRAIN, KEY, tuple(f"{c.column} {c.kind}" for c in CHECKS))


def check_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The reviews rows with the derived columns the conditional checks read."""
    correcting = frame["action"] == "correct"
    named = frame[["table", "row", "column"]].notna().all(axis=1)
    return frame.assign(
        report_version_known=(frame["action"] == "reject") | frame["report_id"].notna(),
        correction_names_fact=~correcting | named,
        correction_has_value=~correcting | frame["value"].notna(),
    )


def problems(frame: pd.DataFrame) -> list[str]:
    """Run the suite (real GX); one line per check that fails on some row."""
    from expectations._suite import run_column_checks

    checked = check_frame(frame)
    masks = run_column_checks("reviews", checked, CHECKS)
    return [
        f"{c.column}: expected {c.expected} ({int((~masks[i]).sum())} row(s))"
        for i, c in enumerate(CHECKS)
        if not masks[i].all()
    ]
