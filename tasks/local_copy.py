"""Object keys as local paths that can never leave their folder.

S3 keys are strings, not paths: ``raw/../../etc/x`` is a valid key, and so are keys with
backslashes, newlines, NULs or 1,024 bytes in one segment. A local copy (the demo's
``--out``, any export) maps each key to a path under its root with ``local_path``:

- ``/`` separates folders; empty and ``.`` segments are kept visible as ``%2F`` / ``%2E``
  and ``..`` becomes ``%2E%2E``, so nothing climbs out and two keys never share a path
  (``%`` itself is written ``%25``);
- control characters, ``\\`` and ``:`` are percent-encoded (one line per file name in
  listings, no drive letters or separators on other systems);
- a segment longer than the file system allows (255 bytes) is cut and suffixed with a hash.

The result is checked to resolve inside the root; anything else raises ``ValueError``.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_MAX_NAME_BYTES = 255
_ESCAPE = re.compile(r"[%\\:\x00-\x1f\x7f]")


def _segment(part: str) -> str:
    if part in ("", ".", ".."):
        return {"": "%2F", ".": "%2E", "..": "%2E%2E"}[part]
    name = _ESCAPE.sub(lambda m: f"%{ord(m.group(0)):02X}", part)
    if len(name.encode("utf-8", "surrogatepass")) <= _MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    head = name.encode("utf-8", "surrogatepass")[: _MAX_NAME_BYTES - 18].decode("utf-8", "ignore")
    return f"{head}~{digest}"


def local_path(root: Path, key: str) -> Path:
    """Where the object ``key`` goes under ``root``; always inside it."""
    parts = [_segment(p) for p in key.split("/")]
    base = root.resolve()
    target = base.joinpath(*parts)
    if not target.resolve().is_relative_to(base) or target == base:
        raise ValueError(f"object key {key!r} does not map inside {root}")
    return target
