"""Scanned PDFs: OCR reads generated scans into the same report as the text layer would.

The OCR cases run the real engine (rapidocr-onnxruntime, models inside its wheel) on a
handful of generated pages; they are marked ``ocr`` and ``slow`` and always run.
"""

from __future__ import annotations

import math
import random
import socket
import subprocess
import sys
from functools import cache
from typing import TYPE_CHECKING

import pytest

from govreports.contract.models import ParseError
from govreports.settings import Settings
from govreports_cli.samples import make_truth, render
from govreports_cli.samples.model import fact_source
from govreports_cli.samples.truth import FORMAT_YEARS
from tasks.parse import parse_document
from tasks.parsing.ocr import OcrOptions, Word, _pieces, group_lines, line_text, ocr_options

if TYPE_CHECKING:
    from govreports.contract.models import Report
    from govreports_cli.samples.model import SampleTruth

META = ("title", "agency", "report_year", "format", "published_on", "signed_on", "region")
# Generated documents the round trip reads, (layout, kind): each is one report of 2-3 pages.
SCANS = (
    ("pdf_scan", "2021"),
    ("pdf_scan", "2019"),
    ("pdf_scan", "pre2019-national"),
    ("pdf_table_images", "2021"),
)
# Fields OCR misses on these scans (strict: a fix must remove its id here).
_MERGED = (
    "2019 表二 on the scan: two neighbouring cells come out of OCR as one box ('14 10' as "
    "'1410', '271 | 0元' as '2710元') or a small minus sign is lost ('14 -1' as '14'): the "
    "recogniser's character positions do not show the gap, so the row's digits have several "
    "readings and the cells they disagree on are absent (ADR 0018)"
)
_T4_2019 = (
    "2019 scan: OCR reads only one of the two '结果维持…总计' 表四 header lines (14 pt apart "
    "in small type); without the second the table reader finds no value row after the header"
)
KNOWN_MISSES: dict[str, str] = {
    **{
        f"pdf_scan-2019/proactive/{row}/{column}": _MERGED
        for row, columns in (
            ("other_management_services", ("prior_year_items", "change", "decisions")),
            ("admin_fees", ("prior_year_items", "change")),
            ("procurement", ("items", "amount_wan_yuan")),
        )
        for column in columns
    },
    **{
        f"pdf_scan-2019/review_litigation/{row}/{column}": _T4_2019
        for row in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        for column in ("upheld", "corrected", "other", "pending", "total")
    },
}


@cache
def _truth(kind: str) -> SampleTruth:
    fmt, _, variant = kind.partition("-")
    rng = random.Random(f"ocr:{kind}")
    return make_truth(rng, fmt=fmt, year=rng.choice(FORMAT_YEARS[fmt]), variant=variant or None)


@cache
def _scan(kind: str, layout: str = "pdf_scan") -> bytes:
    return render(_truth(kind), layout)


@cache
def _parsed(kind: str, layout: str = "pdf_scan") -> Report:
    return parse_document(_scan(kind, layout), "scan.pdf")


def _w(text: str, x0: float, top: float, x1: float, bottom: float) -> Word:
    return Word(text, x0, top, x1, bottom, page=1, source="ocr")


# ---- fast: line grouping and box splitting, no engine -----------------------------------


def test_words_of_one_row_form_one_line_left_to_right() -> None:
    words = [
        _w("0", 400, 101, 405, 111),
        _w("行政许可", 60, 100, 100, 112),
        _w("12", 300, 102, 310, 112),
        _w("行政处罚", 60, 118, 100, 130),
        _w("3", 300, 119, 305, 129),
    ]
    lines = [line_text(line) for line in group_lines(words)]
    assert lines == ["行政许可 12 0", "行政处罚 3"]


def test_a_box_is_cut_where_its_characters_stand_a_cell_apart() -> None:
    # "2002" read as one box; the recogniser's character boxes show two cells of two digits:
    # scale 1 (points = pixels), box height 10, character pitch 5, then a 30-point gap.
    def char(x: float) -> list[list[float]]:
        return [[x - 2, 0], [x + 2, 0], [x + 2, 10], [x - 2, 10]]

    box = [[0, 0], [80, 0], [80, 10], [0, 10]]
    item = [box, "2002", 0.9, [char(5), char(10), char(45), char(50)], list("2002"), [0.9] * 4]
    assert [p[0] for p in _pieces(item, 1.0)] == ["20", "02"]
    # A number whose digits stand close stays whole.
    item = [box, "2002", 0.9, [char(5), char(10), char(15), char(20)], list("2002"), [0.9] * 4]
    assert [p[0] for p in _pieces(item, 1.0)] == ["2002"]


def test_settings_give_the_ocr_options() -> None:
    settings = Settings(ocr_enabled=False, ocr_max_pages=3, ocr_dpi=200, ocr_max_seconds=50)
    assert ocr_options(settings) == OcrOptions(
        enabled=False, max_pages=3, max_seconds=50.0, dpi=200
    )
    assert ocr_options(Settings()).enabled  # on by default


