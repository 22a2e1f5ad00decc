"""Maintainers' decisions on reports, and how the pipeline applies them.

A decision is a row of the Delta table ``reviews`` (contract: ``expectations/reviews.py``):
who, when, what (``accept`` a failing report, ``correct`` one fact's value, ``reject`` an
object as not a report), why, and the version it applies to: the object key and etag
reviewed and the ``report_id`` (sha256 of the bytes) of the report read from them.

Decisions follow the bytes, not the key: re-ingesting the same bytes (same report_id)
applies them again; a new version of the file has a new report_id, so the old decisions
no longer apply and are flagged ``stale`` (a new look is needed) instead of being carried
over to numbers nobody has checked.

Applied in the validate stage, on every ingest and every re-validation:

* ``reject``: the object is quarantined at stage ``review`` with the maintainer's reason;
* ``correct``: the fact takes the maintainer's value before the rules run (the latest
  correction per fact wins); ``raw`` and ``line`` still point at what the report
  states, and a parser note records the stated value, the new one, who and why;
* ``accept``: the report keeps its computed ``quality_status`` (the rules still fail)
  and is marked ``review_status = accepted``, which lets it into ``clean``. A
  quarantined report (critical rule) cannot be accepted: it has no trustworthy row; nor
  can a report failing a rule of ``settings.unacceptable_rules`` (R17, completeness: an
  incomplete report never reaches ``clean``; its missing cells are corrected instead).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from govreports.contract.tables import REVIEWS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

    from govreports.contract.models import Report
    from govreports.settings import Settings
    from tasks.delta import Curated

Action = Literal["accept", "correct", "reject"]
ACTIONS: tuple[Action, ...] = ("accept", "correct", "reject")


@dataclass(frozen=True, slots=True)
class Review:
    action: Action
    key: str
    etag: str
    report_id: str | None
    reason: str
    reviewer: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    value: float | None = None
    stated_value: float | None = None
    review_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    at: datetime = dataclasses.field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown review action {self.action!r}; one of {', '.join(ACTIONS)}")
        if not self.reason.strip():
            raise ValueError("a review needs a reason")
        if self.action == "correct" and (
            not (self.table and self.row and self.column) or self.value is None
        ):
            raise ValueError("a correction names the fact (table/row/column) and its value")
        if self.action != "reject" and not self.report_id:
            raise ValueError(f"{self.action} applies to a published report (a report_id)")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Review:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in row.items() if k in names})

    def as_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def review_rows(reviews: Iterable[Review]) -> pa.Table:
    return pa.Table.from_pylist([r.as_row() for r in reviews], schema=REVIEWS)


def applies(review: Review, report_id: str | None, key: str, etag: str) -> bool:
    """Whether a decision applies to this version of an object.

    Accept and correct follow the report's bytes (report_id). A rejection follows the
    bytes too when they parsed, else the exact object version (key + etag).
    """
    if review.report_id:
        return review.report_id == report_id
    return review.key == key and review.etag == etag


def is_stale(review: Review, current: Mapping[str, Any] | None) -> bool:
    """A decision about a version of the key that is no longer the current one.

    ``current`` is the key's row of ``outcomes`` (etag, report_id of what was last processed).
    """
    if current is None:
        return False
    if review.report_id and current.get("report_id"):
        return bool(review.report_id != current["report_id"])
    return bool(review.etag != current.get("etag"))


@dataclass(slots=True)
class Decision:
    """What the reviews say about one report version."""

    rejected: Review | None = None
    accepted: Review | None = None
    corrections: tuple[Review, ...] = ()

    @property
    def review_ids(self) -> list[str]:
        chosen = [self.rejected, self.accepted, *self.corrections]
        return [r.review_id for r in chosen if r is not None]

    @property
    def status(self) -> str | None:
        if self.accepted:
            return "accepted"
        return "corrected" if self.corrections else None


def decide(reviews: Sequence[Review], report_id: str | None, key: str, etag: str) -> Decision:
    """The decisions in force for one object version: latest accept/reject wins, latest per fact."""
    mine = sorted((r for r in reviews if applies(r, report_id, key, etag)), key=lambda r: r.at)
    verdict: Review | None = None
    corrections: dict[tuple[str | None, str | None, str | None], Review] = {}
    for r in mine:
        if r.action in {"accept", "reject"}:
            verdict = r
        else:
            corrections[(r.table, r.row, r.column)] = r
    return Decision(
        rejected=verdict if verdict and verdict.action == "reject" else None,
        accepted=verdict if verdict and verdict.action == "accept" else None,
        corrections=tuple(corrections.values()),
    )


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def apply_corrections(report: Report, corrections: Sequence[Review]) -> Report:
    """The report with the maintainers' values in place of the stated ones, each noted."""
    from govreports.contract.models import Fact

    if not corrections:
        return report
    facts = list(report.facts)
    notes = list(report.notes)
    for c in corrections:
        assert c.table and c.row and c.column and c.value is not None
        value = _number(c.value)
        index = next((i for i, f in enumerate(facts) if f.key == (c.table, c.row, c.column)), None)
        who = f"{c.reviewer} on {c.at:%Y-%m-%d}"
        if index is None:
            facts.append(Fact(c.table, c.row, c.column, value))
            notes.append(
                f"review {c.review_id[:8]}: {c.table}/{c.row}/{c.column} not read from the "
                f"document; set to {value} by {who}: {c.reason}"
            )
        else:
            old = facts[index]
            facts[index] = dataclasses.replace(old, value=value)
            notes.append(
                f"review {c.review_id[:8]}: {c.table}/{c.row}/{c.column} read as {old.value} "
                f"({old.raw!r}, line {old.line}); corrected to {value} by {who}: {c.reason}"
            )
    return dataclasses.replace(report, facts=facts, notes=notes)


