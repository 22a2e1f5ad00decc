"""Every layout renders the same truth into bytes of its file type that keep the table labels."""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import zipfile
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from govreports_cli.commands import samples as samples_command
from govreports_cli.samples import FORMATS, LAYOUTS, generate, make_truth, render
from govreports_cli.samples.truth import FORMAT_YEARS

if TYPE_CHECKING:
    from pathlib import Path

    from govreports_cli.samples.model import SampleTruth

LABELS = {
    "pre2019": ("政府信息公开情况统计表",),
    "2019": ("本年新制作数量", "一、本年新收政府信息公开申请数量", "（七）总计", "政府集中采购"),
    "2021": ("本年制发件数", "三、本年度办理结果", "四、结转下年度继续办理", "复议后起诉"),
}


def _truth(fmt: str, seed: int = 3, variant: str | None = None) -> SampleTruth:
    rng = random.Random(seed)
    return make_truth(rng, fmt=fmt, year=rng.choice(FORMAT_YEARS[fmt]), variant=variant)


CASES = [(layout, fmt) for layout in LAYOUTS for fmt in FORMATS]


@pytest.mark.parametrize(("layout", "fmt"), CASES, ids=[f"{lay}-{fmt}" for lay, fmt in CASES])
def test_layout_bytes_are_of_their_file_type(layout: str, fmt: str) -> None:
    truth = _truth(fmt, variant="national") if fmt == "pre2019" else _truth(fmt)
    data = render(truth, layout)
    assert len(data) > 1000
    if layout == "pdf":
        assert data.startswith(b"%PDF-")
    elif layout == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert "word/document.xml" in z.namelist()
    elif layout == "html":
        soup = BeautifulSoup(data, "lxml")
        assert soup.find("table") is not None and soup.h1 is not None
        assert soup.h1.get_text() == truth.title
    elif layout == "txt_gbk":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert b"\r\n" in data and truth.title in data.decode("gb18030")
    else:
        assert truth.title in data.decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_pdf_text_extracts_with_its_table_labels(fmt: str) -> None:
    from pypdf import PdfReader

    from govreports_cli.samples.render_pdf import ruled_tables

    variant = "national" if fmt == "pre2019" else None
    # Tables as text rows (ruled cells wrap their labels: see the ruled-table test below).
    truth = next(
        t for seed in range(3, 60) if not ruled_tables(t := _truth(fmt, seed, variant=variant))
    )
    reader = PdfReader(io.BytesIO(render(truth, "pdf")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert truth.title in text.replace("\n", "")
    for label in LABELS[fmt]:
        assert label in text


def test_flat_txt_is_a_crawler_page_with_the_body_on_one_line() -> None:
    truth = _truth("2021")
    text = render(truth, "txt_flat").decode("utf-8")
    head, body = text.split("==================== 正文 ====================\n")
    assert head.startswith(f"标题: {truth.title}\n发布时间: {truth.published_on} ")
    assert "\n" not in body and not text.endswith("\n")
    new = [f for f in truth.facts if f.row == "new_received" and f.table == "applications"]
    digits = "".join(f.raw for f in new)  # the seven cells run together, as in the archive
    assert f"一、本年新收政府信息公开申请数量{digits}" in body


def test_pipe_txt_keeps_group_labels_on_the_first_row_only() -> None:
    lines = render(_truth("2021"), "txt_pipe").decode("utf-8").splitlines()
    withheld = [ln for ln in lines if "属于国家秘密" in ln or "其他法律行政法规禁止公开" in ln]
    assert withheld[0].startswith("（三）不予公开 | 1.属于国家秘密 | ")
    assert withheld[1].startswith("2.其他法律行政法规禁止公开 | ")
    header = next(ln for ln in lines if ln.startswith("自然人"))
    assert header.count("|") < withheld[0].count("|")


def test_html_cells_carry_spans_breaks_and_page_chrome() -> None:
    truth = next(t for s in range(40) if (t := _truth("2019", seed=s)).chrome and t.blank_zeros)
    soup = BeautifulSoup(render(truth, "html"), "lxml")
    cells = soup.find_all("td")
    assert all(td.find("span") is not None for td in cells)
    assert any(td.get("rowspan") for td in cells) and any(td.get("colspan") for td in cells)
    assert any(td.find("br") is not None for td in cells)
    assert any(td.get_text() == "\xa0" for td in cells)
    page = soup.get_text()
    for chrome in ("当前位置", "【字体：", "扫一扫在手机上查看当前页面", "附件下载"):
        assert chrome in page
    pubdate = soup.find("meta", attrs={"name": "PubDate"})
    assert pubdate is not None and str(pubdate["content"]).startswith(str(truth.published_on))


def test_docx_tables_have_merged_group_cells() -> None:
    import docx

    document = docx.Document(io.BytesIO(render(_truth("2021"), "docx")))
    applications = document.tables[1]
    first_column = [row.cells[0].text for row in applications.rows]
    assert first_column.count("三、本年度办理结果") == 22  # one merged cell over all outcome rows


def test_generate_is_deterministic_and_writes_truth_beside_each(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 12, seed=5)
    second = generate(tmp_path / "b", 12, seed=5)
    assert [p.name for p in first] == [p.name for p in second]
    assert {p.name.split("_")[-1].split(".")[0] for p in first} >= {"pipe", "flat", "gbk", "html"}
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        truth = json.loads(a.with_name(a.name.rsplit(".", 1)[0] + ".truth.json").read_text("utf-8"))
        assert "report_id" not in truth and truth["layout"] in LAYOUTS
        assert truth["format"] in FORMATS and truth["facts"]


def test_cli_writes_and_lists_the_samples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    samples_command.add_arguments(parser)
    args = parser.parse_args(["--n", "4", "--out", str(tmp_path), "--layouts", "html,txt_flat"])
    assert samples_command.run(args) == 0
    out = capsys.readouterr().out
    assert out.count("wrote ") == 4 and "4 samples" in out
    assert len(list(tmp_path.glob("*.truth.json"))) == 4
    bad = parser.parse_args(["--n", "1", "--out", str(tmp_path), "--layouts", "odt"])
    assert samples_command.run(bad) == 2


def _ruled_truth(fmt: str) -> SampleTruth:
    from govreports_cli.samples.render_pdf import ruled_tables

    return next(t for seed in range(60) if ruled_tables(t := _truth(fmt, seed)))


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_ruled_pdf_tables_put_the_next_label_after_the_numbers_and_read_from_geometry(
    fmt: str,
) -> None:
    """The 洪泽 layout: boxed cells, label at the top, numbers at the bottom, drawn row by row.

    In the text layer a row's numbers are followed by the next row's label; the grid built
    from the rulings still gives every 表三 cell its row (the round trip checks the values)."""
    from tasks.parse import parse_document
    from tasks.parsing.pdf_geometry import read_pdf
    from tasks.parsing.read import read_document

    truth = _ruled_truth(fmt)
    data = render(truth, "pdf")
    text = "".join(page.text for page in read_pdf(data).pages).replace("\r\n", "\n")
    # In the text layer a row's numbers are followed by the next row's numbered label.
    assert re.search(r"\d\s*\n\s*2\.", text)
    doc = read_document(data, "r.pdf")
    widths = {len(t.rows[0].cells) for t in doc.tables}
    assert 10 in widths  # 表三: three label columns and seven numbers, over a page break
    report = parse_document(data, "r.pdf")
    expected = {f.key: f.value for f in truth.facts if f.table == "applications"}
    got = {f.key: f.value for f in report.facts}
    assert {k: got.get(k) for k in expected} == expected
