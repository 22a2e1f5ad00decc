"""The deployments, declared once.

The demo applies them to its local server and runs them on the warm worker;
``infra/prefect.yaml`` (generated from this list by ``govreports deploy
--write-prefect-yaml``, checked by a test) deploys the same to any Prefect
server with ``prefect deploy --all`` for a process work pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WORK_POOL = "govreports-process"


@dataclass(frozen=True, slots=True)
class DeploymentSpec:
    flow_name: str
    name: str
    entrypoint: str
    description: str
    concurrency_limit: int
    interval_seconds: int | None = None
    parameters: tuple[tuple[str, Any], ...] = ()

    @property
    def full_name(self) -> str:
        return f"{self.flow_name}/{self.name}"


DEPLOYMENTS = (
    DeploymentSpec(
        flow_name="ingest",
        name="ingest",
        entrypoint="flows/ingest.py:ingest",
        description="Fetch, parse, validate and publish a batch of raw objects (from the watcher).",
        concurrency_limit=4,
    ),
    DeploymentSpec(
        flow_name="reconcile",
        name="reconcile",
        entrypoint="flows/reconcile.py:reconcile",
        description="Start ingestion for raw objects that have no outcome yet.",
        concurrency_limit=1,
        interval_seconds=600,
        parameters=(("mode", "deployment"),),
    ),
    DeploymentSpec(
        flow_name="maintenance",
        name="maintenance",
        entrypoint="flows/maintenance.py:maintain",
        description="Compact small files, checkpoint and vacuum the curated tables.",
        concurrency_limit=1,
        interval_seconds=3600,
    ),
    DeploymentSpec(
        flow_name="backfill",
        name="backfill",
        entrypoint="flows/backfill.py:backfill",
        description=(
            "Ingest everything under a prefix (or a list of keys) that has no outcome yet, "
            "in batches; run it again to resume."
        ),
        concurrency_limit=1,
        parameters=(("prefix", "raw/"), ("batch_objects", 1000)),
    ),
)


def load_flow(spec: DeploymentSpec) -> Any:
    import importlib

    path, _, attr = spec.entrypoint.partition(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, attr)


def apply_all(*, work_pool: str | None = None) -> dict[str, Any]:
    """Create or update every deployment on the current Prefect API; return the flows by name.

    Without a work pool the deployments are run by whoever polls for them: the
    demo's warm worker.
    """
    from datetime import timedelta

    flows: dict[str, Any] = {}
    for spec in DEPLOYMENTS:
        flow = load_flow(spec)
        deployment = flow.to_deployment(
            name=spec.name,
            description=spec.description,
            concurrency_limit=spec.concurrency_limit,
            interval=timedelta(seconds=spec.interval_seconds) if spec.interval_seconds else None,
            parameters=dict(spec.parameters),
        )
        deployment.apply(work_pool_name=work_pool)
        flows[spec.full_name] = flow
    return flows


def prefect_yaml() -> str:
    """The prefect.yaml for ``prefect deploy --all`` against a process work pool."""
    lines = [
        "# Generated from flows/deployments.py by `govreports deploy --write-prefect-yaml`.",
        "name: govreports",
        "prefect-version: 3.8.8",
        "",
        "pull:",
        "  - prefect.deployments.steps.set_working_directory:",
        "      directory: '{{ $GOVREPORTS_PROJECT_DIR }}'",
        "",
        "deployments:",
    ]
    for spec in DEPLOYMENTS:
        lines += [
            f"  - name: {spec.name}",
            f"    entrypoint: {spec.entrypoint}",
            f"    description: {spec.description}",
            f"    concurrency_limit: {spec.concurrency_limit}",
            "    work_pool:",
            f"      name: {WORK_POOL}",
        ]
        if spec.parameters:
            lines.append("    parameters:")
            lines += [f"      {k}: {v}" for k, v in spec.parameters]
        if spec.interval_seconds:
            lines += ["    schedules:", f"      - interval: {spec.interval_seconds}"]
    return "\n".join(lines) + "\n"
