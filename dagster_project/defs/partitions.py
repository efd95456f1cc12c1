"""Partitions: academic years for the yearly national datasets, reporting terms and months for the reports.

academic_year_partitions   '2023-24': KS2, KS4, census, absence and their staging models (dbt/seeds/academic_years.csv)
reporting_term_partitions  '2025-26-autumn': the termly committee report (dbt/seeds/school_terms.csv)
briefing_month_partitions  '2026-01': the monthly inspection briefing, every complete month from the first term

Snapshot sources (GIAS, Ofsted, statistical neighbours, LA codes) and LA returns carry their own dates and stay
unpartitioned, as do the annual and restricted reports (they follow the latest data).
"""

from pathlib import Path

import dagster as dg

# Not re-exported at the top level; these are the tags a ranged backfill run carries.
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from dagster_project.lib.ingest.source_files import scan_sources
from dagster_project.lib.reports.report_calendar import load_reporting_terms
from dagster_project.lib.warehouse.academic_years import load_academic_years

academic_year_partitions = dg.StaticPartitionsDefinition(load_academic_years())

_reporting_terms = load_reporting_terms()  # read once at load: both report partitionings come from it

reporting_term_partitions = dg.StaticPartitionsDefinition([term.partition_key for term in _reporting_terms])

# A month's briefing can be written once the month is over (end_offset=0: the current month is not a key yet).
briefing_month_partitions = dg.MonthlyPartitionsDefinition(
    start_date=f"{_reporting_terms[0].term_start:%Y-%m}",
    fmt="%Y-%m",
    timezone="Europe/London",
    end_offset=0,
)

# A multi-year backfill is one run (one dbt invocation, one ingest pass), not one run per year.
academic_year_backfill_policy = dg.BackfillPolicy.single_run()


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags for one run over the academic years first..last (what a single-run backfill launches)."""
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}


def source_year_span(sources_dir: Path) -> tuple[str, str]:
    """The first and last academic year the sources folder has yearly files for.

    What `make run` materialises, as one range run. Dagster records a range run's output for every key in the
    range, so a wider range would show years nobody downloaded as loaded in the UI. A year inside the span that
    lacks one source's file (KS2 2019-20) is still materialised, with "no file" in its metadata
    (defs/ingest/assets.py). With no yearly file at all: the latest year alone, so the yearly models exist.
    """
    keys = academic_year_partitions.get_partition_keys()
    years = sorted({f.academic_year for f in scan_sources(sources_dir).files if f.academic_year in keys})
    return (years[0], years[-1]) if years else (keys[-1], keys[-1])


def partition_years(context: dg.AssetExecutionContext) -> list[str]:
    """The academic years this run materialises (one key, or every key in the range of a backfill)."""
    return list(context.partition_keys)
