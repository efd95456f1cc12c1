"""Full refresh at national scale (≈22k schools): wall time and peak memory, next to a bare DuckDB read, then
`make run`'s command again with nothing changed.

    .venv/bin/python bench/refresh.py [--scale national|la] [--keep DIR]

Prints one line per phase. The bare `read_csv` figure is the floor: DuckDB reading the same CSV files
with no archiving, parsing of special values, checks, dbt or reports.
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


def peak_rss_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child (dbt), in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def bare_read_seconds(sources: Path) -> float:
    """DuckDB read_csv of every source file; Windows-1252 files are transcoded to UTF-8 first (untimed),
    since DuckDB without its encodings extension (a download) reads only UTF-8, UTF-16 and strict Latin-1."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="si_bench_utf8_") as staging:
        files = []
        for path in sorted(sources.rglob("*.csv")):
            raw = path.read_bytes()
            try:
                raw.decode("utf-8")
                files.append(path)
            except UnicodeDecodeError:
                copy = Path(staging) / f"{len(files)}_{path.name}"
                copy.write_text(raw.decode("cp1252"), encoding="utf-8")
                files.append(copy)
        started = time.perf_counter()
        with duckdb.connect() as conn:
            for path in files:
                conn.execute(f"select count(*) from read_csv('{path}', all_varchar=true)").fetchall()
        elapsed = time.perf_counter() - started
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="national", choices=["national", "la"])
    parser.add_argument("--keep", type=Path, help="use (and keep) this data folder instead of a temporary one")
    args = parser.parse_args()

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="si_bench_"))
    # Never the project's own data: `make` exports SI_DATA_DIR and SI_DUCKDB_PATH (and DAGSTER_HOME) for `make run`.
    for name in [n for n in os.environ if n.startswith("SI_") or n == "DAGSTER_HOME"]:
        del os.environ[name]
    os.environ["SI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    from dagster_project.settings import Settings
    from synthetic_la import ensure_generated

    settings = Settings.from_env()
    started = time.perf_counter()
    ensure_generated(settings.sources_dir, scale=args.scale, returns_dir=settings.returns_dir)
    generate_s = time.perf_counter() - started
    size_mib = sum(p.stat().st_size for p in settings.sources_dir.rglob("*") if p.is_file()) / 2**20
    print(f"generate ({args.scale}):      {generate_s:7.1f} s   {size_mib:.0f} MiB of source files")

    read_s = bare_read_seconds(settings.sources_dir)
    print(f"bare duckdb read_csv:      {read_s:7.1f} s")

    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "parse", "--quiet", "--profiles-dir", "."],
        cwd=REPO_ROOT / "dbt",
        env={**os.environ, "SI_DUCKDB_PATH": str(settings.duckdb_path)},
        check=True,
    )
    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.full_run import run_everything

    started = time.perf_counter()
    result = run_everything(build_definitions(settings), dg.DagsterInstance.ephemeral(), settings)
    refresh_s = time.perf_counter() - started
    own, child = peak_rss_mib()
    status = "succeeded" if result.success else "FAILED"
    print(f"full refresh ({status}):  {refresh_s:7.1f} s   peak RSS {own:.0f} MiB (largest child {child:.0f} MiB)")
    print(f"refresh / bare read:       {refresh_s / read_s:7.1f} x")
    if result.success:  # as `make run` records a complete refresh; then `make run` again with nothing changed
        from dagster_project.lib.operations.refresh_state import record_refresh, refresh_day

        record_refresh(settings, os.environ, refresh_day(), finished_at="bench")
        started = time.perf_counter()
        again = subprocess.run(
            [sys.executable, "-m", "dagster_project", "run"], cwd=REPO_ROOT, capture_output=True, text=True
        )
        skipped = again.returncode == 0 and "nothing changed since" in again.stdout
        print(
            f"run again, nothing changed: {time.perf_counter() - started:6.1f} s   "
            + ("(nothing to do)" if skipped else f"(NOT skipped, exit {again.returncode})")
        )
    print(f"data folder: {data_dir}")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
