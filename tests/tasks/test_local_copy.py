"""Any key S3 accepts maps to a path inside the local copy's folder, one path per key."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import pytest

from tasks.local_copy import local_path

if TYPE_CHECKING:
    from pathlib import Path

KEYS = [
    "raw/with spaces/平潭 2019 年报.txt",
    "raw/" + unicodedata.normalize("NFC", "café.txt"),
    "raw/" + unicodedata.normalize("NFD", "café.txt"),
    "raw/quote\"'.txt",
    "raw/back\\slash\\..\\..\\x.txt",
    "raw/tab\t.txt",
    "raw/cr\r.txt",
    "raw/new\nline.txt",
    "raw/nul\x00.txt",
    "raw/../../../../etc/passwd",
    "../up.txt",
    "/abs/olute.txt",
    "raw/./x//y.txt",
    "raw/%2E%2E/z.txt",
    "raw/" + "长" * 330 + ".txt",  # one segment of ~1,000 bytes
    "raw/" + "x" * 1016,
    "raw/c:/windows.txt",
]


@pytest.mark.parametrize("key", KEYS, ids=lambda k: repr(k)[:30])
def test_every_key_maps_inside_the_root(tmp_path: Path, key: str) -> None:
    root = tmp_path / "out"
    target = local_path(root, key)
    assert target.resolve().is_relative_to(root.resolve())
    assert all(len(p.encode()) <= 255 for p in target.relative_to(root.resolve()).parts)
    assert not any(ch in str(target) for ch in "\n\r\t\x00")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"x")  # the file system takes it
    assert not (tmp_path / "etc").exists() and not (tmp_path / "up.txt").exists()


def test_different_keys_never_share_a_path(tmp_path: Path) -> None:
    paths = [local_path(tmp_path, k) for k in [*KEYS, "raw/%2E%2E/../z.txt", "raw/x/y.txt"]]
    assert len(set(paths)) == len(paths)
