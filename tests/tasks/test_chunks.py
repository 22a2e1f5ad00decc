"""tasks/chunks.py: the Dask path's chunk functions, on the real S3 server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tasks import chunks
from tasks.delta import Curated
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from pathlib import Path

    from govreports.settings import Settings

pytestmark = [pytest.mark.s3]


def test_each_chunk_gives_back_what_it_freed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker lives for many chunks: each chunk ends with the trim the task worker
    does after each batch, after both its fetch → parse and its validate."""
    from govreports_cli.samples import generate

    store = S3ObjectStore.from_settings(settings)
    Curated(settings, store).ensure_tables()  # as the batch's ledger read leaves them
    keys = []
    for path in generate(tmp_path, n=3, seed=5, layouts=("txt_flat",)):
        if not path.name.endswith(".truth.json"):
            keys.append(f"{settings.raw_prefix}{path.name}")
            store.put(keys[-1], path.read_bytes())
    trims: list[str] = []
    monkeypatch.setattr(chunks, "release_freed_memory", lambda: trims.append("trim") or True)

    parsed = chunks.fetch_parse(settings, keys, {})
    assert len(parsed.reports) == len(keys) and parsed.curated is None
    assert trims == ["trim"]
    validated = chunks.validate(settings, parsed, chunks.ValidationInputs([], {}))
    assert len(validated.items) == len(keys) and validated.curated is None
    assert trims == ["trim", "trim"]
