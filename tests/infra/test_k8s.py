"""infra/k8s without a cluster: Prefect accepts the work pool template; manifests are sane."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "infra" / "k8s"
IMAGE = "registry.example.org/govreports:0.1.0"
ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"


def _documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def _by_kind_and_name() -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in _documents()}


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if doc["kind"] == "Deployment":
        return list(doc["spec"]["template"]["spec"]["containers"])
    if doc["kind"] == "DaskCluster":
        return [
            *doc["spec"]["worker"]["spec"]["containers"],
            *doc["spec"]["scheduler"]["spec"]["containers"],
        ]
    return []


def test_manifests_hold_the_expected_objects() -> None:
    assert sorted(_by_kind_and_name()) == [
        ("ConfigMap", "govreports-settings"),
        ("DaskAutoscaler", "govreports-dask"),
        ("DaskCluster", "govreports-dask"),
        ("Deployment", "govreports-prefect-worker"),
        ("Deployment", "govreports-watcher"),
        ("Deployment", "govreports-worker"),
        ("Namespace", "govreports"),
        ("Role", "govreports-prefect-worker"),
        ("RoleBinding", "govreports-prefect-worker"),
        ("Secret", "govreports-prefect"),
        ("ServiceAccount", "govreports"),
    ]
    for doc in _documents():
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "govreports", doc["metadata"]["name"]


def test_every_container_has_a_standard_image_requests_and_a_memory_limit() -> None:
    workloads = [d for d in _documents() if _containers(d)]
    assert len(workloads) == 4
    for doc in workloads:
        for c in _containers(doc):
            name = f"{doc['metadata']['name']}/{c['name']}"
            assert c["image"] in {IMAGE, "prefecthq/prefect:3.8.8-python3.11-kubernetes"}, name
            assert set(c["resources"]["requests"]) == {"cpu", "memory"}, name
            assert "memory" in c["resources"]["limits"], name


def test_pods_run_as_the_irsa_service_account_with_the_settings() -> None:
    objects = _by_kind_and_name()
    account = objects["ServiceAccount", "govreports"]
    assert account["metadata"]["annotations"][ROLE_ANNOTATION].startswith("arn:aws:iam::")
    for doc in (d for d in _documents() if _containers(d)):
        specs = (
            [doc["spec"]["template"]["spec"]]
            if doc["kind"] == "Deployment"
            else [doc["spec"]["worker"]["spec"], doc["spec"]["scheduler"]["spec"]]
        )
        assert {s["serviceAccountName"] for s in specs} == {"govreports"}
    for doc in (objects["Deployment", n] for n in ("govreports-watcher", "govreports-worker")):
        (c,) = _containers(doc)
        refs = [next(iter(e.values()))["name"] for e in c["envFrom"]]
        assert refs == ["govreports-settings", "govreports-prefect"]


def test_settings_name_real_settings_and_the_dask_scheduler_service() -> None:
    from govreports.settings import Settings

    objects = _by_kind_and_name()
    data = objects["ConfigMap", "govreports-settings"]["data"]
    ours = {k for k in data if k.startswith("GOVREPORTS_")}
    fields = {f"GOVREPORTS_{name.upper()}" for name in Settings.model_fields}
    assert ours <= fields, ours - fields
    # No credentials in the cluster's config: the service account's role provides them.
    assert not {k for k in data if "SECRET" in k or "ACCESS_KEY" in k}
    cluster = objects["DaskCluster", "govreports-dask"]
    service = f"{cluster['metadata']['name']}-scheduler.govreports.svc.cluster.local:8786"
    assert data["GOVREPORTS_DASK_ADDRESS"] == f"tcp://{service}"
    settings = Settings(
        **{k.removeprefix("GOVREPORTS_").lower(): v for k, v in data.items() if k in ours}
    )
    assert settings.dask_address == data["GOVREPORTS_DASK_ADDRESS"]


def test_the_commands_the_pods_run_exist() -> None:
    from govreports_cli.cli import COMMANDS

    objects = _by_kind_and_name()
    for name in ("govreports-watcher", "govreports-worker"):
        (c,) = _containers(objects["Deployment", name])
        assert c["args"][0] == "govreports"
        assert c["args"][1] in COMMANDS


def test_job_template_starts_flow_runs_in_the_project_image() -> None:
    template = json.loads((K8S / "base-job-template.json").read_text(encoding="utf-8"))
    defaults = {k: v.get("default") for k, v in template["variables"]["properties"].items()}
    assert defaults["image"] == IMAGE
    assert defaults["service_account_name"] == "govreports"
    assert defaults["namespace"] == "govreports"
    assert defaults["cpu_request"] and defaults["memory_request"]
    manifest = template["job_configuration"]["job_manifest"]
    (c,) = manifest["spec"]["template"]["spec"]["containers"]
    assert c["resources"]["requests"] == {
        "cpu": "{{ cpu_request }}",
        "memory": "{{ memory_request }}",
    }
    assert [next(iter(e.values()))["name"] for e in c["envFrom"]] == [
        "govreports-settings",
        "govreports-prefect",
    ]


@pytest.mark.prefect
@pytest.mark.slow
def test_prefect_accepts_the_job_template_for_a_kubernetes_work_pool(prefect_server: str) -> None:
    from prefect.client.orchestration import get_client

    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "prefect"),
            "--no-prompt",
            "work-pool",
            "create",
            "govreports-kubernetes",
            "--type",
            "kubernetes",
            "--base-job-template",
            str(K8S / "base-job-template.json"),
            "--overwrite",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    with get_client(sync_client=True) as client:
        pool = client.read_work_pool("govreports-kubernetes")
    expected = json.loads((K8S / "base-job-template.json").read_text(encoding="utf-8"))
    assert pool.type == "kubernetes"
    assert pool.base_job_template == expected
