"""``govreports audit`` against a wrong endpoint or bucket: one clear line, no traceback, exit 2,
and nothing created (the audit only reads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from govreports_cli.cli import main
from govreports_cli.runtime import free_port

if TYPE_CHECKING:
    from govreports.settings import Settings

pytestmark = [pytest.mark.s3]


def _use(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    from govreports import settings as settings_module

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings_module.get_settings.cache_clear()


def test_an_endpoint_nobody_answers_is_one_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    _use(monkeypatch, GOVREPORTS_S3_ENDPOINT_URL=dead)
    assert main(["audit"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith(f"error: cannot reach the object store at {dead}: ")
    assert out.err.count("\n") == 1 and "Traceback" not in out.err


def test_a_missing_bucket_is_one_line_and_is_not_created(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tasks.store import S3ObjectStore

    client = S3ObjectStore.from_settings(settings).client
    _use(monkeypatch, GOVREPORTS_BUCKET="no-such-bucket-here")
    assert main(["audit", "--json"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: bucket 'no-such-bucket-here' does not exist at {settings.s3_endpoint_url}\n"
    )
    names = {b["Name"] for b in client.list_buckets()["Buckets"]}
    assert "no-such-bucket-here" not in names


def test_a_bucket_without_tables_is_audited_without_creating_them(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from tasks.store import S3ObjectStore

    store = S3ObjectStore.from_settings(settings)
    store.put("raw/a.txt", b"x")
    assert main(["audit", "--quiet"]) == 1
    assert "MISSING      raw/a.txt@" in capsys.readouterr().out
    assert list(store.list(settings.curated_prefix)) == []
