"""Statistics tables: each layout quirk on a small inline string, then the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreports.contract.models import Fact
from govreports.contract.vocabulary import APPLICATION_COLUMNS, REVIEW_COLUMNS
from govreports_cli import evaluate as ev
from tasks.parsing.document import Document, Table, TableRow
from tasks.parsing.read import read_document
from tasks.parsing.tables import extract_tables
from tasks.parsing.tables_rules import cell_map, check
from tasks.parsing.tables_split import Block, split_run

T3 = [Block(7, sums=True)]
T4 = [Block(5, sums=True)] * 3


def _texts(run: str, blocks: list[Block]) -> list[list[str]]:
    return [[c.text for c in cand] for cand in split_run(run, blocks).candidates]


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        pytest.param("640020470", ["64", "0", "0", "2", "0", "4", "70"], id="no-delimiter"),
        pytest.param("200 000121", ["20", "0", "0", "0", "0", "1", "21"], id="partial-spacing"),
        pytest.param("20 0 00 0 121", ["20", "0", "0", "0", "0", "1", "21"], id="stray-spaces"),
        pytest.param("4 0 0 0 0 0 4", ["4", "0", "0", "0", "0", "0", "4"], id="space-separated"),
        pytest.param("8000008", ["8", "0", "0", "0", "0", "0", "8"], id="single-digits"),
        pytest.param("21710000218", ["217", "1", "0", "0", "0", "0", "218"], id="three-digit"),
    ],
)
def test_table3_row_split_is_unique_under_r3(run: str, expected: list[str]) -> None:
    assert _texts(run, T3) == [expected]


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        pytest.param("10203120001200000", "1 0 2 0 3 12 0 0 0 12 0 0 0 0 0", id="17-digits"),
        pytest.param("21317000001324019", "2 1 3 1 7 0 0 0 0 0 13 2 4 0 19", id="2024"),
        pytest.param("25380363300630003", "25 3 8 0 36 3 3 0 0 6 3 0 0 0 3", id="2025"),
        pytest.param("110024001510102", "1 1 0 0 2 4 0 0 1 5 1 0 1 0 2", id="15-digits"),
        pytest.param("0 1 1 0 2 1 0 0 0 1 0 0 0 0 0", "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0", id="spaced"),
    ],
)
def test_table4_run_split_under_r4_to_r6(run: str, expected: str) -> None:
    assert _texts(run, T4) == [expected.split()]


def test_split_with_no_valid_reading_has_no_candidates() -> None:
    assert _texts("1234567", T3) == []


def test_long_t3_run_is_split_well_under_the_cap() -> None:
    # 20 digits into seven cells: the unpruned search needed about 49,000 steps.
    result = split_run("26493591161922233188", T3, node_cap=5_000)
    assert not result.capped
    assert [[c.text for c in cand] for cand in result.candidates] == [
        ["2649", "359", "116", "19", "22", "23", "3188"]
    ]


def test_split_order_is_search_order_with_several_readings() -> None:
    assert _texts("2263332324014242705", T3) == [
        ["2263", "33", "23", "240", "142", "4", "2705"],
        ["2263", "332", "32", "40", "14", "24", "2705"],
    ]


def test_split_search_is_capped() -> None:
    # 表四's first blocks end inside the run, so only the length bound prunes them.
    result = split_run("1" * 60, T4, node_cap=1000)
    assert result.capped


def test_hopeless_long_t3_run_is_rejected_without_search() -> None:
    # No seven cells of 1s add up to a total that ends the run: pruned before the cap.
    result = split_run("1" * 60, T3, node_cap=1000)
    assert not result.capped
    assert result.candidates == []


def _doc(text: str) -> Document:
    return Document("txt", text.split("\n"))


def _facts(text: str, fmt: str = "unknown") -> tuple[dict[tuple[str, str, str], Fact], list[str]]:
    facts, notes = extract_tables(_doc(text), fmt)  # type: ignore[arg-type]
    return {f.key: f for f in facts}, notes


T3_2021 = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000"
    "三、本年度办 理结果（一）予以公开270020130"
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）500000 5"
    "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请0000000"
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请0000000"
    "3.其他1000001（七）总计630020469四、结转下年度继续办理1000001 "
    "四、政府信息公开行政复议、行政诉讼情况 行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    "10203120001200000五、存在的主要问题"
)


def test_flattened_table3_rows_by_label() -> None:
    facts, _ = _facts(T3_2021, "2021")
    new = facts[("applications", "new_received", "natural_person")]
    assert (new.value, new.raw, new.unit, new.line) == (64, "640020470→64", "件", 1)
    assert facts[("applications", "new_received", "total")].value == 70
    assert facts[("applications", "partially_disclosed", "total")].value == 5
    assert facts[("applications", "other_misc", "natural_person")].value == 1
    assert facts[("applications", "outcome_total", "total")].value == 69
    assert facts[("applications", "carried_forward", "total")].value == 1
    # （六）其他处理 is a group header in 2021: no row of its own.
    assert ("applications", "other", "total") not in facts


def test_flattened_table4_after_its_header() -> None:
    facts, _ = _facts(T3_2021, "2021")
    got = {
        (r, c): facts[("review_litigation", r, c)].value
        for r in ("reconsideration", "litigation_direct")
        for c in ("upheld", "total")
    }
    assert got == {
        ("reconsideration", "upheld"): 1,
        ("reconsideration", "total"): 3,
        ("litigation_direct", "upheld"): 12,
        ("litigation_direct", "total"): 12,
    }


def test_unsplittable_row_is_left_out_with_a_note() -> None:
    text = T3_2021.replace(
        "一、本年新收政府信息公开申请数量640020470", "一、本年新收政府信息公开申请数量1234567"
    )
    facts, notes = _facts(text, "2021")
    assert not any(k[1] == "new_received" for k in facts)
    assert any("new_received" in n and "1234567" in n for n in notes)


@pytest.mark.parametrize(
    ("text", "key", "value", "raw"),
    [
        pytest.param(
            (
                "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
                "规章 000行政规范性文件1 0 11 三、"
            ),
            ("proactive", "normative_documents", "in_force"),
            11,
            "11",
            id="2021-t2-spaced",
        ),
        pytest.param(
            "第二十条第（八）项信息内容 本年收费金额（单位：万元）行政事业性收费24252.311082三、",
            ("proactive", "admin_fees", "amount_wan_yuan"),
            24252.311082,
            "24252.311082",
            id="fee-decimals",
        ),
        pytest.param(
            (
                "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量"
                "行政处罚2648-18 538第二十条"
            ),
            ("proactive", "penalty", "change"),
            -18,
            "2648-18→-18",
            id="negative-change",
        ),
        pytest.param(
            "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购135 75394432.52元三、",
            ("proactive", "procurement", "amount_wan_yuan"),
            7539.443252,
            "75394432.52元",
            id="yuan-to-wan",
        ),
    ],
)
def test_table2_rows(text: str, key: tuple[str, str, str], value: float, raw: str) -> None:
    facts, _ = _facts(text, "unknown")
    assert facts[key].value == pytest.approx(value)
    assert facts[key].raw == raw


def test_table2_ambiguous_split_is_left_out_with_its_readings() -> None:
    """No rule ties 制发 | 废止 | 现行有效: '693665' reads 69|3|665, 6|93|665, 6|936|65, …;
    the cells are absent with a note naming them, not the most plausible guess (ADR 0018)."""
    text = (
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        "规章000行政规范性文件693665第二十条"
    )
    facts, notes = _facts(text, "2021")
    assert not [k for k in facts if k[1] == "normative_documents"]
    assert [facts[("proactive", "rules", c)].value for c in ("issued", "repealed", "in_force")] == [
        0,
        0,
        0,
    ]
    (note,) = [n for n in notes if n.startswith("proactive/normative_documents")]
    assert "ambiguous split of '693665'" in note and "69|3|665" in note
    assert "issued, repealed, in_force left out" in note


def test_a_cell_every_reading_agrees_on_is_kept() -> None:
    """'2648-18538' reads 2648|-18|538, 2648|-185|38, …: 上一年项目数量 is 2648 in every
    reading, so it stays; 本年增/减 and 处理决定数量 are left out."""
    text = "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚2648-18538第二十条"
    facts, notes = _facts(text, "2019")
    assert facts[("proactive", "penalty", "prior_year_items")].value == 2648
    assert ("proactive", "penalty", "change") not in facts
    assert ("proactive", "penalty", "decisions") not in facts
    assert any(
        n.startswith("proactive/penalty") and "change, decisions left out" in n for n in notes
    )


def test_a_unique_split_is_kept() -> None:
    """表三's R3 leaves '640020470' one reading (64|0|0|2|0|4|70): it is recorded."""
    text = T3_HEAD.replace("36 2 0 0 1 0 39", "640020470")
    facts, notes = _facts(text, "2021")
    cols = APPLICATION_COLUMNS
    assert [facts[("applications", "new_received", c)].value for c in cols] == [
        64,
        0,
        0,
        2,
        0,
        4,
        70,
    ]
    assert not [n for n in notes if "ambiguous" in n]