# ---------------------------------------------------------------------------------------------
# The review desk: find what a maintainer names, record the decision, re-validate.


class ReviewError(ValueError):
    """What the maintainer asked for cannot be done (unknown report, ambiguous id, …)."""


@dataclass(frozen=True, slots=True)
class Target:
    """The object version a decision is about."""

    key: str
    etag: str
    report_id: str | None
    quality_status: str | None  # None: quarantined, never published
    failed_rules: tuple[str, ...] = ()


def resolve(curated: Curated, ident: str) -> Target:
    """A published report by report_id (or a unique prefix of 8+ characters) or raw key;
    else a quarantined object by its key."""
    import pyarrow.compute as pc

    reports = curated.read(
        "reports", columns=["report_id", "key", "etag", "quality_status", "failed_rules"]
    )
    by_id = pc.starts_with(reports["report_id"], ident) if len(ident) >= 8 else None
    mask = pc.equal(reports["key"], ident)
    if by_id is not None:
        mask = pc.or_(mask, by_id)
    hits = reports.filter(mask).to_pylist()
    if len(hits) > 1:
        raise ReviewError(f"{ident!r} names {len(hits)} reports; give more of the report id")
    if hits:
        h = hits[0]
        failed = tuple(h["failed_rules"] or ())
        return Target(h["key"], h["etag"], h["report_id"], h["quality_status"], failed)
    current = curated.outcomes().get(ident)
    if current is not None:
        return Target(ident, current["etag"], current["report_id"], None)
    raise ReviewError(f"no published report or raw object is named {ident!r}")


def stated_value(
    curated: Curated, report_id: str, table: str, row: str, column: str
) -> float | None:
    facts = curated.read(
        "facts",
        columns=["table", "row", "column", "value"],
        filters=[("report_id", "=", report_id)],
    ).to_pylist()
    for f in facts:
        if (f["table"], f["row"], f["column"]) == (table, row, column):
            return float(f["value"])
    return None


