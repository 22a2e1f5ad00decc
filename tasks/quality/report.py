"""Write a run's quality report under ``quality/``: the run summary, the trend, the site."""

from __future__ import annotations

import json
import logging
import random
import time
from typing import TYPE_CHECKING, Any

from tasks.delta import Curated

if TYPE_CHECKING:
    from collections.abc import Mapping

    from govreports.settings import Settings
    from tasks.publish import Published
    from tasks.store import ObjectStore

log = logging.getLogger(__name__)


def quality_report(settings: Settings, published: Published, run_id: str) -> str | None:
    """Write the run's quality report (HTML + JSON) under the quality prefix; return its URL."""
    if not published.items and not published.quarantined:
        return None
    return write_quality_report(
        settings, published.curated or Curated.from_settings(settings), published, run_id
    )


def raw_link(settings: Settings, key: str) -> str:
    """Where a maintainer opens the raw object: a path-style URL, never a signed one."""
    from urllib.parse import quote

    if settings.s3_endpoint_url:
        return f"{settings.s3_endpoint_url.rstrip('/')}/{settings.bucket}/{quote(key)}"
    return f"https://s3.console.aws.amazon.com/s3/object/{settings.bucket}?prefix={quote(key)}"


def write_quality_report(settings: Settings, curated: Curated, published: Any, run_id: str) -> str:
    """Record the run's summary, then refresh the quality site (``site.py``) from the tables.

    ``published`` is the publish stage's result (``tasks.publish.Published``). The overview
    is rebuilt whole (light columns); pages are rebuilt for this run's reports and the run.
    Returns the URL of the run's page.
    """
    from tasks.quality.site import run_page, write_site

    summary = {
        "run_id": run_id,
        "at": published.finished_at.isoformat(),
        **published.summary(),
    }
    prefix = settings.quality_prefix
    curated.store.put_json(f"{prefix}runs/{run_id}/summary.json", summary)
    trend = append_run(curated.store, f"{prefix}runs.json", summary)
    rules = published.rule_results
    gx_results = getattr(published, "gx_results", {})
    if settings.data_docs and rules is not None and not rules.empty and gx_results:
        # Off by default and not linked from the site (docs/adr/0005-quality-site.md).
        _upload_data_docs(curated, f"{prefix}data-docs/", gx_results)
    report_ids = [it.report.report_id for it in published.items]
    # Later years whose verdicts this run changed: their pages change too.
    report_ids += [r.report_id for r in getattr(published, "revalidated", [])]
    write_site(
        curated,
        report_ids=report_ids,
        run_ids=[run_id],
        runs=trend,
        written=getattr(published.result, "written", None),
    )
    return raw_link(settings, prefix + run_page(run_id))


TREND_RUNS = 500  # the run summaries runs.json keeps, newest last
_TREND_ATTEMPTS = 20
_TREND_BYTES = 16 * 2**20  # larger than any trend of TREND_RUNS summaries: not ours


def append_run(store: ObjectStore, key: str, summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Add the run's summary to the trend at ``key``; return the trend as written.

    Runs finish together (a burst, several workers): a plain read-extend-write lost one
    run's entry whenever another run wrote in between. The write is conditional on the
    version read (S3's If-Match / If-None-Match), and redone on the newer version if
    another run got there first.
    """
    for attempt in range(_TREND_ATTEMPTS):
        got = store.read(key, max_bytes=_TREND_BYTES)
        if got.data is None and got.ref.etag:
            raise ValueError(f"{key}: {got.error}")  # too large to be ours: never overwrite it
        trend = [*(json.loads(got.data) if got.data else []), summary][-TREND_RUNS:]
        if store.put_json_if(key, trend, got.ref.etag or None):
            return trend
        time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))  # noqa: S311 - jitter, not secrets
    log.warning("%s: %d runs kept writing it; this run's entry is left out", key, _TREND_ATTEMPTS)
    return trend


def _upload_data_docs(curated: Curated, prefix: str, gx_results: Mapping[str, Any]) -> None:
    """Build the GX Data Docs site of this run's validation results; upload it under ``prefix``."""
    import mimetypes
    import tempfile
    from pathlib import Path

    from tasks.quality.data_docs import build_data_docs

    with tempfile.TemporaryDirectory(prefix="govreports-docs-") as tmp:
        site = build_data_docs(Path(tmp), gx_results).parent
        for path in site.rglob("*"):
            if path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                curated.store.put(
                    prefix + path.relative_to(site).as_posix(), path.read_bytes(), kind
                )
