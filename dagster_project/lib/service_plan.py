"""Service plan report (RESTRICTED): for the report term, what the service specification entitles each school to
against what the visits return records, by school and by link adviser, with the Ofsted-readiness list - the
principal adviser's view of the service. HTML, PDF and XLSX under the restricted folder only.

Reads rpt_service__delivery (one row per school: entitlement, delivery and each flag with its reason in words),
rpt_service__adviser_caseload (the same rows summed per link adviser) and rpt_inspection_briefing__readiness (the
schools overdue or due an inspection within two terms). Every rule is in the dbt models and their seeds; this
module only words and lays out what they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dagster_project.lib import rendering
from dagster_project.lib.inspection_briefing import READINESS_REQUIRED, READINESS_TABLE, readiness_values
from dagster_project.lib.report_data import load_data_sources, load_report_context, read_table
from dagster_project.lib.report_document import render_report
from dagster_project.lib.report_text import data_timestamp, format_date, is_missing, text
from dagster_project.lib.spreadsheets import write_xlsx

DELIVERY_TABLE = "rpt_service__delivery"
CASELOAD_TABLE = "rpt_service__adviser_caseload"
OUTPUT_SUBDIR = "service_plan"
ACADEMY_CATEGORY = "Academy (not categorised)"
DELIVERY_COLUMNS = (
    "urn",
    "school_name",
    "phase",
    "governance",
    "category_short_name",
    "report_term",
    "report_date",
    "judgement_status",
    "contacts_entitled",
    "contacts_due_to_date",
    "core_visits",
    "additional_visits",
    "monitoring_meetings",
    "contacts_counted",
    "under_delivered",
    "under_delivery_reason",
    "over_delivered",
    "over_delivery_reason",
    "core_visit_missing",
    "core_visit_reason",
    "monitoring_meetings_missing",
    "monitoring_meetings_reason",
    "register_reviews_missing",
    "register_reviews_reason",
    "flags_raised",
    "support_tier_status",
    "link_adviser",
)
CASELOAD_COLUMNS = (
    "link_adviser",
    "schools",
    "maintained_schools",
    "academies",
    "schools_on_register",
    "schools_judged",
    "contacts_due_to_date",
    "contacts_counted",
    "schools_under_delivered",
    "schools_over_delivered",
    "core_visits_missing",
    "monitoring_meetings_missing",
    "register_reviews_missing",
)
# Each shortfall flag of rpt_service__delivery and the column giving its reason in words, in the order shown.
SHORTFALLS = (
    ("under_delivered", "under_delivery_reason"),
    ("core_visit_missing", "core_visit_reason"),
    ("monitoring_meetings_missing", "monitoring_meetings_reason"),
    ("register_reviews_missing", "register_reviews_reason"),
)
RULES_NOTE = (
    "Entitlement follows the service specification: the contacts Table One gives each support category (every "
    "visit and meeting counts; a category of one or two visits a year is judged on the academic year to date, pro "
    "rata and rounded down), the SI4 core visit of up to half a day (autumn for primary schools, spring or summer "
    "for secondary schools), the SI6 keeping-in-touch visit for academies, SI12 monitoring meetings (termly for a "
    "maintained school causing concern, twice a term when judged inadequate) and SI9 reviews of the register "
    "twice a term. The term under way is judged pro rata to the report date. The category used is the school's "
    "current one. The rules are held as data (dbt seeds visit_entitlement_rules and support_categories) with the "
    "section of the specification each comes from."
)


@dataclass(frozen=True)
class ServicePlan:
    html: Path
    pdf: Path
    xlsx: Path
    term: str
    tables: dict[str, pd.DataFrame]  # as written to the spreadsheet, one sheet each


def build_service_plan(
    duckdb_path: Path, restricted_dir: Path, *, quarto_path: str | None = None, engine: rendering.Engine = "auto"
) -> ServicePlan:
    """Render the service plan for the report term to `<restricted_dir>/service_plan/service_plan_<term>.html`,
    `.pdf` and `.xlsx`."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        delivery = read_table(connection, DELIVERY_TABLE, DELIVERY_COLUMNS, "school_name, urn")
        caseload = read_table(connection, CASELOAD_TABLE, CASELOAD_COLUMNS, "caseload_order")
        readiness = read_table(connection, READINESS_TABLE, READINESS_REQUIRED, "due_by, school_name, urn")
        sources = load_data_sources(connection, restricted=True)  # restricted report: lists the LA returns
        report_context = load_report_context(connection, "la_name", "report_term", "term_end", "data_date")
    la_name, report_term = text(report_context["la_name"]), text(report_context["report_term"])
    report_date = delivery["report_date"].iloc[0] if len(delivery) else report_context["term_end"]
    values = {
        "title": f"RESTRICTED: service plan \u2014 {la_name}, {report_term}",
        "report_date": report_date,
        "date_words": "Visits to",
        "report_date_words": format_date(report_date),
        "la_name": la_name,
        "report_term": report_term,
        "sources_date": format_date(report_context["data_date"]),
        "rules_note": RULES_NOTE,
        "sources": sources,
        "disclosure": None,
        **delivery_values(delivery, report_term, report_date),
        "caseload_rows": caseload_rows(caseload),
        **readiness_values(readiness, report_term, report_date, report_context["data_date"]),
    }
    out_dir = Path(restricted_dir) / OUTPUT_SUBDIR
    stem = f"service_plan_{report_term.lower().replace(' ', '-')}"
    rendered = render_report(
        "service_plan.qmd",
        values,
        out_dir,
        stem,
        pdf_timestamp=data_timestamp(report_date),
        engine=engine,
        quarto_path=quarto_path,
    )
    tables = {
        "Shortfalls": values["shortfall_table"],
        "Caseloads": caseload_table(caseload),
        "Every school": school_table(delivery),
        "Ofsted readiness": values["readiness_table"],
    }
    xlsx = write_xlsx(out_dir / f"{stem}.xlsx", tables, title=values["title"])
    return ServicePlan(rendered.html, rendered.pdf, xlsx, report_term, tables)


