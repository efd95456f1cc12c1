"""One asset per LA return: judge the files in the drop folder, keep every accepted version.

A refused file does not fail the run: the version in force stays and downstream models carry on with it. The
refusal shows as the failed check ``<return>_files_accepted`` with the row-level errors in its metadata (and
in ``<file>.errors.csv`` beside the file), and stays red until a corrected file is dropped.
"""

from datetime import date
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.defs.dbt.assets import WAREHOUSE_WRITER_POOL
from dagster_project.defs.operations.downloads import state_dir
from dagster_project.lib.returns.errors import errors_markdown
from dagster_project.lib.returns.ingest import MANIFEST_TABLE, ReturnIngestReport, ingest_return
from dagster_project.lib.returns.judged import record_judged
from dagster_project.lib.returns.reading import discover_return_files
from dagster_project.lib.returns.references import ReferenceDataMissing, load_reference_data
from dagster_project.lib.returns.spec import RETURNS, ReturnSpec
from dagster_project.lib.warehouse.landing_lock import landing_lock
from dagster_project.lib.warehouse.postgres_load import copy_to_warehouse
from dagster_project.resources import WarehouseResource

RETURNS_GROUP = "returns"
CHECK_SUFFIX = "files_accepted"


def _files_table(report: ReturnIngestReport) -> str:
    lines = ["| file | as at | status | rows | errors | sha256 |", "|---|---|---|---|---|---|"]
    for o in report.outcomes:
        status = o.status if o.status != "unchanged" else f"unchanged ({o.previous_status})"
        lines.append(
            f"| {o.file.path.name} | {o.file.as_at or ''} | {status} | {'' if o.row_count is None else o.row_count} "
            f"| {len(o.errors) if o.status == 'refused' else ''} | {o.sha256[:12]} |"
        )
    return "\n".join(lines)


def _check_result(spec: ReturnSpec, report: ReturnIngestReport, quarantine_dir: Path) -> dg.AssetCheckResult:
    refused = report.refused_in_folder
    errors = [e for o in refused for e in o.errors]
    reports = [str(o.error_report) for o in refused if o.error_report]
    return dg.AssetCheckResult(
        check_name=f"{spec.name}_{CHECK_SUFFIX}",
        passed=not refused,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            "every file in the drop folder is accepted"
            if not refused
            else f"{len(refused)} file(s) refused whole; the previously accepted version stays in force"
        ),
        metadata={
            "refused_files": dg.MetadataValue.json([o.file.path.name for o in refused]),
            # the same shape as the raw_* assets' check: what `make run`'s summary lists
            "refused": dg.MetadataValue.json(
                [
                    {
                        "file": str(o.file.path),
                        "reason": (f"refused whole: {len(o.errors)} error(s)" if o.errors else "refused whole")
                        + (f", listed in {o.error_report}" if o.error_report else ""),
                        "quarantined": str(quarantine_dir / "returns" / spec.name / o.sha256),
                    }
                    for o in refused
                ]
            ),
            "error_reports": dg.MetadataValue.json(reports),
            "errors": dg.MetadataValue.md(errors_markdown(errors) if errors else "none"),
        },
    )


def build_return_asset(spec: ReturnSpec) -> dg.AssetsDefinition:
    # The register returns are checked against: the GIAS extract, and the school information for schools it lacks.
    register = ["raw_gias_establishments", "raw_school_information"]
    deps = register + ([RETURNS["advisers"].table] if spec.uses_advisers else [])

    @dg.asset(
        name=spec.table,
        group_name=RETURNS_GROUP,
        description=f"LA return: {spec.title}. {spec.description} Every accepted version kept (history); "
        "see docs/returns.md. Free-text columns are restricted.",
        kinds={"duckdb", "csv", "xlsx"},
        deps=deps,
        pool=WAREHOUSE_WRITER_POOL,
        check_specs=[
            dg.AssetCheckSpec(
                f"{spec.name}_{CHECK_SUFFIX}",
                asset=spec.table,
                description=f"Every {spec.name} file in the drop folder passed expectations/{spec.suite_name}.json "
                "and the referential checks (refused files listed with their row-level errors).",
            )
        ],
    )
    def _return_asset(
        context: dg.AssetExecutionContext, duckdb: DuckDBResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        folder = Path(warehouse.returns_dir)
        files = [f for f in discover_return_files(folder) if f.return_name == spec.name]
        with landing_lock(warehouse.duckdb_path, context.log.info), duckdb.get_connection() as conn:
            try:
                report = ingest_return(
                    conn,
                    spec,
                    files,
                    reference=lambda: load_reference_data(
                        conn, warehouse.la_code, advisers_table=RETURNS["advisers"].table
                    ),
                    archive_dir=Path(warehouse.archive_dir),
                    quarantine_dir=Path(warehouse.quarantine_dir),
                    today=date.today(),
                    log=context.log.info,
                )
            except ReferenceDataMissing as missing:
                raise dg.Failure(description=f"{spec.name}: cannot check the returns yet: {missing}") from missing
            if warehouse.on_postgres:  # into the restricted schema (lib/warehouse/postgres_load.py)
                copy_to_warehouse(conn, [spec.table, MANIFEST_TABLE], log=context.log.info)
        record_judged(state_dir(warehouse), spec.name, {o.file.path.name: o.sha256 for o in report.outcomes})
        for outcome in report.with_status("refused"):
            context.log.warning(
                f"{spec.name}: refused {outcome.file.path.name} ({len(outcome.errors)} errors): "
                f"see {outcome.error_report}"
            )
        in_force = report.in_force or {}
        return dg.MaterializeResult(
            metadata={
                "drop_folder": dg.MetadataValue.path(str(folder)),
                "files_accepted": dg.MetadataValue.int(len(report.with_status("accepted"))),
                "files_refused": dg.MetadataValue.int(len(report.with_status("refused"))),
                "files_unchanged": dg.MetadataValue.int(len(report.with_status("unchanged"))),
                "version_in_force": dg.MetadataValue.text(
                    f"{in_force['file']} (as at {in_force['as_at']}, {in_force['row_count']} rows)"
                    if in_force
                    else "none"
                ),
                "files": dg.MetadataValue.md(_files_table(report)),
            },
            check_results=[_check_result(spec, report, Path(warehouse.quarantine_dir))],
        )

    return _return_asset


return_assets = [build_return_asset(spec) for spec in RETURNS.values()]
