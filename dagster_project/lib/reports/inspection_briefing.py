"""Monthly inspection briefing for the Director of Children's Services (published): Ofsted reports published
in a calendar month ('2026-01', the asset's partition), their outcomes and the movement since each school's
previous inspection, and the Ofsted-readiness list - the schools whose next inspection is overdue or due within two
terms of the latest data. By default the month is the latest one the Ofsted data covers to its end. Reads
rpt_inspection_briefing__inspections, rpt_inspection_briefing__readiness and rpt_report__data_sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.report_data import (
    CONTEXT_TABLE,
    ReportDataError,
    load_data_sources,
    load_report_context,
    read_table,
    sources_for,
)
from dagster_project.lib.reports.report_document import render_report
from dagster_project.lib.reports.report_text import data_timestamp, format_count, format_date, is_missing, text
from dagster_project.lib.warehouse.reader import Warehouse, open_reader

TABLE = "rpt_inspection_briefing__inspections"
REQUIRED = (
    "publication_month",
    "urn",
    "school_name",
    "phase",
    "governance",
    "inspection_type",
    "publication_date",
    "overall_effectiveness_label",
    "category_of_concern_label",
    "previous_effectiveness_label",
    "movement",
)
READINESS_TABLE = "rpt_inspection_briefing__readiness"
READINESS_REQUIRED = (
    "forecast_as_at",
    "urn",
    "school_name",
    "has_own_inspection",
    "last_inspection_date",
    "last_inspection_kind_label",
    "outcome_in_force_label",
    "is_below_good",
    "due_timing",
    "likely_from",
    "due_by",
    "due_soon_by",
    "readiness_reasons",
    "interval_reason",
    "has_new_headteacher",
    "has_acting_headteacher",
)
OUTPUT_SUBDIR = "inspection_briefing"
# Movement words of int_ofsted_inspection_outcomes (shared with the committee report and the booklets), in the
# order the briefing counts them.
MOVEMENTS = (
    "improved",
    "unchanged",
    "declined",
    "remains good or better",
    "now good or better",
    "good or better, with concerns",
    "now below good",
    "remains below good",
    "first inspection",
    "no new judgement",
)


@dataclass(frozen=True)
class InspectionBriefing:
    html: Path
    pdf: Path
    month: str
    engine: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def default_month(ofsted_as_at: Any) -> str:
    """'YYYY-MM' of the latest calendar month the Ofsted data covers to its end: the briefing `make run` writes.

    Data as at 28 February 2026 covers February (its last day), so February's briefing; as at 16 February 2026,
    January's."""
    as_at = pd.Timestamp(ofsted_as_at)
    if as_at == as_at + pd.offsets.MonthEnd(0):
        return f"{as_at:%Y-%m}"
    previous = as_at.replace(day=1) - pd.Timedelta(days=1)
    return f"{previous:%Y-%m}"


def month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """'2026-01' -> (1 January 2026, 31 January 2026)."""
    try:
        start = pd.Timestamp(f"{month}-01")
    except ValueError:
        raise ReportDataError(f"briefing month {month!r} is not YYYY-MM") from None
    return start, start + pd.offsets.MonthEnd(0)


def ofsted_data_date(warehouse: Warehouse | Path) -> Any:
    with open_reader(warehouse) as connection:
        as_at = load_report_context(connection, "ofsted_as_at_date")["ofsted_as_at_date"]
    if is_missing(as_at):
        raise ReportDataError(f"warehouse '{warehouse}': {CONTEXT_TABLE} has no Ofsted data date (no Ofsted file)")
    return as_at


