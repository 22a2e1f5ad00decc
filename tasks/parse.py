"""The parse stage: raw bytes of one uploaded file → one ``Report`` (data-contract.md §1).

``parse`` runs ``parse_document`` over a fetched batch (one file that fails is
quarantined, never raised).
read → normalize → metadata → tables → prose. A document that is not a report at all
raises ``ParseError("not_a_report")``; a partial reading comes back with notes, never
with zeros filled in.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from govreports.contract.models import Fact, ParseError, Report
from govreports.contract.numbers import bound_facts
from tasks.batch import Quarantined, Timings
from tasks.parsing.meta import extract_meta
from tasks.parsing.normalize import normalize_document
from tasks.parsing.prose import extract_prose_facts
from tasks.parsing.read import check_text_size, read_document
from tasks.parsing.script import to_simplified
from tasks.parsing.tables import extract_tables

if TYPE_CHECKING:
    from govreports.settings import Settings
    from tasks.delta import Curated
    from tasks.fetch import Fetched
    from tasks.parsing.document import Document
    from tasks.parsing.ocr import OcrOptions
    from tasks.store import ObjectRead, ObjectRef

_REPORT_TITLE = re.compile(r"信息公开.{0,16}报告|政务公开.{0,16}报告")
_REPORT_BODY = re.compile(r"主动公开|依申请公开|政府信息公开申请|统计期限|统计时限")
_HEAD_LINES = 3
_LETTER_TITLE = re.compile(r"(?:的|之)(?:函|通知|批复|请示|意见)$|^关于.*(?:函|通知|批复|请示)$")

log = logging.getLogger(__name__)


def parse_document(
    data: bytes, filename: str, *, max_bytes: int | None = None, ocr: OcrOptions | None = None
) -> Report:
    """Parse one report file. Raises ParseError when it cannot be read or is not a report.

    ``ocr`` bounds the OCR of scanned PDF pages (default: on, ``OcrOptions()``).
    """
    report_id = hashlib.sha256(data).hexdigest()
    raw = read_document(data, filename, max_bytes=max_bytes, ocr=ocr)
    check_text_size(sum(map(len, raw.lines)), max(map(len, raw.lines), default=0))
    doc = normalize_document(to_simplified(raw))
    if not any(doc.lines):
        raise ParseError("empty", "the file holds no text")
    meta = extract_meta(doc)
    prose_facts = extract_prose_facts(doc.lines)
    table_facts, table_notes = extract_tables(doc, meta.format, prose_facts)
    _check_is_report(meta.title, doc, has_tables=bool(table_facts))
    notes = [*doc.notes, *meta.notes, *table_notes]
    facts = bound_facts([*table_facts, *prose_facts], notes)
    if not table_facts:
        notes.append("table_absent: no statistics table values were read")
    return Report(
        report_id=report_id,
        title=meta.title,
        agency=meta.agency,
        report_year=meta.report_year,
        format=meta.format,
        published_on=meta.published_on,
        signed_on=meta.signed_on,
        region=meta.region,
        sections=meta.sections,
        facts=_mark_ocr(facts, doc.ocr_lines),
        notes=_unique(notes),
        meta_sources=meta.sources,
        text=doc.text,
    )


def _check_is_report(title: str | None, doc: Document, *, has_tables: bool) -> None:
    """A letter or notice has neither a report title nor a report's body or tables."""
    if title and _LETTER_TITLE.search(title) and not has_tables:
        raise ParseError("not_a_report", f"the document is a letter or notice: {title}")
    titled = bool(title and _REPORT_TITLE.search(title))
    body_hits = len(set(_REPORT_BODY.findall(doc.text)))
    if not titled and not has_tables and body_hits < 2:
        # The title is chosen as a report's title, so a letter's own heading
        # (关于报送…年度报告的函) may not be it: name it when it opens the document.
        head = (line.strip() for line in doc.lines[:_HEAD_LINES])
        letter = next((line for line in head if _LETTER_TITLE.search(line)), None)
        if letter:
            raise ParseError("not_a_report", f"the document is a letter or notice: {letter}")
        raise ParseError(
            "not_a_report",
            "no 政府信息公开 report title, report structure or statistics table was found",
        )


def _mark_ocr(facts: list[Fact], ocr_lines: set[int]) -> list[Fact]:
    """Facts read from a line that OCR produced say so (``source="ocr"``)."""
    if not ocr_lines:
        return facts
    return [replace(f, source="ocr") if f.line in ocr_lines else f for f in facts]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@dataclass(slots=True)
class Parsed:
    reports: list[tuple[ObjectRef, Report]]
    quarantined: list[Quarantined]
    skipped: list[str]
    timings: Timings
    curated: Curated | None = None


def parse_workers(settings: Settings) -> int:
    """Documents parsed at once: ``settings.parse_workers``, else one per core."""
    return settings.parse_workers or os.cpu_count() or 1


def _parse_one(obj: ObjectRead, settings: Settings) -> tuple[ObjectRef, Report] | Quarantined:
    """One document's report, or its quarantine entry (one bad document never raises)."""
    from tasks.isolation import parse_bounded

    assert obj.data is not None
    try:
        return obj.ref, parse_bounded(obj.data, obj.ref.key, settings)
    except ParseError as exc:
        return Quarantined(obj.ref, "parse", exc.code, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad document must not sink the batch
        reason = f"parser crashed: {type(exc).__name__}: {exc}"
        return Quarantined(obj.ref, "parse", "parser_error", reason)


def parse(fetched: Fetched, settings: Settings, *, workers: int | None = None) -> Parsed:
    """Parse every fetched object, each under the isolation budgets (``parse_bounded``).

    With isolation on, ``parse_workers`` documents are parsed at once, each in its own warm
    child process (the threads here only wait on their child's pipe), so a batch uses the
    machine's cores; results keep the batch's order. ``workers`` overrides the setting (a
    Dask chunk passes 1: there each worker process already has a core of its own).
    """
    start = time.perf_counter()
    reports: list[tuple[ObjectRef, Report]] = []
    quarantined = list(fetched.quarantined)
    objects = fetched.objects
    if not settings.parse_isolated:
        workers = 1  # in this process: threads would share one GIL
    elif workers is None:
        workers = parse_workers(settings)
    if workers > 1 and len(objects) > 1:
        with ThreadPoolExecutor(min(workers, len(objects)), "govreports-parse") as pool:
            outcomes = list(pool.map(lambda obj: _parse_one(obj, settings), objects))
    else:
        outcomes = [_parse_one(obj, settings) for obj in objects]
    for outcome in outcomes:
        if isinstance(outcome, Quarantined):
            quarantined.append(outcome)
        else:
            reports.append(outcome)
    fetched.timings.add("parse", start)
    log.info(
        "parse: %d report(s) read, %d quarantined in %.2f s",
        len(reports),
        len(quarantined) - len(fetched.quarantined),
        fetched.timings.seconds["parse"],
    )
    for q in quarantined[len(fetched.quarantined) :]:
        log.info("parse: quarantined %s: %s: %s", q.ref.key, q.code, q.reason)
    return Parsed(reports, quarantined, fetched.skipped, fetched.timings, fetched.curated)
