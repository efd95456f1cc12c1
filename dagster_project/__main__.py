"""`python -m dagster_project run`: the end-to-end refresh behind `make run`.
`python -m dagster_project onboard FOLDER`: recognise, check and place an LA's own downloads in the sources folder."""

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


def run(settings: Settings) -> int:
    from dagster_project.definitions import build_definitions
    from dagster_project.full_run import run_everything

    _ensure_sources(settings)
    started = time.monotonic()
    print(f"==> refreshing the warehouse {settings.duckdb_path}")
    # With DAGSTER_HOME set (as `make run` does) the runs are recorded and show in `make dev`'s UI.
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
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


def onboard(settings: Settings, inbox: Path, *, copy: bool, check: bool, dry_run: bool) -> int:
    from dagster_project.lib.onboarding import onboard as onboard_folder

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
    onboarding = commands.add_parser(
        "onboard", help="recognise every file in a folder of downloads and place it in the sources folder"
    )
    onboarding.add_argument("folder", type=Path, help="the folder holding the files as downloaded (zips allowed)")
    onboarding.add_argument("--copy", action="store_true", help="copy the files (default: symbolic links)")
    onboarding.add_argument("--no-check", action="store_true", help="do not read each file with its parser")
    onboarding.add_argument("--dry-run", action="store_true", help="print the table, place nothing")
    arguments = parser.parse_args(argv)
    settings = Settings.from_env()
    if arguments.command == "onboard":
        return onboard(
            settings, arguments.folder, copy=arguments.copy, check=not arguments.no_check, dry_run=arguments.dry_run
        )
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