def build_inspection_briefing(
    warehouse: Warehouse | Path,
    published_dir: Path,
    *,
    month: str | None = None,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
) -> InspectionBriefing:
    """Render the briefing for `month` ('YYYY-MM'; default: the month before the Ofsted data date's month) to
    `<published_dir>/inspection_briefing/inspection_briefing_<month>.html` and `.pdf`."""
    ofsted_as_at = ofsted_data_date(warehouse)
    month = month or default_month(ofsted_as_at)
    month_start, month_end = month_bounds(month)
    if month_end > pd.Timestamp(ofsted_as_at):
        raise ReportDataError(
            f"Inspection briefing for {month_start:%B %Y}: the Ofsted data is as at {format_date(ofsted_as_at)}, "
            "before the month ends, so its reports may be missing. Load a later Ofsted file or choose an earlier month."
        )
    with open_reader(warehouse) as connection:
        inspections = read_table(connection, TABLE, REQUIRED, "publication_date, school_name, urn")
        readiness = read_table(connection, READINESS_TABLE, READINESS_REQUIRED, "due_by, school_name, urn")
        sources = sources_for(load_data_sources(connection), "Ofsted", "Get Information")
        la_name = load_report_context(connection, "la_name")["la_name"]
    in_month = inspections[pd.to_datetime(inspections["publication_month"]) == month_start]
    label = f"{month_start:%B %Y}"
    values = briefing_values(in_month, text(la_name), label, month_start, month_end, ofsted_as_at)
    values.update(readiness_values(readiness, label, month_end, ofsted_as_at))
    values["sources"] = sources
    rendered = render_report(
        "inspection_briefing.qmd",
        values,
        Path(published_dir) / OUTPUT_SUBDIR,
        f"inspection_briefing_{month}",
        pdf_timestamp=data_timestamp(ofsted_as_at),
        engine=engine,
        quarto_path=quarto_path,
    )
    tables = {"Inspections": values["table"], "Ofsted readiness": values["readiness_table"]}
    return InspectionBriefing(rendered.html, rendered.pdf, label, rendered.engine, tables)


def briefing_values(
    inspections: pd.DataFrame, la_name: str, month: str, month_start: Any, month_end: Any, ofsted_as_at: Any
) -> dict[str, Any]:
    rows = [
        {
            "school_name": text(row["school_name"]),
            "urn": str(int(row["urn"])),
            "phase": text(row["phase"]).replace("_", " "),
            "governance": text(row["governance"]),
            "inspection_type": text(row["inspection_type"]),
            "publication_date": format_date(row["publication_date"]),
            "outcome": text(row["overall_effectiveness_label"]),
            "category_of_concern": text(row["category_of_concern_label"]),
            "previous_outcome": text(row["previous_effectiveness_label"]),
            "movement": text(row["movement"]),
        }
        for row in inspections.to_dict("records")
    ]
    outcome_counts = inspections["overall_effectiveness_label"].value_counts()
    movement_counts = inspections["movement"].value_counts()
    concern = inspections[inspections["category_of_concern_label"].fillna("None") != "None"]
    if rows:
        noun = "report was" if len(rows) == 1 else "reports were"
        summary = (
            f"{len(rows)} Ofsted inspection {noun} published for {la_name} schools in {month}: "
            + ", ".join(
                f"{movement} {int(movement_counts[movement])}"
                for movement in MOVEMENTS
                if movement_counts.get(movement, 0)
            )
            + "."
        )
    else:
        summary = f"No Ofsted inspection reports were published for {la_name} schools in {month}."
    concern_sentence = (
        f"{len(concern)} of these placed a school in a category of concern (special measures, serious weaknesses "
        "or requires significant improvement)."
        if len(concern)
        else "None of these placed a school in a category of concern."
    )
    table = pd.DataFrame(
        [
            {
                "School": r["school_name"],
                "URN": r["urn"],
                "Phase": r["phase"],
                "Governance": r["governance"],
                "Inspection type": r["inspection_type"],
                "Report published": r["publication_date"],
                "Outcome": r["outcome"],
                "Category of concern": r["category_of_concern"],
                "Previous outcome": r["previous_outcome"],
                "Movement": r["movement"],
            }
            for r in rows
        ],
        dtype=object,
    )
    return {
        "title": f"Monthly inspection briefing \u2014 {la_name}, {month}",
        "report_date": ofsted_as_at,
        "date_words": "Ofsted data as at",
        "la_name": la_name,
        "month": month,
        "month_start": format_date(month_start),
        "month_end": format_date(month_end),
        "sources_date": format_date(ofsted_as_at) if not is_missing(ofsted_as_at) else "not stated",
        "summary": summary,
        "concern_sentence": concern_sentence,
        "outcome_rows": [{"outcome": str(k), "count": format_count(v)} for k, v in outcome_counts.items()],
        "movement_rows": [{"movement": m, "count": format_count(movement_counts.get(m, 0))} for m in MOVEMENTS],
        "rows": rows,
        "table": table,
        "disclosure": None,
    }


