"""Reading and parsing one document under a time and a memory budget, in a warm worker process.

The parser is not trusted to be fast or small on hostile input (a .docx inflating to
hundreds of MB, an HTML page of 100,000 spanned cells). Each document is parsed in a child
process that stays warm across documents (its imports are paid once); the caller watches it:

- time: past ``seconds`` the child is killed and the document gets ``over_time_budget``
  (time it spent waiting for a CPU is not counted: the children run at ``parse_niceness``,
  and a busy machine must not make a document time out);
- memory: the child's resident memory is sampled every few milliseconds, and past its
  baseline plus ``memory_bytes`` it is killed (``over_memory_budget``); an address-space
  limit (RLIMIT_AS, baseline + 2 x budget) catches what grows between two samples.

A killed child is replaced on the next document, so the rest of the batch goes on. The child
is a plain ``subprocess`` speaking length-prefixed pickles on its stdin/stdout (not
multiprocessing, which daemonic pool workers, e.g. Dask's, may not start). No Prefect here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from govreports.contract.models import ParseError, Report

if TYPE_CHECKING:
    from govreports.settings import Settings
    from tasks.parsing.ocr import OcrOptions

_HEADER = struct.Struct("!Q")
_SAMPLE_SECONDS = 0.01
_START_SECONDS = 180.0  # a cold start on a loaded machine; not charged to any document
# A child whose resident memory stays this share of the budget above its baseline after a
# document is replaced, so one big document does not eat into the next one's budget.
_RECYCLE_SHARE = 0.5
_PAGE = os.sysconf("SC_PAGE_SIZE")
_WARM_UP = (
    "福建省平潭县人民政府2020年政府信息公开工作年度报告\n一、总体情况\n"
    "全年主动公开政府信息120条，收到政府信息公开申请5件。\n平潭县人民政府\n2021年1月20日\n"
).encode()


@dataclass(frozen=True, slots=True)
class Budget:
    seconds: float
    memory_bytes: int
    niceness: int = 0

    @classmethod
    def from_settings(cls, settings: Settings, *, pdf: bool = False) -> Budget:
        """The per-document budget; a PDF may be a scan, and OCR gets its own share on top
        (``ocr_max_seconds``, ``ocr_memory_mb``: the engine and a page image need ~0.5-1 GB,
        docs/adr/0014), so a PDF goes to a worker of its own with that larger budget."""
        seconds, memory_mb = settings.parse_seconds, settings.parse_memory_mb
        niceness = settings.parse_niceness
        if pdf and settings.ocr_enabled:
            seconds += settings.ocr_max_seconds
            memory_mb += settings.ocr_memory_mb
            # OCR stops itself after ocr_max_seconds of wall time and leaves the pages it did
            # not reach unread (noted): yielding the CPU would read fewer pages of a scan.
            niceness = 0
        return cls(seconds, memory_mb * 1024 * 1024, niceness)


def _proc_int(pid: int, name: str, field: int) -> int:
    """One integer field of /proc/PID/<name>; 0 if the process is gone or the kernel does
    not say."""
    try:
        return int(Path(f"/proc/{pid}/{name}").read_bytes().split()[field])
    except (OSError, IndexError, ValueError):
        return 0


def _statm(pid: int, field: int) -> int:
    """One field of /proc/PID/statm in bytes (0 address space, 1 resident); 0 if gone."""
    return _proc_int(pid, "statm", field) * _PAGE


def _rss(pid: int) -> int:
    return _statm(pid, 1)


def _waited_seconds(pid: int) -> float:
    """Seconds the process's main thread has spent runnable but waiting for a CPU
    (/proc/PID/schedstat); 0.0 where the kernel does not say, or the process is gone."""
    return _proc_int(pid, "schedstat", 1) / 1e9


def _send(stream: IO[bytes], payload: object) -> None:
    blob = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(blob)) + blob)
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    chunks: list[bytes] = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("the parse worker closed its output")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> Any:
    (n,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, n))  # noqa: S301 - our own child, over a pipe


class ParseWorker:
    """One warm child process parsing documents one at a time under a budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self._proc: subprocess.Popen[bytes] | None = None
        self._baseline = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "tasks.isolation",
                str(self.budget.memory_bytes),
                str(self.budget.niceness),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], _START_SECONDS)
        if not ready:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"the parse worker did not start within {_START_SECONDS:g} s")
        hello = _receive(proc.stdout)
        self._baseline = int(hello[1])
        self._proc = proc
        return proc

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            assert proc.stdin is not None
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()

    def parse(
        self, data: bytes, filename: str, max_bytes: int | None, ocr: OcrOptions | None = None
    ) -> Report:
        """Parse one document in the child; ``ParseError`` for a refusal or a budget exceeded."""
        proc = self._proc if self._proc is not None and self._proc.poll() is None else None
        if proc is None:
            proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            _send(proc.stdin, (data, filename, max_bytes, ocr))
        except OSError:
            self._kill()
            raise ParseError("parser_error", "the parse worker died before reading") from None
        limit = self._baseline + self.budget.memory_bytes
        started = time.monotonic()
        # The time budget is the document's, not the machine's: time the child spent waiting
        # for a CPU (a busy machine, its own niceness) is not charged to it.
        waited_at_start = _waited_seconds(proc.pid)
        peak = 0
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], _SAMPLE_SECONDS)
            if ready:
                break
            elapsed = time.monotonic() - started
            peak = max(peak, rss := _rss(proc.pid))
            if rss > limit:
                self._kill()
                raise ParseError(
                    "over_memory_budget",
                    f"reading and parsing needed over {self._mb(self.budget.memory_bytes)} "
                    f"(the per-document memory budget); stopped after {elapsed:.1f} s",
                )
            # Waits only ever lower the charge: /proc is read only once the wall time is over.
            if elapsed > self.budget.seconds and (
                elapsed - (_waited_seconds(proc.pid) - waited_at_start) > self.budget.seconds
            ):
                self._kill()
                raise ParseError(
                    "over_time_budget",
                    f"reading and parsing took over {self.budget.seconds:g} s (the per-document "
                    f"time budget; {elapsed:.1f} s with waits for a CPU), using "
                    f"{self._mb(max(peak - self._baseline, 0))}; stopped",
                )
        try:
            reply = _receive(proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            code = proc.wait()
            self._proc = None
            # The address-space limit makes allocations fail: MemoryError, or a C library
            # aborting on it. Either way the document needed more than the budget allows.
            raise ParseError(
                "over_memory_budget",
                f"the parse worker ran out of its {self._mb(self.budget.memory_bytes)} memory "
                f"budget and ended (exit {code})",
            ) from None
        if _rss(proc.pid) > self._baseline + _RECYCLE_SHARE * self.budget.memory_bytes:
            self.close()  # start the next document from a clean baseline
        kind = reply[0]
        if kind == "ok":
            report: Report = reply[1]
            return report
        if kind == "memory":
            self._kill()
            raise ParseError(
                "over_memory_budget",
                f"reading and parsing needed over {self._mb(self.budget.memory_bytes)} "
                "(the per-document memory budget)",
            )
        raise ParseError(reply[1], reply[2])

    @staticmethod
    def _mb(n: int) -> str:
        return f"{n / 1024 / 1024:.0f} MB"


_IDLE: list[ParseWorker] = []
_IDLE_LOCK = threading.Lock()


def _acquire(budget: Budget) -> ParseWorker:
    """An idle warm worker for ``budget`` (workers outlive the threads and runs using them)."""
    with _IDLE_LOCK:
        for i, worker in enumerate(_IDLE):
            if worker.budget == budget:
                return _IDLE.pop(i)
    return ParseWorker(budget)


# Documents parsed at once in this process, whatever the number of runs parsing: a task worker
# running two batches keeps one child per core busy, not two (each child is ~130 MB, and more
# children than cores only share the cores; docs/adr/0017-bursts.md).
_SLOTS: dict[int, threading.BoundedSemaphore] = {}


def _slots(n: int) -> threading.BoundedSemaphore:
    with _IDLE_LOCK:
        return _SLOTS.setdefault(n, threading.BoundedSemaphore(n))


def _release(worker: ParseWorker) -> None:
    with _IDLE_LOCK:
        _IDLE.append(worker)


def prestart(settings: Settings) -> None:
    """Start the workers now (a warm process calls this at start-up, so the first documents
    of the first run do not wait for the workers' imports): one per document parsed at once
    (``tasks.parse.parse_workers``) and one for PDFs."""
    from tasks.parse import parse_workers

    if not settings.parse_isolated:
        return
    text = Budget.from_settings(settings)
    pdf = Budget.from_settings(settings, pdf=True)
    wanted = [text] * parse_workers(settings) + ([pdf] if pdf != text else [])
    workers = [_acquire(budget) for budget in wanted]
    for worker in workers:
        worker.start()
    for worker in workers:
        _release(worker)


def parse_bounded(data: bytes, filename: str, settings: Settings) -> Report:
    """``parse_document`` under the settings' budgets: in this thread's warm worker, or in
    this process when ``parse_isolated`` is off (fast unit tests, debugging)."""
    from tasks.parsing.ocr import ocr_options

    ocr = ocr_options(settings)
    if not settings.parse_isolated:
        from tasks.parse import parse_document

        return parse_document(data, filename, max_bytes=settings.max_object_bytes, ocr=ocr)
    from tasks.parse import parse_workers

    with _slots(parse_workers(settings)):
        worker = _acquire(Budget.from_settings(settings, pdf=b"%PDF-" in data[:1024]))
        try:
            return worker.parse(data, filename, settings.max_object_bytes, ocr)
        finally:
            _release(worker)


def _serve(memory_bytes: int, niceness: int = 0) -> None:
    """The child: parse what arrives on stdin until it closes; replies on the original stdout."""
    import resource
    import warnings

    if niceness:
        os.nice(niceness)
    warnings.filterwarnings("ignore")
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the replies
    source = os.fdopen(os.dup(0), "rb")
    from tasks.parse import parse_document

    # Pay the first-use costs (gazetteer, segmenter, lazy imports) before the first budget.
    with contextlib.suppress(Exception):
        parse_document(_WARM_UP, "warm-up.txt")
    baseline = _rss(os.getpid())
    if vm := _statm(os.getpid(), 0):
        with contextlib.suppress(ValueError, OSError):
            limit = (vm + 2 * memory_bytes, resource.RLIM_INFINITY)
            resource.setrlimit(resource.RLIMIT_AS, limit)
    _send(out, ("ready", baseline))
    while True:
        try:
            data, filename, max_bytes, ocr = _receive(source)
        except EOFError:
            return
        try:
            report = parse_document(data, filename, max_bytes=max_bytes, ocr=ocr)
            reply: tuple[Any, ...] = ("ok", report)
        except ParseError as exc:
            reply = ("error", exc.code, exc.reason)
        except MemoryError:
            reply = ("memory",)
        except Exception as exc:  # noqa: BLE001 - reported to the caller as this document's
            crash = f"parser crashed: {type(exc).__name__}: {exc}"[:500]
            reply = ("error", "parser_error", crash)
        del data
        _send(out, reply)


if __name__ == "__main__":
    _serve(*(int(arg) for arg in sys.argv[1:3]))
