"""The task-worker path for real: upload → watcher → ``ingest_batch.delay`` → a
``govreports task-worker`` process (Prefect's task worker) → dataset; reconcile through it."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

import pytest

from tasks.audit import audit
from tasks.delta import Curated
from tasks.sources import PollSource
from tasks.store import S3ObjectStore
from tests.support.loops import run_loops

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.s3,
    pytest.mark.gx,
    pytest.mark.corpus,
    pytest.mark.slow,
]


@pytest.fixture
def task_worker(
    settings: Settings, prefect_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """One ``govreports task-worker`` child on the session's Prefect server and this bucket."""
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH

    from govreports import settings as settings_module
    from govreports_cli.runtime import start_task_worker

    monkeypatch.setenv("GOVREPORTS_INGEST_VIA", "task")
    settings_module.get_settings.cache_clear()
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server,
        # Parameters and results of background runs: the folder this process writes them to.
        "PREFECT_LOCAL_STORAGE_PATH": str(PREFECT_LOCAL_STORAGE_PATH.value()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    worker = start_task_worker(env, tmp_path, limit=2)
    try:
        yield settings_module.get_settings()
    finally:
        worker.stop()


def wait_for_outcomes(curated: Curated, count: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = audit(curated)
        if result.ok and result.objects >= count:
            return
        time.sleep(0.3)
    raise AssertionError(
        f"no outcome within {timeout}s for {[r.key for r in audit(curated).missing]}"
    )


def ingest_batch_runs() -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        return list(
            client.read_task_runs(
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="ingest-batch"))
            )
        )


def wait_final(run_id: Any, timeout: float = 60) -> Any:
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            state = client.read_task_run(run_id).state
            if state is not None and state.is_final():
                return state
            time.sleep(0.3)
    raise AssertionError(f"task run {run_id} not final within {timeout}s")


def test_uploads_reach_an_outcome_through_the_task_worker(
    task_worker: Settings, corpus_dir: Path
) -> None:
    from flows.reconcile import reconcile
    from flows.watcher import Watcher, make_launcher

    settings = task_worker
    store = S3ObjectStore.from_settings(settings)
    curated = Curated(settings, store)
    curated.ensure_tables()
    launch = make_launcher(settings)
    launched: list[tuple[list[str], str]] = []

    def recording(keys: list[str], key: str) -> None:
        launch(keys, key)
        launched.append((keys, key))

    watcher = Watcher(
        source=PollSource(store, settings.raw_prefix, "state/cursor.json"),
        launch=recording,
        bucket=settings.bucket,
        window=0.3,
        poll_interval=0.2,
    )
    data = (corpus_dir / "reports" / "2021fmt_pingtan_2024.txt").read_bytes()
    with run_loops(watcher):
        store.put("raw/pingtan 2024.txt", data)
        store.put("raw/garbage.docx", b"PK\x03\x04 not really a zip")
        wait_for_outcomes(curated, 2)

    [row] = curated.read("reports").to_pylist()
    assert row["report_year"] == 2024
    outcomes = curated.outcomes()
    assert outcomes["raw/garbage.docx"]["outcome"] == "quarantined"
    runs = ingest_batch_runs()
    assert runs, "no ingest-batch task run: the objects did not go through the task worker"
    assert all(wait_final(r.id).is_completed() for r in runs)

    # A notification delivered again after its batch completed: the cached result, no new run
    # of the flow (the deployment path's idempotency key does the same).
    before = {r.id for r in runs}
    launch(*launched[0])
    [again] = [r for r in ingest_batch_runs() if r.id not in before]
    assert wait_final(again.id).name == "Cached"

    # Work no notification announced: reconcile starts it through the task worker too.
    late = store.put("raw/late.txt", data + b"\n")
    assert reconcile(mode="deployment")["started_runs"] == 1
    wait_for_outcomes(curated, 3)
    assert curated.outcomes()["raw/late.txt"]["etag"] == late.etag
