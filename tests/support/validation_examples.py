"""Internally consistent example reports (2021, 2019 and pre-2019 formats) built from a few numbers.

Used by the validation tests and the benchmark so they need no parser: each builder
returns a :class:`Report` on which every rule holds; a test then breaks one number
with :func:`with_fact` and expects exactly that rule to fail.
"""

from __future__ import annotations

import dataclasses
import random
from typing import TYPE_CHECKING

from govreports.contract.models import Fact, Report
from govreports.contract.vocabulary import APPLICANT_COLUMNS, OUTCOME_ROWS_2019

if TYPE_CHECKING:
    from collections.abc import Mapping

APPLICANTS = APPLICANT_COLUMNS
# The examples state outcomes only in （一）予以公开 and （四）1; every other outcome row is 0.
ZERO_OUTCOMES = tuple(
    r for r in OUTCOME_ROWS_2019 if r not in ("disclosed", "unavailable_not_held")
)
SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
# A pool of characters for filler prose, so that two years' texts differ like real reports do.
_POOL = (
    "政府信息公开工作年度报告主动依申请办理规范平台建设"
    "监督保障培训考核制度网站公报解读回应政策文件数据服务群众"
)


class _Lines:
    def __init__(self, start: int = 20) -> None:
        self.n = start

    def next(self) -> int:
        self.n += 1
        return self.n


def _prose(seed: str, sentences: int = 30) -> str:
    rng = random.Random(seed)
    return "。".join("".join(rng.choice(_POOL) for _ in range(24)) for _ in range(sentences))


def _applications(
    new: Mapping[str, int],
    carried: Mapping[str, int],
    forward: Mapping[str, int],
    unavailable: int,
    *,
    other_rows: tuple[str, ...],
    lines: _Lines,
) -> list[Fact]:
    table: dict[str, dict[str, int]] = {}
    for c in APPLICANTS:
        n, o, f = new.get(c, 0), carried.get(c, 0), forward.get(c, 0)
        total = n + o - f
        u = min(unavailable, total) if c == "natural_person" else 0
        row = {"new_received": n, "carried_over": o, "outcome_total": total, "carried_forward": f}
        row |= {"disclosed": total - u, "unavailable_not_held": u}
        row |= dict.fromkeys((*ZERO_OUTCOMES, *other_rows), 0)
        for r, v in row.items():
            table.setdefault(r, {})[c] = v
    order = (
        "new_received",
        "carried_over",
        "disclosed",
        *ZERO_OUTCOMES[:1],
        "unavailable_not_held",
        *ZERO_OUTCOMES[1:],
        *other_rows,
        "outcome_total",
        "carried_forward",
    )
    facts = []
    for r in order:
        line = lines.next()
        cols = table[r] | {"total": sum(table[r].values())}
        facts += [
            Fact("applications", r, c, v, "件", raw=str(v), line=line) for c, v in cols.items()
        ]
    return facts


def _review(lines: _Lines) -> list[Fact]:
    rows = {
        "reconsideration": (1, 0, 0, 1),
        "litigation_direct": (1, 0, 0, 0),
        "litigation_after_reconsideration": (0, 0, 0, 0),
    }
    line = lines.next()
    facts = []
    for r, parts in rows.items():
        cells = dict(zip(("upheld", "corrected", "other", "pending"), parts, strict=True))
        cells["total"] = sum(parts)
        facts += [
            Fact("review_litigation", r, c, v, "件", raw=str(v), line=line)
            for c, v in cells.items()
        ]
    return facts


def _text_facts(received: int, lines: _Lines) -> list[Fact]:
    return [
        Fact(
            "text",
            "applications_received",
            "value",
            received,
            "件",
            raw=f"收到申请{received}件",
            line=3,
        ),
        Fact("text", "reconsideration_total", "value", 2, "件", raw="行政复议2件", line=4),
        Fact("text", "litigation_total", "value", 1, "件", raw="行政诉讼1件", line=4),
    ]


