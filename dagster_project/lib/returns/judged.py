"""Which return files have been judged (accepted or refused): a JSON file under SI_DATA_DIR/state/.

    <data_dir>/state/returns_judged.json   {"visits": {"visits_2026-02-26.xlsx": "<sha256>"}, ...}

The returns assets write it after judging the drop folder; the drop-folder sensor compares the folder with it,
so a tick finds work only for a file that is new or changed since it was last judged, whether that was by
`make run`, a run from the UI or an earlier sensor run. A JSON file and not the warehouse's manifest table,
because the sensor must never wait for DuckDB's single write lock. Written atomically under a file lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from pathlib import Path

JUDGED_FILE = "returns_judged.json"


def judged_files(state_dir: Path) -> dict[str, str]:
    """{file name: sha256} of every return file judged, over all returns."""
    return {name: sha256 for files in _read(Path(state_dir)).values() for name, sha256 in files.items()}


def record_judged(state_dir: Path, return_name: str, files: dict[str, str]) -> None:
    """Replace ``return_name``'s entry with the files of that return now in the folder and their sha256."""
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / f".{JUDGED_FILE}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        entries = _read(state_dir)
        entries[return_name] = dict(sorted(files.items()))
        handle, temporary = tempfile.mkstemp(dir=state_dir, prefix=f".{JUDGED_FILE}.", suffix=".partial")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entries, out, indent=2, sort_keys=True)
                out.write("\n")
            os.replace(temporary, state_dir / JUDGED_FILE)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _read(state_dir: Path) -> dict[str, dict[str, str]]:
    path = state_dir / JUDGED_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}  # unreadable: every file counts as new, so the next tick re-judges (no data is lost)
