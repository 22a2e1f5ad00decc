"""``govreports review``: a maintainer's decisions on reports, recorded and applied at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from govreports.settings import Settings
    from tasks.delta import Curated

HELP = (
    "Accept, correct or reject reports (kept in the reviews table); list, export, rebuild the site."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    import getpass

    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    def decision(name: str, help_text: str, target: str) -> argparse.ArgumentParser:
        q = sub.add_parser(name, help=help_text, description=help_text)
        q.add_argument("target", metavar=target, help="report id (8+ characters) or raw object key")
        return q

    accept = decision(
        "accept", "accept a failing report as it is: it joins clean, marked reviewed", "REPORT"
    )
    correct = decision(
        "correct", "correct one fact of a report (the value, with a reason)", "REPORT"
    )
    correct.add_argument("fact", metavar="TABLE/ROW/COLUMN", help="the fact's contract key")
    correct.add_argument("value", type=float, help="the right value")
    reject = decision("reject", "reject an object as not a report: it is quarantined", "OBJECT")
    for q in (accept, correct, reject):
        q.add_argument("--reason", required=True, help="why (kept with the decision)")
        q.add_argument("--by", default=getpass.getuser(), help="who decides (default: your login)")
    listing = sub.add_parser("list", help="every decision, newest first; stale = the file changed")
    listing.add_argument("--stale", action="store_true", help="only decisions needing a new look")
    listing.add_argument("--json", action="store_true", help="print JSON")
    export = sub.add_parser(
        "export", help="write each report's corrections as a labelled case for the parser tests"
    )
    export.add_argument(
        "--out", type=Path, default=Path("tests/labelled/bugs"), help="default: tests/labelled/bugs"
    )
    sub.add_parser("site", help="rebuild the whole quality site from the tables")


def run(args: argparse.Namespace) -> int:
    import sys

    from govreports.settings import get_settings
    from tasks.delta import Curated
    from tasks.reviews import ReviewError
    from tasks.store import S3ObjectStore

    settings = get_settings()
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    try:
        if args.action in {"accept", "correct", "reject"}:
            return _decide(args, settings, curated)
        if args.action == "list":
            return _list(args, curated)
        if args.action == "export":
            return _export(args, curated)
        return _site(curated)
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _decide(args: argparse.Namespace, settings: Settings, curated: Curated) -> int:
    from govreports_cli.evaluate import is_contract_key
    from tasks.reviews import Review, ReviewError, record_and_apply, resolve, stated_value

    target = resolve(curated, args.target)
    table = row = column = None
    value = stated = None
    if args.action == "correct":
        parts = args.fact.split("/")
        if len(parts) != 3 or not is_contract_key(*parts):
            raise ReviewError(f"{args.fact!r} is not a TABLE/ROW/COLUMN key of the data contract")
        if target.report_id is None or target.quality_status is None:
            raise ReviewError(f"{args.target!r} was never published: there is no fact to correct")
        table, row, column = parts
        value = float(args.value)
        stated = stated_value(curated, target.report_id, table, row, column)
    if args.action == "accept" and target.quality_status is None:
        raise ReviewError(
            f"{args.target!r} is quarantined (a critical rule, or unreadable): only a "
            "published report can be accepted"
        )
    blocking = sorted(set(target.failed_rules) & set(settings.unacceptable_rules))
    if args.action == "accept" and blocking:
        raise ReviewError(
            f"{args.target!r} fails {', '.join(blocking)} (incomplete): it cannot be accepted "
            "into clean; correct its missing cells instead"
        )
    review = Review(
        action=args.action,
        key=target.key,
        etag=target.etag,
        report_id=target.report_id,
        reason=args.reason,
        reviewer=args.by,
        table=table,
        row=row,
        column=column,
        value=value,
        stated_value=stated,
    )
    summary = record_and_apply(settings, review)
    print(
        f"review {review.review_id[:12]}: {args.action} {target.key} "
        f"(report {str(target.report_id)[:12]}) by {review.reviewer}: recorded and applied "
        f"(pass {summary['pass']}, warn {summary['warn']}, fail {summary['fail']}, "
        f"quarantined {summary['quarantined']})"
    )
    return 0


def _list(args: argparse.Namespace, curated: Curated) -> int:
    import json

    from tasks.reviews import review_table

    rows = [r for r in review_table(curated) if r["stale"] or not args.stale]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return 0
    for r in rows:
        what = (
            f" {r['table']}/{r['row']}/{r['column']} = {r['value']:g}"
            if r["action"] == "correct"
            else ""
        )
        flag = "  STALE: the file changed, look again" if r["stale"] else ""
        print(
            f"{r['at']:%Y-%m-%d %H:%M} {r['review_id'][:12]} {r['action']:7} {r['key']}{what}"
            f"  by {r['reviewer']}: {r['reason']}{flag}"
        )
    print(f"{len(rows)} decision(s)")
    return 0


def _export(args: argparse.Namespace, curated: Curated) -> int:
    from tasks.reviews import export_cases

    written = export_cases(curated, args.out)
    for path in written:
        print(f"wrote {path} (+ {path.with_suffix('.txt').name})")
    print(f"{len(written)} case(s) in {args.out}")
    return 0


def _site(curated: Curated) -> int:
    from tasks.quality.site import write_site

    pages = write_site(curated)
    prefix = curated.settings.quality_prefix
    print(f"wrote {len(pages)} pages under s3://{curated.settings.bucket}/{prefix}")
    return 0