def report_2021(
    report_id: str = "r2021",
    *,
    agency: str = "平潭综合实验区管委会",
    year: int = 2021,
    new: Mapping[str, int] | None = None,
    carried: Mapping[str, int] | None = None,
    forward: Mapping[str, int] | None = None,
    in_force: tuple[int, int] = (10, 30),
) -> Report:
    """A 2021-format report: 表三 70 new (64 natural persons, 6 companies), 1 carried, 1 forward."""
    new = {"natural_person": 64, "commercial_enterprise": 6} if new is None else new
    carried = {"natural_person": 1} if carried is None else carried
    forward = {"natural_person": 1} if forward is None else forward
    lines = _Lines()
    facts = _applications(
        new,
        carried,
        forward,
        3,
        other_rows=("other_no_correction", "other_fee_unpaid", "other_misc"),
        lines=lines,
    )
    facts += _review(lines)
    line = lines.next()
    for row, (issued, repealed, force) in (
        ("rules", (2, 1, in_force[0])),
        ("normative_documents", (5, 2, in_force[1])),
    ):
        facts += [
            Fact("proactive", row, c, v, "件", raw=str(v), line=line)
            for c, v in (("issued", issued), ("repealed", repealed), ("in_force", force))
        ]
    facts += [
        Fact("proactive", "licensing", "decisions", 120, "件", raw="120", line=lines.next()),
        Fact("proactive", "penalty", "decisions", 40, "件", raw="40", line=lines.next()),
        Fact("proactive", "enforcement", "decisions", 3, "件", raw="3", line=lines.next()),
        Fact(
            "proactive",
            "admin_fees",
            "amount_wan_yuan",
            12.5,
            "万元",
            raw="12.5",
            line=lines.next(),
        ),
    ]
    received = sum(new.values())
    facts += _text_facts(received, lines)
    text = (
        f"{agency}{year}年政府信息公开工作年度报告\n本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n"
        f"{_prose(f'{agency}{year}')}\n六、其他需要报告的事项\n本年度未收取信息处理费。"
    )
    return Report(
        report_id=report_id,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency,
        report_year=year,
        format="2021",
        published_on=f"{year + 1}-01-20",
        signed_on=f"{year + 1}-01-15",
        sections=list(SECTIONS),
        facts=facts,
        text=text,
    )


def report_2019(
    report_id: str = "r2019",
    *,
    agency: str = "平潭综合实验区管委会",
    year: int = 2019,
    prior_items: int = 500,
    change: int = -20,
) -> Report:
    """A 2019-format report: 表三 20 new applications, none carried; 表二 with the 2019 columns."""
    lines = _Lines()
    facts = _applications(
        {"natural_person": 18, "legal_service_org": 2},
        {},
        {},
        1,
        other_rows=("other",),
        lines=lines,
    )
    facts += _review(lines)
    line = lines.next()
    for row, (made, published, total) in (
        ("rules", (1, 1, 12)),
        ("normative_documents", (9, 8, 89)),
    ):
        facts += [
            Fact("proactive", row, c, v, "件", raw=str(v), line=line)
            for c, v in (("made", made), ("published", published), ("total_public", total))
        ]
    # Every 表二 row of the 2019 form (R17 wants all 22 cells); one item chain for all.
    for row in ("licensing", "other_management_services", "penalty", "enforcement"):
        line = lines.next()
        facts += [
            Fact("proactive", row, c, v, "件", raw=str(v), line=line)
            for c, v in (("prior_year_items", prior_items), ("change", change), ("decisions", 300))
        ]
    line = lines.next()
    facts += [
        Fact("proactive", "admin_fees", c, v, "项", raw=str(v), line=line)
        for c, v in (("prior_year_items", prior_items), ("change", change))
    ]
    facts += [
        Fact("proactive", "procurement", "items", 4, "项", raw="4", line=lines.next()),
        Fact(
            "proactive",
            "procurement",
            "amount_wan_yuan",
            25.1,
            "万元",
            raw="251000元",
            line=lines.n,
        ),
    ]
    facts += _text_facts(20, lines)
    text = (
        f"{agency}{year}年政府信息公开工作年度报告\n统计期限自{year}年1月1日起至{year}年12月31日止。\n"
        f"{_prose(f'{agency}{year}')}"
    )
    return Report(
        report_id=report_id,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency,
        report_year=year,
        format="2019",
        published_on=f"{year + 1}-03-10",
        signed_on=f"{year + 1}-03-01",
        sections=list(SECTIONS),
        facts=facts,
        text=text,
    )


