"""``govreports parse FILE... [--json]``: parse report files and print what was read."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

HELP = "Parse report files (.txt, .html, .pdf, .docx) and print a summary or the contract JSON."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="report files, or folders (read recursively; the truth files `samples` writes "
        "beside its reports are skipped)",
    )
    parser.add_argument("--json", action="store_true", help="print the data-contract JSON")


def run(args: argparse.Namespace) -> int:
    from govreports.contract.models import ParseError
    from govreports.settings import get_settings
    from tasks.isolation import parse_bounded

    settings = get_settings()
    outputs: list[dict[str, Any]] = []
    failed = False
    files, skipped = expand(args.files)
    if skipped:
        print(
            f"skipped {len(skipped)} file(s) govreports wrote itself (*.truth.json of `samples`)",
            file=sys.stderr,
        )
    for path in files:
        try:
            data = path.read_bytes()
            report = parse_bounded(data, path.name, settings)
        except (ParseError, OSError) as exc:
            failed = True
            code = exc.code if isinstance(exc, ParseError) else "unreadable"
            reason = exc.reason if isinstance(exc, ParseError) else (exc.strerror or str(exc))
            print(f"{path}: {code}: {reason}", file=sys.stderr)
            if args.json:
                outputs.append({"file": str(path), "error": {"code": code, "reason": reason}})
            continue
        if args.json:
            outputs.append(report.to_dict())
        else:
            print(_summary(str(path), report.to_dict()))
    if args.json:
        single = len(args.files) == 1 and not args.files[0].is_dir()
        payload: Any = outputs[0] if single and outputs else outputs
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 2 if failed else 0


# What ``govreports samples`` writes beside each report: its ground truth, not a report.
TRUTH_SUFFIX = ".truth.json"


def expand(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files to parse (folders walked in name order, hidden files left out) and the
    truth files skipped. A file named on the command line is always parsed."""
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for child in sorted(path.rglob("*")):
            if not child.is_file() or child.name.startswith("."):
                continue
            (skipped if child.name.endswith(TRUTH_SUFFIX) else files).append(child)
    return files, skipped


def _summary(path: str, report: dict[str, Any]) -> str:
    region = "/".join(v for v in report["region"].values() if v) or "-"
    tables = sorted({f["table"] for f in report["facts"]})
    lines = [
        f"{path}",
        f"  title:     {report['title']}",
        f"  agency:    {report['agency']}  ({region})",
        f"  year:      {report['report_year']}  format: {report['format']}",
        f"  published: {report['published_on']}  signed: {report['signed_on']}",
        (
            f"  sections:  {len(report['sections'])}  facts: {len(report['facts'])}"
            f" ({', '.join(tables)})"
        ),
    ]
    for field, src in report.get("meta_sources", {}).items():
        where = f" line {src['line']}" if src.get("line") else ""
        raw = " ".join(str(src["raw"]).split())
        lines.append(f"  {field} from {src['source']}{where}: {raw[:70]}")
    lines.extend(f"  note: {note}" for note in report["notes"])
    return "\n".join(lines)
