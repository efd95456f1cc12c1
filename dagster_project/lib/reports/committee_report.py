"""The termly committee report: read the rpt_committee__* tables, fill committee_report.qmd, render it.

Published output, so no school is named except in the inspections table (Ofsted reports are public). Every
figure is formatted here (pandas), so the template only places text, and every value is markdown-escaped on
its way into the document: a school called `<script>` prints as text. The same data gives byte-identical HTML
and PDF: the only date in either is the data date (term end), which also fixes the PDF creation date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.category_movement import CategoryMovement, load_category_movement
from dagster_project.lib.reports.disclosure_control import DisclosureRule, control, load_rule
from dagster_project.lib.reports.la_comparators import Comparators, load_comparators, load_comparisons
from dagster_project.lib.reports.report_calendar import ReportingTerm, term_containing
from dagster_project.lib.reports.report_charts import Series, axis_label, line_chart
from dagster_project.lib.reports.report_data import (
    CONTEXT_TABLE,
    DataSource,
    ReportDataError,
    load_coverage,
    load_data_sources,
    read_table,
)
from dagster_project.lib.reports.report_document import fill_template
from dagster_project.lib.reports.report_text import (
    NO_DATA,
    NOT_PUBLISHED,
    TREND_WORDS,
    format_count,
    format_date,
    format_difference,
    format_measure,
    is_missing,
    is_not_published,
    markdown_escape,
    unit_format,
    with_grade,
)
from dagster_project.lib.reports.report_text import data_timestamp as _data_timestamp
from dagster_project.lib.reports.report_text import reason_of as _reason
from dagster_project.lib.reports.report_text import rounded as _rounded
from dagster_project.lib.reports.report_text import signed as _signed
from dagster_project.lib.reports.report_text import temporary_qmd as _temporary_qmd
from dagster_project.lib.reports.report_text import text as _text
from dagster_project.lib.warehouse.reader import Warehouse, open_reader

TEMPLATE_NAME = "committee_report.qmd"
OUTPUT_SUBDIR = "committee_report"

# The only place the report names rpt_ columns: table -> (required columns, ORDER BY).
# Optional `<value column>_reason` columns, where a model provides them, turn a NULL into a reason word.
RPT_TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    CONTEXT_TABLE: (
        (
            "la_code",
            "la_name",
            "report_term",
            "term_start",
            "term_end",
            "latest_academic_year",
            "sources",
            "schools_causing_concern_count",
        ),
        "la_code",
    ),
    "rpt_committee__la_headlines": (
        (
            "academic_year",
            "key_stage",
            "measure_code",
            "measure_name",
            "unit",
            "la_value",
            "national_value",
            "la_minus_national",
            "la_value_previous_year",
            "trend",
            "data_version",
        ),
        "key_stage, academic_year, measure_code",
    ),
    "rpt_committee__gap_headline": (
        (
            "academic_year",
            "key_stage",
            "measure_name",
            "la_disadvantaged_value",
            "national_other_value",
            "la_gap",
            "national_gap",
        ),
        "key_stage, academic_year",
    ),
    "rpt_committee__attendance": (
        (
            "academic_year",
            "phase_name",
            "la_overall_absence_pct",
            "national_overall_absence_pct",
            "la_persistent_absence_pct",
            "national_persistent_absence_pct",
            "schools_with_figures",
            "schools_well_above_national",
            "schools_rising",
            "above_national_threshold_pts",
            "rising_threshold_pts",
        ),
        "academic_year, phase_order",
    ),
    "rpt_committee__suspensions": (
        (
            "academic_year",
            "phase_name",
            "la_suspension_rate",
            "national_suspension_rate",
            "la_permanent_exclusion_rate",
            "national_permanent_exclusion_rate",
            "schools_twice_national",
            "high_ratio",
        ),
        "academic_year, phase_order",
    ),
    "rpt_committee__ks5": (
        (
            "academic_year",
            "exam_cohort",
            "la_points_per_entry",
            "national_points_per_entry",
            "schools_with_value_added",
            "schools_significantly_below",
        ),
        "academic_year, cohort_order",
    ),
    "rpt_committee__inspections": (
        (
            "academic_year",
            "term_code",
            "urn",
            "school_name",
            "publication_date",
            "overall_effectiveness_label",
            "previous_effectiveness_label",
            "movement",
        ),
        "publication_date, school_name, urn",
    ),
    "rpt_committee__category_distribution": (
        (
            "support_category",
            "category_name",
            "category_rank",
            "school_count",
            "min_contacts_per_year",
            "planned_contacts_per_term_total",
        ),
        "category_rank, support_category",
    ),
    "rpt_committee__la_aims": (
        (
            "aim_code",
            "aim",
            "aim_order",
            "measure_name",
            "unit",
            "period",
            "la_value",
            "national_value",
            "la_rank",
            "las_ranked",
            "top_decile_rank",
            "is_top_decile",
        ),
        "aim_order",
    ),
    "rpt_committee__support_summary": (
        ("summary_group", "group_title", "item_order", "item", "school_count", "note"),
        "summary_group desc, item_order",
    ),
}


_CONTEXT = (CONTEXT_TABLE, *RPT_TABLES[CONTEXT_TABLE])


@dataclass(frozen=True)
class CommitteeTables:
    context: pd.DataFrame  # one row of rpt_report__context; its term is the report's term
    la_headlines: pd.DataFrame
    gap_headline: pd.DataFrame
    attendance: pd.DataFrame  # LA vs England absence by phase and year, with flag counts (rpt_committee__attendance)
    suspensions: pd.DataFrame  # LA vs England suspensions by phase and year (rpt_committee__suspensions)
    ks5: pd.DataFrame  # LA vs England 16 to 18 results by exam cohort and year (rpt_committee__ks5)
    inspections_this_term: pd.DataFrame  # rpt_committee__inspections of the report's term
    category_distribution: pd.DataFrame
    la_aims: pd.DataFrame  # the LA's aims: good or outstanding and top-10% ranks (rpt_committee__la_aims)
    support_summary: pd.DataFrame  # counts by tier and intervention criterion (rpt_committee__support_summary)
    term: ReportingTerm | None = None
    later_data_term: str | None = None  # the latest data's term, when the report is for an earlier term
    comparisons: pd.DataFrame | None = None  # rpt_report__la_comparisons: LA vs national, region, neighbours
    comparators: Comparators | None = None
    sources: tuple[DataSource, ...] = ()
    movement: CategoryMovement | None = None
    coverage: tuple[str, ...] = ()  # report_data.load_coverage: years loaded / not published / not loaded


@dataclass(frozen=True)
class CommitteeReport:
    html: Path
    pdf: Path
    report_term: str
    engine: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # published tables, as shown (xlsx downloads)


@dataclass(frozen=True)
class CommitteeDocument:
    text: str
    charts: dict[str, str]
    tables: dict[str, pd.DataFrame]


def build_committee_report(
    warehouse: Warehouse | Path,
    published_dir: Path,
    *,
    term: ReportingTerm | None = None,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
    rule: DisclosureRule | None = None,
) -> CommitteeReport:
    """Read the warehouse (read-only), render the report for `term` (default: the term of the latest data,
    rpt_report__context) and write `<published_dir>/committee_report/committee_report_<2025-26-autumn>.html` and `.pdf`.

    The support-category movement since the last recorded term (counts only) is shown in the report for the term
    of the latest data: today's categories are not an earlier term's."""
    tables = load_committee_tables(warehouse, term=term)
    context = _single_context_row(tables.context)
    document = committee_document(tables, rule or load_rule())
    stem = f"committee_report_{tables.term.partition_key}"
    with _temporary_qmd(document.text, stem) as qmd_path:
        for name, svg in document.charts.items():
            (qmd_path.parent / name).write_text(svg, encoding="utf-8")
        rendered = rendering.render_qmd(
            qmd_path,
            Path(published_dir) / OUTPUT_SUBDIR,
            output_stem=stem,
            resources=[qmd_path.parent / name for name in document.charts],
            pdf_timestamp=_data_timestamp(context["term_end"]),
            engine=engine,
            quarto_path=quarto_path,
        )
    return CommitteeReport(
        html=rendered.html,
        pdf=rendered.pdf,
        report_term=str(context["report_term"]),
        engine=rendered.engine,
        tables=document.tables,
    )


def latest_data_term(warehouse: Warehouse | Path) -> ReportingTerm:
    """The reporting term of the latest data (rpt_report__context): the committee report `make run` writes."""
    with open_reader(warehouse) as connection:
        context = _single_context_row(read_table(connection, *_CONTEXT))
    return term_containing(pd.Timestamp(context["term_end"]).date())


def load_committee_tables(warehouse: Warehouse | Path, *, term: ReportingTerm | None = None) -> CommitteeTables:
    """Every table the report reads, through a read-only connection (lib/warehouse/reader.py).

    The report's term is the term of the latest data (rpt_report__context) unless `term` is given; the inspections
    are those published in that term. A term after the latest data's term is refused."""
    frames: dict[str, pd.DataFrame] = {}
    with open_reader(warehouse) as connection:
        for table, (required, order_by) in RPT_TABLES.items():
            try:
                frame = read_table(connection, table, required, order_by)
            except ReportDataError as error:
                raise ReportDataError(f"Committee report, warehouse '{warehouse}': {error}") from error
            frames[table.split("__", 1)[1]] = frame  # rpt_committee__la_headlines -> la_headlines
        context = _single_context_row(frames["context"])
        data_term_end = pd.Timestamp(context["term_end"]).date()
        later_data_term = None
        if term is None:
            term = term_containing(data_term_end)
        elif term.term_end != data_term_end:
            if term.term_start > data_term_end:
                raise ReportDataError(
                    f"Committee report for {term.term_name}: the warehouse holds data to {context['report_term']} "
                    "only (the term of the latest date its data covers). Load that term's data first."
                )
            later_data_term = str(context["report_term"])
            frames["context"] = frames["context"].assign(
                report_term=term.term_name, term_start=term.term_start, term_end=term.term_end
            )
        inspections = frames.pop("inspections")
        frames["inspections_this_term"] = inspections[
            (inspections["academic_year"] == term.academic_year) & (inspections["term_code"] == term.term_code)
        ].reset_index(drop=True)
        comparisons = load_comparisons(connection)
        comparators = load_comparators(connection)
        sources = tuple(load_data_sources(connection))
        coverage = tuple(load_coverage(connection))
        # Movement compares today's categories with last term's: only meaningful for the latest data's term.
        movement = load_category_movement(connection) if later_data_term is None else None
    return CommitteeTables(
        **frames,
        term=term,
        later_data_term=later_data_term,
        comparisons=comparisons,
        comparators=comparators,
        sources=sources,
        movement=movement,
        coverage=coverage,
    )


