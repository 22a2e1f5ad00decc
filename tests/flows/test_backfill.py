"""``backfill`` and ``govreports backfill`` on real Prefect and S3 servers with the real suites."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from govreports_cli import samples
from govreports_cli.samples.truth import FORMAT_YEARS
from tasks.audit import audit
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings
    from tasks.backfill import Tally

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.slow]


def _upload(settings: Settings, n: int) -> tuple[Curated, list[str]]:
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    keys = []
    for i in range(n):
        rng = random.Random(f"backfill:{i}")
        fmt = samples.FORMATS[i % len(samples.FORMATS)]
        truth = samples.make_truth(rng, fmt=fmt, year=rng.choice(FORMAT_YEARS[fmt]))
        keys.append(f"raw/agencies/{i:03d}.txt")
        curated.store.put(keys[-1], samples.render(truth, "txt_pipe"))
    keys.append("raw/agencies/broken.txt")
    curated.store.put(keys[-1], b"")
    curated.store.put("raw/elsewhere/not-in-prefix.txt", b"")
    return curated, keys


def _one_outcome_each(curated: Curated, keys: list[str]) -> None:
    ledger = [o["key"] for o in curated.read("outcomes", columns=["key"]).to_pylist()]
    assert sorted(ledger) == sorted(keys)


@pytest.fixture
def quick(settings: Settings, prefect_server: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    from govreports import settings as settings_module

    monkeypatch.setenv("GOVREPORTS_DATA_DOCS", "false")
    settings_module.get_settings.cache_clear()
    return settings_module.get_settings()


def test_interrupted_backfill_resumes_from_the_ledger(quick: Settings) -> None:
    from flows.backfill import backfill, listening

    curated, keys = _upload(quick, 9)

    def stop_after_first_batch(tally: Tally) -> None:
        if tally.batches == 1:
            raise KeyboardInterrupt  # what Ctrl-C does between two batches

    with listening(stop_after_first_batch), pytest.raises(KeyboardInterrupt):
        backfill(prefix="raw/agencies/", batch_objects=4)
    first = {o["key"] for o in curated.read("outcomes", columns=["key"]).to_pylist()}
    assert len(first) == 4

    second = backfill(prefix="raw/agencies/", batch_objects=4)
    third = backfill(prefix="raw/agencies/", batch_objects=4)

    assert (second["listed"], second["skipped"], second["batches"]) == (10, 4, 2)
    assert second["published"] + second["quarantined"] == 6
    assert (third["skipped"], third["batches"], third["published"]) == (10, 0, 0)
    _one_outcome_each(curated, keys)  # the object outside the prefix was left alone
    record = curated.store.get_json("quarantine/agencies/broken.txt.json")
    assert record["stage"] == "parse"


def test_a_list_of_keys(quick: Settings) -> None:
    from flows.backfill import backfill

    curated, keys = _upload(quick, 3)

    summary = backfill(keys=[*keys[:2], "curated/reports/elsewhere"], batch_objects=10)

    assert (summary["listed"], summary["ignored"], summary["published"]) == (3, 1, 2)
    _one_outcome_each(curated, keys[:2])


def test_cli_backfill_on_one_shared_local_cluster(
    quick: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Batches as large as the Dask threshold: one LocalCluster serves every batch."""
    from govreports import settings as settings_module
    from govreports_cli.cli import main

    monkeypatch.setenv("GOVREPORTS_DASK_MIN_OBJECTS", "4")
    monkeypatch.setenv("GOVREPORTS_DASK_CHUNK_OBJECTS", "2")
    monkeypatch.setenv("GOVREPORTS_DASK_WORKERS", "2")
    settings_module.get_settings.cache_clear()
    curated, keys = _upload(settings_module.get_settings(), 7)

    code = main(["backfill", "--prefix", "raw/agencies/", "--batch", "4"])

    out = capsys.readouterr()
    assert code == 0, out.err
    assert "listed 8 · skipped 0 · ignored 0 · batches 2" in out.out
    assert "quarantined 1" in out.out
    assert audit(curated).missing == [r for r in audit(curated).missing if "elsewhere" in r.key]
    _one_outcome_each(curated, keys)
