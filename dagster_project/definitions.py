"""The one Definitions object: composes ingest, dbt, quality, report and operations definitions."""

import dagster as dg

from dagster_project.defs.dbt.assets import dbt_asset_definitions
from dagster_project.defs.ingest.assets import ingest_assets
from dagster_project.defs.operations.downloads import download_sources, downstream_of_downloads
from dagster_project.defs.operations.jobs import operations_jobs
from dagster_project.defs.operations.schedules import operations_schedules
from dagster_project.defs.operations.sensors import build_sensors
from dagster_project.defs.quality.checks import expectation_checks
from dagster_project.defs.reports.assets import report_assets
from dagster_project.defs.returns.assets import return_assets
from dagster_project.defs.returns.sensors import returns_drop_folder_sensor
from dagster_project.resources import build_resources
from dagster_project.settings import Settings


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """Build the definitions for ``settings`` (from the environment when not given)."""
    settings = settings or Settings.from_env()
    return dg.Definitions(
        assets=[
            download_sources,
            *downstream_of_downloads(ingest_assets),
            *dbt_asset_definitions,
            *report_assets,
            *return_assets,
        ],
        asset_checks=[*expectation_checks],
        jobs=operations_jobs,
        schedules=operations_schedules,
        sensors=[*build_sensors(), returns_drop_folder_sensor],
        resources=build_resources(settings),
        executor=run_executor(settings),
    )


def run_executor(settings: Settings) -> dg.ExecutorDefinition:
    """How a run launched from the UI, a schedule or a sensor executes its steps.

    On DuckDB one process writes the file at a time (the warehouse_writer pool has one slot), so a run's steps
    could never run side by side: they run in the run's own process, as `make run` runs them, instead of paying
    for a new Python process (imports and definitions, ~4 s of CPU) per step. On PostgreSQL the pool allows
    SI_WAREHOUSE_WRITERS steps at once, and each step gets its own process so a run's steps can overlap."""
    return dg.in_process_executor if settings.warehouse == "duckdb" else dg.multiprocess_executor


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
