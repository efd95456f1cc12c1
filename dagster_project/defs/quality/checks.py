"""Great Expectations suites as blocking asset checks: a failed suite stops every downstream dbt model."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.lib.expectations import validate_dataframe

ID_COLUMNS = ["source_file", "source_row_number", "urn", "academic_year"]


@dg.asset_check(
    asset="raw_ks2",
    name="raw_ks2_expectations",
    blocking=True,
    description="expectations/raw_ks2.json (GX Core) on the parsed KS2 performance tables.",
)
def raw_ks2_expectations(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        frame = conn.sql("select * from raw_ks2").df()
    outcome = validate_dataframe(frame, "raw_ks2", id_columns=ID_COLUMNS)
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
