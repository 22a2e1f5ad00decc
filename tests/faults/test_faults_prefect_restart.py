"""The Prefect server restarts while ingest runs are queued; a warm worker rides it out.

A real Prefect server (``govreports_cli.runtime.start_prefect``, SQLite in a temporary home) on a
fixed port; the ingest deployment applied; a ``govreports worker`` process polling it; two
ingest runs queued (scheduled a few seconds ahead, so they are still queued when the server
goes). The server is stopped (SIGTERM) and started again on the same port and database. The
worker logs its failed polls, reconnects, claims the queued runs and runs them: every object
gets its outcome, once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET, free_port, prefect_env, start_prefect
from tests.support.faults import ChaosProxy, check_invariant

if TYPE_CHECKING:
    from govreports.settings import Settings
    from govreports_cli.runtime import Server

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.s3,
    pytest.mark.gx,
    pytest.mark.corpus,
    pytest.mark.slow,
]

ROOT = Path(__file__).resolve().parents[2]


def test_queued_runs_survive_a_server_restart(
    fault_settings: Settings, s3_server: Server, tmp_path: Path, corpus_dir: Path
) -> None:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import apply_all
    from tasks.audit import audit
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    settings = fault_settings
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    batches = [["raw/2021fmt_pingtan_2024.txt", "raw/e.txt"], ["raw/pre2019_pingtan_2015.txt"]]
    for key in (k for b in batches for k in b):
        name = key.removeprefix("raw/")
        data = b"" if name == "e.txt" else (corpus_dir / "reports" / name).read_bytes()
        curated.store.put(key, data)

    home, port = tmp_path / "prefect", free_port()
    home.mkdir()
    server = start_prefect(home, port=port)
    # The worker reaches the server through a proxy, only to see when it has started polling.
    polling = threading.Event()
    spy = ChaosProxy(("127.0.0.1", port)).start()
    spy.on_request = lambda method, path: polling.set() or True
    worker = None
    try:
        with temporary_settings({PREFECT_API_URL: server.url}):
            apply_all()
            env = {
                **os.environ,
                **prefect_env(home, f"{spy.url}/api"),
                "GOVREPORTS_S3_ENDPOINT_URL": s3_server.url,
                "GOVREPORTS_AWS_ACCESS_KEY_ID": LOCAL_KEY,
                "GOVREPORTS_AWS_SECRET_ACCESS_KEY": LOCAL_SECRET,
                "GOVREPORTS_BUCKET": settings.bucket,
                "GOVREPORTS_DATA_DOCS": "false",
            }
            worker = subprocess.Popen(
                [sys.executable, "-m", "govreports_cli.cli", "worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 60
            while not (polling.is_set() and "/flow_runs/filter" in str(spy.requests[-1:])):
                assert time.monotonic() < deadline and worker.poll() is None, "no worker"
                time.sleep(0.2)
            due = datetime.now(UTC) + timedelta(seconds=3)
            runs = [
                run_deployment(
                    settings.ingest_deployment,
                    parameters={"keys": keys},
                    timeout=0,
                    scheduled_time=due,
                    idempotency_key=f"{settings.bucket}/restart-{n}",
                )
                for n, keys in enumerate(batches)
            ]
            assert all(r.state is not None and r.state.is_scheduled() for r in runs)  # type: ignore[union-attr]
        server.stop()
        time.sleep(3)  # the worker polls a dead server meanwhile
        assert worker.poll() is None, "the worker died with the server"
        server = start_prefect(home, port=port)

        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not audit(curated).ok:
            assert worker.poll() is None, "the worker died"
            time.sleep(1)
        result = audit(curated)
        assert result.ok, [r.key for r in result.missing]
        counts = check_invariant(curated)
        reasons = {k: o["reason"] for k, o in curated.outcomes().items()}
        assert (counts["published"], counts["quarantined"]) == (2, 1), reasons
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                out, _ = worker.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                out, _ = worker.communicate()
            print(out.decode(errors="replace")[-3000:])
        spy.close()
        server.stop()
