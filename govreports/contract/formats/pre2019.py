"""The pre-2019 统计表 (report-formats.md §1): one free-form statistics table per province.

Its rows differ by province and year, so it has no template cells (R17 does not apply).
``ROW_LABELS`` are its row labels, one alias table in the form of ``tasks/parsing/labels.py``
(regular expressions on whitespace-free text; full-width punctuation also matches its
half-width spelling; an ordinal and a note in parentheses are allowed around each).
"""

from __future__ import annotations

import re

from govreports.contract.formats._layout import Layout

# A known label with no contract key: it still delimits cells and becomes a note.
UNMAPPED = ""
# Sub-items shared by the 行政复议 and 行政诉讼 blocks; the block is the last parent seen.
LEGACY_SHARED_SUFFIX = "*"
ROW_LABELS: dict[str, tuple[str, ...]] = {
    "proactive_normative_docs": ("(?:其中：)?主动公开规范性文件数",),
    "proactive_items": ("主动公开(?:政府)?(?:信息|文件)数",),
    "normative_docs_issued": ("制发规范性文件总数",),
    "channel_gazette": ("(?:其中：)?(?:政府)?公报公开(?:政府信息)?数?",),
    "channel_website": ("(?:其中：)?(?:政府)?网站公开(?:政府信息)?数?",),
    "channel_weibo": ("政务微博公开(?:政府信息)?数?",),
    "channel_weixin": ("政务微信公开(?:政府信息)?数?",),
    "channel_other": ("其他方式公开(?:政府信息)?数?",),
    "responses_hot_topics": ("回应公众关注热点或重大舆情数",),
    "press_conferences_by_head": ("(?:其中：)?主要负责同志参加新闻发布会次数",),
    "press_conferences": ("参加或举办新闻发布会总?次数",),
    "online_interviews_by_head": ("(?:其中：)?主要负责同志参加(?:政府网站)?在线访谈次数",),
    "online_interviews": ("政府网站在线访谈次数",),
    "policy_interpretations": ("政策解读稿件发布数",),
    "weibo_weixin_responses": ("微博微信回应事件数",),
    "other_responses": ("其他方式回应事件数",),
    "applications_received": (
        "收到申请数",
        "受理(?:政府信息)?依申请公开(?:政府)?(?:信息)?(?:申请)?总数",
    ),
    "applications_in_person": ("(?:其中：)?当面申请数",),
    "applications_letter": ("信函、?(?:传真)?申请数",),
    "applications_fax": ("传真申请数",),
    "applications_online": ("(?:网上|网络)申请数",),
    "applications_email": ("电子邮件申请数",),
    "applications_other": ("其[他它]形式申请数",),
    "applications_closed_on_time": ("按时办结数",),
    "applications_closed_extended": ("延期办结数",),
    "applications_closed": ("申请办结数",),
    "replies_total": ("申请答复数", "对依?申请(?:公开)?的答复总?数"),
    "replies_already_public": ("属于已主动公开范围数",),
    "replies_partially_disclosed": ("(?:其中：)?同意部分公开答复数",),
    "replies_disclosed": ("(?:其中：)?同意公开答复数",),
    "replies_refused": ("不同意公开答复数", "不予公开答复数", "否决公开答复数"),
    "refused_state_secret": ("(?:其中：)?涉及国家秘密",),
    "refused_commercial_secret": ("涉及商业秘密",),
    "refused_privacy": ("涉及个人隐私",),
    "refused_security_stability": ("危及国家安全、?公共安全、?经济安全和社会稳定",),
    "refused_not_government_information": ("不是《条例》所指政府信息",),
    "refused_other_legal": ("法律法规规定的其他情形",),
    "replies_not_this_agency": ("不属于本行政机关公开数",),
    "replies_not_exist": ("申请信息不存在数",),
    "replies_correction_requested": ("告知作出更改补充数",),
    "replies_other_channel": ("告知通过其他途径办理数",),
    "complaints": ("举报投诉数量?", "接受行政诉讼、举报数", "行政申诉(?:、举报)?数"),
    "reconsideration_total": ("行政复议数量?",),
    "litigation_total": ("行政诉讼数量?",),
    "*upheld": ("维持具体行政行为(?:或者驳回原告诉讼请求)?数",),
    "*corrected": ("被依法纠错数",),
    "*other": ("其他情形数",),
    "fees_wan_yuan": ("依申请公开信息收取的费用", "政府信息公开收费(?:及|和)?减免金额"),
    "dedicated_units": ("政府信息公开工作专门机构数",),
    "reading_points": ("设置政府信息公开查阅点数",),
    "staff_total": ("从事政府信息公开工作人员数",),
    "staff_full_time": ("专职人员数",),
    "staff_part_time": ("兼职人员数",),
    "special_funds_wan_yuan": ("政府信息公开专项经费",),
    "meetings": ("召开政府信息公开工作会议或专题会议数",),
    "trainings": ("举办各类培训班数",),
    "trainees": ("接受培训人员数",),
    UNMAPPED: ("其他类型答复数",),
}
LEGACY_UNITS = ("人次", "万元", "条", "件", "次", "篇", "个", "人", "元", "项")
LEGACY_VALUE_HEADER = re.compile(r"(?:\d{4}年度|本年度|统计数|本期实际|本年累计)")
LEGACY_CUMULATIVE_HEADER = re.compile(r"历年累计")


LAYOUT = Layout(
    name="pre2019",
    fingerprint=re.compile(r"统计指标|主动公开政府信息数|收到申请数|历年累计|指标名称"),
    first_year=None,
    last_year=2018,
    uniform=False,
    labels={"legacy_stats": ROW_LABELS},
)