LEGACY = (
    "附件1：政府信息公开情况统计表 指标名称计量单位2013年度历年累计主动公开信息数条18535395"
    "其中：1.网站公开条171350172.政府公报公开条07受理依申请公开信息总数条728其中：1.当面申请数条018"
    "2.传真申请数条003.电子邮件申请数条364.网上申请数条445.信函申请数条006.其它形式申请数条00"
    "对申请的答复数条324其中：1.同意公开答复数条2192.同意部分公开答复数条133.否决公开答复数条02"
    "4、其他类型答复数条00行政复议数条00行政诉讼数条00行政申诉数条00"
)


@pytest.mark.parametrize(
    ("row", "value", "cumulative"),
    [
        pytest.param("applications_received", 7, 28, id="p10-decides"),
        pytest.param("applications_in_person", 0, 18, id="leading-zero-cell"),
        pytest.param("replies_refused", 0, 2, id="否决公开"),
        pytest.param("complaints", 0, 0, id="行政申诉数"),
    ],
)
def test_legacy_table_rows(row: str, value: int, cumulative: int) -> None:
    facts, _ = _facts(LEGACY, "pre2019")
    assert facts[("legacy_stats", row, "value")].value == value
    assert facts[("legacy_stats", row, "cumulative")].value == cumulative
    assert facts[("legacy_stats", row, "value")].unit == "条"


