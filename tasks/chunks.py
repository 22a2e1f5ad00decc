"""Work units for the scale-out path: chunks of documents fetched and parsed where they run
(a Dask worker), regrouped by agency for validation, merged back for a single publish.

Plain functions, no Prefect: ``flows/ingest.py`` submits them through prefect-dask. A chunk
reads its own objects from the store, so document bytes never travel through the flow's
process or the scheduler; only the parsed reports and rule results come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tasks import batch
from tasks import fetch as fetch_stage
from tasks import parse as parse_stage
from tasks import validate as validate_stage
from tasks.memory import release_freed_memory

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from govreports.contract.models import Report
    from govreports.settings import Settings
    from tasks.delta import Curated
    from tasks.reviews import Review
    from tasks.store import ObjectRef


T = TypeVar("T")


class Opaque(Generic[T]):
    """A value Prefect and Dask pass along without walking it.

    Prefect's ``quote`` is a tuple subclass, which Dask's argument packing turns back into a
    plain tuple on the way to a worker; this plain object is left alone by both.
    """

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


def batched(keys: Iterable[str], size: int) -> Iterator[list[str]]:
    """Consecutive lists of at most ``size`` keys, without holding more than one in memory."""
    it = iter(keys)
    while chunk := list(islice(it, size)):
        yield chunk


def fetch_parse(
    settings: Settings, keys: Sequence[str], known: Mapping[str, Mapping[str, Any]]
) -> parse_stage.Parsed:
    """fetch → parse for one chunk of keys; per-document failures come back as quarantine.

    ``known``: the chunk's outcome rows, read once for the whole batch by the caller (one
    ledger read per batch, not one per chunk: with many workers the reads would add up).
    """
    # One document at a time: each Dask worker process already has a core of its own.
    fetched = fetch_stage.fetch(settings, keys, known=known)
    parsed = parse_stage.parse(fetched, settings, workers=1)
    del fetched
    # The worker's open tables (and their S3 client) stay on the worker: not picklable, and
    # the flow's process opens its own for publish.
    parsed.curated = None
    # A Dask worker lives for many chunks, as the task worker does for many batches: what
    # this chunk freed goes back to the system (tasks/memory.py), not to the next chunk.
    release_freed_memory()
    return parsed


def by_agency(parsed: Sequence[parse_stage.Parsed], size: int) -> list[parse_stage.Parsed]:
    """Regroup parsed chunks for validation so each agency's reports are validated together.

    The cross-year rules compare a report with the agency's previous year, taken from the
    dataset or from the same batch (a backfill of several years): splitting an agency over
    two validation chunks would hide the in-batch year from it. Agencies are packed into
    chunks of about ``size`` reports; one agency is never split. Quarantined and skipped
    entries ride with the first chunk.
    """
    groups: dict[str, list[tuple[ObjectRef, Report]]] = {}
    for chunk in parsed:
        for ref, report in chunk.reports:
            # No agency: no cross-year rule applies; the report's own id keeps it alone.
            groups.setdefault(report.agency or f"\0{report.report_id}", []).append((ref, report))
    quarantined = [q for c in parsed for q in c.quarantined]
    skipped = [k for c in parsed for k in c.skipped]
    timings = batch.Timings()
    for chunk in parsed:
        for stage, seconds in chunk.timings.seconds.items():
            timings.seconds[stage] = round(timings.seconds.get(stage, 0.0) + seconds, 4)
    out: list[parse_stage.Parsed] = []
    current: list[tuple[ObjectRef, Report]] = []
    for members in groups.values():
        if current and len(current) + len(members) > size:
            out.append(parse_stage.Parsed(current, [], [], batch.Timings()))
            current = []
        current.extend(members)
    if current or not out:
        out.append(parse_stage.Parsed(current, [], [], batch.Timings()))
    out[0].quarantined.extend(quarantined)
    out[0].skipped.extend(skipped)
    out[0].timings.seconds.update(timings.seconds)
    return out


@dataclass(frozen=True, slots=True)
class ValidationInputs:
    """What every validation chunk reads from the dataset, read once per batch by the caller."""

    reviews: list[Review]
    previous: dict[tuple[str, int], Report]

    @classmethod
    def read(cls, curated: Curated, parsed: Sequence[parse_stage.Parsed]) -> ValidationInputs:
        reports = [r for chunk in parsed for _, r in chunk.reports]
        previous = curated.previous_reports(validate_stage.previous_pairs(reports))
        return cls(curated.reviews(), dict(previous))

    def for_chunk(self, parsed: parse_stage.Parsed) -> ValidationInputs:
        """Only the previous years of the chunk's own agencies travel with it."""
        agencies = {r.agency for _, r in parsed.reports if r.agency}
        previous = {k: v for k, v in self.previous.items() if k[0] in agencies}
        return ValidationInputs(self.reviews, previous)


def validate(
    settings: Settings, parsed: parse_stage.Parsed, inputs: ValidationInputs
) -> validate_stage.Validated:
    validated = validate_stage.validate(
        settings, parsed, reviews=inputs.reviews, previous=inputs.previous
    )
    validated.curated = None  # as in fetch_parse
    release_freed_memory()  # as in fetch_parse
    return validated


def merge(chunks: Sequence[validate_stage.Validated]) -> validate_stage.Validated:
    """One batch value from the chunks' values, as if the batch had been validated at once.

    Stage seconds are summed over chunks: they measure work, not the batch's wall time.
    """
    import pandas as pd

    timings = batch.Timings()
    for chunk in chunks:
        for stage, seconds in chunk.timings.seconds.items():
            timings.seconds[stage] = round(timings.seconds.get(stage, 0.0) + seconds, 4)
    frames = [c.rule_results for c in chunks if c.rule_results is not None]
    frames = [f for f in frames if not f.empty]
    return validate_stage.Validated(
        items=[it for c in chunks for it in c.items],
        quarantined=[q for c in chunks for q in c.quarantined],
        rule_results=pd.concat(frames, ignore_index=True) if frames else None,
        skipped=[k for c in chunks for k in c.skipped],
        timings=timings,
        # Later years each chunk re-validated (its agencies are whole within it: by_agency).
        revalidated=[r for c in chunks for r in c.revalidated],
    )