def render_committee_qmd(tables: CommitteeTables) -> str:
    """The filled-in Quarto document (markdown text); its charts are in committee_document()."""
    return committee_document(tables, load_rule()).text


def committee_document(tables: CommitteeTables, rule: DisclosureRule) -> CommitteeDocument:
    context = _single_context_row(tables.context)
    la_name = _text(context["la_name"])
    headline_tables = _headline_tables(tables.la_headlines, la_name)
    gap_rows = _gap_rows(tables.gap_headline, la_name)
    inspections = _inspections(tables.inspections_this_term, no_ofsted_data=_no_ofsted_data(context))
    categories = _categories(tables.category_distribution)
    aims = _aims(tables.la_aims, la_name)
    support = _support_summary(tables.support_summary)
    trends = trend_tables(tables.comparisons, la_name, rule, tables.la_headlines)
    movement = (
        {
            "movement_summary": "Movement between support categories is shown only in the report for the term of "
            f"the latest data ({tables.later_data_term}).",
            "movement_rows": [],
            "movement_cause_rows": [],
        }
        if tables.later_data_term
        else _movement(tables.movement, tables.category_distribution)
    )
    charts = {table["chart"]["file"]: table["chart"]["svg"] for table in trends if table["chart"]}
    values = {
        "title": f"Termly school improvement report \u2014 {la_name}, {_text(context['report_term'])}",
        # The data's own date, never the end of the term the report is for (Quarto formats the ISO date).
        "report_date": _data_date(context),
        "date_words": "Data to",
        "sources_date": format_date(_data_date(context)),
        "inspections_date_line": _inspections_date_line(context),
        "la_name": la_name,
        "la_code": _text(context["la_code"]),
        "report_term": _text(context["report_term"]),
        "term_start": format_date(context["term_start"]),
        "term_end": format_date(context["term_end"]),
        "latest_academic_year": _text(context["latest_academic_year"]),
        "later_data_note": _later_data_note(context["report_term"], tables.later_data_term),
        "headline_tables": headline_tables,
        "trend_tables": trends,
        "comparators_note": tables.comparators.neighbours_note(tables.comparisons) if tables.comparators else "",
        "region_name": (tables.comparators.region_name if tables.comparators else None) or "region",
        "region_note": tables.comparators.region_note(tables.comparisons) if tables.comparators else "",
        "gap_rows": gap_rows,
        "gap_summary": _gap_summary(tables.gap_headline, la_name),
        **_attendance(tables.attendance, la_name),
        **_suspensions(tables.suspensions, la_name),
        **_ks5(tables.ks5, la_name),
        **inspections,
        **categories,
        **aims,
        **support,
        **movement,
        "concern_sentence": _concern_sentence(context["schools_causing_concern_count"]),
        "sources": list(tables.sources) or _legacy_sources(context["sources"]),
        "coverage": list(tables.coverage),
        "disclosure": rule.statement(),
    }
    text = fill_template(TEMPLATE_NAME, values)
    return CommitteeDocument(text=text, charts=charts, tables=_published_tables(values, la_name))


