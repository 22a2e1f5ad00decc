"""``govreports demo``: the whole loop on the embedded default, with live progress.

Starts a local S3 server and a local Prefect server, applies the deployments,
starts a Prefect task worker process and runs the watcher in this process (with
``GOVREPORTS_INGEST_VIA=deployment``: the warm worker in this process instead), uploads the reports,
waits for every object's outcome, prints a summary, copies the curated tables
and quality reports to a local folder, and stops everything it started.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from govreports_cli.runtime import embedded

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

log = logging.getLogger(__name__)

DEMO_BUCKET = "govreports-demo"
SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".docx"}


@dataclass
class Upload:
    key: str
    etag: str
    at: float


def _files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".truth.json") and not p.name.startswith(".")
    )


def _sample_reports(folder: Path, n: int) -> list[Path]:
    import random

    from govreports_cli.samples import generate, make_truth, render

    generate(folder, n=n, seed=2026)
    # Real reports do not always add up: show what failing and warned reports look like.
    rng = random.Random(2026)  # noqa: S311 - sample data, not secrets
    for rule, fmt, year in (("R1", "2021", 2023), ("R4", "2019", 2020), ("P1", "pre2019", 2016)):
        truth = make_truth(rng, fmt=fmt, year=year, violate=rule)
        (folder / f"inconsistent-{rule}.html").write_bytes(render(truth, "html"))
    # Uploads are not all good in real life: show what quarantine looks like.
    (folder / "empty-upload.txt").write_bytes(b"")
    (folder / "scan-without-text.pdf").write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
    )
    letter = "关于2014年政府信息公开工作要点落实情况的函\n各单位：现将有关事项函告如下。\n"
    (folder / "a-letter-not-a-report.txt").write_text(letter, encoding="utf-8")
    return _files(folder)


@dataclass
class LocalPipeline:
    """The embedded default, running: servers, deployments, task workers (or the warm worker)
    and the watcher."""

    settings: Any
    store: Any
    curated: Any
    api_url: str
    stop: threading.Event


@contextlib.contextmanager
def local_pipeline(
    *,
    ui: bool = False,
    poll_interval: float = 0.25,
    window: float = 2.0,
    via: Literal["task", "deployment"] | None = None,
    task_workers: int = 1,
) -> Iterator[LocalPipeline]:
    """``via``: ``task`` runs ingestion on ``task_workers`` Prefect task worker processes,
    ``deployment`` on the warm worker in this process; None: as ``GOVREPORTS_INGEST_VIA``
    says (task by default: docs/adr/0016-task-workers.md)."""
    with embedded(ui=ui) as servers, contextlib.ExitStack() as children:
        os.environ.update(servers.environment(DEMO_BUCKET))
        os.environ["GOVREPORTS_POLL_INTERVAL_SECONDS"] = str(poll_interval)
        os.environ["GOVREPORTS_BATCH_WINDOW_SECONDS"] = str(window)
        if via:
            os.environ["GOVREPORTS_INGEST_VIA"] = via

        from flows.deployments import apply_all
        from flows.watcher import Watcher, make_launcher, make_source
        from flows.worker import WarmWorker
        from govreports.settings import get_settings
        from govreports_cli.runtime import start_task_worker
        from tasks.delta import Curated
        from tasks.store import S3ObjectStore

        get_settings.cache_clear()
        settings = get_settings()
        store = S3ObjectStore.from_settings(settings)
        store.ensure_bucket()
        curated = Curated(settings, store)
        curated.ensure_tables()
        flows = apply_all()

        stop = threading.Event()
        loops: list[Any] = [
            Watcher.from_settings(settings, make_source(settings), make_launcher(settings))
        ]
        if settings.ingest_via == "task":
            for i in range(task_workers):
                worker = start_task_worker(
                    dict(os.environ),
                    servers.home,
                    limit=settings.task_worker_limit,
                    name=f"task-worker-{i}",
                )
                children.callback(worker.stop)
        else:
            import great_expectations  # noqa: F401 - warm the import once, before the first run

            loops.append(
                WarmWorker(
                    {settings.ingest_deployment: flows[settings.ingest_deployment]},
                    poll_interval=0.1,  # a local API: cheap to ask often, and it is latency
                )
            )
        threads = [
            threading.Thread(target=loop.run, args=(stop,), name=type(loop).__name__, daemon=True)
            for loop in loops
        ]
        for t in threads:
            t.start()
        try:
            yield LocalPipeline(settings, store, curated, servers.prefect.url, stop)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)


def run(
    reports: Path | None, out: Path, *, keep_running: bool, samples: int, timeout: float
) -> int:
    from rich.console import Console

    console = Console()
    problem = prepare_out(out, console.print, keep=reports)
    if problem:
        console.print(f"[red]{problem}")
        return 2
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        stack.enter_context(console_logs(console))
        with console.status("starting the S3 and Prefect servers, warming the worker…"):
            pipe = stack.enter_context(local_pipeline(ui=keep_running))
        # Prefect configured its handlers on import: route them through the display too.
        stack.enter_context(console_logs(console))
        stack.callback(console.print, "stopped the local servers")
        boot = time.perf_counter() - started
        console.print(f"S3 server   {pipe.settings.s3_endpoint_url}")
        console.print(f"Prefect API {pipe.api_url}  (ready in {boot:.1f}s)")
        folder = reports or out / "samples"
        files = _files(folder) if reports else _sample_reports(folder, samples)
        if not files:
            console.print(f"[red]no report files in {folder}")
            return 2
        uploads, waited = _upload_and_wait(console, pipe, folder, files, timeout)
        with console.status("waiting for the runs to finish their quality reports…"):
            _wait_until_runs_finish(timeout=120)
        with console.status("building the quality site from the final tables…"):
            from tasks.quality.site import write_site

            # Runs overlap: the last one to write the overview may have read the tables
            # before another's commit. One build after all of them sees everything.
            write_site(pipe.curated)
        summary = _summarize(pipe.curated, uploads, waited)
        _print_summary(console, summary)
        _copy_out(pipe.store, pipe.settings, out)
        console.print(f"\ncurated tables and quality reports copied to [bold]{out}[/bold]")
        console.print(f"  e.g. deltalake.DeltaTable('{out / 'curated' / 'reports'}').to_pandas()")
        console.print(f"  quality report: {out / pipe.settings.quality_prefix / 'index.html'}")
        if keep_running:
            console.print(f"\nPrefect UI: {pipe.api_url.removesuffix('/api')}  — Ctrl-C to stop")
            pipe.stop.wait()
        return 0 if not summary["missing"] else 1


def _upload_and_wait(
    console: Any, pipe: LocalPipeline, folder: Path, files: list[Path], timeout: float
) -> tuple[list[Upload], float]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    uploads: list[Upload] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        up = progress.add_task("uploading", total=len(files), detail="")
        for path in files:
            key = pipe.settings.raw_prefix + path.relative_to(folder).as_posix()
            try:
                ref = pipe.store.put(key, path.read_bytes())
            except Exception as exc:  # noqa: BLE001 - one refused upload must not stop the demo
                # e.g. the local S3 server (moto) refuses keys holding a newline.
                console.print(f"[yellow]not uploaded[/yellow] {key!r}: {type(exc).__name__}: {exc}")
                progress.advance(up)
                continue
            uploads.append(Upload(key, ref.etag, time.perf_counter()))
            progress.advance(up)
        done = progress.add_task("processed", total=len(uploads), detail="")
        first = uploads[0].at if uploads else time.perf_counter()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            outcomes = pipe.curated.outcomes()
            counts = Counter(
                outcomes[u.key]["outcome"]
                for u in uploads
                if u.key in outcomes and outcomes[u.key]["etag"] == u.etag
            )
            finished = sum(counts.values())
            detail = f"published {counts['published']} · quarantined {counts['quarantined']}"
            progress.update(done, completed=finished, detail=detail)
            if finished == len(uploads):
                break
            time.sleep(0.5)
    return uploads, time.perf_counter() - first


def _wait_until_runs_finish(timeout: float) -> None:
    """Outcomes are committed before a run writes its quality report: let the runs end first
    (flow runs, and the background task runs that start them on the task-worker path)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        TaskRunFilter,
        TaskRunFilterState,
        TaskRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    states = [StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING]
    flows = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=states)))
    tasks = TaskRunFilter(state=TaskRunFilterState(type=TaskRunFilterStateType(any_=states)))
    deadline = time.perf_counter() + timeout
    with get_client(sync_client=True) as client:
        while time.perf_counter() < deadline and (
            client.read_flow_runs(flow_run_filter=flows, limit=1)
            or client.read_task_runs(task_run_filter=tasks, limit=1)
        ):
            time.sleep(0.3)


