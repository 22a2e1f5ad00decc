"""Report metadata from a normalized Document: title, agency, year, format, dates, region, sections.

Field rules are those of data-contract.md §1. Every function takes the normalized
Document (or its lines) and returns ``None`` rather than guessing.

Title, agency, report year and region are chosen among *candidates* by explicit weights,
because no one place is right on every page: a preamble or a breadcrumb can stand above
the title, a CMS suffix or the 来源 field names the site's owner (often another body), a
title may have no year or no place name. Candidates come from the container's fields
(crawler 标题, ArticleTitle, <title>, PDF Title), the body's title lines (also split over
two lines), the 落款 (signature block), the body's sentences naming the agency (本报告由X
编制, 请与X联系, ``YYYY年，X坚持…``) and how it speaks of itself (我局/本厅 favours a 局/厅).
A year is never part of an agency name. Each choice keeps the raw text it came from
(``Meta.sources``, the contract's ``meta_sources``).
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from govreports.contract.formats import detect_format
from govreports.contract.models import Format, MetaSource, Region
from tasks.parsing.document import Document

_NUMERAL = "一二三四五六七八九十"
_CN_DIGIT = "〇○零O0一二三四五六七八九十"
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_WORDS = re.compile(r"(?:(?:政府)?信息公开|政务公开).{0,12}报告")
_TITLE_LEAD = re.compile(r"^(\S.{3,60}?报告)")
_TITLE_LEAD_BLOCKER = re.compile(r"[。；，]|当前位置|-->")
# How a sentence that names the report opens (现将本局…报告如下), where a title names its agency.
_SENTENCE_OPENER = re.compile(r"^(?:现|本|我|根据|按照|依据|依照|经|为|在|对|将|特|兹|关于)")
_CMS_SUFFIX = re.compile(r"(报告)\s*(?:[_|｜\-—–]+|\s{2,}).{0,40}$")
# A site name in front of the title (``某市人民政府门户网站 - X2019年…报告``).
_CMS_PREFIX = re.compile(r"^.{2,30}?(?:门户网站|网站|政府网|人民政府网)\s*[_|｜\-—–>]+\s*(?=\S)")
# A date the page prints on the title's line (``…报告 2020-01-20``, ``…报告 发布时间：…``).
_DATE_SUFFIX = re.compile(
    r"(报告)\s+(?:(?:发布|发文|成文)?(?:时间|日期)\s*[:：]?\s*)?(?:19|20)\d{2}\s*[-/.年].{0,30}$"
)
_GENERIC_TITLE = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?)?(?:政府)?(?:信息公开|政务公开|关于)")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|期间)[^。]{0,12}?((?:19|20)\d{2})")
_BODY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_CN_DATE = re.compile(rf"([{_CN_DIGIT}]{{4}})年([{_CN_DIGIT}]{{1,2}})月([{_CN_DIGIT}]{{1,3}})日")
_AR_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_PUBLISHED_LINE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|公开日期|时间)\s*[:：]+\s*")
_PUBLISHED_KEYS = (
    "发布时间",
    "发布日期",
    "发文日期",
    "PubDate",
    "pubdate",
    "publishdate",
    "PublishDate",
    "时间",
)
_SIGNATURE_TAIL = re.compile(r"^\s*(?:$|附件|[\u4e00-\u9fff（）]{2,40}统计表)")
_AGENCY_SUFFIX = re.compile(
    r"(人民政府|管委会|管理委员会|委员会|办公室|办公厅|办事处|局|厅|委|办|署|院|中心|政府|部|会|所|站|队|行|馆|社)$"
)
# The signer's name right before the 落款 date, and how close to the end the date must be.
_SIGNER_TAIL = re.compile(r"([\u4e00-\u9fff（）()]{2,40})\s*$")
_SIGNATURE_WINDOW = 40
_REGION_ONLY = re.compile(r"(省|市|县|区|旗|州|盟)$")
_HEADING = re.compile(rf"^([{_NUMERAL}]{{1,2}})、\s*(\S.*)$")
_HEADING_END = re.compile(r"情况统计表|统计表|情况|事项|措施|概述")
_TABLE_LABEL = re.compile(r"^(?:本年新收|上年结转|本年度办理|结转下|本年度)")


@dataclass(slots=True)
class Meta:
    title: str | None
    agency: str | None
    report_year: int | None
    format: Format
    published_on: str | None
    signed_on: str | None
    region: Region
    sections: list[str]
    notes: list[str]
    sources: dict[str, MetaSource] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading of a metadata field: its value, the text it came from, where, and a weight.

    Candidates for one field are gathered from every place a reader would look (the
    container's title fields, the body's title lines, the 落款, the body's sentences
    naming the agency, the publisher fields) and the heaviest wins; see ``choose_*``.
    """

    value: str
    raw: str
    source: str
    line: int | None = None  # 1-based line of Document.lines
    weight: float = 0.0

    def provenance(self, score: float | None = None) -> MetaSource:
        return MetaSource(self.raw, self.source, self.line, self.weight if score is None else score)


