"""Service plan report (RESTRICTED): for the report term, what the service specification entitles each school to
against what the visits return records, by school and by link adviser, the days and what they cost by partnership
and adviser, and the Ofsted-readiness list - the principal adviser's view of the service. HTML, PDF and XLSX under
the restricted folder only.

Reads rpt_service__delivery (one row per school: entitlement, delivery and each flag with its reason in words),
rpt_service__adviser_caseload (the same rows summed per link adviser), rpt_service__days_by_partnership and
rpt_service__days_by_adviser (the days-and-money ledger summed per partnership and per adviser, the term and the
academic year to date), rpt_service__partnership_moves (schools that changed partnership) and
rpt_inspection_briefing__readiness (the schools overdue or due an inspection within two terms). Every rule is in
the dbt models and their seeds; this module only words and lays out what they hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.inspection_briefing import READINESS_REQUIRED, READINESS_TABLE, readiness_values
from dagster_project.lib.reports.report_data import load_data_sources, load_report_context, read_table
from dagster_project.lib.reports.report_document import render_report
from dagster_project.lib.reports.report_text import Figure, data_timestamp, format_date, is_missing, text
from dagster_project.lib.reports.spreadsheets import write_xlsx
from dagster_project.lib.warehouse.reader import Warehouse, open_reader

DELIVERY_TABLE = "rpt_service__delivery"
CASELOAD_TABLE = "rpt_service__adviser_caseload"
DAYS_BY_PARTNERSHIP_TABLE = "rpt_service__days_by_partnership"
DAYS_BY_ADVISER_TABLE = "rpt_service__days_by_adviser"
MOVES_TABLE = "rpt_service__partnership_moves"
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
# The amounts of the days-and-costs summaries (term, then academic year to date) and their headings.
DAYS_AMOUNTS = {
    "planned_days": "Days planned",
    "delivered_days": "Days delivered",
    "delivered_cost_gbp": "Cost of days delivered (£)",
    "delivered_days_year_to_date": "Days delivered, year to date",
    "delivered_cost_gbp_year_to_date": "Cost, year to date (£)",
    "traded_days_year_to_date": "Traded days, year to date",
    "traded_income_gbp_year_to_date": "Traded income, year to date (£)",
}
DAYS_REQUIRED = ("display_order", "is_report_term", "academic_year", "term_name", "schools", *DAYS_AMOUNTS)
MOVES_REQUIRED = ("urn", "school_name", "from_partnership", "to_partnership", "moved_on")
DAYS_FORMAT = "#,##0.00"
MONEY_FORMAT = "£#,##0"
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
    "current one. The rules are held as data in the warehouse, each with the section of the specification it "
    "comes from."
)


@dataclass(frozen=True)
class ServicePlan:
    html: Path
    pdf: Path
    xlsx: Path
    term: str
    tables: dict[str, pd.DataFrame]  # as written to the spreadsheet, one sheet each


def build_service_plan(
    warehouse: Warehouse | Path,
    restricted_dir: Path,
    *,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
) -> ServicePlan:
    """Render the service plan for the report term to `<restricted_dir>/service_plan/service_plan_<term>.html`,
    `.pdf` and `.xlsx`."""
    with open_reader(warehouse) as connection:
        delivery = read_table(connection, DELIVERY_TABLE, DELIVERY_COLUMNS, "school_name, urn")
        caseload = read_table(connection, CASELOAD_TABLE, CASELOAD_COLUMNS, "caseload_order")
        readiness = read_table(connection, READINESS_TABLE, READINESS_REQUIRED, "due_by, school_name, urn")
        report_term_only = {"where": "is_report_term", "required": DAYS_REQUIRED, "order_by": "display_order"}
        by_partnership = read_table(connection, DAYS_BY_PARTNERSHIP_TABLE, **report_term_only)
        by_adviser = read_table(connection, DAYS_BY_ADVISER_TABLE, **report_term_only)
        moves = read_table(connection, MOVES_TABLE, MOVES_REQUIRED, "moved_on, school_name, urn")
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
        "partnership_days": days_table(by_partnership, "partnership", "Partnership"),
        "adviser_days": days_table(by_adviser, "adviser", "Adviser"),
        "days_sentence": days_sentence(by_partnership, report_term, report_date),
        "moves": move_sentences(moves),
        **readiness_values(readiness, report_term, report_date, report_context["data_date"]),
        "before_term_end_sentence": before_term_end_sentence(readiness, report_term, report_context["term_end"]),
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
        "Days by partnership": values["partnership_days"],
        "Days by adviser": values["adviser_days"],
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
        "schools_under_delivered": "Short of contacts",
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


def before_term_end_sentence(readiness: pd.DataFrame, report_term: str, term_end: Any) -> str:
    """How many listed schools Ofsted could inspect before the report term ends: their likely window has opened by
    then (or they are overdue) - the principal adviser's 'who will be inspected before Easter'."""
    if readiness.empty:
        return ""
    opens = pd.to_datetime(readiness["likely_from"])
    listed = int((opens <= pd.Timestamp(term_end)).sum())
    verb = "is" if listed == 1 else "are"
    return (
        f"{listed} of them {verb} likely to be inspected before {report_term} ends on {format_date(term_end)}: "
        "their window opens by then."
    )


