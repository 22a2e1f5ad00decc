"""Normalization: widths, spaces inside CJK labels, boilerplate, line remapping."""

from __future__ import annotations

import pytest

from tasks.parsing.document import Document, Table, TableRow
from tasks.parsing.normalize import normalize_document, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("主动公开政府信息４６８条", "主动公开政府信息468条"),
        ("电子邮箱：ｐｚｘｘｇｋｂ＠163.com", "电子邮箱：pzxxgkb@163.com"),
        ("商业 企业 科研 机构", "商业企业科研机构"),
        ("本年度办 理结果", "本年度办理结果"),
        ("邮 编：350400", "邮编：350400"),
        ("（七）总计20 0 00 0 121", "（七）总计20 0 00 0 121"),
        ("主动公开信息数 条 425 1516", "主动公开信息数条 425 1516"),
        ("a\u00a0b\u3000c\u200bd", "a b cd"),
        ("(一)予以公开 (2)重复申请", "（一）予以公开（2）重复申请"),
        ("危及“三安全一稳定”、其他。", "危及“三安全一稳定”、其他。"),
        ("<!--[if !supportLists]-->7、<!--[endif]-->做好", "7、做好"),
        ("【字体：大 中 小】正文", "正文"),
        ("正文 扫一扫在手机上查看当前页面", "正文"),
        ("无收取信息处理费情况。 附件下载", "无收取信息处理费情况。"),
    ],
    ids=[
        "fullwidth-digits",
        "fullwidth-at",
        "label-spaces",
        "split-label",
        "spaced-label",
        "numbers-keep-spaces",
        "unit-column",
        "odd-spaces",
        "ascii-ordinals",
        "cjk-punct-kept",
        "word-comment",
        "font-bar",
        "scan-qr",
        "attachment",
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_pingtan_chrome_is_removed_and_kept_as_meta() -> None:
    line = (
        "当前位置： 首页政务公开政府信息公开政府信息公开年报 平潭综合实验区2021年度政府信息公开工作"
        "年度报告 来源：平潭县人民政府 时间：2022-02-08 16:34 微信 微博 QQ空间 全真版 文字版 "
        "文件下载 相关链接： --> 根据《条例》"
    )
    doc = normalize_document(Document(kind="txt", lines=[line]))
    assert doc.lines == ["根据《条例》"]
    assert doc.meta["来源"] == "平潭县人民政府"
    assert doc.meta["时间"] == "2022-02-08 16:34"


def test_dropped_lines_keep_table_rows_pointing_at_their_line() -> None:
    doc = Document(
        kind="html",
        lines=["当前位置：首页 > 政务公开 > 年报", "", "规章 | 0 | 0 | 0"],
        tables=[Table(rows=[TableRow(cells=["规章", "０", "0", "0"], line=3)])],
    )
    out = normalize_document(doc)
    assert out.lines == ["规章 | 0 | 0 | 0"]
    assert out.tables[0].rows[0].line == 1
    assert out.tables[0].rows[0].cells == ["规章", "0", "0", "0"]
