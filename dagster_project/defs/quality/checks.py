"""Great Expectations suites as blocking asset checks: a failed suite stops every downstream dbt model.

One check per raw table that has a suite in expectations/<table>.json, named <table>_expectations
(raw_ks2_expectations, raw_ofsted_inspections_expectations, ...).
"""

import dagster as dg
import duckdb

from dagster_project.defs.dbt.assets import WAREHOUSE_WRITER_POOL
from dagster_project.defs.ingest.assets import RAW_TABLES
from dagster_project.lib.quality.expectations import suite_path, validate_dataframe
from dagster_project.lib.warehouse.landing_lock import landing_lock
from dagster_project.resources import WarehouseResource

ID_COLUMNS = ["source_file", "source_row_number", "urn", "academic_year"]


def _check_result(table: str, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    # The raw tables as the ingest landed them, in the DuckDB file on either warehouse.
    with landing_lock(warehouse.duckdb_path), duckdb.connect(str(warehouse.duckdb_path), read_only=True) as conn:
        frame = conn.sql(f"select * from {table}").df()
    outcome = validate_dataframe(frame, table, id_columns=[c for c in ID_COLUMNS if c in frame.columns])
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"{outcome.evaluated} expectations on {len(frame)} rows: "
            + ("all met" if outcome.success else f"{len(outcome.failures)} failed")
        ),
        metadata={
            "rows_checked": len(frame),
            "expectations_evaluated": outcome.evaluated,
            "failed_expectations": dg.MetadataValue.json(
                [
                    {
                        "expectation": f.expectation_type,
                        "column": f.column,
                        "why": f.why,
                        "unexpected_count": f.unexpected_count,
                        "sample_values": [str(v) for v in f.sample_unexpected],
                        "sample_rows": f.sample_rows,
                    }
                    for f in outcome.failures
                ]
            ),
        },
    )


def build_expectations_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=table,
        name=f"{table}_expectations",
        blocking=True,
        description=f"expectations/{table}.json (GX Core) on {table}.",
        pool=WAREHOUSE_WRITER_POOL,  # reads only, but on DuckDB dbt may be writing the same file
    )
    def _expectations(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        return _check_result(table, warehouse)

    return _expectations


expectation_checks = [build_expectations_check(spec.table) for spec in RAW_TABLES if suite_path(spec.table).exists()]
raw_ks2_expectations = next(
    c for c in expectation_checks if any(k.name == "raw_ks2_expectations" for k in c.check_keys)
)
