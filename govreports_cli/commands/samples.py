from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

HELP = "Write synthetic annual reports in every format and layout, each with its truth JSON."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n", type=int, required=True, help="how many samples to write")
    p.add_argument("--out", required=True, help="directory to write into (created if missing)")
    p.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    p.add_argument(
        "--layouts",
        default=None,
        help=(
            "comma-separated subset of txt_pipe,txt_flat,txt_gbk,html,docx,pdf (default: all "
            "of these), or pdf_scan (image-only PDFs) / pdf_table_images (tables as pictures), "
            "which need OCR and are made only when named"
        ),
    )
    p.add_argument(
        "--hostile",
        action="store_true",
        help="also write one file of every hostile class (bombs, huge numbers, damaged archives, "
        "...) with hostile.json saying what each must become",
    )


def run(args: argparse.Namespace) -> int:
    import sys
    import time
    from pathlib import Path

    from govreports_cli.samples import ALL_LAYOUTS, LAYOUTS, generate

    layouts = tuple(x.strip() for x in args.layouts.split(",")) if args.layouts else LAYOUTS
    unknown = [x for x in layouts if x not in ALL_LAYOUTS]
    if unknown or args.n < 0:
        reason = f"unknown layout(s) {', '.join(unknown)}" if unknown else "--n must be >= 0"
        print(f"error: {reason}; layouts are {', '.join(ALL_LAYOUTS)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"error: --out {out} is a file; samples go into a folder", file=sys.stderr)
        return 2
    started = time.perf_counter()
    paths = generate(out, args.n, seed=args.seed, layouts=layouts)
    for path in paths:
        print(f"wrote {path}  (+ {path.with_suffix('').name}.truth.json)")
    if args.hostile:
        _write_hostile(out / "hostile", args.seed)
    elapsed = time.perf_counter() - started
    print(f"{len(paths)} samples in {args.out} ({elapsed:.2f} s)")
    return 0


def _write_hostile(folder: Path, seed: int) -> None:
    import json

    from govreports_cli.samples.hostile import hostile_files

    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for case in hostile_files(seed):
        (folder / case.name).write_bytes(case.data)
        expected[case.name] = {"code": case.code, "note_or_reason_has": case.note_has}
        print(f"wrote {folder / case.name}  ({case.code or 'parses, with a note'})")
    (folder / "hostile.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
