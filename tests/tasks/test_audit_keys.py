"""The audit checks the ledger's one row per key on the real tables (S3 server, Delta, GX)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa
import pytest
from deltalake import write_deltalake

from govreports.contract.tables import OUTCOMES
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