def extract_meta(doc: Document) -> Meta:
    notes: list[str] = []
    sources: dict[str, MetaSource] = {}
    title_pick = choose_title(doc)
    title = title_pick.value if title_pick else None
    if title_pick:
        sources["title"] = title_pick.provenance()
    agency_pick = choose_agency(title_pick, doc)
    agency = agency_pick.value if agency_pick else None
    if agency_pick:
        sources["agency"] = agency_pick.provenance()
    year_pick = choose_report_year(title, doc.lines)
    year = int(year_pick.value) if year_pick else None
    if year_pick:
        sources["report_year"] = year_pick.provenance()
    else:
        notes.append("report_year_absent: no year in the title, statistics period or body")
    region, region_source = locate_region(agency, doc.lines, agency_pick)
    if region_source:
        sources["region"] = region_source
    return Meta(
        title=title,
        agency=agency,
        report_year=year,
        format=detect_format(doc.text, year),
        published_on=find_published_on(doc),
        signed_on=find_signed_on(doc.lines),
        region=region,
        sections=find_sections(doc.lines),
        notes=notes,
        sources=sources,
    )


# --- title -------------------------------------------------------------------------------

# How many body lines a title may sit below: a page may open with breadcrumbs, a site
# header and a preamble paragraph before the title.
_TITLE_HEAD = 40
# Container fields naming the document, and how much each is trusted: a crawler's 标题 and
# a CMS's ArticleTitle are the article's own title; <title> and PDF Title are often generic
# or carry the site's name.
_META_TITLE_WEIGHTS = (
    ("标题", 3.0),
    ("ArticleTitle", 3.0),
    ("articletitle", 3.0),
    ("title", 1.0),
    ("Title", 1.0),
)
_BODY_TITLE_WEIGHT = 2.0
_SPLIT_TITLE_WEIGHT = 2.5
_LEAD_TITLE_WEIGHT = 1.5
_CRUMB = re.compile(r"\s*(?:>|＞|»|›|→|/)\s*")
_CRUMB_HINT = re.compile(r"(?:首页|当前位置|您的位置|你的位置|所在位置)\s*[:：]?\s*[>＞»›→/]?")
_QUOTED_WORK = re.compile(r"[《》〈〉]|以下简称")
_CLAUSE = re.compile(r"[，,：:]")


def clean_title(raw: str) -> str:
    """Drop a breadcrumb before the title, a CMS suffix after it, whitespace, a doubled title."""
    title = _CMS_SUFFIX.sub(r"\1", _DATE_SUFFIX.sub(r"\1", _last_crumb(raw).strip()))
    if _TITLE_WORDS.search(stripped := _CMS_PREFIX.sub("", title)):
        title = stripped
    title = re.sub(r"\s+", "", title)
    half = len(title) // 2
    if len(title) % 2 == 0 and title[:half] == title[half:]:
        title = title[:half]
    return title


def _last_crumb(text: str) -> str:
    """``首页 > 政务公开 > 年报 > X2019年…报告`` → the last crumb; other text unchanged."""
    if not _CRUMB_HINT.search(text) or not _CRUMB.search(text):
        return text
    return _CRUMB.split(text.strip())[-1]