def days_table(summary: pd.DataFrame, column: str, heading: str) -> pd.DataFrame:
    """The report term's days and costs per partnership or adviser, with a total row; each figure keeps its number
    (days to two places, pounds to the pound) for the spreadsheet and prints as shown. The total row counts schools
    only by partnership, where each school is in one row (an adviser's schools overlap)."""
    records = summary.to_dict("records")
    rows = [{heading: text(row[column]), "Schools": whole(row["schools"]), **_amounts(row)} for row in records]
    if rows:
        totals = summary[list(DAYS_AMOUNTS)].astype(float).sum().to_dict()  # a missing amount adds nothing
        schools = whole(sum(int(row["schools"]) for row in records)) if column == "partnership" else None
        rows.append({heading: "All", "Schools": schools, **_amounts(totals)})
    return pd.DataFrame(rows, columns=[heading, "Schools", *DAYS_AMOUNTS.values()], dtype=object)


def whole(value: Any) -> Figure:
    return Figure(f"{int(value):,}", int(value), "#,##0")


def _amounts(row: dict[str, Any]) -> dict[str, Figure | None]:
    return {heading: amount(name, row[name]) for name, heading in DAYS_AMOUNTS.items()}


def amount(name: str, value: Any) -> Figure | None:
    if is_missing(value):
        return None
    if name.startswith(("delivered_cost", "traded_income", "planned_cost")):
        pounds = math.floor(float(value) + 0.5)  # half a pound up, as money is rounded (round() goes to even)
        return Figure(f"{pounds:,}", pounds, MONEY_FORMAT)
    days = round(float(value), 2)
    return Figure(f"{days:,.2f}".removesuffix(".00"), days, DAYS_FORMAT)


def days_sentence(by_partnership: pd.DataFrame, report_term: str, report_date: Any) -> str:
    """What the service cost in the term and the year so far, from the partnership summary's totals."""
    if by_partnership.empty:
        return f"No days are planned or recorded for {report_term}."
    totals = by_partnership[list(DAYS_AMOUNTS)].astype(float).sum()  # a missing amount adds nothing
    shown = {name: amount(name, value) for name, value in totals.items()}
    academic_year = text(by_partnership["academic_year"].iloc[0])
    traded = (
        f"{shown['traded_days_year_to_date']} traded days brought in £{shown['traded_income_gbp_year_to_date']}"
        if totals["traded_days_year_to_date"]
        else "no traded days were sold"
    )
    return (
        f"In {report_term} to {format_date(report_date)} the service delivered {shown['delivered_days']} adviser "
        f"days (£{shown['delivered_cost_gbp']} at the notional daily rate) against {shown['planned_days']} planned "
        f"for the whole term. In {academic_year} to date it delivered {shown['delivered_days_year_to_date']} days "
        f"(£{shown['delivered_cost_gbp_year_to_date']}) and {traded}."
    )


def move_sentences(moves: pd.DataFrame) -> list[str]:
    """One sentence per school that changed partnership: its days count under each partnership in turn."""
    return [
        f"{text(row['school_name'])} (URN {int(row['urn'])}) moved from {text(row['from_partnership'])} to "
        f"{text(row['to_partnership'])} on {format_date(row['moved_on'])}: its days and costs count under "
        f"{text(row['from_partnership'])} before that date and under {text(row['to_partnership'])} from it."
        for row in moves.to_dict("records")
    ]


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
