"""One asset per raw table: archive every received file, parse it, load it; refuse bad files whole."""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.defs.dbt.assets import DUCKDB_WRITER_POOL
from dagster_project.lib.source_files import discover_source_files
from dagster_project.lib.warehouse_load import IngestReport, ingest_source
from dagster_project.resources import WarehouseResource


@dataclass(frozen=True)
class RawTableSpec:
    table: str
    source: str
    description: str


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
    ),
    RawTableSpec(
        "raw_ks4",
        "ks4",
        "KS4 school-level performance tables: school, LA and national rows (RECTYPE) per academic year "
        "and data version, with the special-value reason beside each number.",
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
    ),
    RawTableSpec(
        "raw_absence",
        "absence",
        "School absence (england_abs.csv): overall and persistent absence per school per year, with the "
        "persistent-absence threshold (15% before 2015-16, 10% since) and national rows.",
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


def _metadata(report: IngestReport) -> dict[str, dg.MetadataValue]:
    return {
        "row_count": dg.MetadataValue.int(report.table_row_count),
        "files_loaded": dg.MetadataValue.int(len(report.loaded)),
        "files_unchanged": dg.MetadataValue.int(len(report.unchanged)),
        "files_quarantined": dg.MetadataValue.int(len(report.quarantined)),
        "files": dg.MetadataValue.md(_files_table(report)),
    }


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


def build_raw_table_asset(spec: RawTableSpec) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.table,
        group_name="ingest",
        description=spec.description,
        kinds={"duckdb", "csv"},
        pool=DUCKDB_WRITER_POOL,
    )
    def _raw_table(
        context: dg.AssetExecutionContext, duckdb: DuckDBResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        files = [f for f in discover_source_files(Path(warehouse.sources_dir)) if f.source == spec.source]
        if not files:
            raise dg.Failure(
                description=f"No {spec.source} files found under {warehouse.sources_dir}. "
                "See README 'Using real data' for the folder layout, or run `make run` to generate the bundled data."
            )
        with duckdb.get_connection() as conn:
            report = ingest_source(
                conn,
                spec.source,
                files,
                archive_dir=Path(warehouse.archive_dir),
                quarantine_dir=Path(warehouse.quarantine_dir),
                log=context.log,
            )
        if report.quarantined:
            # The good files are loaded and the last good data stays; the run still goes red so someone looks.
            raise dg.Failure(
                description=f"{len(report.quarantined)} {spec.source} file(s) refused and quarantined",
                metadata=_metadata(report),
            )
        context.log.info(report.summary())
        return dg.MaterializeResult(metadata=_metadata(report))

    return _raw_table


ingest_assets = [build_raw_table_asset(spec) for spec in RAW_TABLES]
