"""A worker process dies in the middle of publish: nothing partial is visible, reconcile finishes.

The ``ingest`` flow runs in a separate Python process (a worker's flow run, on the test Prefect
server) that reaches S3 through the chaos proxy. The proxy watches the requests; at the Delta
commit of a chosen table it SIGKILLs the worker and drops that request, so the kill falls
exactly between two commits of publish, with no hook in the pipeline's code:

- ``before-clean``: ``facts`` and ``rule_results`` are committed, ``clean`` and ``reports``
  are not;
- ``before-reports``: ``facts``, ``rule_results`` and ``clean`` are committed, ``reports`` is not
  (the last data commit: a redo skips a report ``reports`` already holds);
- ``before-outcomes``: everything but the ``outcomes`` ledger is committed.

Then: every report visible in ``reports`` has all of its facts (consumers enter by
``reports``), no object counts as done, and ``reconcile`` completes the batch without
duplicating a row or leaving ``clean`` short of a report.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET
from tests.support.faults import ChaosProxy, check_invariant

if TYPE_CHECKING:
    from collections.abc import Callable

    from govreports.settings import Settings
    from tasks.delta import Curated

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.s3,
    pytest.mark.gx,
    pytest.mark.corpus,
    pytest.mark.slow,
]

GOOD = ("2021fmt_pingtan_2023.txt", "2019fmt_pingtan_2019.txt", "pre2019_pingtan_2014.txt")
ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import json, sys
from flows.ingest import ingest
ingest(json.loads(sys.argv[1]))
print("FINISHED")
"""


def facts_per_report(curated: Curated) -> dict[str, int]:
    facts = curated.read("facts", columns=["report_id"])["report_id"].to_pylist()
    return dict(Counter(facts))


@pytest.mark.parametrize("table", ["clean", "reports", "outcomes"], ids=lambda t: f"before-{t}")
def test_worker_killed_between_commits(
    table: str,
    chaos_proxy: ChaosProxy,
    settings_for: Callable[..., Settings],
    prefect_server: str,
    corpus_dir: Path,
) -> None:
    from flows.reconcile import reconcile
    from tasks.audit import audit
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    settings = settings_for(chaos_proxy.url)
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    keys = []
    for name in GOOD:
        keys.append(f"raw/{name}")
        curated.store.put(keys[-1], (corpus_dir / "reports" / name).read_bytes())
    curated.store.put("raw/letter.txt", "关于报送年度报告的函\n请按时报送。\n".encode())
    keys.append("raw/letter.txt")

    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server,
        "GOVREPORTS_S3_ENDPOINT_URL": chaos_proxy.url,
        "GOVREPORTS_AWS_ACCESS_KEY_ID": LOCAL_KEY,
        "GOVREPORTS_AWS_SECRET_ACCESS_KEY": LOCAL_SECRET,
        "GOVREPORTS_BUCKET": settings.bucket,
        "GOVREPORTS_DATA_DOCS": "false",
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, json.dumps(keys)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    killed = threading.Event()
    commit = f"/{settings.bucket}/curated/{table}/_delta_log/"

    def on_request(method: str, path: str) -> bool:
        if killed.is_set() or method != "PUT" or not path.startswith(commit):
            return True
        worker.send_signal(signal.SIGKILL)
        killed.set()
        return False  # this commit never reaches the server

    chaos_proxy.on_request = on_request
    out, _ = worker.communicate(timeout=180)
    assert killed.is_set(), out.decode()[-3000:]
    assert worker.returncode == -signal.SIGKILL

    # What a reader sees now: no object done, and no report without all its facts.
    crashed = audit(curated)
    assert len(crashed.missing) == len(keys)
    visible = curated.read("reports", columns=["report_id"])["report_id"].to_pylist()
    at_crash = facts_per_report(curated)
    if table in ("clean", "reports"):
        assert visible == []  # facts may be there already; nobody enters by them
    else:
        assert len(visible) == len(GOOD)

    summary = reconcile(mode="inline")

    assert summary["missing"] == len(keys)
    counts = check_invariant(curated)
    assert (counts["published"], counts["quarantined"]) == (len(GOOD), 1)
    after = facts_per_report(curated)
    for report_id in visible:
        assert at_crash[report_id] == after[report_id], "a report was visible with partial facts"
