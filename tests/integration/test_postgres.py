"""The shared warehouse on a real PostgreSQL (Debian's server on 127.0.0.1, started by
lib/warehouse/local_postgres.py): the roles and their schemas, raw tables copied across, one reader giving DuckDB's
frames from either engine, and the whole pipeline run there with Dagster's storage on the same server: the DuckDB
run's rows in every model and its reports byte for byte. test_real_la.py does the same with real files."""

from __future__ import annotations

import decimal
import hashlib
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import psycopg2
import pytest
import yaml

from dagster_project.defs.dbt.project import DBT_PROJECT_DIR
from dagster_project.defs.partitions import academic_year_partitions, source_year_span
from dagster_project.lib.operations.environment import scoped_environ
from dagster_project.lib.warehouse import local_postgres
from dagster_project.settings import CONFIG_DIR, Settings
from tests.conftest import settings_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(postgres_server):
    return postgres_server


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


def test_the_reader_hands_over_postgres_rows_as_duckdb_would(server, tmp_path: Path):
    """lib/warehouse/reader.py: the same query gives the same frame, dtypes included, from either engine (so a report
    renders the same document), for every type the rpt_ models use, NULLs beside empty strings, no rows, and a
    numeric column; a missing table is a clear error, and the readers' role does not see the restricted schema."""
    from dagster_project.lib.warehouse.postgres_load import copy_tables
    from dagster_project.lib.warehouse.reader import Warehouse, WarehouseReadError, open_reader

    source = _duckdb_with_raw_tables(tmp_path / "warehouse.duckdb")
    source.execute(
        "create table probe_types as select * from (values (1, 10000000000::bigint, true, 7), "
        "(2, null, null, null), (3, -1::bigint, false, 2147483647)) t(id, big, flag, whole)"
    )
    pipeline = _connect(server, local_postgres.PIPELINE_ROLE)
    copy_tables(source, ["raw_ks2", "probe_types", "raw_returns__capacity_judgements"], pipeline)
    view = (
        "create view {}probe_view as select r.*, p.*, cast(r.rwm_expected_pct as decimal(12, 4)) as exact "
        "from {}raw_ks2 r left join {}probe_types p on p.id = cast(r.urn as integer) - 100000"
    )
    with pipeline, pipeline.cursor() as cursor:
        cursor.execute(view.format(*["main."] * 3))
    pipeline.close()
    source.execute(view.format("", "", ""))
    source.close()
    queries = ("select * from probe_view order by urn", "select * from probe_view where false")
    with open_reader(tmp_path / "warehouse.duckdb") as on_duckdb:
        expected = [on_duckdb.frame(query) for query in queries]
    with scoped_environ(_role_env(server, local_postgres.PIPELINE_ROLE)), open_reader(Warehouse("postgres")) as on_pg:
        for query, frame in zip(queries, expected, strict=True):
            pd.testing.assert_frame_equal(on_pg.frame(query), frame)
        assert on_pg.has_table("raw_returns__capacity_judgements")
        with pytest.raises(WarehouseReadError, match="no_such_table"):
            on_pg.frame("select * from no_such_table")
        assert on_pg.frame("select count(*) as n from raw_ks2")["n"].tolist() == [4]  # the failed query ended
    assert expected[0]["school_name"].tolist()[:2] == ['St Mary\'s, "Primary"', ""]
    assert expected[0]["school_name"].isna().tolist() == [False, False, True, False]
    with scoped_environ(_role_env(server, local_postgres.READER_ROLE)), open_reader(Warehouse("postgres")) as reader:
        assert reader.has_table("raw_ks2") and not reader.has_table("raw_returns__capacity_judgements")
        assert reader.columns("raw_ks2")[:2] == ["urn", "school_name"]


# Facts of one ingest rather than results: when each file was received and loaded, and where it was archived.
INGEST_FACT_COLUMNS = {"loaded_at", "received_at", "archived_path"}
MODEL_PREFIXES = ("stg_", "int_", "fct_", "dim_", "rpt_")


@pytest.fixture(scope="module")
def postgres_run(materialized, pipeline_settings, server, tmp_path_factory):
    """`make run` on the shared warehouse: the session's sources and returns, SI_WAREHOUSE=postgres with the
    pipeline role, and the Dagster instance on the same server (config/dagster_postgres.yaml)."""
    from dagster_project.definitions import build_definitions
    from dagster_project.full_run import run_everything

    root = tmp_path_factory.mktemp("postgres_run")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copyfile(CONFIG_DIR / "dagster_postgres.yaml", home / "dagster.yaml")
    shutil.copytree(pipeline_settings.sources_dir, root / "data" / "sources")
    shutil.copytree(pipeline_settings.returns_dir, root / "data" / "returns")
    settings = Settings.from_env({"SI_DATA_DIR": str(root / "data"), "SI_WAREHOUSE": "postgres"})
    environment = {**_role_env(server, local_postgres.PIPELINE_ROLE), "DAGSTER_HOME": str(home)}
    with scoped_environ(environment), dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = run_everything(build_definitions(settings), instance, settings)
    assert result.success, f"the run on PostgreSQL failed in {result.failed_steps}"
    assert not list(home.glob("**/*.db")), "Dagster wrote SQLite storage beside PostgreSQL"
    return settings, result