def title_quality(title: str) -> float | None:
    """How much ``title`` reads like a report title; ``None`` when it cannot be one.

    A title names a 信息公开 report and ends with 报告; it opens with its agency or its year.
    A sentence (a clause, a cited 《…规定》, 根据/现将…) that mentions the report is not one:
    that is how a preamble above the title, or the report's first paragraph, reads.
    """
    if not _TITLE_WORDS.search(title) or not 6 <= len(title) <= 70:
        return None
    if re.search(r"[。；;！？]", title):
        return None
    quality = 2.0 if title.endswith("报告") else -1.0
    if reads_as_sentence(title):
        quality -= 6
    if _QUOTED_WORK.search(title):
        quality -= 4
    if _CLAUSE.search(title):
        quality -= 3
    if agency_in_title(title):
        quality += 2
    elif _GENERIC_TITLE.match(title):
        quality -= 1
    if _YEAR_IN_TITLE.search(title):
        quality += 1
    return quality if quality >= 0 else None


def title_candidates(doc: Document) -> list[Candidate]:
    out: list[Candidate] = []
    for key, weight in _META_TITLE_WEIGHTS:
        if raw := doc.meta.get(key, "").strip():
            out.append(Candidate(clean_title(raw), raw, f"meta:{key}", None, weight))
    head = doc.lines[:_TITLE_HEAD]
    for i, line in enumerate(head):
        if i < 3 and (lead := _leading_title(line)):
            out.append(Candidate(lead, line[: len(lead) + 20], "body", i + 1, _LEAD_TITLE_WEIGHT))
            continue
        if len(line) > 100 or not _TITLE_WORDS.search(line) or "。" in line:
            continue
        title = clean_title(line)
        weight = _BODY_TITLE_WEIGHT - 0.02 * i
        out.append(Candidate(title, line, "body", i + 1, weight))
        # A title split over two lines: the agency alone above 'YYYY年…报告' or a generic title.
        if i > 0 and _is_agency_line(head[i - 1]) and not agency_in_title(title):
            joined = clean_title(head[i - 1] + title)
            raw = f"{head[i - 1]}\n{line}"
            out.append(Candidate(joined, raw, "body", i, _SPLIT_TITLE_WEIGHT - 0.02 * i))
    return out


def choose_title(doc: Document) -> Candidate | None:
    """The candidate with the best weight + title quality; the same text found twice adds up."""
    scored: dict[str, tuple[float, Candidate]] = {}
    for cand in title_candidates(doc):
        quality = title_quality(cand.value)
        if quality is None:
            continue
        score = cand.weight + quality
        if cand.value in scored:
            best, first = scored[cand.value]
            # Agreement between two places is worth a little; the better-placed reading stays.
            keep = cand if score > best else first
            scored[cand.value] = (max(score, best) + 0.5, keep)
        else:
            scored[cand.value] = (score, cand)
    if not scored:
        return None
    score, cand = max(scored.values(), key=lambda item: item[0])
    return dataclasses.replace(cand, weight=round(score, 2))


def find_title(doc: Document) -> str | None:
    pick = choose_title(doc)
    return pick.value if pick else None


def reads_as_sentence(text: str) -> bool:
    """``现将本局…``, ``根据…``: a sentence about the report, not its title. A title opening
    with a place whose name starts like a sentence word (本溪市, 将乐县, 特克斯县) is none."""
    if not (_SENTENCE_OPENER.match(text) or text.startswith("本报告")):
        return False
    agency = agency_in_title(text)
    return agency is None or _gazetteer(agency).province is None


def _is_agency_line(line: str) -> bool:
    text = re.sub(r"\s+", "", line)
    return bool(_AGENCY_LINE.match(text)) and is_agency_name(text)


def _leading_title(line: str) -> str | None:
    """A title that opens a line the body runs on in (a page flattened onto one line).

    ``平潭县人民政府2011年政府信息公开工作年度报告三、政府信息依申请公开…。``: the words
    up to the first ``报告``, when they read as a report title that opens with its agency.
    """
    if "。" not in line and len(line) <= 80:
        return None  # a line of its own: the caller's rules apply
    m = _TITLE_LEAD.match(line)
    if m is None or _TITLE_LEAD_BLOCKER.search(m.group(1)) or not _TITLE_WORDS.search(m.group(1)):
        return None
    title = clean_title(m.group(1))
    if agency_in_title(title) is None or reads_as_sentence(title):
        return None
    return title


