"""Table maintenance on a real S3 server: compaction, checkpoint, vacuum; rows unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
import pytest

from govreports.contract.tables import FACTS
from tasks.delta import Curated
from tasks.maintenance import maintain_table
from tasks.store import S3ObjectStore, delta_storage_options

if TYPE_CHECKING:
    from govreports.settings import Settings

pytestmark = [pytest.mark.s3]


def _facts(report_id: str, year: int, n: int) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "report_id": report_id,
                "report_year": year,
                "table": "applications",
                "row": f"row{i}",
                "column": "total",
                "value": float(i),
                "unit": "件",
                "approximate": False,
                "raw": str(i),
                "line": i,
            }
            for i in range(n)
        ],
        schema=FACTS,
    )


def test_compaction_checkpoint_and_vacuum_keep_the_rows(settings: Settings) -> None:
    from deltalake import DeltaTable, write_deltalake

    settings = settings.model_copy(update={"maintenance_retention_hours": 0})
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    uri, opts = settings.table_uri("facts"), delta_storage_options(settings)
    for i in range(6):  # six publishes: six small files in two partitions
        write_deltalake(uri, _facts(f"r{i}", 2023 + i % 2, 5), mode="append", storage_options=opts)
    # A replaced report leaves a file no version after it refers to: vacuum's work.
    write_deltalake(
        uri,
        _facts("r0", 2023, 3),
        mode="overwrite",
        predicate="report_id = 'r0'",
        storage_options=opts,
    )
    before = (
        DeltaTable(uri, storage_options=opts)
        .to_pyarrow_table()
        .sort_by([("report_id", "ascending"), ("row", "ascending")])
    )

    done = maintain_table(settings, "facts")

    assert done.files_before == 6
    assert done.files_after == 2  # one per partition
    assert done.files_removed_by_compaction == 6
    assert done.files_vacuumed >= 7  # the six compacted away and the one the overwrite replaced
    table = DeltaTable(uri, storage_options=opts)
    after = table.to_pyarrow_table().sort_by([("report_id", "ascending"), ("row", "ascending")])
    assert after.equals(before)
    assert after.num_rows == 5 * 5 + 3
    store = curated.store
    assert store.head(f"{settings.curated_prefix}facts/_delta_log/_last_checkpoint") is not None


def test_maintaining_an_empty_table_is_harmless(settings: Settings) -> None:
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    done = maintain_table(settings, "outcomes")
    assert (done.files_before, done.files_after, done.files_vacuumed) == (0, 0, 0)
