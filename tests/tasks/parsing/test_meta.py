"""Metadata: title, agency, year, format, dates, region, sections."""

from __future__ import annotations

import pytest

from govreports.contract.models import Region
from tasks.parsing.document import Document
from tasks.parsing.meta import (
    agency_in_title,
    choose_agency,
    choose_report_year,
    choose_title,
    clean_title,
    extract_meta,
    find_agency,
    find_published_on,
    find_region,
    find_report_year,
    find_sections,
    find_signed_on,
    find_title,
    strip_year,
    title_quality,
    to_iso,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "南安市经济贸易局2014年政府信息公开工作情况报告",
            "南安市经济贸易局2014年政府信息公开工作情况报告",
        ),
        (
            "某某县2020年政府信息公开工作年度报告_某某市人民政府",
            "某某县2020年政府信息公开工作年度报告",
        ),
        (
            "某某县2020年政府信息公开工作年度报告 - 某某市人民政府网",
            "某某县2020年政府信息公开工作年度报告",
        ),
        (
            "某县2019年政府信息公开年度报告某县2019年政府信息公开年度报告",
            "某县2019年政府信息公开年度报告",
        ),
        (
            "平潭综合实验区 2013年政府信息公开工作年度报告",
            "平潭综合实验区2013年政府信息公开工作年度报告",
        ),
        (
            "某市人民政府门户网站 - 某市财政局2020年政府信息公开工作年度报告",
            "某市财政局2020年政府信息公开工作年度报告",
        ),
    ],
    ids=["plain", "cms-underscore", "cms-dash", "repeated", "inner-space", "cms-prefix"],
)
def test_clean_title(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


def test_title_split_over_two_lines_and_generic_pdf_title() -> None:
    doc = Document(
        kind="pdf",
        lines=["淮安市人民政府", "2024 年政府信息公开工作年度报告", "本报告由…编制。"],
        meta={"Title": "政府信息公开工作年度报告"},
    )
    assert find_title(doc) == "淮安市人民政府2024年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        (
            (
                "平潭县人民政府2011年政府信息公开工作年度报告三、政府信息依申请公开工作情况 "
                "2011年全县未收到有关政府信息公开的申请。"
            ),
            "平潭县人民政府2011年政府信息公开工作年度报告",
        ),
        (
            (
                "平潭综合实验区地方税务局2013年信息公开年度报告通过政府门户网站全年主动公开各类"
                "政府信息10407条。"
            ),
            "平潭综合实验区地方税务局2013年信息公开年度报告",
        ),
        ("现将本局2013年政府信息公开工作年度报告如下。", None),
        ("根据要求，编制2013年政府信息公开工作年度报告。", None),
    ],
    ids=["county-gov", "tax-bureau", "not-an-agency", "sentence"],
)
def test_title_opening_a_flattened_body_line(line: str, title: str | None) -> None:
    assert find_title(Document(kind="txt", lines=[line])) == title


@pytest.mark.parametrize(
    ("title", "body", "agency"),
    [
        ("平潭县人民政府2011年政府信息公开工作年度报告", [], "平潭县人民政府"),
        ("平潭综合实验区管委会2014年度政府信息公开工作年度报告", [], "平潭综合实验区管委会"),
        ("平潭综合实验区地方税务局2013年信息公开年度报告", [], "平潭综合实验区地方税务局"),
        (
            "市投资促进局2019年政府信息公开工作年度报告",
            ["联系地址：福建省南安市投资促进局三楼"],
            "南安市投资促进局",
        ),
        ("市投资促进局2019年政府信息公开工作年度报告", ["没有全名"], "市投资促进局"),
    ],
    ids=["county-gov", "committee", "tax-bureau", "dropped-prefix", "prefix-unknown"],
)
def test_agency(title: str, body: list[str], agency: str) -> None:
    assert find_agency(title, body) == agency