def test_legacy_row_with_several_readings_is_left_out() -> None:
    """'条18535395': 1853|5395, 185|35395, 18|535395 and 1|8535395 all keep 本年度 <= 历年累计
    (P10) and P8; the table gives nothing else to choose by, so the row is absent."""
    facts, notes = _facts(LEGACY, "pre2019")
    assert ("legacy_stats", "proactive_items", "value") not in facts
    assert ("legacy_stats", "proactive_items", "cumulative") not in facts
    assert any(
        n.startswith("legacy_stats/proactive_items: ambiguous split of '18535395'") for n in notes
    )


def test_legacy_row_is_pinned_by_the_prose_total_and_p8_fixes_its_channel() -> None:
    """The prose's 主动公开政府信息1853条 leaves 1853|5395 of the four readings (R12); 网站公开
    '171350172' then has one reading with 其中 <= its parent (P8): 1713|5017."""
    stated = [
        Fact("text", "proactive_items", "value", 1853, "条", False, "主动公开政府信息1853条", 3)
    ]
    facts, notes = extract_tables(Document("txt", [LEGACY]), "pre2019", stated)
    got = {f.key: f.value for f in facts}
    assert got[("legacy_stats", "proactive_items", "value")] == 1853
    assert got[("legacy_stats", "proactive_items", "cumulative")] == 5395
    assert got[("legacy_stats", "channel_website", "value")] == 1713
    assert got[("legacy_stats", "channel_website", "cumulative")] == 5017
    assert any(n.startswith("legacy_stats/proactive_items: of 4 readings") for n in notes)


