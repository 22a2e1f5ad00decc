"""A warm, in-process executor for the govreports deployments.

Prefect's process worker and ``serve`` start a fresh Python process per flow
run: 2–3 s, plus ~6 s to import Great Expectations, on every run. For
upload-to-visible latency in seconds the processing process must stay warm.
This executor polls the Prefect API for due runs of the given deployments,
claims each by proposing ``Pending`` (the server's orchestration rules, and so
deployment concurrency limits, decide), and runs it in a thread of this
process. Everything stays visible in the Prefect UI as usual. Standard workers
(``prefect worker start``) can serve the same deployments; see prefect.yaml.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uuid import UUID

    from prefect import Flow

log = logging.getLogger("govreports.worker")


class WarmWorker:
    def __init__(
        self,
        flows: dict[str, Flow[..., Any]],
        *,
        concurrency: int = 2,
        poll_interval: float = 0.25,
    ) -> None:
        """``flows`` maps deployment names (``flow/deployment``) to the flow objects to run."""
        self.flows = flows
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.pool = ThreadPoolExecutor(concurrency, thread_name_prefix="govreports-run")
        self.running: dict[UUID, Future[Any]] = {}
        self.completed = 0

    def run(self, stop: threading.Event) -> None:
        from prefect.client.orchestration import get_client

        from govreports.settings import get_settings
        from tasks.isolation import prestart

        # The parse worker process starts beside the polling, not on the first upload.
        threading.Thread(target=prestart, args=(get_settings(),), daemon=True).start()
        with get_client(sync_client=True) as client:
            by_id = {
                client.read_deployment_by_name(name).id: flow for name, flow in self.flows.items()
            }
            while not stop.is_set():
                try:
                    self._turn(client, by_id)
                except Exception:
                    log.exception("polling for flow runs failed; retrying")
                stop.wait(self.poll_interval)
        self.pool.shutdown(wait=True)

    def _turn(self, client: Any, by_id: dict[UUID, Flow[..., Any]]) -> None:
        from prefect.client.schemas.filters import (
            DeploymentFilter,
            DeploymentFilterId,
            FlowRunFilter,
            FlowRunFilterNextScheduledStartTime,
            FlowRunFilterState,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType
        from prefect.client.schemas.sorting import FlowRunSort

        for run_id in [i for i, f in self.running.items() if f.done()]:
            self.running.pop(run_id)
            self.completed += 1
        free = self.concurrency - len(self.running)
        if free <= 0:
            return
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=list(by_id))),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
                # Prefect annotates a pendulum-era alias; an aware datetime is what it takes.
                next_scheduled_start_time=FlowRunFilterNextScheduledStartTime(
                    before_=datetime.now(UTC)  # type: ignore[arg-type]
                ),
            ),
            sort=FlowRunSort.NEXT_SCHEDULED_START_TIME_ASC,
            limit=free,
        )
        for flow_run in runs:
            if flow_run.id in self.running or not self._claim(client, flow_run.id):
                continue
            flow = by_id[flow_run.deployment_id]
            self.running[flow_run.id] = self.pool.submit(self._execute, flow, flow_run)

    @staticmethod
    def _claim(client: Any, flow_run_id: UUID) -> bool:
        from prefect.exceptions import Abort
        from prefect.states import Pending
        from prefect.utilities.engine import propose_state_sync

        try:
            state = propose_state_sync(client, Pending(), flow_run_id=flow_run_id)
        except Abort:
            return False  # another worker took it, or it was cancelled
        return bool(state.is_pending())

    @staticmethod
    def _execute(flow: Flow[..., Any], flow_run: Any) -> Any:
        from prefect.flow_engine import run_flow

        from tasks.memory import release_freed_memory

        try:
            return run_flow(flow, flow_run=flow_run, return_type="state")
        except Exception:
            log.exception("flow run %s crashed", flow_run.id)
            return None
        finally:
            # This process runs batch after batch: hand back what this one freed.
            release_freed_memory()
