"""A contract beside every curated table: grain, key, schema (the table's own), what holds it."""

from __future__ import annotations

import pytest

from expectations import facts, reports
from expectations.contracts import CONTRACTS
from expectations.rule_results import RULE_IDS
from govreports.contract.tables import TABLES


def test_every_curated_table_has_a_contract() -> None:
    assert set(CONTRACTS) == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_contract_names_its_tables_schema_and_a_key_of_its_columns(name: str) -> None:
    contract = CONTRACTS[name]
    assert contract.schema is TABLES[name].schema  # referenced, not a copy
    assert contract.key and set(contract.key) <= set(contract.schema.names)
    assert contract.grain.startswith("one row per")
    assert contract.held_by


def test_the_rules_holding_reports_and_facts_are_declared_rules() -> None:
    assert set(reports.CONTRACT.held_by) == {"C1", "C2", "C3", "C4"} <= set(RULE_IDS)
    assert set(facts.CONTRACT.held_by) == {"R7"}
