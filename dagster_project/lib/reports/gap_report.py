"""Narrowing the gap (published, annual after the summer data): disadvantaged pupils in the LA against other
pupils nationally, beside national, region and statistical neighbours, by key stage and subject measure; and
the schools with the widest and the fastest-closing gaps.

Gap = disadvantaged pupils' figure minus national other pupils' figure (DfE definition), so negative means
disadvantaged pupils are behind. School figures go through disclosure control: a school whose gap describes
5 or fewer disadvantaged pupils is neither shown nor ranked, and a school is named in the widest and closing
lists only with at least 11 disadvantaged pupils (in both years compared), shown beside its gap; the report says
how many schools were left out and why (thresholds in reports/disclosure_control.yml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.disclosure_control import DisclosureRule, control, control_by_count, load_rule
from dagster_project.lib.reports.gap_groups import group_values, load_group_tables
from dagster_project.lib.reports.la_comparators import load_comparators, load_comparisons
from dagster_project.lib.reports.report_charts import Series, line_chart
from dagster_project.lib.reports.report_data import (
    load_coverage,
    load_data_sources,
    load_report_context,
    read_table,
    sources_for,
)
from dagster_project.lib.reports.report_document import render_report
from dagster_project.lib.reports.report_text import (
    NO_DATA,
    NOT_PUBLISHED,
    data_timestamp,
    format_count,
    format_date,
    format_difference,
    format_measure,
    is_missing,
    is_not_published,
    text,
    unit_format,
)
from dagster_project.lib.warehouse.academic_years import academic_year_end
from dagster_project.lib.warehouse.reader import Warehouse, open_reader

SCHOOL_GAPS_TABLE = "rpt_gap__school_gaps"
SCHOOL_GAP_COLUMNS = (
    "urn",
    "school_name",
    "phase",
    "academic_year",
    "key_stage",
    "measure_code",
    "measure_name",
    "unit",
    "disadvantaged_pupils",
    "disadvantaged_value",
    "disadvantaged_value_reason",
    "national_other_value",
    "disadvantaged_gap",
    "persistent_absence_pct",
    "persistent_absence_pct_reason",
    "national_persistent_absence_pct",
    "suspensions",
    "suspension_rate",
    "suspension_rate_reason",
    "national_suspension_rate",
)
OUTPUT_SUBDIR = "narrowing_the_gap"
SCHOOLS_LISTED = 10
TREND_YEARS = 3


@dataclass(frozen=True)
class GapReport:
    html: Path
    pdf: Path
    academic_year: str
    engine: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def build_gap_report(
    warehouse: Warehouse | Path,
    published_dir: Path,
    *,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
    rule: DisclosureRule | None = None,
    groups_setting: str = "",
) -> GapReport:
    """`groups_setting`: the LA's SI_GAP_REPORT_GROUPS (comma-separated pupil_groups codes; empty: the seed's)."""
    rule = rule or load_rule()
    with open_reader(warehouse) as connection:
        la_name = load_report_context(connection, "la_name")["la_name"]
        comparators = load_comparators(connection)
        comparisons = load_comparisons(connection)
        school_gaps = read_table(
            connection, SCHOOL_GAPS_TABLE, SCHOOL_GAP_COLUMNS, "key_stage, measure_code, urn, academic_year"
        )
        sources = sources_for(
            load_data_sources(connection), "KS2", "KS4", "Get Information", "Statistical neighbours", "Local authority"
        )
        coverage = load_coverage(connection)
        group_comparisons, group_schools = load_group_tables(connection)
    values = gap_values(comparisons, school_gaps, text(la_name), rule)
    values |= group_values(group_comparisons, group_schools, values["academic_year"], groups_setting, rule)
    for section in values["group_measures"]:
        values["tables"][f"Groups {section['key_stage']} {section['measure'].split(':')[0]}"] = pd.DataFrame(
            section["rows"], dtype=object
        ).rename(columns=GROUP_HEADERS)
    if values["subjects"]:
        values["tables"]["Subjects"] = pd.DataFrame(values["subjects"], dtype=object).rename(columns=SUBJECT_HEADERS)
    values["sources"] = sources
    values["coverage"] = coverage
    values["comparators_note"] = f"{comparators.neighbours_note(comparisons)} {comparators.region_note(comparisons)}"
    values["region_name"] = comparators.region_name or "the region"
    year = values["academic_year"]
    rendered = render_report(
        "narrowing_the_gap.qmd",
        values,
        Path(published_dir) / OUTPUT_SUBDIR,
        f"narrowing_the_gap_{year}",
        charts={chart["file"]: chart["svg"] for chart in values["charts"]},
        pdf_timestamp=data_timestamp(academic_year_end(year).isoformat() if year != NO_DATA else None),
        engine=engine,
        quarto_path=quarto_path,
    )
    return GapReport(rendered.html, rendered.pdf, year, rendered.engine, values["tables"])


def gap_values(
    comparisons: pd.DataFrame, school_gaps: pd.DataFrame, la_name: str, rule: DisclosureRule
) -> dict[str, Any]:
    la_sections, charts = _la_sections(comparisons, la_name, rule)
    years = sorted(school_gaps["academic_year"].unique()) if len(school_gaps) else []
    academic_year = years[-1] if years else (la_sections[-1]["year"] if la_sections else NO_DATA)
    school_sections = [
        _school_section(rows, academic_year, rule) for _, rows in school_gaps.groupby(["key_stage", "measure_code"])
    ]
    tables: dict[str, pd.DataFrame] = {}
    for section in la_sections:
        tables[f"LA gaps {section['key_stage']} {section['measure_short']}"] = pd.DataFrame(
            section["rows"], dtype=object
        ).rename(columns=LA_GAP_HEADERS | {"la_gap": f"{la_name} gap", "la_disadvantaged": f"{la_name} disadvantaged"})
    for section in school_sections:
        for kind in ("widest", "closing"):
            tables[f"{kind.title()} gaps {section['key_stage']} {section['measure_short']}"] = pd.DataFrame(
                section[kind], columns=list(SCHOOL_HEADERS[kind]), dtype=object
            ).rename(columns=SCHOOL_HEADERS[kind])
    return {
        "title": f"Narrowing the gap \u2014 {la_name}, {academic_year}",
        "la_name": la_name,
        "academic_year": academic_year,
        # Dated by the end of the results' academic year (2024-25: 31 August 2025), never the run date.
        "report_date": academic_year_end(academic_year) if academic_year != NO_DATA else None,
        "date_words": "Results to",
        # The results of 2024-25 are those of the year ending 31 August 2025 (each source's own date is listed).
        "sources_date": f"the end of {academic_year} ({format_date(academic_year_end(academic_year))})"
        if academic_year != NO_DATA
        else "not stated",
        "la_sections": la_sections,
        "school_sections": school_sections,
        "charts": charts,
        "tables": tables,
        "schools_listed": SCHOOLS_LISTED,
        "min_pupils_to_name_school": rule.min_pupils_to_name_school,
        "max_suppressed_pupils": rule.max_suppressed_pupils,
        "disclosure": rule.statement(),
    }


LA_GAP_HEADERS = {
    "year": "Year",
    "la_disadvantaged": "Disadvantaged pupils",
    "national_other": "Other pupils nationally",
    "la_gap": "LA gap",
    "national_gap": "National gap",
    "region_gap": "Region gap",
    "sn_gap": "Statistical neighbours gap",
}
SCHOOL_HEADERS = {
    "widest": {
        "school_name": "School",
        "urn": "URN",
        "disadvantaged_pupils": "Disadvantaged pupils",
        "disadvantaged_value": "Disadvantaged pupils' figure",
        "gap": "Gap",
        "persistent_absence": "Persistent absence",
        "absence_vs_england": "Persistent absence vs England (points)",
        "suspension_rate": "Suspensions per 100 pupils",
        "national_suspension_rate": "England suspensions per 100 pupils",
    },
    "closing": {
        "school_name": "School",
        "urn": "URN",
        "first_pupils": "Disadvantaged pupils, first year",
        "first_gap": "Gap, first year",
        "latest_pupils": "Disadvantaged pupils, latest year",
        "latest_gap": "Gap, latest year",
        "change": "Change (positive = closing)",
    },
}


GROUP_HEADERS = {
    "group": "Pupil group",
    "comparison": "Gap measured against",
    "la_pupils": "Pupils in the LA",
    "la_value": "LA figure",
    "region_value": "Region, same group",
    "statistical_neighbour_value": "Statistical neighbours, same group",
    "national_value": "England, same group",
    "la_gap": "LA gap",
    "national_gap": "England gap",
    "trend": "LA gap over two years",
}
SUBJECT_HEADERS = {
    "key_stage": "Key stage",
    "measure": "Measure",
    "year": "Year",
    "la_value": "LA",
    "national_value": "England",
    "difference": "Difference",
}


def _suspension_rate(row: dict, rule: DisclosureRule) -> str:
    """The school's suspensions per 100 pupils, held back when built on 1 to the rule's number of suspensions."""
    shown = control_by_count(row["suspension_rate"], row.get("suspensions"), row["suspension_rate_reason"], rule)
    return shown.label or format_measure(shown.value, "points", row["suspension_rate_reason"], decimals=1)


def _gap(value: Any, other: Any) -> float | None:
    return None if is_missing(value) or is_missing(other) else float(value) - float(other)


def _la_sections(comparisons: pd.DataFrame, la_name: str, rule: DisclosureRule) -> tuple[list[dict], list[dict]]:
    sections, charts = [], []
    disadvantaged = comparisons[comparisons["pupil_group"] == "disadvantaged"]
    others = comparisons[comparisons["pupil_group"] == "other"]
    keys = ["academic_year", "key_stage", "measure_code"]
    merged = disadvantaged.merge(others, on=keys, suffixes=("", "_other"))
    for (key_stage, measure_code), rows in merged.groupby(["key_stage", "measure_code"], sort=True):
        rows = rows.sort_values("academic_year").tail(TREND_YEARS)
        unit = rows["unit"].iloc[0]
        table_rows, la_series, national_series = [], [], []
        for row in rows.to_dict("records"):
            national_other = row["national_value_other"]
            not_published = is_not_published(row["la_value_reason"])
            la_value = control(row["la_value"], row["la_pupils"], row["la_value_reason"], rule)
            la_gap = _gap(la_value.value, national_other)
            national_gap = _gap(row["national_value"], national_other)
            table_rows.append(
                {
                    "year": row["academic_year"],
                    "la_disadvantaged": la_value.label or format_measure(la_value.value, unit, row["la_value_reason"]),
                    "national_other": format_measure(national_other, unit, row.get("national_value_reason_other")),
                    "la_gap": la_value.label or format_difference(la_gap, unit),
                    "national_gap": format_difference(national_gap, unit),
                    # Not published (NP) is a fact about the measure and year: every comparator reads the same.
                    "region_gap": format_difference(
                        _gap(row["region_value"], national_other), unit, "NP" if not_published else None
                    ),
                    "sn_gap": NOT_PUBLISHED
                    if not_published
                    else "not available"
                    if is_missing(row["sn_value"])
                    else format_difference(_gap(row["sn_value"], national_other), unit),
                }
            )
            la_series.append(la_gap)
            national_series.append(national_gap)
        measure = text(rows["measure_name"].iloc[0])
        years = [r["year"] for r in table_rows]
        decimals, _ = unit_format(unit)
        sentence = _gap_sentence(
            la_name, measure, unit, years[-1], la_series[-1], national_series[-1], table_rows[-1], not_published
        )
        file = f"gap_{str(key_stage).lower()}_{measure_code}.svg"
        described = "; ".join(
            f"{label}: "
            + ", ".join(
                f"{y} {format_difference(v, unit) if v is not None else NO_DATA}"
                for y, v in zip(years, vals, strict=True)
            )
            for label, vals in ((la_name, la_series), ("National", national_series))
        )
        alt = f"Line chart of the disadvantaged gap in {measure} ({key_stage}), {years[0]} to {years[-1]}. {described}."
        charts.append(
            {
                "file": file,
                "svg": line_chart(
                    f"Disadvantaged gap: {measure}",
                    alt,
                    years,
                    [Series(la_name, la_series), Series("National", national_series)],
                    "Gap",
                    lambda v, d=decimals: f"{v:+.{d}f}" if round(v, d) else f"{0:.{d}f}",
                    unit=unit,
                    include_zero=True,  # a gap is measured from zero (no gap)
                ),
                "caption": f"Disadvantaged gap in {measure} ({key_stage}), {years[0]} to {years[-1]}",
                "alt": alt,
            }
        )
        sections.append(
            {
                "key_stage": str(key_stage),
                "measure": measure,
                "measure_short": measure.split(":")[0],
                "year": years[-1],
                "rows": table_rows,
                "sentence": sentence,
                "chart": charts[-1],
            }
        )
    return sections, charts


def _gap_sentence(
    la_name: str,
    measure: str,
    unit: Any,
    year: str,
    la_gap: float | None,
    national_gap: float | None,
    shown: dict[str, str],
    not_published: bool,
) -> str:
    """The latest year's LA gap against the national gap in words; a missing figure is explained, never
    compared ('was no data, against a national gap of no data' is not a sentence a reader can use)."""
    points = " percentage points" if unit_format(unit)[1] == "%" else ""
    if not_published:
        return f"The Department for Education did not publish {measure} for {year}, so there is no gap to report."
    if la_gap is None:
        return f"The {year} gap for disadvantaged pupils in {la_name} on {measure} cannot be shown ({shown['la_gap']})."
    opening = f"In {year} the gap for disadvantaged pupils in {la_name} on {measure} was {shown['la_gap']}{points}"
    if national_gap is None:
        return f"{opening}; the national gap is not available ({shown['national_gap']})."
    return f"{opening}, against a national gap of {shown['national_gap']}{points}."


def _school_section(rows: pd.DataFrame, academic_year: str, rule: DisclosureRule) -> dict[str, Any]:
    unit = rows["unit"].iloc[0]
    records = rows.to_dict("records")
    published = [
        control(r["disadvantaged_value"], r["disadvantaged_pupils"], r["disadvantaged_value_reason"], rule).value
        is not None
        for r in records
    ]
    # A school is named only for a published figure about enough disadvantaged pupils (rule.min_pupils_to_name_school)
    named = [
        shown and rule.may_name_school(r["disadvantaged_pupils"]) for shown, r in zip(published, records, strict=True)
    ]
    controlled = rows.assign(
        shown_gap=[r["disadvantaged_gap"] if ok else None for ok, r in zip(named, records, strict=True)],
        published=published,
    )
    latest = controlled[controlled["academic_year"] == academic_year]
    rankable = latest.dropna(subset=["shown_gap"])
    suppressed = int((~latest["published"].astype(bool)).sum())
    too_few = len(latest) - len(rankable) - suppressed
    widest = [
        {
            "school_name": text(r["school_name"]),
            "urn": str(int(r["urn"])),
            "disadvantaged_pupils": format_count(r["disadvantaged_pupils"]),
            "disadvantaged_value": format_measure(r["disadvantaged_value"], unit),
            "gap": format_difference(r["shown_gap"], unit),
            "persistent_absence": format_measure(
                r["persistent_absence_pct"], "percent", r["persistent_absence_pct_reason"], decimals=1
            ),
            "absence_vs_england": format_difference(
                _gap(r["persistent_absence_pct"], r["national_persistent_absence_pct"]), "percent", decimals=1
            ),
            "suspension_rate": _suspension_rate(r, rule),
            "national_suspension_rate": format_measure(r["national_suspension_rate"], "points", decimals=1),
        }
        for r in rankable.sort_values(["shown_gap", "urn"]).head(SCHOOLS_LISTED).to_dict("records")
    ]
    years = sorted(controlled["academic_year"].unique())[-TREND_YEARS:]
    first_year = years[0] if years else academic_year
    first = controlled[controlled["academic_year"] == first_year][["urn", "shown_gap", "disadvantaged_pupils"]].rename(
        columns={"shown_gap": "first_gap", "disadvantaged_pupils": "first_pupils"}
    )
    both = rankable.merge(first, on="urn").dropna(subset=["first_gap"])
    both = both.assign(change=both["shown_gap"] - both["first_gap"])
    closing = [
        {
            "school_name": text(r["school_name"]),
            "urn": str(int(r["urn"])),
            "first_pupils": str(int(r["first_pupils"])),
            "first_gap": format_difference(r["first_gap"], unit),
            "latest_pupils": str(int(r["disadvantaged_pupils"])),
            "latest_gap": format_difference(r["shown_gap"], unit),
            "change": format_difference(r["change"], unit),
        }
        for r in both[both["change"] > 0]
        .sort_values(["change", "urn"], ascending=[False, True])
        .head(SCHOOLS_LISTED)
        .to_dict("records")
    ]
    measure = text(rows["measure_name"].iloc[0])
    return {
        "key_stage": text(rows["key_stage"].iloc[0]),
        "measure": measure,
        "measure_short": measure.split(":")[0],
        "academic_year": academic_year,
        "first_year": first_year,
        "widest": widest,
        "closing": closing,
        "left_out": suppressed + too_few,
        "left_out_sentence": _left_out_sentence(academic_year, suppressed, too_few, rule),
    }


def _left_out_sentence(academic_year: str, suppressed: int, too_few: int, rule: DisclosureRule) -> str:
    left_out = suppressed + too_few
    if not left_out:
        return ""
    reasons = []
    if suppressed:
        reasons.append(
            f"{suppressed} because the figure was suppressed (at source or because it describes "
            f"{rule.max_suppressed_pupils} or fewer disadvantaged pupils)"
        )
    if too_few:
        reasons.append(
            f"{too_few} because fewer than {rule.min_pupils_to_name_school} disadvantaged pupils were in the cohort, "
            "too few for one school's gap to be compared with another's"
        )
    return (
        f"{left_out} school{'s' if left_out != 1 else ''} with {academic_year} results "
        f"{'are' if left_out != 1 else 'is'} not listed: {'; '.join(reasons)}."
    )
