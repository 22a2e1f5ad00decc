"""Each document is parsed in a warm worker process under a time and a memory budget; over
either it is refused with the budget it exceeded, and the next document still parses."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from govreports.contract.models import ParseError
from govreports.settings import Settings
from govreports_cli.samples.hostile import deep_html, docx_bomb, docx_run_storm, hostile_files
from tasks import isolation
from tasks.isolation import parse_bounded
from tasks.parse import parse_document

GOOD = next(c for c in hostile_files(heavy=False) if c.name == "int_beyond_64bit.txt")


def _settings(**budget: float) -> Settings:
    return Settings(parse_isolated=True, **budget)  # type: ignore[arg-type]


def _idle_workers(seconds: float) -> list[isolation.ParseWorker]:
    """The warm workers of the budget with these seconds (each test picks its own)."""
    return [w for w in isolation._IDLE if w.budget.seconds == seconds]


def test_the_worker_reads_what_the_parser_reads() -> None:
    isolated = parse_bounded(GOOD.data, GOOD.name, _settings())
    assert isolated.to_dict() == parse_document(GOOD.data, GOOD.name).to_dict()
    assert isolated.text  # the text rules' input crosses the process boundary too


@pytest.mark.slow  # waits out the time budget
def test_over_time_budget_is_refused_and_the_next_document_parses() -> None:
    slow = deep_html(100_000)  # about a minute in process
    settings = _settings(parse_seconds=2)
    parse_bounded(GOOD.data, GOOD.name, settings)  # warm: the start is not charged
    started = time.monotonic()
    with pytest.raises(ParseError) as raised:
        parse_bounded(slow, "deep.html", settings)
    assert raised.value.code == "over_time_budget"
    assert "2 s" in raised.value.reason
    assert time.monotonic() - started < 8
    assert parse_bounded(GOOD.data, GOOD.name, settings).facts


def test_the_worker_runs_at_the_configured_niceness() -> None:
    settings = _settings(parse_seconds=26)  # a budget of its own: a worker of its own
    settings = settings.model_copy(update={"parse_niceness": 7})
    parse_bounded(GOOD.data, GOOD.name, settings)
    (worker,) = _idle_workers(26)
    assert worker.pid is not None
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) == os.getpriority(os.PRIO_PROCESS, 0) + 7


def test_a_pdf_that_may_need_ocr_is_parsed_at_the_usual_priority() -> None:
    # OCR stops after ocr_max_seconds of wall time: a niced child would read fewer pages.
    from tasks.isolation import Budget

    settings = _settings().model_copy(update={"parse_niceness": 10})
    assert Budget.from_settings(settings).niceness == 10
    assert Budget.from_settings(settings, pdf=True).niceness == 0
    no_ocr = settings.model_copy(update={"ocr_enabled": False})
    assert Budget.from_settings(no_ocr, pdf=True).niceness == 10


@pytest.mark.slow  # keeps one CPU busy for a few seconds
def test_time_spent_waiting_for_a_cpu_is_not_charged_to_the_document() -> None:
    """On a busy machine a document's parse takes longer than its own time; the budget charges
    only the latter. Two busy loops share the child's one CPU with it: the parse (~0.8 s of CPU)
    takes ~2.5 s, over the 1.5 s budget, and still gets its own verdict."""
    settings = _settings(parse_seconds=1.5)  # a budget of its own: a worker of its own
    settings = settings.model_copy(update={"parse_niceness": 0})
    parse_bounded(GOOD.data, GOOD.name, settings)  # warm: the start is not charged
    (worker,) = _idle_workers(1.5)
    assert worker.pid is not None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(worker.pid, {cpu})
    loop = f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nwhile True: pass"
    hogs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(2)]
    try:
        started = time.monotonic()
        with pytest.raises(ParseError) as raised:
            parse_bounded(deep_html(27_000), "deep.html", settings)
        waited = time.monotonic() - started
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert raised.value.code == "not_a_report"  # the document's own verdict, not the budget's
    assert waited > settings.parse_seconds  # the wait would have been charged before


@pytest.mark.slow  # grows a worker to its memory budget
def test_over_memory_budget_is_refused_and_the_next_document_parses() -> None:
    # 4.5 MB: python-docx builds a 60 MB document.xml into a tree of ~1 GB (48 s in process).
    settings = _settings(parse_memory_mb=64, parse_seconds=120)
    with pytest.raises(ParseError) as raised:
        parse_bounded(docx_run_storm(60), "runs.docx", settings)
    assert raised.value.code == "over_memory_budget"
    assert "64 MB" in raised.value.reason
    assert parse_bounded(GOOD.data, GOOD.name, settings).facts


@pytest.mark.slow
def test_the_185_mb_docx_bomb_is_answered_quickly_within_the_default_budget() -> None:
    settings = _settings()
    parse_bounded(GOOD.data, GOOD.name, settings)  # a warm worker
    started = time.monotonic()
    with pytest.raises(ParseError) as raised:
        parse_bounded(docx_bomb(), "bomb.docx", settings)
    assert raised.value.code == "too_large"
    assert time.monotonic() - started < settings.parse_seconds


def test_one_warm_worker_serves_documents_one_after_another() -> None:
    settings = _settings(parse_seconds=29)  # a budget of its own: a worker of its own
    parse_bounded(GOOD.data, GOOD.name, settings)
    mine = _idle_workers(29)
    assert len(mine) == 1
    pid = mine[0].pid
    parse_bounded(GOOD.data, GOOD.name, settings)
    assert [w.pid for w in _idle_workers(29)] == [pid]


def test_a_batch_is_parsed_on_one_warm_worker_per_core_in_batch_order() -> None:
    from tasks.batch import Timings
    from tasks.fetch import Fetched
    from tasks.parse import parse
    from tasks.store import ObjectRead, ObjectRef

    settings = _settings(parse_seconds=27)  # a budget of its own: workers of its own
    settings = settings.model_copy(update={"parse_workers": 2})
    docs = [(f"raw/{i}-{GOOD.name}", GOOD.data) for i in range(4)]
    docs.insert(2, ("raw/bomb.docx", docx_bomb()))
    fetched = Fetched(
        [ObjectRead(ObjectRef(k, str(i)), d) for i, (k, d) in enumerate(docs)], [], [], Timings()
    )
    parsed = parse(fetched, settings)
    assert [ref.key for ref, _ in parsed.reports] == [k for k, _ in docs if "bomb" not in k]
    assert [(q.ref.key, q.code) for q in parsed.quarantined] == [("raw/bomb.docx", "too_large")]
    expected = parse_document(GOOD.data, GOOD.name).to_dict()
    assert all(report.to_dict() == expected for _, report in parsed.reports)
    pids = {w.pid for w in _idle_workers(27)}
    assert len(pids) == 2  # two documents at a time, each in a child of its own
