"""One asset per raw table: archive every received file, parse it, validate it, load it; refuse bad files whole.

A refused file does not stop the refresh: its source keeps its last good data, the rest goes on, and the refusal
shows as the failed (warning, non-blocking) check `<table>_files_accepted` with the file, the reason and where
it was quarantined. A year partition with no file is still materialised (a range run must hand every year to
dbt, and Dagster skips every downstream step of an asset that yields nothing), but its own metadata says "no
file" with 0 rows and an observation records it.
"""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from duckdb import DuckDBPyConnection

from dagster_project.defs.dbt.assets import WAREHOUSE_WRITER_POOL
from dagster_project.defs.partitions import academic_year_backfill_policy, academic_year_partitions
from dagster_project.lib.ingest.errors import SourceLayoutError
from dagster_project.lib.ingest.source_files import SkippedFile, SourceFile, scan_sources, validate_academic_year
from dagster_project.lib.ingest.warehouse_load import MANIFEST_TABLE, IngestReport, ingest_source
from dagster_project.lib.warehouse.asset_metadata import markdown_preview
from dagster_project.lib.warehouse.landing_lock import landing_lock
from dagster_project.lib.warehouse.postgres_load import copy_to_warehouse
from dagster_project.resources import WarehouseResource


@dataclass(frozen=True)
class RawTableSpec:
    table: str
    source: str
    description: str
    # Yearly national datasets are partitioned by academic year; snapshots (GIAS, Ofsted, ...) are not.
    by_academic_year: bool = False


RAW_TABLES = [
    RawTableSpec(
        "raw_gias_establishments",
        "gias_establishments",
        "GIAS establishments (edubasealldata*.csv): the register of schools, one row per URN per extract.",
    ),
    RawTableSpec(
        "raw_gias_links",
        "gias_links",
        "GIAS links (links_edubasealldata*.csv): predecessor/successor URNs for conversions and mergers.",
    ),
    RawTableSpec(
        "raw_ks2",
        "ks2",
        "KS2 school-level performance tables: school, LA and national rows (RECTYPE) per academic year "
        "and data version, with the special-value reason beside each number.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_ks4",
        "ks4",
        "KS4 school-level performance tables: school, LA and national rows (RECTYPE) per academic year "
        "and data version, with the special-value reason beside each number.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_ofsted_inspections",
        "ofsted_inspections",
        "Ofsted state-funded school inspections (management information, all-inspections and latest-inspections "
        "files, graded / ungraded / report-card regimes): one row per inspection.",
    ),
    RawTableSpec(
        "raw_census",
        "census",
        "School census (england_census.csv): pupils on roll, FSM, EAL and SEN per school per year.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_absence",
        "absence",
        "School absence (england_abs.csv): overall and persistent absence per school per year, with the "
        "persistent-absence threshold (15% before 2015-16, 10% since) and national rows.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_ks4_destinations",
        "ks4_destinations",
        "KS4 destination measures (england_ks4-pupdest.csv): each school's, LA's and England's KS4 leavers in "
        "sustained education, apprenticeships or employment, not sustained and not captured, for all, "
        "disadvantaged and other pupils, per academic year of the performance tables.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_suspensions",
        "suspensions",
        "Suspensions and permanent exclusions, school level (EES time series since 2006/07; the folder's year is "
        "read): pupils on roll, suspensions, pupils suspended at least once and permanent exclusions, with their "
        "rates per 100 pupils.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_ks5",
        "ks5",
        "16 to 18 results (EES institution file, three years; the folder's year is read): points per entry, value "
        "added with confidence limits, retention and the English and maths measures per school, by exam cohort, for "
        "all and disadvantaged students.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_ks5_national",
        "ks5_national",
        "16 to 18 results for England (all state-funded schools and colleges) and each LA (EES national file): "
        "the comparators of raw_ks5, also for students not disadvantaged.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_school_information",
        "school_information",
        "School information ('spine') from the performance-tables download (815_spine.csv, "
        "england_school_information.csv): every school the year's tables cover, open or closed, with type, phase, "
        "open/close dates and the predecessor or successor URN. Fills the register for schools GIAS does not list.",
        by_academic_year=True,
    ),
    RawTableSpec(
        "raw_statistical_neighbours",
        "statistical_neighbours",
        "DfE statistical neighbours (sn_<month>_<year>.xlsx or .csv): ten neighbour LAs per LA per release.",
    ),
    RawTableSpec(
        "raw_la_codes",
        "la_codes",
        "LA and region codes (la_code_list.csv or .xlsx): LA number, name, region and LA type.",
    ),
]


