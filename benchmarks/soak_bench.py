"""Soak benchmark (not a test): thousands of uploads, 5% hostile, the S3 endpoint stopped and
restarted, the worker killed.

Runs the embedded servers (local moto S3 + local Prefect), the watcher in this process and the
warm worker (``govreports worker``) as a separate process, which the bench SIGKILLs once and
starts again. The pipeline reaches S3 through a local relay on a fixed port that is stopped
(listening socket closed, every open connection reset: clients see a stopped server) and
started again on the same port: moto itself keeps running, because a killed moto loses its
in-memory bucket, which a real store would not. The uploader (an agency) writes straight to
the store. 5% of the uploads are hostile files of ``govreports_cli.samples.hostile``, every class.
Prints uploads, outcomes, duplicates (must be 0), missing (must be 0) and the time to the last
outcome; reconcile (the scheduled safety net) is run once if the pipeline goes quiet with
objects left, and both figures are shown.

    .venv/bin/python benchmarks/soak_bench.py --uploads 5000
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def hostile_uploads(folder: Path, n: int) -> list[Path]:
    """``n`` hostile files, every class of the generator in turn, each from its own report."""
    from govreports_cli.samples.hostile import hostile_files

    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    seed = 0
    while len(out) < n:
        for case in hostile_files(seed, heavy=False):
            if len(out) == n:
                break
            path = folder / f"{seed:04d}-{case.name}"
            path.write_bytes(case.data)
            out.append(path)
        seed += 1
    return out


class Relay:
    """A TCP relay on a fixed loopback port that can be stopped and started again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        sock.listen(256)
        self._listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and reset the open ones."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, set()
        for c in conns:
            with contextlib.suppress(OSError):
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=30)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for c in (src, dst):
                with contextlib.suppress(OSError):
                    c.close()
            with self._lock:
                self._conns -= {src, dst}


def wait_for_outcomes(curated: Any, uploads: dict[str, str], timeout: float, quiet: float) -> None:
    """Until every upload has an outcome at its etag, or nothing changed for ``quiet`` s."""
    start = last_change = time.perf_counter()
    done_before = -1
    while time.perf_counter() - start < timeout:
        try:
            outcomes = curated.outcomes()
        except Exception as exc:  # noqa: BLE001 - the store may still be recovering
            print(f"  (reading outcomes failed: {type(exc).__name__}; retrying)")
            time.sleep(2)
            continue
        done = sum(1 for k, e in uploads.items() if k in outcomes and outcomes[k]["etag"] == e)
        if done != done_before:
            print(f"  {time.perf_counter() - start:6.1f}s  outcomes {done}/{len(uploads)}")
            done_before, last_change = done, time.perf_counter()
        if done == len(uploads):
            break
        if time.perf_counter() - last_change > quiet:
            print(f"  no progress for {quiet:.0f}s: stopping the wait")
            break
        time.sleep(2)


def tally(curated: Any, uploads: dict[str, str]) -> dict[str, int]:
    outcomes_rows = curated.read("outcomes", columns=["key", "etag", "outcome"]).to_pylist()
    per_key = Counter(r["key"] for r in outcomes_rows)
    outcomes = {r["key"]: r for r in outcomes_rows}
    reports = curated.read("reports", columns=["report_id", "key"]).to_pylist()
    per_report = Counter(r["report_id"] for r in reports)
    facts = curated.read("facts", columns=["report_id", "table", "row", "column"]).to_pylist()
    per_fact = Counter(tuple(f.values()) for f in facts)
    got = {k: outcomes[k] for k, e in uploads.items() if k in outcomes and outcomes[k]["etag"] == e}
    return {
        "outcomes": len(got),
        "published": sum(1 for r in got.values() if r["outcome"] == "published"),
        "quarantined": sum(1 for r in got.values() if r["outcome"] == "quarantined"),
        "missing": len(uploads) - len(got),
        "duplicate_outcome_rows": sum(n - 1 for n in per_key.values() if n > 1),
        "duplicate_report_rows": sum(n - 1 for n in per_report.values() if n > 1),
        "duplicate_fact_rows": sum(n - 1 for n in per_fact.values() if n > 1),
        "report_rows": len(reports),
    }


