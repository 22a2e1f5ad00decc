"""The embedded default: a local S3-compatible server and a local Prefect server.

Both are real servers on 127.0.0.1 speaking HTTP, started as child processes
and stopped with them (also on Ctrl-C). Nothing is installed outside the
project's virtual environment.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

# The local S3 server accepts any credentials; these keep boto3 off the real chain.
LOCAL_KEY = "govreports-local"
LOCAL_SECRET = "govreports-local-secret"  # noqa: S105 - a local emulator's dummy credential


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}; see {log}:\n{log.read_text()[-2000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1) as r:  # noqa: S310 - a loopback URL we built
                if r.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s; see {log}")


@dataclass
class Server:
    name: str
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    # Own process group: stopping the server also stops its children (uvicorn workers).
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )


def start_s3(workdir: Path, port: int | None = None) -> Server:
    import importlib.util

    if importlib.util.find_spec("moto") is None:
        # The server runs in a child process; say here, not in its log, what is missing.
        raise ModuleNotFoundError("moto is not installed", name="moto")
    port = port or free_port()
    log = workdir / "s3-server.log"
    # moto's S3 with the per-request service lookup and logging off the S3 path (s3_server.py).
    cmd = [sys.executable, "-m", "govreports_cli.s3_server", "-H", "127.0.0.1", "-p", str(port)]
    proc = _spawn(cmd, dict(os.environ), log)
    url = f"http://127.0.0.1:{port}"
    _wait_http(url + "/moto-api/", proc, 30, log)
    return Server("s3", url, proc, log)


def prefect_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    env = {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # INFO: a flow run's page in the UI shows what the run did (the console stays
        # quiet where it matters: the demo prints log lines through its own display).
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db",
        # SQLite: keep the server's background services light on a 2-core machine.
        "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    }
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def start_prefect(home: Path, *, ui: bool = False, port: int | None = None) -> Server:
    """A Prefect server on SQLite under ``home``; the same home and port restart it as it was."""
    port = port or free_port()
    log = home / "prefect-server.log"
    env = {**os.environ, **prefect_env(home)}
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_UI_API_URL"] = f"http://127.0.0.1:{port}/api"
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    cmd = [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    if not ui:
        cmd.append("--no-ui")
    proc = _spawn(cmd, env, log)
    url = f"http://127.0.0.1:{port}/api"
    _wait_http(url + "/health", proc, 90, log)
    return Server("prefect", url, proc, log)


def start_task_worker(
    env: dict[str, str], workdir: Path, *, limit: int, name: str = "task-worker"
) -> Server:
    """``govreports task-worker`` as a child process with ``env``; returns once it is warm.

    Warm: Great Expectations imported, the worker subscribing to the scheduled ingest_batch
    runs (runs created before that wait in the Prefect server's queue).
    """
    log = workdir / f"{name}.log"
    ready = workdir / f"{name}.ready"
    ready.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "govreports_cli.cli", "task-worker", "--limit", str(limit)]
    proc = _spawn([*cmd, "--ready-file", str(ready)], env, log)
    deadline = time.monotonic() + 180
    while not ready.exists():
        if proc.poll() is not None:
            raise RuntimeError(
                f"{name} exited with {proc.returncode}; see {log}:\n{log.read_text()[-2000:]}"
            )
        if time.monotonic() > deadline:
            Server(name, "", proc, log).stop()
            raise TimeoutError(f"{name} was not ready within 180s; see {log}")
        time.sleep(0.2)
    return Server(name, "", proc, log)


@dataclass
class Embedded:
    s3: Server
    prefect: Server
    home: Path

    def environment(self, bucket: str) -> dict[str, str]:
        """What a process needs to talk to these servers: the govreports and Prefect settings."""
        return {
            "GOVREPORTS_S3_ENDPOINT_URL": self.s3.url,
            "GOVREPORTS_AWS_ACCESS_KEY_ID": LOCAL_KEY,
            "GOVREPORTS_AWS_SECRET_ACCESS_KEY": LOCAL_SECRET,
            "GOVREPORTS_BUCKET": bucket,
            **prefect_env(self.home, self.prefect.url),
        }


@contextlib.contextmanager
def embedded(*, ui: bool = False, keep: bool = False) -> Iterator[Embedded]:
    """Start both servers; stop them on exit unless ``keep``, also on Ctrl-C or SIGTERM."""
    with _interrupt_on_signals():
        home = Path(tempfile.mkdtemp(prefix="govreports-prefect-"))
        s3 = start_s3(home)
        try:
            prefect = start_prefect(home, ui=ui)
        except BaseException:
            s3.stop()
            raise
        try:
            yield Embedded(s3, prefect, home)
        finally:
            if not keep:
                prefect.stop()
                s3.stop()
                shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def _interrupt_on_signals() -> Iterator[None]:
    """Turn SIGTERM (and an inherited, ignored SIGINT) into KeyboardInterrupt.

    The servers run in their own sessions so that stopping them takes their
    children too; that also means nobody else stops them: this process must
    unwind and run its cleanup whatever signal ends it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
