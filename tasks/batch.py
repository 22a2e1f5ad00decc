"""What travels between the stages of one batch: per-stage timings and quarantine entries.

Per-object failures never raise: each stage turns them into ``Quarantined`` entries
(stage, code, reason) that travel on to publish, which records them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.store import ObjectRef


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