def _summarize(curated: Any, uploads: list[Upload], waited: float) -> dict[str, Any]:
    outcomes = curated.outcomes()
    reports = curated.read("reports", columns=["key", "quality_status"]).to_pylist()
    status = Counter(r["quality_status"] for r in reports)
    got = [u for u in uploads if u.key in outcomes and outcomes[u.key]["etag"] == u.etag]
    quarantined = [outcomes[u.key] for u in got if outcomes[u.key]["outcome"] == "quarantined"]
    return {
        "uploaded": len(uploads),
        "published": len(got) - len(quarantined),
        "pass": status["pass"],
        "warn": status["warn"],
        "fail": status["fail"],
        "quarantined": len(quarantined),
        "quarantine_reasons": [(q["key"], q["reason"]) for q in quarantined],
        "missing": len(uploads) - len(got),
        "rows": {t: curated.read(t).num_rows for t in ("reports", "facts", "rule_results")},
        "seconds_to_all_outcomes": round(waited, 1),
    }


def _print_summary(console: Any, s: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="govreports demo", show_header=True)
    for col in ("uploaded", "published", "pass", "warn", "fail", "quarantined", "missing"):
        table.add_column(col, justify="right")
    table.add_row(
        *(
            str(s[c])
            for c in ("uploaded", "published", "pass", "warn", "fail", "quarantined", "missing")
        )
    )
    console.print(table)
    rows = s["rows"]
    console.print(
        "curated rows: " + " · ".join(f"{table} {count}" for table, count in rows.items())
    )
    console.print(f"all outcomes {s['seconds_to_all_outcomes']}s after the first upload")
    for key, reason in s["quarantine_reasons"]:
        console.print(f"  quarantined {key}: {reason}")


