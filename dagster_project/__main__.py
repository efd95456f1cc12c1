"""`python -m dagster_project run`: the end-to-end refresh behind `make run`.

`python -m dagster_project recover` only releases what an interrupted run held (`make run` does it first anyway).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import dagster as dg

from dagster_project.resources import Settings


def _ensure_sources(settings: Settings) -> None:
    """Generate the bundled synthetic LA unless the sources folder already holds real data."""
    from dagster_project.synthetic import ensure_generated

    marker = settings.sources_dir / ".generated.json"
    has_real_data = settings.sources_dir.exists() and any(settings.sources_dir.iterdir()) and not marker.exists()
    if has_real_data:
        print(f"==> using the data already in {settings.sources_dir} (no synthetic data generated)")
        return
    print(f"==> bundled synthetic LA (Kingsmere) in {settings.sources_dir}")
    ensure_generated(settings.sources_dir, returns_dir=settings.returns_dir)


def _list_outputs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set (as `make run` does) the runs are recorded and show in `make dev`'s UI.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def recover(settings: Settings, instance: dg.DagsterInstance) -> bool:
    """Release what a killed or crashed run held (its pool slot above all), saying so in one line."""
    from dagster_project.defs.dbt.project import DBT_PROJECT_DIR
    from dagster_project.lib.dead_runs import release_dead_runs

    recovery = release_dead_runs(
        instance,
        dbt_target_dir=DBT_PROJECT_DIR / "target",
        output_dirs=(
            settings.published_dir,
            settings.restricted_dir,
            settings.archive_dir,
            settings.quarantine_dir,
            settings.state_dir,
        ),
    )
    if recovery:
        print(f"==> {recovery.summary()}", flush=True)
    if recovery.waiting_for():
        print(f"==> {recovery.waiting_for()}", flush=True)
    return bool(recovery)


def _restrict(settings: Settings) -> None:
    """Restricted data owner-only (lib/permissions.py): new files by umask, older ones tightened here."""
    from dagster_project.lib.permissions import OWNER_ONLY_UMASK, restrict_tree

    os.umask(OWNER_ONLY_UMASK)
    warehouse_files = settings.duckdb_path.parent.glob(f"{settings.duckdb_path.name}*")  # with its WAL
    restrict_tree(
        settings.restricted_dir,
        settings.archive_dir,
        settings.quarantine_dir,
        settings.returns_dir,
        settings.state_dir,
        *warehouse_files,
        *([Path(os.environ["DAGSTER_HOME"])] if os.environ.get("DAGSTER_HOME") else []),
    )


def run(settings: Settings) -> int:
    from dagster_project.definitions import build_definitions
    from dagster_project.full_run import run_everything

    _restrict(settings)
    instance = _instance()
    recover(settings, instance)
    _ensure_sources(settings)
    started = time.monotonic()
    print(f"==> refreshing the warehouse {settings.duckdb_path}")
    result = run_everything(
        build_definitions(settings),
        instance,
        settings.duckdb_path,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        log=lambda message: print(f"==> {message}", flush=True),
    )
    elapsed = time.monotonic() - started
    if not result.success:
        print(
            f"!! refresh failed after {elapsed:.0f}s in: {', '.join(result.failed_steps) or 'the run'}", file=sys.stderr
        )
        print("   open the run in the Dagster UI (`make dev`) for the full logs", file=sys.stderr)
        return 1
    print(f"==> refresh finished in {elapsed:.0f}s")
    print(f"warehouse:  {settings.duckdb_path}")
    for label, root in (("published", settings.published_dir), ("restricted", settings.restricted_dir)):
        outputs = _list_outputs(root)
        print(f"{label}:  {root} ({len(outputs)} files)")
        for path in outputs:
            print(f"  {path.relative_to(root)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project", description=__doc__)
    parser.add_argument(
        "command",
        choices=["run", "recover"],
        help="run: generate data if needed, refresh, publish; recover: only release what an interrupted run held",
    )
    args = parser.parse_args(argv)
    if args.command == "recover":
        if not recover(Settings.from_env(), _instance()):
            print("==> no interrupted run holds anything: nothing to release")
        return 0
    return run(Settings.from_env())


if __name__ == "__main__":
    sys.exit(main())
