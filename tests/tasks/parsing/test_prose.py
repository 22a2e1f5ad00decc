"""Headline numbers from prose (table ``text``)."""

from __future__ import annotations

import pytest

from tasks.parsing.prose import extract_prose_facts, to_number


def _facts(text: str) -> dict[str, tuple[float, bool]]:
    return {f.row: (f.value, f.approximate) for f in extract_prose_facts(text.split("\n"))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年全区共主动公开政府信息14571条。", {"proactive_items": (14571, False)}),
        ("全年共主动公开各类信息100余条。", {"proactive_items": (100, True)}),
        (
            "今年，我区政府信息公开单位共公布政府信息2599条，(其中机构职能类信息25条",
            {"proactive_items": (2599, False)},
        ),
        ("其他应主动公开政府信息856条。", {}),
        ("通过政府门户网站全年主动公开各类政府信息10407条。", {}),
        ("各乡镇主动公开政府信息674条，占23%。", {}),
        ("2022年，全区收到政府信息公开申请75件。", {"applications_received": (75, False)}),
        (
            "本年度全区共收到70件申请，及时依法依规办结69件。",
            {"applications_received": (70, False)},
        ),
        ("全年共收到政府信息公开申请两件。", {"applications_received": (2, False)}),
        ("2015年全区未收到有关政府信息公开申请。", {"applications_received": (0, False)}),
        ("共受理申请121510件。", {}),
        # The report's only application statement names one channel: that is every application.
        ("全区收到有关政府信息公开的信函申请1条。", {"applications_received": (1, False)}),
        ("全区收到政府信息公开的信函申请1件，网上申请2件。", {}),
        (
            "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件。",
            {"applications_received": (81, False)},
        ),
        ("通过政府网站收到政府信息公开申请共计12件，当面申请3件。", {}),
        ("各乡镇收到政府信息公开申请共计5件。", {}),
        (
            "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
            {"reconsideration_total": (36, False), "litigation_total": (9, False)},
        ),
        (
            "本年度未发生因政府信息公开申请提起行政复议、行政诉讼的情况。",
            {"reconsideration_total": (0, False), "litigation_total": (0, False)},
        ),
        ("收到1份有关政府信息公开行政复议申请。", {"reconsideration_total": (1, False)}),
        ("2021年，无收取信息处理费情况。", {"fees_wan_yuan": (0, False)}),
        ("全年收取政府信息公开信息处理费 3940 元。", {"fees_wan_yuan": (0.394, False)}),
        ("共收取信息处理费1.2万元。", {"fees_wan_yuan": (1.2, False)}),
    ],
    ids=[
        "proactive",
        "approximate",
        "gongbu",
        "category-not-total",
        "website-channel",
        "sub-unit",
        "applications",
        "n-jian-shenqing",
        "chinese-numeral",
        "none-received",
        "approval-not-disclosure",
        "only-statement-one-channel",
        "two-channels-no-total",
        "total-over-listed-channels",
        "one-channel-total-is-that-channel",
        "sub-unit-total",
        "review-and-litigation",
        "none-review",
        "one-review",
        "no-fee",
        "fee-yuan",
        "fee-wan",
    ],
)
def test_prose_statements(text: str, expected: dict[str, tuple[float, bool]]) -> None:
    assert _facts(text) == expected


def test_fact_keeps_raw_text_and_line() -> None:
    facts = extract_prose_facts(["一、总体情况", "2023年全区共主动公开政府信息13561条。"])
    assert facts[0].table == "text" and facts[0].column == "value"
    assert facts[0].raw == "主动公开政府信息13561条"
    assert facts[0].line == 2


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("468", 468),
        ("1,234", 1234),
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("二十三", 23),
        ("3940.5", 3940.5),
    ],
)
def test_to_number(text: str, value: float) -> None:
    assert to_number(text) == value
