"""Row and column labels of the statistics tables, as data: one alias table per report table.

Each alias is a regular expression matched on condensed text (whitespace between CJK
characters removed). Punctuation is written once in its full-width form and widened to
both spellings by ``compile_alias``, so the tables below stay readable. The tables here
hold the labels the 2019 and 2021 forms share; the labels only one format prints (the
pre-2019 统计表, 2019's 新制作/采购 columns, 2021's （六） sub-rows, …) are declared in that
format's module (``govreports/contract/formats``) and joined here. The row key
``UNMAPPED`` (pre2019) marks a label that is known but has no contract key: it still
delimits cells, and the extractor reports it as a note instead of dropping it silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govreports.contract.formats import LAYOUTS

if TYPE_CHECKING:
    from collections.abc import Iterator

# An ordinal in front of a label: 一、 / （一） / 1. / 1、. Arabic ordinals are one digit
# from 1 to 9, so a cell value written right before the label never loses its last digit
# to the ordinal unless that digit is itself followed by a dot ("…00000002.重复申请").
ORDINAL = (
    r"(?:(?:[一二三四五六七八九十]{1,3}[、.．]|（[一二三四五六七八九十]{1,3}）|[1-9][.．、])\s*)?"
)

# Every character ORDINAL can consist of, blanks aside.
_ORDINAL_CHARS = frozenset("一二三四五六七八九十、.．（）123456789")

_PUNCT_VARIANTS = {
    "（": "[（(]",
    "）": "[）)]",
    "、": "[、,，.．]",
    "，": "[，,]",
    "：": "[：:]",
    "“": "[“”\"'‘’「」『』]?",
    "”": "[“”\"'‘’「」『』]?",
    "《": "《?",
    "》": "》?",
}


# A note in parentheses written right after a label is part of the label, not a cell:
# 主动公开政府信息数（不同渠道和方式公开相同信息计1条）, 专职人员数（不包括…）. Every alias
# accepts one, so notes never need spelling out per label.
LABEL_NOTE = r"(?:[（(][^（）()]{1,60}[）)])?"


def compile_alias(pattern: str, *, ordinal: bool = True) -> str:
    """Widen full-width punctuation to both spellings, allow a leading ordinal and a note."""
    return (ORDINAL if ordinal else "") + widen_punctuation(pattern) + LABEL_NOTE


def widen_punctuation(pattern: str) -> str:
    """The alias with each full-width punctuation mark accepting both spellings."""
    out: list[str] = []
    in_class = False
    for ch in pattern:
        # Inside a character class the punctuation is already spelled out by hand.
        out.append(ch if in_class else _PUNCT_VARIANTS.get(ch, ch))
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
    return "".join(out)


APPLICATION_ROWS: dict[str, tuple[str, ...]] = {
    "new_received": ("本年新收(?:政府信息公开)?申请数量?",),
    "carried_over": ("上年结转(?:政府信息公开)?申请数量?",),
    "disclosed": ("予以公开",),
    "partially_disclosed": ("部分公开",),
    "withheld_state_secret": ("属于国家秘密",),
    # 洪泽区 2023/2024 print "其他法律行政止公开" (法规禁 lost in their template).
    "withheld_prohibited_by_law": ("其他法律行政(?:法规)?禁?止公开",),
    "withheld_security_stability": ("危及“三安全一稳定”",),
    "withheld_third_party": ("保护第三方合法权益",),
    "withheld_internal_affairs": ("属于三类内部事务信息",),
    "withheld_process_info": ("属于四类过程性信息",),
    "withheld_enforcement_file": ("属于行政执法案卷",),
    "withheld_administrative_query": ("属于行政查询事项",),
    "unavailable_not_held": ("本机关不掌握相关政府信息",),
    "unavailable_needs_creation": ("没有现成信息需要另行制作",),
    "unavailable_unclear": ("补正后申请内容仍不明确",),
    "not_processed_petition": ("信访举报投诉类申请",),
    "not_processed_duplicate": ("重复申请",),
    "not_processed_publication": ("要求提供公开出版物",),
    "not_processed_excessive": ("无正当理由大量反复申请",),
    "not_processed_confirmation": ("要求行政机关确认或重新出具已获取信息",),
    "outcome_total": ("总计",),
    "carried_forward": ("结转下一?年度继续办理",),
}

PROACTIVE_ROWS: dict[str, tuple[str, ...]] = {
    "rules": ("规章",),
    "normative_documents": ("(?:行政)?规范性文件",),
    "licensing": ("行政许可",),
    "penalty": ("行政处罚",),
    "enforcement": ("行政强制",),
    "admin_fees": ("行政事业性收费",),
}

PROACTIVE_COLUMNS: dict[str, tuple[str, ...]] = {
    "decisions": ("(?:本年)?处理决定数量",),
}

APPLICANT_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "commercial_enterprise": ("商业企业",),
    "research_institution": ("科研机构",),
    "social_welfare_org": ("社会公益组织",),
    "legal_service_org": ("法律服务机构",),
    "natural_person": ("自然人",),
    "total": ("总计",),
    "other_org": ("其他",),
}
# Group headers over the applicant columns; removed before matching so that
# 法人或其他组织 is not read as the 其他 column.
APPLICANT_GROUP_HEADERS = re.compile(r"申请人情况|法人或者?其他组织")

REVIEW_GROUP_ALIASES: dict[str, tuple[str, ...]] = {
    "litigation_after_reconsideration": ("复议后起诉",),
    "litigation_direct": ("未经复议直接起诉",),
    "reconsideration": ("行政复议",),
}
REVIEW_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "upheld": ("结果维持",),
    "corrected": ("结果纠正",),
    "other": ("其他结果",),
    "pending": ("尚未审结",),
    "total": ("总计",),
}


def with_format_labels(
    table: str, shared: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """``shared`` plus the labels each format's module declares for ``table`` alone."""
    merged = dict(shared)
    for layout in LAYOUTS:
        for key, aliases in layout.labels.get(table, {}).items():
            merged[key] = (*merged.get(key, ()), *aliases)
    return merged


