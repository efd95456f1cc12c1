"""One read-only way into the warehouse for the reports, the published-site scan and `make run`'s report periods,
on either engine, giving the same pandas frames from both.

DuckDB: the warehouse file, opened read-only. PostgreSQL: the server named by the SI_PG_* settings (as dbt's
profiles.yml reads them), with the published and restricted schemas on the search path and every transaction
read-only; a role without rights on the restricted schema (the report readers' si_reader) simply does not see it.

PostgreSQL's rows are handed over as DuckDB's would be: the query's result is COPYed out as CSV and read back by an
in-memory DuckDB with the column types PostgreSQL reported, so dates, nullable integers, booleans and doubles come
out with the dtypes DuckDB's `.df()` gives and a report renders the same document from either engine.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from dagster_project.settings import warehouse_engine

PUBLISHED_SCHEMA = "main"  # dbt's schema on both engines (dbt/profiles.yml)
RESTRICTED_SCHEMA = "restricted"  # PostgreSQL only: models tagged restricted (dbt/macros/warehouse_schemas.sql)
# PostgreSQL's type OIDs (pg_type) as DuckDB spells the type: numeric comes back as DOUBLE, as DuckDB's `.df()`
# gives its DECIMAL columns.
DUCKDB_TYPES = {
    16: "BOOLEAN",
    20: "BIGINT",
    21: "SMALLINT",
    23: "INTEGER",
    25: "VARCHAR",
    700: "FLOAT",
    701: "DOUBLE",
    1042: "VARCHAR",
    1043: "VARCHAR",
    1082: "DATE",
    1114: "TIMESTAMP",
    1184: "TIMESTAMPTZ",
    1700: "DOUBLE",
}


class WarehouseReadError(RuntimeError):
    """A query the warehouse refused or could not answer (a missing table, a column, no connection)."""


@dataclass(frozen=True)
class Warehouse:
    """Which warehouse the reports read: the DuckDB file, or PostgreSQL (connection settings from the environment
    when it is opened, so no password sits in Dagster's resource config)."""

    engine: str = "duckdb"
    duckdb_path: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "engine", warehouse_engine(self.engine))  # checked as the SI_WAREHOUSE setting
        if self.engine == "duckdb" and self.duckdb_path is None:
            raise ValueError("a DuckDB warehouse needs its file's path")

    def __str__(self) -> str:
        return str(self.duckdb_path) if self.engine == "duckdb" else f"PostgreSQL {postgres_label()}"


class WarehouseReader(Protocol):
    def frame(self, query: str) -> pd.DataFrame: ...

    def has_table(self, table: str) -> bool: ...

    def columns(self, table: str) -> list[str]: ...


def as_warehouse(warehouse: Warehouse | Path | str) -> Warehouse:
    """A path means the DuckDB file (the single-machine default)."""
    return warehouse if isinstance(warehouse, Warehouse) else Warehouse("duckdb", Path(warehouse))


@contextmanager
def open_reader(warehouse: Warehouse | Path | str) -> Iterator[WarehouseReader]:
    warehouse = as_warehouse(warehouse)
    if warehouse.engine == "duckdb":
        try:
            connection = duckdb.connect(str(warehouse.duckdb_path), read_only=True)
        except duckdb.Error as error:
            raise WarehouseReadError(f"cannot open the warehouse {warehouse.duckdb_path}: {error}") from error
        with connection:
            yield DuckDBReader(connection)
    else:
        connection = connect_postgres(read_only=True)
        try:
            yield PostgresReader(connection)
        finally:
            connection.close()


class DuckDBReader:
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def frame(self, query: str) -> pd.DataFrame:
        try:
            return self._connection.execute(query).df()
        except duckdb.Error as error:
            raise WarehouseReadError(str(error)) from error

    def has_table(self, table: str) -> bool:
        return bool(self._connection.execute(_HAS_TABLE.format(schemas="current_schema()"), [table]).fetchone()[0])

    def columns(self, table: str) -> list[str]:
        return [
            row[0] for row in self._connection.execute(_COLUMNS.format(schemas="current_schema()"), [table]).fetchall()
        ]


_HAS_TABLE = "select count(*) from information_schema.tables where table_schema in ({schemas}) and table_name = ?"
_COLUMNS = (
    "select column_name from information_schema.columns where table_schema in ({schemas}) and table_name = ? "
    "order by ordinal_position"
)