# --- agency ------------------------------------------------------------------------------

_TITLE_AGENCY = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?\s*(.{2,40}?)\s*"
    r"(?:(?:19|20)\d{2}\s*年|关于|(?:政府)?信息公开|政务公开)"
)
_YEAR_AROUND = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?)+|(?:(?:19|20)\d{2}\s*年度?)+$")
_AGENCY_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{3,40}$")
# Pronouns (本机关, 我局, 本市…) and phrases are no names; 本溪市 is.
_NOT_AGENCY = re.compile(
    r"^(?:人民)?政府$|^(?:本|我)(?:机关|单位|部门|局|厅|委|办|署|院|中心|区|县|市|镇|乡|旗|省)"
    r"|[《》“”，。：；、]|报告|情况|工作"
)
_OFFICE_OF = re.compile(r"(办公室|办公厅)$")
# A sentence naming the agency: who compiled the report, whom to contact, who did the year's
# work (``2024 年，淮安市洪泽区人民政府坚持…``).
_COMPILED_BY = re.compile(
    r"本(?:年度)?报告(?:是)?由\s*([\u4e00-\u9fff（）()]{3,40}?)\s*"
    r"(?:根据|依据|按照|依照|编制|综合|汇总|负责|组织)"
)
_CONTACT = re.compile(r"(?:请与|请联系|联系单位\s*[:：]\s*)([\u4e00-\u9fff（）()]{3,40}?)\s*联系")
_SUBJECT = re.compile(
    r"(?:^|[。；])\s*(?:(?:19|20)\d{2}\s*年度?\s*[，,]\s*)"
    r"([\u4e00-\u9fff（）()]{3,30}?)(?:坚持|认真|深入|始终|严格|全面|紧紧|紧扣|围绕|按照|以|高度重视)"
)
# How a body speaks of itself (我局, 本委): a candidate of that kind is more likely the agency
# than the body that owns the web site.
_PRONOUN = re.compile(r"(?:本|我)(局|厅|委|办|署|院|中心|区|县|市|旗|镇|乡|街道|所|站|队)")
_PRONOUN_SUFFIX = {
    "局": ("局",),
    "厅": ("厅",),
    "委": ("委", "委员会"),
    "办": ("办公室", "办公厅", "办"),
    "署": ("署",),
    "院": ("院",),
    "中心": ("中心",),
    "区": ("区", "区人民政府", "区政府"),
    "县": ("县", "县人民政府", "县政府"),
    "市": ("市", "市人民政府", "市政府"),
    "旗": ("旗", "旗人民政府"),
    "镇": ("镇", "镇人民政府"),
    "乡": ("乡", "乡人民政府"),
    "街道": ("街道办事处", "街道"),
    "所": ("所",),
    "站": ("站",),
    "队": ("队",),
}
_PUBLISHER_KEYS = ("发布机构", "来源", "ContentSource", "contentsource", "Author", "author")
_PUBLISHER_LINE = re.compile(
    r"(?:来源|发布机构|信息来源|发布单位)\s*[:：]\s*([\u4e00-\u9fff（）()]{3,40})"
)
_AGENCY_WEIGHTS = {
    "title": 6.0,
    "signature": 3.0,
    "self-reference": 2.0,
    "compiled-by": 1.5,
    "contact": 1.0,
    "publisher": 1.0,
}
_PRONOUN_BONUS = 1.0
_SELF_REFERENCES_COUNTED = 3


def is_agency_name(name: str) -> bool:
    """A body's name: ends as agencies and places do, and is not a phrase or a pronoun."""
    if not 2 <= len(name) <= 40 or _NOT_AGENCY.search(name):
        return False
    return bool(_AGENCY_SUFFIX.search(name) or _REGION_ONLY.search(name))


