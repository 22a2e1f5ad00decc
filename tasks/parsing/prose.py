"""Headline numbers stated in prose: the ``text`` table of data-contract.md §2.

Only sentences about the whole year and the whole agency count: a clause that names
a channel (website, 微博, 公报, a 信函 application) or a sub-unit (各乡镇, 区直各单位)
is skipped, with two exceptions that are still the whole: a clause whose number is a
total (共计/合计/总计) over the channels it lists ('通过邮寄、网络提交的…申请共计81件'),
and, for applications, a report whose only application statement names one channel
('收到…信函申请1条' and no other): those are all the applications it received. The first
qualifying statement of each row wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govreports.contract.models import Fact
from govreports.contract.numbers import to_float, to_int
from govreports.contract.vocabulary import TEXT_ROWS

if TYPE_CHECKING:
    from collections.abc import Iterator

_NUM = r"(\d[\d,]*(?:\.\d+)?|[零一二两三四五六七八九十百千万]{1,8})"
_APPROX = r"(余|多)?"
_CLAUSE = re.compile(r"[^，,。；;！？]+")
_CHANNEL = re.compile(
    r"网站|网上|网络|微博|微信|公报|新媒体|政务号|客户端|采购|当面|信函|邮寄|传真|电子邮件"
)
# A count of applications by one channel, with or without a verb ('网上申请2件').
_CHANNEL_APPLICATIONS = re.compile(
    "(?:"
    + _CHANNEL.pattern
    + r")[^，。；\d]{0,12}?申请\s*(?:共计|合计|总计|共)?\s*\d+\s*(?:件|条|份|个)"
)
_SUB_UNIT = re.compile(r"各乡镇|乡镇|区直|县直|市直|各部门|各单位|公开办")
_TOTAL = r"(?:共计|合计|总计|共)"
_TOTAL_WORD = re.compile(r"(?:共计|合计|总计)\s*$")
_NEGATION = re.compile(r"未|没有|无|零|暂不|不收")


@dataclass(frozen=True, slots=True)
class _Rule:
    row: str
    unit: str
    pattern: re.Pattern[str]


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "proactive_items",
        "条",
        re.compile(
            r"(?<!应)(?:主动公开|共公布)(?:了)?[^，。；\d]{0,10}?(?:政府)?信息\s*"
            + _NUM
            + r"\s*"
            + _APPROX
            + r"\s*条"
        ),
    ),
    _Rule(
        "applications_received",
        "件",
        re.compile(
            r"(?:收到|受理|接收)[^，。；\d]{0,20}?信息公开[^，。；\d]{0,6}?申请\s*(?:"
            + _TOTAL
            + r"\s*)?"
            + _NUM
            + r"\s*"
            + _APPROX
            + r"\s*(?:件|条|份|个)"
            r"|(?:收到|受理)\s*" + _NUM + r"\s*" + _APPROX + r"\s*(?:件|份)[^，。；\d]{0,12}?申请"
        ),
    ),
    _Rule(
        "reconsideration_total",
        "件",
        re.compile(
            r"行政复议(?:案件|申请)?\s*(?:共\s*)?" + _NUM + r"\s*" + _APPROX + r"\s*(?:件|起|宗|个)"
            r"|收到\s*" + _NUM + r"\s*(?:件|份|起)[^，。；\d]{0,20}?行政复议"
        ),
    ),
    _Rule(
        "litigation_total",
        "件",
        re.compile(
            r"行政诉讼(?:案件)?\s*(?:共\s*)?" + _NUM + r"\s*" + _APPROX + r"\s*(?:件|起|宗|个)"
        ),
    ),
)
_FEE = re.compile(r"收取[^，。；\d]{0,24}?费\s*(?:共\s*)?" + _NUM + r"\s*(万元|元)")
_FEE_NONE = re.compile(r"(?:未|没有|无|不|暂不)(?:收取|收费)|零收费")
_NONE_APPLICATIONS = re.compile(
    r"(?:未|没有)(?:收到|受理)[^，。；\d]{0,20}?(?:信息公开)?[^，。；\d]{0,6}?申请"
)
_NONE_REVIEW = re.compile(r"(?:未|没有|无)(?:发生|收到|出现|提起)?[^，。；\d]{0,24}?行政复议")
_NONE_LITIGATION = re.compile(r"(?:未|没有|无)(?:发生|收到|出现|提起)?[^，。；\d]{0,30}?行政诉讼")


def extract_prose_facts(lines: list[str]) -> list[Fact]:
    """Facts of table ``text`` (column ``value``) with their raw text and 1-based line."""
    found: dict[str, Fact] = {}
    one_channel: list[Fact] = []  # application statements naming one channel
    for line_no, clause in _clauses(lines):
        for fact in _clause_facts(clause, line_no, one_channel):
            found.setdefault(fact.row, fact)
    channel_counts = sum(len(_CHANNEL_APPLICATIONS.findall(c)) for _, c in _clauses(lines))
    if "applications_received" not in found and len(one_channel) == channel_counts == 1:
        found["applications_received"] = one_channel[0]
    return [found[row] for row in TEXT_ROWS if row in found]


def _clauses(lines: list[str]) -> Iterator[tuple[int, str]]:
    for line_no, line in enumerate(lines, start=1):
        if "|" in line:
            continue
        for m in _CLAUSE.finditer(line):
            yield line_no, m.group(0)


def _clause_facts(clause: str, line_no: int, one_channel: list[Fact]) -> Iterator[Fact]:
    for rule in _RULES:
        m = rule.pattern.search(clause)
        if m is None:
            continue
        groups = [g for g in m.groups() if g is not None]
        number = next(g for g in groups if g not in ("余", "多"))
        approx = any(g in ("余", "多") for g in groups)
        if rule.row == "applications_received" and re.search("复议|诉讼", m.group(0)):
            continue
        value = to_number(number)
        if value is None:
            continue
        fact = Fact("text", rule.row, "value", value, rule.unit, approx, m.group(0), line_no)
        stated = clause[: m.start()] + m.group(0)
        if _SUB_UNIT.search(stated):
            continue
        channels = set(_CHANNEL.findall(stated))
        before_number = m.group(0)[: m.group(0).index(number)]
        # '通过邮寄、网络提交的…共计81件' totals the channels it lists; one channel's 共计 is
        # still that channel's count.
        if channels and not (len(channels) > 1 and _TOTAL_WORD.search(before_number)):
            if rule.row == "applications_received" and len(channels) == 1:
                one_channel.append(fact)
            continue
        yield fact
    yield from _zero_facts(clause, line_no)
    if m := _FEE.search(clause):
        value = to_number(m.group(1))
        if value is not None:
            wan = value if m.group(2) == "万元" else round(value / 10000, 6)
            yield Fact("text", "fees_wan_yuan", "value", wan, "万元", False, m.group(0), line_no)


def _zero_facts(clause: str, line_no: int) -> Iterator[Fact]:
    m = _NONE_APPLICATIONS.search(clause)
    if (
        m
        and not re.search("复议|诉讼", m.group(0))
        and not _CHANNEL.search(m.group(0))
        and not _SUB_UNIT.search(m.group(0))
    ):
        yield Fact("text", "applications_received", "value", 0, "件", False, m.group(0), line_no)
    if m := _NONE_REVIEW.search(clause):
        yield Fact("text", "reconsideration_total", "value", 0, "件", False, m.group(0), line_no)
    if m := _NONE_LITIGATION.search(clause):
        yield Fact("text", "litigation_total", "value", 0, "件", False, m.group(0), line_no)
    if (m := _FEE_NONE.search(clause)) and "费" in clause:
        yield Fact("text", "fees_wan_yuan", "value", 0, "万元", False, m.group(0), line_no)


def to_number(text: str) -> int | float | None:
    """``468`` → 468, ``1,234`` → 1234, ``两`` → 2, ``十`` → 10, ``3940.5`` → 3940.5."""
    text = text.replace(",", "")
    if re.fullmatch(r"\d+", text):
        return to_int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return to_float(text)
    import cn2an

    try:
        value = cn2an.cn2an(text, "smart")
        # An int stays exact (float() of a huge one overflows); range is checked later.
        return value if isinstance(value, int) or not value.is_integer() else int(value)
    except (ValueError, KeyError, TypeError, OverflowError):
        return None
