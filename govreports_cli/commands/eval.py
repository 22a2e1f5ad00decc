from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

HELP = "Score the parser field by field against the hand-labelled reports; prints the accuracy."

_REPO_ROOT = Path(__file__).resolve().parents[2]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corpus",
        type=Path,
        default=(_REPO_ROOT / ".." / "shared" / "corpus").resolve(),
        help="folder holding reports/ (default: ../shared/corpus beside the project)",
    )
    p.add_argument(
        "--labels",
        type=Path,
        default=_REPO_ROOT / "tests" / "labelled",
        help="folder of label files, with bug cases in bugs/ (default: tests/labelled)",
    )
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument("--show-misses", action="store_true", help="list every wrong field")


def run(args: argparse.Namespace) -> int:
    corpus: Path = args.corpus
    if not (corpus / "reports").is_dir():
        print(f"eval: no corpus at {corpus} (expected a reports/ folder)", file=sys.stderr)
        return 2

    from govreports_cli.evaluate import LabelError, evaluate

    try:
        result = evaluate(corpus, args.labels)
    except LabelError as exc:
        print(f"eval: bad label: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return 0
    width = max((len(r.name) for r in result.reports), default=10)
    print(f"{'report':<{width}}  {'correct':>7}  {'total':>5}  {'pct':>7}")
    for r in result.reports:
        pct = 100.0 * r.correct / r.total if r.total else 0.0
        note = f"  [{r.error}]" if r.error else ""
        print(f"{r.name:<{width}}  {r.correct:>7}  {r.total:>5}  {pct:>6.2f}%{note}")
        if args.show_misses:
            for m in r.misses:
                print(f"    {m.field}: expected {_show(m.expected)}, got {_show(m.got)}")
    print(f"overall: {result.correct}/{result.total} fields correct ({result.percentage:.2f}%)")
    return 0


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
