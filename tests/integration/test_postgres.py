"""The shared warehouse's first parts on a real PostgreSQL (Debian's server on 127.0.0.1, started by
lib/warehouse/local_postgres.py): the roles and their schemas, dbt's seeds loading the same rows as on DuckDB, and
Dagster's runs recorded in PostgreSQL storage (config/dagster_postgres.yaml)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import dagster as dg
import duckdb
import psycopg2
import pytest
import yaml

from dagster_project.defs.dbt.project import DBT_PROJECT_DIR
from dagster_project.defs.partitions import academic_year_partitions, range_tags
from dagster_project.lib.operations.environment import scoped_environ
from dagster_project.lib.warehouse import local_postgres
from dagster_project.settings import CONFIG_DIR
from tests.conftest import settings_for

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    # Not under pytest's tmp folder: as root the server runs as `postgres`, which must pass through to its cluster.
    folder = Path(tempfile.mkdtemp(prefix="si_pg_test_"))
    started = local_postgres.start(folder, _free_port())
    yield started
    local_postgres.stop(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _connect(server: local_postgres.LocalPostgres, role: str, database: str = local_postgres.DATABASE):
    return psycopg2.connect(server.dsn(role, server.password(role), database))


def _role_env(server: local_postgres.LocalPostgres, role: str) -> dict[str, str]:
    return local_postgres.read_env(server.env_file(role))


def test_start_again_is_idempotent_and_listens_on_loopback_only(server):
    again = local_postgres.start(server.data_dir.parent, server.port)
    assert again == server and local_postgres.is_running(again)
    with _connect(server, local_postgres.PIPELINE_ROLE) as connection, connection.cursor() as cursor:
        cursor.execute("show listen_addresses")
        assert cursor.fetchone() == ("127.0.0.1",)
    assert oct(server.env_file(local_postgres.READER_ROLE).stat().st_mode & 0o777) == "0o600"


def test_the_reader_reads_published_schemas_only_and_writes_nothing(server):
    with _connect(server, local_postgres.PIPELINE_ROLE) as pipeline, pipeline.cursor() as cursor:
        cursor.execute("drop table if exists main.rpt_probe, restricted.register_probe")
        cursor.execute("create table main.rpt_probe as select 1 as urn")
        cursor.execute("create table restricted.register_probe as select 1 as urn, 'adviser note' as note")
    with _connect(server, local_postgres.SERVICE_ROLE) as service, service.cursor() as cursor:
        cursor.execute("select count(*) from restricted.register_probe")
        assert cursor.fetchone() == (1,)
    reader = _connect(server, local_postgres.READER_ROLE)
    try:
        with reader.cursor() as cursor:
            cursor.execute("select urn from main.rpt_probe")
            assert cursor.fetchall() == [(1,)]
        for statement in (
            "select * from restricted.register_probe",
            "insert into main.rpt_probe values (2)",
            "create table main.reader_table (a int)",
        ):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege), reader.cursor() as cursor:
                cursor.execute(statement)
            reader.rollback()
    finally:
        reader.close()


def _table_hashes(rows_by_table: dict[str, list[tuple]]) -> dict[str, str]:
    """Order-free hash of each table's rows, values as text (floats to 9 significant digits)."""

    def text(value) -> str:
        return "" if value is None else format(value, ".9g") if isinstance(value, float) else str(value)

    return {
        table: hashlib.sha256("\n".join(sorted("|".join(text(v) for v in row) for row in rows)).encode()).hexdigest()
        for table, rows in rows_by_table.items()
    }


def test_dbt_seeds_load_the_same_rows_on_postgres_as_on_duckdb(server, tmp_path: Path):
    """The same dbt project, two targets (SI_WAREHOUSE): every seed equal row for row (hash per table)."""
    seeds = sorted(p.stem for p in (DBT_PROJECT_DIR / "seeds").glob("*.csv"))
    duckdb_path = tmp_path / "warehouse.duckdb"
    pg = _role_env(server, local_postgres.PIPELINE_ROLE)
    for target, extra in (("duckdb", {"SI_DUCKDB_PATH": str(duckdb_path)}), ("postgres", pg)):
        subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "seed", "--quiet", "--profiles-dir", "."]
            + ["--target-path", str(tmp_path / target), "--log-path", str(tmp_path / f"{target}_logs")],
            cwd=DBT_PROJECT_DIR,
            env={**os.environ, "SI_WAREHOUSE": target, **extra},
            check=True,
        )
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        on_duckdb = {seed: connection.execute(f"select * from main.{seed}").fetchall() for seed in seeds}
    with _connect(server, local_postgres.PIPELINE_ROLE) as connection, connection.cursor() as cursor:
        on_postgres = {}
        for seed in seeds:
            cursor.execute(f"select * from main.{seed}")
            on_postgres[seed] = cursor.fetchall()
    assert all(on_duckdb.values())
    assert _table_hashes(on_postgres) == _table_hashes(on_duckdb)


