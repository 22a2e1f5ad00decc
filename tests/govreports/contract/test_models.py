"""The parser's typed output crosses process boundaries (the parse child's pipe, Dask)."""

from __future__ import annotations

import pickle

import pytest

from govreports.contract.models import Fact, MetaSource, Region, Report


@pytest.mark.parametrize(
    "fact",
    [
        pytest.param(Fact("applications", "new_received", "total", 70), id="defaults"),
        pytest.param(
            Fact("applications", "carried_over", "natural", 1.5, "件", True, "约1.5", 12, "ocr"),
            id="every-field",
        ),
    ],
)
def test_a_fact_survives_pickling_with_every_field(fact: Fact) -> None:
    back = pickle.loads(pickle.dumps(fact, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == fact
    assert type(back.value) is type(fact.value)  # an integer stays an integer


def test_a_report_survives_pickling() -> None:
    report = Report(
        "a" * 64,
        title="淮安市人民政府2024年政府信息公开工作年度报告",
        report_year=2024,
        region=Region("江苏省", "淮安市"),
        facts=[Fact("applications", "new_received", "total", 70, "件", raw="70", line=3)],
        meta_sources={"title": MetaSource("淮安市人民政府", "title", 1, 2.0)},
        text="正文",
    )
    assert pickle.loads(pickle.dumps(report)) == report
