from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from tasks.backfill import Tally

HELP = (
    "Ingest everything under a prefix (or the keys in a file) that has no outcome yet: "
    "bounded batches, a progress bar, resumable (run it again after a crash or Ctrl-C)."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prefix", help="objects under this prefix (default: GOVREPORTS_RAW_PREFIX)")
    p.add_argument("--keys-file", help="a file of object keys, one per line, instead of a prefix")
    p.add_argument("--batch", type=int, default=1000, help="objects per ingest run (default 1000)")


def run(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from flows.backfill import backfill, listening

    if args.batch < 1:
        raise SystemExit("--batch must be at least 1")
    keys = None
    if args.keys_file:
        with Path(args.keys_file).open(encoding="utf-8") as f:
            keys = [line.strip() for line in f if line.strip()]
    console = Console(stderr=True)
    started = time.monotonic()
    progress = Progress(
        TextColumn("backfill"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} · ETA {task.fields[eta]} · {task.fields[counts]}"),
        console=console,
    )
    bar = progress.add_task("backfill", total=None, rate="-", eta="-", counts="")

    def show(t: Tally) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = t.done / elapsed
        eta = "-"
        if t.total is not None and rate > 0:
            left = max(t.total - t.seen, 0) / rate
            eta = time.strftime("%H:%M:%S", time.gmtime(left))
        counts = (
            f"published {t.published} (fail {t.failed}) · quarantined {t.quarantined}"
            f" · skipped {t.skipped}"
        )
        progress.update(
            bar, completed=t.seen, total=t.total, rate=f"{rate:.1f} obj/s", eta=eta, counts=counts
        )
        if not console.is_terminal:
            console.print(f"{t.seen}/{t.total or '?'} objects · {rate:.1f} obj/s · {counts}")

    try:
        with progress, listening(show):
            summary = backfill(prefix=args.prefix, keys=keys, batch_objects=args.batch)
    except KeyboardInterrupt:
        console.print(
            "interrupted: run the same command again to resume; objects that have an outcome "
            "are skipped"
        )
        return 130
    print(" · ".join(f"{k} {v}" for k, v in summary.items() if k != "seconds"))
    return 0
