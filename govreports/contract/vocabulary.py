"""The fact keys of data-contract.md §2 that several modules need: one place, one spelling.

The parser, the validation rules, the sample generator and their tests all
name these rows and columns; a typo in one copy would silently drop facts.
"""

from __future__ import annotations

APPLICANT_COLUMNS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
APPLICATION_COLUMNS = (*APPLICANT_COLUMNS, "total")

# 表三 rows (一)…(五) of 本年度办理结果, in form order; (六) differs by format.
OUTCOME_ROWS_2019 = (
    "disclosed",
    "partially_disclosed",
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_security_stability",
    "withheld_third_party",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_administrative_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
)
OTHER_ROWS_2019 = ("other",)
OTHER_ROWS_2021 = ("other_no_correction", "other_fee_unpaid", "other_misc")

REVIEW_ROWS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# 表三 rows in form order, per format: the rows that carry cells, 23 (2019) / 25 (2021).
# report-formats.md §2.3 says 25/27 rows, presumably counting row-group headings such as
# 三、本年度办理结果 that carry no cells (docs/rules.md).
APPLICATION_ROWS_2019 = (
    "new_received",
    "carried_over",
    *OUTCOME_ROWS_2019,
    *OTHER_ROWS_2019,
    "outcome_total",
    "carried_forward",
)
APPLICATION_ROWS_2021 = (
    "new_received",
    "carried_over",
    *OUTCOME_ROWS_2019,
    *OTHER_ROWS_2021,
    "outcome_total",
    "carried_forward",
)

# 表二 rows and their columns, per format (data-contract.md §2, report-formats.md §2.2, §3.2).
_DOCS_2019 = ("made", "published", "total_public")
_ITEMS_2019 = ("prior_year_items", "change", "decisions")
PROACTIVE_2019: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rules", _DOCS_2019),
    ("normative_documents", _DOCS_2019),
    ("licensing", _ITEMS_2019),
    ("other_management_services", _ITEMS_2019),
    ("penalty", _ITEMS_2019),
    ("enforcement", _ITEMS_2019),
    ("admin_fees", ("prior_year_items", "change")),
    ("procurement", ("items", "amount_wan_yuan")),
)
_DOCS_2021 = ("issued", "repealed", "in_force")
PROACTIVE_2021: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rules", _DOCS_2021),
    ("normative_documents", _DOCS_2021),
    ("licensing", ("decisions",)),
    ("penalty", ("decisions",)),
    ("enforcement", ("decisions",)),
    ("admin_fees", ("amount_wan_yuan",)),
)

Cell = tuple[str, str]  # (row, column) of one table


def _grid(rows: tuple[str, ...], columns: tuple[str, ...]) -> tuple[Cell, ...]:
    return tuple((r, c) for r in rows for c in columns)


# Template cells: every (row, column) the uniform form of each generation prints, per table.
# The completeness rule (R17) compares a report's facts with these. Per table, the report's
# own generation's form comes first; the other generation's form of the same table follows
# as an accepted variant, because real reports mix them (洪泽区 2023/2024 print 表三 （六） as
# the 2019 single row in an otherwise 2021 report; some 2021-2022 reports keep the 2019 表二
# columns). 表四 is the same in both.
_PROACTIVE_CELLS = {
    "2019": tuple((r, c) for r, cs in PROACTIVE_2019 for c in cs),
    "2021": tuple((r, c) for r, cs in PROACTIVE_2021 for c in cs),
}
_APPLICATION_CELLS = {
    "2019": _grid(APPLICATION_ROWS_2019, APPLICATION_COLUMNS),
    "2021": _grid(APPLICATION_ROWS_2021, APPLICATION_COLUMNS),
}
_REVIEW_CELLS = _grid(REVIEW_ROWS, REVIEW_COLUMNS)
TEMPLATE_CELLS: dict[str, dict[str, dict[str, tuple[Cell, ...]]]] = {
    own: {
        "proactive": {own: _PROACTIVE_CELLS[own], other: _PROACTIVE_CELLS[other]},
        "applications": {own: _APPLICATION_CELLS[own], other: _APPLICATION_CELLS[other]},
        "review_litigation": {own: _REVIEW_CELLS},
    }
    for own, other in (("2019", "2021"), ("2021", "2019"))
}
TABLE_NAMES = {"proactive": "表二", "applications": "表三", "review_litigation": "表四"}
