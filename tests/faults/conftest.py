"""Fixtures for the fault tests: chaos proxies in front of S3, settings (the Prefect server is
the session's, in tests/conftest.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.faults import ChaosProxy, check_invariant, upstream_of, use_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from govreports.settings import Settings
    from govreports_cli.runtime import Server


@pytest.fixture
def chaos_proxy(s3_server: Server) -> Iterator[ChaosProxy]:
    proxy = ChaosProxy(upstream_of(s3_server)).start()
    yield proxy
    proxy.close()


@pytest.fixture
def settings_for(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Settings]]:
    """``settings_for(endpoint, bucket=None, **env)``: point ``get_settings()`` elsewhere."""
    from govreports import settings as settings_module

    def make(endpoint: str, bucket: str | None = None, **extra: str) -> Settings:
        return use_settings(monkeypatch, endpoint, bucket, **extra)

    yield make
    settings_module.get_settings.cache_clear()


@pytest.fixture
def fault_settings(s3_server: Server, settings_for: Callable[..., Settings]) -> Settings:
    """A fresh bucket on the session S3 server, without Data Docs (faster runs)."""
    return settings_for(s3_server.url)


@pytest.fixture
def invariant() -> Callable[[object], dict[str, int]]:
    return check_invariant
