"""``ingest``: fetch → parse → validate → publish for one batch of raw objects.

Wiring only: the work is in ``tasks/``. One task per stage per batch (not per
report): a submitted task costs tens of milliseconds, a report a few.

Two ways in: the ``ingest/ingest`` deployment (flow runs, for the warm worker or any Prefect
worker) and ``ingest_batch``, the same flow inside a Prefect background task
(``ingest_batch.delay(keys, idempotency_key)``, served by ``prefect.task_worker`` processes:
``govreports task-worker``; docs/adr/0016-task-workers.md).
"""

from __future__ import annotations

import logging
import time
from contextlib import ExitStack
from typing import Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE, Inputs
from prefect.events import emit_event
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from govreports.settings import Settings, get_settings
from tasks import chunks, recovery
from tasks import fetch as fetch_stage
from tasks import parse as parse_stage
from tasks import publish as publish_stage
from tasks import validate as validate_stage
from tasks.delta import Curated
from tasks.memory import ALLOCATOR_ENV, heavy_stage_slot, release_freed_memory
from tasks.quality import report as quality_stage

T = TypeVar("T")

# I/O stages retry with backoff: the object store or a commit can fail transiently.
_BACKOFF = [1.0, 2.0, 5.0, 10.0]


@task(name="fetch", retries=4, retry_delay_seconds=_BACKOFF, cache_policy=NO_CACHE)
def fetch(keys: list[str]) -> fetch_stage.Fetched:
    return fetch_stage.fetch(get_settings(), keys)


@task(name="parse", cache_policy=NO_CACHE)
def parse(fetched: fetch_stage.Fetched) -> parse_stage.Parsed:
    return parse_stage.parse(fetched, get_settings())


@task(name="validate", cache_policy=NO_CACHE)
def validate(parsed: parse_stage.Parsed) -> validate_stage.Validated:
    return validate_stage.validate(get_settings(), parsed)


@task(name="publish", retries=4, retry_delay_seconds=_BACKOFF, cache_policy=NO_CACHE)
def publish(validated: validate_stage.Validated, run_id: str) -> publish_stage.Published:
    return publish_stage.publish(get_settings(), validated, run_id)


@task(name="recover", cache_policy=NO_CACHE)
def recover(keys: list[str], stage: str, error: BaseException, run_id: str) -> recovery.Recovered:
    return recovery.recover(get_settings(), keys, stage, error, run_id)


@task(name="quality-report", cache_policy=NO_CACHE)
def quality_report(published: publish_stage.Published, run_id: str) -> str | None:
    return quality_stage.quality_report(get_settings(), published, run_id)


# Chunk tasks on Dask: a chunk whose worker died is rerun by Dask itself; these retries cover
# the object store failing transiently under a chunk.
@task(name="fetch-parse-chunk", retries=2, retry_delay_seconds=[1.0, 5.0], cache_policy=NO_CACHE)
def fetch_parse_chunk(
    keys: list[str], known: chunks.Opaque[dict[str, dict[str, Any]]]
) -> parse_stage.Parsed:
    # Settings come from the worker's own environment, like every other process of ours.
    return chunks.fetch_parse(get_settings(), keys, known.value)


@task(name="validate-chunk", retries=2, retry_delay_seconds=[1.0, 5.0], cache_policy=NO_CACHE)
def validate_chunk(
    parsed: chunks.Opaque[parse_stage.Parsed], inputs: chunks.Opaque[chunks.ValidationInputs]
) -> validate_stage.Validated:
    return chunks.validate(get_settings(), parsed.value, inputs.value)


@flow(name="ingest-fan-out", persist_result=False)
def fan_out(keys: list[str]) -> validate_stage.Validated:
    """Fetch, parse and validate a large batch in chunks on the flow's (Dask) task runner.

    What every chunk would read from the dataset (the ledger rows, reviews, earlier years) is
    read once here and handed to the chunks: the reads stay one per batch, not per chunk.
    """
    settings = get_settings()
    size = settings.dask_chunk_objects
    curated = Curated.from_settings(settings)
    known = curated.outcomes(keys)
    parsing = [
        fetch_parse_chunk.submit(chunk, chunks.Opaque({k: known[k] for k in chunk if k in known}))
        for chunk in chunks.batched(keys, size)
    ]
    parsed = [f.result() for f in parsing]
    inputs = chunks.ValidationInputs.read(curated, parsed)
    validating = [
        validate_chunk.submit(chunks.Opaque(group), chunks.Opaque(inputs.for_chunk(group)))
        for group in chunks.by_agency(parsed, settings.dask_validate_objects)
    ]
    return chunks.merge([f.result() for f in validating])


