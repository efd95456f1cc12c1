"""The one Definitions object: composes ingest, dbt, quality, report and operations definitions."""

import dagster as dg

from dagster_project.defs.dbt.assets import school_improvement_dbt_assets
from dagster_project.defs.ingest.assets import ingest_assets
from dagster_project.defs.operations.jobs import refresh_all_job
from dagster_project.defs.quality.checks import raw_ks2_expectations
from dagster_project.defs.reports.assets import report_assets
from dagster_project.resources import Settings, build_resources


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """Build the definitions for ``settings`` (from the environment when not given)."""
    settings = settings or Settings.from_env()
    return dg.Definitions(
        assets=[*ingest_assets, school_improvement_dbt_assets, *report_assets],
        asset_checks=[raw_ks2_expectations],
        jobs=[refresh_all_job],
        resources=build_resources(settings),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
