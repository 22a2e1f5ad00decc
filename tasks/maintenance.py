"""Table health as the curated tables grow: compaction, checkpoints, vacuum.

Every publish adds a few small files per table and one JSON commit to its log. Left
alone, a table of a nationwide backfill has hundreds of thousands of small files and a
log that every reader replays. This runs on a schedule (``flows/maintenance.py``):

- compaction bin-packs the small files of each partition into files of
  ``maintenance_target_file_mb`` (only partitions with small files are rewritten);
- a checkpoint after it, so opening a table reads one Parquet file plus the
  commits since, instead of every JSON commit;
- vacuum deletes the files no version newer than ``maintenance_retention_hours`` refers
  to (readers and time travel within that window still work), and old log entries go
  with ``cleanup_metadata``.

Plain functions: the flow only wires them. A compaction that meets a concurrent publish
conflicts at commit like any writer; the flow's task retries it on the new state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from govreports.contract.tables import TABLES

if TYPE_CHECKING:
    from govreports.settings import Settings


@dataclass(slots=True)
class TableMaintenance:
    table: str
    version_before: int
    version_after: int
    files_before: int
    files_after: int
    files_removed_by_compaction: int
    files_added_by_compaction: int
    files_vacuumed: int
    seconds: float
    partitions: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "files": f"{self.files_before} → {self.files_after}",
            "compacted": f"{self.files_removed_by_compaction} → {self.files_added_by_compaction}",
            "vacuumed": self.files_vacuumed,
            "version": f"{self.version_before} → {self.version_after}",
            "seconds": round(self.seconds, 2),
        }


def maintain_table(
    settings: Settings,
    table: str,
    *,
    vacuum: bool = True,
) -> TableMaintenance:
    """Compact, checkpoint and (optionally) vacuum one curated table."""
    from deltalake import DeltaTable

    from tasks.store import delta_storage_options

    start = time.perf_counter()
    dt = DeltaTable(settings.table_uri(table), storage_options=delta_storage_options(settings))
    version_before = dt.version()
    files_before = len(dt.file_uris())
    metrics = dt.optimize.compact(target_size=settings.compaction_target_bytes)
    removed = int(metrics.get("numFilesRemoved", 0))
    added = int(metrics.get("numFilesAdded", 0))
    dt.create_checkpoint()
    vacuumed: list[str] = []
    if vacuum:
        vacuumed = dt.vacuum(
            retention_hours=settings.maintenance_retention_hours,
            dry_run=False,
            # A retention under the 7-day default is a deliberate setting (tests, small
            # installs); the setting is the policy, not delta-rs's guard.
            enforce_retention_duration=False,
        )
        dt.cleanup_metadata()
    return TableMaintenance(
        table=table,
        version_before=version_before,
        version_after=dt.version(),
        files_before=files_before,
        files_after=len(dt.file_uris()),
        files_removed_by_compaction=removed,
        files_added_by_compaction=added,
        files_vacuumed=len(vacuumed),
        seconds=time.perf_counter() - start,
    )


def table_names() -> list[str]:
    return list(TABLES)