def category(row: dict[str, Any]) -> str:
    return ACADEMY_CATEGORY if is_missing(row["category_short_name"]) else text(row["category_short_name"])


def shortfall_reasons(row: dict[str, Any]) -> list[str]:
    """The reason in words of each shortfall flag raised for the school."""
    return [text(row[reason]) for flag, reason in SHORTFALLS if bool(row[flag])]


def delivery_values(delivery: pd.DataFrame, report_term: str, report_date: Any) -> dict[str, Any]:
    """The summary sentence, the shortfall rows and every school's row."""
    records = delivery.to_dict("records")
    short = [row for row in records if shortfall_reasons(row)]
    judged = [row for row in records if str(row["judgement_status"]).startswith("judged")]
    counts = {flag: sum(bool(row[flag]) for row in records) for flag, _ in SHORTFALLS}
    over = sum(bool(row["over_delivered"]) for row in records)
    if not records:
        sentence = f"No school is open in {report_term}."
    elif not judged:
        sentence = (
            f"Delivery in {report_term} cannot be judged: {text(records[0]['judgement_status'])}. Load the visits "
            "return to judge it."
        )
    else:
        sentence = (
            f"Of the {len(judged)} schools whose delivery is judged for {report_term} (to "
            f"{format_date(report_date)}), {counts['under_delivered']} had fewer contacts than their category "
            f"entitles them to so far and {over} had more than their entitlement allows; the core or "
            f"keeping-in-touch visit is missing for {counts['core_visit_missing']}, monitoring meetings for "
            f"{counts['monitoring_meetings_missing']} and register reviews for {counts['register_reviews_missing']}."
        )
    intro = (
        f"{len(short)} school{'' if len(short) == 1 else 's'} had less than the entitlement in {report_term}, "
        "with what is missing in words."
        if short
        else f"No school had less than its entitlement in {report_term}."
    )
    shortfall_rows = [
        {
            "school_name": text(row["school_name"]),
            "urn": str(int(row["urn"])),
            "category": category(row),
            "link_adviser": adviser(row["link_adviser"]),
            "contacts_due": count(row["contacts_due_to_date"]),
            "contacts_counted": count(row["contacts_counted"]),
            "missing": " ".join(shortfall_reasons(row)),  # each reason is a sentence
        }
        for row in short
    ]
    school_rows = [
        {
            "school_name": text(row["school_name"]),
            "urn": str(int(row["urn"])),
            "category": category(row),
            "contacts_entitled": contacts(row["contacts_entitled"]),
            "contacts_due": count(row["contacts_due_to_date"]),
            "core": count(row["core_visits"]),
            "additional": count(row["additional_visits"]),
            "monitoring": count(row["monitoring_meetings"]),
            "contacts_counted": count(row["contacts_counted"]),
            "shortfall": "yes" if shortfall_reasons(row) else text(row["flags_raised"]),
        }
        for row in records
    ]
    shortfall_table = pd.DataFrame(
        [
            {
                "School": row["school_name"],
                "URN": int(row["urn"]),
                "Category": row["category"],
                "Link adviser": row["link_adviser"],
                "Contacts due so far": number(source["contacts_due_to_date"]),
                "Contacts counted": number(source["contacts_counted"]),
                "What is missing": row["missing"],
            }
            for row, source in zip(shortfall_rows, short, strict=True)
        ],
        columns=[
            "School",
            "URN",
            "Category",
            "Link adviser",
            "Contacts due so far",
            "Contacts counted",
            "What is missing",
        ],
    )
    return {
        "delivery_sentence": sentence,
        "shortfall_intro": intro,
        "shortfall_rows": shortfall_rows,
        "shortfall_table": shortfall_table,
        "school_rows": school_rows,
    }


