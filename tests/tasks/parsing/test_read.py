"""File readers: encodings, crawler headers, HTML grids, PDF line joining, docx, hostile input."""

from __future__ import annotations

import io
import zipfile

import pytest

from govreports.contract.models import ParseError
from tasks.parsing.read import decode_text, join_pdf_lines, read_document, split_body_line

CRAWLER = (
    "标题: 平潭综合实验区2021年度政府信息公开工作年度报告\n"
    "发布时间: 2022-02-08 16:34\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
    "==================== 正文 ====================\n"
    + "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
    * 3
    + "一、总体情况 2021年，我区共收到70件申请。二、主动公开政府信息情况第二十条第（一）项"
    "信息内容本年制发件数规章 000行政许可2293三、收到和处理政府信息公开申请情况"
    "一、本年新收政府信息公开申请数量640020470三、本年度办理结果（一）予以公开 30 0 0 0 0 0 30"
)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312"], ids=lambda e: e
)
def test_text_encodings_are_detected(encoding: str) -> None:
    text = "平潭县人民政府2012年政府信息公开工作年度报告\r\n主动公开政府信息2026条。\r"
    doc = read_document(text.encode(encoding), "r.txt")
    assert doc.lines[:2] == [
        "平潭县人民政府2012年政府信息公开工作年度报告",
        "主动公开政府信息2026条。",
    ]


def test_invalid_bytes_fall_back_to_detection_or_fail_cleanly() -> None:
    with pytest.raises(ParseError) as err:
        decode_text(bytes(range(256)) * 50)
    assert err.value.code == "unreadable"


def test_crawler_header_goes_to_meta_and_body_is_split() -> None:
    doc = read_document(CRAWLER.encode(), "page.txt")
    assert doc.meta["标题"] == "平潭综合实验区2021年度政府信息公开工作年度报告"
    assert doc.meta["发布时间"] == "2022-02-08 16:34"
    assert "文号" not in doc.meta
    assert "一、总体情况" in doc.lines
    assert "二、主动公开政府信息情况" in doc.lines
    # A section heading glued to the digits of a flattened table still starts its own line,
    assert any(ln.startswith("三、收到和处理政府信息公开申请情况") for ln in doc.lines)
    # but the table's own group labels stay on the table line.
    assert not any(ln.startswith("三、本年度办理结果") for ln in doc.lines)


def test_body_split_keeps_flattened_table_rows_together() -> None:
    lines = split_body_line("说明。 （七）总计20 0 00 0 121四、结转下年度继续办理 0 0 00 00 0")
    assert lines == ["说明。", "（七）总计20 0 00 0 121四、结转下年度继续办理 0 0 00 00 0"]


HTML = """<html><head><title>某某县2020年政府信息公开工作年度报告_某某县人民政府</title>
<meta name="PubDate" content="2021-01-20 09:00"><script>var x = "一、不是标题";</script>
<style>p {color: red}</style></head><body><div class="breadcrumb">当前位置：首页 &gt; 年报</div>
<p>一、总体情况</p><p>主动公开&nbsp;政府信息468条。</p>
<table><tr><td rowspan="2">信息内容</td><td colspan="3">第二十条第（一）项</td></tr>
<tr><td>本年新<br/>制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>&nbsp;</td></tr></table><p>二、主动公开</p></body></html>"""


def test_html_grid_expands_spans_and_renders_rows() -> None:
    doc = read_document(HTML.encode(), "r.html")
    assert doc.meta["PubDate"] == "2021-01-20 09:00"
    assert doc.meta["title"].startswith("某某县2020年")
    assert [row.cells for row in doc.tables[0].rows] == [
        ["信息内容", "第二十条第（一）项", "第二十条第（一）项", "第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", ""],
    ]
    for row in doc.tables[0].rows:
        assert doc.lines[row.line - 1] == " | ".join(row.cells)
    text = "\n".join(doc.lines)
    assert "不是标题" not in text and "color" not in text and "当前位置" not in text


def test_deeply_nested_html_does_not_crash() -> None:
    html = "<html><body>" + "<div>" * 20000 + "一、总体情况" + "</div>" * 20000 + "</body></html>"
    doc = read_document(html.encode(), "deep.html")
    assert isinstance(doc.lines, list)


def test_html_nested_past_the_parser_tree_depth_is_read_whole() -> None:
    # libxml2's tree stops at 2047 levels; the reader then rebuilds it from parser events.
    html = "<html><body>" + "<span>x" * 3000 + "深处" + "</span>" * 3000 + "</body></html>"
    doc = read_document(html.encode(), "d.html")
    assert doc.lines == ["x" * 3000 + "深处"]
    table = "<div>" * 2100 + "<table><tr><td><b>甲</b>1</td></tr></table>" + "</div>" * 2100
    doc = read_document(f"<html><body>{table}</body></html>".encode(), "t.html")
    assert doc.tables[0].rows[0].cells == ["甲1"]


