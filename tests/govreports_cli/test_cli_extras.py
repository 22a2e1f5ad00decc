"""A production install has no ``embedded`` extra: the commands needing it say so and exit 2."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from govreports_cli.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_samples_without_reportlab_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Uninstalling a package is not possible here; ``None`` in sys.modules is how Python
    # itself marks a module as absent (the import raises ModuleNotFoundError).
    for name in [m for m in sys.modules if m == "reportlab" or m.startswith("reportlab.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "govreports_cli.samples.render_pdf", raising=False)
    monkeypatch.setitem(sys.modules, "reportlab", None)

    assert main(["samples", "--n", "1", "--out", str(tmp_path / "samples")]) == 2
    err = capsys.readouterr().err
    assert "needs reportlab, from the 'embedded' extra" in err


def test_scanned_samples_without_the_cjk_font_name_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from govreports_cli.samples import render_scan

    render_scan._font.cache_clear()  # a font registered earlier in this process is cached
    monkeypatch.setitem(sys.modules, "paperang_p2_fonts_cjk", None)
    out = tmp_path / "samples"

    assert main(["samples", "--n", "1", "--layouts", "pdf_scan", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "needs paperang_p2_fonts_cjk, from the 'embedded' extra" in err
    render_scan._font.cache_clear()


def test_the_embedded_s3_server_without_moto_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    import pytest

    from govreports_cli.runtime import start_s3

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "moto" else real(name, *a)
    )
    with pytest.raises(ModuleNotFoundError) as raised:
        start_s3(tmp_path)
    assert raised.value.name == "moto"
