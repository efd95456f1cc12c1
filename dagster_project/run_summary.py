"""The summary `make run` ends with, and its exit status: what was loaded, refused, published, and where.

Exit status: 0 everything loaded and published; 1 the refresh failed (a step failed, see the log); 3 the refresh
and reports completed but one or more files were refused (each listed, with the reason and where it was
quarantined; the last good data of its source stayed in use). `make` itself reports a failing command as
"Error 3" and exits 2.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from dagster_project.full_run import FullRun
from dagster_project.lib.warehouse.reader import Warehouse
from dagster_project.settings import Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 3
FILES_ACCEPTED_SUFFIX = "_files_accepted"  # raw_<table>_files_accepted and <return>_files_accepted checks


@dataclass(frozen=True)
class Refusal:
    asset: str
    file: str
    reason: str
    quarantined: str


@dataclass(frozen=True)
class Loaded:
    tables: int = 0
    files_loaded: int = 0
    files_unchanged: int = 0
    returns: int = 0
    returns_accepted: int = 0
    returns_unchanged: int = 0


def refusals(full_run: FullRun) -> list[Refusal]:
    """Every file refused in this refresh (source files and LA returns), from the failed `*_files_accepted` checks."""
    found: dict[str, Refusal] = {}
    for run in full_run.runs:
        for evaluation in run.get_asset_check_evaluations():
            if evaluation.passed or not evaluation.check_name.endswith(FILES_ACCEPTED_SUFFIX):
                continue
            refused = evaluation.metadata.get("refused")
            for item in refused.value if refused is not None else []:
                found.setdefault(
                    item["file"],
                    Refusal(evaluation.asset_key.to_user_string(), item["file"], item["reason"], item["quarantined"]),
                )
    return list(found.values())


def loaded(full_run: FullRun) -> Loaded:
    """Files loaded or left unchanged by the raw_* assets, and LA return files accepted (first event per asset)."""
    seen: dict[str, dict[str, int]] = {}
    for event in full_run.refresh.get_asset_materialization_events():
        materialization = event.materialization
        key = materialization.asset_key.to_user_string()
        metadata = materialization.metadata
        if key in seen or "files_unchanged" not in metadata:
            continue
        seen[key] = {name: value.value for name, value in metadata.items() if name.startswith("files_")}
    raw = [counts for counts in seen.values() if "files_loaded" in counts]
    returns = [counts for counts in seen.values() if "files_accepted" in counts]
    return Loaded(
        tables=len(raw),
        files_loaded=sum(c["files_loaded"] for c in raw),
        files_unchanged=sum(c["files_unchanged"] for c in raw),
        returns=len(returns),
        returns_accepted=sum(c["files_accepted"] for c in returns),
        returns_unchanged=sum(c["files_unchanged"] for c in returns),
    )


def exit_status(full_run: FullRun) -> int:
    if not full_run.success:
        return EXIT_FAILED
    return EXIT_REFUSED if refusals(full_run) else EXIT_OK


def summary(full_run: FullRun, settings: Settings, *, log_path: Path, elapsed_seconds: float) -> str:
    """The closing lines of `make run`."""
    refused = refusals(full_run)
    status = exit_status(full_run)
    lines = [_headline(full_run, status, len(refused), elapsed_seconds)]
    counts = loaded(full_run)
    lines.append(
        f"loaded      {counts.tables} source tables: {counts.files_loaded} files loaded, {counts.files_unchanged} "
        f"unchanged; {counts.returns} LA returns: {counts.returns_accepted} files accepted, "
        f"{counts.returns_unchanged} unchanged"
    )
    for index, refusal in enumerate(refused):
        lines.append(f"{'refused' if index == 0 else '':<12}{_shown(Path(refusal.file))} ({refusal.asset})")
        lines.append(f"{'':<14}why: {refusal.reason}")
        lines.append(f"{'':<14}kept in: {_shown(Path(refusal.quarantined))}")
    if refused:
        lines.append(f"{'':<12}the last good data of each source above stayed in use; the reports name these files")
    for index, (job_name, reason) in enumerate(full_run.skipped.items()):
        lines.append(f"{'not run' if index == 0 else '':<12}{job_name}: {reason}")
    lines += _outputs("published", settings.published_dir, listed=True)
    lines += _outputs("restricted", settings.restricted_dir, listed=False)
    if settings.warehouse == "postgres":
        lines.append(f"warehouse   {Warehouse('postgres')} (raw files land in {_shown(settings.duckdb_path)})")
    else:
        lines.append(f"warehouse   {_shown(settings.duckdb_path)}")
    lines.append(f"log         {_shown(log_path)} (every step, the dbt output and any warnings)")
    if status == EXIT_FAILED:
        lines.append("            open the run in the Dagster UI (`make dev`) for each step's logs")
    return "\n".join(lines)


def _headline(full_run: FullRun, status: int, refused: int, elapsed_seconds: float) -> str:
    took = f"{elapsed_seconds:.0f}s"
    if status == EXIT_FAILED:
        return f"!! refresh failed after {took} in: {', '.join(full_run.failed_steps) or 'the run'} (exit status 1)"
    if status == EXIT_REFUSED:
        return f"==> refresh finished in {took}, but {refused} file(s) were refused (exit status 3)"
    return f"==> refresh finished in {took}"


def _outputs(label: str, root: Path, *, listed: bool) -> list[str]:
    """The reports in a folder: the published ones by name, the restricted ones counted by folder."""
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    header = f"{label:<12}{_shown(root)} ({len(files)} files"
    if not listed:
        folders = Counter(p.relative_to(root).parts[0] for p in files if len(p.relative_to(root).parts) > 1)
        detail = ", ".join(f"{folder} {count}" for folder, count in sorted(folders.items()))
        return [f"{header}, never copied to the published site{': ' + detail if detail else ''})"]
    documents = [p for p in files if p.suffix == ".html" and p.relative_to(root).parts[0] != "downloads"]
    return [f"{header}, with PDFs and Excel downloads)"] + [f"{'':<14}{p.relative_to(root)}" for p in documents]


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it (as `make run` users see the repo)."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)