# ---------------------------------------------------------------- sections


def _later_data_note(report_term: Any, later_data_term: str | None) -> str:
    if later_data_term is None:
        return ""
    term = _text(report_term)
    return (
        f"This report for {term} was produced after the term, from data to {later_data_term}: the inspections are "
        f"those published in {term}; attainment, support categories and the count of schools causing concern "
        "are from the latest data."
    )


def _data_date(context: dict[str, Any]) -> Any:
    """The latest date the data covers (rpt_report__context.data_date); the term end only for an older warehouse."""
    data_date = context.get("data_date")
    return context["term_end"] if is_missing(data_date) else data_date


def _inspections_date_line(context: dict[str, Any]) -> str:
    """'Inspection reports published to 16 February 2026.': the Ofsted file's own last publication, which can be
    well before the data date."""
    published_to = context.get("inspections_published_to")
    if not is_missing(published_to):
        return f"Inspection reports published to {format_date(published_to)}."
    return "No Ofsted inspection data is loaded."


def _single_context_row(report_context: pd.DataFrame) -> dict[str, Any]:
    if len(report_context) != 1:
        raise ReportDataError(f"{CONTEXT_TABLE} must have exactly one row; it has {len(report_context)}.")
    return report_context.to_dict("records")[0]


def _headline_tables(la_headlines: pd.DataFrame, la_name: str) -> list[dict[str, Any]]:
    """One table per key stage, for that key stage's latest academic year."""
    tables = []
    for key_stage, rows in la_headlines.groupby("key_stage", sort=True):
        latest_year = rows["academic_year"].max()
        latest_rows = rows[rows["academic_year"] == latest_year]
        if "headline_order" in latest_rows.columns:  # seed measure_dictionary.committee_headline_order
            latest_rows = latest_rows.sort_values("headline_order", kind="stable")
        latest = latest_rows.to_dict("records")
        table_rows = [_headline_row(row) for row in latest]
        tables.append(
            {
                "key_stage": key_stage,
                "academic_year": latest_year,
                "data_version": ", ".join(sorted({_text(row["data_version"]) for row in latest})),
                "summary": _headline_summary(latest, la_name, str(key_stage)),
                "rows": table_rows,
                "not_published": not_published_notes(la_headlines, str(key_stage), [latest_year]),
            }
        )
    return tables


def not_published_notes(la_headlines: pd.DataFrame, key_stage: str, years: list[str]) -> list[str]:
    """'Reading: progress score, Writing: progress score (2023-24): <reason from seed performance_table_availability>'
    for each year shown in which DfE did not publish a measure (rpt_committee__la_headlines.not_published_reason)."""
    if "not_published_reason" not in la_headlines.columns:
        return []
    shown = la_headlines[
        (la_headlines["key_stage"] == key_stage)
        & la_headlines["academic_year"].isin(years)
        & la_headlines["not_published_reason"].notna()
    ]
    if "headline_order" in shown.columns:
        shown = shown.sort_values(["academic_year", "headline_order"], kind="stable")
    notes = []
    for (year, reason), rows in shown.groupby(["academic_year", "not_published_reason"], sort=True):
        measures = ", ".join(dict.fromkeys(_text(name) for name in rows["measure_name"]))
        notes.append(f"{measures} ({year}): not published by the Department for Education. {reason}.")
    return notes


