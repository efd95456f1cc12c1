"""Report assets: each renders its Quarto document(s) from the rpt_ models it reads.

The committee report is partitioned by reporting term and the inspection briefing by month (their schedules and
jobs in defs/operations); the others follow the latest data and run in every refresh.

Published reports (committee report, inspection briefing, narrowing the gap, partnership summaries) go under the
published folder with an Excel download of each table; `published_site` writes the index and fails if the published
tree holds any restricted field name or value. Restricted outputs (register, booklets and academy profiles,
support-category list, service plan) go under the restricted folder only.
"""

from pathlib import Path

import dagster as dg

from dagster_project.defs.dbt.assets import WAREHOUSE_WRITER_POOL
from dagster_project.defs.partitions import briefing_month_partitions, reporting_term_partitions
from dagster_project.lib.quality.permissions import publish_tree
from dagster_project.lib.quality.published_scan import RESTRICTED_VALUE_COLUMNS, restricted_values, scan_published_tree
from dagster_project.lib.reports.booklets import build_booklets
from dagster_project.lib.reports.category_movement import MOVEMENT_TABLES, MOVES_TABLE
from dagster_project.lib.reports.causing_concern_register import REGISTER_TABLE, build_register
from dagster_project.lib.reports.committee_report import RPT_TABLES, build_committee_report
from dagster_project.lib.reports.gap_report import build_gap_report
from dagster_project.lib.reports.inspection_briefing import READINESS_TABLE, build_inspection_briefing
from dagster_project.lib.reports.la_comparators import COMPARATORS_TABLE, COMPARISONS_TABLE
from dagster_project.lib.reports.partnership_summaries import NO_GROUPINGS, SUMMARIES_TABLE, build_partnership_summaries
from dagster_project.lib.reports.report_calendar import reporting_term
from dagster_project.lib.reports.report_data import CONTEXT_TABLE, ReportDataError, load_report_context
from dagster_project.lib.reports.report_text import format_date
from dagster_project.lib.reports.restricted_exports import CATEGORIES_TABLE, SOURCE_TABLE, export_support_categories
from dagster_project.lib.reports.service_plan import CASELOAD_TABLE, DELIVERY_TABLE, build_service_plan
from dagster_project.lib.reports.site_builder import build_site
from dagster_project.lib.reports.xlsx_downloads import write_table_downloads
from dagster_project.lib.warehouse.reader import open_reader
from dagster_project.resources import WarehouseResource

SOURCES = dg.AssetKey("rpt_report__data_sources")
LA_MEASURES = dg.AssetKey("rpt_report__la_measures")
COMPARISONS = (dg.AssetKey(COMPARISONS_TABLE), dg.AssetKey(COMPARATORS_TABLE))


