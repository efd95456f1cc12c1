"""Whether a refresh would redo the last complete one: `make run` again with nothing changed does nothing.

A refresh's result follows from its inputs: the files in the sources and returns folders, the project's code and
rules (Python, dbt models and seeds, report templates, expectations, configuration), the `SI_*` settings and the
date (a warehouse without dated data reports as at today). After a complete refresh (exit status 0) their
fingerprint is recorded in the state folder with one of the outputs: the warehouse file and every published and
restricted file as they were left. The next refresh is skipped only when both are unchanged, so a file added,
replaced or touched, a changed rule or setting, a new day, or an output that was deleted, edited or half-written
by an interrupted run all mean a full refresh. `SI_FORCE_REFRESH=1` refreshes regardless.

Files are compared by path, size and modification time (not content: the national files are large, and a file
rewritten with the same bytes only costs one refresh); code and rules by content.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster_project.settings import REPO_ROOT, Settings

STATE_FILE = "last_refresh.json"
FORCE_ENV = "SI_FORCE_REFRESH"
# What the refresh runs: its code, rules, templates and configuration (content-hashed).
CODE_PATHS = (
    "dagster_project",
    "synthetic_la",  # the bundled LA: a new generator makes new demo data
    "dbt/models",
    "dbt/macros",
    "dbt/seeds",
    "dbt/tests",
    "dbt/dbt_project.yml",
    "dbt/profiles.yml",
    "reports",
    "expectations",
    "config",
    "requirements.lock",
)
_IGNORED_PARTS = frozenset({"__pycache__", ".pytest_cache"})


def refresh_day() -> date:
    """Today in England: the day a refresh's reports are dated in."""
    return datetime.now(ZoneInfo("Europe/London")).date()


@dataclass(frozen=True)
class Fingerprints:
    inputs: str
    outputs: str


def _files(root: Path) -> Iterable[Path]:
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not _IGNORED_PARTS.intersection(path.parts) and path.suffix != ".pyc":
            yield path


def _add_tree_stats(digest: hashlib._Hash, label: str, root: Path) -> None:
    digest.update(f"\0{label}\0".encode())
    for path in _files(root):
        status = path.stat()  # follows symbolic links: onboarding links an LA's downloads in place
        digest.update(f"{path.relative_to(root)}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())


def _add_tree_contents(digest: hashlib._Hash, root: Path) -> None:
    for path in _files(root):
        digest.update(f"\0{path.relative_to(REPO_ROOT)}\0".encode())
        digest.update(path.read_bytes())


def fingerprints(settings: Settings, environ: Mapping[str, str], today: date) -> Fingerprints:
    inputs = hashlib.sha256(today.isoformat().encode())
    for name, value in sorted(environ.items()):
        if name.startswith("SI_") and name != FORCE_ENV:
            inputs.update(f"{name}={value}\n".encode())
    _add_tree_stats(inputs, "sources", settings.sources_dir)
    _add_tree_stats(inputs, "returns", settings.returns_dir)
    for relative in CODE_PATHS:
        _add_tree_contents(inputs, REPO_ROOT / relative)
    outputs = hashlib.sha256()
    for path in sorted(settings.duckdb_path.parent.glob(f"{settings.duckdb_path.name}*")):  # with its WAL
        _add_tree_stats(outputs, path.name, path)
    _add_tree_stats(outputs, "published", settings.published_dir)
    _add_tree_stats(outputs, "restricted", settings.restricted_dir)
    return Fingerprints(inputs.hexdigest(), outputs.hexdigest())


def last_refresh(settings: Settings) -> dict[str, str] | None:
    """The record of the last complete refresh, or None (none yet, or unreadable: then refresh)."""
    try:
        record = json.loads((settings.state_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def unchanged_since_last_refresh(settings: Settings, environ: Mapping[str, str], today: date) -> dict[str, str] | None:
    """The last complete refresh's record when this refresh would redo it exactly, else None."""
    if environ.get(FORCE_ENV, "").strip() not in ("", "0"):
        return None
    record = last_refresh(settings)
    if record is None or not settings.duckdb_path.exists():
        return None
    now = fingerprints(settings, environ, today)
    if record.get("inputs") == now.inputs and record.get("outputs") == now.outputs:
        return record
    return None


def record_refresh(settings: Settings, environ: Mapping[str, str], today: date, *, finished_at: str) -> None:
    """Record a complete refresh (written whole, then renamed: an interrupted write leaves the old record)."""
    now = fingerprints(settings, environ, today)
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    target = settings.state_dir / STATE_FILE
    partial = target.with_suffix(".json.partial")
    partial.write_text(
        json.dumps({"inputs": now.inputs, "outputs": now.outputs, "finished_at": finished_at}, indent=2) + "\n",
        encoding="utf-8",
    )
    os.replace(partial, target)
