"""The S3 server goes away in the middle of an ingest batch and comes back.

How the outage is caused, and why not by killing moto: moto's server keeps the bucket in
memory, so killing it and starting it again on the same port gives a server with no bucket at
all: that is data loss, a different fault, which no pipeline can repair. So the server's
*availability* is taken away for real, in two ways that keep its data:

- ``refused``: the pipeline reaches S3 through a TCP proxy on a fixed port. At an exact request
  (the first read of a raw object, the Delta commit of ``facts`` after it reached the server,
  the commit of ``outcomes`` before it did) the proxy closes its port and resets every open
  connection: boto3 and delta-rs see "connection refused" / "connection reset by peer" for a
  few seconds, then the port opens again, same address.
- ``frozen``: a dedicated moto server process on a fixed port is stopped with SIGSTOP during
  publish and continued with SIGCONT seconds later: connections hang instead of failing.

Either way the run rides through on boto3's, delta-rs's and the Prefect tasks' retries; and
whatever it leaves undone, ``reconcile`` finishes. Afterwards the invariant holds: every raw
object has an outcome at its current etag, no report, fact or outcome row twice.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from govreports_cli.runtime import free_port, start_s3
from tests.support.faults import ChaosProxy, check_invariant, upstream_of

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]

GOOD = ("2021fmt_pingtan_2021.txt", "2019fmt_pingtan_2020.txt", "pre2019_pingtan_2013.txt")
OUTAGE_SECONDS = 3.0


def _upload(settings: Settings, corpus_dir: Path) -> tuple[Any, list[str]]:
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    keys = []
    for name in GOOD:
        keys.append(f"raw/{name}")
        curated.store.put(keys[-1], (corpus_dir / "reports" / name).read_bytes())
    curated.store.put("raw/empty.txt", b"")
    return curated, [*keys, "raw/empty.txt"]


def _ingest_then_reconcile(keys: list[str]) -> tuple[dict[str, Any] | None, str | None]:
    from flows.ingest import ingest
    from flows.reconcile import reconcile

    summary, error = None, None
    try:
        summary = ingest(keys)
    except Exception as exc:  # noqa: BLE001 - a run may fail; reconcile must then finish it
        error = f"{type(exc).__name__}: {exc}"
    reconcile(mode="inline")
    return summary, error


# (name, request that triggers the outage, forward that request before going down?)
TRIGGERS = [
    ("refused-at-first-raw-read", ("GET", "/raw/"), False),
    ("reset-after-facts-commit-landed", ("PUT", "/curated/facts/_delta_log/"), True),
    ("refused-at-outcomes-commit", ("PUT", "/curated/outcomes/_delta_log/"), False),
]


@pytest.mark.parametrize(("name", "trigger", "forward"), TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_connection_refused_mid_batch(  # noqa: PLR0917
    name: str,
    trigger: tuple[str, str],
    forward: bool,
    chaos_proxy: ChaosProxy,
    settings_for: Callable[..., Settings],
    prefect_server: str,
    corpus_dir: Path,
) -> None:
    settings = settings_for(chaos_proxy.url)
    curated, keys = _upload(settings, corpus_dir)
    fired = threading.Event()
    method, fragment = trigger

    def on_request(m: str, path: str) -> bool:
        if fired.is_set() or m != method or f"/{settings.bucket}{fragment}" not in path:
            return True
        fired.set()
        delay = 0.05 if forward else 0.0  # forwarded: the server acts, the client never hears
        threading.Timer(delay, chaos_proxy.go_down).start()
        threading.Timer(delay + OUTAGE_SECONDS, chaos_proxy.come_back).start()
        return forward

    chaos_proxy.on_request = on_request
    summary, error = _ingest_then_reconcile(keys)

    assert fired.is_set(), f"the outage never happened ({name})"
    counts = check_invariant(curated)
    assert (counts["objects"], counts["published"], counts["quarantined"]) == (4, 3, 1)
    # The retries are what rode through: the run itself finished the batch.
    assert error is None, error
    assert summary is not None and summary["published"] + summary["quarantined"] == 4


@pytest.mark.slow
def test_s3_server_frozen_mid_publish(
    tmp_path: Path,
    settings_for: Callable[..., Settings],
    prefect_server: str,
    corpus_dir: Path,
) -> None:
    """A dedicated moto process on a fixed port, SIGSTOPped at the first Delta commit."""
    server = start_s3(tmp_path, port=free_port())
    spy = ChaosProxy(upstream_of(server)).start()  # only to see when publish starts
    fired = threading.Event()
    resumed: list[float] = []

    def thaw() -> None:
        os.killpg(server.proc.pid, signal.SIGCONT)
        resumed.append(time.monotonic())

    def on_request(method: str, path: str) -> bool:
        if not fired.is_set() and method == "PUT" and "/_delta_log/" in path:
            fired.set()
            # Frozen before this commit reaches it: the commit and all else hang until SIGCONT.
            os.killpg(server.proc.pid, signal.SIGSTOP)
            threading.Timer(OUTAGE_SECONDS + 1, thaw).start()
        return True

    try:
        settings = settings_for(spy.url)
        curated, keys = _upload(settings, corpus_dir)
        spy.on_request = on_request
        summary, error = _ingest_then_reconcile(keys)
        assert fired.is_set() and resumed
        counts = check_invariant(curated)
        assert (counts["published"], counts["quarantined"]) == (3, 1)
        assert error is None, error
        assert summary is not None and summary["published"] == 3
    finally:
        spy.close()
        if server.proc.poll() is None:
            os.killpg(server.proc.pid, signal.SIGCONT)
        server.stop()
