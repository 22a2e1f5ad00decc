"""Metadata: title, agency, year, format, dates, region, sections."""

from __future__ import annotations

import pytest

from tasks.models import Region
from tasks.parsing.document import Document
from tasks.parsing.meta import (
    clean_title,
    find_agency,
    find_format,
    find_published_on,
    find_region,
    find_report_year,
    find_sections,
    find_signed_on,
    find_title,
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
    ],
    ids=["plain", "cms-underscore", "cms-dash", "repeated", "inner-space"],
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
    ("text", "year", "fmt"),
    [
        ("信息内容 本年制发件数 本年废止件数", 2021, "2021"),
        ("本年新制作数量 本年新公开数量 对外公开总数量", 2020, "2019"),
        ("行政规范性文件 其他对外管理服务事项", 2021, "2019"),
        ("指标名称 计量单位 2011年度 历年累计", 2011, "pre2019"),
        ("没有表格的报告", 2013, "pre2019"),
        ("没有表格的报告", 2020, "unknown"),
        ("没有表格的报告", None, "unknown"),
        ("行政复议 结果维持 结果纠正 其他结果 尚未审结 总计", 2021, "2021"),
        ("行政复议 结果维持 结果纠正 其他结果 尚未审结 总计", 2020, "2019"),
        ("行政复议 结果维持 结果纠正 其他结果 尚未审结 总计", None, "unknown"),
    ],
    ids=[
        "2021",
        "2019",
        "2019-by-row",
        "pre2019",
        "no-table-old",
        "no-table-new",
        "no-year",
        "t4-only-2021",
        "t4-only-2020",
        "t4-only-no-year",
    ],
)
def test_format(text: str, year: int | None, fmt: str) -> None:
    assert find_format(text, year) == fmt


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
