"""What was last downloaded from each source: a small JSON file under SI_DATA_DIR/state/.

    <data_dir>/state/source_release_state.json   {"ks2_performance_tables/2023-24": {...}, ...}

Why a JSON file and not a DuckDB table: the release sensor runs in the Dagster daemon while pipeline runs may
hold DuckDB's single write lock; a sensor that opened the warehouse would fail (or block a run) every time they
overlap. A JSON file needs no lock on the warehouse, is readable by a person, and is written atomically
(temporary file + rename) under a file lock, so two download runs at once cannot lose each other's entries.

One entry per release stream (a source, and for year-based sources an academic year). It is written only after
a file has been moved completely into the sources folder, so a failed download never records validators that
would make the next conditional request answer 304 for a file we do not have.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STATE_FILE_NAME = "source_release_state.json"


@dataclass(frozen=True)
class SourceState:
    """The last complete download of one release stream."""

    signature: str | None = None  # what release detection compares with, e.g. 'version:1.0.1'
    version: str | None = None  # human label: EES version, file name, GIAS extract date
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    file: str | None = None  # path relative to the sources folder
    downloaded_at: str | None = None


def state_key(source_key: str, academic_year: str | None) -> str:
    return f"{source_key}/{academic_year}" if academic_year else source_key


class SourceStateStore:
    """Read and update the per-source download state."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / STATE_FILE_NAME

    def get(self, key: str) -> SourceState | None:
        entry = self._read().get(key)
        return SourceState(**entry) if entry else None

    def all(self) -> dict[str, SourceState]:
        return {key: SourceState(**entry) for key, entry in self._read().items()}

    def put(self, key: str, state: SourceState) -> None:
        with self._locked():
            entries = self._read()
            entries[key] = asdict(state)
            self._write(entries)

    def _read(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{self.path}: source state is not valid JSON ({error}); fix or delete it "
                "(deleting makes the next check download every source again)"
            ) from error

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.state_dir, prefix=".state-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entries, out, indent=2, sort_keys=True)
                out.write("\n")
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with (self.state_dir / ".source_release_state.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
