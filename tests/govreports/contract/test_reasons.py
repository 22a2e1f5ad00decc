"""One place declares the quarantine codes; every code the code base raises is declared."""

from __future__ import annotations

import ast
from pathlib import Path

from govreports.contract.reasons import CODES

ROOT = Path(__file__).resolve().parents[3]


def _raised_codes() -> set[str]:
    """First string argument of every ``ParseError(...)`` / ``Quarantined(ref, stage, ...)``."""
    codes: set[str] = set()
    for path in [*ROOT.glob("tasks/**/*.py"), *ROOT.glob("flows/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            index = {"ParseError": 0, "Quarantined": 2}.get(node.func.id)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.add(arg.value)
    return codes


def test_every_raised_code_is_declared() -> None:
    raised = _raised_codes()
    assert {"empty", "not_a_report", "corrupt_archive", "critical"} <= raised
    assert raised <= set(CODES), raised - set(CODES)
