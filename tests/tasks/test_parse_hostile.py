"""The hostile classes of the sample generator, parsed one by one: a value the contract cannot
hold, control characters, a 10 MB line, a damaged archive, traditional characters, no facts.
Each ends as a report with a note naming what happened, or a quarantine code and reason."""

from __future__ import annotations

import pytest

from govreports.contract.models import ParseError
from govreports_cli.samples.hostile import HostileFile, hostile_files
from tasks.parse import parse_document

LIGHT = hostile_files(heavy=False)


@pytest.mark.parametrize("case", [c for c in LIGHT if c.code is None], ids=lambda c: c.name)
def test_parsed_with_a_note(case: HostileFile) -> None:
    report = parse_document(case.data, case.name)
    assert case.note_has is not None
    assert any(case.note_has in note for note in report.notes), report.notes
    assert report.facts, "the rest of the report is still read"


@pytest.mark.parametrize(
    "case", [c for c in LIGHT if c.code not in (None, "critical")], ids=lambda c: c.name
)
def test_refused_with_code_and_reason(case: HostileFile) -> None:
    with pytest.raises(ParseError) as raised:
        parse_document(case.data, case.name)
    assert raised.value.code == case.code
    assert case.note_has is None or case.note_has in raised.value.reason


def test_nul_inside_a_value_is_removed_and_the_value_read_as_stated() -> None:
    case = next(c for c in LIGHT if c.name == "nul_in_line.txt")
    clean = parse_document(case.data.replace(b"\x00", b""), "clean.txt")
    report = parse_document(case.data, case.name)
    assert [f.value for f in report.facts] == [f.value for f in clean.facts]


def test_traditional_characters_read_like_simplified() -> None:
    from govreports_cli.samples.hostile import _pipe_text, base_truth

    case = next(c for c in LIGHT if c.name == "traditional.txt")
    simplified = parse_document(_pipe_text(base_truth()).encode(), "simplified.txt")
    report = parse_document(case.data, case.name)
    assert report.format == simplified.format and report.report_year == simplified.report_year
    assert {(f.key, f.value) for f in report.facts} == {(f.key, f.value) for f in simplified.facts}


@pytest.mark.gx
@pytest.mark.parametrize("case", [c for c in LIGHT if c.code == "critical"], ids=lambda c: c.name)
def test_read_but_quarantined_by_a_critical_rule(case: HostileFile) -> None:
    from tasks.validate import validate_batch

    report = parse_document(case.data, case.name)
    verdict = validate_batch([report]).verdicts[report.report_id]
    assert verdict.status == "quarantine"
    assert case.note_has is not None
    assert any(case.note_has in text for text in [*report.notes, *verdict.reasons])


@pytest.mark.gx
def test_out_of_range_values_validate_without_a_tool_error() -> None:
    from tasks.validate import validate_batch

    reports = [parse_document(c.data, c.name) for c in LIGHT if c.note_has == "value_out_of_range"]
    result = validate_batch(reports)
    assert set(result.verdicts) == {r.report_id for r in reports}


@pytest.mark.gx
def test_a_batch_of_reports_without_facts_gets_verdicts_not_a_tool_error() -> None:
    """The lost-outcome case: two reports with no facts made the cross-check of the reports
    suite raise (GX returns results grouped by column), so the whole batch failed."""
    from tasks.validate import validate_batch

    case = next(c for c in LIGHT if c.name == "no_facts.txt")
    reports = [parse_document(case.data, "a.txt"), parse_document(case.data + b"\n", "b.txt")]
    result = validate_batch(reports)
    for report in reports:
        verdict = result.verdicts[report.report_id]
        assert verdict.status == "quarantine"
        assert any(reason.startswith("C3") for reason in verdict.reasons)


@pytest.mark.slow
def test_every_hostile_class_is_answered_within_the_default_budgets() -> None:
    """What the held-out hostile set checks, file by file: an answer (report or code) well
    within 60 s, the worker's memory bounded by the budget."""
    import time

    from govreports.settings import Settings
    from tasks.isolation import parse_bounded

    settings = Settings(parse_isolated=True)
    parse_bounded(LIGHT[0].data, LIGHT[0].name, settings)  # start the worker
    for case in hostile_files(heavy=True):
        started = time.monotonic()
        try:
            report = parse_bounded(case.data, case.name, settings)
        except ParseError as exc:
            got = exc.code
        else:
            got = "critical" if not report.facts else None
        seconds = time.monotonic() - started
        assert got == case.code, (case.name, got)
        assert seconds < settings.parse_seconds + 10, (case.name, seconds)
