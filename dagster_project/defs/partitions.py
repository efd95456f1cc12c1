"""Academic-year partitions ('2023-24') for the yearly national datasets (KS2, KS4, census, absence).

Snapshot sources (GIAS, Ofsted, statistical neighbours, LA codes) and LA returns carry their own dates and stay
unpartitioned. The keys come from dbt/seeds/academic_years.csv.
"""

import dagster as dg

# Not re-exported at the top level; these are the tags a ranged backfill run carries.
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from dagster_project.lib.academic_years import load_academic_years

academic_year_partitions = dg.StaticPartitionsDefinition(load_academic_years())

# A multi-year backfill is one run (one dbt invocation, one ingest pass), not one run per year.
academic_year_backfill_policy = dg.BackfillPolicy.single_run()


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags for one run over the academic years first..last (what a single-run backfill launches)."""
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}


def all_years_tags() -> dict[str, str]:
    """Run tags for one run over every academic year: what `make run` and a full backfill materialise."""
    keys = academic_year_partitions.get_partition_keys()
    return range_tags(keys[0], keys[-1])


def partition_years(context: dg.AssetExecutionContext) -> list[str]:
    """The academic years this run materialises (one key, or every key in the range of a backfill)."""
    return list(context.partition_keys)
