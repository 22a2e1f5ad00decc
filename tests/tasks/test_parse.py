"""parse_document end to end: the real corpus (fields checked by reading each document) and
hostile inputs."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

from govreports.contract.models import ParseError
from tasks.parse import parse_document

if TYPE_CHECKING:
    from pathlib import Path

P = "平潭综合实验区"
PT_COUNTY = ("福建省", "福州市", "平潭县")
# file stem: title, agency, report_year, format, published_on, signed_on.
# Titles are the page title (crawler 标题) where the page has one; the agency is the body the
# title names (see the contract's agency rule); signed_on is the date under the closing
# signature, read in each file (…日常化。 二○一二年二月二十日 附件1…).
EXPECTED: dict[str, tuple[str, str, int, str, str | None, str | None]] = {
    "pre2019_pingtan_2011": (
        f"{P}2011年政府信息公开工作年度报告",
        P,
        2011,
        "pre2019",
        "2012-04-11",
        "2012-02-20",
    ),
    "pre2019_pingtan_2011_county": (
        "平潭县人民政府2011年政府信息公开工作年度报告",
        "平潭县人民政府",
        2011,
        "pre2019",
        "2012-04-18",
        "2012-02-20",
    ),
    "pre2019_pingtan_2012": (
        f"{P}2012年政府信息公开工作年度报告",
        P,
        2012,
        "pre2019",
        "2013-02-25",
        "2013-01-20",
    ),
    "pre2019_pingtan_2012_county": (
        "平潭县人民政府2012年政府信息公开工作年度报告",
        "平潭县人民政府",
        2012,
        "pre2019",
        "2013-01-17",
        "2013-01-16",
    ),
    "pre2019_pingtan_2013": (
        f"{P}2013年政府信息公开工作年度报告",
        P,
        2013,
        "pre2019",
        "2014-01-10",
        "2014-01-10",
    ),
    "pre2019_pingtan_2013_county": (
        "平潭县人民政府2013年政府信息公开工作年度报告",
        "平潭县人民政府",
        2013,
        "pre2019",
        "2014-01-22",
        None,
    ),
    "pre2019_pingtan_2013_tax": (
        f"{P}地方税务局2013年信息公开年度报告",
        f"{P}地方税务局",
        2013,
        "pre2019",
        "2014-02-25",
        None,
    ),
    "pre2019_pingtan_2014": (
        f"{P}管委会2014年度政府信息公开工作年度报告",
        f"{P}管委会",
        2014,
        "pre2019",
        "2015-01-02",
        None,
    ),
    "pre2019_pingtan_2015": (
        f"{P}2015年度政府信息公开工作年度报告",
        P,
        2015,
        "pre2019",
        "2016-01-12",
        None,
    ),
    "pre2019_pingtan_2016": (
        f"{P}2016年度政府信息公开工作年度报告",
        P,
        2016,
        "pre2019",
        "2017-01-18",
        None,
    ),
    "pre2019_pingtan_2017": (
        f"{P}2017年度政府信息公开工作年度报告",
        P,
        2017,
        "pre2019",
        "2018-01-23",
        None,
    ),
    "pre2019_pingtan_2018": (
        f"{P}2018年度政府信息公开工作年度报告",
        P,
        2018,
        "pre2019",
        "2019-01-10",
        None,
    ),
    "2019fmt_pingtan_2019": (
        f"{P}2019年度政府信息公开工作年度报告",
        P,
        2019,
        "2019",
        "2020-01-20",
        None,
    ),
    "2019fmt_pingtan_2020": (
        f"{P}2020年度政府信息公开工作年度报告",
        P,
        2020,
        "2019",
        "2021-03-05",
        None,
    ),
    "2021fmt_pingtan_2021": (
        f"{P}2021年度政府信息公开工作年度报告",
        P,
        2021,
        "2021",
        "2022-02-08",
        None,
    ),
    "2021fmt_pingtan_2022": (
        f"{P}2022年度政府信息公开工作年度报告",
        P,
        2022,
        "2021",
        "2023-02-20",
        None,
    ),
    "2021fmt_pingtan_2023": (
        f"{P}2023年度政府信息公开工作年度报告",
        P,
        2023,
        "2021",
        "2024-03-08",
        None,
    ),
    "2021fmt_pingtan_2024": (
        f"{P}2024年度政府信息公开工作年度报告",
        P,
        2024,
        "2021",
        "2025-03-10",
        None,
    ),
    "2021fmt_pingtan_2025": (
        f"{P}2025年度政府信息公开工作年度报告",
        P,
        2025,
        "2021",
        "2026-03-10",
        None,
    ),
    "2021fmt_huaian_2024": (
        "淮安市人民政府2024年政府信息公开工作年度报告",
        "淮安市人民政府",
        2024,
        "2021",
        None,
        None,
    ),
}
SIX = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


@pytest.mark.parametrize("stem", sorted(EXPECTED), ids=str)
def test_corpus_metadata(corpus_dir: Path, stem: str) -> None:
    path = next((corpus_dir / "reports").glob(f"{stem}.*"))
    data = path.read_bytes()
    report = parse_document(data, path.name)
    title, agency, year, fmt, published, signed = EXPECTED[stem]
    assert report.report_id == hashlib.sha256(data).hexdigest()
    assert (report.title, report.agency, report.report_year, report.format) == (
        title,
        agency,
        year,
        fmt,
    )
    assert (report.published_on, report.signed_on) == (published, signed)
    region = (report.region.province, report.region.city, report.region.county)
    assert region == (("江苏省", "淮安市", None) if "huaian" in stem else PT_COUNTY)
    assert report.text and all(f.line is None or f.line >= 1 for f in report.facts)


@pytest.mark.parametrize(
    "stem",
    ["2019fmt_pingtan_2019", "2021fmt_pingtan_2023", "2021fmt_pingtan_2024", "2021fmt_huaian_2024"],
)
def test_corpus_sections_2019_2021(corpus_dir: Path, stem: str) -> None:
    path = next((corpus_dir / "reports").glob(f"{stem}.*"))
    assert parse_document(path.read_bytes(), path.name).sections == SIX


def test_corpus_prose_headlines(corpus_dir: Path) -> None:
    """Values read by hand from the documents' sentences."""
    cases = {
        "2021fmt_pingtan_2021.txt": {
            "proactive_items": 2645,
            "applications_received": 70,
            "fees_wan_yuan": 0,
        },
        "2021fmt_pingtan_2025.txt": {
            "applications_received": 154,
            "reconsideration_total": 36,
            "litigation_total": 9,
            "fees_wan_yuan": 0,
        },
        "pre2019_pingtan_2013.txt": {
            "proactive_items": 4970,
            "applications_received": 0,
            "reconsideration_total": 1,
        },
        "2021fmt_huaian_2024.pdf": {
            "applications_received": 3119,
            "reconsideration_total": 351,
            "litigation_total": 46,
            "fees_wan_yuan": 0.394,
        },
    }
    for name, expected in cases.items():
        report = parse_document((corpus_dir / "reports" / name).read_bytes(), name)
        got = {f.row: f.value for f in report.facts if f.table == "text"}
        assert got == expected, name


def test_a_letter_is_not_a_report() -> None:
    text = (
        "关于2014年政府信息公开工作要点落实情况的函\n省政府办公厅：\n现将我区有关情况函告如下。\n"
    )
    with pytest.raises(ParseError) as err:
        parse_document(text.encode(), "letter.txt")
    assert err.value.code == "not_a_report"


def test_prose_only_report_notes_the_missing_table() -> None:
    text = "某县2013年政府信息公开工作年度报告\n一、概述\n本年度未收到政府信息公开申请。\n"
    report = parse_document(text.encode("gbk"), "r.txt")
    assert report.format == "pre2019"
    assert any(n.startswith("table_absent") for n in report.notes)
    assert report.fact("text", "applications_received", "value") is not None


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "r.txt", "empty"),
        (bytes(range(256)) * 40, "r.txt", "unreadable"),
        (b"%PDF-1.4 broken", "r.pdf", "unreadable"),
        ("随便一段文字。".encode(), "r.txt", "not_a_report"),
    ],
    ids=["empty", "junk", "corrupt-pdf", "not-a-report"],
)
def test_parse_errors(data: bytes, name: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_document(data, name)
    assert err.value.code == code
