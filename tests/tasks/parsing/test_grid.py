"""The grid model: positioned words and ruling lines → rows of cells, then the real PDFs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tasks.parsing.grid import Ruling, Word, join_words, rulings_from_box, tables_from_words
from tasks.parsing.pdf_geometry import pdf_tables, read_geometry

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

CHAR = 9.0  # a 9 pt CJK glyph is 9 pt wide


def chars(text: str, x: float, top: float, page: int = 1) -> list[Word]:
    """One Word per character, edge to edge, as the PDF reader gives them."""
    out = []
    for ch in text:
        width = CHAR if ord(ch) > 0x2E80 else CHAR / 2
        if ch != " ":
            out.append(Word(ch, x, top, x + width, top + CHAR, page))
        x += width
    return out


def grid(xs: Sequence[float], ys: Sequence[float], page: int = 1) -> list[Ruling]:
    """Full borders on every column and row edge."""
    return [Ruling(xs[0], y, xs[-1], y, page) for y in ys] + [
        Ruling(x, ys[0], x, ys[-1], page) for x in xs
    ]


def texts(words: list[Word], rulings: list[Ruling]) -> list[list[str]]:
    (table,) = tables_from_words(words, rulings)
    return [row.cells for row in table.rows]


def test_next_rows_label_beside_the_numbers_stays_in_its_own_row() -> None:
    """洪泽 layout: a row's numbers sit low in a tall cell, the next row's label high in its
    own, so in text order ``1 0 1`` is followed by ``2.其他法律…`` on one line; the rulings
    keep them apart."""
    xs, ys = [0.0, 150.0, 180.0, 210.0, 240.0], [0.0, 30.0, 60.0]
    words = (
        chars("1.属于国家秘密", 2, 2)
        + chars("1", 160, 19)
        + chars("0", 190, 19)
        + chars("1", 220, 19)
        + chars("2.其他法律行政法规禁止公开", 2, 31)
        + chars("0", 160, 49)
        + chars("0", 190, 49)
        + chars("0", 220, 49)
    )
    assert texts(words, grid(xs, ys)) == [
        ["1.属于国家秘密", "1", "0", "1"],
        ["2.其他法律行政法规禁止公开", "0", "0", "0"],
    ]


def test_merged_cells_repeat_into_every_position_they_cover() -> None:
    rulings = [
        Ruling(0, 0, 160, 0, 1),
        Ruling(100, 20, 160, 20, 1),  # the colspan header 法人 covers two columns
        Ruling(40, 40, 160, 40, 1),  # the rowspan group label 三 covers two rows
        Ruling(0, 60, 160, 60, 1),
        *(Ruling(x, 0, x, 60, 1) for x in (0.0, 40.0, 100.0, 160.0)),
        Ruling(130, 20, 130, 60, 1),
    ]
    words = chars("三", 15, 25) + chars("法人", 110, 5) + chars("商业", 102, 25)
    words += chars("其他", 132, 25) + chars("予以公开", 42, 45) + chars("7", 110, 45)
    words += chars("0", 140, 45)
    cells = texts(words, rulings)
    assert cells[0] == ["三", "", "法人", "法人"]
    assert cells[1] == ["三", "", "商业", "其他"]
    assert cells[2] == ["三", "予以公开", "7", "0"]


def test_last_row_before_a_page_break_is_kept_without_its_bottom_border() -> None:
    xs = [0.0, 100.0, 130.0]
    rulings = [Ruling(0, y, 130, y, 1) for y in (0.0, 20.0)]  # no border at the cut (y=40)
    rulings += [Ruling(x, 0, x, 40, 1) for x in xs]
    words = chars("规章", 2, 5) + chars("3", 110, 5)
    words += chars("行政许可", 2, 25) + chars("9", 110, 25)
    assert texts(words, rulings) == [["规章", "3"], ["行政许可", "9"]]


def test_an_ocr_box_spanning_cells_is_cut_at_the_borders() -> None:
    xs, ys = [0.0, 20.0, 40.0, 60.0], [0.0, 20.0, 40.0]
    words = [
        Word("甲", 5, 2, 15, 12, 1, "ocr"),
        Word("105", 5, 22, 55, 32, 1, "ocr"),  # OCR read three cells as one box
    ]
    assert texts(words, grid(xs, ys)) == [["甲", "", ""], ["1", "0", "5"]]


def test_a_thin_rectangle_is_a_ruling_and_a_box_stands_for_its_four_edges() -> None:
    assert len(rulings_from_box((0, 10, 100, 11), 1)) == 1
    edges = rulings_from_box((0, 0, 100, 50), 1)
    assert sorted(r.horizontal for r in edges) == [False, False, True, True]


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        pytest.param(0.0, "21", id="touching-digits-one-number"),
        pytest.param(4.0, "2 1", id="visible-gap-two-numbers"),
    ],
)
def test_words_join_with_a_space_only_across_a_visible_gap(gap: float, expected: str) -> None:
    a = Word("2", 0, 0, 4.5, 9, 1)
    b = Word("1", 4.5 + gap, 0, 9 + gap, 9, 1)
    assert join_words([b, a]) == expected


def test_a_decimal_point_never_splits_a_number() -> None:
    words = [Word("7", 0, 0, 4, 9, 1), Word(".", 7, 0, 9, 9, 1), Word("5", 12, 0, 16, 9, 1)]
    assert join_words(words) == "7.5"


def test_page_without_rulings_gives_no_table() -> None:
    assert tables_from_words(chars("规章 0 0 0", 0, 0), []) == []


@pytest.mark.corpus
@pytest.mark.parametrize("year", [2023, 2024])
def test_hongze_tables_from_geometry(corpus_dir: Path, year: int) -> None:
    data = (corpus_dir / "reports" / f"2021fmt_hongze_{year}.pdf").read_bytes()
    tables = pdf_tables(data, [])
    by_label = {
        row.cells[2].replace(" ", ""): row.cells[3:]
        for table in tables
        for row in table.rows
        if len(row.cells) == 10
    }
    # The 表三 rows run over a page break; the continuation is joined to its header.
    assert by_label["2.其他法律行政止公开"] == ["0"] * 7
    assert by_label["3.补正后申请内容仍不明确"] == ["0"] * 7
    expected_secret = ["1", "0", "0", "0", "0", "0", "1"] if year == 2023 else ["0"] * 7
    assert by_label["1.属于国家秘密"] == expected_secret
    t4 = next(t for t in tables if "结果维持" in "".join(t.rows[1].cells))
    values = " ".join(c for c in t4.rows[-1].cells if c)
    if year == 2023:  # as published: 行政复议 10 1 0 0 with 总计 0
        assert values == "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0"
    else:
        assert values == "1 1 0 0 2 1 0 0 0 1 2 0 1 0 3"


@pytest.mark.corpus
def test_shading_behind_text_is_not_a_table(corpus_dir: Path) -> None:
    """洪泽 2023 page 2 fills a white box behind every text line: filled areas are not borders."""
    data = (corpus_dir / "reports" / "2021fmt_hongze_2023.pdf").read_bytes()
    page2 = read_geometry(data, max_pages=2)[1]
    (first, *_) = tables_from_words(page2.words, page2.rulings)
    assert first.rows[0].cells[0].replace(" ", "") == "第二十条第（一）项"


@pytest.mark.corpus
def test_facts_from_geometry_cite_the_line_that_prints_them(corpus_dir: Path) -> None:
    from tasks.parse import parse_document
    from tasks.parsing.normalize import normalize_document
    from tasks.parsing.read import read_document

    data = (corpus_dir / "reports" / "2021fmt_hongze_2023.pdf").read_bytes()
    lines = normalize_document(read_document(data, "r.pdf")).lines
    report = parse_document(data, "r.pdf")
    cited = {(f.table, f.row): lines[f.line - 1] for f in report.facts if f.table != "text"}
    assert cited[("applications", "withheld_prohibited_by_law")].startswith("2.其他法律行政止公开")
    # 表四's value row has no label: it is found by its numbers.
    assert cited[("review_litigation", "reconsideration")] == "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0"


def test_a_page_of_thousands_of_strokes_is_a_drawing_not_a_table() -> None:
    rulings = [Ruling(0, y / 10, 100, y / 10, 1) for y in range(6000)]
    rulings += [Ruling(0, 0, 0, 600, 1), Ruling(50, 0, 50, 600, 1), Ruling(100, 0, 100, 600, 1)]
    assert tables_from_words(chars("规章", 2, 2) + chars("1", 60, 2), rulings) == []
