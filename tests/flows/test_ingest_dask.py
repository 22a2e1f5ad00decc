"""The ingest flow on a real Dask LocalCluster (processes) against the S3 server over HTTP."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from govreports_cli import samples
from govreports_cli.samples.regions import pick_agency
from govreports_cli.samples.truth import FORMAT_YEARS
from tasks.audit import audit
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from govreports.settings import Settings

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.s3,
    pytest.mark.gx,
    pytest.mark.slow,
    # A cluster start plus two ingest paths took 230 s on the 2-core machine at load 20.
    pytest.mark.timeout(600),
]


def _documents(n: int) -> dict[str, bytes]:
    """Generated reports in every file type, plus one agency's consecutive years (cross-year
    rules see the previous year from the same batch) and two broken uploads."""
    docs: dict[str, bytes] = {}
    for i in range(n):
        layout = samples.LAYOUTS[i % len(samples.LAYOUTS)]
        rng = random.Random(f"dask:{i}")
        fmt = samples.FORMATS[i % len(samples.FORMATS)]
        truth = samples.make_truth(rng, fmt=fmt, year=rng.choice(FORMAT_YEARS[fmt]))
        docs[f"raw/{i:03d}.{samples.EXTENSIONS[layout]}"] = samples.render(truth, layout)
    rng = random.Random("dask:agency")
    agency = pick_agency(rng, 2022)
    for year in (2021, 2022, 2023):
        truth = samples.make_truth(
            random.Random(f"dask:{year}"), fmt="2021", year=year, agency=agency
        )
        docs[f"raw/chain/{year}.txt"] = samples.render(truth, "txt_pipe")
    docs["raw/broken/empty.txt"] = b""
    docs["raw/broken/junk.pdf"] = b"%PDF-1.4\n" + b"\x00\xff" * 300
    return docs


def _use(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    from govreports import settings as settings_module

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings_module.get_settings.cache_clear()
    s = settings_module.get_settings()
    S3ObjectStore.from_settings(s).ensure_bucket()
    Curated(s, S3ObjectStore.from_settings(s)).ensure_tables()
    return s


def _outcomes(s: Settings) -> dict[str, tuple[Any, ...]]:
    curated = Curated(s, S3ObjectStore.from_settings(s))
    reports = {r["key"]: r for r in curated.read("reports").to_pylist()}
    out: dict[str, tuple[Any, ...]] = {}
    for key, o in curated.outcomes().items():
        r = reports.get(key)
        out[key] = (
            o["outcome"],
            r and r["quality_status"],
            r and tuple(sorted(r["failed_rules"] or ())),
        )
    return out


def _rule_results(s: Settings) -> list[tuple[Any, ...]]:
    curated = Curated(s, S3ObjectStore.from_settings(s))
    keys = {r["report_id"]: r["key"] for r in curated.read("reports").to_pylist()}
    rows = curated.read("rule_results").to_pylist()
    return sorted(
        (keys.get(r["report_id"]), r["rule_id"], r["passed"], r["observed"], r["expected"])
        for r in rows
    )


@pytest.fixture
def dask_env(
    settings: Settings, prefect_server: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    yield {
        "GOVREPORTS_DATA_DOCS": "false",
        "GOVREPORTS_DASK_CHUNK_OBJECTS": "4",
        "GOVREPORTS_DASK_VALIDATE_OBJECTS": "4",
        "GOVREPORTS_DASK_WORKERS": "2",
    }


def test_a_large_batch_on_a_local_cluster_ends_as_in_process(
    settings: Settings, dask_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest import ingest

    docs = _documents(8)
    results = {}
    for mode, threshold in (("in-process", "100000"), ("dask", "1")):
        s = _use(
            monkeypatch,
            **dask_env,
            GOVREPORTS_BUCKET=f"{settings.bucket}-{mode}",
            GOVREPORTS_DASK_MIN_OBJECTS=threshold,
        )
        store = S3ObjectStore.from_settings(s)
        for key, data in docs.items():
            store.put(key, data)
        # The chain's last year first, alone: the large batch then brings its earlier years,
        # and its published cross-year verdicts are re-validated (on the Dask path too).
        ingest(["raw/chain/2023.txt"])
        summary = ingest(sorted(docs))
        results[mode] = (_outcomes(s), summary, _rule_results(s))

    in_process, on_dask = results["in-process"], results["dask"]
    assert set(on_dask[0]) == set(docs)
    assert on_dask[0] == in_process[0]
    assert on_dask[0]["raw/broken/empty.txt"][0] == "quarantined"
    assert on_dask[2] == in_process[2]  # every rule result, the re-validated year's included
    assert on_dask[1]["revalidated"] == in_process[1]["revalidated"]
    assert len(on_dask[1]["revalidated"]) == 1
    # Publish stays one set of commits for the whole batch, not one per chunk.
    assert on_dask[1]["commit_attempts"] == in_process[1]["commit_attempts"] == 1


def test_a_worker_killed_mid_batch_still_gives_every_object_one_outcome(
    settings: Settings, dask_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker process is SIGKILLed while it holds chunks: Dask reruns them elsewhere."""
    from distributed import Client, LocalCluster

    from flows.ingest import ingest

    s = _use(monkeypatch, **dask_env, GOVREPORTS_DASK_MIN_OBJECTS="1")
    docs = _documents(12)
    store = S3ObjectStore.from_settings(s)
    for key, data in docs.items():
        store.put(key, data)
    # Started after the settings are in the environment: the worker processes inherit them.
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        monkeypatch.setenv("GOVREPORTS_DASK_ADDRESS", cluster.scheduler_address)
        from govreports import settings as settings_module

        settings_module.get_settings.cache_clear()
        pids: dict[str, int] = client.run(os.getpid)
        outcome: dict[str, Any] = {}
        run = threading.Thread(target=lambda: outcome.update(ingest(sorted(docs))))
        run.start()
        victim = None
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline and run.is_alive():
            busy = [w for w, tasks in client.processing().items() if tasks]
            victim = busy[0] if busy else None
            time.sleep(0.05)
        assert victim is not None, "no worker ever held a chunk"
        os.kill(pids[victim], signal.SIGKILL)
        run.join(240)
        assert not run.is_alive()

    curated = Curated(s, S3ObjectStore.from_settings(s))
    assert audit(curated).ok
    ledger = [o["key"] for o in curated.read("outcomes", columns=["key"]).to_pylist()]
    assert sorted(ledger) == sorted(docs)  # each object once
    ids = [r["report_id"] for r in curated.read("reports", columns=["report_id"]).to_pylist()]
    assert len(ids) == len(set(ids)) == outcome["published"]
    assert outcome["published"] + outcome["quarantined"] == len(docs)
