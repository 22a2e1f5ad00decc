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
WITHHELD_ROWS = (  # （三）不予公开
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_security_stability",
    "withheld_third_party",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_administrative_query",
)
UNAVAILABLE_ROWS = (  # （四）无法提供
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
)
NOT_PROCESSED_ROWS = (  # （五）不予处理
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
)
OUTCOME_ROWS_2019 = (
    "disclosed",
    "partially_disclosed",
    *WITHHELD_ROWS,
    *UNAVAILABLE_ROWS,
    *NOT_PROCESSED_ROWS,
)
OTHER_ROWS_2019 = ("other",)
OTHER_ROWS_2021 = ("other_no_correction", "other_fee_unpaid", "other_misc")

REVIEW_ROWS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
REVIEW_COLUMNS = (*REVIEW_PARTS, "total")

# 表二 rows and columns are declared with each format's form (govreports/contract/formats).

# The pre-2019 统计表 (table ``legacy_stats``): its columns and every row the contract names.
LEGACY_STATS_COLUMNS = ("value", "cumulative")  # 本年度, 历年累计
LEGACY_STATS_ROWS = (
    "proactive_items",
    "proactive_normative_docs",
    "normative_docs_issued",
    "channel_gazette",
    "channel_website",
    "channel_weibo",
    "channel_weixin",
    "channel_other",
    "responses_hot_topics",
    "press_conferences",
    "press_conferences_by_head",
    "online_interviews",
    "online_interviews_by_head",
    "policy_interpretations",
    "weibo_weixin_responses",
    "other_responses",
    "applications_received",
    "applications_in_person",
    "applications_fax",
    "applications_online",
    "applications_letter",
    "applications_email",
    "applications_other",
    "applications_closed",
    "applications_closed_on_time",
    "applications_closed_extended",
    "replies_total",
    "replies_already_public",
    "replies_disclosed",
    "replies_partially_disclosed",
    "replies_refused",
    "refused_state_secret",
    "refused_commercial_secret",
    "refused_privacy",
    "refused_security_stability",
    "refused_not_government_information",
    "refused_other_legal",
    "replies_not_this_agency",
    "replies_not_exist",
    "replies_correction_requested",
    "replies_other_channel",
    "reconsideration_total",
    "reconsideration_upheld",
    "reconsideration_corrected",
    "reconsideration_other",
    "litigation_total",
    "litigation_upheld",
    "litigation_corrected",
    "litigation_other",
    "complaints",
    "fees_wan_yuan",
    "dedicated_units",
    "reading_points",
    "staff_total",
    "staff_full_time",
    "staff_part_time",
    "special_funds_wan_yuan",
    "meetings",
    "trainings",
    "trainees",
)

# Money cells: amounts in 万元 that may carry decimals (a 表二 column, two 统计表 rows).
MONEY_COLUMNS = ("amount_wan_yuan",)
MONEY_ROWS = ("fees_wan_yuan", "special_funds_wan_yuan")
# The one column whose counts may be negative (2019 表二 本年增/减).
SIGNED_COLUMNS = ("change",)

# Headline numbers the prose states (table ``text``, column ``value``).
TEXT_ROWS = (
    "proactive_items",
    "applications_received",
    "reconsideration_total",
    "litigation_total",
    "fees_wan_yuan",
)
TEXT_COLUMN = "value"

# text row -> the table cells that state the same number (summed), by format family.
TEXT_EQUIVALENTS: dict[str, tuple[tuple[tuple[str, str, str], ...], ...]] = {
    "applications_received": (
        (("applications", "new_received", "total"),),
        (("legacy_stats", "applications_received", "value"),),
    ),
    "reconsideration_total": (
        (("review_litigation", "reconsideration", "total"),),
        (("legacy_stats", "reconsideration_total", "value"),),
    ),
    "litigation_total": (
        (
            ("review_litigation", "litigation_direct", "total"),
            ("review_litigation", "litigation_after_reconsideration", "total"),
        ),
        (("legacy_stats", "litigation_total", "value"),),
    ),
    "proactive_items": ((("legacy_stats", "proactive_items", "value"),),),
    "fees_wan_yuan": ((("legacy_stats", "fees_wan_yuan", "value"),),),
}
