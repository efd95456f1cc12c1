"""`python -m dagster_project run`: the end-to-end refresh behind `make run`.

On screen: a line per stage and per finished step, then a short summary (what was loaded, refused, published and
where). Everything else - every Dagster event, the dbt output, warnings, what the generator wrote - goes to the
run's log file, `$SI_DATA_DIR/logs/refresh_<UTC time>.log`. Exit status: see `run_summary` (0 / 1 / 3).

`python -m dagster_project recover` only releases what an interrupted run held (`make run` does it first anyway).
`python -m dagster_project onboard FOLDER`: recognise, check and place an LA's own downloads in the sources folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project.lib.operations.refresh_state import record_refresh, refresh_day, unchanged_since_last_refresh
from dagster_project.settings import Settings

if TYPE_CHECKING:
    import dagster as dg

LOGS_FOLDER = "logs"


def _ensure_sources(settings: Settings, say: Callable[[str], None], detail: Callable[[str], None]) -> None:
    """Generate the bundled synthetic LA unless the sources folder already holds real data."""
    from synthetic_la import ensure_generated

    marker = settings.sources_dir / ".generated.json"
    has_real_data = settings.sources_dir.exists() and any(settings.sources_dir.iterdir()) and not marker.exists()
    if has_real_data:
        say(f"==> using the data already in {settings.sources_dir} (no synthetic data generated)")
        return
    say(f"==> bundled synthetic LA (Kingsmere) in {settings.sources_dir}")
    ensure_generated(settings.sources_dir, returns_dir=settings.returns_dir, log=detail)


def log_path_for(settings: Settings, started: datetime) -> Path:
    folder = settings.data_dir / LOGS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"refresh_{started:%Y%m%dT%H%M%SZ}.log"


def _instance() -> dg.DagsterInstance:
    import dagster as dg

    # With DAGSTER_HOME set (as `make run` does) the runs are recorded and show in `make dev`'s UI.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def recover(settings: Settings, instance: dg.DagsterInstance, say: Callable[[str], None] = print) -> bool:
    """Release what a killed or crashed run held (its pool slot above all), saying so in one line."""
    from dagster_project.defs.dbt.project import DBT_PROJECT_DIR
    from dagster_project.lib.operations.dead_runs import release_dead_runs
    from dagster_project.lib.operations.pool_limits import reset_pools_from_another_default

    for pool in reset_pools_from_another_default(instance):
        say(f"==> pool {pool}: the limit is now {instance.global_op_concurrency_default_limit} (SI_WAREHOUSE_WRITERS)")
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
        say(f"==> {recovery.summary()}")
    if recovery.waiting_for():
        say(f"==> {recovery.waiting_for()}")
    return bool(recovery)


def _restrict(settings: Settings) -> None:
    """Restricted data owner-only (lib/quality/permissions.py): new files by umask, older ones tightened here."""
    from dagster_project.lib.quality.permissions import OWNER_ONLY_UMASK, restrict_tree

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
    _restrict(settings)  # first: the log folder and everything after it are created owner-only
    terminal = sys.stdout
    log_path = log_path_for(settings, datetime.now(UTC))

    def say(message: str) -> None:
        print(message, file=terminal, flush=True)

    started = time.monotonic()
    os.environ.setdefault("DBT_USE_COLORS", "false")  # dbt's output goes to the log file, not a terminal
    today = refresh_day()
    if previous := unchanged_since_last_refresh(settings, os.environ, today):
        return _nothing_to_do(settings, previous, say)
    say(f"==> details of this run go to {log_path}")
    with log_path.open("w", encoding="utf-8") as log, redirect_stdout(log), redirect_stderr(log):
        # Inside the redirect: Dagster's warnings at import, GX's and the dbt CLI's output all land in the log.
        import dagster as dg

        from dagster_project.definitions import build_definitions
        from dagster_project.full_run import run_everything
        from dagster_project.lib.warehouse.reader import Warehouse
        from dagster_project.run_progress import refresh_logger

        instance = _instance()
        recover(settings, instance, say)
        _ensure_sources(settings, say, lambda message: print(message, file=log, flush=True))
        say(f"==> refreshing the warehouse {Warehouse(settings.warehouse, settings.duckdb_path)}")
        definitions = dg.Definitions.merge(
            build_definitions(settings), dg.Definitions(loggers={"console": refresh_logger(log, terminal)})
        )
        result = run_everything(
            definitions,
            instance,
            settings,
            run_config={"loggers": {"console": {}}},  # a logger runs only when the run config names it
            log=lambda message: say(f"==> {message}"),
        )
    from dagster_project.run_summary import exit_status, summary

    say(summary(result, settings, log_path=log_path, elapsed_seconds=time.monotonic() - started))
    status = exit_status(result)
    if status == 0:  # complete: the next run with the same inputs has nothing to do
        record_refresh(settings, os.environ, today, finished_at=datetime.now(UTC).isoformat(timespec="seconds"))
    return status


def _nothing_to_do(settings: Settings, previous: dict[str, str], say: Callable[[str], None]) -> int:
    """The inputs and outputs are the last complete refresh's: release what an interrupted run may hold (it
    would block a run launched from the UI), and say so."""
    with open(os.devnull, "w") as quiet, redirect_stdout(quiet), redirect_stderr(quiet):  # Dagster's import warnings
        instance = _instance()
    recover(settings, instance, say)
    say(
        f"==> nothing changed since the complete refresh of {previous.get('finished_at', 'an earlier run')} "
        "(sources, returns, code, rules and settings; the warehouse and reports are as it left them): nothing to do.\n"
        "    To refresh anyway: SI_FORCE_REFRESH=1 make run"
    )
    return 0


def onboard(settings: Settings, inbox: Path, *, copy: bool, check: bool, dry_run: bool) -> int:
    from dagster_project.lib.ingest.onboarding import onboard as onboard_folder

    if not inbox.is_dir():
        print(f"!! {inbox} is not a folder", file=sys.stderr)
        return 2
    if (settings.sources_dir / ".generated.json").exists():
        print(
            f"!! {settings.sources_dir} holds the generated Kingsmere data: point SI_DATA_DIR or SI_SOURCES_DIR at "
            "a new folder for your LA's files",
            file=sys.stderr,
        )
        return 2
    action = "checking" if dry_run else ("copying" if copy else "linking")
    print(f"==> {action} the files in {inbox} into {settings.sources_dir}")
    result = onboard_folder(inbox, settings.sources_dir, copy=copy, check=check, dry_run=dry_run)
    print(result.table())
    placed = "would be placed" if dry_run else "in place"
    print(
        f"==> {len(result.placed)} file(s) {placed}, {len(result.refused)} refused. "
        "Next: SI_LA_CODE=<your LA code> make run"
    )
    return 1 if result.refused else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="generate data if needed, refresh, publish")
    commands.add_parser("recover", help="only release what an interrupted run held (make run does it first anyway)")
    onboarding = commands.add_parser(
        "onboard", help="recognise every file in a folder of downloads and place it in the sources folder"
    )
    onboarding.add_argument("folder", type=Path, help="the folder holding the files as downloaded (zips allowed)")
    onboarding.add_argument("--copy", action="store_true", help="copy the files (default: symbolic links)")
    onboarding.add_argument("--no-check", action="store_true", help="do not read each file with its parser")
    onboarding.add_argument("--dry-run", action="store_true", help="print the table, place nothing")
    arguments = parser.parse_args(argv)
    settings = Settings.from_env()
    if arguments.command == "recover":
        if not recover(settings, _instance()):
            print("==> no interrupted run holds anything: nothing to release")
        return 0
    if arguments.command == "onboard":
        return onboard(
            settings, arguments.folder, copy=arguments.copy, check=not arguments.no_check, dry_run=arguments.dry_run
        )
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
