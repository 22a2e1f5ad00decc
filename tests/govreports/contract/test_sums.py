"""The tables' sums, declared once: every cell they name is one a report can hold."""

from __future__ import annotations

from govreports.contract.formats import TEMPLATE_CELLS
from govreports.contract.sums import SUMS
from govreports.contract.vocabulary import LEGACY_STATS_COLUMNS, LEGACY_STATS_ROWS


def test_every_summed_cell_is_a_template_or_legacy_cell() -> None:
    uniform: dict[str, set[tuple[str, str]]] = {}
    for tables in TEMPLATE_CELLS.values():
        for table, variants in tables.items():
            for cells in variants.values():
                uniform.setdefault(table, set()).update(cells)
    legacy = set(LEGACY_STATS_ROWS)
    for rule in SUMS:
        if rule.table == "legacy_stats":
            names = {*rule.parts, *rule.total}
            if rule.axis == "rows":
                assert names <= legacy, (rule.rule_id, names - legacy)
            else:
                assert names <= set(LEGACY_STATS_COLUMNS), rule.rule_id
            continue
        rows = {r for r, _ in uniform[rule.table]}
        columns = {c for _, c in uniform[rule.table]}
        summed, across = (rows, columns) if rule.axis == "rows" else (columns, rows)
        assert {*rule.parts, *rule.total} <= summed, rule.rule_id
        assert set(rule.only) <= across, rule.rule_id


def test_inequalities_put_the_part_first() -> None:
    # "le" reads sum(parts) <= sum(total); the parser checks it once the parts are read.
    for rule in SUMS:
        if rule.relation == "le":
            assert rule.complete == "parts", rule.rule_id