@pytest.mark.parametrize(
    ("title", "body", "year"),
    [
        ("某县2019年度政府信息公开工作年度报告", [], 2019),
        (
            "某县政府信息公开工作年度报告",
            ["本报告所列数据的统计期限自2018年1月1日起至2018年12月31日止。"],
            2018,
        ),
        ("某县政府信息公开工作年度报告", ["统计期限为201811日至20181231日。"], 2018),
        ("某县政府信息公开工作年度报告", ["2016年，我局…", "2016年全年…", "2017年将…"], 2016),
        ("某县政府信息公开工作年度报告", ["统计期限自至。"], None),
    ],
    ids=["title", "period", "garbled-period", "body", "none"],
)
def test_report_year(title: str, body: list[str], year: int | None) -> None:
    assert find_report_year(title, body) == year


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2014 年11月28日", "2014-11-28"),
        ("2019-03-22", "2019-03-22"),
        ("二○一二年二月二十日", "2012-02-20"),
        ("二〇一四年一月十日", "2014-01-10"),
        ("发文日期:: 2020/1/5", "2020-01-05"),
        ("二〇一三年一月", None),
    ],
)
def test_to_iso(text: str, iso: str | None) -> None:
    assert to_iso(text) == iso


def test_published_from_meta_or_page_spans() -> None:
    assert (
        find_published_on(Document("txt", [], meta={"发布时间": "2022-02-08 16:34"}))
        == "2022-02-08"
    )
    assert (
        find_published_on(Document("html", ["发布日期：2021年1月20日 来源：某县"])) == "2021-01-20"
    )


@pytest.mark.parametrize(
    ("lines", "signed"),
    [
        (
            [
                "……常态化、日常化。",
                "二○一二年二月二十日",
                "附件1：某县2011年政府信息公开情况统计表",
            ],
            "2012-02-20",
        ),
        (["……日常化。", "平潭县人民政府 2013年1月16日", "附件1：统计表"], "2013-01-16"),
        (["二○一四年一月十日平潭综合实验区政府信息公开情况统计表指标名称…"], "2014-01-10"),
        (["……", "填报日期：2019年1月5日"], None),
        (["本报告所列数据的统计期限自2018年1月1日起至2018年12月31日止。"], None),
    ],
    ids=["cn-numerals", "after-signer", "before-table", "fill-date", "period"],
)
def test_signed_on(lines: list[str], signed: str | None) -> None:
    assert find_signed_on(lines) == signed


def test_sections_in_order_without_table_labels() -> None:
    lines = [
        "一、概述",
        "二、主动公开政府信息情况第二十条第（一）项信息内容",
        "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和",
        "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3",
        "三、本年度办理结果",
        "四、审批事项及处理情况",
        "六、其他需要报告的事项2021年，无收取信息处理费情况。",
    ]
    assert find_sections(lines) == [
        "一、概述",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、审批事项及处理情况",
        "六、其他需要报告的事项",
    ]


@pytest.mark.parametrize(
    ("agency", "body", "region"),
    [
        ("平潭县人民政府", [], Region("福建省", "福州市", "平潭县")),
        ("淮安市人民政府", [], Region("江苏省", "淮安市", None)),
        ("宁夏回族自治区人民政府", [], Region("宁夏回族自治区", None, None)),
        ("平潭综合实验区", ["地址：平潭县翠园南路10号"], Region("福建省", "福州市", "平潭县")),
        ("平潭综合实验区", ["没有地址"], Region("福建省", "福州市", "平潭县")),
    ],
    ids=["county", "city", "autonomous-region", "from-address", "from-stem"],
)
def test_region(agency: str, body: list[str], region: Region) -> None:
    assert find_region(agency, body) == region


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2019年上海市人民政府办公厅", "上海市人民政府办公厅"),
        ("2024年度江苏省交通运输厅", "江苏省交通运输厅"),
        ("淮安市人民政府2024年", "淮安市人民政府"),
        ("平潭综合实验区", "平潭综合实验区"),
    ],
    ids=["year-first", "year-du", "year-after", "no-year"],
)
def test_year_never_stays_on_the_agency(name: str, expected: str) -> None:
    assert strip_year(name) == expected


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("某区人民政府信息公开工作年度报告", "某区人民政府"),
        ("2019年度政府信息公开工作年度报告", None),
        ("政府信息公开工作年度报告", None),
        ("定》（以下简称《规定》）和《关于做好政府信息公开工作年度报告", None),
    ],
    ids=["year-first", "no-year-government", "generic-with-year", "generic", "preamble"],
)
def test_agency_in_title(title: str, agency: str | None) -> None:
    assert agency_in_title(title) == agency