def _headteacher_sentence(readiness: pd.DataFrame) -> str:
    """How many schools on the list have a new headteacher since their last inspection, or an acting one (GIAS)."""
    new = int(readiness["has_new_headteacher"].astype(bool).sum())
    acting = int(readiness["has_acting_headteacher"].astype(bool).sum())
    parts = [
        f"{count} {'has' if count == 1 else 'have'} {what}"
        for count, what in (
            (new, f"a new headteacher since {'its' if new == 1 else 'their'} last inspection"),
            (acting, "an acting headteacher"),
        )
        if count
    ]
    return f" GIAS shows that {' and '.join(parts)}." if parts else ""


def readiness_values(readiness: pd.DataFrame, month: str, month_end: Any, ofsted_as_at: Any) -> dict[str, Any]:
    """The Ofsted-readiness section: the schools whose next inspection is overdue or due within two terms
    (rpt_inspection_briefing__readiness), soonest due first, with a sentence saying how many and why, or that none
    is due. The list is worked out for the latest data, so a briefing for an earlier month says so."""
    ordered = readiness.assign(_due=pd.to_datetime(readiness["due_by"])).sort_values(
        ["_due", "school_name", "urn"], kind="stable"
    )
    as_at = ordered["forecast_as_at"].iloc[0] if len(ordered) else ofsted_as_at
    rows = []
    for row in ordered.to_dict("records"):
        own = bool(row["has_own_inspection"])
        last = (
            f"{format_date(row['last_inspection_date'])}, {text(row['last_inspection_kind_label'])}"
            if own
            else "Not yet inspected"
        )
        judgement = text(row["outcome_in_force_label"])
        if not own and not is_missing(row["last_inspection_date"]):
            judgement = f"{judgement} (the school it replaced)"
        rows.append(
            {
                "school_name": text(row["school_name"]),
                "urn": str(int(row["urn"])),
                "last_inspection": last,
                "judgement": judgement,
                "below_good": "Yes" if bool(row["is_below_good"]) else "No",
                "likely_from": format_date(row["likely_from"]),
                "due_by": format_date(row["due_by"]),
                "reasons": f"{text(row['readiness_reasons'])} {text(row['interval_reason'])}",
            }
        )
    overdue = int((ordered["due_timing"] == "overdue").sum())
    due_soon = len(rows) - overdue
    if rows:
        due_soon_by = format_date(ordered["due_soon_by"].iloc[0])
        noun = "school is" if len(rows) == 1 else "schools are"
        below_good = int(ordered["is_below_good"].astype(bool).sum())
        not_inspected = int((~ordered["has_own_inspection"].astype(bool)).sum())
        was = "was" if below_good == 1 else "were"
        new_schools = (
            f", and {not_inspected} {'has' if not_inspected == 1 else 'have'} not been inspected since opening"
            if not_inspected
            else ""
        )
        sentence = (
            f"{len(rows)} {noun} on the list as at {format_date(as_at)}: {overdue} overdue and {due_soon} due "
            f"within two terms (by {due_soon_by}). {below_good} of them {was} last judged below good{new_schools}."
            f"{_headteacher_sentence(ordered)}"
        )
    else:
        sentence = f"As at {format_date(as_at)}, no school's next Ofsted inspection is overdue or due within two terms."
    earlier_month = not is_missing(as_at) and pd.Timestamp(month_end) < pd.Timestamp(as_at)
    as_at_note = (
        f"The list is worked out from the latest data, as at {format_date(as_at)}, not from the end of {month}."
        if earlier_month
        else ""
    )
    table = pd.DataFrame(
        [
            {
                "School": r["school_name"],
                "URN": r["urn"],
                "Last inspected": r["last_inspection"],
                "Judgement in force": r["judgement"],
                "Below good": r["below_good"],
                "Likely from": r["likely_from"],
                "Due by": r["due_by"],
                "Reasons": r["reasons"],
            }
            for r in rows
        ],
        columns=[
            "School",
            "URN",
            "Last inspected",
            "Judgement in force",
            "Below good",
            "Likely from",
            "Due by",
            "Reasons",
        ],
        dtype=object,
    )
    return {
        "readiness_rows": rows,
        "readiness_sentence": sentence,
        "readiness_as_at_note": as_at_note,
        "readiness_table": table,
    }