def test_an_approximate_prose_number_pins_nothing() -> None:
    stated = [Fact("text", "proactive_items", "value", 1853, "条", True, "主动公开信息1853余条", 3)]
    facts, _ = extract_tables(Document("txt", [LEGACY]), "pre2019", stated)
    assert ("legacy_stats", "proactive_items", "value") not in {f.key for f in facts}


def test_legacy_label_without_key_becomes_a_note() -> None:
    _, notes = _facts(LEGACY, "pre2019")
    assert any("其他类型答复数" in n for n in notes)


def test_report_without_table_is_table_absent() -> None:
    facts, notes = _facts("本年度未收到政府信息公开申请。", "pre2019")
    assert facts == {}
    assert any(n.startswith("table_absent") for n in notes)


def _grid(rows: list[list[str]]) -> Document:
    table = Table([TableRow(cells, line=i + 1) for i, cells in enumerate(rows)])
    return Document("html", [" ".join(r) for r in rows], tables=[table])


def test_cells_columns_by_header_group_labels_and_blanks() -> None:
    head = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    rows = [
        [
            head,
            head,
            head,
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
        ],
        [
            head,
            head,
            head,
            "自然人",
            "法人或其他组织",
            "法人或其他组织",
            "法人或其他组织",
            "法人或其他组织",
            "法人或其他组织",
            "总计",
        ],
        [
            head,
            head,
            head,
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        ],
        [
            "一、本年新收政府信息公开申请数量",
            "一、本年新收政府信息公开申请数量",
            "一、本年新收政府信息公开申请数量",
            "3001",
            "53",
            "\xa0",
            "",
            "61",
            "4",
            "3119",
        ],
        [
            "三、本年度办理结果",
            "（三）不予公开",
            "1.属于国家秘密",
            "2",
            "—",
            "0",
            "0",
            "0",
            "0",
            "2",
        ],
        ["三、本年度办理结果", "（六）其他处理", "3.其他", "108", "2", "0", "0", "0", "0", "110"],
    ]
    facts, _ = extract_tables(_grid(rows), "2021")
    got = {f.key: f for f in facts}
    assert got[("applications", "new_received", "other_org")].value == 4
    assert got[("applications", "new_received", "research_institution")].value == 0
    assert got[("applications", "new_received", "total")].line == 4
    assert got[("applications", "withheld_state_secret", "commercial_enterprise")].raw == "—"
    assert got[("applications", "other_misc", "total")].value == 110


def test_cells_table4_value_row_mostly_blank() -> None:
    # Shanghai-style 表四: zeros written as empty cells, so the value row holds 3 numbers among
    # 15 cells; it is still the value row (it was taken for a header and all 15 cells lost).
    group = ["行政复议"] * 5 + ["行政诉讼"] * 10
    sub = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        group,
        sub + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
        sub + sub + sub,
        ["\xa0"] * 7 + ["2", "1", "3"] + ["\xa0"] * 5,
    ]
    facts, _ = extract_tables(_grid(rows), "2021")
    got = {f.key: f for f in facts}
    assert len(got) == 15
    assert got[("review_litigation", "litigation_direct", "total")].value == 3
    assert got[("review_litigation", "reconsideration", "upheld")].value == 0
    assert got[("review_litigation", "reconsideration", "upheld")].raw == ""


@pytest.mark.parametrize("mark", ["-", "—", "/", "无"])
def test_flattened_pipe_row_with_dash_cells_reads_zero(mark: str) -> None:
    # A '-' cell in a delimited row crashed the whole report (int('-')).
    row = f"一、本年新收政府信息公开申请数量 | 3 | {mark} | {mark} | {mark} | {mark} | {mark} | 3 |"
    facts, _ = extract_tables(Document("txt", [row]), "2021")
    got = {f.key: f for f in facts}
    assert got[("applications", "new_received", "total")].value == 3
    assert got[("applications", "new_received", "commercial_enterprise")].value == 0
    assert got[("applications", "new_received", "commercial_enterprise")].raw == mark