def test_a_pdf_is_parsed_under_a_budget_with_room_for_ocr() -> None:
    from tasks.isolation import Budget

    settings = Settings(
        parse_seconds=30, parse_memory_mb=512, ocr_max_seconds=120, ocr_memory_mb=1024
    )
    plain, pdf = Budget.from_settings(settings), Budget.from_settings(settings, pdf=True)
    assert (plain.seconds, plain.memory_bytes) == (30, 512 * 2**20)
    assert (pdf.seconds, pdf.memory_bytes) == (150, (512 + 1024) * 2**20)
    # The defaults keep any one document, scanned or not, within a minute and 1 GiB.
    default = Budget.from_settings(Settings(), pdf=True)
    assert default.seconds <= 60 and default.memory_bytes <= 2**30, default
    off = Settings(parse_seconds=30, parse_memory_mb=512, ocr_enabled=False)
    assert Budget.from_settings(off, pdf=True) == Budget.from_settings(off)


def test_a_scan_with_ocr_off_is_quarantined_as_scanned() -> None:
    with pytest.raises(ParseError) as caught:
        parse_document(_scan("2021"), "scan.pdf", ocr=OcrOptions(enabled=False))
    assert caught.value.code == "scanned"
    assert caught.value.reason.startswith("scanned: no text layer")


def test_the_scan_layout_has_no_text_layer() -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(_scan("2021"))
    assert len(pdf) >= 2
    assert all(not pdf[i].get_textpage().get_text_range().strip() for i in range(len(pdf)))


def test_ocr_is_imported_only_when_a_scan_needs_it() -> None:
    code = (
        "import sys, govreports_cli.cli\n"
        "from tasks.parse import parse_document\n"
        "parse_document('政府信息公开工作年度报告\\n主动公开 依申请公开'.encode(), 'r.txt')\n"
        "assert 'rapidocr_onnxruntime' not in sys.modules, 'OCR imported for a text report'\n"
        "assert 'onnxruntime' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# ---- the real engine on generated scans --------------------------------------------------


def _case(layout: str, kind: str, field: str) -> object:
    case_id = f"{layout}-{kind}/{field}"
    reason = KNOWN_MISSES.get(case_id)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(layout, kind, field, id=case_id, marks=marks)


def _fields(kind: str) -> list[str]:
    return [*META, *("/".join(f.key) for f in _truth(kind).facts)]


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.parametrize(
    ("layout", "kind", "field"),
    [_case(layout, kind, field) for layout, kind in SCANS for field in _fields(kind)],
)
def test_ocr_reads_each_field_of_a_generated_scan(layout: str, kind: str, field: str) -> None:
    truth, report = _truth(kind), _parsed(kind, layout)
    if field in META:
        assert getattr(report, field) == getattr(truth, field)
        return
    table, row, column = field.split("/")
    want = next(f for f in truth.facts if f.key == (table, row, column))
    got = report.fact(table, row, column)
    assert got is not None, f"missing, truth {want.value} ({want.raw})"
    assert math.isclose(got.value, want.value), f"read {got.raw!r}, truth {want.raw!r}"
    assert got.source == fact_source(want, layout)


@pytest.mark.ocr
@pytest.mark.slow
def test_a_scan_says_it_was_read_by_ocr() -> None:
    report = _parsed("2021")
    pages = [n for n in report.notes if n.startswith("ocr: ")]
    assert pages and pages[0].startswith("ocr: 2 pages read by OCR")
    assert report.facts and all(f.source == "ocr" for f in report.facts)
    assert all(f["source"] == "ocr" for f in report.to_dict()["facts"])


@pytest.mark.ocr
@pytest.mark.slow
def test_pages_past_the_budget_stay_unread_with_a_note() -> None:
    report = parse_document(_scan("2021"), "scan.pdf", ocr=OcrOptions(max_pages=1))
    assert any(n.startswith("ocr: 1 pages read by OCR (page 1)") for n in report.notes)
    budget = [n for n in report.notes if n.startswith("ocr_budget:")]
    assert budget and "page 2 not read" in budget[0]
    # 表四 is on page 2 of this scan: absent, never filled in.
    assert report.fact("review_litigation", "reconsideration", "total") is None


@pytest.mark.ocr
@pytest.mark.slow
def test_ocr_sends_nothing_over_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    from tasks.parsing import ocr

    ocr._engine.cache_clear()  # the engine is built under the guard, models and all

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("OCR opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = parse_document(_scan("2021"), "scan.pdf", ocr=OcrOptions(max_pages=1))
    assert report.facts


@pytest.mark.ocr
@pytest.mark.slow
def test_a_text_pdf_with_table_pictures_reads_them_in_place() -> None:
    report = _parsed("2021", "pdf_table_images")
    assert any(n.startswith("ocr: ") for n in report.notes)
    tables = {f.source for f in report.facts if f.table != "text"}
    prose = {f.source for f in report.facts if f.table == "text"}
    assert tables == {"ocr"} and prose == {"text"}
    # The picture's lines stand where the picture does: 表四 before the section after it.
    lines = report.text.split("\n")
    five = next(n for n, line in enumerate(lines, start=1) if line.startswith("五、"))
    t4 = [f.line for f in report.facts if f.table == "review_litigation"]
    assert t4 and all(line is not None and line < five for line in t4)
