"""Helpers of the fault tests (``from tests.support.faults import ...``).

The chaos proxy is how most faults are caused for real without losing moto's in-memory data:
the pipeline talks to S3 through a TCP port that the test can close (new connections are
refused, open ones are reset) and reopen on the same port, and it sees every HTTP request
line, so a fault can be triggered at an exact request (say, the Delta commit of ``outcomes``).
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest

    from govreports.settings import Settings
    from govreports_cli.runtime import Server

_LINGER_RESET = (1).to_bytes(4, "little") + (0).to_bytes(4, "little")
_REQUEST_LINE = re.compile(rb"(GET|PUT|POST|HEAD|DELETE) (/\S*) HTTP/1\.[01]\r\n")


@dataclass
class ChaosProxy:
    """A TCP proxy on a fixed local port: ``outage()`` refuses and resets, ``on_request`` spies.

    ``on_request(method, path)`` runs in the proxy thread before a request is forwarded;
    returning False drops the connection instead of forwarding it.
    """

    upstream: tuple[str, int]
    port: int = 0
    on_request: Callable[[str, str], bool] | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)
    refused_since: float | None = None
    bytes_down: int = 0  # bytes the server sent to clients through the proxy
    _listener: socket.socket | None = None
    _conns: set[socket.socket] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChaosProxy:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        sock.listen(128)
        self._listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by outage() or close()
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns |= {client, server}
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        try:
            while data := src.recv(65536):
                if from_client:
                    for m in _REQUEST_LINE.finditer(data):
                        method, path = m.group(1).decode(), m.group(2).decode()
                        self.requests.append((method, path))
                        if self.on_request is not None and not self.on_request(method, path):
                            raise ConnectionAbortedError
                else:
                    self.bytes_down += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            with self._lock:
                self._conns -= {src, dst}

    def _reset_all(self) -> None:
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for s in conns:
            with contextlib.suppress(OSError):
                # RST rather than FIN where it can: the client sees the connection die.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
            with contextlib.suppress(OSError):
                # close() alone would not wake the pump thread blocked in recv() on it.
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()

    def go_down(self) -> None:
        """The endpoint goes away: new connections are refused, open ones are reset."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self._reset_all()
        self.refused_since = time.monotonic()

    def come_back(self) -> None:
        self.refused_since = None
        if not self._closed:
            self.start()

    def outage(self, seconds: float) -> None:
        self.go_down()
        time.sleep(seconds)
        self.come_back()

    def close(self) -> None:
        self._closed = True
        self.go_down()


def upstream_of(server: Server) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def use_settings(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, bucket: str | None = None, **extra: str
) -> Settings:
    """Point ``get_settings()`` (this process) at ``endpoint`` with a fresh bucket."""
    from govreports import settings as settings_module
    from tasks.store import S3ObjectStore

    env = {
        "GOVREPORTS_S3_ENDPOINT_URL": endpoint,
        "GOVREPORTS_AWS_ACCESS_KEY_ID": LOCAL_KEY,
        "GOVREPORTS_AWS_SECRET_ACCESS_KEY": LOCAL_SECRET,
        "GOVREPORTS_BUCKET": bucket or f"faults-{uuid.uuid4().hex[:12]}",
        # The GX Data Docs site costs seconds per run and is not what these tests are about.
        "GOVREPORTS_DATA_DOCS": "false",
        **extra,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings_module.get_settings.cache_clear()
    s = settings_module.get_settings()
    S3ObjectStore.from_settings(s).ensure_bucket()
    return s


def check_invariant(curated: object) -> dict[str, int]:
    """The promise: every raw object has an outcome at its current etag, nothing twice.

    Also: no report row without its facts' report, no facts left behind by a replaced report,
    one outcome row per key, one report row per report_id, and ``clean`` exactly the reports
    it should hold.
    """
    from collections import Counter

    from tasks.audit import audit
    from tasks.delta import Curated

    assert isinstance(curated, Curated)
    result = audit(curated)
    assert result.ok, f"objects without an outcome: {[r.version_id for r in result.missing]}"
    reports = curated.read("reports", columns=["report_id", "key"]).to_pylist()
    ids = Counter(r["report_id"] for r in reports)
    assert not [i for i, n in ids.items() if n > 1], "duplicate report rows"
    outcomes = curated.read("outcomes", columns=["key"]).to_pylist()
    keys = Counter(o["key"] for o in outcomes)
    assert not [k for k, n in keys.items() if n > 1], "duplicate outcome rows"
    facts = curated.read("facts", columns=["report_id", "table", "row", "column"]).to_pylist()
    fact_keys = Counter(tuple(f.values()) for f in facts)
    assert not [k for k, n in fact_keys.items() if n > 1], "duplicate fact rows"
    assert {f["report_id"] for f in facts} <= set(ids), "facts of a report that is not published"
    published = {curated.outcomes()[k]["report_id"] for k in result.published}
    assert published == set(ids), "reports and the outcomes ledger disagree"
    from tasks.rows import clean_rows

    clean = Counter(curated.read("clean", columns=["report_id"])["report_id"].to_pylist())
    assert not [i for i, n in clean.items() if n > 1], "duplicate clean rows"
    holds = set(clean_rows(curated.read("reports"))["report_id"].to_pylist())
    assert set(clean) == holds, "clean is not the pass/warn/accepted subset of reports"
    return {
        "objects": result.objects,
        "published": len(result.published),
        "quarantined": len(result.quarantined),
        "reports": len(reports),
    }
