"""Load parsed source files into the DuckDB raw_* tables, keeping a manifest of every file received.

For each file: hash it, skip it if that exact content is already loaded, archive it unchanged, parse it, validate
the parsed rows with the table's GX suite (expectations/<table>.json, including the file-only checks that compare
it with the last good file), then replace its slice of the raw table (same academic_year and data_version) inside
one transaction. A file that fails to parse or validate is quarantined with its reason (for a failed check: the
expectation, data row and value) and the table keeps its last good rows.

Slices: KS2/KS4/census keep one slice per (academic_year, data_version), so a year's provisional, revised and
final releases sit side by side and dbt chooses the latest; GIAS and Ofsted keep one slice per extract date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.ingest.archive import archive_file, file_sha256, quarantine_file
from dagster_project.lib.ingest.dfe_csv import detect_encoding
from dagster_project.lib.ingest.source_files import SourceFile, files_for
from dagster_project.lib.quality.expectations import file_scoped_expectations, minimum_rows, validate_file
from dagster_project.lib.sources import SOURCES, SourceSpec
from dagster_project.lib.sources._fields import LOADED_AT

MANIFEST_TABLE = "ingest_file_manifest"
MANIFEST_SCHEMA: tuple[tuple[str, str], ...] = (
    ("sha256", "VARCHAR PRIMARY KEY"),
    ("source", "VARCHAR NOT NULL"),
    ("original_path", "VARCHAR"),
    ("archived_path", "VARCHAR"),
    ("received_at", "TIMESTAMP"),
    ("academic_year", "VARCHAR"),
    ("data_version", "VARCHAR"),
    ("row_count", "INTEGER"),
    # 'loaded' | 'quarantined' (refused, file still in the sources folder) | 'superseded' (refused, file since gone)
    ("status", "VARCHAR"),
    ("reason", "VARCHAR"),
)

Log = Callable[[str], None] | logging.Logger | None


@dataclass(frozen=True)
class FileOutcome:
    file: SourceFile
    sha256: str
    status: str  # 'loaded' | 'unchanged' | 'quarantined'
    row_count: int | None = None
    reason: str | None = None
    archived_path: Path | None = None
    quarantined_path: Path | None = None
    encoding: str | None = None  # 'utf-8-sig' | 'utf-8' | 'cp1252', as detected before parsing


@dataclass
class IngestReport:
    source: str
    table: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    table_row_count: int = 0

    @property
    def loaded(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "loaded"]

    @property
    def unchanged(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "unchanged"]

    @property
    def quarantined(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "quarantined"]

    @property
    def row_counts(self) -> dict[str, int]:
        """Rows loaded per file (by original path) in this run."""
        return {str(o.file.path): o.row_count or 0 for o in self.loaded}

    def summary(self) -> str:
        return (
            f"{self.table}: {len(self.loaded)} loaded, {len(self.unchanged)} unchanged, "
            f"{len(self.quarantined)} quarantined; {self.table_row_count} rows in table"
        )


def create_raw_table(conn: duckdb.DuckDBPyConnection, spec: SourceSpec) -> bool:
    """Create the raw table with the contract's explicit types if it does not exist yet.

    A table made by an older version of the parser (fewer columns) gains the new columns, and True is
    returned so the caller reloads that source's files: the new columns are then filled, not left NULL.
    """
    wanted = (*spec.schema, LOADED_AT)
    existing = {
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main'",
            [spec.table],
        ).fetchall()
    }
    if not existing:
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in wanted)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {spec.table} ({columns})")
        return False
    added = [(name, sql_type) for name, sql_type in wanted if name not in existing]
    for name, sql_type in added:
        conn.execute(f"ALTER TABLE {spec.table} ADD COLUMN {name} {sql_type}")
    return bool(added)


def create_manifest(conn: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in MANIFEST_SCHEMA)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {MANIFEST_TABLE} ({columns})")


def replace_slice(
    conn: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    frame: pd.DataFrame,
    *,
    academic_year: str | None,
    data_version: str | None,
    loaded_at: datetime,
) -> int:
    """Replace the (academic_year, data_version) slice with `frame`. The caller owns the transaction."""
    expected = spec.columns
    if list(frame.columns) != expected:
        raise ValueError(f"{spec.table}: parsed columns {list(frame.columns)} differ from the schema {expected}")
    conn.execute(
        f"DELETE FROM {spec.table} WHERE academic_year IS NOT DISTINCT FROM ? AND data_version IS NOT DISTINCT FROM ?",
        [academic_year, data_version],
    )
    casts = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in spec.schema)
    view = f"_incoming_{spec.table}"
    conn.register(view, frame)
    try:
        conn.execute(
            f"INSERT INTO {spec.table} ({', '.join(expected)}, loaded_at) SELECT {casts}, ? FROM {view}",
            [loaded_at],
        )
    finally:
        conn.unregister(view)
    return len(frame)


def ingest_source(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    files: Iterable[SourceFile],
    *,
    archive_dir: Path,
    quarantine_dir: Path,
    log: Log = None,
) -> IngestReport:
    """Ingest every file of one source (others in `files` are ignored) into its raw table."""
    spec = SOURCES[source]
    info, warn = _loggers(log)
    create_manifest(conn)
    if create_raw_table(conn, spec):
        info(f"{spec.table}: new columns added; every {source} file is reloaded to fill them")
        conn.execute(f"DELETE FROM {MANIFEST_TABLE} WHERE source = ? AND status = 'loaded'", [spec.name])
    report = IngestReport(source=source, table=spec.table)
    for source_file in files_for(source, files):
        outcome = _ingest_file(conn, spec, source_file, Path(archive_dir), Path(quarantine_dir))
        report.outcomes.append(outcome)
        if outcome.status == "quarantined":
            warn(f"{spec.table}: quarantined {source_file.path}: {outcome.reason}")
        else:
            rows = f" ({outcome.row_count} rows)" if outcome.row_count is not None else ""
            info(f"{spec.table}: {outcome.status} {source_file.path}{rows}")
    report.table_row_count = _scalar(conn, f"SELECT count(*) FROM {spec.table}")
    _supersede_refusals_no_longer_received(conn, spec)
    info(report.summary())
    return report


def _supersede_refusals_no_longer_received(conn: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """A refused file that has left the sources folder (deleted, or replaced by other bytes) is no longer a refusal
    the reports need to mention: mark it 'superseded'. Its manifest row and quarantine copy stay as the record."""
    refused = conn.execute(
        f"SELECT sha256, original_path FROM {MANIFEST_TABLE} WHERE source = ? AND status = 'quarantined'", [spec.name]
    ).fetchall()
    gone = [sha for sha, path in refused if not (Path(path).is_file() and file_sha256(Path(path)) == sha)]
    if gone:
        conn.execute(f"UPDATE {MANIFEST_TABLE} SET status = 'superseded' WHERE list_contains(?, sha256)", [gone])


def _ingest_file(
    conn: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    source_file: SourceFile,
    archive_dir: Path,
    quarantine_dir: Path,
) -> FileOutcome:
    sha256 = file_sha256(source_file.path)
    if _already_loaded(conn, spec, sha256):
        return FileOutcome(source_file, sha256, "unchanged")

    received_at = datetime.now(UTC).replace(tzinfo=None)
    encoding = detect_encoding(source_file.path.read_bytes())
    archived = archive_file(
        source_file.path,
        archive_dir,
        source=spec.name,
        received_at=received_at,
        sha256=sha256,
        metadata={
            "academic_year": source_file.academic_year,
            "data_version": source_file.data_version,
            "encoding": encoding,
        },
    )
    manifest_row = {
        "sha256": sha256,
        "source": spec.name,
        "original_path": str(source_file.path),
        "archived_path": str(archived.archived_path),
        "received_at": received_at,
        "academic_year": source_file.academic_year,
        "data_version": source_file.data_version,
    }
    try:
        frame = spec.parse(
            source_file.path, academic_year=source_file.academic_year, data_version=source_file.data_version
        )
        validate_file(
            frame,
            spec.table,
            file_name=source_file.path.name,
            file_parameters=_file_check_parameters(conn, spec, frame, source_file, sha256),
        )
    except Exception as error:  # any rejection keeps the last good data and quarantines the file
        quarantined = quarantine_file(
            source_file.path,
            quarantine_dir,
            source=spec.name,
            sha256=sha256,
            error=error,
            received_at=received_at,
        )
        _write_manifest(conn, {**manifest_row, "row_count": None, "status": "quarantined", "reason": str(error)})
        return FileOutcome(
            source_file,
            sha256,
            "quarantined",
            reason=str(error),
            archived_path=archived.archived_path,
            quarantined_path=quarantined,
            encoding=encoding,
        )

    conn.begin()
    try:
        rows = replace_slice(
            conn,
            spec,
            frame,
            academic_year=source_file.academic_year,
            data_version=source_file.data_version,
            loaded_at=received_at,
        )
        _write_manifest(conn, {**manifest_row, "row_count": rows, "status": "loaded", "reason": None})
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    return FileOutcome(
        source_file,
        sha256,
        "loaded",
        row_count=rows,
        archived_path=archived.archived_path,
        encoding=encoding,
    )


def _file_check_parameters(
    conn: duckdb.DuckDBPyConnection, spec: SourceSpec, frame: pd.DataFrame, source_file: SourceFile, sha256: str
) -> dict[str, int]:
    """Values for the suite's file-only checks: the fewest rows this file may hold, from the last good file."""
    parameters = {}
    for expectation in file_scoped_expectations(spec.table):
        meta, kwargs = expectation["meta"], expectation["kwargs"]
        previous = _last_good_file_rows(conn, spec, source_file, sha256, compare_with=meta["compare_with"])
        parameters[kwargs["min_value"]["$PARAMETER"]] = minimum_rows(
            previous,
            frame,
            row_condition=kwargs.get("row_condition"),
            one_la_column=meta.get("one_la_column"),
            fraction=meta["min_fraction"],
        )
    return parameters