def _published_metadata(html: Path, pdf: Path, downloads: list[Path], engine: str) -> dict:
    return {
        "html": dg.MetadataValue.path(str(html)),
        "pdf": dg.MetadataValue.path(str(pdf)),
        # Clickable in the asset page: open the rendered report in the browser that runs the UI.
        "open_html": dg.MetadataValue.url(html.resolve().as_uri()),
        "open_pdf": dg.MetadataValue.url(pdf.resolve().as_uri()),
        "xlsx_downloads": len(downloads),
        "engine": engine,
    }


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    partitions_def=reporting_term_partitions,
    deps=[
        *(dg.AssetKey(table) for table in RPT_TABLES),
        SOURCES,
        *COMPARISONS,
        *(dg.AssetKey(table) for table in MOVEMENT_TABLES),
    ],
    kinds={"quarto", "html", "pdf", "xlsx"},
    description="Termly committee report (published), one partition per reporting term ('2025-26-autumn'): LA "
    "headlines against national, region and statistical neighbours with trends, the LA's aims (good or outstanding "
    "schools and pupils, top-10% ranks), inspections published in the term, support categories, counts by tier and "
    "intervention criterion, movement since last term with what moved schools, narrowing-the-gap headline, count of "
    "schools causing concern (no names). A term after the latest data is refused.",
)
def committee_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    term = reporting_term(context.partition_key)
    report = _or_failure(
        build_committee_report,
        warehouse.location,
        Path(warehouse.published_dir),
        term=term,
        quarto_path=warehouse.quarto_path,
    )
    if report is None:  # an LA that has not sent a groupings return yet: nothing to publish, nothing wrong
        context.log.warning(NO_GROUPINGS)
        return dg.MaterializeResult(metadata={"published": False, "reason": NO_GROUPINGS})
    downloads = write_table_downloads(report.tables, Path(warehouse.published_dir), report.html)
    publish_tree(Path(warehouse.published_dir))
    context.log.info(f"published {report.html} and {report.pdf} with {report.engine}")
    return dg.MaterializeResult(
        metadata={
            "report_term": report.report_term,
            **_published_metadata(report.html, report.pdf, downloads, report.engine),
        }
    )


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    partitions_def=briefing_month_partitions,
    deps=[
        dg.AssetKey("rpt_inspection_briefing__inspections"),
        dg.AssetKey("rpt_inspection_briefing__readiness"),
        SOURCES,
    ],
    kinds={"quarto", "html", "pdf", "xlsx"},
    tags={"report": "inspection_briefing"},
    description="Monthly inspection briefing for the Director of Children's Services (published), one partition "
    "per calendar month ('2026-01'): Ofsted reports published in the month, outcomes and movement, and the "
    "Ofsted-readiness list (schools whose next inspection is overdue or due within two terms of the latest data). A "
    "month the Ofsted data does not yet cover to its end is refused.",
)
def inspection_briefing(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    report = _or_failure(
        build_inspection_briefing,
        warehouse.location,
        Path(warehouse.published_dir),
        month=context.partition_key,
        quarto_path=warehouse.quarto_path,
    )
    if report is None:  # an LA that has not sent a groupings return yet: nothing to publish, nothing wrong
        context.log.warning(NO_GROUPINGS)
        return dg.MaterializeResult(metadata={"published": False, "reason": NO_GROUPINGS})
    downloads = write_table_downloads(report.tables, Path(warehouse.published_dir), report.html)
    publish_tree(Path(warehouse.published_dir))
    context.log.info(f"published {report.html} ({report.month})")
    return dg.MaterializeResult(
        metadata={"month": report.month, **_published_metadata(report.html, report.pdf, downloads, report.engine)}
    )


# Partitioned by period, so not in the refresh jobs (a job's assets share one partitioning); see defs/operations.
periodic_reports = dg.AssetSelection.assets(committee_report, inspection_briefing)


def _or_failure(build, *args, **kwargs):
    """A report the data cannot support (a term or month not yet covered) fails with the reason, not a traceback."""
    try:
        return build(*args, **kwargs)
    except ReportDataError as error:
        raise dg.Failure(description=str(error)) from error


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    deps=[
        dg.AssetKey("rpt_gap__school_gaps"),
        dg.AssetKey("rpt_gap__group_comparisons"),
        dg.AssetKey("rpt_gap__group_schools"),
        *COMPARISONS,
        SOURCES,
        dg.AssetKey("rpt_report__context"),
    ],
    kinds={"quarto", "html", "pdf", "xlsx"},
    description="Narrowing the gap (published, annual after summer data): disadvantaged pupils against national, "
    "region and statistical neighbours; schools with the widest and fastest-closing gaps; the gaps of the pupil "
    "groups the LA selects (SI_GAP_REPORT_GROUPS) and subjects (disclosure-controlled).",
)
def narrowing_the_gap_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    report = build_gap_report(
        warehouse.location,
        Path(warehouse.published_dir),
        quarto_path=warehouse.quarto_path,
        groups_setting=warehouse.gap_report_groups,
    )
    downloads = write_table_downloads(report.tables, Path(warehouse.published_dir), report.html)
    publish_tree(Path(warehouse.published_dir))
    context.log.info(f"published {report.html} ({report.academic_year})")
    return dg.MaterializeResult(
        metadata={
            "academic_year": report.academic_year,
            **_published_metadata(report.html, report.pdf, downloads, report.engine),
        }
    )


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    deps=[dg.AssetKey(SUMMARIES_TABLE), SOURCES, dg.AssetKey(CONTEXT_TABLE)],
    kinds={"quarto", "html", "pdf", "xlsx"},
    description="Partnership summaries (published, with each refresh): the LA's schools by partnership, cluster, "
    "learning network and district (quadrant) - latest results over each grouping's members at the end of the year, "
    "disadvantaged gaps and the Ofsted outcomes in force - as aggregates under disclosure control (fewer than 3 "
    "schools or 5 or fewer pupils: withheld with the reason). No school is named; link caseloads and support "
    "categories stay restricted.",
)
def partnership_summaries(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    report = _or_failure(
        build_partnership_summaries,
        warehouse.location,
        Path(warehouse.published_dir),
        quarto_path=warehouse.quarto_path,
    )
    if report is None:  # an LA that has not sent a groupings return yet: nothing to publish, nothing wrong
        context.log.warning(NO_GROUPINGS)
        return dg.MaterializeResult(metadata={"published": False, "reason": NO_GROUPINGS})
    downloads = write_table_downloads(report.tables, Path(warehouse.published_dir), report.html)
    publish_tree(Path(warehouse.published_dir))
    context.log.info(f"published {report.html} ({report.academic_year})")
    return dg.MaterializeResult(
        metadata={
            "academic_year": report.academic_year,
            **_published_metadata(report.html, report.pdf, downloads, report.engine),
        }
    )


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    deps=[
        committee_report,
        inspection_briefing,
        narrowing_the_gap_report,
        partnership_summaries,
        # The restricted tables whose values the scan looks for in the published tree.
        *(dg.AssetKey(table) for table in sorted({table for table, _, _ in RESTRICTED_VALUE_COLUMNS})),
    ],
    kinds={"html"},
    description="The published site: index page linking every published report and its Excel downloads. Fails if "
    "the published tree holds any restricted field name or value.",
)
def published_site(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with open_reader(warehouse.location) as connection:
        # The data's own latest date, not the end of the report's term.
        report_context = load_report_context(connection, "la_name", "data_date")
    index = build_site(
        Path(warehouse.published_dir), str(report_context["la_name"]), format_date(report_context["data_date"])
    )
    publish_tree(Path(warehouse.published_dir))
    findings = scan_published_tree(Path(warehouse.published_dir), restricted_values(warehouse.location))
    if findings:
        listed = "\n".join(str(finding) for finding in findings[:20])
        raise dg.Failure(f"Restricted data found in the published site {warehouse.published_dir}:\n{listed}")
    context.log.info(f"published site index {index}; restricted-data scan clean")
    return dg.MaterializeResult(metadata={"index": dg.MetadataValue.path(str(index)), "restricted_findings": 0})


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    deps=[dg.AssetKey(REGISTER_TABLE), SOURCES, dg.AssetKey(CONTEXT_TABLE)],
    kinds={"quarto", "html", "pdf", "xlsx"},
    description="RESTRICTED: schools causing concern register (concerns, support, progress, next steps, lead "
    "professional, months on register, reviews this term). Written under the restricted folder only.",
)
def causing_concern_register(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    register = build_register(warehouse.location, Path(warehouse.restricted_dir), quarto_path=warehouse.quarto_path)
    context.log.info(f"wrote restricted register {register.html} from {register.source}")
    return dg.MaterializeResult(
        metadata={
            "schools": len(register.frame),
            "built_from": register.source,
            "html": dg.MetadataValue.path(str(register.html)),
            "pdf": dg.MetadataValue.path(str(register.pdf)),
            "xlsx": dg.MetadataValue.path(str(register.xlsx)),
        }
    )


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    deps=[
        dg.AssetKey("rpt_booklet__schools"),
        dg.AssetKey("rpt_booklet__measures"),
        dg.AssetKey("rpt_booklet__context"),
        dg.AssetKey("rpt_booklet__inspection_history"),
        dg.AssetKey("rpt_gap__school_gaps"),
        LA_MEASURES,
        SOURCES,
        dg.AssetKey("rpt_booklet__targets"),
        dg.AssetKey(CONTEXT_TABLE),
    ],
    kinds={"quarto", "html", "pdf"},
    description="RESTRICTED until released: the desk-top analysis of every school (SI7) as HTML + PDF under the "
    "restricted folder - an Achievement and Target Setting Booklet per maintained school (booklets/<year>/) and, as "
    "the LA chooses with SI_ACADEMY_DESKTOP_ANALYSIS, a shorter profile per academy (profiles/<year>/, the default), "
    "the booklet, or nothing. Each kind renders together: one Quarto project call when Quarto is installed, else "
    "two at a time with pandoc + typst.",
)
def school_booklets(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    documents = build_booklets(warehouse.location, Path(warehouse.restricted_dir), quarto_path=warehouse.quarto_path)
    booklets = [one for one in documents if one.document == "booklet"]
    profiles = [one for one in documents if one.document == "profile"]
    folder = booklets[0].html.parent if booklets else Path(warehouse.restricted_dir)
    context.log.info(f"wrote {len(booklets)} restricted booklets to {folder}")
    metadata = {
        "booklets": len(booklets),
        "folder": dg.MetadataValue.path(str(folder)),
        "academy_desktop_analysis": warehouse.academy_desktop_analysis,
        "profiles": len(profiles),
    }
    if profiles:
        context.log.info(f"wrote {len(profiles)} restricted academy profiles to {profiles[0].html.parent}")
        metadata["profiles_folder"] = dg.MetadataValue.path(str(profiles[0].html.parent))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    deps=[
        dg.AssetKey(SOURCE_TABLE),
        dg.AssetKey(CATEGORIES_TABLE),
        dg.AssetKey(MOVES_TABLE),
    ],
    kinds={"csv", "xlsx"},
    description="RESTRICTED: every LA school's support decisions side by side - Table One category and visit "
    "entitlement, tier of the regional offer, intervention identification and years below the floor standard, "
    "each with its reasons in words, and what moved each school that changed category since last term - for the "
    "head of school improvement. Written under the restricted folder only, never the published site.",
)
def support_category_list(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    paths = export_support_categories(warehouse.location, Path(warehouse.restricted_dir))
    for path in paths:
        context.log.info(f"wrote restricted {path}")
    return dg.MaterializeResult(metadata={path.suffix.lstrip("."): dg.MetadataValue.path(str(path)) for path in paths})


@dg.asset(
    group_name="reports",
    pool=WAREHOUSE_WRITER_POOL,  # read-only, but DuckDB refuses any other process while one writes
    deps=[
        dg.AssetKey(DELIVERY_TABLE),
        dg.AssetKey(CASELOAD_TABLE),
        dg.AssetKey(READINESS_TABLE),
        SOURCES,
        dg.AssetKey(CONTEXT_TABLE),
    ],
    kinds={"quarto", "html", "pdf", "xlsx"},
    description="RESTRICTED: the service plan for the report term - each school's entitlement under the service "
    "specification against the visits recorded, the schools given less, each link adviser's caseload and the "
    "Ofsted-readiness list - for the principal adviser. Written under the restricted folder only.",
)
def service_plan(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    plan = build_service_plan(warehouse.location, Path(warehouse.restricted_dir), quarto_path=warehouse.quarto_path)
    context.log.info(f"wrote restricted service plan {plan.html}")
    return dg.MaterializeResult(
        metadata={
            "term": plan.term,
            "schools": len(plan.tables["Every school"]),
            "schools_short_of_entitlement": len(plan.tables["Shortfalls"]),
            "html": dg.MetadataValue.path(str(plan.html)),
            "pdf": dg.MetadataValue.path(str(plan.pdf)),
            "xlsx": dg.MetadataValue.path(str(plan.xlsx)),
        }
    )


report_assets = [
    committee_report,
    inspection_briefing,
    narrowing_the_gap_report,
    partnership_summaries,
    published_site,
    causing_concern_register,
    school_booklets,
    support_category_list,
    service_plan,
]
