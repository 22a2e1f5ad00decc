"""First use of ``samples`` and ``parse`` together: a folder of samples parses as reports only,
and ``samples --out`` onto a file is a clear error."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from govreports_cli.cli import main

if TYPE_CHECKING:
    from pathlib import Path


def test_parse_on_a_samples_folder_skips_the_truth_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "samples"
    assert main(["samples", "--n", "3", "--out", str(out), "--layouts", "txt_pipe,html"]) == 0
    reports = sorted(p for p in out.iterdir() if not p.name.endswith(".truth.json"))
    truths = sorted(out.glob("*.truth.json"))
    assert len(reports) == len(truths) == 3
    capsys.readouterr()

    assert main(["parse", str(out), "--json"]) == 0
    got = capsys.readouterr()
    parsed = json.loads(got.out)
    assert len(parsed) == 3 and all("report_id" in r for r in parsed)
    assert "skipped 3 file(s) govreports wrote itself" in got.err
    for truth_path, report in zip(truths, parsed, strict=True):
        assert report["report_year"] == json.loads(truth_path.read_text())["report_year"]


def test_a_truth_file_named_on_the_command_line_is_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only folder walks skip: a file asked for by name is parsed (and here, rejected)."""
    truth = tmp_path / "x.truth.json"
    truth.write_text("{}")
    assert main(["parse", str(truth)]) == 2
    assert "unsupported_type" in capsys.readouterr().err


def test_samples_out_onto_an_existing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert main(["samples", "--n", "1", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: --out {target} is a file; samples go into a folder\n"
    assert target.read_text() == "mine"


@pytest.mark.slow
def test_samples_hostile_then_parse_answers_each_file_with_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hostile classes as files, and the CLI's answer to each within the budgets."""
    out = tmp_path / "samples"
    assert main(["samples", "--n", "0", "--out", str(out), "--hostile"]) == 0
    expected = json.loads((out / "hostile" / "hostile.json").read_text())
    assert {"docx_bomb.docx", "deep_html.html", "nul_in_line.txt"} <= set(expected)
    capsys.readouterr()
    for name, want in expected.items():
        code = main(["parse", str(out / "hostile" / name)])
        err = capsys.readouterr().err
        if want["code"] in (None, "critical"):
            assert code == 0, (name, err)
        else:
            assert code == 2 and f"{name}: {want['code']}: " in err, (name, err)
