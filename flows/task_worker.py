"""Prefect task workers for the ingest background task (docs/adr/0016-task-workers.md).

The standard way to run work without a process start per run: a long-lived process
subscribes to the Prefect server's queue of scheduled runs of ``ingest_batch`` (a websocket:
the server pushes each run, nobody polls) and runs them in its threads, at most ``limit`` at a
time. Several task workers (``govreports task-worker``, or ``prefect task serve
flows/ingest.py:ingest_batch`` on a machine where Great Expectations may load on the first
run) share the queue; each run goes to one of them. The watcher creates the runs with
``ingest_batch.delay(keys, idempotency_key)`` when ``GOVREPORTS_INGEST_VIA=task``.

A run's parameters and result are written under ``PREFECT_LOCAL_STORAGE_PATH`` by the process
creating it and read there by the worker: the watcher and its task workers share that folder
(one machine, or a shared volume); nothing leaves local disk.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from govreports.settings import Settings


def serve(settings: Settings, *, limit: int, ready_file: Path | None = None) -> None:
    """Serve ``ingest_batch`` until SIGTERM or Ctrl-C, warmed before the first run.

    ``ready_file`` is written once the worker is warm, as it starts subscribing (runs created
    before the subscription wait in the Prefect server's queue); the embedded runtime waits on
    it. (Prefect's own status server, ``status_server_port``, cannot be used: starting it
    reconfigures logging, which flushes Prefect's API log handler from its event loop and
    raises "Cannot call APILogWorker.flush from the global event loop" in 3.8.8.)
    """
    from prefect.settings import PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW, temporary_settings
    from prefect.task_worker import serve as serve_tasks

    from expectations._suite import runner
    from flows.ingest import ingest_batch
    from tasks.isolation import prestart
    from tasks.memory import settle_heap

    # Great Expectations (seconds to import) and its context: paid here, not by the first run.
    runner()
    settle_heap()  # what is alive now lives as long as the process (tasks/memory.py)

    # The parse worker process starts beside the subscription, not on the first upload.
    threading.Thread(target=prestart, args=(settings,), daemon=True).start()
    if ready_file is not None:
        ready_file.write_text(f"{os.getpid()}\n")
    # A background task run has no flow run, and Prefect ships only flow runs' logs: its few
    # own lines ("Finished in state ...") stay local instead of a warning each. The ingest flow
    # run it starts ships its logs as on the deployment path.
    with temporary_settings(updates={PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW: "ignore"}):
        serve_tasks(ingest_batch, limit=limit)