def test_a_run_on_postgres_builds_every_model_there_with_the_duckdb_run_s_rows(postgres_run, pipeline_settings, server):
    """Ingest COPYs each raw table across, dbt builds every model on PostgreSQL (none in the DuckDB landing file),
    and every model and seed has the DuckDB run's columns and rows (hash per table, the ingest's own timestamps and
    archive paths aside); the restricted models sit in the restricted schema."""
    settings, _ = postgres_run
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as landing:
        landed = {name for (name,) in landing.execute("select table_name from information_schema.tables").fetchall()}
    assert "raw_ks2" in landed and not {name for name in landed if name.startswith(("stg_", "int_", "fct_", "rpt_"))}
    pipeline = _connect(server, local_postgres.PIPELINE_ROLE)
    with pipeline.cursor() as cursor:
        cursor.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in %s",
            [(*local_postgres.PUBLISHED_SCHEMAS, local_postgres.RESTRICTED_SCHEMA)],
        )
        schemas = {name: schema for schema, name in cursor.fetchall()}
    source = duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True)
    on_duckdb = {name for (name,) in source.execute("select table_name from information_schema.tables").fetchall()}
    seeds = {p.stem for p in (DBT_PROJECT_DIR / "seeds").glob("*.csv")}
    built = {name for name in on_duckdb if name.startswith(MODEL_PREFIXES) or name in seeds}
    assert seeds <= built
    missing = built - set(schemas)
    assert not missing, f"models or seeds the DuckDB run built and the PostgreSQL run did not: {missing}"
    models = {name: schemas[name] for name in built}
    assert {m for m, schema in models.items() if schema == local_postgres.RESTRICTED_SCHEMA} >= {
        "stg_returns__causing_concern_register",
        "fct_causing_concern_register",
        "rpt_causing_concern__register",
        "stg_returns__capacity_judgements",
        "int_adviser_capacity_judgements",
        "rpt_support__schools",
    }
    differing, rows = [], {}
    with source:
        for model, schema in sorted(models.items()):
            with pipeline.cursor() as cursor:
                cursor.execute(f"select * from {schema}.{model}")
                columns = [d.name for d in cursor.description]
                kept = [i for i, name in enumerate(columns) if name not in INGEST_FACT_COLUMNS]
                postgres_rows = [tuple(row[i] for i in kept) for row in cursor.fetchall()]
            on_duckdb = source.execute(f"select * from {model}")
            assert [d[0] for d in on_duckdb.description] == columns, model
            duckdb_rows = [tuple(row[i] for i in kept) for row in on_duckdb.fetchall()]
            rows[model] = len(duckdb_rows)
            if _table_hashes({model: postgres_rows}) != _table_hashes({model: duckdb_rows}):
                differing.append(model)
    pipeline.close()
    assert not differing, f"models or seeds whose rows differ between PostgreSQL and DuckDB: {differing}"
    assert sum(1 for count in rows.values() if count) > 0.8 * len(rows), rows
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


def test_a_run_on_postgres_writes_the_duckdb_run_s_reports(postgres_run, pipeline_settings):
    """The reports read PostgreSQL through the same reader (lib/warehouse/reader.py): every published and restricted
    HTML page, CSV and text file is byte for byte the DuckDB run's."""
    settings, _ = postgres_run
    compared = 0
    for folder in ("published_dir", "restricted_dir"):
        on_postgres, on_duckdb = getattr(settings, folder), getattr(pipeline_settings, folder)
        written = sorted(
            path.relative_to(on_postgres) for path in on_postgres.rglob("*") if path.suffix in (".html", ".csv", ".txt")
        )
        assert written, folder
        for relative in written:
            assert (on_postgres / relative).read_bytes() == (on_duckdb / relative).read_bytes(), relative
            compared += 1
    assert compared > 100


def test_a_run_on_postgres_is_recorded_in_postgres_storage_with_its_year_range(postgres_run, server):
    """The refresh (one run over the sources' academic years, as the UI's ranged backfill launches it) and the
    report runs are in Dagster's PostgreSQL storage, with a materialisation of each year's raw slice."""
    settings, result = postgres_run
    first, last = source_year_span(settings.sources_dir)
    years = academic_year_partitions.get_partition_keys()
    expected_years = years[years.index(first) : years.index(last) + 1]
    connection = _connect(server, local_postgres.PIPELINE_ROLE, local_postgres.DAGSTER_DATABASE)
    with connection, connection.cursor() as cursor:
        cursor.execute("select run_id, status from runs")
        assert sorted(cursor.fetchall()) == sorted((run.run_id, "SUCCESS") for run in result.runs)
        cursor.execute(
            "select distinct partition from event_logs "
            "where asset_key = %s and dagster_event_type = 'ASSET_MATERIALIZATION'",
            [dg.AssetKey("raw_ks2").to_string()],
        )
        assert sorted(p for (p,) in cursor.fetchall()) == expected_years
    connection.close()


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
