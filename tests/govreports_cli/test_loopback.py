"""No traffic off loopback: every S3 client takes endpoint and credentials from settings.

The strong check runs ``audit`` and a small demo in a network namespace with only ``lo``
(root, as CI runs), the metadata address answered by a recorder on ``lo``; the others
assert what the clients are built with, so they hold wherever the namespace is refused.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from govreports.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

SUPPORT = Path(__file__).with_name("loopback_support.py")


@pytest.fixture
def fresh_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No AWS variables and an empty home: the standard chain finds nothing."""
    import os

    for key in list(os.environ):
        if key.startswith(("AWS_", "GOVREPORTS_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))
    yield


def _netns_works() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(
        ["unshare", "-n", "ip", "link", "set", "lo", "up"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.s3
@pytest.mark.prefect
@pytest.mark.gx
@pytest.mark.corpus
def test_audit_and_demo_run_with_loopback_only(corpus_dir: Path, tmp_path: Path) -> None:
    if not _netns_works():
        pytest.skip("no network namespaces here (needs root: unshare -n); the option tests hold")
    reports = tmp_path / "reports"
    reports.mkdir()
    for name in ("2021fmt_pingtan_2025.txt",):
        shutil.copy(corpus_dir / "reports" / name, reports / name)
    script = (
        "ip link set lo up && ip addr add 169.254.169.254/32 dev lo && "
        f'exec "{sys.executable}" "{SUPPORT}" "{reports}"'
    )
    done = subprocess.run(
        ["unshare", "-n", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["interfaces"] == ["lo"]
    # A fresh machine (endpoint, no credentials): a clear error, before any request.
    assert result["audit_bare"][0] == 2, result["audit_bare"]
    assert "no S3 credentials" in result["audit_bare"][2]
    assert result["audit"][0] == 0, result["audit"]
    assert "0 without outcome" in result["audit"][1]
    assert result["demo"][0] == 0, result["demo"]
    assert "curated rows: reports 1 " in result["demo"][1], result["demo"]
    assert result["metadata_requests"] == []


def test_endpoint_without_any_credentials_fails_clearly(fresh_machine: None) -> None:
    from tasks.store import MissingCredentialsError, delta_storage_options, make_client

    settings = Settings(s3_endpoint_url="http://127.0.0.1:9")
    with pytest.raises(MissingCredentialsError, match="GOVREPORTS_AWS_ACCESS_KEY_ID"):
        delta_storage_options(settings)
    with pytest.raises(MissingCredentialsError):
        make_client(settings, "s3")


def test_delta_options_take_credentials_from_settings(fresh_machine: None) -> None:
    from tasks.store import delta_storage_options

    opts = delta_storage_options(
        Settings(
            s3_endpoint_url="http://127.0.0.1:9",
            aws_access_key_id="key",  # type: ignore[arg-type]
            aws_secret_access_key="secret",  # type: ignore[arg-type]
        )
    )
    assert (opts["AWS_ACCESS_KEY_ID"], opts["AWS_SECRET_ACCESS_KEY"]) == ("key", "secret")
    assert opts["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"
    assert opts["AWS_REGION"] == "us-east-1"
    assert opts["AWS_ALLOW_HTTP"] == "true"
    assert opts["AWS_EC2_METADATA_DISABLED"] == "true"


def test_delta_options_take_the_chain_credentials_without_metadata(
    fresh_machine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks.store import delta_storage_options

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    opts = delta_storage_options(Settings(s3_endpoint_url="http://127.0.0.1:9"))
    assert (opts["AWS_ACCESS_KEY_ID"], opts["AWS_SECRET_ACCESS_KEY"]) == ("from-env", "env-secret")


def test_boto_clients_take_endpoint_and_credentials_from_settings(fresh_machine: None) -> None:
    from tasks.store import make_client

    settings = Settings(
        s3_endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="key",  # type: ignore[arg-type]
        aws_secret_access_key="secret",  # type: ignore[arg-type]
    )
    for service in ("s3", "sqs"):
        client = make_client(settings, service)
        assert client.meta.endpoint_url == "http://127.0.0.1:9"
        assert client.meta.region_name == "us-east-1"
        assert client._request_signer._credentials.access_key == "key"


def test_no_metadata_provider_in_the_endpoint_chain() -> None:
    from tasks.store import _session_without_imds

    resolver = _session_without_imds().get_component("credential_provider")
    assert "iam-role" not in [p.METHOD for p in resolver.providers]
    assert "env" in [p.METHOD for p in resolver.providers]