FILES_ACCEPTED = "files_accepted"
NO_FILE = "no file for this year: nothing loaded"


def files_accepted_check_name(table: str) -> str:
    return f"{table}_{FILES_ACCEPTED}"


def _metadata(
    report: IngestReport, years: list[str] | None, year_rows: int, preview: str, not_read: list[SkippedFile]
) -> dict[str, dg.MetadataValue]:
    metadata = {
        "dagster/row_count": dg.MetadataValue.int(report.table_row_count),
        "row_count": dg.MetadataValue.int(report.table_row_count),
        "files_loaded": dg.MetadataValue.int(len(report.loaded)),
        "files_unchanged": dg.MetadataValue.int(len(report.unchanged)),
        "files_quarantined": dg.MetadataValue.int(len(report.quarantined)),
        "refused": dg.MetadataValue.json(_refusals(report)),
        "files": dg.MetadataValue.md(_files_table(report)),
        "data_versions": dg.MetadataValue.text(
            ", ".join(sorted({o.file.data_version or "" for o in report.outcomes if o.status != "quarantined"}))
        ),
        "files_not_read": dg.MetadataValue.int(len(not_read)),
        "preview": dg.MetadataValue.md(preview),
    }
    if not_read:
        metadata["not_read"] = dg.MetadataValue.md(_not_read_table(not_read))
    if not report.outcomes:
        metadata["no_files"] = dg.MetadataValue.text(
            f"no {report.source} file in the sources folder: the table is empty and reports say this data is missing"
        )
    if years is not None:
        metadata["academic_years"] = dg.MetadataValue.text(", ".join(years))
        metadata["rows_in_these_years"] = dg.MetadataValue.int(year_rows)
    return metadata


def _files_table(report: IngestReport) -> str:
    lines = [
        "| file | academic year | version | status | rows | sha256 | reason |",
        "|---|---|---|---|---|---|---|",
    ]
    for outcome in report.outcomes:
        source_file = outcome.file
        lines.append(
            f"| {source_file.path.name} | {source_file.academic_year or ''} | {source_file.data_version or ''} "
            f"| {outcome.status} | {outcome.row_count if outcome.row_count is not None else ''} "
            f"| {outcome.sha256[:12]} | {(outcome.reason or '').replace('|', '/')} |"
        )
    return "\n".join(lines)


def _refusals(report: IngestReport) -> list[dict[str, str]]:
    """Each refused file with its reason and quarantine folder (what `make run`'s summary lists)."""
    return [
        {
            "file": str(o.file.path),
            "reason": o.reason or "",
            "quarantined": str(o.quarantined_path.parent) if o.quarantined_path else "",
        }
        for o in report.quarantined
    ]


def _files_accepted(spec: RawTableSpec, report: IngestReport) -> dg.AssetCheckResult:
    refused = report.quarantined
    return dg.AssetCheckResult(
        check_name=files_accepted_check_name(spec.table),
        passed=not refused,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"every {spec.source} file of this run was accepted"
            if not refused
            else f"{len(refused)} {spec.source} file(s) refused and quarantined; the last good data stays in use"
        ),
        metadata={"refused": dg.MetadataValue.json(_refusals(report))},
    )


def _year_metadata(
    context: dg.AssetExecutionContext,
    conn: DuckDBPyConnection,
    spec: RawTableSpec,
    report: IngestReport,
    years: list[str],
) -> None:
    """Per-partition metadata: each year's own rows and files, or "no file" (and an observation saying so)."""
    rows = dict(
        conn.execute(
            f"select academic_year, count(*) from {spec.table} where list_contains(?, academic_year) group by 1",
            [years],
        ).fetchall()
    )
    without = [year for year in years if not any(o.file.academic_year == year for o in report.outcomes)]
    if without:
        context.log.info(f"no {spec.source} file for {', '.join(without)}: those years are left as they were")
    for year in years:
        files = [o for o in report.outcomes if o.file.academic_year == year]
        status = ", ".join(f"{o.file.path.name} {o.status}" for o in files) if files else NO_FILE
        context.add_asset_metadata({"dagster/row_count": rows.get(year, 0), "status": status}, partition_key=year)
        if not files:
            context.log_event(
                dg.AssetObservation(
                    asset_key=context.asset_key,
                    partition=year,
                    description=f"no {spec.source} file for {year} in the sources folder",
                    metadata={"status": NO_FILE, "rows_in_year": rows.get(year, 0)},
                )
            )


