"""``reconcile``: start ingestion for every raw object that has no outcome at its current etag.

Notifications can be lost (a dropped SQS message, a watcher that was down, a
503 on run creation); this scheduled flow is the safety net.
"""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from govreports.settings import get_settings
from tasks.audit import Audit, audit
from tasks.batch import runs_of
from tasks.delta import Curated
from tasks.store import S3ObjectStore


@task(name="audit", retries=3, retry_delay_seconds=[1, 5, 10], cache_policy=NO_CACHE)
def find_missing() -> Audit:
    settings = get_settings()
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    return audit(curated)


@flow(name="reconcile", persist_result=False)
def reconcile(mode: Literal["deployment", "inline"] = "deployment") -> dict[str, Any]:
    """``deployment`` starts ingestion through the API (background task runs for the task
    workers, or ``ingest`` deployment runs, as ``ingest_via`` says); ``inline`` ingests here
    (subflow)."""
    from flows.ingest import ingest
    from flows.watcher import idempotency_key, make_launcher

    settings = get_settings()
    found = find_missing()
    missing = found.missing
    chunks = runs_of(
        missing, lambda ref: ref.size, settings.max_batch_objects, settings.max_batch_bytes
    )
    if mode == "inline":
        for chunk in chunks:
            ingest([r.key for r in chunk])
    else:
        launch = make_launcher(settings)
        for chunk in chunks:
            launch([r.key for r in chunk], "reconcile-" + idempotency_key(settings.bucket, chunk))
    summary = {
        "objects": found.objects,
        "published": len(found.published),
        "quarantined": len(found.quarantined),
        "missing": len(missing),
        "started_runs": len(chunks),
        # Rows of the ledger sharing a key (or with none): 0 unless the ledger is broken.
        "ledger_key_problems": sum(k.duplicate_rows + k.null_key_rows for k in found.keys.values()),
    }
    logger = get_run_logger()
    if summary["ledger_key_problems"]:
        logger.error("reconcile: the outcomes ledger breaks its key: %s", found.keys)
    logger.info("reconcile %s", summary)
    return summary
