"""A batch whose run raised: every object still gets an outcome if it can.

``run_batch`` is the four stages in this process (what the flow wires); ``recover``
halves a failed batch until the objects it fails on stand alone, records an attempt
for each, and quarantines one as ``poison`` after enough attempts across runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tasks.batch import Quarantined
from tasks.delta import Curated
from tasks.fetch import fetch
from tasks.parse import parse
from tasks.publish import Published, publish, publish_batch
from tasks.validate import validate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from govreports.settings import Settings


def run_batch(settings: Settings, keys: Sequence[str], run_id: str) -> Published:
    """The four stages on ``keys``, in this process (no Prefect): what the flow wires."""
    return publish(settings, validate(settings, parse(fetch(settings, keys), settings)), run_id)


@dataclass(slots=True)
class Recovered:
    """What became of a batch whose run raised: the parts that went through, the objects
    that failed alone (one more attempt recorded) and those now quarantined as poison."""

    published: list[Published] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # key -> the error
    poisoned: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "recovered_batches": len(self.published),
            "published": sum(len(p.result.published) for p in self.published),
            "quarantined": sum(len(p.result.quarantined) for p in self.published),
            "failed": len(self.failed),
            "poisoned": len(self.poisoned),
        }


def recover(
    settings: Settings, keys: Sequence[str], stage: str, error: BaseException, run_id: str
) -> Recovered:
    """After the batch ``keys`` raised in ``stage``: give every object an outcome if it can.

    The batch is halved until the objects it fails on stand alone (the rest go through in
    their halves); an object that fails alone gets one more attempt recorded, and at
    ``poison_after_attempts`` (across runs) it is quarantined as ``poison`` with the error,
    so reconcile never loops on it. If even recording fails (the store is down) this raises.
    """
    from tasks import attempts

    curated = Curated.from_settings(settings)
    out = Recovered()

    def failed_alone(key: str, exc: BaseException, where: str) -> None:
        ref = curated.store.head(key)
        if ref is None:
            return  # deleted meanwhile: nothing to give an outcome to
        text = f"{where}: {type(exc).__name__}: {exc}"[:500]
        seen = attempts.record_failure(curated, ref, text, run_id)
        if seen.count < settings.poison_after_attempts:
            out.failed[key] = text
            return
        reason = (
            f"failed on each of {seen.count} attempts across runs with an error that is not "
            f"a problem the document states; last: {text}"
        )
        publish_batch(curated, [], [Quarantined(ref, where, "poison", reason)], None, run_id)
        out.poisoned.append(key)

    def attempt(batch: list[str], exc: BaseException, where: str) -> None:
        if len(batch) == 1:
            failed_alone(batch[0], exc, where)
            return
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            try:
                out.published.append(run_batch(settings, half, run_id))
            except Exception as again:  # noqa: BLE001 - halved again until it stands alone
                attempt(half, again, "ingest")

    wanted = [k for k in dict.fromkeys(keys) if k.startswith(settings.raw_prefix)]
    if wanted:
        attempt(wanted, error, stage)
    return out
