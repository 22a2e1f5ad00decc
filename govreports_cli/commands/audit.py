from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = (
    "List every raw object and its outcome and check every curated table's key (one row per "
    "key: the ledger's one row per raw object, one fact per report and cell, ...) and that "
    "clean holds only admitted, complete reports; exit 1 when any object has no outcome or a "
    "table breaks its contract, 2 when the store or bucket cannot be "
    "used. Read-only."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    p.add_argument(
        "--quiet", action="store_true", help="print only the totals and the missing objects"
    )


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from expectations.contracts import CONTRACTS
    from govreports.settings import get_settings
    from tasks.audit import StoreUnreachableError, audit, check_store
    from tasks.delta import Curated
    from tasks.store import MissingCredentialsError, S3ObjectStore

    settings = get_settings()
    try:
        curated = Curated(settings, S3ObjectStore.from_settings(settings))
        check_store(curated)
    except (StoreUnreachableError, MissingCredentialsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = audit(curated, tables=list(CONTRACTS))
    broken = {name: k for name, k in result.keys.items() if not k.ok}
    outcomes = curated.outcomes(create=False)
    if args.json:
        payload = {
            "objects": result.objects,
            "published": result.published,
            "quarantined": {k: outcomes[k]["reason"] for k in result.quarantined},
            "missing": [r.version_id for r in result.missing],
            "attempts": result.attempts,
            "keys": {
                name: {
                    "key": list(k.key),
                    "rows": k.rows,
                    "duplicate_rows": k.duplicate_rows,
                    "null_key_rows": k.null_key_rows,
                    "duplicate_keys": [list(d) for d in k.duplicate_keys],
                }
                for name, k in result.keys.items()
            },
            "rows": result.rows,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        if not args.quiet:
            for key in result.published:
                print(f"published    {key}")
            for key in result.quarantined:
                print(f"quarantined  {key}  ({outcomes[key]['reason']})")
        for ref in result.missing:
            tried = result.attempts.get(ref.key, 0)
            note = (
                f"  ({tried} failed attempts; last: {result.last_error[ref.key]})" if tried else ""
            )
            print(f"MISSING      {_shown(ref.key)}@{ref.etag}{note}")
        for name, k in broken.items():
            shown = ", ".join("/".join(map(str, d)) for d in k.duplicate_keys)
            print(
                f"KEY BROKEN   {name} ({', '.join(k.key)}): {k.duplicate_rows} of {k.rows} rows "
                f"share a key, {k.null_key_rows} with a null key part"
                + (f"; e.g. {shown}" if shown else "")
            )
        for name, found in result.rows.items():
            for problem in found:
                print(f"ROWS BROKEN  {name}: {problem}")
        print(
            f"{result.objects} objects: {len(result.published)} published, "
            f"{len(result.quarantined)} quarantined, {len(result.missing)} without outcome"
        )
    return 0 if result.ok else 1


def _shown(key: str) -> str:
    """The key as is, or quoted when it holds a newline, tab or other control character."""
    return key if key.isprintable() else repr(key)
