"""Shared by the site, review and browser tests: a small dataset ingested for real.

Real reports from the corpus, a generated report whose 表四 does not add up (R4, so
one report fails with a known rule and line) and a broken upload (quarantined), run
through the real stages (S3 server over HTTP, real parser, real GX suites, Delta).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from tasks import fetch as fetch_stage
from tasks import parse as parse_stage
from tasks import publish as publish_stage
from tasks import validate as validate_stage
from tasks.delta import Curated
from tasks.quality import report as quality_stage
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from pathlib import Path

    from govreports.settings import Settings

CORPUS_FILES = (
    "2021fmt_pingtan_2023.txt",
    "2019fmt_pingtan_2020.txt",
    "pre2019_pingtan_2016.txt",
)
FAILING_KEY = "raw/inconsistent-R4.html"
BROKEN_KEY = "raw/empty-upload.txt"


def failing_report() -> bytes:
    """A generated 2019-format report whose 表四 totals do not add up (rule R4)."""
    from govreports_cli.samples import make_truth, render

    truth = make_truth(random.Random(2026), fmt="2019", year=2020, violate="R4")
    return render(truth, "html")


def upload_dataset(settings: Settings, corpus: Path) -> dict[str, bytes]:
    store = S3ObjectStore.from_settings(settings)
    files = {f"raw/{name}": (corpus / "reports" / name).read_bytes() for name in CORPUS_FILES}
    files[FAILING_KEY] = failing_report()
    files[BROKEN_KEY] = b""
    for key, body in files.items():
        store.put(key, body)
    return files


def ingest(settings: Settings, keys: list[str], run_id: str, *, force: bool = False) -> str | None:
    """One ingest run without Prefect: the same stage functions the flow's tasks call."""
    fetched = fetch_stage.fetch(settings, keys, force=force)
    parsed = parse_stage.parse(fetched, settings)
    validated = validate_stage.validate(settings, parsed)
    published = publish_stage.publish(settings, validated, run_id, force=force)
    return quality_stage.quality_report(settings, published, run_id)


def curated_zone(settings: Settings) -> Curated:
    return Curated(settings, S3ObjectStore.from_settings(settings))


def download_site(settings: Settings, out: Path) -> Path:
    """A file:// copy of the bucket's quality/ and raw/ prefixes; returns the site root."""
    store = S3ObjectStore.from_settings(settings)
    for prefix in (settings.quality_prefix, settings.raw_prefix):
        for ref in store.list(prefix):
            got = store.read(ref.key, max_bytes=1 << 30)
            assert got.data is not None
            target = out / ref.key
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(got.data)
    return out / settings.quality_prefix
