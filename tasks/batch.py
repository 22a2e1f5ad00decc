"""What travels between the stages of one batch: per-stage timings and quarantine entries;
and how objects are cut into batches (``runs_of``).

Per-object failures never raise: each stage turns them into ``Quarantined`` entries
(stage, code, reason) that travel on to publish, which records them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from tasks.store import ObjectRef

T = TypeVar("T")


@dataclass(slots=True)
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, start: float) -> None:
        self.seconds[stage] = round(time.perf_counter() - start, 4)


@dataclass(frozen=True, slots=True)
class Quarantined:
    ref: ObjectRef
    stage: str  # fetch | parse | validate | review
    code: str
    reason: str
    rule_ids: tuple[str, ...] = ()


def runs_of(
    items: Sequence[T], size: Callable[[T], int], max_objects: int, max_bytes: int
) -> list[list[T]]:
    """``items`` cut, in order, into runs of at most ``max_objects`` objects and ``max_bytes``
    bytes together (an object larger than ``max_bytes`` alone in its run).

    A run's fetched bytes are all in the worker's memory until it is parsed: a count alone
    let 800 scanned PDFs of a few MB each make one run of gigabytes."""
    runs: list[list[T]] = []
    run: list[T] = []
    held = 0
    for item in items:
        n = size(item)
        if run and (len(run) >= max_objects or held + n > max_bytes):
            runs.append(run)
            run, held = [], 0
        run.append(item)
        held += n
    if run:
        runs.append(run)
    return runs


def is_full(run: Sequence[T], size: Callable[[T], int], max_objects: int, max_bytes: int) -> bool:
    """Whether ``run`` is as large as a run may be (by count or by bytes)."""
    return len(run) >= max_objects or sum(size(item) for item in run) >= max_bytes
