"""``govreports check FILE... [--json]``: parse and validate local files, no servers.

The files are validated together as one batch with the pipeline's suites, so
several years of one agency also get the cross-year rules (R8-R10, R16, P10).
Exit status: 0 all pass (warnings allowed), 1 a consistency rule fails, 2 a file
cannot be read or would be quarantined (or validation itself broke).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

HELP = "Parse and validate files; print each rule result (exit 0 pass, 1 fail, 2 unreadable)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="report files")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> int:
    import warnings

    from govreports.contract.models import ParseError, Report
    from govreports.settings import get_settings
    from tasks.isolation import parse_bounded

    warnings.filterwarnings("ignore")
    settings = get_settings()
    parsed: list[tuple[Path, Report]] = []
    errors: list[dict[str, Any]] = []
    for path in args.files:
        try:
            parsed.append((path, parse_bounded(path.read_bytes(), path.name, settings)))
        except (ParseError, OSError) as exc:
            code = exc.code if isinstance(exc, ParseError) else "unreadable"
            reason = exc.reason if isinstance(exc, ParseError) else (exc.strerror or str(exc))
            errors.append({"file": str(path), "error": {"code": code, "reason": reason}})
            print(f"{path}: cannot be read: {code}: {reason}", file=sys.stderr)
    outputs, status = _validate(parsed) if parsed else ([], 0)
    if outputs is None:
        return 2
    if args.json:
        print(json.dumps(errors + outputs, ensure_ascii=False, indent=2))
    else:
        for out in outputs:
            print(_render(out))
    return 2 if errors else status


def _validate(parsed: list[tuple[Path, Any]]) -> tuple[list[dict[str, Any]] | None, int]:
    import pandas as pd

    from govreports.contract.reasons import critical_reason
    from tasks.validate import ValidationToolError, validate_batch

    try:
        results = {r.report_id: validate_batch([r for _, r in parsed]) for _, r in parsed[:1]}
        shared = next(iter(results.values()))
        results = {r.report_id: shared for _, r in parsed}
    except ValidationToolError:
        # As the pipeline does: each file alone, so the one the validator fails on is named
        # (validator_error) and the others still get their verdicts.
        results = {}
        for path, report in parsed:
            try:
                results[report.report_id] = validate_batch([report])
            except ValidationToolError as exc:
                reason = f"the validator failed on this report: {exc}"
                print(f"{path}: would be quarantined: validator_error: {reason}", file=sys.stderr)
        if not results:
            return None, 2
    outputs: list[dict[str, Any]] = []
    status = 0 if len(results) == len({r.report_id for _, r in parsed}) else 2
    for path, report in parsed:
        result = results.get(report.report_id)
        if result is None:
            continue
        rr = result.rule_results
        verdict = result.verdicts[report.report_id]
        rows = rr[rr["report_id"] == report.report_id].drop(columns=["report_id"])
        rules = [
            {k: (None if v is None or pd.isna(v) else v) for k, v in rec.items()}
            for rec in rows.astype(object).to_dict("records")
        ]
        outputs.append(
            {
                "file": str(path),
                "report_id": report.report_id,
                "agency": report.agency,
                "report_year": report.report_year,
                "format": report.format,
                "status": verdict.status,
                "failed_rules": list(verdict.failed_rules),
                "warned_rules": list(verdict.warned_rules),
                "reasons": list(verdict.reasons),
                "rules": rules,
            }
        )
        if verdict.status == "quarantine":
            reason = critical_reason(verdict.reasons)
            print(f"{path}: would be quarantined: critical: {reason}", file=sys.stderr)
            status = 2
        elif verdict.status == "fail" and status < 2:
            status = 1
    return outputs, status


def _render(out: dict[str, Any]) -> str:
    head = (
        f"{out['file']}: {out['status'].upper()}  ({out['agency']}, {out['report_year']}, "
        f"format {out['format']})"
    )
    lines = [head]
    for r in sorted(out["rules"], key=lambda r: (r["passed"], _order(r["rule_id"]))):
        mark = "ok  " if r["passed"] else "FAIL"
        line = f"line {r['line']}" if r["line"] is not None else ""
        lines.append(
            f"  {mark} {r['rule_id']:<4} {r['severity']:<8} observed {r['observed']}  "
            f"expected {r['expected']}  {line}".rstrip()
        )
    return "\n".join(lines)


def _order(rule_id: str) -> tuple[str, int]:
    return rule_id[0], int(rule_id[1:]) if rule_id[1:].isdigit() else 0
