"""The tables' sums, declared once: every cell they name is one a report can hold."""

from __future__ import annotations

from govreports.contract.formats import TEMPLATE_CELLS
from govreports.contract.sums import SUMS
from tasks.parsing.labels import LEGACY_ROWS, LEGACY_SHARED_SUFFIX


def _legacy_keys() -> set[str]:
    keys = set()
    for key in LEGACY_ROWS:
        if key.startswith(LEGACY_SHARED_SUFFIX):
            keys |= {f"{parent}_{key[1:]}" for parent in ("reconsideration", "litigation")}
        elif key:
            keys.add(key)
    return keys


def test_every_summed_cell_is_a_template_or_legacy_cell() -> None:
    uniform: dict[str, set[tuple[str, str]]] = {}
    for tables in TEMPLATE_CELLS.values():
        for table, variants in tables.items():
            for cells in variants.values():
                uniform.setdefault(table, set()).update(cells)
    legacy = _legacy_keys()
    for rule in SUMS:
        if rule.table == "legacy_stats":
            names = {*rule.parts, *rule.total}
            if rule.axis == "rows":
                assert names <= legacy, (rule.rule_id, names - legacy)
            else:
                assert names <= {"value", "cumulative"}, rule.rule_id
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