def test_dagster_records_a_ranged_backfill_run_in_postgres_storage(server, pipeline_settings, tmp_path: Path):
    """config/dagster_postgres.yaml as DAGSTER_HOME's instance: the academic-year assets built for a range of years
    (one run, as the UI's backfill launches it) are recorded in PostgreSQL, not in SQLite files."""
    from dagster_project.definitions import build_definitions

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(CONFIG_DIR / "dagster_postgres.yaml", home / "dagster.yaml")
    settings = settings_for(tmp_path / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    definitions = build_definitions(settings)
    years = academic_year_partitions.get_partition_keys()
    first, last = years[-2], years[-1]
    environment = {**_role_env(server, local_postgres.PIPELINE_ROLE), "DAGSTER_HOME": str(home)}
    with scoped_environ(environment), dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = dg.materialize(
            [a for a in definitions.assets if getattr(a, "partitions_def", None) == academic_year_partitions],
            resources=definitions.resources,
            instance=instance,
            tags=range_tags(first, last),
        )
        assert result.success
    assert not list(home.glob("**/*.db")), "Dagster wrote SQLite storage beside PostgreSQL"
    connection = _connect(server, local_postgres.PIPELINE_ROLE, local_postgres.DAGSTER_DATABASE)
    with connection, connection.cursor() as cursor:
        cursor.execute("select run_id, status from runs")
        assert cursor.fetchall() == [(result.run_id, "SUCCESS")]
        cursor.execute(
            "select distinct partition from event_logs "
            "where asset_key = %s and dagster_event_type = 'ASSET_MATERIALIZATION'",
            [dg.AssetKey("raw_ks2").to_string()],
        )
        assert sorted(p for (p,) in cursor.fetchall()) == [first, last]
    connection.close()


def test_the_shared_instance_config_is_valid_dagster_postgres_storage():
    config = yaml.safe_load((CONFIG_DIR / "dagster_postgres.yaml").read_text(encoding="utf-8"))
    database = config["storage"]["postgres"]["postgres_db"]
    assert {value["env"] for key, value in database.items() if isinstance(value, dict)} == {
        "SI_PG_HOST",
        "SI_PG_PORT",
        "SI_PG_USER",
        "SI_PG_PASSWORD",
        "SI_PG_DAGSTER_DATABASE",
    }


def _duckdb_with_raw_tables(path: Path) -> duckdb.DuckDBPyConnection:
    """Raw-table shapes the ingest writes (text, doubles with reasons, dates, timestamps), with the values a CSV
    hand-over can spoil: NULL beside an empty string, quotes, commas, new lines, a backslash-N, non-ASCII."""
    connection = duckdb.connect(str(path))
    connection.execute(
        """create table raw_ks2 as select * from (values
            ('100001', 'St Mary''s, "Primary"', 78.5::double, null, date '2024-08-31', timestamp '2025-01-02 03:04'),
            ('100002', '', null, 'SUPP', null, null),
            ('100003', null, 0.1, 'NE', date '2023-08-31', timestamp '2025-01-02 03:04:05.5'),
            ('100004', E'two\\nlines \\N and é', -1.25, null, null, null)
        ) t(urn, school_name, rwm_expected_pct, rwm_expected_pct_reason, data_date, loaded_at)"""
    )
    connection.execute(
        "create table raw_returns__capacity_judgements as "
        "select 100001 as urn, 'not_secure' as capacity_state, 'adviser note' as key_concerns"
    )
    return connection


def test_copy_loads_raw_tables_exactly_and_returns_into_the_restricted_schema(server, tmp_path: Path):
    from dagster_project.lib.warehouse.postgres_load import copy_tables

    source = _duckdb_with_raw_tables(tmp_path / "ingest.duckdb")
    pipeline = _connect(server, local_postgres.PIPELINE_ROLE)
    try:
        copied = copy_tables(source, ["raw_ks2", "raw_returns__capacity_judgements"], pipeline)
        assert [(c.schema, c.table, c.rows) for c in copied] == [
            ("main", "raw_ks2", 4),
            ("restricted", "raw_returns__capacity_judgements", 1),
        ]
        with pipeline.cursor() as cursor:
            cursor.execute("select * from main.raw_ks2 order by urn")
            assert cursor.fetchall() == source.execute("select * from raw_ks2 order by urn").fetchall()
    finally:
        pipeline.close()
    reader = _connect(server, local_postgres.READER_ROLE)
    try:
        with reader.cursor() as cursor:
            cursor.execute("select count(*) from main.raw_ks2")
            assert cursor.fetchone() == (4,)
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), reader.cursor() as cursor:
            cursor.execute("select * from restricted.raw_returns__capacity_judgements")
    finally:
        reader.close()


