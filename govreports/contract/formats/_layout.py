"""What one report format (table generation) declares: the shape its module fills in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govreports.contract.vocabulary import OUTCOME_ROWS_2019

if TYPE_CHECKING:
    import re

    from govreports.contract.models import Format

Cell = tuple[str, str]  # (row, column) of one table
# 表二 rows in form order, each with its columns in form order.
ProactiveForm = tuple[tuple[str, tuple[str, ...]], ...]


def grid(rows: tuple[str, ...], columns: tuple[str, ...]) -> tuple[Cell, ...]:
    """Every (row, column) of a table whose rows all have the same columns."""
    return tuple((r, c) for r in rows for c in columns)


def application_rows(other_rows: tuple[str, ...]) -> tuple[str, ...]:
    """表三 rows that carry cells, in form order: the national forms differ only in （六）."""
    return (
        "new_received",
        "carried_over",
        *OUTCOME_ROWS_2019,
        *other_rows,
        "outcome_total",
        "carried_forward",
    )


@dataclass(frozen=True, slots=True)
class Layout:
    """One report format: how to recognise it and the cells its uniform form prints.

    ``fingerprint`` matches labels that only this generation prints, on text with its
    whitespace removed (report-formats.md §3.5). ``first_year``/``last_year`` bound the
    report years the generation was in force; a report without any fingerprint is taken
    for it by its year alone (``uniform`` False) or only when a label of the uniform
    tables shared by 2019 and 2021 is printed (``uniform`` True: 表四 alone, say).
    ``tables`` are the template cells per fact table, in form order (R17 compares a
    report's facts with them); ``proactive`` is the 表二 form, row by row with its
    columns, which the parser also uses when a 表二 block's header cannot be read;
    ``labels`` are the row and column labels only this generation prints.
    """

    name: Format
    fingerprint: re.Pattern[str]
    first_year: int | None
    last_year: int | None
    uniform: bool
    proactive: ProactiveForm = ()
    tables: dict[str, tuple[Cell, ...]] | None = None
    # The labels only this generation prints, per alias table of ``tasks/parsing/labels.py``
    # ("applications", "applications_exact", "proactive", "proactive_columns",
    # "legacy_stats"): key -> aliases. Labels the 2019 and 2021 forms share stay there.
    labels: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def in_force(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )
