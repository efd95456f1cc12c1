"""Report assets: each renders its Quarto document from the rpt_ models it reads."""

from pathlib import Path

import dagster as dg

from dagster_project.lib.committee_report import RPT_TABLES, build_committee_report
from dagster_project.lib.restricted_exports import export_support_categories
from dagster_project.resources import WarehouseResource


@dg.asset(
    group_name="reports",
    deps=[dg.AssetKey(table) for table in RPT_TABLES],
    kinds={"quarto", "html", "pdf"},
    description="Termly committee report (published): LA headlines against national, inspections this term, "
    "support categories and visits, narrowing-the-gap headline, count of schools causing concern.",
)
def committee_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    report = build_committee_report(
        Path(warehouse.duckdb_path), Path(warehouse.published_dir), quarto_path=warehouse.quarto_path
    )
    context.log.info(f"published {report.html} and {report.pdf} with {report.engine}")
    return dg.MaterializeResult(
        metadata={
            "report_term": report.report_term,
            "html": dg.MetadataValue.path(str(report.html)),
            "pdf": dg.MetadataValue.path(str(report.pdf)),
            "engine": report.engine,
        }
    )


@dg.asset(
    group_name="reports",
    deps=[dg.AssetKey("fct_school_support_category"), dg.AssetKey("dim_school")],
    kinds={"csv", "xlsx"},
    description="RESTRICTED: every LA school's support category, visit entitlement and the reasons, for the "
    "head of school improvement. Written under the restricted folder only, never the published site.",
)
def support_category_list(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    paths = export_support_categories(Path(warehouse.duckdb_path), Path(warehouse.restricted_dir))
    for path in paths:
        context.log.info(f"wrote restricted {path}")
    return dg.MaterializeResult(metadata={path.suffix.lstrip("."): dg.MetadataValue.path(str(path)) for path in paths})


report_assets = [committee_report, support_category_list]
