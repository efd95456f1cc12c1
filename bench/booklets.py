"""All Achievement and Target Setting Booklets for the bundled LA, HTML + PDF, with 2 workers: wall time.

    .venv/bin/python bench/booklets.py [--warehouse PATH] [--workers 2]

Uses the warehouse `make run` built ($SI_DUCKDB_PATH, default data/warehouse.duckdb); without one, runs the
pipeline on freshly generated data in a temporary folder first (not timed). Prints the booklet count, the wall
time against the 60-second target, and the CPU seconds used (this process and its pandoc children), so a
figure taken on a busy machine can be read against the CPU it actually needed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

TARGET_SECONDS = 60.0


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ensure_warehouse(path: Path | None, scratch: Path) -> Path:
    if path is not None and path.is_file():
        return path
    data_dir = scratch / "data"
    print(f"no warehouse at {path}; running the pipeline into {data_dir} (not timed)", flush=True)
    env = {**os.environ, "SI_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(scratch / "dagster_home")}
    env.pop("SI_DUCKDB_PATH", None)
    (scratch / "dagster_home").mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "dagster_project", "run"], cwd=REPO_ROOT, env=env, check=True)
    return data_dir / "warehouse.duckdb"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.environ.get("SI_DUCKDB_PATH") or str(REPO_ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--warehouse", type=Path, default=Path(default))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from dagster_project.lib.reports.booklets import build_booklets

    with tempfile.TemporaryDirectory(prefix="bench-booklets-") as tmp:
        scratch = Path(tmp)
        warehouse = ensure_warehouse(args.warehouse, scratch)
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        booklets = build_booklets(warehouse, scratch / "restricted", workers=args.workers)
        wall = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
    verdict = "within" if wall < TARGET_SECONDS else "OVER"
    profiles = sum(one.document == "profile" for one in booklets)
    print(
        f"booklets rendered (HTML + PDF): {len(booklets) - profiles}, and {profiles} academy profiles, with "
        f"{args.workers} workers on {os.cpu_count()} cores"
    )
    per_booklet = wall / max(len(booklets), 1)
    print(f"wall time: {wall:.1f} s ({verdict} the {TARGET_SECONDS:.0f} s target); {per_booklet:.2f} s per document")
    print(f"CPU time: {cpu:.1f} s (self + pandoc children); load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
