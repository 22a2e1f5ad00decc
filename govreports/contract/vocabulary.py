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
