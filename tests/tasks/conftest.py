"""Fixtures of the site, review and browser tests: a small dataset ingested for real."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests.support.site import download_site, ingest, upload_dataset

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from govreports.settings import Settings
    from govreports_cli.runtime import Server


@dataclass
class Dataset:
    settings: Settings
    files: dict[str, bytes]
    site: Path  # a file:// copy of quality/ (raw/ beside it)
    run_id: str


@pytest.fixture(scope="module")
def dataset(
    s3_server: Server, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dataset]:
    """Real reports + one failing + one broken upload, ingested in one run on a fresh bucket."""
    from govreports import settings as settings_module
    from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET
    from tasks.store import S3ObjectStore

    with pytest.MonkeyPatch.context() as mp:
        for k, v in {
            "GOVREPORTS_S3_ENDPOINT_URL": s3_server.url,
            "GOVREPORTS_AWS_ACCESS_KEY_ID": LOCAL_KEY,
            "GOVREPORTS_AWS_SECRET_ACCESS_KEY": LOCAL_SECRET,
            "GOVREPORTS_BUCKET": f"site-{uuid.uuid4().hex[:12]}",
        }.items():
            mp.setenv(k, v)
        settings_module.get_settings.cache_clear()
        settings = settings_module.get_settings()
        S3ObjectStore.from_settings(settings).ensure_bucket()
        files = upload_dataset(settings, corpus_dir)
        run_id = "run-" + uuid.uuid4().hex[:8]
        ingest(settings, sorted(files), run_id)
        site = download_site(settings, tmp_path_factory.mktemp("site"))
        yield Dataset(settings, files, site, run_id)
    settings_module.get_settings.cache_clear()
