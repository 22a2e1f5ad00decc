"""Duplicate, late, out-of-order and missing notifications: one outcome per object version,
and an older version never overwrites a newer one.

The notifications are real S3 event messages on a real SQS queue (moto's server), read by the
real ``SqsSource`` and ``Watcher``, which start runs of the real ``ingest`` deployment on the
test Prefect server; a ``WarmWorker`` executes them. The late-version race goes through the
flow too: a worker process's run of version 1 is held (by the chaos proxy) just before its
publish while version 2 is uploaded and ingested; then it is let go.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import pytest

from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET
from tests.support.faults import ChaosProxy, check_invariant
from tests.support.loops import run_loops

if TYPE_CHECKING:
    from collections.abc import Callable

    from govreports.settings import Settings
    from govreports_cli.runtime import Server
    from tasks.delta import Curated

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]

ROOT = Path(__file__).resolve().parents[2]


def _report(corpus_dir: Path, name: str) -> bytes:
    return (corpus_dir / "reports" / name).read_bytes()


def _event(bucket: str, key: str, etag: str, size: int) -> str:
    record = {
        "eventName": "ObjectCreated:Put",
        "s3": {
            "bucket": {"name": bucket},
            "object": {"key": quote_plus(key), "eTag": etag, "size": size},
        },
    }
    return json.dumps({"Records": [record]})


def _curated(settings: Settings) -> Curated:
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    return curated


def _ingest_runs(client: Any, deployment_id: Any) -> list[Any]:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    return list(
        client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
        )
    )


@pytest.mark.slow
def test_duplicate_late_and_missing_notifications(
    fault_settings: Settings, s3_server: Server, prefect_server: str, corpus_dir: Path
) -> None:
    import boto3
    from prefect.client.orchestration import get_client

    from flows.deployments import apply_all
    from flows.reconcile import reconcile
    from flows.watcher import Watcher, deployment_launcher
    from flows.worker import WarmWorker
    from tasks.sources import SqsSource
    from tasks.store import aws_client_kwargs

    settings = fault_settings
    curated = _curated(settings)
    sqs = boto3.client("sqs", **aws_client_kwargs(settings))
    queue = sqs.create_queue(QueueName=f"raw-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    v1_bytes = _report(corpus_dir, "2021fmt_pingtan_2024.txt")
    v2_bytes = _report(corpus_dir, "2021fmt_pingtan_2025.txt")
    v1 = curated.store.put("raw/a b.txt", v1_bytes)  # a key that arrives URL-encoded
    time.sleep(1.1)  # S3 timestamps have one-second resolution
    v2 = curated.store.put("raw/a b.txt", v2_bytes)
    curated.store.put("raw/never-announced.txt", _report(corpus_dir, "pre2019_pingtan_2011.txt"))

    def send(*bodies: str) -> None:
        for body in bodies:
            sqs.send_message(QueueUrl=queue, MessageBody=body)

    ev1 = _event(settings.bucket, v1.key, v1.etag, len(v1_bytes))
    ev2 = _event(settings.bucket, v2.key, v2.etag, len(v2_bytes))
    flows = apply_all()
    name = settings.ingest_deployment
    watcher = Watcher(
        source=SqsSource(sqs, queue, settings.bucket, settings.raw_prefix),
        launch=deployment_launcher(name, settings.bucket),
        bucket=settings.bucket,
        window=0.0,
        poll_interval=0.0,
    )

    # Newest first, duplicated in the same receive; then the older version, late; then the
    # newest again, re-delivered later (as after a visibility timeout); junk in between.
    def drain() -> None:
        names: Any = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        for _ in range(100):
            watcher.step()
            left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
            if not watcher.pending and all(left[n] == "0" for n in names):
                return
        raise AssertionError(f"the watcher did not consume the queue: {left}")

    send(ev2, ev2, '{"Event": "s3:TestEvent"}', "not json")
    drain()
    send(ev1)
    drain()
    send(ev2)
    drain()

    with get_client(sync_client=True) as client:
        deployment_id = client.read_deployment_by_name(name).id
        # Prefect's idempotency key (bucket/key@etag) turned the re-delivery into the same run.
        runs = [
            r
            for r in _ingest_runs(client, deployment_id)
            if settings.bucket in str(r.idempotency_key)
        ]
        assert sorted(r.idempotency_key for r in runs) == sorted(
            f"{settings.bucket}/{v.version_id}" for v in (v1, v2)
        )
        deadline = time.monotonic() + 90
        with run_loops(WarmWorker({name: flows[name]}, poll_interval=0.1)):
            while time.monotonic() < deadline:
                states = [client.read_flow_run(r.id).state for r in runs]
                if all(s is not None and s.is_final() for s in states):
                    break
                time.sleep(0.3)
        assert all(s is not None and s.is_completed() for s in states), states

    outcomes = curated.outcomes()
    assert outcomes["raw/a b.txt"]["etag"] == v2.etag
    assert "raw/never-announced.txt" not in outcomes
    assert reconcile(mode="inline")["missing"] == 1  # the notification that never came
    counts = check_invariant(curated)
    assert (counts["objects"], counts["published"]) == (2, 2)
    reports = curated.read("reports", columns=["key", "etag"]).to_pylist()
    assert {"key": "raw/a b.txt", "etag": v2.etag} in reports
    assert len(reports) == 2


WORKERS = {
    # The ingest flow, as a worker runs it.
    "flow": """
