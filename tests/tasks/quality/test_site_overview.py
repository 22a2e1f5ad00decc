"""The overview's counts, computed in Arrow over every report (``Overview``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pyarrow as pa

from tasks.quality.site import FACETS, Overview, SiteData, build_site, overview_counts

ROWS: list[dict[str, Any]] = [
    {"report_id": "a", "quality_status": "fail", "report_year": 2019, "province": "福建",
     "format": "2019", "failed_rules": ["R4", "R4", "R1"], "warned_rules": ["P9"]},
    {"report_id": "b", "quality_status": "warn", "report_year": None, "province": "",
     "format": "2021", "failed_rules": [], "warned_rules": ["P9", None]},
    {"report_id": "c", "quality_status": "pass", "report_year": 2019, "province": None,
     "format": None, "failed_rules": None, "warned_rules": None},
    {"report_id": "d", "quality_status": "fail", "report_year": 2021, "province": "江苏",
     "format": "2021", "failed_rules": ["R1"], "warned_rules": []},
]  # fmt: skip


def _plainly(rows: list[dict[str, Any]]) -> Overview:
    """The counts the overview means, one report at a time: a missing label is "unknown", a
    report counts once per rule however often its list names it."""
    facets: dict[str, dict[str, Counter[str]]] = {f: defaultdict(Counter) for f in FACETS}
    failing: Counter[str] = Counter()
    warned: Counter[str] = Counter()
    for r in rows:
        for facet in FACETS:
            value = r.get(facet)
            label = str(value) if value not in {None, ""} else "unknown"
            facets[facet][label][str(r["quality_status"])] += 1
        failing.update({k for k in r.get("failed_rules") or [] if k})
        warned.update({k for k in r.get("warned_rules") or [] if k})
    return Overview(
        reports=len(rows),
        status=Counter(str(r["quality_status"]) for r in rows),
        facets={f: dict(v) for f, v in facets.items()},
        failing=failing,
        warned=warned,
    )


def test_counts_over_a_table_of_several_chunks_are_the_plain_counts() -> None:
    # Two chunks, as a Delta read of several files gives: a report is its row in the table.
    schema = pa.Table.from_pylist(ROWS).schema
    table = pa.concat_tables([pa.Table.from_pylist(part, schema) for part in (ROWS[:2], ROWS[2:])])
    assert table["failed_rules"].num_chunks == 2
    assert Overview.of(table) == _plainly(ROWS)
    assert Overview.of(table).failing == Counter({"R1": 2, "R4": 1})


def test_counts_from_rows_are_the_counts_from_a_table() -> None:
    assert Overview.of_rows(ROWS) == Overview.of(pa.Table.from_pylist(ROWS))


def test_no_reports_no_counts() -> None:
    empty = Overview.of(pa.table({}))
    assert (empty.reports, empty.status, empty.failing) == (0, Counter(), Counter())
    assert all(not labels for labels in empty.facets.values())


def test_the_overview_counts_every_report_while_only_some_are_rows() -> None:
    """From the tables, the overview's counts come with the data and the rows are only those
    shown one by one: the cards count every report all the same."""
    shown = [ROWS[0]]
    data = SiteData(shown, [], {}, [], [], overview=Overview.of_rows(ROWS))
    assert overview_counts(data) == {
        "pass": 1, "warn": 1, "fail": 2, "quarantined": 0, "reviewed": 0
    }  # fmt: skip
    index = build_site(data)["index.html"].decode()
    assert "4 reports" in index and 'data-count="fail">2<' in index
