"""Schools causing concern register (RESTRICTED): each school's concerns, support, progress and actions, next
steps, lead professional, months on register and reviews this term, as HTML, PDF and XLSX under the restricted
folder only.

Reads fct_causing_concern_register (the LA's register returns) when the warehouse has it. Until the returns
are loaded, the register is built from the latest categorisation instead: the schools in a causing-concern
support category (Ofsted category of concern, or requires improvement with capacity not secure) in
fct_school_support_category, with the categorisation reasons as the key concerns. The report says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dagster_project.lib import rendering
from dagster_project.lib.report_data import load_data_sources, read_table, table_exists
from dagster_project.lib.report_document import render_report
from dagster_project.lib.report_text import data_timestamp, format_count, format_date, is_missing, text
from dagster_project.lib.spreadsheets import write_xlsx

REGISTER_TABLE = "fct_causing_concern_register"
FALLBACK_TABLE = "fct_school_support_category"
OUTPUT_SUBDIR = "causing_concern_register"
NOT_RECORDED = "not recorded (register returns not loaded)"
# Register fields (the LA returns' names) and their headings; also the field names the published-tree scan
# looks for.
REGISTER_FIELDS = {
    "school_name": "School",
    "urn": "URN",
    "date_added": "Date added",
    "key_concerns": "Key concerns",
    "support_offered": "Support offered",
    "progress_and_actions": "Progress and actions taken",
    "next_steps": "Next steps",
    "lead_professional": "Lead professional",
    "months_on_register": "Months on register",
    "reviews_this_term": "Reviews this term",
    "next_review_date": "Next review",
}


@dataclass(frozen=True)
class Register:
    html: Path
    pdf: Path
    xlsx: Path
    source: str  # the table the register was built from
    frame: pd.DataFrame  # as shown


def load_register(connection: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, str]:
    """The register rows with REGISTER_FIELDS columns, and the table they came from."""
    if table_exists(connection, REGISTER_TABLE):
        frame = read_table(connection, REGISTER_TABLE, ("urn", "date_added", "key_concerns"), "date_added, urn")
        names = connection.execute("select urn, school_name from dim_school").df()
        frame = frame.merge(names, on="urn", how="left") if "school_name" not in frame.columns else frame
        if "next_review_date" not in frame.columns and "next_review_due" in frame.columns:
            frame["next_review_date"] = frame["next_review_due"]
        if "next_review_date" not in frame.columns:
            review_columns = [c for c in frame.columns if "review" in c and "date" in c]
            frame["next_review_date"] = frame[review_columns].max(axis=1) if review_columns else None
        for column in REGISTER_FIELDS:
            if column not in frame.columns:
                frame[column] = None
        return frame[list(REGISTER_FIELDS)], REGISTER_TABLE
    frame = connection.execute(
        f"""
        select
            category.urn,
            school.school_name,
            category.category_name,
            category.min_contacts_per_year,
            category.min_contacts_per_term,
            category.reasons,
            category.categorised_as_at
        from {FALLBACK_TABLE} as category
        join dim_school as school using (urn)
        where category.is_causing_concern
        order by category.category_rank desc, school.school_name, category.urn
        """
    ).df()
    register = pd.DataFrame(
        {
            "school_name": frame["school_name"],
            "urn": frame["urn"],
            "date_added": None,
            "key_concerns": frame["reasons"],
            "support_offered": [
                f"{name}: at least {int(per_year)} contacts a year"
                for name, per_year in zip(frame["category_name"], frame["min_contacts_per_year"], strict=True)
            ],
            "progress_and_actions": None,
            "next_steps": None,
            "lead_professional": None,
            "months_on_register": None,
            "reviews_this_term": None,
            "next_review_date": None,
        }
    )
    return register, FALLBACK_TABLE


def build_register(
    duckdb_path: Path, restricted_dir: Path, *, quarto_path: str | None = None, engine: rendering.Engine = "auto"
) -> Register:
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        register, source = load_register(connection)
        sources = load_data_sources(connection, restricted=True)  # restricted report: lists the LA returns
        context = connection.execute(
            "select la_name, report_term, term_end from rpt_committee__report_context"
        ).fetchone()
    la_name, report_term, term_end = context
    shown = register_display(register)
    source_note = (
        "Built from the LA's register returns."
        if source == REGISTER_TABLE
        else "The LA's register returns have not been loaded yet, so this register lists the schools whose latest "
        "categorisation places them in a causing-concern category (Ofsted category of concern, or requires "
        "improvement with capacity to improve not secure), with the categorisation reasons as the key concerns. "
        "Fields only the returns hold say 'not recorded'."
    )
    values = {
        "title": f"RESTRICTED: schools causing concern register \u2014 {text(la_name)}, {text(report_term)}",
        "report_date": term_end,
        "date_words": "Data to",
        "la_name": text(la_name),
        "report_term": text(report_term),
        "sources_date": format_date(term_end),
        "source_note": source_note,
        "count": len(shown),
        "schools": shown.to_dict("records"),
        "sources": sources,
        "disclosure": None,
    }
    out_dir = Path(restricted_dir) / OUTPUT_SUBDIR
    stem = f"causing_concern_register_{str(report_term).lower().replace(' ', '-')}"
    rendered = render_report(
        "causing_concern_register.qmd",
        values,
        out_dir,
        stem,
        pdf_timestamp=data_timestamp(term_end),
        engine=engine,
        quarto_path=quarto_path,
    )
    xlsx = write_xlsx(out_dir / f"{stem}.xlsx", {"Register": shown.rename(columns=REGISTER_FIELDS)})
    return Register(rendered.html, rendered.pdf, xlsx, source, shown)


def register_display(register: pd.DataFrame) -> pd.DataFrame:
    def show(value: Any, kind: str = "text") -> str:
        if is_missing(value):
            return NOT_RECORDED
        if kind == "date":
            return format_date(value)
        if kind == "urn":
            return str(int(value))
        if kind == "count":  # a number in the xlsx
            return format_count(value)
        return text(value)

    kinds = {
        "urn": "urn",
        "date_added": "date",
        "months_on_register": "count",
        "reviews_this_term": "count",
        "next_review_date": "date",
    }
    return pd.DataFrame(
        {column: [show(v, kinds.get(column, "text")) for v in register[column]] for column in REGISTER_FIELDS},
        dtype=object,
    )