def _headline_row(row: dict[str, Any]) -> dict[str, str]:
    unit = row["unit"]
    trend = row["trend"]
    # A difference is NULL because one of its sides is: show that side's reason (e.g. 'suppressed').
    difference_reason = next(
        (
            r
            for r in (_reason(row, c) for c in ("la_minus_national", "la_value", "national_value"))
            if not is_missing(r)
        ),
        None,
    )
    return {
        "measure": _text(row["measure_name"]),
        "la_value": format_measure(row["la_value"], unit, _reason(row, "la_value")),
        "national_value": format_measure(row["national_value"], unit, _reason(row, "national_value")),
        "difference": format_difference(row["la_minus_national"], unit, difference_reason),
        "previous_value": format_measure(row["la_value_previous_year"], unit, _reason(row, "la_value_previous_year")),
        "trend": "no comparison" if is_missing(trend) else TREND_WORDS.get(str(trend).lower(), str(trend)),
    }


def _headline_summary(rows: list[dict[str, Any]], la_name: str, key_stage: str) -> str:
    differences = [_rounded(row["la_minus_national"], row["unit"]) for row in rows]
    compared = [d for d in differences if d is not None]
    if not compared:
        return f"No {key_stage} measure can be compared with national this year."
    above = sum(d > 0 for d in compared)
    below = sum(d < 0 for d in compared)
    level = len(compared) - above - below
    return (
        f"{la_name} was above national on {above} of {len(compared)} {key_stage} measures, "
        f"below on {below} and in line on {level}."
    )


def _gap_unit(row: dict[str, Any]) -> str:
    """rpt_committee__gap_headline has no unit column in the contract: use one if present, else infer."""
    if not is_missing(row.get("unit")):
        return str(row["unit"])
    if "progress" in _text(row["measure_name"]).lower():
        return "progress"
    return "percent" if str(row["key_stage"]).upper() == "KS2" else "score"


def _gap_rows(gap_headline: pd.DataFrame, la_name: str) -> list[dict[str, str]]:
    rows = []
    for row in gap_headline.to_dict("records"):
        unit = _gap_unit(row)
        formatted = {
            "key_stage": _text(row["key_stage"]),
            "academic_year": _text(row["academic_year"]),
            "measure": _text(row["measure_name"]),
            "la_disadvantaged_value": format_measure(
                row["la_disadvantaged_value"], unit, _reason(row, "la_disadvantaged_value")
            ),
            "national_other_value": format_measure(
                row["national_other_value"], unit, _reason(row, "national_other_value")
            ),
            "la_gap": format_difference(row["la_gap"], unit, _reason(row, "la_gap")),
            "national_gap": format_difference(row["national_gap"], unit, _reason(row, "national_gap")),
        }
        rows.append(formatted)
    return rows


def _gap_summary(gap_headline: pd.DataFrame, la_name: str) -> list[str]:
    """One sentence per key stage for its latest year comparing the LA's gap with the national gap; the table
    gives every year's figures. A year without both gaps says so rather than comparing 'no data'."""
    sentences = []
    for key_stage, rows in gap_headline.groupby("key_stage", sort=True):
        row = rows.sort_values("academic_year").iloc[-1].to_dict()
        unit = _gap_unit(row)
        decimals, suffix = unit_format(unit)
        points = " percentage points" if suffix == "%" else ""
        la_gap, national_gap = _rounded(row["la_gap"], unit), _rounded(row["national_gap"], unit)
        opening = f"In {row['academic_year']}, for {_text(row['measure_name'])} at {key_stage},"
        if la_gap is None or national_gap is None:
            sentences.append(f"{opening} the {la_name} and national gaps cannot both be compared this year.")
            continue
        difference = round(abs(la_gap) - abs(national_gap), decimals)
        gaps = (
            f"the {la_name} gap was {format_difference(la_gap, unit)}{points} against a national gap of "
            f"{format_difference(national_gap, unit)}{points}"
        )
        if difference == 0:
            sentences.append(f"{opening} {gaps}: the same size.")
        else:
            size = _signed(abs(difference), decimals, plus=False)
            unit_words = (" percentage point" if size == "1" else " percentage points") if points else ""
            direction = "narrower" if difference < 0 else "wider"
            sentences.append(f"{opening} {gaps}: {size}{unit_words} {direction}.")
    return sentences


