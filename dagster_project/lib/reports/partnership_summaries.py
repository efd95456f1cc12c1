"""Partnership summaries (published, with each refresh): the LA's schools summarised by the groupings the council
uses - partnerships, clusters, learning networks and districts (its quadrants) - from rpt_grouping__summaries.

Aggregates only: no school is named, no support category is counted, and link caseloads are never read (the rpt
model holds the published grouping types only). Results are for the latest academic year, over the schools that
were members on its last day; inspection outcomes are those in force on the report date, over today's members.
Disclosure control is done in dbt (seed grouping_disclosure_rules: fewer than 3 schools, or 5 or fewer pupils);
the project-wide rule (reports/disclosure_control.yml, and its SI_SUPPRESSION_MAX_PUPILS override) is applied again
here to every figure about pupils, so a stricter threshold set for a run holds on this page too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.disclosure_control import DisclosureRule, control, load_rule
from dagster_project.lib.reports.report_data import (
    ReportDataError,
    load_data_sources,
    load_report_context,
    read_table,
    sources_for,
)
from dagster_project.lib.reports.report_document import render_report
from dagster_project.lib.reports.report_text import (
    NO_DATA,
    data_timestamp,
    format_count,
    format_date,
    format_difference,
    format_measure,
    is_missing,
    text,
)
from dagster_project.lib.warehouse.reader import Warehouse, open_reader

SUMMARIES_TABLE = "rpt_grouping__summaries"
REQUIRED = (
    "grouping_type",
    "grouping_label",
    "grouping_label_plural",
    "grouping_type_order",
    "grouping_name",
    "section",
    "academic_year",
    "as_at_date",
    "member_schools",
    "figure_order",
    "figure_code",
    "key_stage",
    "figure_name",
    "unit",
    "is_gap",
    "grouping_value",
    "schools_counted",
    "pupils_counted",
    "la_value",
    "is_suppressed",
    "suppression_reason",
    "disclosure_rules",
)
OUTPUT_SUBDIR = "partnership_summaries"
NO_GROUPINGS = (
    f"{SUMMARIES_TABLE} is empty: no groupings return has been accepted, or none covers a year with results, so "
    "there is no partnership summaries page (docs/returns.md describes the groupings return)."
)
# Column headings for the page's tables (the figure's full name is in the table caption's words and the notes).
SHORT_HEADINGS = {
    "ks2_rwm_expected_pct": "Reading, writing and maths: expected standard",
    "ks2_rwm_higher_pct": "Reading, writing and maths: higher standard",
    "ks2_rwm_expected_disadvantaged_gap": "Disadvantaged gap, expected standard (percentage points)",
    "ks4_attainment8_score": "Attainment 8",
    "ks4_progress8_score": "Progress 8",
    "ks4_english_maths_grade5_pct": "English and maths grade 5 or above",
    "ks4_attainment8_disadvantaged_gap": "Disadvantaged gap, Attainment 8",
    "ks4_progress8_disadvantaged_gap": "Disadvantaged gap, Progress 8",
    "schools_good_or_outstanding_pct": "Good or outstanding: % of schools",
    "pupils_good_or_outstanding_pct": "Good or outstanding: % of pupils",
    "ofsted_outstanding_schools": "Outstanding",
    "ofsted_good_schools": "Good",
    "ofsted_good_with_concerns_schools": "Good, with concerns",
    "ofsted_requires_improvement_schools": "Requires improvement",
    "ofsted_sm_swk_schools": "Inadequate or category of concern",
    "ofsted_no_grade_schools": "No judgement to report",
    "ofsted_not_inspected_schools": "Not yet inspected",
}
# Counts of schools by outcome are shown only where some grouping has one (a column of zeros says nothing).
COUNT_UNIT = "count"


@dataclass(frozen=True)
class PartnershipSummaries:
    html: Path
    pdf: Path
    academic_year: str
    engine: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass
class SummaryTable:
    """One table of the page: its download name, caption label, headings, rows of shown cells (the authority's own
    figures last), and the words around it. A table with no grouping to list is not drawn: its sentences say why."""

    name: str
    key: str
    caption: str
    headings: list[str]
    rows: list[list[str]]
    left_out_sentence: str = ""
    not_shown_sentence: str = ""

    @property
    def has_groupings(self) -> bool:
        return len(self.rows) > 1

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.headings, dtype=object)


def build_partnership_summaries(
    warehouse: Warehouse | Path,
    published_dir: Path,
    *,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
    rule: DisclosureRule | None = None,
) -> PartnershipSummaries | None:
    """The page for the latest year with results, or None when there is nothing to summarise (NO_GROUPINGS)."""
    rule = rule or load_rule()
    with open_reader(warehouse) as connection:
        la_name = load_report_context(connection, "la_name")["la_name"]
        summaries = read_table(
            connection, SUMMARIES_TABLE, REQUIRED, "grouping_type_order, grouping_name, as_at_date, figure_order"
        )
        sources = sources_for(load_data_sources(connection), "KS2", "KS4", "Ofsted", "Get Information")
    if summaries.empty:
        return None
    values = summary_values(summaries, text(la_name), rule)
    values["sources"] = sources
    year = values["academic_year"]
    rendered = render_report(
        "partnership_summaries.qmd",
        values,
        Path(published_dir) / OUTPUT_SUBDIR,
        f"partnership_summaries_{year}",
        pdf_timestamp=data_timestamp(values["report_date"]),
        engine=engine,
        quarto_path=quarto_path,
    )
    return PartnershipSummaries(rendered.html, rendered.pdf, year, rendered.engine, values["tables"])


def summary_values(summaries: pd.DataFrame, la_name: str, rule: DisclosureRule) -> dict[str, Any]:
    """Template values: one section per published grouping type, each with a KS2 and a KS4 results table for the
    latest year and a table of inspection outcomes in force."""
    if summaries.empty:
        raise ReportDataError(NO_GROUPINGS)
    results = summaries[summaries["section"] == "results"]
    inspections = summaries[summaries["section"] == "inspections"]
    academic_year = str(max(results["academic_year"])) if len(results) else NO_DATA
    latest = results[results["academic_year"] == academic_year]
    report_date = inspections["as_at_date"].max() if len(inspections) else latest["as_at_date"].max()
    membership_date = format_date(latest["as_at_date"].max()) if len(latest) else NO_DATA
    sections, tables = [], {}
    ordered = summaries.drop_duplicates("grouping_type").sort_values("grouping_type_order")
    for grouping in ordered.to_dict("records"):
        label = text(grouping["grouping_label"])
        plural = text(grouping["grouping_label_plural"])
        section_tables = []
        for key_stage, rows in latest[latest["grouping_type"] == grouping["grouping_type"]].groupby("key_stage"):
            section_tables.append(
                _figures_table(
                    rows,
                    f"{plural} {key_stage} results {academic_year}",
                    f"{key_stage} results for {academic_year}",
                    f"{grouping['grouping_type']}-{key_stage}",
                    label,
                    plural,
                    la_name,
                    rule,
                    caption=f"{key_stage} results {academic_year} by {label.lower()}: pupil-weighted figures for the "
                    f"schools in each grouping on {membership_date}, with the pupils and schools behind the headline "
                    "figure and the figure for all the authority's schools.",
                )
            )
        grouping_inspections = inspections[inspections["grouping_type"] == grouping["grouping_type"]]
        if len(grouping_inspections):
            section_tables.append(
                _figures_table(
                    grouping_inspections,
                    f"{plural} Ofsted outcomes",
                    "Ofsted outcomes",
                    f"{grouping['grouping_type']}-inspections",
                    label,
                    plural,
                    la_name,
                    rule,
                    caption=f"Ofsted outcomes in force on {format_date(report_date)} by {label.lower()}: the share of "
                    "schools with a judgement (and of their pupils) that are good or outstanding or the equivalent, "
                    "and how many schools have each outcome.",
                )
            )
        for table in section_tables:
            if table.has_groupings:
                tables[table.name] = table.frame()
        sections.append({"heading": plural, "tables": section_tables})
    reasons = summaries["disclosure_rules"].dropna()
    return {
        "title": f"Partnership summaries \u2014 {la_name}, {academic_year}",
        "la_name": la_name,
        "academic_year": academic_year,
        "report_date": report_date,
        "date_words": "Data to",
        "sources_date": format_date(report_date),
        "membership_date": membership_date,
        "sections": sections,
        "tables": tables,
        "disclosure": _disclosure_statement(str(reasons.iloc[0]) if len(reasons) else "", rule),
    }


def _figures_table(
    rows: pd.DataFrame,
    name: str,
    subject: str,
    key: str,
    label: str,
    plural: str,
    la_name: str,
    rule: DisclosureRule,
    *,
    caption: str,
) -> SummaryTable:
    """A grouping per row, then each figure as shown; groupings with no figure that may be published are counted in
    a sentence, not listed; the authority's own figures close the table. A results table gives the schools and pupils
    behind its first (headline) figure; an inspections table the grouping's schools. A figure nobody has (Progress
    8 in a year DfE did not publish it) and a count of schools that is nought everywhere get no column."""
    is_results = bool((rows["section"] == "results").all())
    figures = rows.drop_duplicates("figure_code").sort_values("figure_order")
    counts = set(figures[figures["unit"] == COUNT_UNIT]["figure_code"])
    by_figure = dict(tuple(rows.groupby("figure_code")))
    la_values = {code: frame.iloc[0] for code, frame in by_figure.items()}
    empty = [
        str(name)
        for code, name in zip(figures["figure_code"], figures["figure_name"], strict=True)
        if code not in counts and _nobody_has(by_figure[code])
    ]
    codes = [
        code
        for code, name in zip(figures["figure_code"], figures["figure_name"], strict=True)
        if name not in empty and (code not in counts or (by_figure[code]["grouping_value"].fillna(0) > 0).any())
    ]
    lead = str(figures.iloc[0]["figure_code"])
    headings = [label, "Schools", *(["Pupils"] if is_results else []), *(SHORT_HEADINGS.get(c, c) for c in codes)]
    table_rows, withheld = [], 0
    for grouping_name, grouping_rows in rows.groupby("grouping_name", sort=True):
        cells = {row["figure_code"]: row for row in grouping_rows.to_dict("records")}
        lead_row = cells[lead]
        if is_results and not lead_row["schools_counted"]:
            continue  # no school of the grouping has these results (a secondary grouping in the KS2 table)
        shown = [_cell(cells.get(code), rule) for code in codes]
        if all(cell.startswith("suppressed") or cell == NO_DATA for cell in shown):
            withheld += 1
            continue
        row = [text(grouping_name), format_count(lead_row["schools_counted" if is_results else "member_schools"])]
        if is_results:
            row.append("suppressed" if lead_row["is_suppressed"] else format_count(lead_row["pupils_counted"]))
        table_rows.append(row + shown)
    la_row = [f"All {la_name} schools", None, *([None] if is_results else [])]
    table_rows.append(la_row + [_la_cell(la_values[code]) for code in codes])
    left_out = ""
    if withheld:
        noun = label.lower() if withheld == 1 else plural.lower()
        left_out = (
            f"{subject}: {withheld} {noun} {'has' if withheld == 1 else 'have'} no figure that may be published (too "
            f"few schools or pupils), so {'it is' if withheld == 1 else 'they are'} not listed."
        )
    not_shown = f"{subject}: no figure is available for {'; '.join(empty)}." if empty else ""
    return SummaryTable(name, key, caption, headings, table_rows, left_out, not_shown)


def _nobody_has(figure_rows: pd.DataFrame) -> bool:
    """No grouping has the figure, none is withheld and the authority has none either (DfE did not publish it)."""
    return bool(
        figure_rows["grouping_value"].isna().all()
        and not figure_rows["is_suppressed"].astype(bool).any()
        and figure_rows["la_value"].isna().all()
    )


def _cell(row: dict[str, Any] | None, rule: DisclosureRule) -> str:
    if row is None:
        return NO_DATA
    if bool(row["is_suppressed"]):
        return text(row["suppression_reason"])
    pupils = row["pupils_counted"] if not is_missing(row["pupils_counted"]) else None
    controlled = control(row["grouping_value"], pupils, None, rule)
    if controlled.suppressed:
        return str(controlled.label)
    return _formatted(controlled.value, row)


def _la_cell(row: pd.Series) -> str:
    if row["unit"] == COUNT_UNIT:
        return ""  # the page counts schools by outcome per grouping only
    return _formatted(row["la_value"], row)


def _formatted(value: Any, row: Any) -> str:
    if is_missing(value):
        return NO_DATA
    if row["unit"] == COUNT_UNIT:
        return format_count(value)
    if bool(row["is_gap"]):
        return format_difference(value, row["unit"])
    return format_measure(value, row["unit"])


def _disclosure_statement(reasons: str, rule: DisclosureRule) -> str:
    shows = f" and shows why ({reasons})" if reasons else ""
    return (
        "Disclosure control: this page names no school, and a grouping's figure that rests on too few schools or "
        f"pupils is withheld{shows}. A figure the Department for Education suppressed in its own files (shown as "
        f"'{rule.source_label}' elsewhere) is left out of every grouping figure, which is worked out from published "
        "figures only."
    )
