"""The curated tables of data-contract.md §3: names, Arrow schemas and partitioning.

``reports``, ``facts`` and ``rule_results`` are the contract; ``clean`` holds the
``reports`` rows whose quality_status is pass or warn (or that a maintainer accepted).
``outcomes`` is the pipeline's own ledger: one row per raw object key with the etag it
last processed and what became of it (published or quarantined). The audit, the
reconcile flow and the tests read it to prove that nothing was lost. ``reviews`` holds
the maintainers' decisions (``tasks/reviews.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

PARTITION = "report_year"

CLEAN_STATUSES = ["pass", "warn"]

_STR = pa.string()

_TS = pa.timestamp("us", tz="UTC")

_LIST = pa.list_(pa.string())

REPORTS = pa.schema(
    [
        ("report_id", _STR),
        ("schema_version", _STR),
        ("title", _STR),
        ("agency", _STR),
        ("report_year", pa.int32()),
        ("format", _STR),
        ("published_on", pa.date32()),
        ("signed_on", pa.date32()),
        ("province", _STR),
        ("city", _STR),
        ("county", _STR),
        ("sections", _LIST),
        ("notes", _LIST),
        ("bucket", _STR),
        ("key", _STR),
        ("etag", _STR),
        ("size_bytes", pa.int64()),
        ("parser_version", _STR),
        ("ingested_at", _TS),
        ("run_id", _STR),
        ("quality_status", _STR),
        ("failed_rules", _LIST),
        ("warned_rules", _LIST),
        # A maintainer's decision in force (tasks/reviews.py): accepted | corrected | null.
        ("review_status", _STR),
        ("review_ids", _LIST),
        ("applications_received", pa.int64()),
        ("applications_carried_forward", pa.int64()),
        ("reconsideration_total", pa.int64()),
        ("litigation_total", pa.int64()),
        ("proactive_items", pa.int64()),
        ("text", _STR),
    ]
)

FACTS = pa.schema(
    [
        ("report_id", _STR),
        ("report_year", pa.int32()),
        ("table", _STR),
        ("row", _STR),
        ("column", _STR),
        ("value", pa.float64()),
        ("unit", _STR),
        ("approximate", pa.bool_()),
        ("raw", _STR),
        ("line", pa.int32()),
        ("source", _STR),  # text | ocr (schema_version 3)
    ]
)

RULE_RESULTS = pa.schema(
    [
        ("report_id", _STR),
        ("report_year", pa.int32()),
        ("rule_id", _STR),
        ("severity", _STR),
        ("passed", pa.bool_()),
        ("observed", _STR),
        ("expected", _STR),
        ("detail", _STR),
        ("line", pa.int32()),
        ("table", _STR),
    ]
)

OUTCOMES = pa.schema(
    [
        ("key", _STR),
        ("etag", _STR),
        ("last_modified", _TS),
        ("outcome", _STR),  # published | quarantined
        ("report_id", _STR),
        ("stage", _STR),
        ("reason", _STR),
        ("run_id", _STR),
        ("at", _TS),
    ]
)


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    schema: pa.Schema
    partition_by: tuple[str, ...]


REVIEWS = pa.schema(
    [
        ("review_id", pa.string()),
        ("action", pa.string()),  # accept | correct | reject
        ("key", pa.string()),  # the raw object reviewed
        ("etag", pa.string()),  # ... at this version
        ("report_id", pa.string()),  # sha256 of its bytes; null if it never parsed
        ("table", pa.string()),  # correct: the fact's key
        ("row", pa.string()),
        ("column", pa.string()),
        ("value", pa.float64()),  # correct: the maintainer's value
        ("stated_value", pa.float64()),  # correct: what the report was read as (null: absent)
        ("reason", pa.string()),
        ("reviewer", pa.string()),
        ("at", pa.timestamp("us", tz="UTC")),
    ]
)


TABLES: dict[str, TableSpec] = {
    "reports": TableSpec("reports", REPORTS, (PARTITION,)),
    # What most consumers want: the reports whose numbers hold together (pass or warn).
    "clean": TableSpec("clean", REPORTS, (PARTITION,)),
    "facts": TableSpec("facts", FACTS, (PARTITION,)),
    "rule_results": TableSpec("rule_results", RULE_RESULTS, (PARTITION,)),
    "outcomes": TableSpec("outcomes", OUTCOMES, ()),
    # Maintainers' decisions (tasks/reviews.py); small, read whole.
    "reviews": TableSpec("reviews", REVIEWS, ()),
}
