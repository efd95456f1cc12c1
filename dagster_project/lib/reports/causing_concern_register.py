"""Schools causing concern register (RESTRICTED): each school's concerns, support, progress and actions, next
steps, lead professional, months on register and reviews this term, as HTML, PDF and XLSX under the restricted
folder only.

Reads rpt_causing_concern__register: the LA's register returns once one is loaded; until then the schools whose
latest categorisation is a causing-concern category (Ofsted category of concern, or requires improvement with
capacity not secure), with the categorisation reasons as the key concerns. The report says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.report_data import load_data_sources, load_report_context, read_table
from dagster_project.lib.reports.report_document import render_report
from dagster_project.lib.reports.report_text import data_timestamp, format_count, format_date, is_missing, text
from dagster_project.lib.reports.spreadsheets import write_xlsx
from dagster_project.lib.warehouse.reader import Warehouse, WarehouseReader, open_reader

REGISTER_TABLE = "rpt_causing_concern__register"
FROM_RETURNS = "register returns"  # rpt_causing_concern__register.built_from
REGISTER_RETURN_SOURCE = "LA return: causing concern register"  # its rpt_report__data_sources name
OUTPUT_SUBDIR = "causing_concern_register"
NOT_RECORDED = "not recorded"
NOT_RETURNED = "not recorded (register returns not loaded)"
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
    source: str  # what the register was built from: register returns or the latest categorisation
    frame: pd.DataFrame  # as shown


def load_register(connection: WarehouseReader) -> pd.DataFrame:
    """The register rows, REGISTER_FIELDS and built_from, in the register's order."""
    return read_table(connection, REGISTER_TABLE, (*REGISTER_FIELDS, "built_from"), "register_order")


def build_register(
    warehouse: Warehouse | Path,
    restricted_dir: Path,
    *,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
) -> Register:
    with open_reader(warehouse) as connection:
        register = load_register(connection)
        sources = load_data_sources(connection, restricted=True)  # restricted report: lists the LA returns
        report_context = load_report_context(connection, "la_name", "report_term", "term_end")
    la_name, report_term, term_end = (report_context[c] for c in ("la_name", "report_term", "term_end"))
    from_returns = any(source.source_name == REGISTER_RETURN_SOURCE for source in sources)
    shown = register_display(register, from_returns=from_returns)
    source_note = (
        "Built from the LA's register returns."
        if from_returns
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
    built_from = FROM_RETURNS if from_returns else "latest categorisation"
    return Register(rendered.html, rendered.pdf, xlsx, built_from, shown)


def register_display(register: pd.DataFrame, *, from_returns: bool) -> pd.DataFrame:
    def show(value: Any, kind: str = "text") -> str:
        if is_missing(value):
            return NOT_RECORDED if from_returns else NOT_RETURNED
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