LEGACY: dict[str, int | float] = {
    "proactive_items": 468,
    "proactive_normative_docs": 12,
    "press_conferences": 4,
    "press_conferences_by_head": 1,
    "online_interviews": 2,
    "online_interviews_by_head": 1,
    "applications_received": 20,
    "applications_in_person": 5,
    "applications_fax": 0,
    "applications_online": 12,
    "applications_letter": 3,
    "applications_closed": 20,
    "applications_closed_on_time": 19,
    "applications_closed_extended": 1,
    "replies_total": 20,
    "replies_already_public": 2,
    "replies_disclosed": 10,
    "replies_partially_disclosed": 3,
    "replies_refused": 2,
    "refused_state_secret": 1,
    "refused_commercial_secret": 0,
    "refused_privacy": 1,
    "refused_security_stability": 0,
    "refused_not_government_information": 0,
    "refused_other_legal": 0,
    "replies_not_this_agency": 1,
    "replies_not_exist": 1,
    "replies_correction_requested": 1,
    "replies_other_channel": 0,
    "reconsideration_total": 1,
    "reconsideration_upheld": 1,
    "reconsideration_corrected": 0,
    "reconsideration_other": 0,
    "litigation_total": 0,
    "litigation_upheld": 0,
    "litigation_corrected": 0,
    "litigation_other": 0,
    "staff_total": 5,
    "staff_full_time": 2,
    "staff_part_time": 3,
    "fees_wan_yuan": 0,
}


def report_pre2019(
    report_id: str = "rpre",
    *,
    agency: str = "平潭综合实验区管委会",
    year: int = 2015,
    cumulative_proactive: int = 5000,
) -> Report:
    """A pre-2019 report with the 1.2 统计表, and 历年累计 on 主动公开政府信息数."""
    lines = _Lines()
    facts = [
        Fact("legacy_stats", r, "value", v, raw=str(v), line=lines.next())
        for r, v in LEGACY.items()
    ]
    facts.append(
        Fact(
            "legacy_stats",
            "proactive_items",
            "cumulative",
            cumulative_proactive,
            raw=str(cumulative_proactive),
            line=21,
        )
    )
    facts += [
        Fact("text", "proactive_items", "value", 468, "条", raw="主动公开政府信息468条", line=3),
        Fact("text", "applications_received", "value", 20, "件", raw="收到申请20件", line=4),
    ]
    text = (
        f"{agency}{year}年政府信息公开工作年度报告\n本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n"
        f"{_prose(f'{agency}{year}')}"
    )
    return Report(
        report_id=report_id,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency,
        report_year=year,
        format="pre2019",
        published_on=f"{year + 1}-03-20",
        signed_on=f"{year + 1}-03-15",
        sections=["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况"],
        facts=facts,
        text=text,
    )


def with_fact(report: Report, table: str, row: str, column: str, value: float | None) -> Report:
    """A copy of ``report`` with one fact changed (``value=None`` removes it; a new key adds it)."""
    facts = [f for f in report.facts if f.key != (table, row, column)]
    if value is not None:
        old = report.fact(table, row, column)
        line = old.line if old else 99
        facts.append(Fact(table, row, column, value, raw=str(value), line=line))
    return dataclasses.replace(report, facts=facts)


def without_table(report: Report, table: str) -> Report:
    return dataclasses.replace(report, facts=[f for f in report.facts if f.table != table])
