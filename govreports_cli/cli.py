"""The ``govreports`` command.

Each subcommand lives in ``govreports_cli/commands/<name>.py`` (``-`` as ``_``) and exposes
``HELP: str``, ``add_arguments(parser)`` and ``run(args) -> int``. Those modules
import only the standard library at top level and pull in heavy packages
(prefect, great_expectations, pandas) inside ``run``, so ``govreports --help``
and ``govreports parse`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

COMMANDS = (
    "parse",
    "check",
    "eval",
    "samples",
    "demo",
    "watch",
    "reconcile",
    "backfill",
    "audit",
    "deploy",
    "worker",
    "task-worker",
    "review",
)


# Modules of the ``embedded`` extra (pyproject.toml): the local S3 server, the PDF renderer and
# the CJK font the scanned samples are typeset in.
EMBEDDED_MODULES = frozenset({"moto", "reportlab", "paperang_p2_fonts_cjk"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govreports",
        description="Turn government information-disclosure annual reports into a curated dataset.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"govreports_cli.commands.{name.replace('-', '_')}")
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from tasks.store import MissingCredentialsError

    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args))
    except MissingCredentialsError as exc:
        sys.stderr.write(f"govreports: {exc}\n")
        return 2
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in EMBEDDED_MODULES:
            raise
        # A production install has no embedded servers or sample renderer: say what to add.
        sys.stderr.write(
            f"govreports {args.command}: needs {missing}, from the 'embedded' extra"
            " (pip install 'govreports[embedded]', or make setup)\n"
        )
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`govreports parse … | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