# The labels above are those the 2019 and 2021 forms share; each format's own join them.
APPLICATION_ROWS = with_format_labels("applications", APPLICATION_ROWS)
APPLICATION_ROWS_EXACT = with_format_labels("applications_exact", {})
PROACTIVE_ROWS = with_format_labels("proactive", PROACTIVE_ROWS)
PROACTIVE_COLUMNS = with_format_labels("proactive_columns", PROACTIVE_COLUMNS)
LEGACY_ROWS = with_format_labels("legacy_stats", {})

# Units stated by the contract for rows whose table has no unit column.
APPLICATION_UNIT = "件"
REVIEW_UNIT = "件"
# 表二 counts are 件; its money columns (amount_wan_yuan) are 万元 and handled as money.
PROACTIVE_UNITS: dict[str, str] = {
    "rules": "件",
    "normative_documents": "件",
    "licensing": "件",
    "other_management_services": "件",
    "penalty": "件",
    "enforcement": "件",
    "admin_fees": "件",
    "procurement": "件",
}


@dataclass(frozen=True, slots=True)
class LabelSet:
    """One table's aliases compiled into a single alternation, longest alternative first."""

    regex: re.Pattern[str]
    keys: tuple[str, ...]
    # Matches where ``regex`` does, without the optional ordinal and note around each alias:
    # the same yes/no answer to "is there a label in here", many times faster to search.
    presence: re.Pattern[str]

    def key_of(self, match: re.Match[str]) -> str:
        assert match.lastgroup is not None
        return self.keys[int(match.lastgroup[1:])]

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """``regex.search(text, start, end)``, without running ``regex`` over the whole span.

        The fast ``presence`` pattern finds the first alias; the full match starts at most an
        ordinal and blanks before it, so ``regex`` only scans back over those characters.
        """
        stop = len(text) if end is None else end
        core = self.presence.search(text, start, stop)
        if core is None:
            return None
        lo = core.start()
        while lo > start and (text[lo - 1] in _ORDINAL_CHARS or text[lo - 1].isspace()):
            lo -= 1
        return self.regex.search(text, lo, stop)

    def finditer(
        self, text: str, start: int = 0, end: int | None = None
    ) -> Iterator[re.Match[str]]:
        """``regex.finditer(text, start, end)`` by way of ``search`` (labels are never empty)."""
        pos = start
        while (match := self.search(text, pos, end)) is not None:
            yield match
            pos = max(match.end(), match.start() + 1)


def build_labels(
    loose: dict[str, tuple[str, ...]], exact: dict[str, tuple[str, ...]] | None = None
) -> LabelSet:
    """Compile alias tables; ``exact`` patterns carry their own ordinal."""
    entries: list[tuple[str, str]] = []
    cores: list[str] = []
    for key, patterns in loose.items():
        entries.extend((key, compile_alias(p)) for p in patterns)
        cores.extend(widen_punctuation(p) for p in patterns)
    for key, patterns in (exact or {}).items():
        entries.extend((key, compile_alias(p, ordinal=False)) for p in patterns)
        cores.extend(widen_punctuation(p) for p in patterns)
    # Regex alternation takes the first alternative that matches, not the longest:
    # longer patterns first keeps 同意部分公开答复数 from being read as 同意公开….
    entries.sort(key=lambda e: -len(e[1]))
    parts = [f"(?P<g{i}>{pattern})" for i, (_, pattern) in enumerate(entries)]
    return LabelSet(
        re.compile("|".join(parts)),
        tuple(key for key, _ in entries),
        re.compile("|".join(f"(?:{core})" for core in cores)),
    )


APPLICATION_LABELS = build_labels(APPLICATION_ROWS, APPLICATION_ROWS_EXACT)
PROACTIVE_LABELS = build_labels(PROACTIVE_ROWS)
LEGACY_LABELS = build_labels(LEGACY_ROWS)
PROACTIVE_COLUMN_LABELS = build_labels(PROACTIVE_COLUMNS)
APPLICANT_COLUMN_LABELS = build_labels(APPLICANT_COLUMN_ALIASES)
REVIEW_GROUP_LABELS = build_labels(REVIEW_GROUP_ALIASES)
REVIEW_COLUMN_LABELS = build_labels(REVIEW_COLUMN_ALIASES)
