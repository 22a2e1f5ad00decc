"""The watcher: a long-running loop that turns object arrivals into ``ingest`` runs.

Arrivals within ``batch_window_seconds`` of the first one go into one run (up to
``max_batch_objects`` objects and ``max_batch_bytes`` bytes), so a burst of uploads costs a
few flow runs rather than one each; a turn that brings nothing new ends the batch early, so
a lone upload does not wait out the window. A batch that starts within ``window`` of the
last launch is the continuation of a burst: it collects for ``burst_window_seconds``
instead, so a long burst costs few large runs (each run pays fixed costs: commits, suite
runs, the quality site), while the first batch of a burst still goes after ``window``. A
batch that fills up launches its full runs and keeps the rest collecting, and so does one
whose window closes while the burst goes on, so a burst's runs are full ones, not full ones
plus a few objects. Each run is created with an idempotency key made of the object versions
it carries, so a re-delivered notification does not start a second run; publish is
idempotent besides. Messages are acknowledged only after the run exists. A failure to create
a run is logged and retried on the next turn; it never stops the loop.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tasks.batch import is_full, runs_of

if TYPE_CHECKING:
    import threading

    from govreports.settings import Settings
    from tasks.sources import Arrival, Source
    from tasks.store import ObjectRef

log = logging.getLogger("govreports.watcher")

Launch = Callable[[list[str], str], None]


def idempotency_key(bucket: str, refs: Sequence[ObjectRef]) -> str:
    versions = sorted(f"{bucket}/{r.version_id}" for r in refs)
    if len(versions) == 1:
        return versions[0]
    digest = hashlib.sha256("\n".join(versions).encode()).hexdigest()[:32]
    return f"{bucket}/batch-{len(versions)}-{digest}"


def deployment_launcher(deployment: str, bucket: str) -> Launch:
    """Start ``ingest`` through the Prefect API and announce the batch as an event."""
    from prefect.deployments import run_deployment

    def launch(keys: list[str], key: str) -> None:
        run = run_deployment(  # sync context: a FlowRun, not a coroutine
            deployment,
            parameters={"keys": keys},
            timeout=0,
            idempotency_key=key,
            as_subflow=False,
            tags=["govreports", "watcher"],
        )
        assert not inspect.isawaitable(run)
        _announce(bucket, keys, f"prefect.flow-run.{run.id}")

    return launch


def task_launcher(bucket: str) -> Launch:
    """Create an ``ingest_batch`` background task run for the task workers; announce the batch.

    The idempotency key travels as the task's cache key: a batch delivered again after its run
    completed is answered from the cache, not ingested twice (flows/ingest.py).
    """

    from flows.ingest import ingest_batch

    def launch(keys: list[str], key: str) -> None:
        future = ingest_batch.delay(keys, key)
        _announce(bucket, keys, f"prefect.task-run.{future.task_run_id}")

    return launch


# Objects named per ``govreports.batch.received`` event. Prefect caps an event at 100 related
# resources and 1.5 MB, so the keys go in the payload: 200 of S3's longest keys stay far
# below the size.
KEYS_PER_EVENT = 200


def _announce(bucket: str, keys: list[str], run_resource: str) -> None:
    """``govreports.batch.received``: the run that takes a batch, and the batch's keys.

    One event per run (per ``KEYS_PER_EVENT`` objects of it), not per object: an event cost
    the Prefect server ~0.9 ms of CPU and the watcher ~0.2 ms (10,000 events timed against
    the embedded server, docs/adr/0017-bursts.md), ~12 core-seconds of a 10,000-object
    burst. What happened to each object has its own event (``govreports.report.published``
    / ``.quarantined``, flows/ingest.py) and its row in the outcomes ledger.
    """
    from prefect.events import emit_event

    for start in range(0, len(keys), KEYS_PER_EVENT):
        emit_event(
            event="govreports.batch.received",
            resource={"prefect.resource.id": run_resource},
            related=[{"prefect.resource.id": f"s3://{bucket}", "prefect.resource.role": "bucket"}],
            payload={
                "bucket": bucket,
                "objects": len(keys),
                "keys": keys[start : start + KEYS_PER_EVENT],
            },
        )


def make_launcher(settings: Settings) -> Launch:
    """How ingestion starts, as ``ingest_via`` says: background task runs or deployment runs."""
    if settings.ingest_via == "task":
        return task_launcher(settings.bucket)
    return deployment_launcher(settings.ingest_deployment, settings.bucket)


@dataclass
class Watcher:
    source: Source
    launch: Launch
    bucket: str
    window: float = 1.0
    max_batch: int = 200
    # A run's objects together; no limit unless given (from_settings: max_batch_bytes).
    max_bytes: int = sys.maxsize
    burst_window: float | None = None  # None: the window
    poll_interval: float = 1.0
    pending: dict[str, Arrival] = field(default_factory=dict)
    # Further deliveries of a pending version (duplicate notifications): acked with it.
    duplicates: dict[str, list[Arrival]] = field(default_factory=dict)
    first_arrival: float | None = None
    batch_window: float = 0.0  # the current batch's window (window, or burst_window)
    last_launch: float | None = None
    launched_runs: int = 0
    launched_objects: int = 0

    @classmethod
    def from_settings(cls, settings: Settings, source: Source, launch: Launch) -> Watcher:
        return cls(
            source=source,
            launch=launch,
            bucket=settings.bucket,
            window=settings.batch_window_seconds,
            burst_window=settings.burst_window_seconds,
            max_batch=settings.max_batch_objects,
            max_bytes=settings.max_batch_bytes,
            poll_interval=settings.poll_interval_seconds,
        )

    def step(self, now: float | None = None) -> int:
        """Receive once and launch whatever batch is due; return the objects launched."""
        try:
            arrivals = self.source.receive(self.poll_interval)
        except Exception:
            log.exception("receiving from the source failed; retrying next turn")
            arrivals = []
        fresh = 0
        for a in arrivals:
            if a.ref.version_id not in self.pending:
                self.pending[a.ref.version_id] = a
                fresh += 1
            else:
                self.duplicates.setdefault(a.ref.version_id, []).append(a)
        now = time.monotonic() if now is None else now
        if self.pending and self.first_arrival is None:
            self.first_arrival = now
            burst = self.last_launch is not None and now - self.last_launch <= self.window
            self.batch_window = max(self.window, self.burst_window or 0.0) if burst else self.window
            # The first arrival of a quiet period: wait one more turn to see if a burst follows.
            return 0
        # Launch when the window is over, the batch is full, or the burst is over (a quiet turn):
        # a lone upload does not wait out the whole window.
        over = self.first_arrival is not None and (
            now - self.first_arrival >= self.batch_window or fresh == 0
        )
        full = is_full(list(self.pending.values()), _size, self.max_batch, self.max_bytes)
        if not (over or full):
            return 0
        # While a burst goes on (this turn brought new objects), a batch holding a full run
        # or more launches its full runs only, whether its window closed or it filled up; the
        # rest keeps collecting instead of going as a run of a few objects, which costs as
        # much in commits, suite runs and the quality site as a full one. A 10,000 burst
        # whose listings came every ~5 s went as 12 full runs and runs of 69, 148 and 183
        # objects, each window's remainder (docs/adr/0017-bursts.md). A quiet turn ends the
        # burst: everything goes.
        launched = self.flush(whole=fresh == 0 or not full)
        if launched:
            self.last_launch = now
            if self.pending:  # the rest: a new batch of the burst, from now
                self.first_arrival = now
                self.batch_window = max(self.window, self.burst_window or 0.0)
        return launched

    def flush(self, *, whole: bool = True) -> int:
        """Launch the pending objects, oldest first, in runs of ``max_batch`` objects and
        ``max_bytes`` bytes; ``whole=False``: full runs only, the rest stays pending."""
        launched = 0
        runs = runs_of(list(self.pending.values()), _size, self.max_batch, self.max_bytes)
        if not whole and runs and not is_full(runs[-1], _size, self.max_batch, self.max_bytes):
            runs.pop()
        for chunk in runs:
            refs = [a.ref for a in chunk]
            try:
                self.launch([r.key for r in refs], idempotency_key(self.bucket, refs))
            except Exception:
                log.exception("starting an ingest run failed; will retry %d objects", len(chunk))
                return launched
            dupes = [d for a in chunk for d in self.duplicates.get(a.ref.version_id, [])]
            try:
                self.source.ack(chunk + dupes)
            except Exception:
                # The store stopped (soak: the watcher thread died here). The run is launched;
                # the next turn launches it again under the same idempotency key (Prefect
                # keeps the one run) and acknowledges then.
                log.exception("acknowledging %d objects failed; retrying next turn", len(chunk))
                return launched
            for a in chunk:
                self.pending.pop(a.ref.version_id, None)
                self.duplicates.pop(a.ref.version_id, None)
            launched += len(chunk)
            self.launched_runs += 1
        self.launched_objects += launched
        if not self.pending:
            self.first_arrival = None
        return launched

    def rest(self, started: float, now: float) -> float:
        """Seconds to wait before the next turn that started at ``started``.

        Poll sources return at once: turns are paced by the interval, or by the source's own
        pace when longer (a listing's cost grows with the prefix). A pending batch is not held
        past its window for that: the turn that launches it comes when the window ends.
        """
        rest = max(self.poll_interval, self.source.pace) - (now - started)
        if self.pending and self.first_arrival is not None:
            due = self.first_arrival + self.batch_window - now
            rest = min(rest, max(due, min(self.window, self.poll_interval)))
        return rest

    def run(self, stop: threading.Event) -> None:
        log.info(
            "watching s3://%s (window %.1fs, batch ≤ %d)", self.bucket, self.window, self.max_batch
        )
        while not stop.is_set():
            started = time.monotonic()
            try:
                self.step()
            except Exception:  # the watcher must outlive anything one turn meets
                log.exception("a watcher turn failed; going on")
            rest = self.rest(started, time.monotonic())
            if rest > 0:
                stop.wait(rest)
        if self.pending:
            self.flush()


def _size(arrival: Arrival) -> int:
    return arrival.ref.size


def make_source(settings: Settings) -> Source:
    from tasks.store import S3ObjectStore, make_client

    if settings.source == "sqs":
        from tasks.sources import SqsSource

        if not settings.sqs_queue_url:
            raise SystemExit("GOVREPORTS_SQS_QUEUE_URL must be set for --source sqs")
        return SqsSource(
            make_client(settings, "sqs"),
            settings.sqs_queue_url,
            settings.bucket,
            settings.raw_prefix,
            max_arrivals=settings.max_batch_objects,
        )
    from tasks.sources import PollSource

    store = S3ObjectStore.from_settings(settings)
    return PollSource(store, settings.raw_prefix, f"{settings.state_prefix}watcher-cursor.json")