import json, sys
from flows.ingest import ingest
import great_expectations  # warm, as a worker is
print("READY", flush=True)
sys.stdin.readline()
print("SUMMARY " + json.dumps(ingest(json.loads(sys.argv[1]))), flush=True)
""",
    # The flow's stages without the flow: it reads the object within milliseconds of the go,
    # which the same-second race needs (a flow run takes about a second to start).
    "stages": """
import json, sys
from govreports.settings import get_settings
from tasks import fetch as fetch_stage
from tasks import parse as parse_stage
from tasks import publish as publish_stage
from tasks import validate as validate_stage
import great_expectations
s = get_settings()
print("READY", flush=True)
sys.stdin.readline()
v = validate_stage.validate(s, parse_stage.parse(fetch_stage.fetch(s, json.loads(sys.argv[1])), s))
print("SUMMARY " + json.dumps(publish_stage.publish(s, v, "run-a").summary()), flush=True)
""",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("gap", "worker"), [(1.1, "flow"), (0.0, "stages")], ids=["next-second", "same-second"]
)
def test_older_version_never_overwrites_newer_through_the_flow(  # noqa: PLR0917
    gap: float,
    worker: str,
    chaos_proxy: ChaosProxy,
    s3_server: Server,
    settings_for: Callable[..., Settings],
    prefect_server: str,
    corpus_dir: Path,
) -> None:
    """Run A reads version 1 and is held just before publish; version 2 is uploaded and run B
    publishes it; then A publishes: version 1 must not replace version 2. ``same-second``:
    both versions carry the same Last-Modified (S3 keeps whole seconds), so the timestamp
    alone cannot tell which is newer."""
    from flows.ingest import ingest

    settings = settings_for(s3_server.url)  # this process: straight to S3
    curated = _curated(settings)
    key = "raw/c.txt"
    raw_read, release = threading.Event(), threading.Event()

    def hold_publish(method: str, path: str) -> bool:
        if method == "GET" and path.startswith(f"/{settings.bucket}/raw/"):
            raw_read.set()
        elif raw_read.is_set() and "/curated/outcomes/_delta_log/" in path:
            release.wait(120)  # A's publish reads the ledger first: hold it there
        return True

    chaos_proxy.on_request = hold_publish
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server,
        "GOVREPORTS_S3_ENDPOINT_URL": chaos_proxy.url,
        "GOVREPORTS_AWS_ACCESS_KEY_ID": LOCAL_KEY,
        "GOVREPORTS_AWS_SECRET_ACCESS_KEY": LOCAL_SECRET,
        "GOVREPORTS_BUCKET": settings.bucket,
        "GOVREPORTS_DATA_DOCS": "false",
    }
    run_a = subprocess.Popen(
        [sys.executable, "-c", WORKERS[worker], json.dumps([key])],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert run_a.stdin is not None and run_a.stdout is not None
    try:
        while b"READY" not in run_a.stdout.readline():
            assert run_a.poll() is None, "run A died while starting"
        time.sleep(1 - time.time() % 1 + 0.02)  # just after a second boundary
        v1 = curated.store.put(key, _report(corpus_dir, "2021fmt_pingtan_2022.txt"))
        lm1 = curated.store.head(key).last_modified  # type: ignore[union-attr]
        run_a.stdin.write(b"go\n")
        run_a.stdin.flush()
        assert raw_read.wait(120), "run A never read the object"
        time.sleep(gap)
        v2 = curated.store.put(key, _report(corpus_dir, "2021fmt_pingtan_2023.txt"))
        lm2 = curated.store.head(key).last_modified  # type: ignore[union-attr]
        assert v2.etag != v1.etag
        if gap == 0.0 and lm1 != lm2:
            # On a loaded machine run A may take over a second to read version 1.
            run_a.kill()
            pytest.skip(f"the race did not fit in one second ({lm1} vs {lm2}); not staged")
        assert (lm1 == lm2) == (gap == 0.0), (lm1, lm2)
        b = ingest([key])
        assert b["published"] == 1
    finally:
        release.set()
    out, _ = run_a.communicate(timeout=180)
    text = out.decode()
    assert run_a.returncode == 0, text[-3000:]
    a = json.loads(text.split("SUMMARY ", 1)[1].splitlines()[0])

    assert a["superseded"] == 1 and a["published"] == 0, a
    [row] = curated.read("reports", columns=["key", "etag"]).to_pylist()
    assert row == {"key": key, "etag": v2.etag}
    assert curated.outcomes()[key]["etag"] == v2.etag
    check_invariant(curated)