def test_a_new_copy_replaces_the_rows_keeps_views_and_a_failed_one_keeps_the_last_good_table(server, tmp_path: Path):
    from dagster_project.lib.warehouse.postgres_load import UnsupportedColumnType, copy_tables

    source = _duckdb_with_raw_tables(tmp_path / "ingest.duckdb")
    pipeline = _connect(server, local_postgres.PIPELINE_ROLE)
    try:
        copy_tables(source, ["raw_ks2"], pipeline)
        with pipeline, pipeline.cursor() as cursor:
            cursor.execute("create or replace view main.stg_probe as select urn from main.raw_ks2")
        source.execute("delete from raw_ks2 where urn <> '100001'")
        copy_tables(source, ["raw_ks2"], pipeline)  # same columns: the rows are replaced, the view stays
        with pipeline.cursor() as cursor:
            cursor.execute("select urn from main.stg_probe")
            assert cursor.fetchall() == [("100001",)]
        pipeline.rollback()
        source.execute("alter table raw_ks2 add column tags varchar[]")
        with pytest.raises(UnsupportedColumnType, match=r"raw_ks2.*VARCHAR\[\]"):
            copy_tables(source, ["raw_ks2"], pipeline)
        with pipeline.cursor() as cursor:
            cursor.execute("select urn from main.raw_ks2")
            assert cursor.fetchall() == [("100001",)]
    finally:
        pipeline.close()


# Staging models whose SQL builds on PostgreSQL so far (macros/portable_sql.sql): all but the pupil-group ones.
PORTED_TO_POSTGRES = (
    "stg_absence__area_absence",
    "stg_absence__school_absence",
    "stg_census__school_census",
    "stg_gias__establishments",
    "stg_gias__headteachers",
    "stg_gias__links",
    "stg_ingest__file_manifest",
    "stg_ks2__la_results",
    "stg_ks2__national_results",
    "stg_ks2__school_results",
    "stg_ks4__la_results",
    "stg_ks4__national_results",
    "stg_ks4__school_results",
    "stg_ks4_destinations__destinations",
    "stg_ks5__area_results",
    "stg_ks5__school_results",
    "stg_la_codes__local_authorities",
    "stg_ofsted__inspections",
    "stg_returns__advisers",
    "stg_returns__capacity_judgements",
    "stg_returns__category_override_history",
    "stg_returns__category_overrides",
    "stg_returns__causing_concern_register",
    "stg_returns__causing_concern_register_history",
    "stg_returns__groupings",
    "stg_returns__groupings_history",
    "stg_returns__targets",
    "stg_returns__traded_work",
    "stg_returns__versions",
    "stg_returns__visits",
    "stg_school_information__schools",
    "stg_statistical_neighbours__neighbours",
    "stg_suspensions__school_suspensions",
)


def test_ported_staging_models_on_postgres_equal_the_duckdb_build(materialized, pipeline_settings, server, tmp_path):
    """The session's raw tables copied into PostgreSQL and the ported staging models built there by dbt give
    DuckDB's columns and rows."""
    from dagster_project.lib.warehouse.postgres_load import copy_tables, schema_for

    source = duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True)
    raw = [
        name
        for (name,) in source.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' and "
            "(table_name like 'raw\\_%' escape '\\' or table_name like '%file_manifest')"
        ).fetchall()
    ]
    pipeline = _connect(server, local_postgres.PIPELINE_ROLE)
    try:
        copied = copy_tables(source, raw, pipeline)
        assert {c.table: c.rows for c in copied} == {
            name: source.execute(f'select count(*) from "{name}"').fetchone()[0] for name in raw
        }
        subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "build", "--quiet", "--profiles-dir", "."]
            + ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
            + ["--resource-type", "seed", "--resource-type", "model", "--select", *PORTED_TO_POSTGRES]
            + ["--select", "resource_type:seed"],
            cwd=DBT_PROJECT_DIR,
            env={**os.environ, "SI_WAREHOUSE": "postgres", **_role_env(server, local_postgres.PIPELINE_ROLE)},
            check=True,
        )
        rows = {}
        for model in PORTED_TO_POSTGRES:
            columns = [c for (c,) in source.execute(f"select column_name from (describe {model})").fetchall()]
            on_duckdb = source.execute(f"select * from {model}").fetchall()
            with pipeline.cursor() as cursor:
                cursor.execute(f"select * from {schema_for(model)}.{model}")
                assert [d.name for d in cursor.description] == columns, model
                on_postgres = cursor.fetchall()
            rows[model] = len(on_duckdb)
            assert _table_hashes({model: on_postgres}) == _table_hashes({model: on_duckdb}), model
        # the bundled LA sends no school-information file; the national and returns models all hold rows
        assert all(rows[m] for m in PORTED_TO_POSTGRES if m != "stg_school_information__schools"), rows
    finally:
        pipeline.close()
        source.close()
