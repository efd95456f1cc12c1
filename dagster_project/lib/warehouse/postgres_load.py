"""Raw tables from the DuckDB the ingest writes into a PostgreSQL warehouse, with COPY (never row inserts).

The Python ingest parses, archives and checks each file into DuckDB. On a shared warehouse the DuckDB file is only
the landing store (its manifest says which files are loaded, and the file-to-file checks compare with its last good
rows), and each ingest step then copies its raw table and the manifest whole into PostgreSQL: DuckDB writes the
table as CSV, PostgreSQL's COPY reads it into a new table, and the new table replaces the old one in the same
transaction, so readers see the old rows or the new, and a failed or killed copy leaves the last good table in
place; the step's rerun copies again. The LA's returns go to the restricted schema, which only the
service role can read (lib/warehouse/local_postgres.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from psycopg2 import sql

from dagster_project.lib.warehouse.reader import PUBLISHED_SCHEMA, RESTRICTED_SCHEMA, connect_postgres, postgres_label

RESTRICTED_PREFIXES = ("raw_returns__", "returns_")  # the LA's own returns: register, adviser judgements, visits, ...
# DuckDB's column types in the raw tables, as PostgreSQL spells them.
POSTGRES_TYPES = {
    "VARCHAR": "text",
    "DOUBLE": "double precision",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


class UnsupportedColumnType(ValueError):
    pass


@dataclass(frozen=True)
class CopiedTable:
    schema: str
    table: str
    rows: int


def schema_for(table: str) -> str:
    return RESTRICTED_SCHEMA if table.startswith(RESTRICTED_PREFIXES) else PUBLISHED_SCHEMA


def copy_tables(source: duckdb.DuckDBPyConnection, tables: Iterable[str], target) -> list[CopiedTable]:
    """Copy each DuckDB table into PostgreSQL (`target`, a psycopg2 connection), replacing it there."""
    return [_copy_table(source, table, target) for table in tables]


def copy_to_warehouse(
    source: duckdb.DuckDBPyConnection, tables: Iterable[str], log: Callable[[str], None] = lambda message: None
) -> list[CopiedTable]:
    """Copy the tables into the PostgreSQL warehouse the SI_PG_* settings name (an ingest step's last act there)."""
    target = connect_postgres()
    try:
        copied = copy_tables(source, tables, target)
    finally:
        target.close()
    for table in copied:
        log(f"copied {table.table} ({table.rows:,} rows) into PostgreSQL {postgres_label()}, schema {table.schema}")
    return copied


def _copy_table(source: duckdb.DuckDBPyConnection, table: str, target) -> CopiedTable:
    columns = source.execute(
        "select column_name, data_type from information_schema.columns where table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    if not columns:
        raise LookupError(f"DuckDB has no table {table!r} to copy")
    unknown = sorted({kind for _, kind in columns if kind not in POSTGRES_TYPES})
    if unknown:
        raise UnsupportedColumnType(f"{table}: no PostgreSQL type for DuckDB column type(s) {unknown}")
    schema = schema_for(table)
    loading = f"{table}__loading"
    with tempfile.TemporaryDirectory(prefix="si_copy_") as folder:
        csv_path = Path(folder) / f"{table}.csv"
        # NULL as \N and every text value quoted: an empty string stays an empty string, not NULL.
        source.execute(
            f"copy (select * from \"{table}\") to '{csv_path}' (format csv, header false, nullstr '\\N', force_quote *)"
        )
        with target, target.cursor() as cursor:
            cursor.execute(sql.SQL("drop table if exists {}").format(sql.Identifier(schema, loading)))
            cursor.execute(
                sql.SQL("create table {} ({})").format(
                    sql.Identifier(schema, loading),
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(POSTGRES_TYPES[kind]))
                        for name, kind in columns
                    ),
                )
            )
            with csv_path.open("rb") as handle:
                cursor.copy_expert(
                    sql.SQL("copy {} from stdin with (format csv, null '\\N')")
                    .format(sql.Identifier(schema, loading))
                    .as_string(cursor),
                    handle,
                )
            rows = cursor.rowcount
            _replace(cursor, schema, table, loading, [name for name, _ in columns])
            # A new table has no statistics until autovacuum comes round: without them the planner guesses, and the
            # dbt build that follows took 7 minutes instead of under one.
            cursor.execute(sql.SQL("analyze {}").format(sql.Identifier(schema, table)))
    return CopiedTable(schema, table, rows)


def _replace(cursor, schema: str, table: str, loading: str, columns: list[str]) -> None:
    """Put the loaded rows in place of the table's. With the same columns the table keeps its identity (the views
    dbt built on it stay); with other columns (a new file layout) it is replaced, with the views on it, which the
    next dbt build creates again."""
    cursor.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
        "order by ordinal_position",
        [schema, table],
    )
    existing = [name for (name,) in cursor.fetchall()]
    target, staged = sql.Identifier(schema, table), sql.Identifier(schema, loading)
    if existing == columns:
        cursor.execute(sql.SQL("truncate {}").format(target))
        cursor.execute(sql.SQL("insert into {} select * from {}").format(target, staged))
        cursor.execute(sql.SQL("drop table {}").format(staged))
    else:
        cursor.execute(sql.SQL("drop table if exists {} cascade").format(target))
        cursor.execute(sql.SQL("alter table {} rename to {}").format(staged, sql.Identifier(table)))
