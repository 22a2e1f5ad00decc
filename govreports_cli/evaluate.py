"""Field-level accuracy of the parser against the hand-labelled reports in ``tests/labelled``.

A label file names one document and what a careful reader finds in it: the scalar fields, the
facts the document states, and the facts it does *not* state (``absent_facts``), which the parser
must not invent. Each of those is one scored field, so the score says how much of what a person
would read off the page the parser reads the same way.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

from govreports.contract import vocabulary
from govreports.contract.formats import LAYOUTS
from govreports.contract.models import Fact, Report
from govreports.contract.vocabulary import (
    LEGACY_STATS_COLUMNS,
    LEGACY_STATS_ROWS,
    TEXT_COLUMN,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (REPO_ROOT / ".." / "shared" / "corpus").resolve()
DEFAULT_LABELS = REPO_ROOT / "tests" / "labelled"
BUGS_DIR = "bugs"
FLOAT_TOLERANCE = 1e-6

Parse = Callable[[bytes, str], Report]
FactKey = tuple[str, str, str]

SCALAR_FIELDS = ("title", "agency", "report_year", "format", "published_on", "signed_on")
REGION_FIELDS = ("province", "city", "county")
FORMATS = frozenset({"pre2019", "2019", "2021", "unknown"})

# data-contract.md §2, as the vocabulary and the formats declare it: a label using any other
# name is a typo, not a new fact.
APPLICATION_ROWS = frozenset(
    row for lay in LAYOUTS for row, _ in (lay.tables or {}).get("applications", ())
)
APPLICATION_COLUMNS = frozenset(vocabulary.APPLICATION_COLUMNS)
REVIEW_ROWS = frozenset(vocabulary.REVIEW_ROWS)
REVIEW_COLUMNS = frozenset(vocabulary.REVIEW_COLUMNS)
# Every generation's columns of a 表二 row (a report may keep the other generation's form).
PROACTIVE_COLUMNS: dict[str, frozenset[str]] = {
    row: frozenset(
        column for lay in LAYOUTS for r, columns in lay.proactive if r == row for column in columns
    )
    for row in dict.fromkeys(row for lay in LAYOUTS for row, _ in lay.proactive)
}
LEGACY_ROWS = frozenset(LEGACY_STATS_ROWS)
TEXT_ROWS = frozenset(vocabulary.TEXT_ROWS)


def columns_for(table: str, row: str) -> frozenset[str]:
    """The columns the contract allows for ``table / row``; empty when the row is unknown."""
    if table == "applications":
        return APPLICATION_COLUMNS if row in APPLICATION_ROWS else frozenset()
    if table == "review_litigation":
        return REVIEW_COLUMNS if row in REVIEW_ROWS else frozenset()
    if table == "proactive":
        return PROACTIVE_COLUMNS.get(row, frozenset())
    if table == "legacy_stats":
        return frozenset(LEGACY_STATS_COLUMNS) if row in LEGACY_ROWS else frozenset()
    if table == "text":
        return frozenset({TEXT_COLUMN}) if row in TEXT_ROWS else frozenset()
    return frozenset()


def is_contract_key(table: str, row: str, column: str) -> bool:
    return column in columns_for(table, row)


@dataclass(frozen=True, slots=True)
class ExpectedFact:
    table: str
    row: str
    column: str
    value: int | float
    approximate: bool = False

    @property
    def key(self) -> FactKey:
        return (self.table, self.row, self.column)


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """A consistency rule the document itself breaks as published, declared beside its label.

    ``where`` is the rule instance (the column of a per-column rule, the row of a per-row rule),
    as ``tasks.parsing.tables_rules.check`` names it; ``why`` says what the page prints.
    """

    rule: str
    where: str
    why: str


@dataclass(frozen=True, slots=True)
class Label:
    """One labelled document: ``fields`` holds only the fields the label scores."""

    name: str
    document: Path
    fields: dict[str, Any]
    facts: tuple[ExpectedFact, ...]
    absent: tuple[FactKey, ...]
    group: str = "corpus"
    inconsistent: tuple[Inconsistency, ...] = ()


@dataclass(frozen=True, slots=True)
class Miss:
    field: str
    expected: Any
    got: Any


@dataclass(slots=True)
class ReportScore:
    name: str
    group: str
    correct: int = 0
    total: int = 0
    misses: list[Miss] = field(default_factory=list)
    error: str | None = None

    def check(self, name: str, expected: Any, got: Any, ok: bool) -> None:
        self.total += 1
        if ok:
            self.correct += 1
        else:
            self.misses.append(Miss(name, expected, got))


@dataclass(slots=True)
class EvalResult:
    reports: list[ReportScore]

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.reports)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.reports)

    @property
    def percentage(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "total": self.total,
            "percentage": round(self.percentage, 4),
            "reports": [asdict(r) for r in self.reports],
        }


class LabelError(ValueError):
    """A label file that does not follow the labelled-set format or the contract vocabulary."""


def label_problems(raw: Any, *, partial_fields: bool = False) -> list[str]:
    """Everything wrong with one parsed label file; empty when it is well-formed.

    Corpus labels must give every scalar field and the region; bug cases may score a subset.
    """
    if not isinstance(raw, dict):
        return ["the label is not a JSON object"]
    problems: list[str] = []
    if not isinstance(raw.get("file"), str) or not raw["file"]:
        problems.append("'file' must name the document")
    problems += _field_problems(raw.get("fields"), partial_fields)
    facts = raw.get("facts", [])
    if not isinstance(facts, list):
        return [*problems, "'facts' must be a list"]
    seen: set[FactKey] = set()
    for i, fact in enumerate(facts):
        problems += [f"facts[{i}]: {p}" for p in _fact_problems(fact)]
        if isinstance(fact, dict):
            key = (fact.get("table"), fact.get("row"), fact.get("column"))
            if key in seen:
                problems.append(f"facts[{i}]: duplicate key {key}")
            seen.add(key)  # type: ignore[arg-type]
    absent = raw.get("absent_facts", [])
    if not isinstance(absent, list):
        return [*problems, "'absent_facts' must be a list"]
    for i, key in enumerate(absent):
        if not (isinstance(key, list) and len(key) == 3 and all(isinstance(k, str) for k in key)):
            problems.append(f"absent_facts[{i}]: must be [table, row, column]")
        elif not is_contract_key(*key):
            problems.append(f"absent_facts[{i}]: {key} is not a contract key")
        elif tuple(key) in seen:
            problems.append(f"absent_facts[{i}]: {key} is also an expected fact")
    return problems + _inconsistency_problems(raw.get("inconsistent_as_published", []))


_RULE_ID = re.compile(r"[RP][0-9]{1,2}")


def _inconsistency_problems(declared: Any) -> list[str]:
    if not isinstance(declared, list):
        return ["'inconsistent_as_published' must be a list"]
    problems: list[str] = []
    for i, item in enumerate(declared):
        where = f"inconsistent_as_published[{i}]"
        if not isinstance(item, dict) or set(item) != {"rule", "where", "why"}:
            problems.append(f"{where}: must be an object with exactly rule, where and why")
        elif not (isinstance(item["rule"], str) and _RULE_ID.fullmatch(item["rule"])):
            problems.append(f"{where}: rule must be a rule id such as R4 or P3")
        elif not (isinstance(item["where"], str) and item["where"]):
            problems.append(f"{where}: where must name the rule instance (a column or row key)")
        elif not (isinstance(item["why"], str) and item["why"].strip()):
            problems.append(f"{where}: why must say what the document prints")
    return problems


def _field_problems(fields: Any, partial: bool) -> list[str]:
    if not isinstance(fields, dict):
        return ["'fields' must be an object"]
    problems = [f"unknown field {k!r}" for k in fields if k not in (*SCALAR_FIELDS, "region")]
    if not partial:
        missing = [k for k in (*SCALAR_FIELDS, "region") if k not in fields]
        problems += [f"missing field {k!r}" for k in missing]
    if "format" in fields and fields["format"] not in FORMATS:
        problems.append(f"format {fields['format']!r} is not one of {sorted(FORMATS)}")
    year = fields.get("report_year")
    if "report_year" in fields and year is not None and not isinstance(year, int):
        problems.append("report_year must be an integer or null")
    region = fields.get("region")
    if "region" in fields and (not isinstance(region, dict) or set(region) != set(REGION_FIELDS)):
        problems.append(f"region must have exactly {list(REGION_FIELDS)}")
    return problems


def _fact_problems(fact: Any) -> list[str]:
    if not isinstance(fact, dict):
        return ["not an object"]
    problems = [f"unknown key {k!r}" for k in fact if k not in _FACT_KEYS]
    table, row, column = fact.get("table"), fact.get("row"), fact.get("column")
    if not (isinstance(table, str) and isinstance(row, str) and isinstance(column, str)):
        return [*problems, "table, row and column must be strings"]
    if not is_contract_key(table, row, column):
        problems.append(f"({table}, {row}, {column}) is not a contract key")
    value = fact.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append("value must be a number")
    if not isinstance(fact.get("approximate", False), bool):
        problems.append("approximate must be true or false")
    return problems


_FACT_KEYS = frozenset({"table", "row", "column", "value", "approximate"})


def parse_label(raw: dict[str, Any], name: str, base: Path, group: str) -> Label:
    problems = label_problems(raw, partial_fields=group != "corpus")
    if problems:
        raise LabelError(f"{name}: " + "; ".join(problems))
    facts = tuple(
        ExpectedFact(f["table"], f["row"], f["column"], f["value"], f.get("approximate", False))
        for f in raw.get("facts", [])
    )
    absent = tuple((t, r, c) for t, r, c in raw.get("absent_facts", []))
    inconsistent = tuple(
        Inconsistency(d["rule"], d["where"], d["why"])
        for d in raw.get("inconsistent_as_published", [])
    )
    return Label(name, base / raw["file"], dict(raw["fields"]), facts, absent, group, inconsistent)


def load_labels(labels_dir: Path, corpus_dir: Path) -> list[Label]:
    """Corpus labels (files resolve against the corpus), then bug cases (against ``bugs/``)."""
    labels = [
        parse_label(_read_json(p), p.stem, corpus_dir, "corpus")
        for p in sorted(labels_dir.glob("*.json"))
    ]
    bugs = labels_dir / BUGS_DIR
    labels += [
        parse_label(_read_json(p), f"{BUGS_DIR}/{p.stem}", bugs, "bugs")
        for p in sorted(bugs.glob("*.json"))
    ]
    return labels


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise LabelError(f"{path.name}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise LabelError(f"{path.name}: the label is not a JSON object")
    return data


def values_equal(expected: Any, got: Any) -> bool:
    if isinstance(expected, float) or isinstance(got, float):
        if not isinstance(got, int | float) or not isinstance(expected, int | float):
            return False
        return math.isclose(expected, got, rel_tol=0.0, abs_tol=FLOAT_TOLERANCE)
    return bool(expected == got) and type(expected) is type(got)


def field_names(label: Label) -> list[str]:
    """The names ``score_report`` scores for ``label``, in the same order: one per field."""
    names = [name for name in SCALAR_FIELDS if name in label.fields]
    if "region" in label.fields:
        names += [f"region.{part}" for part in REGION_FIELDS]
    names += ["/".join(fact.key) for fact in label.facts]
    names += ["/".join(key) + " (absent)" for key in label.absent]
    return names


def score_report(label: Label, report: Report) -> ReportScore:
    """Compare one parsed report with its label, one scored field at a time."""
    score = ReportScore(label.name, label.group)
    for name in SCALAR_FIELDS:
        if name in label.fields:
            expected, got = label.fields[name], getattr(report, name)
            score.check(name, expected, got, values_equal(expected, got))
    if "region" in label.fields:
        for part in REGION_FIELDS:
            expected, got = label.fields["region"][part], getattr(report.region, part)
            score.check(f"region.{part}", expected, got, expected == got)
    parsed = _facts_by_key(report.facts)
    for fact in label.facts:
        found = parsed.get(fact.key)
        ok = (
            found is not None
            and values_equal(fact.value, found.value)
            and found.approximate == fact.approximate
        )
        got = None if found is None else _fact_summary(found)
        score.check("/".join(fact.key), _expected_summary(fact), got, ok)
    for key in label.absent:
        found = parsed.get(key)
        got = None if found is None else _fact_summary(found)
        score.check("/".join(key) + " (absent)", None, got, found is None)
    return score


def _facts_by_key(facts: Iterable[Fact]) -> dict[FactKey, Fact]:
    """First fact per key, as ``Report.fact`` would find it."""
    out: dict[FactKey, Fact] = {}
    for f in facts:
        out.setdefault(f.key, f)
    return out


def _fact_summary(fact: Fact) -> dict[str, Any]:
    return {"value": fact.value, "approximate": fact.approximate, "raw": fact.raw}


def _expected_summary(fact: ExpectedFact) -> dict[str, Any]:
    return {"value": fact.value, "approximate": fact.approximate}


def failed_report(label: Label, reason: str) -> ReportScore:
    """A document the parser could not read misses every field it should have given.

    It invents nothing either, so its absent facts still count as correct.
    """
    score = ReportScore(label.name, label.group, error=reason)
    got = f"error: {reason}"
    for name in SCALAR_FIELDS:
        if name in label.fields:
            score.check(name, label.fields[name], got, False)
    if "region" in label.fields:
        for part in REGION_FIELDS:
            score.check(f"region.{part}", label.fields["region"][part], got, False)
    for fact in label.facts:
        score.check("/".join(fact.key), _expected_summary(fact), got, False)
    for key in label.absent:
        score.check("/".join(key) + " (absent)", None, None, True)
    return score


def evaluate_labels(labels: Iterable[Label], parse: Parse) -> EvalResult:
    scores: list[ReportScore] = []
    for label in labels:
        try:
            data = label.document.read_bytes()
        except OSError as exc:
            scores.append(failed_report(label, f"cannot read {label.document.name}: {exc}"))
            continue
        try:
            report = parse(data, label.document.name)
        except Exception as exc:  # noqa: BLE001 - any parser failure is a scored miss, not a crash
            scores.append(failed_report(label, f"{type(exc).__name__}: {exc}"))
            continue
        scores.append(score_report(label, report))
    return EvalResult(scores)


def default_parse() -> Parse:
    """The project's parser, imported late: it is heavy and may still be under construction."""
    module = importlib.import_module("tasks.parse")
    return cast("Parse", module.parse_document)


def evaluate(corpus_dir: Path, labels_dir: Path, parse: Parse | None = None) -> EvalResult:
    """Parse every labelled document (corpus and bug cases) and score it against its label."""
    labels = load_labels(labels_dir, corpus_dir)
    if parse is None:
        try:
            parse = default_parse()
        except ImportError as exc:
            parse = _unavailable(exc)
    return evaluate_labels(labels, parse)


def _unavailable(exc: ImportError) -> Parse:
    """A parser that cannot be imported scores zero everywhere instead of hiding the labels."""

    def parse(data: bytes, filename: str) -> Report:
        raise RuntimeError(f"tasks.parse cannot be imported: {exc}")

    return parse
