"""Contract of the ``clean`` table: the ``reports`` rows most analyses want.

Grain: one row per report whose ``quality_status`` is pass or warn
(``govreports.contract.tables.CLEAN_STATUSES``), plus failing ones a maintainer accepted
(``review_status`` = accepted) unless they fail an unacceptable rule (settings
``unacceptable_rules``, R17 by default: an incomplete report never reaches ``clean``).
Key: ``report_id``. Schema: the ``reports`` schema (``govreports.contract.tables.TABLES``).

Written with ``reports`` in the same publish (``tasks.rows.clean_rows`` filters the batch's
``reports`` rows), so it is held by the same checks (C1-C4 before the write, every rule for
the status) and by the key check at rest (``govreports audit``).
"""

from __future__ import annotations

from expectations import reports
from expectations._suite import TableContract
from govreports.contract.tables import CLEAN_STATUSES, TABLES

GRAIN = "one row per report that passed or warned, or that a maintainer accepted"
KEY = ("report_id",)
SCHEMA = TABLES["clean"].schema
STATUSES = tuple(CLEAN_STATUSES)
CONTRACT = TableContract(
    "clean", GRAIN, KEY, (*reports.CONTRACT.held_by, "quality_status in pass/warn or accepted")
)