def flow_run_states(api_deployment: str) -> Counter[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    with get_client(sync_client=True) as client:
        dep = client.read_deployment_by_name(api_deployment)
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])), limit=200
        )
        states: Counter[str] = Counter(
            str(r.state_type.value if r.state_type else "?") for r in runs
        )
        offset = 200
        while len(runs) == 200:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])),
                limit=200,
                offset=offset,
            )
            states.update(str(r.state_type.value if r.state_type else "?") for r in runs)
            offset += 200
    return states


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The warm worker as its own process (``govreports worker``), as in production."""
    exe = Path(sys.executable).with_name("govreports")
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own command
            [str(exe), "worker", "--concurrency", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """SIGTERM (finish the runs in hand), then SIGKILL the worker's whole session."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def main() -> int:  # noqa: PLR0915
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--uploads", type=int, default=5000, help="total uploads (default 5000)")
    p.add_argument("--hostile", type=float, default=0.05, help="share of hostile files (0.05)")
    p.add_argument("--outage-seconds", type=float, default=10.0, help="S3 stopped this long")
    p.add_argument("--outage-at", type=float, default=0.5, help="after this share of uploads")
    p.add_argument("--kill-at", type=float, default=0.3, help="kill the worker after this share")
    p.add_argument("--threads", type=int, default=8, help="uploading threads (8)")
    p.add_argument("--timeout", type=float, default=3600, help="wait for outcomes at most (s)")
    p.add_argument("--quiet", type=float, default=600, help="give up after no progress for (s)")
    p.add_argument(
        "--dask-min-objects",
        type=int,
        default=10**9,
        help="batches this large go to Dask (default: never; a LocalCluster per 200-object run "
        "costs more than it saves on 2 cores, and the Dask path has benchmarks/backfill_bench.py)",
    )
    p.add_argument("--seed", type=int, default=2027)
    args = p.parse_args()

    from govreports_cli.runtime import embedded
    from govreports_cli.samples import generate

    work = Path(tempfile.mkdtemp(prefix="govreports-soak-"))
    n_hostile = round(args.uploads * args.hostile)
    t0 = time.perf_counter()
    files = generate(
        work / "good",
        n=args.uploads - n_hostile,
        seed=args.seed,
        layouts=("txt_flat", "txt_pipe", "html"),
    )
    files += hostile_uploads(work / "hostile", n_hostile)
    random.Random(args.seed).shuffle(files)  # the hostile ones spread through the run
    print(f"generated {len(files)} files ({n_hostile} hostile) in {time.perf_counter() - t0:.1f}s")

    t0 = time.perf_counter()
    with embedded() as servers:
        moto = servers.s3.url
        relay = Relay(("127.0.0.1", int(moto.rsplit(":", 1)[1])))
        relay.start()
        env = {**os.environ, **servers.environment("govreports-soak")}
        env["GOVREPORTS_S3_ENDPOINT_URL"] = relay.url  # the pipeline goes through the relay
        env["GOVREPORTS_POLL_INTERVAL_SECONDS"] = "0.25"
        env["GOVREPORTS_DASK_MIN_OBJECTS"] = str(args.dask_min_objects)
        os.environ.update(env)

        from flows.deployments import apply_all
        from flows.watcher import Watcher, deployment_launcher, make_source
        from govreports.settings import get_settings
        from tasks.delta import Curated
        from tasks.store import S3ObjectStore

        get_settings.cache_clear()
        settings = get_settings()
        agency = S3ObjectStore.from_settings(settings.model_copy(update={"s3_endpoint_url": moto}))
        agency.ensure_bucket()
        curated = Curated(settings, S3ObjectStore.from_settings(settings))
        curated.ensure_tables()
        apply_all()
        stop = threading.Event()
        launch = deployment_launcher(settings.ingest_deployment, settings.bucket)
        watcher = Watcher.from_settings(settings, make_source(settings), launch)
        threading.Thread(target=watcher.run, args=(stop,), daemon=True).start()
        worker_log = work / "worker.log"
        worker = start_worker(env, worker_log)
        # Whatever ends this run, the worker (own session) goes too.
        atexit.register(lambda: stop_worker(worker))
        boot = time.perf_counter() - t0
        print(f"servers, watcher and worker up in {boot:.1f}s; S3 {moto} behind {relay.url}")

        uploads: dict[str, str] = {}
        lock = threading.Lock()
        events: dict[str, float] = {}

        def upload(path: Path) -> None:
            key = f"{settings.raw_prefix}{path.parent.name}/{path.name}"
            ref = agency.put(key, path.read_bytes())
            with lock:
                uploads[key] = ref.etag

        def kill_worker() -> None:
            nonlocal worker
            events["kill"] = time.perf_counter()
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            print(f"  worker (pid {worker.pid}) killed (SIGKILL); starting a new one")
            worker = start_worker(env, worker_log)

        def outage() -> None:
            events["outage_start"] = time.perf_counter()
            relay.stop()
            seconds = args.outage_seconds
            print(f"  S3 endpoint stopped (refused, connections reset) for {seconds:.0f}s")
            time.sleep(args.outage_seconds)
            relay.start()
            events["outage_end"] = time.perf_counter()
            print("  S3 endpoint started again on the same port")

        first_upload = time.perf_counter()
        kill_after = int(len(files) * args.kill_at)
        outage_after = int(len(files) * args.outage_at)
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(upload, files[:kill_after]))
            kill_worker()
            list(pool.map(upload, files[kill_after:outage_after]))
            stopper = threading.Thread(target=outage)
            stopper.start()
            list(pool.map(upload, files[outage_after:]))
        stopper.join()
        upload_seconds = time.perf_counter() - first_upload
        print(f"uploaded {len(uploads)} objects in {upload_seconds:.1f}s")

        wait_for_outcomes(curated, uploads, args.timeout, args.quiet)
        since_first = time.perf_counter() - first_upload
        before = tally(curated, uploads)
        reconciled = None
        if before["missing"]:
            from flows.reconcile import reconcile

            print(f"{before['missing']} uploads without an outcome: running reconcile once")
            reconciled = reconcile(mode="inline")
            wait_for_outcomes(curated, uploads, args.timeout, 30)
            since_first = time.perf_counter() - first_upload
            after = tally(curated, uploads)
        else:
            after = before
        stop.set()
        stop_worker(worker)
        states = flow_run_states(settings.ingest_deployment)
        relay.stop()

    print()
    print("soak result")
    print(f"  uploads                 {len(uploads)}  ({n_hostile} hostile)")
    print(
        f"  outcomes                {after['outcomes']}  "
        f"(published {after['published']}, quarantined {after['quarantined']})"
    )
    print(
        f"  duplicates              {after['duplicate_report_rows']} report rows, "
        f"{after['duplicate_outcome_rows']} outcome rows, {after['duplicate_fact_rows']} fact rows"
    )
    print(
        f"  missing                 {after['missing']}"
        + (f"  (before reconcile: {before['missing']})" if reconciled else "")
    )
    stopped = events.get("outage_end", 0) - events.get("outage_start", 0)
    print(
        f"  S3 endpoint stopped     {stopped:.1f}s (connections refused and reset, then restarted)"
    )
    print(f"  worker killed           once, at {events['kill'] - first_upload:.1f}s (SIGKILL)")
    print(f"  ingest runs             {dict(states)}")
    print(
        f"  times                   boot {boot:.1f}s, uploads {upload_seconds:.1f}s, "
        f"last outcome {since_first:.1f}s after the first upload "
        f"({len(uploads) / since_first:.1f} objects/s)"
    )
    ok = not after["missing"] and not any(v for k, v in after.items() if k.startswith("duplicate"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
