"""Contract of the ``outcomes`` table: the pipeline's ledger, what the audit relies on.

Grain: one row per raw object key, for the latest version (etag) of it that was processed,
with what became of it: ``published`` (with its ``report_id``) or ``quarantined`` (with
``stage`` and ``reason``). Key: ``key``. Schema: ``govreports.contract.tables.OUTCOMES``.

Every publish replaces the batch's keys in one Delta commit (``tasks.publish``), so a key
has one row; the audit (``govreports audit``, and ``reconcile`` before it starts anything)
checks it at rest with Great Expectations (not null, unique): a second row for a key would
make "what became of this object" ambiguous, and a dict built from the ledger would keep one
of them silently.
"""

from __future__ import annotations

from expectations._suite import TableContract
from govreports.contract.tables import TABLES

GRAIN = "one row per raw object key (its latest processed version)"
KEY = ("key",)
SCHEMA = TABLES["outcomes"].schema
OUTCOMES = ("published", "quarantined")
CONTRACT = TableContract(
    "outcomes", GRAIN, KEY, ("one row per key", "outcome published|quarantined")
)
