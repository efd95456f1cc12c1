"""Every dbt model, seed and test as Dagster assets and checks, built with one `dbt build`."""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project.defs.dbt.project import dbt_project
from dagster_project.lib.environment import scoped_environ
from dagster_project.resources import WarehouseResource

DUCKDB_WRITER_POOL = "duckdb_writer"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=DUCKDB_WRITER_POOL)
def school_improvement_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    # dbt runs as a child process: hand it the same DuckDB file and LA as the ingest assets.
    with scoped_environ(warehouse.dbt_env()):
        invocation = dbt.cli(["build", "--vars", f"{{la_code: {warehouse.la_code}}}"], context=context)
    yield from invocation.stream()
