"""The maintenance flow on a real Prefect server: every curated table, one task each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from govreports.contract.tables import TABLES
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings

pytestmark = [pytest.mark.prefect, pytest.mark.s3]


def test_maintenance_flow_checkpoints_every_table(settings: Settings, prefect_server: str) -> None:
    from flows.maintenance import maintain

    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    summary = maintain(vacuum=False)
    assert sorted(summary) == sorted(TABLES)
    for table in TABLES:
        key = f"{settings.curated_prefix}{table}/_delta_log/_last_checkpoint"
        assert curated.store.head(key) is not None, table
