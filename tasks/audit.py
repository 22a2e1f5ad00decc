"""The invariant: every raw object ends, at its current etag, published or quarantined, and the
ledger that says so holds one row per key (checked with Great Expectations, as every table's
key can be: ``expectations/<table>.py`` declares it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from expectations._suite import KeyCheck
    from tasks.delta import Curated
    from tasks.store import ObjectRef


class StoreUnreachableError(Exception):
    """The object store or bucket the settings name cannot be used; one line says why."""


def check_store(curated: Curated) -> None:
    """Fail with one clear sentence when the endpoint does not answer or the bucket is absent.

    Checked before any Delta read: delta-rs would retry a dead endpoint for a long time.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from tasks.store import S3ObjectStore

    if not isinstance(curated.store, S3ObjectStore):
        return  # an in-memory store (unit tests) has no endpoint to lose
    settings = curated.settings
    where = settings.s3_endpoint_url or "AWS S3"
    try:
        curated.store.client.head_bucket(Bucket=settings.bucket)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in {"404", "NoSuchBucket", "NotFound"}:
            raise StoreUnreachableError(
                f"bucket {settings.bucket!r} does not exist at {where}"
            ) from exc
        if code in {"403", "AccessDenied", "Forbidden"}:
            raise StoreUnreachableError(
                f"access to bucket {settings.bucket!r} at {where} denied"
            ) from exc
        raise StoreUnreachableError(
            f"bucket {settings.bucket!r} at {where}: {code or exc}"
        ) from exc
    except BotoCoreError as exc:
        raise StoreUnreachableError(f"cannot reach the object store at {where}: {exc}") from exc


@dataclass(slots=True)
class Audit:
    objects: int = 0
    published: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    missing: list[ObjectRef] = field(default_factory=list)  # no outcome at the current etag
    # key -> failed attempts of its current version so far (tasks/attempts.py), for missing ones
    attempts: dict[str, int] = field(default_factory=dict)
    last_error: dict[str, str] = field(default_factory=dict)
    # table -> its key check at rest (the ledger always; the other tables when asked)
    keys: dict[str, KeyCheck] = field(default_factory=dict)
    # table -> what its checks at rest found (clean: admitted, no unacceptable rule failed)
    rows: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            not self.missing
            and all(k.ok for k in self.keys.values())
            and not any(self.rows.values())
        )


LEDGER = ("outcomes",)


def check_keys(curated: Curated, tables: Sequence[str]) -> dict[str, KeyCheck]:
    """Each table's key (its contract in ``expectations/``) checked at rest by Great
    Expectations, reading only the key columns; a table not created yet is left out."""
    from deltalake.exceptions import TableNotFoundError

    from expectations._suite import run_key_check
    from expectations.contracts import CONTRACTS

    out: dict[str, KeyCheck] = {}
    for name in tables:
        contract = CONTRACTS[name]
        try:
            frame = curated.read(name, list(contract.key)).to_pandas()
        except TableNotFoundError:
            continue
        out[name] = run_key_check(contract, frame)
    return out


def check_clean(curated: Curated) -> list[str]:
    """``clean`` at rest: every row admitted (pass/warn or accepted), none failing an
    unacceptable rule (``expectations/clean.py``); [] when the table is not created yet."""
    from deltalake.exceptions import TableNotFoundError

    from expectations import clean

    try:
        frame = curated.read("clean", list(clean.COLUMNS)).to_pandas()
    except TableNotFoundError:
        return []
    return clean.problems(frame, curated.settings.unacceptable_rules)


def audit(curated: Curated, *, tables: Sequence[str] = LEDGER) -> Audit:
    """Read-only: a bucket without tables yet has no outcomes (nothing is created).

    ``tables``: the tables checked at rest, their key and (``clean``) their rows; the ledger
    by default, since it is what the audit reads; ``govreports audit`` checks every table."""
    from tasks import attempts

    result = Audit(keys=check_keys(curated, tables))
    if "clean" in tables:
        result.rows["clean"] = check_clean(curated)
    known = curated.outcomes(create=False)
    for ref in curated.store.list(curated.settings.raw_prefix):
        result.objects += 1
        row = known.get(ref.key)
        if row is None or row["etag"] != ref.etag:
            result.missing.append(ref)
            seen = attempts.read(curated, ref)
            if seen.count:
                result.attempts[ref.key] = seen.count
                result.last_error[ref.key] = seen.errors[-1] if seen.errors else ""
        elif row["outcome"] == "published":
            result.published.append(ref.key)
        else:
            result.quarantined.append(ref.key)
    return result
