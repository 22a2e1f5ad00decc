"""Two ingest runs at the same time: both commits land, nothing lost or doubled.

The runs are real ``ingest`` flow runs in two threads, through the chaos proxy, which holds
the first run's Delta commit of ``facts`` until the second run's arrives and then lets both
go: they race for the same table version, so one of them really conflicts and retries.
Their batches overlap in one key, which must still end with one outcome and one report.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.faults import ChaosProxy, check_invariant

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]

BATCH_A = ("2021fmt_pingtan_2021.txt", "2021fmt_pingtan_2022.txt", "pre2019_pingtan_2011.txt")
BATCH_B = ("2019fmt_pingtan_2019.txt", "pre2019_pingtan_2012.txt", "pre2019_pingtan_2011.txt")


@pytest.mark.parametrize("engine", ["in-process", pytest.param("dask", marks=pytest.mark.slow)])
def test_two_runs_publish_at_once(
    engine: str,
    chaos_proxy: ChaosProxy,
    settings_for: Callable[..., Settings],
    prefect_server: str,
    corpus_dir: Path,
) -> None:
    """``dask``: both runs parse and validate on one shared LocalCluster (writers on several
    machines: the runs publish from their own processes); the commit race is the same."""
    from flows.ingest import ingest

    # Two writers at once, as two task workers (or machines) are: within one process the
    # heavy-stage gate (Settings.heavy_stage_runs, 1) would have the second run's publish
    # wait for the first, and the commits would never race.
    two_writers = {"GOVREPORTS_HEAVY_STAGE_RUNS": "2"}
    settings = settings_for(chaos_proxy.url, **two_writers)
    with contextlib.ExitStack() as stack:
        if engine == "dask":
            from distributed import LocalCluster

            # Started once the settings are in the environment: the workers inherit them.
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                )
            )
            settings = settings_for(
                chaos_proxy.url,
                settings.bucket,
                GOVREPORTS_DASK_ADDRESS=cluster.scheduler_address,
                GOVREPORTS_DASK_MIN_OBJECTS="1",
                GOVREPORTS_DASK_CHUNK_OBJECTS="2",
                **two_writers,
            )
        _race(settings, chaos_proxy, corpus_dir, ingest)


def _race(settings: Settings, chaos_proxy: ChaosProxy, corpus_dir: Path, ingest: Any) -> None:
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    for name in {*BATCH_A, *BATCH_B}:
        curated.store.put(f"raw/{name}", (corpus_dir / "reports" / name).read_bytes())
    curated.store.put("raw/a-empty.txt", b"")
    curated.store.put("raw/b-junk.pdf", b"%PDF-1.4 broken")

    both_committing = threading.Barrier(2, timeout=60)
    held: list[str] = []

    def race_commits(method: str, path: str) -> bool:
        if method == "PUT" and "/curated/facts/_delta_log/" in path and len(held) < 2:
            held.append(path)
            both_committing.wait()  # neither commit goes on until both are on their way
        return True

    chaos_proxy.on_request = race_commits
    results: dict[str, Any] = {}

    def run(name: str, keys: list[str]) -> None:
        try:
            results[name] = ingest(keys)
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            results[name] = exc

    threads = [
        threading.Thread(
            target=run, args=("a", [f"raw/{n}" for n in BATCH_A] + ["raw/a-empty.txt"])
        ),
        threading.Thread(
            target=run, args=("b", [f"raw/{n}" for n in BATCH_B] + ["raw/b-junk.pdf"])
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)

    assert all(isinstance(r, dict) for r in results.values()), results
    assert len(held) == 2, "the two commits did not meet"
    # Both commits were for the same table version: one of the runs had to retry.
    assert results["a"]["commit_attempts"] + results["b"]["commit_attempts"] >= 3, results
    counts = check_invariant(curated)
    assert (counts["objects"], counts["published"], counts["quarantined"]) == (7, 5, 2)
    assert counts["reports"] == 5


def test_two_runs_validate_at_once(fault_settings: Settings, corpus_dir: Path) -> None:
    """Found by the Prefect-restart test: the warm worker runs two flow runs in threads, and
    GX raised ValidationToolError ("Unalignable boolean Series") when both validated at once,
    about one time in six; a good report then failed its run, or was quarantined."""
    from tasks import fetch as fetch_stage
    from tasks import parse as parse_stage
    from tasks import validate as validate_stage
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    Curated(fault_settings, S3ObjectStore.from_settings(fault_settings)).ensure_tables()
    store = S3ObjectStore.from_settings(fault_settings)
    parsed = []
    for name in ("2021fmt_pingtan_2024.txt", "pre2019_pingtan_2015.txt"):
        store.put(f"raw/{name}", (corpus_dir / "reports" / name).read_bytes())
        fetched = fetch_stage.fetch(fault_settings, [f"raw/{name}"])
        parsed.append(parse_stage.parse(fetched, fault_settings))
    outcomes: list[tuple[int, list[str]]] = []

    def validate(p: parse_stage.Parsed) -> None:
        v = validate_stage.validate(fault_settings, p)
        outcomes.append((len(v.items), [f"{q.code}: {q.reason}" for q in v.quarantined]))

    for _ in range(4):
        threads = [threading.Thread(target=validate, args=(p,)) for p in parsed]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert outcomes == [(1, [])] * 8
