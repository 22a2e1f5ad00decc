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
  quarantined report (critical rule) cannot be accepted: it has no trustworthy row.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from tasks.models import Report

Action = Literal["accept", "correct", "reject"]
ACTIONS: tuple[Action, ...] = ("accept", "correct", "reject")

REVIEWS = pa.schema(
    [
        ("review_id", pa.string()),
        ("action", pa.string()),  # accept | correct | reject
        ("key", pa.string()),  # the raw object reviewed
        ("etag", pa.string()),  # ... at this version
        ("report_id", pa.string()),  # sha256 of its bytes; null if it never parsed
        ("table", pa.string()),  # correct: the fact's key
        ("row", pa.string()),
        ("column", pa.string()),
        ("value", pa.float64()),  # correct: the maintainer's value
        ("stated_value", pa.float64()),  # correct: what the report was read as (null: absent)
        ("reason", pa.string()),
        ("reviewer", pa.string()),
        ("at", pa.timestamp("us", tz="UTC")),
    ]
)


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
    from tasks.models import Fact

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
