"""Any key S3 accepts works end to end: each gets an outcome (published or quarantined with a
record that can be read back), audit agrees, and the demo's local copy stays in its folder."""

from __future__ import annotations

import random
import unicodedata
from typing import TYPE_CHECKING

import pytest

from govreports_cli.samples import make_truth
from govreports_cli.samples.render_txt import render_pipe
from tasks import recovery
from tasks.audit import audit
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [pytest.mark.s3, pytest.mark.gx, pytest.mark.slow]

KEYS = [
    "raw/with spaces/平潭 2019 年报.txt",
    "raw/" + unicodedata.normalize("NFC", "café报告.txt"),
    "raw/" + unicodedata.normalize("NFD", "café报告.txt"),
    "raw/quote\"'.txt",
    "raw/back\\slash\\..\\x.txt",
    "raw/tab\t.txt",
    "raw/cr\r.txt",
    "raw/new\nline.txt",
    "raw/ctrl\x01.txt",
    "raw/../../../../up.txt",
    "raw/./x//y.txt",
    "raw/" + "x" * (1024 - len("raw/") - len(".txt")) + ".txt",  # 1,024 bytes
]


def _report(seed: int) -> bytes:
    return render_pipe(make_truth(random.Random(seed), fmt="2021", year=2022))


def test_every_key_gets_an_outcome_and_copies_inside_the_folder(
    settings: Settings, tmp_path: Path
) -> None:
    from govreports_cli.demo import _copy_out

    store = S3ObjectStore.from_settings(settings)
    for n, key in enumerate(KEYS):
        # Every other one unreadable, so quarantine records are written under these keys too.
        store.put(key, _report(n) if n % 2 == 0 else b"")
    recovery.run_batch(settings, KEYS, "keys-run")
    curated = Curated(settings, store)
    outcomes = curated.outcomes()
    assert set(outcomes) == set(KEYS)
    for n, key in enumerate(KEYS):
        assert outcomes[key]["outcome"] == ("published" if n % 2 == 0 else "quarantined"), key
        if n % 2:
            record = store.get_json(curated.quarantine_key(key))
            assert record is not None and record["key"] == key
    assert audit(curated).ok

    out = tmp_path / "out"
    _copy_out(store, settings, out)
    assert not (tmp_path / "up.txt").exists()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to(out.resolve()) for p in written)
