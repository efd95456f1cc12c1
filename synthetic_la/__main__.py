"""CLI: python -m synthetic_la --out DIR [--scale la|national] [--seed N]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generate import ensure_generated, generate
from .world import DEFAULT_SEED, GENERATOR_VERSION, SCALES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synthetic_la",
        description="Write deterministic synthetic DfE/GIAS/Ofsted source files.",
    )
    parser.add_argument("--out", required=True, type=Path, help="source folder to write (created if missing)")
    parser.add_argument(
        "--scale",
        choices=SCALES,
        default="la",
        help="la: Kingsmere + ~10 LAs; national: ~22,000 schools in ~150 LAs",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if the folder is up to date")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.force:
        generate(args.out, args.seed, args.scale)
    elif not ensure_generated(args.out, args.seed, args.scale):
        return 0
    print(
        f"done in {time.perf_counter() - started:.1f}s (seed {args.seed}, scale {args.scale}, "
        f"generator {GENERATOR_VERSION})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
