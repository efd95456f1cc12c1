"""Academic-year partitions: a backfill in year ranges builds the same tables as one full run.

The full run is the session's `materialized` warehouse (every asset, every year, one run, as `make run`). The
backfill builds only the academic-year-partitioned assets (raw_ks2/ks4/census/absence and the incremental stg_
models) in a second data folder, in two year ranges and then one year again, so the incremental models are built
fresh, appended to and have a year replaced. Downstream models are unpartitioned functions of these tables.
"""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.partitions import academic_year_partitions, range_tags
from tests.conftest import settings_for

pytestmark = pytest.mark.slow

# The synthetic LA ships no school-information ('spine') files: its GIAS extract lists every school.
NO_BUNDLED_FILES = {"raw_school_information"}
PROVENANCE = ("loaded_at", "source_file")  # when and from which copy of the sources folder: differs by design


def _partitioned_assets(definitions: dg.Definitions) -> list[dg.AssetsDefinition]:
    return [
        a
        for a in definitions.assets
        if isinstance(a, dg.AssetsDefinition) and a.partitions_def == academic_year_partitions
    ]


def _materialize_range(definitions: dg.Definitions, first: str, last: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        assets=_partitioned_assets(definitions),
        resources=definitions.resources,
        instance=dg.DagsterInstance.ephemeral(),
        tags=range_tags(first, last),
    )


def test_a_backfill_in_year_ranges_builds_the_same_year_tables_as_a_full_run(materialized, pipeline_settings, tmp_path):
    from dagster_project.definitions import build_definitions

    settings = settings_for(tmp_path / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    definitions = build_definitions(settings)
    keys = academic_year_partitions.get_partition_keys()
    assert _materialize_range(definitions, keys[0], "2021-22").success
    assert _materialize_range(definitions, "2022-23", keys[-1]).success
    rerun = _materialize_range(definitions, "2022-23", "2022-23")  # an incremental model rebuilt for one year
    assert rerun.success

    partitioned_keys = {key for a in _partitioned_assets(definitions) for key in a.keys}
    tables = sorted(key.path[-1] for key in partitioned_keys)
    assert {"raw_ks2", "stg_ks2__school_results", "stg_absence__school_absence"} <= set(tables)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        conn.execute(f"attach '{pipeline_settings.duckdb_path}' as full_run (read_only)")
        for table in tables:
            columns = [
                name
                for (name,) in conn.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = current_database() and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if name not in PROVENANCE
            ]
            select = ", ".join(columns)
            full_rows = conn.execute(f"select count(*) from full_run.main.{table}").fetchall()[0][0]
            backfill_rows = conn.execute(f"select count(*) from {table}").fetchall()[0][0]
            assert backfill_rows == full_rows, table
            assert full_rows > 0 or table in NO_BUNDLED_FILES, table
            differing = conn.execute(
                f"select count(*) from ((select {select} from {table} except all "
                f"select {select} from full_run.main.{table}) union all "
                f"(select {select} from full_run.main.{table} except all select {select} from {table}))"
            ).fetchall()[0][0]
            assert differing == 0, f"{table}: {differing} rows differ between the backfill and the full run"


def test_a_partition_run_replaces_only_its_own_year(materialized, pipeline_settings):
    """Materialising 2022-23 again leaves every other year's rows untouched (same loaded_at)."""
    from dagster_project.definitions import build_definitions

    definitions = build_definitions(pipeline_settings)

    def loaded_at_by_year() -> dict[str, object]:
        with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as conn:
            return dict(
                conn.execute("select academic_year, max(loaded_at) from stg_ks2__school_results group by 1").fetchall()
            )

    before = loaded_at_by_year()
    with duckdb.connect(str(pipeline_settings.duckdb_path)) as conn:
        # Force a reload of 2022-23 only: forget that its file was loaded.
        conn.execute("delete from ingest_file_manifest where source = 'ks2' and academic_year = '2022-23'")
    result = _materialize_range(definitions, "2022-23", "2022-23")
    assert result.success
    after = loaded_at_by_year()
    assert after.keys() == before.keys()
    assert after["2022-23"] > before["2022-23"]
    assert {y: t for y, t in after.items() if y != "2022-23"} == {y: t for y, t in before.items() if y != "2022-23"}
    materialized_partitions = {
        e.partition for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("raw_ks2")
    }
    assert materialized_partitions == {"2022-23"}


def test_a_partition_run_over_a_year_whose_raw_rows_are_gone_leaves_no_staging_rows_for_it(
    pipeline_settings, dbt_manifest, tmp_path
):
    """Re-running 2022-23 after its raw rows were removed empties 2022-23 in every incremental stg_ model.

    A plain delete+insert by academic_year would delete only the years present in the new (empty) batch, so last
    run's 2022-23 rows would stay. 2023-24 must be untouched.
    """
    from dagster_project.definitions import build_definitions
    from dagster_project.defs.dbt.assets import academic_year_dbt_assets

    settings = settings_for(tmp_path / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    definitions = build_definitions(settings)
    assert _materialize_range(definitions, "2022-23", "2023-24").success
    staging_tables = sorted(key.path[-1] for key in academic_year_dbt_assets.keys)
    raw_tables = sorted(
        key.path[-1]
        for assets_def in _partitioned_assets(definitions)
        for key in assets_def.keys
        if key not in academic_year_dbt_assets.keys
    )
    assert "raw_ks2" in raw_tables and "stg_ks2__school_results" in staging_tables

    def rows_by_year(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
        return {
            table: dict(conn.execute(f"select academic_year, count(*) from {table} group by 1").fetchall())
            for table in staging_tables
        }

    with duckdb.connect(str(settings.duckdb_path)) as conn:
        before = rows_by_year(conn)
        for table in raw_tables:
            conn.execute(f"delete from {table} where academic_year = '2022-23'")
    assert all(counts.get("2022-23", 0) > 0 for counts in before.values()), before

    rerun = dg.materialize(
        assets=_partitioned_assets(definitions),
        selection=dg.AssetSelection.assets(*academic_year_dbt_assets.keys),
        resources=definitions.resources,
        instance=dg.DagsterInstance.ephemeral(),
        partition_key="2022-23",
    )
    assert rerun.success
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        after = rows_by_year(conn)
    assert {table: counts.get("2022-23", 0) for table, counts in after.items()} == dict.fromkeys(staging_tables, 0)
    assert {table: counts.get("2023-24") for table, counts in after.items()} == {
        table: counts.get("2023-24") for table, counts in before.items()
    }