def _recent_and_latest(frame: pd.DataFrame, years: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of the last `years` published academic years, and of the latest alone (each section's table and
    its sentences)."""
    recent_years = sorted(frame["academic_year"].unique())[-years:]
    latest = recent_years[-1] if recent_years else None
    return frame[frame["academic_year"].isin(recent_years)], frame[frame["academic_year"] == latest]


def _attendance(attendance: pd.DataFrame, la_name: str) -> dict[str, Any]:
    """The LA's absence by phase for the last three published years, and a sentence per phase for the latest."""
    recent, latest = _recent_and_latest(attendance)
    rows = [
        {
            "academic_year": _text(row["academic_year"]),
            "phase": _text(row["phase_name"]).capitalize(),
            "la_overall": format_measure(row["la_overall_absence_pct"], "percent", decimals=1),
            "national_overall": format_measure(row["national_overall_absence_pct"], "percent", decimals=1),
            "la_persistent": format_measure(row["la_persistent_absence_pct"], "percent", decimals=1),
            "national_persistent": format_measure(row["national_persistent_absence_pct"], "percent", decimals=1),
        }
        for row in recent.to_dict("records")
    ]
    summary = []
    for row in latest.to_dict("records"):
        flagged = []
        # The flags' thresholds come with the rows (seed data_risk_flags), so the words follow the rule.
        if row["schools_well_above_national"]:
            points = _signed(row["above_national_threshold_pts"], 0, plus=False)
            flagged.append(f"{_schools(row['schools_well_above_national'])} at least {points} points above England")
        if row["schools_rising"]:
            points = _signed(row["rising_threshold_pts"], 0, plus=False)
            flagged.append(
                f"{_schools(row['schools_rising'])} where it rose by at least {points} points in each of the last "
                "two years"
            )
        summary.append(
            f"In {row['academic_year']}, persistent absence in {la_name}'s {_text(row['phase_name'])} schools was "
            f"{format_measure(row['la_persistent_absence_pct'], 'percent', decimals=1)} against "
            f"{format_measure(row['national_persistent_absence_pct'], 'percent', decimals=1)} in England"
            + (f"; {' and '.join(flagged)}." if flagged else ".")
        )
    return {"attendance_rows": rows, "attendance_summary": summary}


def _suspensions(suspensions: pd.DataFrame, la_name: str) -> dict[str, Any]:
    """The LA's suspensions and permanent exclusions by phase for the last three published years, and a sentence
    per phase for the latest: its rate against England's and how many schools suspend twice England's rate."""
    recent, latest = _recent_and_latest(suspensions)

    def rate(value: Any, decimals: int) -> str:
        return format_measure(value, "points", decimals=decimals)

    rows = [
        {
            "academic_year": _text(row["academic_year"]),
            "phase": _text(row["phase_name"]).capitalize(),
            "la_suspensions": rate(row["la_suspension_rate"], 1),
            "national_suspensions": rate(row["national_suspension_rate"], 1),
            "la_exclusions": rate(row["la_permanent_exclusion_rate"], 2),
            "national_exclusions": rate(row["national_permanent_exclusion_rate"], 2),
        }
        for row in recent.to_dict("records")
    ]
    summary = []
    for row in latest.to_dict("records"):
        high = int(row["schools_twice_national"])
        summary.append(
            f"In {row['academic_year']}, {la_name}'s {_text(row['phase_name'])} schools made "
            f"{rate(row['la_suspension_rate'], 1)} suspensions per 100 pupils against "
            f"{rate(row['national_suspension_rate'], 1)} in England"
            + (f"; {_schools(high)} had at least {_times(row['high_ratio'])} England's rate." if high else ".")
        )
    return {"suspension_rows": rows, "suspension_summary": summary}


def _ks5(results: pd.DataFrame, la_name: str) -> dict[str, Any]:
    """The LA's 16 to 18 points per entry by exam cohort for the last three published years against England's, and
    a sentence per cohort for the latest year: how many school sixth forms' value added is significantly below."""
    recent, latest = _recent_and_latest(results)

    def points(value: Any, grade: Any) -> str:
        return with_grade(format_measure(value, "points"), grade, held_back=is_missing(value))

    rows = [
        {
            "academic_year": _text(row["academic_year"]),
            "cohort": _text(row["exam_cohort"]),
            "la": points(row["la_points_per_entry"], row.get("la_points_per_entry_grade")),
            "la_points": format_measure(row["la_points_per_entry"], "points"),
            "la_grade": _text(row.get("la_points_per_entry_grade")),
            "national": points(row["national_points_per_entry"], row.get("national_points_per_entry_grade")),
            "national_points": format_measure(row["national_points_per_entry"], "points"),
            "national_grade": _text(row.get("national_points_per_entry_grade")),
            "schools": format_count(row["schools_with_value_added"]),
            "below": format_count(row["schools_significantly_below"]),
        }
        for row in recent.to_dict("records")
    ]
    summary = []
    for row in latest.to_dict("records"):
        published, below = int(row["schools_with_value_added"]), int(row["schools_significantly_below"])
        if not published or is_missing(row["la_points_per_entry"]):
            continue
        summary.append(
            f"In {row['academic_year']}, {la_name}'s {_text(row['exam_cohort'])} students averaged "
            f"{format_measure(row['la_points_per_entry'], 'points')} points per entry against "
            f"{format_measure(row['national_points_per_entry'], 'points')} in England; "
            f"value added was significantly below average at {below} of the {published} school sixth "
            f"form{'' if published == 1 else 's'} with a published figure."
        )
    return {"ks5_rows": rows, "ks5_summary": summary}


def _times(ratio: Any) -> str:
    """2 -> 'twice', 3 -> 'three times', 1.5 -> '1.5 times' (the rule's multiple in words)."""
    words = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}
    value = float(ratio)
    return words[int(value)] if value.is_integer() and int(value) in words else f"{value:g} times"


def _schools(count: Any) -> str:
    return "one school" if int(count) == 1 else f"{int(count)} schools"


def _no_ofsted_data(context: dict[str, Any]) -> bool:
    """True when the warehouse holds no Ofsted data at all (not merely no reports this term)."""
    return "inspections_published_to" in context and is_missing(context["inspections_published_to"])


