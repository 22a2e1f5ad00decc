"""R12: the prose headline numbers equal the table cells that state the same thing.

A prose number is compared with the first set of table cells (summed) that the report
has for it; "100余条" states a lower bound, so the table may hold more (``le``).
"""

from __future__ import annotations

from expectations._suite import Op, Rule, fmt_number
from expectations.rules._base import Row, RuleBatch, cells, row
from govreports.contract.vocabulary import TEXT_EQUIVALENTS

RULES: tuple[Rule, ...] = (
    Rule("R12", "warning", "prose headline numbers equal the table", ("eq", "le")),
)


def rows(batch: RuleBatch) -> list[Row]:
    facts = batch.facts
    text = facts[facts["table"] == "text"]
    if text.empty:
        return []
    found = cells(facts[facts["report_id"].isin(text["report_id"].unique())])
    out: list[Row] = []
    for report_id, text_row, value, approximate, line in zip(
        text["report_id"].tolist(),
        text["row"].tolist(),
        text["value"].tolist(),
        text["approximate"].tolist(),
        text["line"].tolist(),
        strict=True,
    ):
        for keys in TEXT_EQUIVALENTS.get(text_row, ()):
            stated = [found[report_id].get(k) for k in keys]
            if any(f is None for f in stated):
                continue
            table_value = sum(float(f[0]) for f in stated if f is not None)
            op: Op = "le" if approximate else "eq"
            label = "+".join("/".join(k) for k in keys)
            out.append(
                row(
                    report_id,
                    "R12",
                    str(text_row),
                    op,
                    float(value),
                    table_value,
                    f"prose {fmt_number(float(value))}{'余' if approximate else ''}",
                    f"{'=' if op == 'eq' else '≤'}{fmt_number(table_value)} (table)",
                    line,
                    "text",
                    f"{text_row}: prose number vs {label}",
                )
            )
            break
    return out
