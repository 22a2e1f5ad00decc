"""The report formats: one detector, the registry, each layout's template cells."""

from __future__ import annotations

import pytest

from govreports.contract.formats import (
    LAYOUTS,
    TEMPLATE_CELLS,
    detect_format,
    layout,
    proactive_form,
)
from govreports.contract.vocabulary import APPLICATION_COLUMNS, OTHER_ROWS_2021


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
def test_format_with_year(text: str, year: int | None, fmt: str) -> None:
    assert detect_format(text, year) == fmt


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        pytest.param("本年制发件数", "2021", id="2021"),
        pytest.param("本年新制作数量", "2019", id="2019"),
        pytest.param("指标名称 计量单位 历年累计", "pre2019", id="pre2019"),
        pytest.param("无表格", "unknown", id="none"),
    ],
)
def test_format_without_year(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        pytest.param("本年 制发件数", "2021", id="2021-split-label"),
        pytest.param("本年新制作\n数量", "2019", id="2019-split-label"),
    ],
)
def test_fingerprints_read_across_whitespace(text: str, fmt: str) -> None:
    # A label broken by a line wrap or per-character PDF extraction is still a fingerprint,
    # for the metadata's format and the table parser alike (they share this detector).
    assert detect_format(text) == fmt
    assert detect_format(text, 2015) == fmt


def test_registry_names_each_format_once() -> None:
    names = [lay.name for lay in LAYOUTS]
    assert sorted(names) == ["2019", "2021", "pre2019"]
    assert all(layout(name) is lay for name, lay in zip(names, LAYOUTS, strict=True))
    assert layout("unknown") is None


@pytest.mark.parametrize(
    ("fmt", "table", "cells"),
    [
        ("2019", "proactive", 22),
        ("2021", "proactive", 10),
        ("2019", "applications", 23 * 7),
        ("2021", "applications", 25 * 7),
        ("2019", "review_litigation", 15),
        ("2021", "review_litigation", 15),
    ],
)
def test_template_cells_per_format(fmt: str, table: str, cells: int) -> None:
    variants = TEMPLATE_CELLS[fmt][table]
    assert next(iter(variants)) == fmt  # the report's own form is tried first
    assert len(variants[fmt]) == cells
    assert len(set(variants[fmt])) == cells


def test_other_generations_form_is_an_accepted_variant() -> None:
    assert list(TEMPLATE_CELLS["2021"]["applications"]) == ["2021", "2019"]
    assert list(TEMPLATE_CELLS["2019"]["proactive"]) == ["2019", "2021"]
    # 表四 is the same in both generations: one form.
    assert list(TEMPLATE_CELLS["2021"]["review_litigation"]) == ["2021"]
    assert "pre2019" not in TEMPLATE_CELLS
    rows_2021 = {row for row, _ in TEMPLATE_CELLS["2021"]["applications"]["2021"]}
    assert set(OTHER_ROWS_2021) <= rows_2021
    columns = {col for _, col in TEMPLATE_CELLS["2019"]["applications"]["2019"]}
    assert columns == set(APPLICATION_COLUMNS)


@pytest.mark.parametrize(
    ("fmt", "form"),
    [("2019", "2019"), ("2021", "2021"), ("pre2019", "2021"), ("unknown", "2021")],
)
def test_proactive_form_defaults_to_the_current_generation(fmt: str, form: str) -> None:
    own = layout(form)
    assert own is not None
    assert proactive_form(fmt) == dict(own.proactive)
    assert proactive_form(fmt)["rules"] == (
        ("made", "published", "total_public")
        if form == "2019"
        else ("issued", "repealed", "in_force")
    )