def _last_good_file_rows(
    conn: duckdb.DuckDBPyConnection, spec: SourceSpec, source_file: SourceFile, sha256: str, *, compare_with: str
) -> pd.DataFrame | None:
    """The rows of the loaded file this one is compared with, or None when there is none (a first load).

    same_academic_year: the file of the same slice, else the latest loaded for that academic year (a yearly
    release: provisional, revised, final). nearest_extract: the loaded extract nearest in date (GIAS).
    """
    if compare_with == "same_academic_year":
        where = "academic_year IS NOT DISTINCT FROM ?"
        order = "(data_version IS NOT DISTINCT FROM ?) DESC, received_at DESC"
        parameters = [source_file.academic_year, source_file.data_version]
    elif compare_with == "nearest_extract":
        where = "TRUE"
        days_apart = "abs(date_diff('day', try_cast(data_version AS DATE), try_cast(? AS DATE)))"
        order = f"{days_apart} NULLS LAST, received_at DESC"
        parameters = [source_file.data_version]
    else:
        raise ValueError(f"{spec.table} suite: unknown compare_with {compare_with!r}")
    candidates = conn.execute(
        f"SELECT sha256 FROM {MANIFEST_TABLE} WHERE source = ? AND status = 'loaded' AND sha256 <> ? AND {where} "
        f"ORDER BY {order}",
        [spec.name, sha256, *parameters],
    ).fetchall()
    for (candidate,) in candidates:
        rows = conn.execute(f"SELECT * FROM {spec.table} WHERE source_sha256 = ?", [candidate]).df()
        if len(rows):
            return rows
    return None


