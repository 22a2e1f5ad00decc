"""The labelled reports are the spec: every labelled field is its own case (``report/field``).

Each case parses its document once (cached) and scores one field exactly as
``govreports eval`` does. Fields the parser misses today are strict xfails with the
reason, so a fix shows as XPASS (and the entry must go) and a regression as a failure.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from govreports.contract.models import ParseError, Report
from govreports_cli import evaluate as ev
from tasks.parse import parse_document

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "labelled"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()

_T2_2019 = (
    "2019 表二 row flattened without delimiters into three cells (上一年项目数量 | 本年增/减 | "
    "处理决定数量) that no sum rule ties together: several splits fit, so the cells are absent "
    "with a note naming the readings (ADR 0018), not guessed"
)
_T2_DOCS = (
    "表二 文件 row (制发/废止/现行有效 or 新制作/新公开/对外公开总数) flattened without "
    "delimiters: no sum rule ties its cells, several splits fit, so they are absent with a note "
    "(ADR 0018)"
)
_T2_MONEY = (
    "2019 表二 收费/采购 row flattened without delimiters: no sum rule ties its cells, several "
    "splits fit, so they are absent with a note (ADR 0018)"
)
_ITEMS_2019 = ("prior_year_items", "change", "decisions")
_DOCS_2019 = ("made", "published", "total_public")
_DOCS_2021 = ("issued", "repealed", "in_force")
# report/field → why today's parser misses it.
KNOWN_MISSES: dict[str, str] = {
    **{
        f"2019fmt_pingtan_2019/proactive/{row}/{column}": _T2_2019
        for row in ("licensing", "other_management_services", "penalty", "enforcement")
        for column in _ITEMS_2019
    },
    **{
        f"2019fmt_pingtan_2020/proactive/{row}/{column}": _T2_2019
        for row in ("licensing", "other_management_services", "penalty", "enforcement")
        for column in _ITEMS_2019
        if (row, column) != ("penalty", "prior_year_items")  # 2648 in every reading
    },
    **{
        f"2019fmt_pingtan_{year}/proactive/{row}/{column}": _T2_MONEY
        for year in (2019, 2020)
        for row, column in (("procurement", "items"), ("procurement", "amount_wan_yuan"))
    },
    **{
        f"2019fmt_pingtan_2019/proactive/admin_fees/{column}": _T2_MONEY
        for column in ("prior_year_items", "change")
    },
    **{
        f"2019fmt_pingtan_{year}/proactive/normative_documents/{column}": _T2_DOCS
        for year in (2019, 2020)
        for column in _DOCS_2019
    },
    **{
        f"2021fmt_pingtan_{year}/proactive/normative_documents/{column}": _T2_DOCS
        for year, columns in (
            (2021, ("in_force",)),  # issued/repealed are not labelled: undecidable
            (2022, _DOCS_2021),
            (2023, _DOCS_2021),
            (2024, ("issued",)),
        )
        for column in columns
    },
    "pre2019_pingtan_2013/legacy_stats/channel_gazette/value": (
        "'2、政府公报公开 条 0' has one number where the table has two columns: the row is "
        "left out rather than guessing which column the 0 belongs to"
    ),
}


def _labels() -> list[ev.Label]:
    labels = [
        ev.parse_label(json.loads(p.read_text(encoding="utf-8")), p.stem, CORPUS, "corpus")
        for p in sorted(LABELS.glob("*.json"))
    ]
    bugs = LABELS / ev.BUGS_DIR
    labels += [
        ev.parse_label(
            json.loads(p.read_text(encoding="utf-8")), f"{ev.BUGS_DIR}/{p.stem}", bugs, "bugs"
        )
        for p in sorted(bugs.glob("*.json"))
    ]
    return labels


LABELLED = {label.name: label for label in _labels()}


def _cases() -> list[object]:
    cases: list[object] = []
    for name, label in LABELLED.items():
        marks = [pytest.mark.corpus] if label.group == "corpus" else []
        for field in ev.field_names(label):
            case_id = f"{name}/{field}"
            reason = KNOWN_MISSES.get(case_id)
            case_marks = (
                [*marks, pytest.mark.xfail(strict=True, reason=reason)] if reason else marks
            )
            cases.append(pytest.param(name, field, id=case_id, marks=case_marks))
    return cases


@functools.cache
def _score(name: str) -> ev.ReportScore:
    label = LABELLED[name]
    try:
        report: Report = parse_document(label.document.read_bytes(), label.document.name)
    except ParseError as exc:
        return ev.failed_report(label, f"{type(exc).__name__}: {exc}")
    return ev.score_report(label, report)


@pytest.mark.parametrize(("report", "field"), _cases())
def test_labelled_field(report: str, field: str) -> None:
    if LABELLED[report].group == "corpus" and not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    misses = {m.field: m for m in _score(report).misses}
    miss = misses.get(field)
    assert miss is None, f"expected {miss.expected!r}, got {miss.got!r}"


def test_every_known_miss_names_a_labelled_field() -> None:
    """A stale entry (a field relabelled or renamed) would silently excuse nothing."""
    fields = {f"{name}/{f}" for name, label in LABELLED.items() for f in ev.field_names(label)}
    assert set(KNOWN_MISSES) <= fields
