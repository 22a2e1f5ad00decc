"""Break exactly one hard rule in otherwise consistent tables, for validation tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govreports_cli.samples.values import Values

# The table each rule needs: 2019/2021 tables for R*, the pre-2019 statistics tables for P*.
RULE_VARIANTS: dict[str, tuple[str, ...]] = {
    **{f"R{i}": ("2019", "2021") for i in range(1, 8)},
    "P1": ("national", "legacy"),
    "P3": ("national", "legacy"),
    **dict.fromkeys(("P2", "P4", "P5", "P6", "P7", "P8"), ("national",)),
    "P10": ("legacy",),
}


def _bump(v: Values, table: str, rows: tuple[str, ...], cols: tuple[str, ...], by: int = 1) -> None:
    for row in rows:
        for col in cols:
            if (table, row, col) in v:
                v[table, row, col] += by


def violate(v: Values, rule: str) -> None:
    """Change ``v`` so that ``rule`` fails and the other hard rules still hold."""
    a, ls = "applications", "legacy_stats"
    both = ("value", "cumulative")
    if rule == "R1":
        _bump(v, a, ("carried_forward",), ("natural_person", "total"))
    elif rule == "R2":
        _bump(v, a, ("outcome_total", "new_received"), ("natural_person", "total"))
    elif rule == "R3":
        _bump(v, a, ("disclosed", "outcome_total", "new_received"), ("total",))
    elif rule in ("R4", "R5", "R6"):
        rows = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        _bump(v, "review_litigation", (rows[int(rule[1]) - 4],), ("total",))
    elif rule == "R7":
        upheld = int(v["review_litigation", "reconsideration", "upheld"])
        v["review_litigation", "reconsideration", "upheld"] = -1
        v["review_litigation", "reconsideration", "corrected"] += upheld + 1
    elif rule in ("P1", "P2", "P3", "P5", "P6", "P7"):
        row = {
            "P1": "applications_received",
            "P2": "applications_closed",
            "P3": "replies_total",
            "P5": "reconsideration_total",
            "P6": "litigation_total",
            "P7": "staff_total",
        }[rule]
        _bump(v, ls, (row,), both)
    elif rule == "P4":
        _bump(v, ls, ("refused_state_secret",), ("value",))
    elif rule == "P8":
        v[ls, "proactive_normative_docs", "value"] = int(v[ls, "proactive_items", "value"]) + 1
    elif rule == "P10":
        v[ls, "proactive_items", "cumulative"] = int(v[ls, "proactive_items", "value"]) - 1
    else:
        raise ValueError(f"unknown rule {rule!r}; known: {', '.join(RULE_VARIANTS)}")