@contextlib.contextmanager
def console_logs(console: Any, level: int = 30) -> Iterator[None]:
    """Log lines (ours, Prefect's, any library's) print through ``console``, WARNING and up.

    A handler writing straight to the terminal tears rich's live progress display; one
    printing through the same console puts the line above it. Flow-run logs still reach
    the Prefect UI at INFO (their API handler is left alone).
    """
    import logging
    import sys

    from rich.logging import RichHandler

    swapped: list[tuple[logging.Logger, logging.Handler]] = []
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    for logger in loggers:
        for handler in list(logger.handlers):
            stream = getattr(handler, "stream", None)
            if isinstance(handler, logging.StreamHandler) and stream in {sys.stderr, sys.stdout}:
                logger.removeHandler(handler)
                swapped.append((logger, handler))
    ours = RichHandler(console=console, level=level, show_path=False, markup=False)
    # Root, and the loggers that do not pass their records on to it (uvicorn, …); a logger
    # already printing through a display (an outer call) keeps that one, so no line is doubled.
    ends = {lg for lg, _ in swapped if not lg.propagate} | {logging.getLogger()}
    roots = [lg for lg in ends if not any(isinstance(h, RichHandler) for h in lg.handlers)]
    for logger in roots:
        logger.addHandler(ours)
    try:
        yield
    finally:
        for logger in roots:
            logger.removeHandler(ours)
        for logger, handler in swapped:
            logger.addHandler(handler)


# Marks a folder the demo wrote, so a second demo may replace it (and nothing else).
OUT_MARKER = ".govreports-demo"
_OUT_PARTS = ("curated", "quality", "quarantine", "raw", "samples")


def prepare_out(out: Path, say: Any, keep: Path | None = None) -> str | None:
    """Make ``out`` ready for this demo's results; return why not, if it cannot be.

    Tables from an earlier demo must not mix with this one's (a Delta folder would keep
    the old log and rows): a folder an earlier demo wrote is emptied of what it wrote,
    and said so; any other non-empty folder is refused. ``keep`` (the --reports folder)
    is never removed, even when it lies inside ``out``.
    """
    import shutil

    if out.exists() and not out.is_dir():
        return f"--out {out} is a file, not a folder"
    if out.is_dir() and any(out.iterdir()):
        if not (out / OUT_MARKER).exists():
            return (
                f"--out {out} already holds files that are not an earlier demo's results; "
                "choose an empty or new folder"
            )
        kept = keep.resolve() if keep else None
        for part in _OUT_PARTS:
            target = (out / part).resolve()
            if kept and (kept == target or target in kept.parents):
                continue
            shutil.rmtree(target, ignore_errors=True)
        say(f"replaced the previous demo results in {out}")
    out.mkdir(parents=True, exist_ok=True)
    (out / OUT_MARKER).write_text("written by govreports demo; a next demo replaces it\n")
    return None


def _copy_out(store: Any, settings: Any, out: Path) -> None:
    """Copy the curated tables, quality site and raw objects locally (relative paths).

    The raw objects come along so that the site's links to them work from the copy.
    """
    prefixes = (
        settings.curated_prefix,
        settings.quality_prefix,
        settings.quarantine_prefix,
        settings.raw_prefix,
    )
    from tasks.local_copy import local_path

    for prefix in prefixes:
        for ref in store.list(prefix):
            # A key is not a path: raw/../../x must not land outside --out.
            target = local_path(out, ref.key)
            fetched = store.read(ref.key, max_bytes=1 << 34)
            if fetched.data is None:
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(fetched.data)
            except OSError as exc:  # e.g. raw/a is an object and raw/a/b another one
                log.warning("not copied: %r -> %s (%s)", ref.key, target, exc.strerror)
