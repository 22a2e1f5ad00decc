"""Report metadata from a normalized Document: title, agency, year, format, dates, region, sections.

Field rules are those of data-contract.md §1. Every function takes the normalized
Document (or its lines) and returns ``None`` rather than guessing.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tasks.models import Format, Region

if TYPE_CHECKING:
    from tasks.parsing.document import Document

_NUMERAL = "一二三四五六七八九十"
_CN_DIGIT = "〇○零O0一二三四五六七八九十"
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_AGENCY_IN_TITLE = re.compile(
    r"^(.{2,40}?)\s*(?:(?:19|20)\d{2}\s*年|关于|政府信息公开|信息公开|政务公开)"
)
_TITLE_WORDS = re.compile(r"(?:政府)?信息公开.{0,12}报告")
_TITLE_LEAD = re.compile(r"^(\S.{3,60}?报告)")
_TITLE_LEAD_BLOCKER = re.compile(r"[。；，]|当前位置|-->")
# How a sentence that names the report opens (现将本局…报告如下), where a title names its agency.
_SENTENCE_OPENER = re.compile(r"^(?:现|本|我|根据|按照|依据|依照|经|为|在|对|将|特|兹|关于)")
_CMS_SUFFIX = re.compile(r"(报告)\s*(?:[_|｜\-—–]+|\s{2,}).{0,40}$")
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
    r"(人民政府|管委会|管理委员会|委员会|办公室|办公厅|局|厅|委|署|院|中心|政府|部|会|所|站|队)$"
)
# The signer's name right before the 落款 date, and how close to the end the date must be.
_SIGNER_TAIL = re.compile(r"([\u4e00-\u9fff（）()]{2,40})\s*$")
_SIGNATURE_WINDOW = 40
_REGION_ONLY = re.compile(r"(省|市|县|区|旗|州|盟)$")
_HEADING = re.compile(rf"^([{_NUMERAL}]{{1,2}})、\s*(\S.*)$")
_HEADING_END = re.compile(r"情况统计表|统计表|情况|事项|措施|概述")
_TABLE_LABEL = re.compile(r"^(?:本年新收|上年结转|本年度办理|结转下|本年度)")
# Labels found only in the 2019 and 2021 uniform tables (表二, 表三, 表四).
_UNIFORM_TABLE = re.compile(
    r"结果维持|结果纠正|尚未审结|未经复议直接起诉|本年新收(?:政府信息公开)?申请|第二十条第（[一二三四五六七八九十]）项"
)
_FORMAT_MARKERS: tuple[tuple[Format, re.Pattern[str]], ...] = (
    ("2021", re.compile(r"本年制发件数|本年废止件数|逾期未按收费通知")),
    ("2019", re.compile(r"本年新制作数量|对外公开总数量|第二十条第（九）项|其他对外管理服务事项")),
    ("pre2019", re.compile(r"统计指标|主动公开政府信息数|收到申请数|历年累计|指标名称")),
)


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


def extract_meta(doc: Document) -> Meta:
    notes: list[str] = []
    title = find_title(doc)
    agency = find_agency(title, doc.lines)
    year = find_report_year(title, doc.lines)
    if year is None:
        notes.append("report_year_absent: no year in the title, statistics period or body")
    return Meta(
        title=title,
        agency=agency,
        report_year=year,
        format=find_format(doc.text, year),
        published_on=find_published_on(doc),
        signed_on=find_signed_on(doc.lines),
        region=find_region(agency, doc.lines),
        sections=find_sections(doc.lines),
        notes=notes,
    )


def clean_title(raw: str) -> str:
    """Drop a CMS suffix after the title, whitespace, and a title repeated twice."""
    title = _CMS_SUFFIX.sub(r"\1", raw.strip())
    title = re.sub(r"\s+", "", title)
    half = len(title) // 2
    if len(title) % 2 == 0 and title[:half] == title[half:]:
        title = title[:half]
    return title


def find_title(doc: Document) -> str | None:
    """Crawler 标题, then HTML ArticleTitle/<title>, then the first title-like body line(s)."""
    for key in ("标题", "ArticleTitle", "articletitle", "title", "Title"):
        value = doc.meta.get(key, "")
        if _TITLE_WORDS.search(value) and not _GENERIC_TITLE.match(clean_title(value)):
            return clean_title(value)
    title = _title_from_body(doc.lines[:30])
    if title:
        return title
    for key in ("Title", "title"):
        if doc.meta.get(key) and _TITLE_WORDS.search(doc.meta[key]):
            return clean_title(doc.meta[key])
    return None


def _title_from_body(head: list[str]) -> str | None:
    """The first title-like line of the body, joined with an agency line above it if split."""
    for i, line in enumerate(head):
        if i < 3 and (lead := _leading_title(line)):
            return lead
        if len(line) > 80 or not _TITLE_WORDS.search(line) or "。" in line:
            continue
        title = clean_title(line)
        if title.startswith(("本报告", "根据")):
            continue
        if _GENERIC_TITLE.match(title) and i > 0 and _AGENCY_SUFFIX.search(head[i - 1]):
            return clean_title(head[i - 1] + title)
        # A title split over two lines: the agency alone above 'YYYY年…报告'.
        if (
            i > 0
            and re.match(r"^(?:19|20)\d{2}\s*年", title)
            and _AGENCY_SUFFIX.search(head[i - 1])
        ):
            return clean_title(head[i - 1] + title)
        return title
    return None


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
    agency = _AGENCY_IN_TITLE.match(title)
    if (
        agency is None
        or not _AGENCY_SUFFIX.search(agency.group(1))
        or _SENTENCE_OPENER.match(title)
    ):
        return None
    return title


def find_agency(title: str | None, lines: list[str]) -> str | None:
    """The issuing body as the title names it; a dropped region prefix is taken from the body."""
    if not title:
        return None
    m = _AGENCY_IN_TITLE.match(title)
    if m is None:
        return None
    agency = re.sub(r"(?:关于)?$", "", m.group(1).strip("《》“”"))
    if agency[:1] in "省市县区" and len(agency) > 1:
        return _restore_prefix(agency, lines) or agency
    return agency


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


def find_report_year(title: str | None, lines: list[str]) -> int | None:
    if title and (m := _YEAR_IN_TITLE.search(title)):
        return int(m.group(1))
    text = "\n".join(lines[:60])
    if m := _PERIOD.search(text):
        return int(m.group(1))
    years = Counter(int(y) for y in _BODY_YEAR.findall("\n".join(lines)))
    return years.most_common(1)[0][0] if years else None


def find_format(text: str, year: int | None) -> Format:
    """Table generation from label fingerprints (report-formats.md §3.5), else from the year."""
    for fmt, marker in _FORMAT_MARKERS:
        if marker.search(text):
            return fmt
    if year is not None and year <= 2018:
        return "pre2019"
    # A uniform-format table whose labels are the same in both generations (表四 alone, say):
    # the generation in force for the report year (report-formats.md, "Report-year → generation").
    if year is not None and _UNIFORM_TABLE.search(text):
        return "2021" if year >= 2021 else "2019"
    return "unknown"


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
    if agency:
        region = _gazetteer(agency)
        if region.province:
            return region
    text = "\n".join(lines)
    for m in re.finditer(r"地址\s*[:：]\s*([^；;，,。）)]{4,60})", text):
        region = _gazetteer(m.group(1))
        if region.province:
            return region
    if agency:
        return _region_from_stem(agency, text)
    return Region()


def _region_from_stem(agency: str, text: str) -> Region:
    """A non-official name (平潭综合实验区) resolved through the division the body names with the
    same stem (平潭县), checked against the gazetteer."""
    for size in (3, 2):
        stem = agency[:size]
        for m in re.finditer(re.escape(stem) + r"(县|市|区|旗)", text):
            region = _gazetteer(stem + m.group(1))
            if region.county and region.county.startswith(stem):
                return region
        found = {_gazetteer(stem + suffix) for suffix in ("县", "市", "区")}
        found = {r for r in found if r.county and r.county.startswith(stem)}
        if len(found) == 1:
            return found.pop()
    return Region()


@lru_cache(maxsize=4096)
def _gazetteer(name: str) -> Region:
    row = _cpca_transform(name)
    return Region(province=row.get("省"), city=row.get("市"), county=row.get("区"))


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