def record_and_apply(settings: Settings, review: Review) -> dict[str, Any]:
    """Write the decision to ``reviews``, then re-validate the object so it takes effect now.

    The re-validation is an ordinary run (fetch → parse → validate → publish → quality
    site) of that one key, named ``review-<id>``, so it has its run page like any other.
    Returns the run's summary.
    """
    from expectations.reviews import problems
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    found = problems(review_rows([review]).to_pandas())
    if found:
        raise ReviewError("the decision breaks the reviews contract: " + "; ".join(found))
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.record_review(review)
    return revalidate(settings, [review.key], f"review-{review.review_id[:12]}")


def revalidate(settings: Settings, keys: Sequence[str], run_id: str) -> dict[str, Any]:
    """Run the objects through the pipeline again, whether or not they have an outcome."""
    # Imported here: the validate stage applies this module's decisions.
    from tasks.fetch import fetch
    from tasks.parse import parse
    from tasks.publish import publish
    from tasks.quality.report import quality_report
    from tasks.validate import validate

    fetched = fetch(settings, list(keys), force=True)
    parsed = parse(fetched, settings)
    validated = validate(settings, parsed)
    published = publish(settings, validated, run_id, force=True)
    quality_report(settings, published, run_id)
    summary: dict[str, Any] = published.summary()
    return summary


def review_table(curated: Curated) -> list[dict[str, Any]]:
    """Every decision, newest first, with ``stale`` (the file changed since: look again)."""
    current = curated.outcomes()
    rows = []
    for r in sorted(curated.reviews(), key=lambda r: r.at, reverse=True):
        row = r.as_row()
        row["stale"] = is_stale(r, current.get(r.key))
        rows.append(row)
    return rows


def export_cases(curated: Curated, out: Path) -> list[Path]:
    """Each report's corrections as a labelled case (bugs format: ``<case>.txt`` + ``.json``).

    The text is the report's normalized text (``reports.text``: the lines ``line`` counts);
    the label lists the corrected facts with the maintainers' values, so the parser's
    evaluation (``govreports eval``) scores them. Stale corrections are left out.
    """
    import json

    rows = [r for r in review_table(curated) if r["action"] == "correct" and not r["stale"]]
    by_report: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: r["at"]):
        by_report.setdefault(str(r["report_id"]), []).append(r)
    if not by_report:
        return []
    texts = {
        str(t["report_id"]): t
        for t in curated.read(
            "reports",
            columns=["report_id", "text", "key"],
            filters=[("report_id", "in", sorted(by_report))],
        ).to_pylist()
    }
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for report_id, corrections in by_report.items():
        report = texts.get(report_id)
        if report is None:
            continue
        name = f"review_{report_id[:12]}"
        facts: dict[tuple[str, str, str], dict[str, Any]] = {}
        for c in corrections:  # oldest first: the latest correction of a fact wins
            facts[(c["table"], c["row"], c["column"])] = {
                "table": c["table"],
                "row": c["row"],
                "column": c["column"],
                "value": _number(c["value"]),
            }
        label = {
            "file": f"{name}.txt",
            "checked_by": ", ".join(
                f"review {c['review_id'][:8]} by {c['reviewer']} on {c['at']:%Y-%m-%d}"
                for c in corrections
            ),
            "fields": {},
            "facts": list(facts.values()),
            "comments": [
                f"{c['table']}/{c['row']}/{c['column']}: read as {_shown(c['stated_value'])}, "
                f"corrected to {_number(c['value'])}: {c['reason']}"
                for c in corrections
            ]
            + [f"normalized text of {report['key']} (report {report_id})"],
        }
        (out / f"{name}.txt").write_text(str(report["text"] or ""), encoding="utf-8")
        target = out / f"{name}.json"
        target.write_text(json.dumps(label, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
    return written


def _shown(value: float | None) -> str:
    return "absent" if value is None else str(_number(value))