def _already_loaded(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, sha256: str) -> bool:
    """True if this exact content is recorded as loaded for this source and its rows are still in the table.

    Checking the rows too means a file whose slice was later replaced (or a dropped table) is loaded again.
    """
    rows = conn.execute(
        f"SELECT row_count FROM {MANIFEST_TABLE} WHERE sha256 = ? AND source = ? AND status = 'loaded'",
        [sha256, spec.name],
    ).fetchall()
    if not rows:
        return False
    present = _scalar(conn, f"SELECT count(*) FROM {spec.table} WHERE source_sha256 = ?", [sha256])
    return present == rows[0][0]


def _scalar(conn: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None) -> object:
    # fetchall, not fetchone: DuckDB 2 refuses further work on a connection with an unfinished result.
    return conn.execute(sql, parameters or []).fetchall()[0][0]


def _write_manifest(conn: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    names = [name for name, _ in MANIFEST_SCHEMA]
    placeholders = ", ".join("?" * len(names))
    conn.execute(
        f"INSERT OR REPLACE INTO {MANIFEST_TABLE} ({', '.join(names)}) VALUES ({placeholders})",
        [row[name] for name in names],
    )


def _loggers(log: Log) -> tuple[Callable[[str], None], Callable[[str], None]]:
    """Accept a plain callable, a logging.Logger or anything logger-like (e.g. Dagster's context.log)."""
    if log is None:
        return (lambda message: None), (lambda message: None)
    if hasattr(log, "info") and hasattr(log, "warning"):
        return log.info, log.warning
    return log, log


def raw_table_for(source: str) -> str:
    return SOURCES[source].table


def ingest_sources(
    conn: duckdb.DuckDBPyConnection,
    files: Sequence[SourceFile],
    *,
    archive_dir: Path,
    quarantine_dir: Path,
    log: Log = None,
) -> dict[str, IngestReport]:
    """Convenience for scripts and tests: ingest every source found in `files`, one report per source.

    Every raw table is created, empty when no file of its source is given: every source is optional and dbt
    builds on empty tables, as it does after the ingest assets."""
    for spec in SOURCES.values():
        create_raw_table(conn, spec)
    return {
        source: ingest_source(conn, source, files, archive_dir=archive_dir, quarantine_dir=quarantine_dir, log=log)
        for source in SOURCES
        if any(f.source == source for f in files)
    }