def test_pipe_rows_with_zero_marks_keep_each_row_to_its_cells() -> None:
    """Rows of a pipe table, zeros written '—' '/' '无': each row reads its own seven cells."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "一、本年新收政府信息公开申请数量 | 12 | — | — | / | 无 | 1 | 13 |",
        "二、上年结转政府信息公开申请数量 | 无 | 无 | 无 | 无 | 无 | 无 | 无 |",
        "三、本年度办理结果 | （一）予以公开 | 10 | / | / | / | / | 1 | 11 |",
    ]
    facts = {f.key: f for f in extract_tables(Document("txt", lines), "2021")[0]}
    cols = APPLICATION_COLUMNS
    assert [facts[("applications", "new_received", c)].value for c in cols] == [
        12,
        0,
        0,
        0,
        0,
        1,
        13,
    ]
    assert [facts[("applications", "carried_over", c)].raw for c in cols] == ["无"] * 7
    assert [facts[("applications", "disclosed", c)].value for c in cols] == [10, 0, 0, 0, 0, 1, 11]
    assert facts[("applications", "disclosed", "research_institution")].raw == "/"


def test_cells_table2_units_and_colspan_repeats() -> None:
    rows = [
        ["第二十条第（八）项", "第二十条第（八）项", "第二十条第（八）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "本年增/减"],
        ["行政事业性收费", "35", "-15", "-15"],
        ["第二十条第（九）项", "第二十条第（九）项", "第二十条第（九）项"],
        ["信息内容", "采购项目数量", "采购总金额", "采购总金额"],
        ["政府集中采购", "395", "73802895.90元", "73802895.90元"],
    ]
    got = {f.key: f for f in extract_tables(_grid(rows), "2019")[0]}
    assert got[("proactive", "admin_fees", "change")].value == -15
    fee = got[("proactive", "procurement", "amount_wan_yuan")]
    assert (fee.value, fee.unit, fee.raw) == (pytest.approx(7380.28959), "万元", "73802895.90元")


# Values read by hand from each report's text; the sum rules make them checkable.
CORPUS_EXPECTED = {
    "2021fmt_pingtan_2021.txt": {
        ("applications", "new_received", "total"): 70,
        ("applications", "outcome_total", "total"): 69,
        ("applications", "carried_forward", "total"): 1,
        ("applications", "unavailable_not_held", "natural_person"): 22,
        ("review_litigation", "litigation_direct", "total"): 12,
        ("proactive", "licensing", "decisions"): 2293,
    },
    "2021fmt_pingtan_2022.txt": {
        ("applications", "new_received", "natural_person"): 71,
        ("applications", "new_received", "commercial_enterprise"): 3,
        ("applications", "unavailable_not_held", "total"): 37,
        ("review_litigation", "reconsideration", "total"): 2,
        ("review_litigation", "litigation_direct", "upheld"): 1,
    },
    "2021fmt_pingtan_2024.txt": {
        ("applications", "new_received", "total"): 218,
        ("applications", "withheld_internal_affairs", "total"): 32,
        ("review_litigation", "litigation_after_reconsideration", "total"): 19,
    },
    "2021fmt_pingtan_2025.txt": {
        ("applications", "new_received", "total"): 154,
        ("applications", "carried_forward", "total"): 6,
        ("review_litigation", "reconsideration", "total"): 36,
    },
    "2019fmt_pingtan_2020.txt": {
        ("applications", "new_received", "total"): 21,
        ("applications", "other", "natural_person"): 4,
        # page.html: 396 | 442 | 278 and 2648 | -18 | 538, but the text's '396442278' and
        # '2648-18538' have several readings (396|44|2278, 2648|-185|38, …): absent, not guessed.
        ("proactive", "licensing", "change"): None,
        ("proactive", "penalty", "change"): None,
        ("proactive", "penalty", "prior_year_items"): 2648,  # the same in every reading
        ("proactive", "admin_fees", "change"): -15,
    },
    "2021fmt_huaian_2024.pdf": {
        ("applications", "new_received", "total"): 3119,
        ("applications", "other_no_correction", "total"): 71,
        ("applications", "unavailable_needs_creation", "total"): 11,
        ("review_litigation", "reconsideration", "other"): 178,
        ("proactive", "normative_documents", "repealed"): 26,
    },
    "pre2019_pingtan_2018.txt": {
        # '206912106' reads 2069|12106, 206|912106 and 20|6912106 under P10: absent.
        ("legacy_stats", "proactive_items", "value"): None,
        ("legacy_stats", "applications_received", "cumulative"): 0,
    },
    "pre2019_pingtan_2011.txt": {
        ("legacy_stats", "proactive_items", "value"): 425,
        ("legacy_stats", "channel_gazette", "cumulative"): 7,
    },
}


def _corpus_doc(path: Path) -> Document:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        return Document("pdf", text.split("\n"))
    body = path.read_text(encoding="utf-8-sig").split("=" * 20 + " 正文 " + "=" * 20, 1)[-1]
    return Document("txt", body.split("\n"))


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_corpus_values_read_by_hand(corpus_dir: Path, name: str) -> None:
    facts, _ = extract_tables(_corpus_doc(corpus_dir / "reports" / name), "unknown")
    got = {f.key: f.value for f in facts}
    expected = CORPUS_EXPECTED[name]
    assert {k: got.get(k) for k in expected} == expected


CORPUS_LABELS = Path(__file__).resolve().parents[2] / "labelled"
CORPUS_REPORTS = sorted(p.stem for p in CORPUS_LABELS.glob("*.json"))
# What today's parser gets wrong on a report's rules, as a strict xfail: a fix turns it green
# (XPASS fails the run, so the entry must then go), a regression elsewhere still fails.
HARD_RULE_MISSES: dict[str, str] = {}


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=[pytest.mark.xfail(strict=True, reason=HARD_RULE_MISSES[n])]
            if n in HARD_RULE_MISSES
            else [],
        )
        for n in CORPUS_REPORTS
    ],
)
def test_corpus_hard_rules_hold(corpus_dir: Path, name: str) -> None:
    """R1–R6 and P1–P10 hold on what the pipeline reads, except where the report itself breaks
    them: those are declared beside the label (``inconsistent_as_published``) with the rule id
    and why, and must then fail exactly there, because the stated values are kept as stated."""
    label = ev.load_labels(CORPUS_LABELS, corpus_dir)
    (this,) = [lb for lb in label if lb.name == name]
    doc = read_document(this.document.read_bytes(), this.document.name)
    facts, _ = extract_tables(doc, "unknown")
    failures = sorted((o.rule_id, o.where) for o in check(cell_map(facts)) if not o.passed)
    assert failures == sorted((d.rule, d.where) for d in this.inconsistent)


T4_HEAD = (
    "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 "
    "结果维持 结果纠正 其他结果 尚未审结 总计 "
    "未经复议直接起诉 复议后起诉 结果维持 结果纠正 其他结果 尚未审结 总计 "
    "结果维持 结果纠正 其他结果 尚未审结 总计\n"
)


def test_delimited_t4_row_breaking_r4_is_recorded_as_written() -> None:
    """洪泽 2023 表四 as published: 10 1 0 0 with 总计 0 (R4) and 5 0 0 0 with 总计 0 (R6)."""
    facts, notes = _facts(T4_HEAD + "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0\n五、存在的主要问题")
    row = [facts[("review_litigation", "reconsideration", c)].value for c in REVIEW_COLUMNS]
    assert row == [10, 1, 0, 0, 0]
    assert facts[("review_litigation", "litigation_after_reconsideration", "upheld")].value == 5
    assert notes == []
    failed = {(o.rule_id, o.where) for o in check(cell_map(facts.values())) if not o.passed}
    assert failed == {("R4", "reconsideration"), ("R6", "litigation_after_reconsideration")}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("行政规范性文件 13 0 55", [13, 0, 55], id="three-delimited-cells"),
        # 13|0|55, 1|30|55, 130|5|5, 1|305|5: no rule ties the cells, so none is recorded.
        pytest.param("行政规范性文件 13055", [None, None, None], id="undelimited-not-guessed"),
    ],
)
def test_delimited_cells_are_never_re_split(line: str, expected: list[int | None]) -> None:
    text = "二、主动公开政府信息情况 第二十条第（一）项\n"
    text += "信息内容 本年制发件数 本年废止件数 现行有效件数\n"
    facts, _ = _facts(text + "规章 0 0 0\n" + line + "\n第二十条第（五）项", "2021")
    got = [
        facts.get(("proactive", "normative_documents", c))
        for c in ("issued", "repealed", "in_force")
    ]
    assert [None if f is None else f.value for f in got] == expected


T3_HEAD = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
    "申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他\n"
    "一、本年新收政府信息公开申请数量 36 2 0 0 1 0 39\n"
)


def test_next_rows_list_number_after_the_cells_is_not_a_cell() -> None:
    text = (
        T3_HEAD
        + "（三）不予公开 1.属于国家秘密 2 0 0 0 0 0 2 2.其他法律法规禁止公开 1 0 0 0 0 0 1\n"
    )
    facts, notes = _facts(text + "3.危及“三安全一稳定” 0 0 0 0 0 0 0\n")
    assert facts[("applications", "withheld_state_secret", "total")].value == 2
    # The label variant it does not know is a row of its own: absent, with a note naming it.
    assert ("applications", "withheld_prohibited_by_law", "total") not in facts
    assert any("其他法律法规禁止公开" in n and "'1 0 0 0 0 0 1'" in n for n in notes)


def test_delimited_t3_row_with_too_many_cells_is_absent_with_a_note() -> None:
    facts, notes = _facts(
        T3_HEAD + "（一）予以公开 20 1 0 0 1 0 22 7\n（二）部分公开 4 0 0 0 0 0 4\n"
    )
    assert ("applications", "disclosed", "total") not in facts
    assert facts[("applications", "partially_disclosed", "total")].value == 4
    assert any(
        n.startswith("applications/disclosed: cannot split '20 1 0 0 1 0 22 7'") for n in notes
    )


@pytest.mark.corpus
@pytest.mark.parametrize("year", [2023, 2024])
def test_hongze_text_layer_alone_reads_the_tables_as_labelled(corpus_dir: Path, year: int) -> None:
    """Without the page geometry (PDFium unable to open a file), pypdf's text of the same
    layout still gives every 表二/表三/表四 cell as labelled."""
    from tasks.parsing.read import _read_pdf_text_only

    name = f"2021fmt_hongze_{year}"
    doc = _read_pdf_text_only((corpus_dir / "reports" / f"{name}.pdf").read_bytes())
    facts, _ = extract_tables(doc, "unknown")
    got = {f.key: f.value for f in facts}
    (label,) = [lb for lb in ev.load_labels(CORPUS_LABELS, corpus_dir) if lb.name == name]
    expected = {f.key: f.value for f in label.facts if f.table != "text"}
    assert {k: got.get(k) for k in expected} == expected


def test_corpus_tax_report_has_no_table(corpus_dir: Path) -> None:
    facts, notes = extract_tables(
        _corpus_doc(corpus_dir / "reports" / "pre2019_pingtan_2013_tax.txt"), "pre2019"
    )
    assert facts == []
    assert any(n.startswith("table_absent") for n in notes)


def _t3_grid(rows: list[list[str]]) -> Table:
    header = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    return Table([TableRow(header, 1), *(TableRow(r, 2) for r in rows)])


T3_TEXT = (
    T3_HEAD
    + "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n"
    + "三、本年度办理结果\n（一）予以公开 20 1 0 0 1 0 22\n"
)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param("pdf", 22, id="pdf-text-reads-more-cells"),
        pytest.param("html", None, id="html-cells-are-the-table"),
    ],
)
def test_a_pdf_grid_that_reads_fewer_cells_than_the_text_gives_way(
    kind: str, expected: int | None
) -> None:
    """A drawn grid that misses rows (a border missing in an odd export) must not hide the
    rows the text layer gives; an HTML table's own cells are the table whatever the text."""
    grid = _t3_grid([["一、本年新收政府信息公开申请数量", "36", "2", "0", "0", "1", "0", "39"]])
    doc = Document(kind, T3_TEXT.split("\n"), tables=[grid])
    facts = {f.key: f.value for f in extract_tables(doc, "2021")[0]}
    assert facts[("applications", "new_received", "total")] == 39
    assert facts.get(("applications", "disclosed", "total")) == expected