def caseload_rows(caseload: pd.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "link_adviser": text(row["link_adviser"]),
            "schools": count(row["schools"]),
            "on_register": count(row["schools_on_register"]),
            "contacts_due": count(row["contacts_due_to_date"]),
            "contacts_counted": count(row["contacts_counted"]),
            "under_delivered": count(row["schools_under_delivered"]),
            "core_missing": count(row["core_visits_missing"]),
            "monitoring_missing": count(row["monitoring_meetings_missing"]),
            "reviews_missing": count(row["register_reviews_missing"]),
        }
        for row in caseload.to_dict("records")
    ]


def caseload_table(caseload: pd.DataFrame) -> pd.DataFrame:
    """The caseloads with numbers as numbers, for the spreadsheet."""
    headings = {
        "link_adviser": "Link adviser",
        "schools": "Schools",
        "maintained_schools": "Maintained schools",
        "academies": "Academies",
        "schools_on_register": "On the register",
        "schools_judged": "Delivery judged",
        "contacts_due_to_date": "Contacts due so far",
        "contacts_counted": "Contacts counted",
        "schools_under_delivered": "Under-delivered",
        "schools_over_delivered": "Over-delivered",
        "core_visits_missing": "Core visits missing",
        "monitoring_meetings_missing": "Monitoring meetings missing",
        "register_reviews_missing": "Register reviews missing",
    }
    return caseload[list(headings)].rename(columns=headings).reset_index(drop=True)


def school_table(delivery: pd.DataFrame) -> pd.DataFrame:
    """Every school's entitlement, delivery and each flag with its reason, numbers as numbers."""
    rows = []
    for row in delivery.to_dict("records"):
        rows.append(
            {
                "School": text(row["school_name"]),
                "URN": int(row["urn"]),
                "Phase": text(row["phase"]).replace("_", " "),
                "Governance": text(row["governance"]),
                "Category": category(row),
                "Link adviser": adviser(row["link_adviser"]),
                "Judged": text(row["judgement_status"]),
                "Contacts entitled": number(row["contacts_entitled"]),
                "Contacts due so far": number(row["contacts_due_to_date"]),
                "Core visits": number(row["core_visits"]),
                "Additional visits": number(row["additional_visits"]),
                "Monitoring meetings": number(row["monitoring_meetings"]),
                "Contacts counted": number(row["contacts_counted"]),
                "Flags": text(row["flags_raised"]),
                "Contacts": text(row["under_delivery_reason"]),
                "Over-delivery": text(row["over_delivery_reason"]),
                "Core or keeping-in-touch visit": text(row["core_visit_reason"]),
                "Monitoring meetings (SI12)": text(row["monitoring_meetings_reason"]),
                "Register reviews (SI9)": text(row["register_reviews_reason"]),
                "Regional tier": text(row["support_tier_status"]),
            }
        )
    return pd.DataFrame(rows)


def adviser(value: Any) -> str:
    return "not recorded" if is_missing(value) else text(value)


def number(value: Any) -> float | int | None:
    if is_missing(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def count(value: Any) -> str:
    return "" if is_missing(value) else f"{number(value):g}"


def contacts(value: Any) -> str:
    """Entitled contacts are fractional for a yearly category judged part-way through the year."""
    return "" if is_missing(value) else f"{float(value):.1f}".removesuffix(".0")
