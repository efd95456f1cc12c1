"""The shared warehouse on a real PostgreSQL (Debian's server on 127.0.0.1, started by
lib/warehouse/local_postgres.py): the roles and their schemas, the raw tables copied across, the whole dbt project
built there with DuckDB's rows, and Dagster's runs recorded in PostgreSQL storage (config/dagster_postgres.yaml)."""

from __future__ import annotations

import decimal
import hashlib
import json
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


def _text(value) -> str:
    """A value as text for comparing engines: floats to 9 significant digits, after rounding away the last-bit noise
    of double sums near zero (DuckDB's own parallel sums differ there from run to run)."""
    if value is None:
        return ""
    if isinstance(value, float | decimal.Decimal):
        return format(round(float(value), 12) + 0.0, ".9g")
    return str(value)


def _table_hashes(rows_by_table: dict[str, list[tuple]]) -> dict[str, str]:
    """Order-free hash of each table's rows, values as text (floats to 9 significant digits)."""

    return {
        table: hashlib.sha256("\n".join(sorted("|".join(_text(v) for v in row) for row in rows)).encode()).hexdigest()
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


def test_the_whole_project_on_postgres_equals_the_duckdb_build(materialized, pipeline_settings, server, tmp_path):
    """The session's raw tables copied into PostgreSQL and every dbt model built there, with the data tests, by the
    same `dbt build` Dagster runs: every model has DuckDB's columns and rows (hash per table), the restricted ones
    sit in the restricted schema, and the report readers' role reads every published model and no restricted one."""
    from dagster_project.lib.warehouse.academic_years import dbt_academic_years_env, dbt_vars
    from dagster_project.lib.warehouse.postgres_load import copy_tables

    source = duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True)
    raw = [
        name
        for (name,) in source.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' and "
            "(table_name like 'raw\\_%' escape '\\' or table_name like '%file_manifest')"
        ).fetchall()
    ]
    target = tmp_path / "target"
    variables = dbt_vars(pipeline_settings.la_code, academy_desktop_analysis=pipeline_settings.academy_desktop_analysis)
    pipeline = _connect(server, local_postgres.PIPELINE_ROLE)
    try:
        copied = copy_tables(source, raw, pipeline)
        assert {c.table: c.rows for c in copied} == {
            name: source.execute(f'select count(*) from "{name}"').fetchone()[0] for name in raw
        }
        # Unit tests stay DuckDB's: their fixtures are CTEs, and dbt names their relations past PostgreSQL's 63.
        subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "build", "--quiet", "--profiles-dir", "."]
            + ["--target-path", str(target), "--log-path", str(tmp_path / "logs"), "--exclude", "test_type:unit"]
            + ["--vars", variables],
            cwd=DBT_PROJECT_DIR,
            env={
                **os.environ,
                "SI_WAREHOUSE": "postgres",
                **_role_env(server, local_postgres.PIPELINE_ROLE),
                **dbt_academic_years_env(None),
            },
            check=True,
        )
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        models = {
            node["name"]: node["schema"]
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["config"]["materialized"] != "ephemeral"
        }
        assert {m for m, schema in models.items() if schema == local_postgres.RESTRICTED_SCHEMA} >= {
            "stg_returns__causing_concern_register",
            "fct_causing_concern_register",
            "rpt_causing_concern__register",
            "stg_returns__capacity_judgements",
            "int_adviser_capacity_judgements",
            "rpt_support__schools",
        }
        rows, differing = {}, []
        for model, schema in sorted(models.items()):
            on_duckdb = source.execute(f"select * from {model}")
            columns = [d[0] for d in on_duckdb.description]
            duckdb_rows = on_duckdb.fetchall()
            with pipeline.cursor() as cursor:
                cursor.execute(f"select * from {schema}.{model}")
                assert [d.name for d in cursor.description] == columns, model
                postgres_rows = cursor.fetchall()
            rows[model] = len(duckdb_rows)
            if _table_hashes({model: postgres_rows}) != _table_hashes({model: duckdb_rows}):
                differing.append(model)
        assert not differing, f"models whose rows differ between PostgreSQL and DuckDB: {differing}"
        assert sum(1 for count in rows.values() if count) > 0.8 * len(rows), rows
    finally:
        pipeline.close()
        source.close()
    reader = _connect(server, local_postgres.READER_ROLE)
    reader.autocommit = True
    try:
        for model, schema in models.items():
            with reader.cursor() as cursor:
                if schema == local_postgres.RESTRICTED_SCHEMA:
                    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                        cursor.execute(f"select 1 from {schema}.{model} limit 1")
                else:  # a published view over a restricted table would refuse the reader (security_invoker)
                    cursor.execute(f"select 1 from {schema}.{model} limit 1")
    finally:
        reader.close()


def test_the_shared_instance_gives_the_writer_pool_the_setting_s_limit(server, tmp_path: Path):
    """config/dagster_postgres.yaml as `make` writes it for a PostgreSQL warehouse: the instance on the server gives
    the warehouse writer pool SI_WAREHOUSE_WRITERS slots (Dagster takes no environment variable for the limit), also
    when the pool was made from an earlier setting (lib/operations/pool_limits.py: Dagster's own move to a new
    default aborts its transaction on PostgreSQL)."""
    from dagster_project.__main__ import recover
    from dagster_project.defs.dbt.assets import WAREHOUSE_WRITER_POOL
    from dagster_project.lib.operations.instance_config import instance_config

    def instance_with(writers: str) -> Path:
        home = tmp_path / f"dagster_home_{writers}"
        home.mkdir()
        setting = {"SI_WAREHOUSE": "postgres", "SI_WAREHOUSE_WRITERS": writers}
        config = instance_config(CONFIG_DIR / "dagster_postgres.yaml", setting)
        (home / "dagster.yaml").write_text(config, encoding="utf-8")
        return home

    pipeline = _role_env(server, local_postgres.PIPELINE_ROLE)
    said = []
    for writers in ("2", "3"):
        with (
            scoped_environ({**pipeline, "DAGSTER_HOME": str(instance_with(writers))}),
            dg.DagsterInstance.get() as instance,
        ):
            storage = instance.event_log_storage
            assert type(storage).__name__ == "PostgresEventLogStorage"
            recover(settings_for(tmp_path / "data"), instance, said.append)  # what `make run` does first
            # what a step in the pool does first when the pool has no slots yet, or slots from another default
            storage.initialize_concurrency_limit_to_default(WAREHOUSE_WRITER_POOL)
            assert storage.get_concurrency_info(WAREHOUSE_WRITER_POOL).slot_count == int(writers)
    assert f"==> pool {WAREHOUSE_WRITER_POOL}: the limit is now 3 (SI_WAREHOUSE_WRITERS)" in said
