"""Jobs: what `make run`, the schedules, the sensors and an analyst in the UI launch.

A job's partitioned assets must share one partitioning, so the refresh jobs (academic years) leave out the
committee report (reporting terms) and the inspection briefing (months), which have a job each. Each report job
also rebuilds the published site index; the warehouse it reads is kept current by the refresh jobs.
"""

import dagster as dg

from dagster_project.defs.operations.downloads import DOWNLOAD_SOURCES
from dagster_project.defs.partitions import briefing_month_partitions, reporting_term_partitions
from dagster_project.defs.reports.assets import committee_report, inspection_briefing, periodic_reports, published_site

refresh_all_job = dg.define_asset_job(
    name="refresh_all",
    selection=dg.AssetSelection.all() - periodic_reports,
    description="Ingest every source, build every dbt model and test, and publish the reports that follow the "
    "latest data. `make run` follows it with the committee report and briefing for the latest term and month.",
)

refresh_from_sources_job = dg.define_asset_job(
    name="refresh_from_sources",
    selection=dg.AssetSelection.assets(DOWNLOAD_SOURCES).downstream() - periodic_reports,
    description="Download the selected sources, then ingest and rebuild everything downstream of them (the termly "
    "and monthly reports follow on their schedules). The release sensor runs it for the affected datasets only; "
    "the nightly schedule for every source.",
)

committee_report_job = dg.define_asset_job(
    name="termly_committee_report",
    selection=dg.AssetSelection.assets(committee_report, published_site),
    partitions_def=reporting_term_partitions,
    description="Render the committee report for a reporting term and republish the site index.",
)

inspection_briefing_job = dg.define_asset_job(
    name="monthly_inspection_briefing",
    selection=dg.AssetSelection.assets(inspection_briefing, published_site),
    partitions_def=briefing_month_partitions,
    description="Render the inspection briefing for a month (reports published in it) and republish the site index.",
)

operations_jobs = [refresh_all_job, refresh_from_sources_job, committee_report_job, inspection_briefing_job]