def strip_year(name: str) -> str:
    """``2019年上海市人民政府办公厅`` → ``上海市人民政府办公厅``: a year is never part of a name."""
    return _YEAR_AROUND.sub("", name).strip()


def agency_in_title(title: str) -> str | None:
    """The agency a title opens with (after a leading year), or ``None``."""
    m = _TITLE_AGENCY.match(title)
    if m is None:
        return None
    agency = strip_year(m.group(1).strip("《》“”"))
    agency = re.sub(r"关于$", "", agency)
    rest = title[m.end(1) :].lstrip()
    if agency.endswith("人民") and rest.startswith("政府"):
        agency += "政府"  # 某区人民政府信息公开… reads 某区人民政府 | 信息公开
    return agency if is_agency_name(agency) else None


def agency_candidates(title: Candidate | None, doc: Document) -> list[Candidate]:
    """Every reading of the agency: the title's, the 落款's, the body's sentences naming it,
    and the publisher fields (which may name the site's owner instead)."""
    out: list[Candidate] = []
    if title and (name := agency_in_title(title.value)):
        out.append(Candidate(name, title.raw, "title", title.line, _AGENCY_WEIGHTS["title"]))
    if sig := _signature_agency(doc.lines):
        out.append(sig)
    return out + _self_references(doc.lines) + _publishers(doc)


def _self_references(lines: list[str]) -> list[Candidate]:
    out: list[Candidate] = []
    counted: Counter[tuple[str, str]] = Counter()
    for i, line in enumerate(lines):
        for pattern, source, office in (
            (_COMPILED_BY, "compiled-by", True),
            (_CONTACT, "contact", True),
            (_SUBJECT, "self-reference", False),
        ):
            for m in pattern.finditer(line):
                name = strip_year(m.group(1))
                if office:
                    # The government's office compiles the government's report.
                    base = _OFFICE_OF.sub("", name)
                    if base != name and _AGENCY_SUFFIX.search(base):
                        name = base
                if not is_agency_name(name) or counted[name, source] >= _SELF_REFERENCES_COUNTED:
                    continue
                counted[name, source] += 1
                raw = line[max(m.start(1) - 12, 0) : m.end(1) + 8]
                out.append(Candidate(name, raw, source, i + 1, _AGENCY_WEIGHTS[source]))
    return out


def _publishers(doc: Document) -> list[Candidate]:
    out: list[Candidate] = []
    weight = _AGENCY_WEIGHTS["publisher"]
    for key in _PUBLISHER_KEYS:
        raw = doc.meta.get(key, "").strip()
        name = strip_year(re.sub(r"\s+", "", raw))
        if is_agency_name(name):
            out.append(Candidate(name, f"{key}: {raw}", "publisher", None, weight))
    for i, line in enumerate(doc.lines[:_TITLE_HEAD]):
        if (m := _PUBLISHER_LINE.search(line)) and is_agency_name(name := strip_year(m.group(1))):
            out.append(Candidate(name, m.group(0), "publisher", i + 1, weight))
    return out


