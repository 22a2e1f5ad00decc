"""``govreports audit`` through the real CLI entry, against the test S3 server.

Exit 0 when every raw object has an outcome at its current etag; 1 when one has none (never
processed, or changed since); the listing names each object and what became of it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from govreports_cli.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]


def test_audit_exit_codes(
    fault_settings: Settings,
    prefect_server: str,
    corpus_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from flows.ingest import ingest
    from tasks.store import S3ObjectStore

    store = S3ObjectStore.from_settings(fault_settings)
    good = (corpus_dir / "reports" / "pre2019_pingtan_2018.txt").read_bytes()
    store.put("raw/good.txt", good)
    store.put("raw/empty.txt", b"")

    assert main(["audit", "--quiet"]) == 1  # nothing processed yet (tables created on the way)
    assert capsys.readouterr().out.count("MISSING") == 2

    ingest(["raw/good.txt", "raw/empty.txt"])
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "published    raw/good.txt" in out
    assert "quarantined  raw/empty.txt  (empty:" in out
    assert "2 objects: 1 published, 1 quarantined, 0 without outcome" in out

    late = store.put("raw/late.txt", good + b"\n")  # an upload nobody announced
    assert main(["audit", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["missing"] == [late.version_id]
    assert payload["published"] == ["raw/good.txt"]
    assert list(payload["quarantined"]) == ["raw/empty.txt"]

    ingest(["raw/late.txt"])
    changed = store.put("raw/empty.txt", b"still nothing useful")  # a new version: no outcome
    assert main(["audit", "--quiet"]) == 1
    assert f"MISSING      {changed.key}@{changed.etag}" in capsys.readouterr().out

    assert main(["reconcile"]) == 0
    capsys.readouterr()
    assert main(["audit", "--quiet"]) == 0
    assert "3 objects: 2 published, 1 quarantined, 0 without outcome" in capsys.readouterr().out