class PostgresReader:
    _SCHEMAS = "select unnest(current_schemas(false))"

    def __init__(self, connection) -> None:
        self._connection = connection

    def frame(self, query: str) -> pd.DataFrame:
        import psycopg2

        try:
            with self._connection.cursor() as cursor, tempfile.TemporaryDirectory(prefix="si_read_") as folder:
                cursor.execute(f"select * from ({query}) as result limit 0")
                columns = {column.name: _duckdb_type(column) for column in cursor.description}
                csv_path = Path(folder) / "result.csv"
                with csv_path.open("w", encoding="utf-8", newline="") as handle:
                    cursor.copy_expert(
                        f"copy ({query}) to stdout with (format csv, null '\\N', force_quote *, encoding 'UTF8')",
                        handle,
                    )
                return _frame_from_csv(csv_path, columns)
        except psycopg2.Error as error:
            raise WarehouseReadError(str(error).strip()) from error
        finally:
            self._connection.rollback()  # read-only: end the transaction so the next query sees new builds

    def has_table(self, table: str) -> bool:
        return bool(self._scalar_rows(_HAS_TABLE.format(schemas=self._SCHEMAS), table)[0][0])

    def columns(self, table: str) -> list[str]:
        return [row[0] for row in self._scalar_rows(_COLUMNS.format(schemas=self._SCHEMAS), table)]

    def _scalar_rows(self, query: str, table: str) -> list[tuple]:
        with self._connection.cursor() as cursor:
            cursor.execute(query.replace("?", "%s"), [table])
            rows = cursor.fetchall()
        self._connection.rollback()
        return rows


def _duckdb_type(column) -> str:
    try:
        return DUCKDB_TYPES[column.type_code]
    except KeyError:
        raise WarehouseReadError(
            f"column {column.name!r} has a PostgreSQL type (oid {column.type_code}) the reports do not read"
        ) from None


def _frame_from_csv(csv_path: Path, columns: Mapping[str, str]) -> pd.DataFrame:
    with duckdb.connect() as local:
        if csv_path.stat().st_size == 0:  # no rows: DuckDB's read_csv wants a line to read
            typed = ", ".join(f'cast(null as {kind}) as "{name}"' for name, kind in columns.items())
            return local.execute(f"select {typed} where false").df()
        return local.execute(
            "select * from read_csv(?, columns = ?, header = false, auto_detect = false, delim = ',', quote = '\"', "
            "escape = '\"', nullstr = '\\N', allow_quoted_nulls = false)",
            [str(csv_path), dict(columns)],
        ).df()


def _connection_settings(env: Mapping[str, str] | None) -> dict[str, str]:
    """The SI_PG_* settings dbt's profiles.yml reads, with its defaults."""
    env = os.environ if env is None else env
    return {
        "host": env.get("SI_PG_HOST", "127.0.0.1"),
        "port": env.get("SI_PG_PORT", "5432"),
        "user": env.get("SI_PG_USER", ""),
        "password": env.get("SI_PG_PASSWORD", ""),
        "dbname": env.get("SI_PG_DATABASE", "school_improvement"),
    }


def postgres_settings(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The connection settings; SI_PG_USER and SI_PG_PASSWORD are required."""
    settings = _connection_settings(env)
    missing = [f"SI_PG_{key.upper()}" for key in ("user", "password") if not settings[key]]
    if missing:
        raise WarehouseReadError(
            f"SI_WAREHOUSE=postgres needs {' and '.join(missing)} (README 'A shared warehouse'; `make postgres-start` "
            "writes them for a local server)"
        )
    return settings


def postgres_label(env: Mapping[str, str] | None = None) -> str:
    """user@host:port/database, for messages (never the password)."""
    settings = _connection_settings(env)
    return f"{settings['user'] or '?'}@{settings['host']}:{settings['port']}/{settings['dbname']}"


def connect_postgres(*, read_only: bool = False, env: Mapping[str, str] | None = None):
    """A psycopg2 connection to the warehouse database, the published and restricted schemas on its search path."""
    import psycopg2

    settings = postgres_settings(env)
    options = f"-c search_path={PUBLISHED_SCHEMA},{RESTRICTED_SCHEMA}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    try:
        return psycopg2.connect(**settings, options=options, connect_timeout=10)
    except psycopg2.Error as error:
        raise WarehouseReadError(f"cannot connect to PostgreSQL {postgres_label(env)}: {error}".strip()) from error