def local_cluster_kwargs(settings: Settings) -> dict[str, Any]:
    """A LocalCluster on this machine: single-threaded worker processes, loopback only."""
    return {
        "n_workers": settings.dask_workers,
        # Parsing is pure Python: threads would share one GIL, processes do not.
        "threads_per_worker": 1,
        "processes": True,
        "memory_limit": settings.dask_worker_memory,
        "host": "127.0.0.1",
        # Its HTTP endpoints on a free loopback port: never 8787 on every interface.
        "dashboard_address": "127.0.0.1:0",
        # A worker is one core's worth: OCR on all cores in each of them (onnxruntime's
        # default) would have the workers share every core, so a second worker added little.
        # Long-lived too: the task worker's allocator settings (tasks/memory.py).
        "env": {**ALLOCATOR_ENV, "GOVREPORTS_OCR_THREADS": str(settings.ocr_threads or 1)},
    }


def dask_runner(settings: Settings, address: str | None = None) -> Any:
    """prefect-dask's runner: the scheduler at ``address`` or ``dask_address``, else a
    LocalCluster started for this run."""
    from prefect_dask.task_runners import DaskTaskRunner

    if address or settings.dask_address:
        return DaskTaskRunner(address=address or settings.dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster", cluster_kwargs=local_cluster_kwargs(settings)
    )


# Our modules' loggers (tasks.fetch, …): Prefect ships only its own loggers to the API
# unless told; these join them, at INFO, so a run's page shows what the pipeline did.
PIPELINE_LOGGERS = ("tasks", "flows", "expectations", "govreports")


def ship_pipeline_logs() -> None:
    """Send the pipeline's own log records of a run to the Prefect API (idempotent).

    The same as listing them in ``PREFECT_LOGGING_EXTRA_LOGGERS``, without depending on
    every worker's environment; INFO whatever ``PREFECT_LOGGING_LEVEL`` says.
    """
    from prefect.logging.handlers import APILogHandler

    for name in PIPELINE_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
        if not any(isinstance(h, APILogHandler) for h in logger.handlers):
            handler = APILogHandler()
            # The same code also runs outside runs (CLI, tests): those lines are not a run's.
            handler.addFilter(_in_a_run)
            logger.addHandler(handler)


def _in_a_run(record: logging.LogRecord) -> bool:
    from prefect.context import FlowRunContext, TaskRunContext

    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


def _opaque(value: T) -> T:
    """``quote`` for Prefect (unwrapped before the task runs), typed as the value itself."""
    return cast("T", quote(value))


