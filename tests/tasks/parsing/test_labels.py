"""The label tables name only fact keys the vocabulary and the formats declare."""

from __future__ import annotations

from govreports.contract.formats import LAYOUTS
from govreports.contract.formats.pre2019 import LEGACY_SHARED_SUFFIX, UNMAPPED
from govreports.contract.vocabulary import (
    APPLICATION_COLUMNS,
    LEGACY_STATS_ROWS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
)
from tasks.parsing.labels import (
    APPLICANT_COLUMN_ALIASES,
    APPLICATION_ROWS,
    APPLICATION_ROWS_EXACT,
    LEGACY_ROWS,
    PROACTIVE_COLUMNS,
    PROACTIVE_ROWS,
    PROACTIVE_UNITS,
    REVIEW_COLUMN_ALIASES,
    REVIEW_GROUP_ALIASES,
)


def test_uniform_table_labels_are_the_formats_keys() -> None:
    application_rows = {
        row for lay in LAYOUTS for row, _ in (lay.tables or {}).get("applications", ())
    }
    proactive = [form for lay in LAYOUTS for form in lay.proactive]
    assert {*APPLICATION_ROWS, *APPLICATION_ROWS_EXACT} == application_rows
    assert set(PROACTIVE_ROWS) == {row for row, _ in proactive}
    assert set(PROACTIVE_UNITS) == {row for row, _ in proactive}
    assert set(PROACTIVE_COLUMNS) == {column for _, columns in proactive for column in columns}
    assert set(APPLICANT_COLUMN_ALIASES) == set(APPLICATION_COLUMNS)
    assert set(REVIEW_GROUP_ALIASES) == set(REVIEW_ROWS)
    assert set(REVIEW_COLUMN_ALIASES) == set(REVIEW_COLUMNS)


def test_legacy_labels_are_the_vocabularys_rows() -> None:
    keys: set[str] = set()
    for key in LEGACY_ROWS:
        if key.startswith(LEGACY_SHARED_SUFFIX):
            keys |= {f"{parent}_{key[1:]}" for parent in ("reconsideration", "litigation")}
        elif key != UNMAPPED:
            keys.add(key)
    assert keys == set(LEGACY_STATS_ROWS)
