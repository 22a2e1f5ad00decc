"""R17 (completeness, 2019/2021 formats; severity *error*, so ``fail``, never ``clean``).

Every template cell of each table the report has was read: 表二 22 (2019) / 10 (2021)
cells, 表三 161 (23 rows x 7, 2019) / 175 (25 rows x 7, 2021), 表四 15, as declared in
``govreports.contract.formats.TEMPLATE_CELLS`` (a table may follow the other
generation's form). Observed: cells read; expected: template cells; detail: the missing
(row, column) cells. A table the report does not have (its labels are not in the text and
no fact of it was read: stated 无, prose only) is ``table_absent``: no R17 row; R13 warns.
See docs/rules.md.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from expectations._suite import Rule
from expectations.rules._base import Row, RuleBatch, first_line, report_row
from govreports.contract.formats import TABLE_NAMES, TEMPLATE_CELLS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from govreports.contract.models import Report

RULES: tuple[Rule, ...] = (
    Rule("R17", "error", "completeness: every template cell of 表二/三/四 was read"),
)

# Labels printed only inside each table (header cells, row labels), never in prose: a
# report whose text has them has the table, read or not.
_TABLE_PRINTED = {
    "proactive": re.compile(r"第二十条第（一）项|本年制发件数|本年新制作数量|处理决定数量"),
    "applications": re.compile(r"商业企业|科研机构|本年度办理结果|本年新收政府信息公开申请数量"),
    "review_litigation": re.compile(r"未经复议直接起诉|复议后起诉"),
}


def rows(batch: RuleBatch) -> list[Row]:
    return [out for report in batch.reports for out in completeness_rows(report)]


def completeness_rows(report: Report) -> list[Row]:
    """R17: every cell of each uniform-format table the report has was read.

    Per table: the template cells of the report's generation (or the other generation's form
    of that table, when the facts follow it; see ``TEMPLATE_CELLS``). A table is there when
    a fact of it was read or its own labels are printed in the text; a table the report does
    not have (stated as 无, or prose only) is ``table_absent`` and yields no row (R13 warns).
    Observed: the template cells read; expected: all of them; detail: the missing cells.
    """
    templates = TEMPLATE_CELLS.get(report.format)
    if templates is None:
        return []
    out: list[Row] = []
    for table, variants in templates.items():
        read = {(f.row, f.column) for f in report.facts if f.table == table}
        if not read and not _TABLE_PRINTED[table].search(report.text):
            continue
        form, template = max(variants.items(), key=lambda kv: len(read.intersection(kv[1])))
        missing = [cell for cell in template if cell not in read]
        have = len(template) - len(missing)
        label = TABLE_NAMES[table]
        out.append(
            report_row(
                report,
                "R17",
                f"{table} cells",
                "eq",
                have,
                len(template),
                f"{have} of {len(template)} {label} cells read",
                f"={len(template)} ({label}, {form} form)",
                f"{label} missing {len(missing)} cells: {missing_cells(missing, template)}"
                if missing
                else f"{label} complete ({form} form)",
                first_line(report, table),
            )
        )
    return out


def missing_cells(missing: Sequence[tuple[str, str]], template: Sequence[tuple[str, str]]) -> str:
    """``(carried_forward, *)`` for a row missing every cell, else ``(row, column)`` each."""
    per_row: dict[str, list[str]] = {r: [] for r, _ in template}
    for r, column in missing:
        per_row[r].append(column)
    width = Counter(r for r, _ in template)
    parts = []
    for r, columns in per_row.items():
        if columns and len(columns) == width[r] > 1:
            parts.append(f"({r}, *)")
        else:
            parts += [f"({r}, {c})" for c in columns]
    return ", ".join(parts)
