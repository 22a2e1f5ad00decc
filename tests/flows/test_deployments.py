"""Deployments as a data engineer deploys them: prefect.yaml, `prefect deploy`, a process worker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from flows.deployments import DEPLOYMENTS, WORK_POOL, prefect_yaml

if TYPE_CHECKING:
    from govreports.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_committed_prefect_yaml_is_generated_from_the_declarations() -> None:
    assert (ROOT / "infra" / "prefect.yaml").read_text(encoding="utf-8") == prefect_yaml()


def test_every_entrypoint_loads_its_flow() -> None:
    from flows.deployments import load_flow

    assert [load_flow(s).name for s in DEPLOYMENTS] == [s.flow_name for s in DEPLOYMENTS]


@pytest.mark.prefect
@pytest.mark.s3
@pytest.mark.slow
def test_prefect_deploy_and_a_process_worker_run_ingest(
    settings: Settings, prefect_server: str
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "GOVREPORTS_PROJECT_DIR": str(ROOT)}

    def prefect(*args: str, timeout: float = 180) -> str:
        done = subprocess.run(
            [str(bin_dir / "prefect"), "--no-prompt", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    prefect("work-pool", "create", WORK_POOL, "--type", "process", "--overwrite")
    prefect("deploy", "--all", "--prefect-file", "infra/prefect.yaml")
    run = run_deployment("ingest/ingest", parameters={"keys": []}, timeout=0)
    prefect("worker", "start", "--pool", WORK_POOL, "--run-once", timeout=240)

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run.id).state
        deployment = client.read_deployment_by_name("reconcile/reconcile")
    assert state is not None and state.is_completed(), state
    # Prefect 3.8 keeps a deployment's limit as a global concurrency limit object.
    limit = deployment.global_concurrency_limit
    assert limit is not None and limit.limit == 1