def _same_body(a: str, b: str) -> bool:
    """``洪泽区人民政府`` and ``淮安市洪泽区人民政府`` name one body (a place prefix apart)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return long_.endswith(short) and len(short) >= 3 and _gazetteer(long_).province is not None


def choose_agency(title: Candidate | None, doc: Document) -> Candidate | None:
    """The agency with the most support among the candidates (a name and the same name with
    its place prefix support each other); the heaviest single reading of it is kept, with
    its place prefix restored from another candidate or the body when it has none."""
    cands = agency_candidates(title, doc)
    if not cands:
        return None
    pronouns = set(_PRONOUN.findall(doc.text))
    suffixes = tuple(s for p in pronouns for s in _PRONOUN_SUFFIX.get(p, ()))

    def own(c: Candidate) -> float:
        return c.weight + (_PRONOUN_BONUS if suffixes and c.value.endswith(suffixes) else 0.0)

    def support(c: Candidate) -> float:
        return sum(own(o) for o in cands if _same_body(o.value, c.value))

    def named_by_title(c: Candidate) -> bool:
        return any(o.source == "title" and _same_body(o.value, c.value) for o in cands)

    # The title is how the report names itself (data-contract.md): a body it names wins
    # whatever the other places add up to; they choose only when the title names none, and
    # among the title's own readings (洪泽区人民政府 / 淮安市洪泽区人民政府) the weights decide.
    best = max(cands, key=lambda c: (named_by_title(c), support(c), own(c)))
    score = round(support(best), 2)
    if _needs_prefix(best.value):
        fuller = [c for c in cands if c.value != best.value and c.value.endswith(best.value)]
        fuller = [c for c in fuller if _gazetteer(c.value).province]
        if fuller:
            full = max(fuller, key=own)
            return Candidate(
                full.value,
                f"{best.raw} | {full.raw}",
                f"{best.source}+{full.source}",
                full.line,
                score,
            )
        if restored := _restore_prefix(best.value, doc.lines):
            return Candidate(restored, best.raw, f"{best.source}+body", best.line, score)
    return dataclasses.replace(best, weight=score)


def _needs_prefix(agency: str) -> bool:
    return agency[:1] in "省市县区" or _gazetteer(agency).province is None


def find_agency(title: str | None, lines: list[str]) -> str | None:
    """The issuing body as the title names it; a dropped region prefix is taken from the body."""
    pick = choose_agency(
        Candidate(title, title, "title") if title else None, Document(kind="txt", lines=lines)
    )
    return pick.value if pick else None


def _signature_agency(lines: list[str]) -> Candidate | None:
    """The name in the 落款: on the line of the closing date, before it, or alone above it."""
    for idx in range(len(lines) - 1, max(len(lines) - 60, 0) - 1, -1):
        line = lines[idx]
        for pattern in (_AR_DATE, _CN_DATE):
            for m in pattern.finditer(line):
                before, after = line[: m.start()], line[m.end() :]
                if "填报" in before[-12:] or not _SIGNATURE_TAIL.match(after):
                    continue
                # The words right before the date, after any other date (a 填报日期 just before
                # a flattened page's 落款) or punctuation.
                words = _AR_DATE.sub(" ", _CN_DATE.sub(" ", before))
                tail = strip_year(re.split(r"[，。；：:\s\d]", words.rstrip())[-1])
                if tail and is_agency_name(tail) and len(tail) <= 30:
                    raw = line[max(m.start() - len(tail) - 4, 0) : m.end()].strip()
                    return Candidate(tail, raw, "signature", idx + 1, _AGENCY_WEIGHTS["signature"])
                if not before.strip() and idx > 0 and _is_agency_line(lines[idx - 1]):
                    name = re.sub(r"\s+", "", lines[idx - 1])
                    raw = f"{lines[idx - 1]}\n{line.strip()}"
                    return Candidate(name, raw, "signature", idx, _AGENCY_WEIGHTS["signature"])
    return None


def _restore_prefix(agency: str, lines: list[str]) -> str | None:
    """``市投资促进局`` → ``南安市投资促进局`` when the body names it in full."""
    pattern = re.compile(r"([\u4e00-\u9fff]{2,8})" + re.escape(agency))
    counts: Counter[str] = Counter()
    for line in lines:
        for m in pattern.finditer(line):
            stem = m.group(1)
            for size in range(2, len(stem) + 1):
                candidate = stem[-size:] + agency
                region = _gazetteer(candidate)
                names = [n for n in (region.county, region.city, region.province) if n]
                if any(n.startswith(stem[-size:]) for n in names):
                    counts[candidate] += 1
                    break
    return counts.most_common(1)[0][0] if counts else None


# --- report year -------------------------------------------------------------------------

_YEAR_WEIGHTS = {"title": 3.0, "statistics period": 2.0, "body years": 1.0}


def choose_report_year(title: str | None, lines: list[str]) -> Candidate | None:
    """Title first; else the statistics period; else the year the body speaks of most."""
    if title and (m := _YEAR_IN_TITLE.search(title)):
        return Candidate(m.group(1), title, "title", None, _YEAR_WEIGHTS["title"])
    text = "\n".join(lines[:60])
    if m := _PERIOD.search(text):
        line = text.count("\n", 0, m.start()) + 1
        raw = text[m.start() : m.end() + 16].replace("\n", " ")
        weight = _YEAR_WEIGHTS["statistics period"]
        return Candidate(m.group(1), raw, "statistics period", line, weight)
    years = Counter(int(y) for y in _BODY_YEAR.findall("\n".join(lines)))
    if not years:
        return None
    year, n = years.most_common(1)[0]
    raw = f"{year}年 ({n} of {sum(years.values())} year mentions)"
    return Candidate(str(year), raw, "body years", None, _YEAR_WEIGHTS["body years"])


def find_report_year(title: str | None, lines: list[str]) -> int | None:
    pick = choose_report_year(title, lines)
    return int(pick.value) if pick else None


def to_iso(text: str) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD (Arabic or Chinese numerals), or None."""
    for pattern in (_AR_DATE, _ISO_DATE, _CN_DATE):
        if m := pattern.search(text):
            try:
                y, mo, d = (_cn_int(g) for g in m.groups())
            except ValueError:
                continue
            if 1 <= mo <= 12 and 1 <= d <= 31 and 1990 <= y <= 2100:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _cn_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    digits = {
        "〇": 0,
        "○": 0,
        "零": 0,
        "O": 0,
        "0": 0,
        "一": 1,
        "二": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
    if len(text) == 4:
        return int("".join(str(digits[c]) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return digits[text]


def find_published_on(doc: Document) -> str | None:
    for key in _PUBLISHED_KEYS:
        if key in doc.meta and (iso := to_iso(doc.meta[key])):
            return iso
    for line in doc.lines[:15]:
        m = _PUBLISHED_LINE.search(line)
        if m and (iso := to_iso(line[m.end() : m.end() + 30])):
            return iso
    return None


def find_signed_on(lines: list[str]) -> str | None:
    """The date under the closing signature: a full date standing alone (or after the signer's
    name) and followed only by the end of the line, an attachment or the statistics-table title."""
    for line in reversed(lines):
        for pattern in (_AR_DATE, _CN_DATE):
            for m in pattern.finditer(line):
                before, after = line[: m.start()], line[m.end() :]
                if "填报" in before[-12:] or not _SIGNATURE_TAIL.match(after):
                    continue
                if (
                    before.strip()
                    and (len(before) > 40 or re.search(r"[，。；：]", before))
                    and not _signed_by_agency(before, after)
                ):
                    continue
                if iso := to_iso(m.group(0)):
                    return iso
    return None


def _signed_by_agency(before: str, after: str) -> bool:
    """A flattened body (one long line): the date closes it, right after the agency's name."""
    if len(after) > _SIGNATURE_WINDOW:
        return False
    m = _SIGNER_TAIL.search(before)
    return m is not None and _AGENCY_SUFFIX.search(m.group(1)) is not None


def find_sections(lines: list[str]) -> list[str]:
    """Top-level headings (一、…) in document order, numbered upwards; table labels skipped."""
    sections: list[str] = []
    last = 0
    for line in lines:
        m = _HEADING.match(line)
        if m is None or _TABLE_LABEL.match(m.group(2)):
            continue
        number = _NUMERAL.index(m.group(1)[-1]) + 1 + (10 if len(m.group(1)) == 2 else 0)
        if number <= last:
            continue
        text = m.group(2)
        cut = _heading_length(text)
        if cut < 2:
            continue
        sections.append(f"{m.group(1)}、{text[:cut]}")
        last = number
    return sections


def _heading_length(text: str) -> int:
    """Where a heading glued to its body ends: after its closing word (情况, 事项 …), extended
    over a closer that follows within a few characters (审批事项及处理情况)."""
    end = _HEADING_END.search(text)
    if end is None or end.end() > 40:
        stop = re.search(r"[\s，。；\d]", text[:30])
        return stop.start() if stop else min(len(text), 30)
    cut = end.end()
    while (more := _HEADING_END.search(text, cut)) and more.start() - cut <= 4:
        cut = more.end()
    return cut


def find_region(agency: str | None, lines: list[str]) -> Region:
    """Province/city/county from the agency name, else the contact address, else the body."""
    return locate_region(agency, lines)[0]


_ADDRESS = re.compile(r"(?:地址|地点|位于)\s*[:：]?\s*([^；;，,。）)]{4,60})")


def locate_region(
    agency: str | None, lines: list[str], agency_pick: Candidate | None = None
) -> tuple[Region, MetaSource | None]:
    """The region and where it was read: the agency name through the gazetteer, else the
    contact address, else the body's own place name with the agency's stem."""
    if agency:
        region = _gazetteer(agency)
        if region.province:
            if named := _county_in_context(agency, region, lines):
                return named
            raw = agency_pick.raw if agency_pick else agency
            source = f"agency ({agency_pick.source})" if agency_pick else "agency"
            at = agency_pick.line if agency_pick else None
            return region, MetaSource(raw, source, at)
    for i, line in enumerate(lines):
        for m in _ADDRESS.finditer(line):
            region = _gazetteer(m.group(1))
            if region.province:
                return region, MetaSource(m.group(0), "address", i + 1)
    if agency:
        region, raw = _region_from_stem(agency, "\n".join(lines))
        if region.province:
            return region, MetaSource(raw, "body place name")
    return Region(), None


# How many of the body's mentions of a county name are read for the city in front of it.
_COUNTY_MENTIONS = 30


def _county_in_context(
    agency: str, region: Region, lines: list[str]
) -> tuple[Region, MetaSource] | None:
    """A county-level name several cities share (桥东区, 鼓楼区, 朝阳区): the gazetteer's pick
    for the bare name is arbitrary, so the body's own mention with its city in front
    (地址：河北省张家口市桥东区…) decides. ``None`` when the agency names its city or
    province itself, or the body never names the county with another city."""
    county = region.county
    if not county or any(n and n[:2] in agency for n in (region.city, region.province)):
        return None
    found: Counter[Region] = Counter()
    where: dict[Region, tuple[str, int]] = {}
    mentions = 0
    for i, line in enumerate(lines):
        for m in re.finditer(re.escape(county), line):
            mentions += 1
            if mentions > _COUNTY_MENTIONS:
                break
            context = line[max(m.start() - 12, 0) : m.end()]
            named = _gazetteer(context)
            # Only a mention naming its city or province counts; a bare one is the same guess.
            if named.county == county and any(
                n and n[:2] in context for n in (named.city, named.province)
            ):
                found[named] += 1
                where.setdefault(named, (context, i + 1))
    if not found:
        return None
    best, _ = found.most_common(1)[0]
    if best == region:
        return None
    raw, at = where[best]
    return best, MetaSource(raw, "body place name", at)


def _region_from_stem(agency: str, text: str) -> tuple[Region, str]:
    """A non-official name (平潭综合实验区) resolved through the division the body names with the
    same stem (平潭县), checked against the gazetteer."""
    for size in (3, 2):
        stem = agency[:size]
        for m in re.finditer(re.escape(stem) + r"(县|市|区|旗)", text):
            region = _gazetteer(stem + m.group(1))
            if region.county and region.county.startswith(stem):
                return region, m.group(0)
        found = {_gazetteer(stem + suffix) for suffix in ("县", "市", "区")}
        found = {r for r in found if r.county and r.county.startswith(stem)}
        if len(found) == 1:
            return found.pop(), f"{stem} (gazetteer)"
    return Region(), ""


@lru_cache(maxsize=4096)
def _gazetteer(name: str) -> Region:
    row = _cpca_transform(name)
    city = row.get("市")
    # The gazetteer's placeholders under a municipality or for a province-administered county
    # (市辖区, 县, 省直辖县级行政区划) are no prefecture-level city: the contract says null.
    if city in _NO_CITY:
        city = None
    return Region(province=row.get("省"), city=city, county=row.get("区"))


_NO_CITY = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def _cpca_transform(name: str) -> dict[str, Any]:
    cpca = _cpca()
    frame = cpca.transform([name])
    row = frame.iloc[0].to_dict()
    return {k: (v if isinstance(v, str) and v else None) for k, v in row.items()}


@lru_cache(maxsize=1)
def _cpca() -> Any:
    # cpca imports pandas and loads its gazetteer on import; do it once, on first use.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca
    return cpca
