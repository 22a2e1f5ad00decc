"""Shared fixtures: a real S3-compatible server over HTTP, per-test buckets, the real corpus,
one Prefect server for the session, and the markers each of them puts on the tests using it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET, Server, start_s3

if TYPE_CHECKING:
    from collections.abc import Iterator

    from govreports.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "reports").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """moto's server as a real HTTP endpoint; any S3 endpoint works through settings."""
    server = start_s3(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture
def settings(s3_server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings for a fresh bucket on the test S3 server, also seen by ``get_settings()``."""
    from govreports import settings as settings_module
    from tasks.store import S3ObjectStore

    bucket = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        "GOVREPORTS_S3_ENDPOINT_URL": s3_server.url,
        "GOVREPORTS_AWS_ACCESS_KEY_ID": LOCAL_KEY,
        "GOVREPORTS_AWS_SECRET_ACCESS_KEY": LOCAL_SECRET,
        "GOVREPORTS_BUCKET": bucket,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings_module.get_settings.cache_clear()
    s = settings_module.get_settings()
    S3ObjectStore.from_settings(s).ensure_bucket()
    yield s
    settings_module.get_settings.cache_clear()


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[str]:
    """One real Prefect server (SQLite) for the whole session: flows run against its API."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    # The server's telemetry service would call Prefect's analytics host, off loopback
    # ("Failed to send telemetry" in the logs); the embedded runtime turns it off the same way.
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session")
def gx() -> None:
    """The real Great Expectations suites: a test that validates asks for this (and is marked)."""
    import great_expectations  # noqa: F401 - the first import costs seconds; pay it once


# A test's markers follow from the fixtures it uses (directly or through other fixtures),
# so ``-m "not s3"`` and ``make test-fast`` never depend on someone remembering a mark.
MARKERS_BY_FIXTURE = {
    "s3_server": "s3",
    "prefect_server": "prefect",
    "corpus_dir": "corpus",
    "gx": "gx",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for fixture, marker in MARKERS_BY_FIXTURE.items():
            if fixture in used and item.get_closest_marker(marker) is None:
                item.add_marker(marker)
