"""The audit checks the tables at rest on the real tables (S3 server, Delta, GX): the ledger's
one row per key, and clean's rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa
import pytest
from deltalake import write_deltalake

from govreports.contract.tables import OUTCOMES, REPORTS
from govreports_cli.cli import main
from tasks.audit import audit
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings

pytestmark = pytest.mark.usefixtures("gx")


def _record(curated: Curated, key: str, etag: str, run_id: str) -> None:
    """One ledger row appended as another writer could (not through publish's replace)."""
    row = {
        "key": key,
        "etag": etag,
        "last_modified": datetime.now(UTC),
        "outcome": "quarantined",
        "report_id": None,
        "stage": "parse",
        "reason": "not_a_report: test",
        "run_id": run_id,
        "at": datetime.now(UTC),
    }
    write_deltalake(
        curated.uri("outcomes"),
        pa.Table.from_pylist([row], schema=OUTCOMES),
        mode="append",
        storage_options=curated.options,
    )


def test_a_duplicated_ledger_key_is_reported(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    store = S3ObjectStore.from_settings(settings)
    store.put("raw/a.txt", b"x")
    ref = store.head("raw/a.txt")
    assert ref is not None
    curated = Curated(settings, store)
    curated.ensure_tables()
    _record(curated, ref.key, ref.etag, "run-1")
    once = audit(curated)
    assert once.ok and once.keys["outcomes"].rows == 1

    _record(curated, ref.key, ref.etag, "run-2")
    twice = audit(curated)
    assert twice.missing == [] and twice.quarantined == ["raw/a.txt"]
    assert not twice.ok
    ledger = twice.keys["outcomes"]
    assert (ledger.rows, ledger.duplicate_rows, ledger.null_key_rows) == (2, 2, 0)
    assert ledger.duplicate_keys == (("raw/a.txt",),)

    assert main(["audit", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "KEY BROKEN   outcomes (key): 2 of 2 rows share a key" in out
    assert "raw/a.txt" in out


def test_an_incomplete_report_in_clean_is_reported(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    rows = [
        {"report_id": "a" * 64, "report_year": 2021, "quality_status": "warn", "failed_rules": []},
        # Accepted by a maintainer, but R17 (unacceptable) failed: it must not be in clean.
        {
            "report_id": "b" * 64,
            "report_year": 2021,
            "quality_status": "fail",
            "review_status": "accepted",
            "failed_rules": ["R17"],
        },
        {"report_id": "c" * 64, "report_year": 2021, "quality_status": "fail", "failed_rules": []},
    ]
    write_deltalake(
        curated.uri("clean"),
        pa.Table.from_pylist(rows, schema=REPORTS),
        mode="append",
        partition_by=["report_year"],
        storage_options=curated.options,
    )
    assert audit(curated).ok, "the ledger alone by default"
    result = audit(curated, tables=["clean"])
    assert not result.ok and result.keys["clean"].ok
    assert result.rows["clean"] == [
        (
            "admitted: expected quality_status pass/warn, or accepted by a maintainer "
            "(1 row(s): cccccccccccc)"
        ),
        "acceptable: expected no unacceptable rule failed (1 row(s): bbbbbbbbbbbb)",
    ]
    assert main(["audit", "--quiet"]) == 1
    assert "ROWS BROKEN  clean: acceptable: " in capsys.readouterr().out