@pytest.mark.parametrize(
    "text",
    [
        "定》（以下简称《规定》）和《关于做好政府信息公开工作年度报告编制工作的通知》要求，",
        "根据要求，编制2013年政府信息公开工作年度报告",
        "现将本局2013年政府信息公开工作年度报告如下",
        "首页>政府信息公开>年度报告",
    ],
    ids=["preamble-citation", "sentence", "sentence-opener", "breadcrumb"],
)
def test_sentences_and_breadcrumbs_are_not_titles(text: str) -> None:
    assert title_quality(clean_title(text)) is None


def test_preamble_above_the_title_is_passed_over() -> None:
    doc = Document(
        kind="html",
        lines=[
            "首页 > 政务公开 > 政府信息公开年报",
            "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《某市政府信息公开规",
            "定》（以下简称《规定》）和《关于做好政府信息公开工作年度报告编制工作的通知》要求，",
            "2019年上海市人民政府办公厅政府信息公开工作年度报告",
        ],
    )
    pick = choose_title(doc)
    assert pick is not None
    assert (pick.value, pick.source, pick.line) == (
        "2019年上海市人民政府办公厅政府信息公开工作年度报告",
        "body",
        4,
    )


def test_site_owner_is_not_the_agency() -> None:
    """The CMS suffix and 来源 name the city government; the body names the department."""
    doc = Document(
        kind="html",
        lines=[
            "财政局2024年政府信息公开工作年度报告",
            "发布时间：2025-01-20 信息来源：湖州市人民政府",
            "本报告由湖州市财政局办公室根据《条例》要求编制。",
            "2024年，湖州市财政局坚持依法公开。2024年，我局共收到申请9件。",
            "湖州市财政局",
            "2025年1月16日",
        ],
        meta={"title": "财政局2024年政府信息公开工作年度报告_湖州市人民政府"},
    )
    title = choose_title(doc)
    assert title is not None
    assert title.value == "财政局2024年政府信息公开工作年度报告"
    agency = choose_agency(title, doc)
    assert agency is not None
    assert agency.value == "湖州市财政局"
    # The choice keeps the text it came from: the title's short name and the fuller reading.
    assert "财政局2024年" in agency.raw
    assert "湖州市财政局" in agency.raw


def test_agency_from_signature_when_the_title_has_none() -> None:
    lines = ["政府信息公开工作年度报告", "……", "江苏省交通运输厅", "2025年1月24日"]
    doc = Document(kind="txt", lines=lines)
    agency = choose_agency(choose_title(doc), doc)
    assert agency is not None
    assert (agency.value, agency.source, agency.line) == ("江苏省交通运输厅", "signature", 3)


def test_meta_sources_name_where_each_value_was_read() -> None:
    doc = Document(
        kind="txt",
        lines=[
            "2019年上海市人民政府办公厅政府信息公开工作年度报告",
            "本年度报告中所列数据统计期限从2019年1月1日到12月31日止。",
        ],
    )
    meta = extract_meta(doc)
    assert (meta.agency, meta.report_year) == ("上海市人民政府办公厅", 2019)
    assert meta.sources["title"].raw == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert meta.sources["agency"].source == "title"
    assert meta.sources["report_year"].source == "title"
    assert meta.sources["region"].source.startswith("agency")


