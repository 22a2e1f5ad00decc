"""``maintenance``: keep the curated tables healthy as they grow (see tasks/maintenance.py).

Scheduled beside ``reconcile`` in flows/deployments.py; one task per table, so a
table whose compaction conflicts with a publish retries alone.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from govreports.settings import get_settings
from tasks import maintenance


@task(name="maintain-table", retries=3, retry_delay_seconds=[5, 30, 60], cache_policy=NO_CACHE)
def maintain_table(table: str, vacuum: bool) -> dict[str, Any]:
    return maintenance.maintain_table(get_settings(), table, vacuum=vacuum).summary()


@flow(name="maintenance", persist_result=False)
def maintain(vacuum: bool = True) -> dict[str, Any]:
    """Compact small files, write a checkpoint and vacuum old files, table by table."""
    summary = {table: maintain_table(table, vacuum) for table in maintenance.table_names()}
    get_run_logger().info("maintenance %s", summary)
    return summary