def _not_read_table(not_read: list[SkippedFile]) -> str:
    lines = ["| file | why it was not read |", "|---|---|"]
    lines += [f"| {skipped.path.name} | {skipped.reason.replace('|', '/')} |" for skipped in not_read]
    return "\n".join(lines)


def _files_for_run(spec: RawTableSpec, files: list[SourceFile], years: list[str] | None) -> list[SourceFile]:
    """This source's files, limited to the run's academic years; a file for a year with no partition is an error."""
    mine = [f for f in files if f.source == spec.source]
    if years is None:
        return mine
    known = set(academic_year_partitions.get_partition_keys())
    unknown = sorted({f.academic_year for f in mine if f.academic_year not in known})
    if unknown:
        raise dg.Failure(
            description=f"{spec.source} files for academic year(s) {', '.join(unknown)} have no partition: "
            "add the year to dbt/seeds/academic_years.csv"
        )
    return [f for f in mine if f.academic_year in years]


def build_raw_table_asset(spec: RawTableSpec) -> dg.AssetsDefinition:
    partitioned = spec.by_academic_year

    @dg.asset(
        name=spec.table,
        group_name="ingest",
        description=spec.description,
        kinds={"duckdb", "csv"},
        pool=WAREHOUSE_WRITER_POOL,
        partitions_def=academic_year_partitions if partitioned else None,
        backfill_policy=academic_year_backfill_policy if partitioned else None,
        check_specs=[
            dg.AssetCheckSpec(
                files_accepted_check_name(spec.table),
                asset=spec.table,
                description=f"Every {spec.source} file of the run passed its parser and expectations/{spec.table}.json "
                "(refused files are listed with the reason and where they were quarantined; the last good data stays).",
            )
        ],
    )
    def _raw_table(
        context: dg.AssetExecutionContext, duckdb: DuckDBResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        years = list(context.partition_keys) if partitioned else None
        scan = scan_sources(Path(warehouse.sources_dir))
        not_read = [s for s in scan.skipped_for(spec.source) if years is None or _in_years(s, years)]
        for skipped in not_read:
            (context.log.info if skipped.expected else context.log.warning)(skipped.message())
        if not any(f.source == spec.source for f in scan.files):
            # Every source is optional: an LA without (say) an Ofsted file still gets its other reports, which
            # say the data is missing. The table exists, empty, so dbt builds.
            context.log.warning(
                f"no {spec.source} file under {warehouse.sources_dir}: {spec.table} is empty and the reports say "
                "this data is missing (README 'Your own LA in ten minutes' lists the downloads)"
            )
        files = _files_for_run(spec, scan.files, years)
        with landing_lock(warehouse.duckdb_path, context.log.info), duckdb.get_connection() as conn:
            report = ingest_source(
                conn,
                spec.source,
                files,
                archive_dir=Path(warehouse.archive_dir),
                quarantine_dir=Path(warehouse.quarantine_dir),
                log=context.log,
            )
            where = "where list_contains(?, academic_year)" if years is not None else ""
            parameters = [years] if years is not None else []
            year_rows = conn.execute(f"select count(*) from {spec.table} {where}", parameters).fetchall()[0][0]
            preview = markdown_preview(conn, f"select * from {spec.table} {where}", parameters)
            if years is not None:
                _year_metadata(context, conn, spec, report, years)
            if warehouse.on_postgres:
                copy_to_warehouse(conn, [spec.table, MANIFEST_TABLE], log=context.log.info)
        return dg.MaterializeResult(
            metadata=_metadata(report, years, year_rows, preview, not_read),
            check_results=[_files_accepted(spec, report)],
        )

    return _raw_table


def _in_years(skipped: SkippedFile, years: list[str]) -> bool:
    """A file not read belongs to the run when its year folder is one of the run's years (or is not a year)."""
    try:
        return validate_academic_year(skipped.path.parent.name) in years
    except SourceLayoutError:
        return True


ingest_assets = [build_raw_table_asset(spec) for spec in RAW_TABLES]
