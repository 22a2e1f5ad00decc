"""``demo --out``: an earlier demo's results are replaced (and said so), anything else refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govreports_cli.demo import OUT_MARKER, prepare_out

if TYPE_CHECKING:
    from pathlib import Path


def test_a_new_folder_is_created_and_marked(tmp_path: Path) -> None:
    said: list[str] = []
    out = tmp_path / "out"
    assert prepare_out(out, said.append) is None
    assert (out / OUT_MARKER).is_file() and said == []


def test_an_earlier_demo_is_replaced_not_mixed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert prepare_out(out, print) is None
    old_log = out / "curated" / "reports" / "_delta_log" / "00000000000000000000.json"
    old_log.parent.mkdir(parents=True)
    old_log.write_text("{}")
    (out / "quality").mkdir()
    said: list[str] = []
    assert prepare_out(out, said.append) is None
    assert not (out / "curated").exists() and not (out / "quality").exists()
    assert said == [f"replaced the previous demo results in {out}"]


def test_the_reports_folder_inside_out_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert prepare_out(out, print) is None
    mine = out / "samples"
    mine.mkdir()
    (mine / "a.txt").write_text("x")
    assert prepare_out(out, print, keep=mine) is None
    assert (mine / "a.txt").read_text() == "x"


def test_a_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("mine")
    problem = prepare_out(tmp_path, print)
    assert problem and "not an earlier demo's results" in problem
    assert (tmp_path / "thesis.docx").read_text() == "mine"
    assert not (tmp_path / OUT_MARKER).exists()


def test_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("x")
    assert prepare_out(target, print) == f"--out {target} is a file, not a folder"


def test_log_lines_print_through_the_display_not_around_it() -> None:
    """A library's warning during the live progress goes through rich's console (above the
    bar), never straight to the terminal; INFO stays off the console."""
    import io
    import logging
    import sys

    from rich.console import Console

    from govreports_cli.demo import console_logs

    lib = logging.getLogger("some.library")
    direct = logging.StreamHandler(sys.stderr)
    lib.addHandler(direct)
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    try:
        with console_logs(console), console_logs(console):
            assert direct not in lib.handlers
            assert not any(
                isinstance(h, logging.StreamHandler) and h.stream is sys.stderr
                for h in logging.getLogger().handlers
            )
            lib.warning("connection pool is full, discarding connection")
            lib.info("chatty detail")
        assert direct in lib.handlers  # put back afterwards
    finally:
        lib.removeHandler(direct)
    printed = out.getvalue()
    assert printed.count("connection pool is full") == 1 and "chatty detail" not in printed