def test_ambiguous_run_in_a_table_breaking_its_sums_is_left_out_with_a_note() -> None:
    """A flattened run with several R3 readings is chosen by R1/R2 only when they then hold;
    in a table that breaks R1 as published the least-broken reading would be a guess."""
    text = (
        # 2263|33|23|240|142|4|2705 or 2263|332|32|40|14|24|2705: both satisfy R3.
        T3_HEAD.replace("36 2 0 0 1 0 39", "2263332324014242705")
        + "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n三、本年度办理结果\n"
        + "（一）予以公开 5 0 0 0 0 0 5\n（七）总计 5 0 0 0 0 0 5\n"
        + "四、结转下年度继续办理 0 0 0 0 0 0 0\n"
    )
    facts, notes = _facts(text, "2021")
    assert ("applications", "new_received", "total") not in facts
    assert any(
        n.startswith("applications/new_received: the digits '2263332324014242705' have several")
        and "R1" in n
        for n in notes
    )
    assert facts[("applications", "disclosed", "total")].value == 5


def test_rows_that_are_only_right_together_are_resolved_together() -> None:
    """新收, 予以公开 and 总计 each have two R3 readings; only one combination satisfies R1/R2
    (a row changed alone breaks them either way)."""
    text = (
        T3_HEAD.replace("36 2 0 0 1 0 39", "184100023")
        + "二、上年结转政府信息公开申请数量0003205\n三、本年度办理结果\n"
        + "（一）予以公开124001017\n（二）部分公开6000006\n（七）总计184001023\n"
        + "四、结转下年度继续办理0013105\n"
    )
    facts, _ = _facts(text, "2021")
    cols = APPLICATION_COLUMNS
    assert [facts[("applications", "new_received", c)].value for c in cols] == [
        18,
        4,
        1,
        0,
        0,
        0,
        23,
    ]
    assert [facts[("applications", "disclosed", c)].value for c in cols] == [12, 4, 0, 0, 1, 0, 17]
    assert [facts[("applications", "outcome_total", c)].value for c in cols] == [
        18,
        4,
        0,
        0,
        1,
        0,
        23,
    ]


