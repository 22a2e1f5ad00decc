"""Failed attempts per object version, across runs: what turns an endless redo into ``poison``.

A run whose stage raises leaves its objects without an outcome, and reconcile redoes them.
When the failure is about one document the tool cannot handle (not a problem the document
states, so not a quarantine reason of its own), redoing it forever would loop. So each
failed attempt is counted per ``key@etag`` in a small JSON record under
``<state_prefix>attempts/`` (the outcomes ledger only holds final outcomes); at
``max_attempts`` the object is quarantined as ``poison`` with the errors seen. A new version
of the object (another etag) starts again from zero. ``govreports audit`` shows the counts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tasks.delta import Curated
    from tasks.store import ObjectRef


@dataclass(slots=True)
class Attempts:
    key: str
    etag: str
    count: int = 0
    errors: list[str] = field(default_factory=list)  # the last few, newest last
    runs: list[str] = field(default_factory=list)


_KEEP_ERRORS = 5


def _record_key(curated: Curated, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{curated.settings.state_prefix}attempts/{digest}.json"


def read(curated: Curated, ref: ObjectRef) -> Attempts:
    """The failed attempts recorded for this version of the object (zero if none or older)."""
    payload: Any = curated.store.get_json(_record_key(curated, ref.key))
    if not isinstance(payload, dict) or payload.get("etag") != ref.etag:
        return Attempts(ref.key, ref.etag)
    return Attempts(
        ref.key,
        ref.etag,
        int(payload.get("count", 0)),
        [str(e) for e in payload.get("errors", [])],
        [str(r) for r in payload.get("runs", [])],
    )


def record_failure(curated: Curated, ref: ObjectRef, error: str, run_id: str) -> Attempts:
    """Count one more failed attempt of this object version; return the updated record."""
    seen = read(curated, ref)
    seen.count += 1
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    seen.errors = [*seen.errors, f"{stamp} run {run_id}: {error}"][-_KEEP_ERRORS:]
    seen.runs = [*seen.runs, run_id][-_KEEP_ERRORS:]
    curated.store.put_json(
        _record_key(curated, ref.key),
        {
            "key": seen.key,
            "etag": seen.etag,
            "count": seen.count,
            "errors": seen.errors,
            "runs": seen.runs,
        },
    )
    return seen
