"""The invariant: every raw object ends, at its current etag, published or quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.fetch import ObjectRef
    from tasks.publish import Curated


@dataclass(slots=True)
class Audit:
    objects: int = 0
    published: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    missing: list[ObjectRef] = field(default_factory=list)  # no outcome at the current etag

    @property
    def ok(self) -> bool:
        return not self.missing


def audit(curated: Curated) -> Audit:
    known = curated.outcomes()
    result = Audit()
    for ref in curated.store.list(curated.settings.raw_prefix):
        result.objects += 1
        row = known.get(ref.key)
        if row is None or row["etag"] != ref.etag:
            result.missing.append(ref)
        elif row["outcome"] == "published":
            result.published.append(ref.key)
        else:
            result.quarantined.append(ref.key)
    return result