def test_report_year_source_is_the_statistics_period_when_the_title_has_none() -> None:
    pick = choose_report_year(
        "政府信息公开工作年度报告", ["前言", "本报告所列数据的统计期限为2024年1月1日至12月31日。"]
    )
    assert pick is not None
    assert (pick.value, pick.source, pick.line) == ("2024", "statistics period", 2)


@pytest.mark.parametrize(
    ("agency", "region"),
    [
        ("上海市人民政府办公厅", Region("上海市", None, None)),
        ("上海市黄浦区人民政府", Region("上海市", None, "黄浦区")),
        ("江苏省交通运输厅", Region("江苏省", None, None)),
    ],
    ids=["municipality-office", "municipality-district", "province-department"],
)
def test_province_level_bodies_have_no_city(agency: str, region: Region) -> None:
    assert find_region(agency, []) == region


@pytest.mark.parametrize(
    ("agency", "body", "region"),
    [
        (
            "朝阳区人民政府",
            ["请与朝阳区人民政府办公室联系（地址：北京市朝阳区日坛北路33号）。"],
            Region("北京市", None, "朝阳区"),
        ),
        (
            "桥东区财政局",
            ["联系地址：张家口市桥东区人民路102号", "桥东区财政局门户网站"],
            Region("河北省", "张家口市", "桥东区"),
        ),
        (
            "淮安市洪泽区人民政府",
            ["地址：淮安市洪泽区洪泽湖大道90号"],
            Region("江苏省", "淮安市", "洪泽区"),
        ),
    ],
    ids=["municipality-district", "two-cities-one-name", "agency-names-its-city"],
)
def test_a_county_name_shared_by_several_cities_is_placed_by_the_body(
    agency: str, body: list[str], region: Region
) -> None:
    assert find_region(agency, body) == region


@pytest.mark.parametrize(
    ("raw", "quality_ok"),
    [
        ("本溪市财政局2014年政府信息公开年度报告", True),
        ("将乐县人民政府2019年政府信息公开工作年度报告", True),
        ("某市交通运输局2020年政务公开工作年度报告", True),
        ("现将本局2013年政府信息公开工作年度报告如下", False),
        ("本报告2019年政府信息公开工作年度报告", False),
    ],
    ids=[
        "place-starting-with-ben",
        "place-starting-with-jiang",
        "zhengwu",
        "sentence",
        "ben-baogao",
    ],
)
def test_places_that_start_like_sentence_words_are_titles(raw: str, quality_ok: bool) -> None:
    assert (title_quality(clean_title(raw)) is not None) is quality_ok


def test_a_date_on_the_title_line_is_cut() -> None:
    assert clean_title("某县2020年政府信息公开工作年度报告 2021-01-20") == (
        "某县2020年政府信息公开工作年度报告"
    )
    assert clean_title("某县2020年政府信息公开工作年度报告 发布时间：2021年1月20日") == (
        "某县2020年政府信息公开工作年度报告"
    )


def test_signature_after_a_fill_date_on_a_flattened_line() -> None:
    """A flattened page: the statistics table's 填报日期, then the 落款 name and date."""
    lines = ["……填报日期：2019年1月16日洛江区发展和改革局 2019年1月20日"]
    doc = Document(kind="txt", lines=lines)
    agency = choose_agency(None, doc)
    assert agency is not None
    assert (agency.value, agency.source) == ("洛江区发展和改革局", "signature")


def test_the_title_names_the_agency_whatever_the_body_adds_up_to() -> None:
    """Every other place names the government's office; the title names the government."""
    lines = [
        "某市人民政府2024年政府信息公开工作年度报告",
        "来源：某市人民政府办公室",
        "本报告由某市人民政府办公室根据《条例》编制。",
        "2024年，某市人民政府办公室坚持依法公开。2024年，某市人民政府办公室严格落实。",
        "如有疑问，请与某市人民政府办公室联系。",
        "某市人民政府办公室",
        "2025年3月20日",
    ]
    doc = Document(kind="txt", lines=lines)
    agency = choose_agency(choose_title(doc), doc)
    assert agency is not None
    assert (agency.value, agency.source) == ("某市人民政府", "title")