def _inspections(inspections: pd.DataFrame, *, no_ofsted_data: bool = False) -> dict[str, Any]:
    rows = [
        {
            "school_name": _text(row["school_name"]),
            "urn": format_count(row["urn"]).replace(",", ""),
            "publication_date": format_date(row["publication_date"]),
            "outcome": "not stated"
            if is_missing(row["overall_effectiveness_label"])
            else str(row["overall_effectiveness_label"]),
            "previous_outcome": "no previous inspection"
            if is_missing(row["previous_effectiveness_label"])
            else str(row["previous_effectiveness_label"]),
            "movement": "not applicable" if is_missing(row["movement"]) else str(row["movement"]),
        }
        for row in inspections.to_dict("records")
    ]
    if not rows and no_ofsted_data:
        return {
            "inspections_summary": "Inspection data is missing: no Ofsted management-information file has been "
            "loaded, so this report cannot say which inspections were published this term, and support categories "
            "treat every school as not yet inspected.",
            "inspection_rows": [],
        }
    if not rows:
        return {
            "inspections_summary": "No inspection reports were published this term.",
            "inspection_rows": [],
        }
    movements = inspections["movement"].fillna("not applicable").astype(str).value_counts()
    breakdown = ", ".join(f"{movement}: {count}" for movement, count in sorted(movements.items()))
    noun = "report was" if len(rows) == 1 else "reports were"
    return {
        "inspections_summary": f"{len(rows)} inspection {noun} published this term (movement {breakdown}).",
        "inspection_rows": rows,
    }


def _category_label(row: dict[str, Any]) -> str:
    """The category as readers see it: Table One's short name, never the internal code."""
    short = row.get("category_short_name")
    return _text(row["category_name"] if is_missing(short) else short)


def _categories(category_distribution: pd.DataFrame) -> dict[str, Any]:
    records = category_distribution.to_dict("records")
    rows = [
        {
            "category_name": _category_label(row),
            "school_count": format_count(row["school_count"]),
            "min_contacts_per_year": format_count(row["min_contacts_per_year"]),
            "planned_contacts": format_count(row["planned_contacts_per_term_total"]),
        }
        for row in records
    ]
    school_total = int(category_distribution["school_count"].fillna(0).sum())
    contact_total = int(category_distribution["planned_contacts_per_term_total"].fillna(0).sum())
    if not rows:
        summary = "No schools have been placed in a support category."
    else:
        summary = (
            f"{school_total:,} schools are placed in {len(rows)} support categories; "
            f"{contact_total:,} school improvement contacts are planned this term."
        )
    return {
        "category_summary": summary,
        "category_rows": rows,
        "category_totals": {"school_count": f"{school_total:,}", "planned_contacts": f"{contact_total:,}"},
    }


def _aims(la_aims: pd.DataFrame, la_name: str) -> dict[str, Any]:
    """The LA's stated aims against its figures: good or outstanding schools and pupils, and each headline measure's
    rank among all LAs (the aim: the top 10%)."""
    rows = []
    for row in la_aims.to_dict("records"):
        ranked = not is_missing(row["la_rank"]) and not is_missing(row["las_ranked"])
        rows.append(
            {
                "aim_code": str(row["aim_code"]),
                "measure": _text(row["measure_name"]),
                "period": _text(row["period"]),
                "la_value": format_measure(row["la_value"], row["unit"], row.get("value_reason")),
                "national_value": format_measure(row["national_value"], row["unit"]),
                "rank": f"{int(row['la_rank'])} of {int(row['las_ranked'])}" if ranked else "not ranked",
                "top_decile": "not ranked"
                if not ranked
                else (
                    "Yes"
                    if bool(row["is_top_decile"])
                    else f"No (top 10%: rank {int(row['top_decile_rank'])} or better)"
                ),
            }
        )
    good = [r for r in rows if r["aim_code"] == "good_or_outstanding"]
    results = [r for r in rows if r["aim_code"] == "top_decile_results"]
    sentences = []
    if good:
        sentences.append(
            "Every child in a good or outstanding school: "
            + "; ".join(
                f"{r['measure'].lower()} {r['la_value']} (England {r['national_value']}), rank {r['rank']}"
                for r in good
            )
            + f" local authorities ({good[0]['period']})."
        )
    if results:
        ranked = [r for r in results if r["rank"] != "not ranked"]
        in_top = sum(1 for r in ranked if r["top_decile"] == "Yes")
        sentences.append(
            f"Results in the top 10% nationally: {in_top} of the {len(ranked)} headline measures ranked place "
            f"{la_name} in the top 10% of local authorities."
        )
    return {
        "aims_summary": " ".join(sentences) or "The local authority's aims cannot be measured from this data.",
        "aim_rows": rows,
    }


def _support_summary(support_summary: pd.DataFrame) -> dict[str, Any]:
    """Counts by tier of the regional offer and by intervention criterion: no school is named."""

    def rows(group: str) -> list[dict[str, str]]:
        frame = support_summary[support_summary["summary_group"] == group]
        return [
            {
                "item": _text(row["item"]),
                "school_count": "not applied" if is_missing(row["school_count"]) else format_count(row["school_count"]),
                "note": "" if is_missing(row["note"]) else str(row["note"]),
            }
            for row in frame.to_dict("records")
        ]

    return {"tier_rows": rows("tier"), "intervention_rows": rows("intervention")}


def _concern_sentence(count: Any) -> str:
    if is_missing(count):
        return "The number of schools causing concern is not available."
    number = int(count)
    if number == 1:
        return "There is 1 school causing concern."
    return f"There are {number} schools causing concern."


def _legacy_sources(sources: Any) -> list[DataSource]:
    """Only for a warehouse without rpt_report__data_sources: the context's free-text list, one per line or ';'."""
    if is_missing(sources):
        return []
    text = str(sources).strip()
    parts = text.splitlines() if "\n" in text else text.split(";")
    names = [part.strip().lstrip("-*").strip() for part in parts if part.strip().lstrip("-*").strip()]
    return [DataSource(name, "not stated", "not stated", "not stated", "not recorded") for name in names]


# ---------------------------------------------------------------- trends and comparators

TREND_YEARS = 3
# The measure charted for each key stage (all pupils).
CHART_MEASURES = {"KS2": "ks2_rwm_expected_pct", "KS4": "ks4_attainment8_score"}


