"""Every curated table's contract (``expectations/<table>.py``), by table name.

A table added to ``govreports.contract.tables.TABLES`` needs its module here too
(tests/expectations/test_contracts.py fails until it has one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations import clean, facts, outcomes, reports, reviews, rule_results

if TYPE_CHECKING:
    from expectations._suite import TableContract

CONTRACTS: dict[str, TableContract] = {
    m.CONTRACT.table: m.CONTRACT for m in (reports, clean, facts, rule_results, outcomes, reviews)
}
