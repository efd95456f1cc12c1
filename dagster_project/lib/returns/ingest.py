"""Accept or refuse each return file whole, keeping every accepted version (the history) in DuckDB.

For each file of one return, oldest date first: hash it; skip it if that content was already judged; archive
it unchanged; validate it (GX suite + referential checks). Errors: write ``<file>.errors.csv`` beside it, copy
it to quarantine with the reason, record it as refused — the version in force does not change. No errors:
append its rows as a new version to ``raw_returns__<name>`` and record it as accepted.

    returns_file_manifest   one row per (sha256, return): accepted | refused, counts, where the report is
    raw_returns__<name>     every accepted version's rows: return_version (sha256), return_as_at, received_at,
                            source_file, source_row_number, then the return's columns (typed)

The version in force is the accepted one with the latest as-at date (then the latest received).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.ingest.archive import archive_file, quarantine_file
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.returns.errors import RowError, error_report_path, errors_summary, write_error_report
from dagster_project.lib.returns.reading import ReturnFile, UnreadableReturn, file_name_errors, read_return
from dagster_project.lib.returns.references import (
    ReferenceData,
    ReferenceDataMissing,
    check_references,
    with_roster_names,
)
from dagster_project.lib.returns.spec import DATE, NUMBER, RETURNS, URN, ReturnSpec
from dagster_project.lib.returns.suites import run_suite

MANIFEST_TABLE = "returns_file_manifest"
MANIFEST_SCHEMA = (
    ("sha256", "VARCHAR NOT NULL"),
    ("return_name", "VARCHAR NOT NULL"),
    ("original_name", "VARCHAR"),
    ("original_path", "VARCHAR"),
    ("archived_path", "VARCHAR"),
    ("return_as_at", "DATE"),
    ("received_at", "TIMESTAMP"),
    ("status", "VARCHAR"),  # 'accepted' | 'refused'
    ("row_count", "INTEGER"),
    ("error_count", "INTEGER"),
    ("error_report_path", "VARCHAR"),
)
VERSION_COLUMNS = (
    ("return_version", "VARCHAR"),
    ("return_as_at", "DATE"),
    ("received_at", "TIMESTAMP"),
    ("source_file", "VARCHAR"),
    ("source_row_number", "INTEGER"),
)
SQL_TYPES = {URN: "INTEGER", DATE: "DATE", NUMBER: "DOUBLE"}


@dataclass(frozen=True)
class FileOutcome:
    file: ReturnFile
    sha256: str
    status: str  # 'accepted' | 'refused' | 'unchanged'
    row_count: int | None = None
    errors: list[RowError] = field(default_factory=list)
    error_report: Path | None = None
    previous_status: str | None = None  # for 'unchanged': what was decided when it was received


@dataclass
class ReturnIngestReport:
    spec: ReturnSpec
    outcomes: list[FileOutcome] = field(default_factory=list)
    in_force: dict[str, object] | None = None  # the version in force after this run

    def with_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def refused_in_folder(self) -> list[FileOutcome]:
        """Files in the drop folder that are refused (this run or before) and not yet replaced."""
        return [o for o in self.outcomes if o.status == "refused" or o.previous_status == "refused"]


def table_schema(spec: ReturnSpec) -> list[tuple[str, str]]:
    return [*VERSION_COLUMNS, *((c.name, SQL_TYPES.get(c.kind, "VARCHAR")) for c in spec.columns)]


def create_tables(conn: duckdb.DuckDBPyConnection, spec: ReturnSpec) -> None:
    manifest = ", ".join(f"{n} {t}" for n, t in MANIFEST_SCHEMA)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {MANIFEST_TABLE} ({manifest}, PRIMARY KEY (sha256, return_name))")
    columns = ", ".join(f"{n} {t}" for n, t in table_schema(spec))
    conn.execute(f"CREATE TABLE IF NOT EXISTS {spec.table} ({columns})")
    # A column added to the return since the table was made (the visits' days): the versions already loaded had no
    # such column, so they hold it blank.
    for name, sql_type in table_schema(spec):
        conn.execute(f"ALTER TABLE {spec.table} ADD COLUMN IF NOT EXISTS {name} {sql_type}")


def validate_return_file(
    returned: ReturnFile, spec: ReturnSpec, reference: ReferenceData, *, today: date
) -> tuple[pd.DataFrame, list[RowError]]:
    """The file's cells (adviser names as the roster spells them) and every error found in it (empty list: the
    file can be accepted)."""
    errors = file_name_errors(returned, spec)
    try:
        cells = read_return(returned.path, spec)
    except UnreadableReturn as unreadable:
        return pd.DataFrame(columns=spec.column_names), [
            *errors,
            RowError(returned.path.name, None, unreadable.column, unreadable.value, unreadable.expected),
        ]
    except Exception as error:  # a file that cannot be read is refused, never a crash repeated every run
        return pd.DataFrame(columns=spec.column_names), [
            *errors,
            RowError(
                returned.path.name, None, "file", None, f"a readable csv or xlsx file ({type(error).__name__}: {error})"
            ),
        ]
    frame = cells.frame
    errors.extend(cells.errors)
    if any(e.row == 1 for e in cells.errors):  # columns missing or unknown: cell checks would repeat the problem
        return frame, errors
    checked = run_suite(frame, spec, returned.path.name)
    if returned.as_at is not None:
        checked.extend(
            check_references(frame, spec, reference, as_at=returned.as_at, today=today, file_name=returned.path.name)
        )
    # a formula cell with no saved result is reported as that, not again as a missing or malformed value
    errors.extend(e for e in checked if (e.row, e.column) not in cells.formula_cells)
    return with_roster_names(frame, spec, reference), errors


def ingest_return(
    conn: duckdb.DuckDBPyConnection,
    spec: ReturnSpec,
    files: list[ReturnFile],
    *,
    reference: Callable[[], ReferenceData],
    archive_dir: Path,
    quarantine_dir: Path,
    today: date | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> ReturnIngestReport:
    """Judge every not-yet-seen file of ``spec`` (oldest date first); ``reference`` is re-read after each accept."""
    today = today or date.today()
    create_tables(conn, spec)
    report = ReturnIngestReport(spec)
    ordered = sorted((f for f in files if f.return_name == spec.name), key=lambda f: (f.as_at or date.max, f.path.name))
    for returned in ordered:
        outcome = _ingest_file(conn, spec, returned, reference, archive_dir, quarantine_dir, today)
        report.outcomes.append(outcome)
        log(f"{spec.name}: {returned.path.name} {outcome.status} ({len(outcome.errors)} errors)")
    report.in_force = version_in_force(conn, spec.name)
    return report


def _ingest_file(
    conn: duckdb.DuckDBPyConnection,
    spec: ReturnSpec,
    returned: ReturnFile,
    reference: Callable[[], ReferenceData],
    archive_dir: Path,
    quarantine_dir: Path,
    today: date,
) -> FileOutcome:
    link_problem = _link_problem(returned)
    sha256 = returned.fingerprint()
    seen = conn.execute(
        f"SELECT status, row_count FROM {MANIFEST_TABLE} WHERE sha256 = ? AND return_name = ?", [sha256, spec.name]
    ).fetchall()
    if seen:
        status, rows = seen[0]
        report = error_report_path(returned.path)
        return FileOutcome(
            returned,
            sha256,
            "unchanged",
            rows,
            previous_status=status,
            error_report=report if report.exists() else None,
        )
    received_at = datetime.now(UTC).replace(tzinfo=None)
    manifest = {
        "sha256": sha256,
        "return_name": spec.name,
        "original_name": returned.path.name,
        "original_path": str(returned.path),
        "archived_path": None,
        "return_as_at": returned.as_at,
        "received_at": received_at,
    }
    if link_problem:
        return _refuse(conn, returned, [link_problem], manifest, quarantine_dir, keep_copy=False)
    references = reference()
    if spec.uses_advisers and references.advisers is None:
        raise ReferenceDataMissing(f"{returned.path.name}: no advisers return accepted yet; load the advisers first")
    archived = archive_file(
        returned.path,
        archive_dir,
        source=f"returns/{spec.name}",
        received_at=received_at,
        sha256=sha256,
        metadata={"return_name": spec.name, "return_as_at": returned.as_at},
    )
    manifest["archived_path"] = str(archived.archived_path)
    frame, errors = validate_return_file(returned, spec, references, today=today)
    if errors:
        return _refuse(conn, returned, errors, manifest, quarantine_dir)

    typed = typed_frame(frame, spec)
    conn.begin()
    try:
        _append_version(
            conn,
            spec,
            typed,
            sha256=sha256,
            as_at=returned.as_at,
            received_at=received_at,
            source_file=returned.path.name,
        )
        _write_manifest(
            conn,
            {**manifest, "status": "accepted", "row_count": len(typed), "error_count": 0, "error_report_path": None},
        )
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    stale = error_report_path(returned.path)
    if stale.exists():  # a corrected file saved under the refused one's name
        stale.unlink()
    return FileOutcome(returned, sha256, "accepted", len(typed))


def _link_problem(returned: ReturnFile) -> RowError | None:
    """A link out of the drop folder (or to nothing) is refused without reading what it points at."""
    if not returned.is_unreadable_link:
        return None
    outside = returned.link_target_outside()
    if outside is not None:
        return RowError(
            returned.path.name,
            None,
            "file",
            f"link to {outside}",
            "a file saved in the returns folder itself: this is a link to a file outside the folder, which is "
            "never read; copy the file into the folder instead",
        )
    return RowError(
        returned.path.name,
        None,
        "file",
        f"link to {os.readlink(returned.path)}",
        "a file: this link points at nothing",
    )


def _refuse(
    conn: duckdb.DuckDBPyConnection,
    returned: ReturnFile,
    errors: list[RowError],
    manifest: dict[str, object],
    quarantine_dir: Path,
    *,
    keep_copy: bool = True,
) -> FileOutcome:
    """Write ``<file>.errors.csv`` beside it, quarantine it with the reason and record the refusal, so the file
    is judged once: the next run sees it unchanged (refused) until it is replaced."""
    name = str(manifest["return_name"])
    report_path = write_error_report(returned.path, errors)
    quarantine_file(
        returned.path,
        quarantine_dir,
        source=f"returns/{name}",
        sha256=str(manifest["sha256"]),
        error=SourceFormatError(
            f"refused whole: {len(errors)} error(s), see {report_path.name}: {errors_summary(errors)}",
            file=returned.path.name,
        ),
        received_at=manifest["received_at"],
        keep_copy=keep_copy,
    )
    _write_manifest(
        conn,
        {
            **manifest,
            "status": "refused",
            "row_count": None,
            "error_count": len(errors),
            "error_report_path": str(report_path),
        },
    )
    return FileOutcome(returned, str(manifest["sha256"]), "refused", errors=errors, error_report=report_path)


def typed_frame(frame: pd.DataFrame, spec: ReturnSpec) -> pd.DataFrame:
    typed = pd.DataFrame(index=frame.index)
    for column in spec.columns:
        values = frame[column.name]
        if column.kind == URN:
            typed[column.name] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
        elif column.kind == DATE:
            typed[column.name] = pd.Series(
                [None if v is None else date.fromisoformat(v) for v in values], index=frame.index, dtype=object
            )
        elif column.kind == NUMBER:
            typed[column.name] = pd.array([None if v is None else float(v) for v in values], dtype="Float64")
        else:
            typed[column.name] = values
    return typed


def _append_version(
    conn: duckdb.DuckDBPyConnection,
    spec: ReturnSpec,
    typed: pd.DataFrame,
    *,
    sha256: str,
    as_at: date | None,
    received_at: datetime,
    source_file: str,
) -> None:
    if typed.empty:
        return
    incoming = typed.copy()
    incoming.insert(0, "source_row_number", list(typed.index))
    schema = table_schema(spec)
    casts = ", ".join(
        f"CAST(? AS {sql_type}) AS {name}"
        if name in ("return_version", "return_as_at", "received_at", "source_file")
        else f"CAST({name} AS {sql_type}) AS {name}"
        for name, sql_type in schema
    )
    view = f"_incoming_{spec.table}"
    conn.register(view, incoming.reset_index(drop=True))
    try:
        conn.execute(
            f"INSERT INTO {spec.table} ({', '.join(n for n, _ in schema)}) SELECT {casts} FROM {view}",
            [sha256, as_at, received_at, source_file],
        )
    finally:
        conn.unregister(view)


def _write_manifest(conn: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    names = [n for n, _ in MANIFEST_SCHEMA]
    conn.execute(
        f"INSERT OR REPLACE INTO {MANIFEST_TABLE} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [row[n] for n in names],
    )


def version_in_force(conn: duckdb.DuckDBPyConnection, return_name: str) -> dict[str, object] | None:
    rows = conn.execute(
        f"""
        SELECT sha256, original_name, return_as_at, received_at, row_count FROM {MANIFEST_TABLE}
        WHERE return_name = ? AND status = 'accepted'
        ORDER BY return_as_at DESC, received_at DESC LIMIT 1
        """,
        [return_name],
    ).fetchall()
    if not rows:
        return None
    sha256, name, as_at, received_at, row_count = rows[0]
    return {"sha256": sha256, "file": name, "as_at": as_at, "received_at": received_at, "row_count": row_count}


__all__ = [
    "MANIFEST_TABLE",
    "RETURNS",
    "ReturnIngestReport",
    "ingest_return",
    "validate_return_file",
    "version_in_force",
]