@flow(name="ingest", log_prints=False, persist_result=False)
def ingest(keys: list[str], dask_address: str | None = None) -> dict[str, Any]:
    """Ingest the current version of each object key under the raw prefix.

    ``dask_address``: the Dask scheduler for a large batch, when not the settings' (a backfill
    passes the one LocalCluster it keeps for all its batches).
    """
    ship_pipeline_logs()
    run_id = str(flow_run.get_id() or "local")
    # _opaque(): stage values hold every document and fact of the batch; Prefect would
    # otherwise walk them all looking for upstream futures (seconds per batch).
    settings = get_settings()
    stage = "fetch"
    start = time.perf_counter()
    # validate -> publish -> quality report hold the batch's frames and tables: at most
    # heavy_stage_runs runs of this process in them at once, another one fetching and
    # parsing meanwhile (tasks/memory.py).
    heavy = heavy_stage_slot(settings.heavy_stage_runs)
    with ExitStack() as held:
        try:
            if len(keys) >= settings.dask_min_objects:
                # Large batch: the heavy stages fan out over Dask; publish below stays one set
                # of commits per batch, from this process.
                stage = "parse"
                validated = fan_out.with_options(task_runner=dask_runner(settings, dask_address))(
                    keys
                )
                held.enter_context(heavy)
            else:
                fetched = fetch(keys)
                stage = "parse"
                parsed = parse(_opaque(fetched))
                # The batch's raw bytes: not needed past parse, not to be held through the
                # heavy stages beside the next run's (a run of PDFs is tens of MB).
                del fetched
                stage = "validate"
                held.enter_context(heavy)
                validated = validate(_opaque(parsed))
            # Wall time of fetch + parse + validate, either way (the per-stage figures beside
            # it are work summed over chunks on the Dask path).
            validated.timings.add("fetch_parse_validate_wall", start)
            stage = "publish"
            published = publish(_opaque(validated), run_id)
        except Exception as exc:
            # Every object still gets an outcome: the parts that go through publish, the
            # objects the batch fails on get an attempt recorded and, after enough runs,
            # become poison.
            recovered = recover(keys, stage, exc, run_id)
            get_run_logger().warning(
                "ingest failed in %s; recovered %s", stage, recovered.summary()
            )
            if recovered.failed:
                raise  # redone by the next run or reconcile, with the attempt counted
            return recovered.summary()
        url = quality_report(_opaque(published), run_id)
    announce(published, url)
    summary: dict[str, Any] = published.summary()
    get_run_logger().info("ingest %s", summary)
    return summary


def announce(published: publish_stage.Published, quality_url: str | None) -> None:
    """Events downstream flows can trigger on, and artifacts a maintainer sees on the run."""
    bucket = get_settings().bucket
    for it in published.items:
        if it.ref.key in published.result.published:
            emit_event(
                event="govreports.report.published",
                resource={"prefect.resource.id": f"s3://{bucket}/{it.ref.key}"},
                payload={
                    "etag": it.ref.etag,
                    "report_id": it.report.report_id,
                    "quality_status": it.status,
                    "failed_rules": list(it.failed_rules),
                },
            )
    for q in published.quarantined:
        emit_event(
            event="govreports.report.quarantined",
            resource={"prefect.resource.id": f"s3://{bucket}/{q.ref.key}"},
            payload={"etag": q.ref.etag, "stage": q.stage, "code": q.code, "reason": q.reason},
        )
    summary = published.summary()
    prefix = get_settings().quality_prefix
    link = (
        f"[This run's page]({quality_url}) on the quality site (in the bucket: "
        f"`{prefix}runs/{flow_run.get_id()}/index.html`; the dataset's overview is "
        f"`{prefix}index.html`, links relative, so a local copy works too)"
        if quality_url
        else "no quality report written"
    )
    create_markdown_artifact(
        key="ingest-summary",
        markdown=publish_stage.summary_markdown(summary, link),
        description="What this ingest run published, failed and quarantined",
    )
    create_table_artifact(
        key="ingest-outcomes",
        table=publish_stage.outcome_table(published),
        description="One row per object of the batch",
    )


# The background task of the task-worker path. It runs the ``ingest`` flow itself (a flow run
# under this task run), so the flow-run page, its logs and artifacts are the same as on the
# deployment path; Prefect does not ship a background task's own logs (no flow run).
# Its cache key is the watcher's idempotency key (object versions) alone: a notification
# delivered again after its batch completed finds the cached result instead of a second run,
# as the deployment path's idempotency key does; a failed batch is not cached, so reconcile
# (another key) or a redelivery redoes it. Task workers persist results (Prefect forces it for
# background tasks): to PREFECT_LOCAL_STORAGE_PATH, local disk, like the parameters.
@task(
    name="ingest-batch",
    cache_policy=Inputs(exclude=["keys"]),
    persist_result=True,
)
def ingest_batch(keys: list[str], idempotency_key: str) -> dict[str, Any]:
    """``ingest(keys)`` as a background task run (``.delay``) for ``prefect.task_worker``."""
    try:
        summary: dict[str, Any] = ingest(keys)
    finally:
        # A task worker runs batch after batch: hand back what this one freed (tasks/memory.py).
        release_freed_memory()
    return summary