def test_html_text_nodes_read_as_page_text() -> None:
    html = (
        "<html><head><title>标题</title></head><body>"
        "<p>甲<!-- 注释 -->乙<script>var x</script>丙</p>\n  \n<p>丁</p>"
        "<table><tr><td><ruby>戊<rt>wu</rt></ruby><!-- c -->1</td><td> 2 </td></tr></table>"
        "</body></html>"
    )
    doc = read_document(html.encode(), "t.html")
    assert doc.meta["title"] == "标题"
    assert [ln for ln in doc.lines if ln.strip()] == ["甲乙丙", "丁", "戊1 | 2"]
    assert " " in doc.lines  # blanks between blocks: one space, as BeautifulSoup kept them
    assert doc.tables[0].rows[0].cells == ["戊1", "2"]


def test_html_of_comments_only_has_no_text() -> None:
    assert read_document(b"<html><!-- nothing --></html>", "c.html").lines in ([""], [])


def test_malformed_html_is_read() -> None:
    doc = read_document(b"<html><body><p>one<table><tr><td>a<td>b</table><p>two", "x.htm")
    assert doc.tables[0].rows[0].cells == ["a", "b"]


def test_pdf_lines_are_rejoined_into_table_rows() -> None:
    raw = [
        "（二）部分公开（区分处理的，只计这一情",
        "形，不计其他情形） 447 7 0 0 0 0 454",
        "（三）不",
        "予公开",
        "1.属于国家秘密 2 0 0 0 0 0 2",
        "三、",
        "本",
        "年",
        "度",
        "（六）其",
        "他处理",
        "1、申请人无正当理由逾期不补",
        "正、行政机关不再处理其政府信",
        "息公开申请",
        "67 3 0 0 1 0 71",
        "商 业 企",
    ]
    assert join_pdf_lines(raw) == [
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 447 7 0 0 0 0 454",
        "（三）不予公开",
        "1.属于国家秘密 2 0 0 0 0 0 2",
        "三、本年度",
        "（六）其他处理",
        "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 67 3 0 0 1 0 71",
        "商业企",
    ]


def _pdf(encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_is_rejected() -> None:
    with pytest.raises(ParseError) as err:
        read_document(_pdf(encrypt=True), "r.pdf")
    assert err.value.code == "encrypted"


def test_corrupt_pdf_is_rejected() -> None:
    with pytest.raises(ParseError) as err:
        read_document(b"%PDF-1.7\n" + b"\x00garbage" * 100, "r.pdf")
    assert err.value.code == "unreadable"


def test_pdf_without_text_gets_a_note() -> None:
    doc = read_document(_pdf(), "r.pdf")
    assert any(n.startswith("pdf_no_text_layer") for n in doc.notes)


def _docx() -> bytes:
    from docx import Document

    word = Document()
    word.add_paragraph("某某市交通运输局2021年政府信息公开工作年度报告")
    table = word.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "信息内容"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "第二十条第（一）项"
    table.cell(1, 1).text = "本年制发件数"
    table.cell(1, 2).text = "本年废止件数"
    table.cell(2, 0).text = "规章"
    table.cell(2, 1).text = "1"
    table.cell(2, 2).text = "0"
    word.add_paragraph("六、其他需要报告的事项")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_docx_paragraphs_and_merged_cells_in_document_order() -> None:
    doc = read_document(_docx(), "r.docx")
    assert doc.lines[0] == "某某市交通运输局2021年政府信息公开工作年度报告"
    assert doc.lines[-1] == "六、其他需要报告的事项"
    assert [row.cells for row in doc.tables[0].rows] == [
        ["信息内容", "第二十条第（一）项", "第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数"],
        ["规章", "1", "0"],
    ]
    assert doc.lines[doc.tables[0].rows[2].line - 1] == "规章 | 1 | 0"


def test_zip_bomb_docx_is_rejected_before_opening() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (12 * 1024 * 1024))
    with pytest.raises(ParseError) as err:
        read_document(out.getvalue(), "bomb.docx")
    assert err.value.code == "too_large"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "r.txt", "empty"),
        (b"  \n\r\n ", "r.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "r.png", "unsupported_type"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 50, "r.doc", "unsupported_type"),
        ("平潭县年报".encode(), "r.xlsx", "unsupported_type"),
        (bytes(range(256)) * 40, "r.txt", "unreadable"),
        (b"PK\x03\x04 not really a zip", "r.docx", "corrupt_archive"),
        (b"x" * 101, "r.txt", "too_large"),
    ],
    ids=["empty", "blank", "png", "ole-doc", "unknown-ext", "binary-junk", "bad-zip", "too-large"],
)
def test_hostile_inputs_raise_the_right_code(data: bytes, name: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        read_document(data, name, max_bytes=100 if code == "too_large" else None)
    assert err.value.code == code


def test_wrong_extension_is_read_by_signature_with_a_note() -> None:
    doc = read_document(_docx(), "report.txt")
    assert doc.kind == "docx"
    assert any(n.startswith("file_type_mismatch") for n in doc.notes)


def test_running_out_of_memory_while_opening_a_docx_is_not_called_a_damaged_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bug (CI, decc422): a worker hitting its address-space limit inside python-docx reported
    the document as ``unreadable``; the isolation worker must see the MemoryError and say
    ``over_memory_budget``."""
    import docx

    def exhausted(*_: object, **__: object) -> None:
        raise MemoryError

    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
        )
    monkeypatch.setattr(docx, "Document", exhausted)
    with pytest.raises(MemoryError):
        read_document(package.getvalue(), "big.docx")
