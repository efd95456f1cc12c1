"""Every dbt model, seed and test as Dagster assets and checks, in two `dbt build`s.

The year-grained staging models (dbt tag `academic_year_partitioned`: KS2, KS4, census, absence) are incremental,
replacing the run's academic years (strategy `replace_academic_years`), and partitioned like the raw tables they
read: a run rebuilds exactly its partition(s), passed to dbt in the environment (SI_DBT_ACADEMIC_YEARS).
Everything else is one unpartitioned build.

Each build parses the project only where it changed: it starts from the parse the deployment's last build left
(`$SI_DATA_DIR/state/dbt_partial_parse.msgpack`; dbt re-parses in full when the profile or --vars differ, so each
warehouse keeps its own), else from `make manifest`'s in dbt/target.
"""

import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.defs.dbt.project import dbt_project
from dagster_project.defs.partitions import academic_year_backfill_policy, academic_year_partitions
from dagster_project.lib.operations.environment import scoped_environ
from dagster_project.lib.warehouse.academic_years import dbt_academic_years_env, dbt_vars
from dagster_project.resources import WarehouseResource

WAREHOUSE_WRITER_POOL = "warehouse_writer"
ACADEMIC_YEAR_MODELS = "tag:academic_year_partitioned"
# dbt unit tests check model logic on fixed inputs, never the data: they run once in the test suite
# (tests/integration/test_dbt_unit_tests.py, `make dbt-unit-tests`), not in every refresh.
UNIT_TESTS = "test_type:unit"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


class DbtLayerTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts, reporting; seeds as rules), so the asset graph in
    the UI reads ingest → staging → intermediate → marts → reporting → reports."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        if dbt_resource_props["resource_type"] == "seed":
            return "rules"
        fqn = dbt_resource_props["fqn"]  # ['school_improvement', '<layer folder>', ..., '<model>']
        return fqn[1] if len(fqn) > 2 else "dbt"


dbt_translator = DbtLayerTranslator()


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    academic_years: Sequence[str] | None,
) -> Iterator[Any]:
    # dbt runs as a child process: hand it the same DuckDB file and LA as the ingest assets, and the LA's choice of
    # desk-top analysis for academies (SI7).
    variables = dbt_vars(warehouse.la_code, academy_desktop_analysis=warehouse.academy_desktop_analysis)
    # Named as dagster-dbt names it ('<op>-<run id[:7]>-<uuid>'): the next run finds a killed run's folder by it.
    target = (
        Path(dbt_project.target_path)
        / f"{context.op_execution_context.op.name}-{context.run.run_id[:7]}-{uuid.uuid4().hex[:7]}"
    )
    kept_parse = _parse_file(warehouse)
    if kept_parse.is_file():
        (dbt_project.project_dir / target).mkdir(parents=True)
        shutil.copyfile(kept_parse, dbt_project.project_dir / target / PARTIAL_PARSE_FILE)
    with scoped_environ({**warehouse.dbt_env(), **dbt_academic_years_env(academic_years)}):
        invocation = dbt.cli(
            ["build", "--vars", variables, "--exclude", UNIT_TESTS], context=context, target_path=target
        )
    yield from invocation.stream()  # the child process has its environment; this process's is restored
    _keep_partial_parse(invocation.target_path, kept_parse)
    _remove_build_folder(invocation.target_path)


def _parse_file(warehouse: WarehouseResource) -> Path:
    return Path(warehouse.data_dir) / "state" / f"dbt_{PARTIAL_PARSE_FILE}"


def _remove_build_folder(build_target: Path) -> None:
    """Remove a finished build's own folder (compiled SQL and run results, ~50 MB; dbt's output is in the run's
    log). Only its own: other processes (another deployment, the test suite's runs) build beside it in the same
    target folder. A failed build's folder stays for a look; a killed run's is removed by the next run."""
    shutil.rmtree(build_target, ignore_errors=True)


def _keep_partial_parse(build_target: Path, kept: Path) -> None:
    """Leave this build's parse where the deployment's next build starts from (written whole, then renamed)."""
    parsed = build_target / PARTIAL_PARSE_FILE
    if not parsed.is_file():
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")
    shutil.copyfile(parsed, partial)
    os.replace(partial, kept)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=ACADEMIC_YEAR_MODELS,
    name="dbt_academic_year_models",
    dagster_dbt_translator=dbt_translator,
    partitions_def=academic_year_partitions,
    backfill_policy=academic_year_backfill_policy,
    pool=WAREHOUSE_WRITER_POOL,
)
def academic_year_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    yield from _build(context, dbt, warehouse, list(context.partition_keys))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=ACADEMIC_YEAR_MODELS,
    name="dbt_models",
    dagster_dbt_translator=dbt_translator,
    pool=WAREHOUSE_WRITER_POOL,
)
def school_improvement_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    yield from _build(context, dbt, warehouse, academic_years=None)


dbt_asset_definitions = [academic_year_dbt_assets, school_improvement_dbt_assets]
