"""The event-driven loop for real: upload → watcher → deployment run → warm worker → dataset."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from tasks.audit import audit
from tasks.delta import Curated
from tasks.sources import PollSource, Source, SqsSource
from tasks.store import S3ObjectStore, aws_client_kwargs
from tests.support.loops import run_loops

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.s3,
    pytest.mark.gx,
    pytest.mark.corpus,
    pytest.mark.slow,
]


def make_source(kind: str, settings: Settings, store: S3ObjectStore) -> Source:
    """The production wiring for SQS (infra/s3-events.json on the emulator), or polling."""
    if kind == "poll":
        return PollSource(store, settings.raw_prefix, "state/cursor.json")
    import boto3

    from govreports_cli.infra import apply_s3_events

    sqs = boto3.client("sqs", **aws_client_kwargs(settings))
    url = apply_s3_events(store.client, sqs, settings.bucket, f"{settings.bucket}-uploads")
    return SqsSource(sqs, url, settings.bucket, settings.raw_prefix)


@pytest.fixture(params=["poll", "sqs"])
def running(
    request: pytest.FixtureRequest, settings: Settings, prefect_server: str
) -> Iterator[Curated]:
    from flows.deployments import apply_all
    from flows.watcher import Watcher, deployment_launcher
    from flows.worker import WarmWorker

    store = S3ObjectStore.from_settings(settings)
    curated = Curated(settings, store)
    curated.ensure_tables()
    flows = apply_all()
    worker = WarmWorker(
        {settings.ingest_deployment: flows[settings.ingest_deployment]}, poll_interval=0.2
    )
    watcher = Watcher(
        source=make_source(request.param, settings, store),
        launch=deployment_launcher(settings.ingest_deployment, settings.bucket),
        bucket=settings.bucket,
        window=0.3,
        poll_interval=0.2,
    )
    with run_loops(worker, watcher):
        yield curated


def wait_for_outcomes(curated: Curated, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = audit(curated)
        if result.ok and result.objects >= count:
            return
        time.sleep(0.3)
    raise AssertionError(
        f"no outcome within {timeout}s for {[r.key for r in audit(curated).missing]}"
    )


def test_uploads_reach_the_dataset_through_the_deployment(
    running: Curated, corpus_dir: Path
) -> None:
    data = (corpus_dir / "reports" / "2021fmt_pingtan_2024.txt").read_bytes()
    running.store.put("raw/pingtan 2024.txt", data)
    running.store.put("raw/copy/pingtan-2024.txt", data)  # the same bytes under another key
    running.store.put("raw/garbage.docx", b"PK\x03\x04 not really a zip")

    wait_for_outcomes(running, 3)

    [report] = running.read("reports").to_pylist()
    assert report["report_year"] == 2024
    outcomes = running.outcomes()
    assert outcomes["raw/garbage.docx"]["outcome"] == "quarantined"
    assert outcomes["raw/copy/pingtan-2024.txt"]["report_id"] == report["report_id"]


def test_run_creation_is_idempotent_per_object_version(
    settings: Settings, prefect_server: str
) -> None:
    from prefect.deployments import run_deployment

    from flows.deployments import apply_all

    apply_all()
    key = f"{settings.bucket}/raw/a.txt@etag-1"
    first = run_deployment(
        settings.ingest_deployment, parameters={"keys": []}, timeout=0, idempotency_key=key
    )
    again = run_deployment(
        settings.ingest_deployment, parameters={"keys": []}, timeout=0, idempotency_key=key
    )

    assert first.id == again.id


def _events(
    until: Callable[[list[Any]], bool], *, name: str, resource: str = "", timeout: float = 60
) -> list[Any]:
    """The Prefect server's events named ``name*`` about ``resource*``, once ``until`` holds
    for them (the server persists events in batches, a few seconds after they arrive)."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventResourceFilter

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            query = EventFilter(
                event=EventNameFilter(prefix=[name]),
                resource=EventResourceFilter(id_prefix=[resource]) if resource else None,
            )
            events = list(client.read_events(query, limit=50).events)
            if until(events) or time.monotonic() > deadline:
                return events
            time.sleep(0.5)


def test_each_object_has_its_event_and_each_batch_its_announcement(
    running: Curated, corpus_dir: Path
) -> None:
    """What downstream flows trigger on: a published or quarantined event per object, named
    by its S3 address; and the watcher's announcement of each batch with the run taking it."""
    bucket = running.settings.bucket
    data = (corpus_dir / "reports" / "2021fmt_pingtan_2023.txt").read_bytes()
    running.store.put("raw/events/report.txt", data)
    running.store.put("raw/events/broken.docx", b"PK\x03\x04 not really a zip")
    wait_for_outcomes(running, 2)
    outcomes = running.outcomes()

    mine = f"s3://{bucket}/raw/events/"
    done = {
        e.resource.id: e
        for e in _events(lambda found: len(found) >= 2, name="govreports.report.", resource=mine)
    }
    published = done[f"{mine}report.txt"]
    assert published.event == "govreports.report.published"
    assert published.payload["report_id"] == outcomes["raw/events/report.txt"]["report_id"]
    assert published.payload["etag"] == outcomes["raw/events/report.txt"]["etag"]
    quarantined = done[f"{mine}broken.docx"]
    assert quarantined.event == "govreports.report.quarantined"
    assert quarantined.payload["stage"] == outcomes["raw/events/broken.docx"]["stage"]

    uploaded = {"raw/events/report.txt", "raw/events/broken.docx"}

    def announced(events: list[Any]) -> set[str]:
        return {k for e in events if e.payload["bucket"] == bucket for k in e.payload["keys"]}

    received = _events(lambda found: uploaded <= announced(found), name="govreports.batch.")
    assert uploaded <= announced(received)
    received = [e for e in received if e.payload["bucket"] == bucket]
    for e in received:
        assert e.resource.id.startswith("prefect.flow-run.")
        assert e.payload["objects"] >= len(e.payload["keys"])
