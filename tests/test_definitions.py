"""The Dagster definitions load, with every source linked to the dbt models that read it."""

import dagster as dg

from dagster_project.definitions import build_definitions

RAW_TABLES = [
    "raw_gias_establishments",
    "raw_gias_links",
    "raw_ks2",
    "raw_ks4",
    "raw_ofsted_inspections",
    "raw_census",
]


def test_definitions_load_with_every_area(dbt_manifest, tmp_path):
    from tests.conftest import settings_for

    definitions = build_definitions(settings_for(tmp_path))
    graph = definitions.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}

    assert set(RAW_TABLES) <= keys
    assert {"dim_school", "fct_school_support_category", "rpt_committee__la_headlines"} <= keys
    assert "committee_report" in keys
    assert definitions.resolve_job_def("refresh_all") is not None


def test_dbt_sources_depend_on_the_ingest_assets(dbt_manifest, tmp_path):
    from tests.conftest import settings_for

    graph = build_definitions(settings_for(tmp_path)).resolve_asset_graph()
    staging_parents = graph.get(dg.AssetKey("stg_ks2__school_results")).parent_keys
    assert dg.AssetKey("raw_ks2") in staging_parents


def test_raw_ks2_is_guarded_by_a_blocking_expectations_check(dbt_manifest, tmp_path):
    from tests.conftest import settings_for

    definitions = build_definitions(settings_for(tmp_path))
    check_keys = {key for checks in definitions.asset_checks for key in checks.check_keys}
    assert dg.AssetCheckKey(dg.AssetKey("raw_ks2"), "raw_ks2_expectations") in check_keys
    (check_def,) = [c for c in definitions.asset_checks if any(k.name == "raw_ks2_expectations" for k in c.check_keys)]
    assert all(spec.blocking for spec in check_def.check_specs)


def test_assets_are_grouped_by_pipeline_layer(dbt_manifest, tmp_path):
    from tests.conftest import settings_for

    graph = build_definitions(settings_for(tmp_path)).resolve_asset_graph()

    def group(name: str) -> str:
        return graph.get(dg.AssetKey(name)).group_name

    assert group("raw_ks2") == "ingest"
    assert group("stg_ks2__school_results") == "staging"
    assert group("int_school_data_risk_flags") == "intermediate"
    assert group("fct_school_support_category") == "marts"
    assert group("rpt_committee__la_headlines") == "reporting"
    assert group("support_categories") == "rules"
    assert group("committee_report") == "reports"


def test_every_singular_dbt_test_shows_as_a_dagster_asset_check(dbt_manifest, tmp_path):
    from dagster_project.defs.dbt.project import DBT_PROJECT_DIR
    from tests.conftest import settings_for

    graph = build_definitions(settings_for(tmp_path)).resolve_asset_graph()
    singular = {p.stem for p in (DBT_PROJECT_DIR / "tests" / "singular").glob("*.sql")}
    checks = {key.name for key in graph.asset_check_keys}
    assert singular and singular <= checks


def test_runs_on_duckdb_execute_in_one_process_and_on_postgres_step_by_step(dbt_manifest, tmp_path):
    """On DuckDB a run's warehouse steps can only go one at a time, so no step pays for a process of its own; on
    PostgreSQL the writer pool allows several, and the steps of a run get their own processes to overlap."""
    from dagster_project.settings import Settings

    for warehouse, executor in (("duckdb", "in_process"), ("postgres", "multiprocess")):
        settings = Settings.from_env({"SI_DATA_DIR": str(tmp_path), "SI_WAREHOUSE": warehouse})
        definitions = build_definitions(settings)
        for job in ("refresh_all", "termly_committee_report", "__ASSET_JOB"):
            assert definitions.resolve_job_def(job).executor_def.name == executor, (warehouse, job)
