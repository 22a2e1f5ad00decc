"""The scoring logic of ``govreports eval`` and the well-formedness of every label file."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from govreports.contract.models import Fact, Region, Report
from govreports_cli import evaluate as ev
from govreports_cli.commands import eval as eval_command
from tasks.parsing.tables_rules import APPLICATION_RULES, REVIEW_RULES, check

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "labelled"
CONTRACT = (ROOT / ".." / "shared" / "spec" / "data-contract.md").resolve()
LABEL_FILES = sorted(LABELS.glob("*.json")) + sorted((LABELS / "bugs").glob("*.json"))


def make_label(**overrides: object) -> ev.Label:
    base: dict[str, object] = {
        "name": "case",
        "document": Path("case.txt"),
        "fields": {
            "title": "某县2020年政府信息公开工作年度报告",
            "report_year": 2020,
            "region": {"province": "福建省", "city": "福州市", "county": "平潭县"},
        },
        "facts": (
            ev.ExpectedFact("applications", "new_received", "total", 70),
            ev.ExpectedFact("applications", "carried_over", "total", 1),
            ev.ExpectedFact("review_litigation", "reconsideration", "total", 3),
            ev.ExpectedFact("proactive", "admin_fees", "amount_wan_yuan", 24252.311082),
            ev.ExpectedFact("text", "proactive_items", "value", 100, approximate=True),
        ),
        "absent": (("text", "litigation_total", "value"), ("text", "fees_wan_yuan", "value")),
    }
    base.update(overrides)
    return ev.Label(**base)  # type: ignore[arg-type]


def make_report(facts: list[Fact]) -> Report:
    return Report(
        report_id="x",
        title="某县2020年政府信息公开工作年度报告",
        report_year=2020,
        region=Region("福建省", "福州市", None),
        facts=facts,
    )


def test_each_kind_of_field_is_scored_once() -> None:
    report = make_report(
        [
            Fact("applications", "new_received", "total", 70),  # right
            Fact("applications", "carried_over", "total", 7),  # wrong value
            # review_litigation/reconsideration/total missing
            Fact("proactive", "admin_fees", "amount_wan_yuan", 24252.3110824),  # within 1e-6
            Fact("text", "proactive_items", "value", 100, approximate=False),  # flag lost
            Fact("text", "litigation_total", "value", 0),  # invented
        ]
    )
    score = ev.score_report(make_label(), report)

    assert (score.correct, score.total) == (2 + 2 + 2 + 1, 2 + 3 + 5 + 2)
    missed = {m.field: (m.expected, m.got) for m in score.misses}
    assert set(missed) == {
        "region.county",
        "applications/carried_over/total",
        "review_litigation/reconsideration/total",
        "text/proactive_items/value",
        "text/litigation_total/value (absent)",
    }
    assert missed["region.county"] == ("平潭县", None)
    assert missed["review_litigation/reconsideration/total"][1] is None
    assert missed["applications/carried_over/total"][1]["value"] == 7
    assert missed["text/litigation_total/value (absent)"][1]["value"] == 0


def test_a_perfect_report_scores_every_field() -> None:
    report = make_report(
        [
            Fact("applications", "new_received", "total", 70),
            Fact("applications", "carried_over", "total", 1),
            Fact("review_litigation", "reconsideration", "total", 3),
            Fact("proactive", "admin_fees", "amount_wan_yuan", 24252.311082),
            Fact("text", "proactive_items", "value", 100, approximate=True),
        ]
    )
    report.region = Region("福建省", "福州市", "平潭县")
    score = ev.score_report(make_label(), report)
    assert score.misses == []
    assert score.correct == score.total == 12


def test_field_names_are_the_fields_scored() -> None:
    label = make_label()
    score = ev.score_report(label, make_report([]))
    names = ev.field_names(label)
    assert len(names) == score.total == len(set(names))
    assert {m.field for m in score.misses} <= set(names)


@pytest.mark.parametrize(
    ("expected", "got", "equal"),
    [
        pytest.param(70, 70, True, id="same-int"),
        pytest.param(70, 71, False, id="other-int"),
        pytest.param(0.394, 0.3940000004, True, id="float-within-1e-6"),
        pytest.param(0.394, 0.3941, False, id="float-off"),
        pytest.param(2021, "2021", False, id="year-as-text"),
        pytest.param(None, None, True, id="both-null"),
        pytest.param("2022-02-08", None, False, id="date-missing"),
    ],
)
def test_values_equal(expected: object, got: object, equal: bool) -> None:
    assert ev.values_equal(expected, got) is equal


def test_an_unreadable_document_misses_its_fields_but_invents_nothing() -> None:
    def broken(data: bytes, filename: str) -> Report:
        raise ValueError("boom")

    label = make_label(document=Path(__file__))
    result = ev.evaluate_labels([label], broken)
    (score,) = result.reports
    assert score.error == "ValueError: boom"
    assert (score.correct, score.total) == (2, 12)
    assert result.percentage == pytest.approx(100 * 2 / 12)


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.parent.name + "/" + p.stem)
def test_label_file_is_well_formed(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    is_bug_case = path.parent.name == "bugs"
    assert ev.label_problems(raw, partial_fields=is_bug_case) == []
    if is_bug_case:
        assert (path.parent / raw["file"]).is_file()
    else:
        assert raw["file"] == f"reports/{path.stem}{Path(raw['file']).suffix}"
        assert raw["facts"], "a corpus label states at least one fact"


def test_every_corpus_report_has_a_label(corpus_dir: Path) -> None:
    documents = {p.stem for p in (corpus_dir / "reports").iterdir()}
    labels = {p.stem for p in LABELS.glob("*.json")}
    assert documents == labels


@pytest.mark.parametrize("path", sorted(LABELS.glob("*.json")), ids=lambda p: p.stem)
def test_label_breaks_exactly_the_rules_it_declares(path: Path) -> None:
    """A label is the document as published: its 表三/表四 facts satisfy R1–R6 except the
    instances declared in ``inconsistent_as_published`` (a real table that does not add up).

    P1–P10 are left to the parser test: pre-2019 labels skip rows with no contract key
    (信函、传真申请数 is two channels in one row), so a label's P1 sum can be short by design.
    """
    label = ev.parse_label(json.loads(path.read_text(encoding="utf-8")), path.stem, ROOT, "corpus")
    cells = {f.key: float(f.value) for f in label.facts}
    outcomes = check(cells, (*APPLICATION_RULES, *REVIEW_RULES))
    failures = sorted((o.rule_id, o.where) for o in outcomes if not o.passed)
    assert failures == sorted((d.rule, d.where) for d in label.inconsistent)


@pytest.mark.parametrize(
    ("fact", "problem"),
    [
        pytest.param(
            {"table": "applications", "row": "new_recieved", "column": "total", "value": 1},
            "not a contract key",
            id="row-typo",
        ),
        pytest.param(
            {"table": "proactive", "row": "licensing", "column": "issued", "value": 1},
            "not a contract key",
            id="column-of-another-row",
        ),
        pytest.param(
            {"table": "text", "row": "proactive_items", "column": "value", "value": "12"},
            "value must be a number",
            id="string-value",
        ),
    ],
)
def test_bad_labels_are_reported(fact: dict[str, object], problem: str) -> None:
    raw = {"file": "reports/x.txt", "fields": {}, "facts": [fact], "absent_facts": []}
    problems = ev.label_problems(raw, partial_fields=True)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("declared", "problem"),
    [
        pytest.param({"rule": "R4", "where": "reconsideration"}, "exactly rule", id="no-why"),
        pytest.param({"rule": "sum", "where": "total", "why": "x"}, "rule id", id="not-a-rule-id"),
        pytest.param({"rule": "R2", "where": "", "why": "x"}, "rule instance", id="no-where"),
        pytest.param({"rule": "R2", "where": "total", "why": " "}, "what the document", id="blank"),
    ],
)
def test_bad_inconsistency_declarations_are_reported(
    declared: dict[str, object], problem: str
) -> None:
    raw = {"file": "r.txt", "fields": {}, "facts": [], "inconsistent_as_published": [declared]}
    problems = ev.label_problems(raw, partial_fields=True)
    assert any(problem in p for p in problems), problems


def test_corpus_label_needs_every_field() -> None:
    raw = {"file": "reports/x.txt", "fields": {"title": "t"}, "facts": [], "absent_facts": []}
    problems = ev.label_problems(raw)
    assert "missing field 'region'" in problems


def test_vocabulary_matches_the_contract() -> None:
    if not CONTRACT.is_file():
        pytest.skip(f"the shared spec is not at {CONTRACT}")
    text = CONTRACT.read_text(encoding="utf-8")
    section = text[text.index("## 2.") : text.index("## 3.")]
    names = set(re.findall(r"`([a-z][a-z0-9_]*)`", section))
    # `raw` is named in §2 only to say where a procurement cell keeps its written unit.
    names.discard("raw")
    ours = (
        ev.APPLICATION_ROWS
        | ev.APPLICATION_COLUMNS
        | ev.REVIEW_ROWS
        | ev.REVIEW_COLUMNS
        | set(ev.PROACTIVE_COLUMNS)
        | set().union(*ev.PROACTIVE_COLUMNS.values())
        | ev.LEGACY_ROWS
        | ev.TEXT_ROWS
        | {"value", "cumulative"}
        | {"applications", "review_litigation", "proactive", "legacy_stats", "text"}
    )
    assert names - ours == set()
    assert ours - names == {"applications", "review_litigation", "proactive"} - names


def test_command_prints_per_report_rows_and_overall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, labels = tmp_path / "corpus", tmp_path / "labels"
    (corpus / "reports").mkdir(parents=True)
    labels.mkdir()
    (corpus / "reports" / "a.txt").write_text(
        "某县2020年政府信息公开工作年度报告", encoding="utf-8"
    )
    label = {
        "file": "reports/a.txt",
        "fields": {
            "title": "某县2020年政府信息公开工作年度报告",
            "agency": "某县人民政府",
            "report_year": 2020,
            "format": "unknown",
            "published_on": None,
            "signed_on": None,
            "region": {"province": None, "city": None, "county": None},
        },
        "facts": [{"table": "text", "row": "proactive_items", "column": "value", "value": 5}],
        "absent_facts": [],
    }
    (labels / "a.json").write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")

    def fake_parse(data: bytes, filename: str) -> Report:
        return Report(report_id="a", title=data.decode(), agency="某县人民政府", report_year=2020)

    monkeypatch.setattr(ev, "default_parse", lambda: fake_parse)
    parser = argparse.ArgumentParser()
    eval_command.add_arguments(parser)
    args = parser.parse_args(["--corpus", str(corpus), "--labels", str(labels), "--show-misses"])

    assert eval_command.run(args) == 0
    out = capsys.readouterr().out
    assert "overall: 9/10 fields correct (90.00%)" in out
    assert "text/proactive_items/value: expected" in out


def test_command_exits_2_without_a_corpus(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    eval_command.add_arguments(parser)
    args = parser.parse_args(["--corpus", str(tmp_path / "missing")])
    assert eval_command.run(args) == 2
