"""A batch always ends with outcomes: when a run raises, the objects it fails on are found by
halving the batch, the others publish, and an object failing alone on every attempt across
runs is quarantined as ``poison`` (attempts recorded per version), so reconcile never loops."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from govreports_cli.samples import make_truth
from govreports_cli.samples.render_txt import render_pipe
from tasks import attempts, recovery
from tasks.audit import audit
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings

pytestmark = [pytest.mark.s3, pytest.mark.gx, pytest.mark.slow]

MARK = "本报告由毒丸测试生成"  # what the faulty tool chokes on (a line of prose)


def _report(seed: int, *, poison: bool = False) -> bytes:
    truth = make_truth(random.Random(seed), fmt="2021", year=2022)
    text = render_pipe(truth).decode()
    return (text + (f"\n{MARK}\n" if poison else "")).encode()


def test_an_object_failing_alone_becomes_poison_and_the_rest_publish(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tool failure that is not about anything the document states: the Delta writer
    # failing on this one report. Nothing in a real document can make it fail (that is the
    # point of poison), so the fault is injected at the writer.
    import tasks.publish as publish_module

    real = publish_module.fact_rows

    def flaky(reports: object) -> object:
        if any(MARK in r.text for r in reports):  # type: ignore[attr-defined]
            raise RuntimeError("arrow writer exploded")
        return real(reports)  # type: ignore[arg-type]

    monkeypatch.setattr(publish_module, "fact_rows", flaky)
    store = S3ObjectStore.from_settings(settings)
    keys = ["raw/a.txt", "raw/b.txt", "raw/c.txt", "raw/d.txt"]
    for n, key in enumerate(keys):
        store.put(key, _report(n, poison=key == "raw/c.txt"))
    curated = Curated(settings, store)

    todo = keys
    for run in range(1, settings.poison_after_attempts + 1):
        with pytest.raises(RuntimeError, match="exploded") as raised:
            recovery.run_batch(settings, todo, f"run-{run}")
        recovered = recovery.recover(settings, todo, "publish", raised.value, f"run-{run}")
        done = set(curated.outcomes())
        todo = [k for k in keys if k not in done]
        if run < settings.poison_after_attempts:
            assert todo == ["raw/c.txt"], "the others published in the first run"
            assert list(recovered.failed) == ["raw/c.txt"]
            ref = store.head("raw/c.txt")
            assert ref is not None and attempts.read(curated, ref).count == run
            shown = audit(curated)
            assert (
                shown.attempts == {"raw/c.txt": run} and "exploded" in shown.last_error["raw/c.txt"]
            )
    assert recovered.poisoned == ["raw/c.txt"] and not recovered.failed
    outcomes = curated.outcomes()
    assert {k: outcomes[k]["outcome"] for k in keys} == {
        "raw/a.txt": "published",
        "raw/b.txt": "published",
        "raw/c.txt": "quarantined",
        "raw/d.txt": "published",
    }
    assert "poison" in outcomes["raw/c.txt"]["reason"]
    assert audit(curated).ok


def test_a_new_version_of_a_poisoned_object_starts_from_zero(settings: Settings) -> None:
    store = S3ObjectStore.from_settings(settings)
    curated = Curated(settings, store)
    first = store.put("raw/x.txt", b"one")
    attempts.record_failure(curated, first, "boom", "run-1")
    assert attempts.read(curated, first).count == 1
    second = store.put("raw/x.txt", b"two")
    assert attempts.read(curated, second).count == 0