_T3_WIDE_HEADER = [
    "",
    "",
    "",
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
    "",
]


def test_t3_rows_pushed_off_their_columns_by_a_repeated_group_label_are_laid_back() -> None:
    """'（三）不予公开' repeated in a row of its own ends the merged '三、本年度办理结果' cell a
    row early (总计 starts one cell left); '（四）无法提供' repeated before a sub-row's label
    pushes that row one cell right. Both land under their columns; a row whose first value
    is a blank zero stays where it is."""
    outcome = "三、本年度办理结果"
    rows = [
        _T3_WIDE_HEADER,
        [outcome, "（一）予以公开", "（一）予以公开", "", "1", "0", "0", "0", "0", "1", ""],
        [outcome, "（三）不予公开", *["（三）不予公开"] * 9],
        [outcome, "（三）不予公开", "5.属于三类内部事务信息", *"0000000", ""],
        [outcome, "（四）无法提供", "（四）无法提供", "2.没有现成信息需要另行制作", *"1000001"],
        ["（七）总计", "（七）总计", *"6000107", "", ""],
    ]
    facts = {f.key: f.value for f in extract_tables(_grid(rows), "2021")[0]}
    cols = APPLICATION_COLUMNS

    def row(key: str) -> list[int | float | None]:
        return [facts.get(("applications", key, c)) for c in cols]

    assert row("outcome_total") == [6, 0, 0, 0, 1, 0, 7]
    assert row("unavailable_needs_creation") == [1, 0, 0, 0, 0, 0, 1]
    assert row("withheld_internal_affairs") == [0] * 7
    assert row("disclosed") == [0, 1, 0, 0, 0, 0, 1]