def trend_tables(
    comparisons: pd.DataFrame | None,
    la_name: str,
    rule: DisclosureRule,
    headlines: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """Per key stage: the LA's last three years of each headline measure (all pupils) and the latest year's
    national, region and statistical-neighbour figures, plus a trend chart of the key stage's main measure.
    A measure DfE did not publish that year reads "not published" in every column (LA, national, region,
    statistical neighbours), with the reason from `headlines` (rpt_committee__la_headlines) in a note.
    Measures are in the measure dictionary's order (headline_order, from seed measure_dictionary)."""
    if comparisons is None or comparisons.empty:
        return []
    tables = []
    everyone = comparisons[comparisons["pupil_group"] == "all"]
    order = _measure_order(headlines)
    for key_stage, rows in everyone.groupby("key_stage", sort=True):
        years = sorted(rows["academic_year"].unique())[-TREND_YEARS:]
        table_rows = []
        chart = None
        measures = sorted(rows.groupby("measure_code", sort=False), key=lambda item: (order.get(item[0], 1e9), item[0]))
        for measure_code, measure_rows in measures:
            by_year = {r["academic_year"]: r for r in measure_rows.to_dict("records")}
            latest = by_year.get(years[-1])
            unit = measure_rows["unit"].iloc[0]
            la_values = [_controlled_measure(by_year.get(year), unit, rule) for year in years]
            table_rows.append(
                {
                    "measure": _text(measure_rows["measure_name"].iloc[0]),
                    "years": la_values,
                    "national": _plain(latest, "national_value", unit),
                    "region": _plain(latest, "region_value", unit),
                    "neighbours": _plain(latest, "sn_value", unit),
                }
            )
            if measure_code == CHART_MEASURES.get(str(key_stage)):
                chart = _trend_chart(str(key_stage), measure_rows, years, la_name, unit, rule)
        tables.append(
            {
                "key_stage": str(key_stage),
                "years": years,
                "rows": table_rows,
                "chart": chart,
                "not_published": not_published_notes(headlines, str(key_stage), years) if headlines is not None else [],
            }
        )
    return tables


def _measure_order(headlines: pd.DataFrame | None) -> dict[str, float]:
    """measure_code -> position in seed measure_dictionary's committee headline order."""
    if headlines is None or "headline_order" not in headlines.columns:
        return {}
    ordered = headlines.dropna(subset=["headline_order"]).drop_duplicates("measure_code")
    return dict(zip(ordered["measure_code"], ordered["headline_order"].astype(float), strict=True))


def _controlled_measure(row: dict[str, Any] | None, unit: Any, rule: DisclosureRule) -> str:
    if row is None:
        return NO_DATA
    controlled = control(row["la_value"], row["la_pupils"], row["la_value_reason"], rule)
    if controlled.label:
        return controlled.label
    return format_measure(controlled.value, unit, row["la_value_reason"])


def _plain(row: dict[str, Any] | None, column: str, unit: Any) -> str:
    if row is None:
        return NO_DATA
    if is_not_published(row.get("la_value_reason")):
        # Not published is a fact about the measure and year, so region and neighbours are not published either.
        return NOT_PUBLISHED
    reason = row.get(f"{column}_reason")
    if column == "sn_value" and is_missing(row[column]):
        return "not available"
    return format_measure(row[column], unit, reason)


def _trend_chart(
    key_stage: str, rows: pd.DataFrame, years: list[str], la_name: str, unit: Any, rule: DisclosureRule
) -> dict[str, str]:
    by_year = {r["academic_year"]: r for r in rows.to_dict("records")}

    def values(column: str) -> list[float | None]:
        out: list[float | None] = []
        for year in years:
            row = by_year.get(year)
            if (
                row is None
                or is_missing(row[column])
                or column == "la_value"
                and control(row["la_value"], row["la_pupils"], None, rule).value is None
            ):
                out.append(None)
            else:
                out.append(float(row[column]))
        return out

    series = [Series(la_name, values("la_value")), Series("National", values("national_value"))]
    if any(v is not None for v in values("region_value")):
        series.append(Series("Region", values("region_value")))
    if any(v is not None for v in values("sn_value")):
        series.append(Series("Statistical neighbours", values("sn_value")))
    measure = _text(rows["measure_name"].iloc[0])
    decimals, suffix = unit_format(unit)

    def fmt(value: float) -> str:
        return f"{value:.{decimals}f}{suffix}"

    described = "; ".join(
        f"{one.label}: "
        + ", ".join(f"{year} {fmt(v) if v is not None else NO_DATA}" for year, v in zip(years, one.values, strict=True))
        for one in series
    )
    description = f"Line chart of {measure} for {key_stage}, {years[0]} to {years[-1]}. {described}."
    title = f"{key_stage}: {measure}, {years[0]} to {years[-1]}"
    return {
        "file": f"trend_{key_stage.lower()}.svg",
        "svg": line_chart(title, description, years, series, axis_label(unit), fmt, unit=unit),
        "caption": title,
        "alt": description,
    }


# ---------------------------------------------------------------- category movement


def _movement(movement: CategoryMovement | None, category_distribution: pd.DataFrame) -> dict[str, Any]:
    names = {row["support_category"]: _category_label(row) for row in category_distribution.to_dict("records")}
    if movement is None or movement.previous_term_end is None:
        return {
            "movement_summary": "No support categories were recorded for an earlier term, so movement since last "
            "term cannot be shown yet; this term's categories have been recorded for the next report.",
            "movement_rows": [],
            "movement_cause_rows": [],
        }
    rows = [
        {
            "category": _text(names.get(row["support_category"], row["support_category"])),
            "previous": format_count(row["previous_count"]),
            "current": format_count(row["current_count"]),
            "joined": format_count(row["schools_joined"]),
            "left": format_count(row["schools_left"]),
        }
        for row in movement.rows.to_dict("records")
    ]
    causes = [] if movement.causes is None else movement.causes.to_dict("records")
    return {
        "movement_summary": (
            f"Since the categories recorded for the term ending {format_date(movement.previous_term_end)}, "
            f"{movement.moved_to_more_support} school{'' if movement.moved_to_more_support == 1 else 's'} moved "
            "to a category with more support, "
            f"{movement.moved_to_less_support} to a category with less support, and "
            f"{movement.unchanged} stayed in the same category."
        ),
        "movement_rows": rows,
        "movement_cause_rows": [
            {"cause": str(row["cause"]).capitalize(), "schools": format_count(row["schools"])} for row in causes
        ],
    }


# ---------------------------------------------------------------- published tables (xlsx downloads)


def _download(rows: list[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    """A report table as its download: one column per heading, filled from the row key it names, cells as the
    report prints them (figures keep their numbers for the spreadsheet)."""
    return pd.DataFrame(
        [{heading: row[key] for heading, key in columns.items()} for row in rows], columns=list(columns), dtype=object
    )


def _published_tables(values: dict[str, Any], la_name: str) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for table in values["headline_tables"]:
        tables[f"Headlines {table['key_stage']} {table['academic_year']}"] = _download(
            table["rows"],
            {
                "Measure": "measure",
                la_name: "la_value",
                "National": "national_value",
                "Difference from national": "difference",
                f"{la_name} previous year": "previous_value",
                "Trend since previous year": "trend",
            },
        )
    for table in values["trend_tables"]:
        latest = table["years"][-1]
        rows = [{**row, **dict(zip(table["years"], row["years"], strict=True))} for row in table["rows"]]
        tables[f"Trends {table['key_stage']}"] = _download(
            rows,
            {
                "Measure": "measure",
                **{f"{la_name} {year}": year for year in table["years"]},
                f"National {latest}": "national",
                f"Region {latest}": "region",
                f"Statistical neighbours {latest}": "neighbours",
            },
        )
    # Each table in the report's order; a table whose section can be empty (no gap figures, no attendance, ...) is
    # downloaded only when it has rows, the inspections and support categories always.
    always_downloaded = {"Inspections this term", "Support categories"}
    sections = {
        "Narrowing the gap headline": (
            "gap_rows",
            {
                "Key stage": "key_stage",
                "Year": "academic_year",
                "Measure": "measure",
                f"Disadvantaged pupils in {la_name}": "la_disadvantaged_value",
                "Other pupils nationally": "national_other_value",
                f"{la_name} gap": "la_gap",
                "National gap": "national_gap",
            },
        ),
        "Attendance": (
            "attendance_rows",
            {
                "Year": "academic_year",
                "Phase": "phase",
                f"{la_name} overall absence": "la_overall",
                "England overall absence": "national_overall",
                f"{la_name} persistent absence": "la_persistent",
                "England persistent absence": "national_persistent",
            },
        ),
        "Suspensions": (
            "suspension_rows",
            {
                "Year": "academic_year",
                "Phase": "phase",
                f"{la_name} suspensions per 100 pupils": "la_suspensions",
                "England suspensions per 100 pupils": "national_suspensions",
                f"{la_name} permanent exclusions per 100 pupils": "la_exclusions",
                "England permanent exclusions per 100 pupils": "national_exclusions",
            },
        ),
        "16 to 18 results": (
            "ks5_rows",
            {
                "Year": "academic_year",
                "Exam cohort": "cohort",
                f"{la_name} points per entry": "la_points",
                f"{la_name} grade": "la_grade",
                "England points per entry": "national_points",
                "England grade": "national_grade",
                "Sixth forms with value added": "schools",
                "Significantly below average": "below",
            },
        ),
        "Inspections this term": (
            "inspection_rows",
            {
                "School": "school_name",
                "URN": "urn",
                "Report published": "publication_date",
                "Outcome": "outcome",
                "Previous outcome": "previous_outcome",
                "Movement": "movement",
            },
        ),
        "Support categories": (
            "category_rows",
            {
                "Support category": "category_name",
                "Schools": "school_count",
                "Minimum contacts per year": "min_contacts_per_year",
                "Planned contacts this term": "planned_contacts",
            },
        ),
        "Category movement": (
            "movement_rows",
            {
                "Support category": "category",
                "Schools last term": "previous",
                "Schools this term": "current",
                "Joined": "joined",
                "Left": "left",
            },
        ),
        "Why schools moved": ("movement_cause_rows", {"What changed": "cause", "Schools": "schools"}),
        "LA aims": (
            "aim_rows",
            {
                "Measure": "measure",
                "Period": "period",
                la_name: "la_value",
                "England": "national_value",
                "Rank among local authorities": "rank",
                "In the top 10%": "top_decile",
            },
        ),
    }
    for name, (key, columns) in sections.items():
        if name in always_downloaded or values[key]:
            tables[name] = _download(values[key], columns)
    support = [
        {"group": group, **row}
        for group, key in (
            ("Regional tiered support offer", "tier_rows"),
            ("Intervention identification", "intervention_rows"),
        )
        for row in values[key]
    ]
    tables["Support offer and intervention"] = _download(
        support, {"Group": "group", "Item": "item", "Schools": "school_count", "Note": "note"}
    )
    return tables


__all__ = [
    "CommitteeDocument",
    "CommitteeReport",
    "committee_document",
    "CommitteeTables",
    "RPT_TABLES",
    "ReportDataError",
    "build_committee_report",
    "format_date",
    "format_difference",
    "format_measure",
    "latest_data_term",
    "load_committee_tables",
    "markdown_escape",
    "render_committee_qmd",
]
