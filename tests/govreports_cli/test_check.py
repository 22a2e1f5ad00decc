"""``govreports check``: exit 0 pass, 1 consistency failure, 2 unreadable or quarantined."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreports_cli.cli import main

# check validates with the real Great Expectations suites.
pytestmark = pytest.mark.usefixtures("gx")


CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus/reports"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


@needs_corpus
def test_clean_report_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    # Huaian 2024: table 3 balances (R1-R3) and table 4 totals 351/26/20 add up.
    assert main(["check", str(CORPUS / "2021fmt_huaian_2024.pdf")]) == 0
    out = capsys.readouterr().out
    assert "PASS" in out and "R1" in out


def test_unreadable_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be read" in err[0] and "Traceback" not in err[0]


def test_check_and_the_quarantine_record_carry_the_same_code_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from govreports.contract.models import ParseError
    from govreports_cli.samples.hostile import hostile_files
    from tasks.parse import parse_document

    case = next(c for c in hostile_files(heavy=False) if c.name == "corrupt_zip.docx")
    path = tmp_path / case.name
    path.write_bytes(case.data)
    try:
        parse_document(case.data, case.name)
    except ParseError as exc:
        expected = f"{exc.code}: {exc.reason}"
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected.startswith("corrupt_archive: ") and expected in err
