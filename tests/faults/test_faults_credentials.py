"""Credentials never end up in logs, artifacts, quality reports or quarantine records.

The run uses a distinctive secret key (moto accepts any), logs at DEBUG (botocore included),
goes through an S3 outage (so retries log their errors and tracebacks) and quarantines
something; then every place a secret could leak to is scanned for it: captured log records
and stdout/stderr, every object the pipeline wrote (quality reports, quarantine records,
Delta tables and logs, watcher state), and the run's logs, artifacts and parameters on the
Prefect server.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from govreports.settings import Settings
    from tests.support.faults import ChaosProxy

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]


def test_the_secret_key_is_nowhere(  # noqa: PLR0917
    chaos_proxy: ChaosProxy,
    settings_for: Callable[..., Settings],
    prefect_server: str,
    corpus_dir: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )

    from flows.ingest import ingest
    from tasks.store import S3ObjectStore

    secret = f"SECRET-{uuid.uuid4().hex}"
    settings = settings_for(
        chaos_proxy.url,
        GOVREPORTS_AWS_SECRET_ACCESS_KEY=secret,
        GOVREPORTS_DATA_DOCS="true",  # the Data Docs site is an artifact too
    )
    assert secret not in repr(settings) and secret not in str(settings.model_dump())
    store = S3ObjectStore.from_settings(settings)
    store.put("raw/good.txt", (corpus_dir / "reports" / "2021fmt_pingtan_2025.txt").read_bytes())
    store.put("raw/letter.txt", "关于某事的函\n特此函告。\n".encode())
    fired = threading.Event()

    def outage_at_first_commit(method: str, path: str) -> bool:
        if not fired.is_set() and method == "PUT" and "/_delta_log/" in path:
            fired.set()
            chaos_proxy.go_down()
            threading.Timer(2.0, chaos_proxy.come_back).start()
            return False
        return True

    chaos_proxy.on_request = outage_at_first_commit
    caplog.set_level(logging.DEBUG)
    state = ingest(["raw/good.txt", "raw/letter.txt"], return_state=True)
    assert state.is_completed() and fired.is_set()
    run_id = state.state_details.flow_run_id

    captured = capsys.readouterr()
    leaks = []
    if secret in caplog.text or any(secret in str(r.__dict__) for r in caplog.records):
        leaks.append("log records")
    if secret in captured.out or secret in captured.err:
        leaks.append("stdout/stderr")
    written = [r.key for r in store.list("")]
    assert any(k.startswith("quality/") for k in written)
    assert any(k.startswith("quarantine/") for k in written)
    for key in written:
        data = store.read(key, max_bytes=1 << 30).data or b""
        if secret.encode() in data:
            leaks.append(key)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
        flow_run = client.read_flow_run(run_id)
    assert logs and artifacts
    if any(secret in log.message for log in logs):
        leaks.append("prefect logs")
    if any(secret in str(a.data) or secret in str(a.description) for a in artifacts):
        leaks.append("prefect artifacts")
    if secret in flow_run.model_dump_json():
        leaks.append("flow run")
    assert leaks == []
