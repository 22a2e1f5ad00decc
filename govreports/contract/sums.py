"""The tables' own sums (report-formats.md §4), declared once as data.

Two consumers read them: the parser's digit splitter (``tasks/parsing/tables_rules.py``)
chooses between readings of a run whose cell boundaries were lost by the sums that then
hold, and the validation suites (``expectations``) report each instance as a rule result.

Each rule says ``sum(parts) <relation> sum(total)``, checked once per column (``axis``
"rows": it adds cells of several rows) or once per row (``axis`` "columns": it adds cells
of one row), over ``only`` those columns or rows when given. Cross-year rules, the prose
rules and P9 (申请办结数 ≈ 申请答复数, a warning, not a sum the tables print) are the
suites' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from govreports.contract.vocabulary import (
    APPLICANT_COLUMNS,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    OUTCOME_ROWS_2019,
    REVIEW_COLUMNS,
)


@dataclass(frozen=True, slots=True)
class SumRule:
    rule_id: str
    table: str
    axis: Literal["rows", "columns"]
    parts: tuple[str, ...]
    total: tuple[str, ...]
    relation: Literal["eq", "le"] = "eq"  # "le": sum(parts) <= sum(total)
    only: tuple[str, ...] = ()  # the columns (axis rows) or rows (axis columns) it covers
    # Validation: the rule is evaluated on the parts present when at least this many are
    # (the pre-2019 tables list different sub-items by province); None: every part needed.
    min_parts: int | None = None
    # The parser checks an instance once this side's cells are all read and the other side
    # has one (a table that omits a row does not fail rules it cannot state).
    complete: Literal["parts", "total"] = "total"

    def __post_init__(self) -> None:
        # An inequality is checked as parts <= total, so its parts are the complete side.
        assert self.relation == "eq" or self.complete == "parts", self.rule_id

    @property
    def lhs(self) -> tuple[str, ...]:
        """The side the parser needs complete before it checks an instance."""
        return self.parts if self.complete == "parts" else self.total

    @property
    def rhs(self) -> tuple[str, ...]:
        """The other side (``relation`` "le": sum(lhs) <= sum(rhs))."""
        return self.total if self.complete == "parts" else self.parts


# 表三 rows （一）…（六） of 本年度办理结果: （六） is one row in 2019, three in 2021.
OUTCOME_PARTS = (*OUTCOME_ROWS_2019, *OTHER_ROWS_2019, *OTHER_ROWS_2021)

APPLICATION_SUMS = (
    SumRule(
        "R1",
        "applications",
        "rows",
        ("new_received", "carried_over"),
        ("outcome_total", "carried_forward"),
        complete="parts",
    ),
    SumRule("R2", "applications", "rows", OUTCOME_PARTS, ("outcome_total",)),
    SumRule("R3", "applications", "columns", APPLICANT_COLUMNS, ("total",)),
)
REVIEW_SUMS = tuple(
    SumRule(rule_id, "review_litigation", "columns", REVIEW_COLUMNS[:-1], ("total",), only=(row,))
    for rule_id, row in (
        ("R4", "reconsideration"),
        ("R5", "litigation_direct"),
        ("R6", "litigation_after_reconsideration"),
    )
)
# The pre-2019 统计表 (column ``value`` = 本年度, ``cumulative`` = 历年累计).
LEGACY_SUMS = (
    SumRule(
        "P1",
        "legacy_stats",
        "rows",
        (
            "applications_in_person",
            "applications_fax",
            "applications_online",
            "applications_letter",
            "applications_email",
            "applications_other",
        ),
        ("applications_received",),
        min_parts=2,
    ),
    SumRule(
        "P2",
        "legacy_stats",
        "rows",
        ("applications_closed_on_time", "applications_closed_extended"),
        ("applications_closed",),
    ),
    SumRule(
        "P3",
        "legacy_stats",
        "rows",
        (
            "replies_already_public",
            "replies_disclosed",
            "replies_partially_disclosed",
            "replies_refused",
            "replies_not_this_agency",
            "replies_not_exist",
            "replies_correction_requested",
            "replies_other_channel",
        ),
        ("replies_total",),
        min_parts=2,
    ),
    SumRule(
        "P4",
        "legacy_stats",
        "rows",
        (
            "refused_state_secret",
            "refused_commercial_secret",
            "refused_privacy",
            "refused_security_stability",
            "refused_not_government_information",
            "refused_other_legal",
        ),
        ("replies_refused",),
        min_parts=2,
    ),
    SumRule(
        "P5",
        "legacy_stats",
        "rows",
        ("reconsideration_upheld", "reconsideration_corrected", "reconsideration_other"),
        ("reconsideration_total",),
    ),
    SumRule(
        "P6",
        "legacy_stats",
        "rows",
        ("litigation_upheld", "litigation_corrected", "litigation_other"),
        ("litigation_total",),
    ),
    SumRule("P7", "legacy_stats", "rows", ("staff_full_time", "staff_part_time"), ("staff_total",)),
    # P8: every 其中 item is at most its parent (the 统计表's channels under 主动公开 too).
    *(
        SumRule("P8", "legacy_stats", "rows", (child,), (parent,), "le", complete="parts")
        for child, parent in (
            ("proactive_normative_docs", "proactive_items"),
            ("channel_website", "proactive_items"),
            ("channel_gazette", "proactive_items"),
            ("press_conferences_by_head", "press_conferences"),
            ("online_interviews_by_head", "online_interviews"),
        )
    ),
)
# P10 is per row: 本年度 <= 历年累计.
P10 = SumRule("P10", "legacy_stats", "columns", ("value",), ("cumulative",), "le", complete="parts")
SUMS = (*APPLICATION_SUMS, *REVIEW_SUMS, *LEGACY_SUMS, P10)
