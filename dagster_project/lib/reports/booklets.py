"""Achievement and Target Setting Booklets and academy profiles: the desk-top analysis of every school (SI7).

Each school listed by rpt_booklet__schools gets the document its `document` column names: every maintained school
the booklet; each academy the shorter profile (reports/profile.qmd), the booklet, or nothing, as the LA chooses with
SI_ACADEMY_DESKTOP_ANALYSIS (dbt var academy_desktop_analysis, seed desktop_analysis_documents).

Each booklet holds three-year measures with LA and national comparisons, pupil groups and gaps, progress with
confidence intervals (drawn as intervals), targets against outcomes, context, inspection history and "areas to
investigate" sentences generated from the figures (rules in reports/areas_to_investigate.yml). Booklets are
restricted until released to each school, so they are written under the restricted folder. A profile shows the
latest results against LA and national, the latest disadvantaged gaps, the latest inspection and context, from the
same values and partials, without the sections only maintained schools have (areas to investigate, targets).

All figures and charts are prepared here first; then each booklet is written from its own filled copy of the
template, and all are rendered together: one Quarto project call when Quarto is installed, else two at a time
with the pandoc + typst fallback (rendering.render_documents).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from slugify import slugify

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.disclosure_control import DisclosureRule, control, control_by_count, load_rule
from dagster_project.lib.reports.gap_groups import load_group_tables, school_group_tables
from dagster_project.lib.reports.la_comparators import load_la_measures
from dagster_project.lib.reports.report_charts import Interval, Series, axis_label, interval_chart, line_chart
from dagster_project.lib.reports.report_data import DataSource, load_data_sources, load_report_context, read_table
from dagster_project.lib.reports.report_document import write_document
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
    with_grade,
)
from dagster_project.lib.warehouse.reader import Warehouse, open_reader
from dagster_project.settings import REPORTS_DIR

OUTPUT_SUBDIR = "booklets"
PROFILE_SUBDIR = "profiles"
LA_RETURN_PREFIX = "LA return: "  # rpt_report__data_sources names of the LA's own returns
TARGETS_SOURCE = "LA return: targets"
BOOKLET_WORKERS = 2
TREND_YEARS = 3
RULES_FILE = REPORTS_DIR / "areas_to_investigate.yml"
TARGETS_TABLE = "rpt_booklet__targets"
# Source names of rpt_report__data_sources that only a school with that key stage's results reads.
KEY_STAGE_SOURCES = {"KS2": "KS2 ", "KS4": "KS4 "}
CHART_MEASURES = {"KS2": "ks2_rwm_expected_pct", "KS4": "ks4_attainment8_score"}
BAND_WORDS = {
    "well_below": "well below average",
    "below": "below average",
    "average": "average",
    "above": "above average",
    "well_above": "well above average",
}


@dataclass(frozen=True)
class DocumentKind:
    """One kind of desk-top analysis (rpt_booklet__schools.document): its template, folder and title."""

    template: str
    subdir: str
    title: str
    maintained_sections: bool  # areas to investigate and the targets agreed with the LA (the booklet only)


DOCUMENTS = {
    "booklet": DocumentKind("booklet.qmd", OUTPUT_SUBDIR, "Achievement and Target Setting Booklet", True),
    "profile": DocumentKind("profile.qmd", PROFILE_SUBDIR, "Academy profile", False),
}


@dataclass(frozen=True)
class BookletData:
    schools: pd.DataFrame
    measures: pd.DataFrame
    context: pd.DataFrame
    attendance: pd.DataFrame
    suspensions: pd.DataFrame
    ks5: pd.DataFrame  # rpt_booklet__ks5: 16 to 18 results, schools with a sixth form only
    destinations: pd.DataFrame
    inspections: pd.DataFrame
    gaps: pd.DataFrame
    national_gaps: dict[tuple[str, str], float]
    group_comparisons: pd.DataFrame  # rpt_gap__group_comparisons: England's figure for each group
    group_schools: pd.DataFrame  # rpt_gap__group_schools: each school's groups
    targets: pd.DataFrame  # targets in force, with each measure's name and unit
    targets_loaded: bool  # the LA's targets return is loaded (an empty return still says so)
    sources: list[DataSource]
    data_date: Any
    academic_year: str


@dataclass(frozen=True)
class Booklet:
    urn: int
    school_name: str
    html: Path
    pdf: Path
    document: str = "booklet"  # or "profile" (DOCUMENTS)


def load_booklet_data(warehouse: Warehouse | Path) -> BookletData:
    with open_reader(warehouse) as connection:
        schools = read_table(connection, "rpt_booklet__schools", ("urn", "school_name", "phase", "document"), "urn")
        measures = read_table(
            connection,
            "rpt_booklet__measures",
            ("urn", "academic_year", "key_stage", "measure_code", "pupil_group", "value", "pupils"),
            "urn, key_stage, measure_order, academic_year",
        )
        context = read_table(connection, "rpt_booklet__context", ("urn", "academic_year"), "urn, academic_year")
        attendance = read_table(
            connection,
            "rpt_booklet__attendance",
            ("urn", "academic_year", "persistent_absence_pct", "raised_flag_explanations"),
            "urn, academic_year",
        )
        suspensions = read_table(
            connection, "rpt_booklet__suspensions", ("urn", "academic_year", "suspension_rate"), "urn, academic_year"
        )
        ks5 = read_table(
            connection,
            "rpt_booklet__ks5",
            ("urn", "academic_year", "exam_cohort", "students", "points_per_entry", "value_added_upper_ci"),
            "urn, academic_year, exam_cohort",
        )
        destinations = read_table(
            connection,
            "rpt_booklet__destinations",
            ("urn", "academic_year", "ks4_academic_year", "pupil_group", "cohort_pupils", "sustained_pct"),
            "urn, academic_year, pupil_group",
        )
        inspections = read_table(
            connection,
            "rpt_booklet__inspection_history",
            ("urn", "publication_date"),
            "urn, inspection_start_date desc",
        )
        gaps = read_table(
            connection, "rpt_gap__school_gaps", ("urn", "academic_year", "disadvantaged_gap"), "urn, academic_year"
        )
        la_measures = load_la_measures(connection)
        group_comparisons, group_schools = load_group_tables(connection)
        targets = read_table(
            connection,
            TARGETS_TABLE,
            ("urn", "academic_year", "measure_code", "measure_name", "unit", "target_value"),
            "urn, academic_year, measure_code",
        )
        # Of the LA's returns a booklet reads only the targets (name and as-at date, never another school's data).
        sources = [
            source
            for source in load_data_sources(connection, restricted=True)
            if not source.source_name.startswith(LA_RETURN_PREFIX) or source.source_name == TARGETS_SOURCE
        ]
        # The latest date the data covers (Ofsted as-at date, else the GIAS extract, else the latest results year).
        data_date = load_report_context(connection, "data_date")["data_date"]
    national = la_measures[la_measures["geography_level"] == "national"]
    pivot = national.pivot_table(index=["academic_year", "measure_code"], columns="pupil_group", values="value")
    national_gaps = {
        key: float(row["disadvantaged"] - row["other"])
        for key, row in pivot.iterrows()
        if "disadvantaged" in row and "other" in row and not pd.isna(row["disadvantaged"] - row["other"])
    }
    years = sorted(measures["academic_year"].unique())
    return BookletData(
        schools,
        measures,
        context,
        attendance,
        suspensions,
        ks5,
        destinations,
        inspections,
        gaps,
        national_gaps,
        group_comparisons,
        group_schools,
        targets,
        any(source.source_name == TARGETS_SOURCE for source in sources),
        sources,
        data_date,
        years[-1] if years else NO_DATA,
    )


def build_booklets(
    warehouse: Warehouse | Path,
    restricted_dir: Path,
    *,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
    workers: int = BOOKLET_WORKERS,
    rule: DisclosureRule | None = None,
    urns: list[int] | None = None,
    progress: Callable[[Booklet], None] | None = None,
) -> list[Booklet]:
    """Every listed school's desk-top analysis as HTML + PDF: booklets under `<restricted_dir>/booklets/<academic
    year>/`, academy profiles under `<restricted_dir>/profiles/<academic year>/` (rpt_booklet__schools.document)."""
    data = load_booklet_data(warehouse)
    rule = rule or load_rule()
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    schools = data.schools if urns is None else data.schools[data.schools["urn"].isin(urns)]
    built: list[Booklet] = []
    for document, kind in DOCUMENTS.items():
        chosen = schools[schools["document"] == document]
        jobs = [booklet_values(school, data, rule, rules) for school in chosen.to_dict("records")]
        out_dir = Path(restricted_dir) / kind.subdir / data.academic_year
        built += _render(
            jobs,
            kind,
            document,
            out_dir,
            data,
            quarto_path=quarto_path,
            engine=engine,
            workers=workers,
            progress=progress,
        )
    return built


def _render(
    jobs: list[dict[str, Any]],
    kind: DocumentKind,
    document: str,
    out_dir: Path,
    data: BookletData,
    *,
    quarto_path: str | None,
    engine: rendering.Engine,
    workers: int,
    progress: Callable[[Booklet], None] | None,
) -> list[Booklet]:
    by_stem = {values["stem"]: values for values in jobs}

    def booklet(rendered: rendering.RenderedDocument) -> Booklet:
        values = by_stem[rendered.html.stem]
        return Booklet(values["urn"], values["school_name"], rendered.html, rendered.pdf, document)

    with tempfile.TemporaryDirectory(prefix=f"{kind.subdir}-") as tmp:
        documents = [
            write_document(
                kind.template,
                values,
                Path(tmp) / values["stem"],
                values["stem"],
                {chart["file"]: chart["svg"] for chart in values["charts"]},
            )
            for values in jobs
        ]
        # One Quarto project call for every document of this kind when Quarto is installed; else `workers` at a time.
        rendered = rendering.render_documents(
            documents,
            out_dir,
            pdf_timestamp=data_timestamp(data.data_date),
            engine=engine,
            quarto_path=quarto_path,
            workers=workers,
            progress=(lambda one: progress(booklet(one))) if progress else None,
        )
    return [booklet(one) for one in rendered]


def booklet_stem(urn: int, school_name: str) -> str:
    slug = slugify(school_name, max_length=60) or "school"
    return f"{urn}_{slug}"


def booklet_values(school: dict[str, Any], data: BookletData, rule: DisclosureRule, rules: dict) -> dict[str, Any]:
    urn = int(school["urn"])
    name = text(school["school_name"])
    measures = data.measures[data.measures["urn"] == urn]
    key_stages, charts, areas = [], [], []
    for key_stage, rows in measures.groupby("key_stage", sort=True):
        if not rows["has_results"].fillna(False).any():
            continue
        section = _key_stage_section(str(key_stage), rows, name, rule)
        key_stages.append(section)
        charts.extend(c for c in (section["trend_chart"], section["progress_chart"]) if c)
        areas.extend(_areas(str(key_stage), rows, data, urn, rules, rule))
    attendance = data.attendance[data.attendance["urn"] == urn]
    areas.extend(_attendance_areas(attendance))
    gaps = data.gaps[data.gaps["urn"] == urn]
    gap_rows = _gap_rows(gaps, data.national_gaps, rule)
    document = str(school.get("document") or "booklet")
    kind = DOCUMENTS[document]
    if not kind.maintained_sections:  # a profile: the trend chart only, and no targets or areas to investigate
        charts = [section["trend_chart"] for section in key_stages if section["trend_chart"]]
        areas = []
    latest_gap_year = max((row["year"] for row in gap_rows), default=None)
    return {
        "urn": urn,
        "school_name": name,
        "document": document,
        "stem": booklet_stem(urn, name),
        "title": f"{kind.title} \u2014 {name}",
        "report_date": data.data_date,
        "date_words": "Data as at",
        "academic_year": data.academic_year,
        "sources_date": format_date(data.data_date),
        "school": {
            "urn": str(urn),
            "type": text(school.get("type_of_establishment")),
            "phase": text(school.get("phase")).replace("_", " "),
            "ages": f"{text(school.get('statutory_low_age'))} to {text(school.get('statutory_high_age'))}",
            "pupils": text(school.get("number_of_pupils"))
            if is_missing(school.get("number_of_pupils"))
            else f"{int(school['number_of_pupils']):,}",
            "ofsted": text(school.get("latest_ofsted_label"))
            if not is_missing(school.get("latest_ofsted_label"))
            else "not inspected",
            "ofsted_date": format_date(school.get("latest_ofsted_publication_date")),
        },
        "context_rows": _context_rows(data.context[data.context["urn"] == urn]),
        **_attendance(attendance),
        **_suspensions(data.suspensions[data.suspensions["urn"] == urn], rule),
        **_ks5(data.ks5[data.ks5["urn"] == urn], rule),
        "destination_rows": _destination_rows(data.destinations[data.destinations["urn"] == urn], rule),
        "key_stages": key_stages,
        "gap_rows": gap_rows,
        "latest_gap_rows": [row for row in gap_rows if row["year"] == latest_gap_year],
        "group_tables": school_group_tables(data.group_comparisons, data.group_schools, urn, rule),
        "targets": _targets(data.targets, measures, urn) if kind.maintained_sections else [],
        "targets_loaded": data.targets_loaded,
        "inspection_rows": _inspection_rows(data.inspections[data.inspections["urn"] == urn]),
        "areas": areas,
        "charts": charts,
        "sources": _sources_for(
            data.sources, {section["key_stage"] for section in key_stages}, with_returns=kind.maintained_sections
        ),
        "disclosure": rule.statement(),
    }


def _sources_for(sources: list[DataSource], key_stages: set[str], *, with_returns: bool = True) -> list[DataSource]:
    """The sources this school's booklet read: a key stage's performance tables only if it has those results
    (a primary school's booklet lists no KS4 source); a profile reads none of the LA's returns (no targets)."""
    left_out = [prefix for key_stage, prefix in KEY_STAGE_SOURCES.items() if key_stage not in key_stages]
    if not with_returns:
        left_out.append(LA_RETURN_PREFIX)
    return [source for source in sources if not source.source_name.startswith(tuple(left_out))]


def _fmt(value: Any, unit: Any, reason: Any = None) -> str:
    return format_measure(value, unit, reason)


def _np(row: dict[str, Any]) -> str | None:
    """'NP' when the school's row says DfE did not publish the measure that year (rpt_booklet__measures)."""
    return "NP" if is_not_published(row.get("value_reason")) else None


def _comparator(row: dict[str, Any], column: str, unit: Any) -> str:
    value = row.get(column)
    if value is not None and not is_missing(value):
        return _fmt(value, unit)
    return NOT_PUBLISHED if _np(row) else NO_DATA


def _key_stage_section(key_stage: str, rows: pd.DataFrame, school_name: str, rule: DisclosureRule) -> dict[str, Any]:
    everyone = rows[rows["pupil_group"] == "all"]
    years = sorted(everyone["academic_year"].unique())[-TREND_YEARS:]
    table_rows = []
    trend_chart = None
    for measure_code, measure_rows in everyone.groupby("measure_code", sort=False):
        if "progress" in measure_code and measure_rows["value"].isna().all():
            continue
        by_year = {r["academic_year"]: r for r in measure_rows.to_dict("records")}
        unit = measure_rows["unit"].iloc[0]
        latest = by_year.get(years[-1], {})
        table_rows.append(
            {
                "measure": text(measure_rows["measure_name"].iloc[0]),
                "years": [_school_figure(by_year.get(y), unit, rule) for y in years],
                # Not published (reason NP) is a fact about the measure and year: the LA and England read the same.
                "la": _comparator(latest, "la_value", unit),
                "national": _comparator(latest, "national_value", unit),
                "vs_national": format_difference(latest.get("vs_national"), unit, _np(latest)),
            }
        )
        if measure_code == CHART_MEASURES.get(key_stage):
            trend_chart = _trend_chart(key_stage, measure_rows, years, school_name, unit)
    progress_rows, progress_chart = _progress(key_stage, everyone, school_name)
    groups = _group_rows(rows, years, rule)
    return {
        "key_stage": key_stage,
        "years": years,
        "rows": table_rows,
        "rank_rows": _percentile_ranks(everyone, years[-1], rule),
        "trend_chart": trend_chart,
        "progress_rows": progress_rows,
        "progress_chart": progress_chart,
        "group_rows": groups,
    }


def _ordinal(rank: Any) -> str:
    number = int(rank)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _percentile_ranks(everyone: pd.DataFrame, year: str, rule: DisclosureRule) -> list[dict[str, str]]:
    """The school's percentile ranks in the LA and in England for the latest year (rpt_booklet__measures), for each
    measure whose figure the booklet shows (never beside a figure withheld for disclosure)."""
    if "national_percentile_rank" not in everyone.columns:
        return []
    ranks = []
    for row in everyone[everyone["academic_year"] == year].to_dict("records"):
        shown = control(row["value"], row["pupils"], row["value_reason"], rule)
        if shown.label or is_missing(shown.value) or is_missing(row.get("national_percentile_rank")):
            continue
        ranks.append(
            {
                "measure": text(row["measure_name"]),
                "la": "not ranked in the local authority"
                if is_missing(row.get("la_percentile_rank"))
                else f"{_ordinal(row['la_percentile_rank'])} percentile in the local authority",
                "national": _ordinal(row["national_percentile_rank"]),
            }
        )
    return ranks


def _school_figure(row: dict[str, Any] | None, unit: Any, rule: DisclosureRule) -> str:
    if row is None or not row.get("has_results", True):
        return "no results"
    controlled = control(row["value"], row["pupils"], row["value_reason"], rule)
    return controlled.label or _fmt(controlled.value, unit, row["value_reason"])


def _trend_chart(key_stage: str, rows: pd.DataFrame, years: list[str], school_name: str, unit: Any) -> dict[str, str]:
    by_year = {r["academic_year"]: r for r in rows.to_dict("records")}

    def series(column: str) -> list[float | None]:
        return [
            None if by_year.get(y) is None or is_missing(by_year[y][column]) else float(by_year[y][column])
            for y in years
        ]

    decimals, suffix = unit_format(unit)

    def fmt(value: float) -> str:
        return f"{value:.{decimals}f}{suffix}"

    lines = [
        Series(school_name, series("value")),
        Series("LA", series("la_value")),
        Series("National", series("national_value")),
    ]
    measure = text(rows["measure_name"].iloc[0])
    described = "; ".join(
        f"{line.label}: "
        + ", ".join(f"{y} {fmt(v) if v is not None else NO_DATA}" for y, v in zip(years, line.values, strict=True))
        for line in lines
    )
    alt = f"Line chart of {measure} ({key_stage}), {years[0]} to {years[-1]}. {described}."
    return {
        "file": f"trend_{key_stage.lower()}.svg",
        "svg": line_chart(measure, alt, years, lines, axis_label(unit), fmt, unit=unit),
        "caption": f"{key_stage}: {measure}, {years[0]} to {years[-1]}",
        "alt": alt,
    }


def _progress(key_stage: str, rows: pd.DataFrame, school_name: str) -> tuple[list[dict[str, str]], dict | None]:
    progress = rows[rows["measure_code"].str.contains("progress") & rows["value"].notna()]
    if progress.empty:
        return [], None
    year = progress["academic_year"].max()
    latest = progress[progress["academic_year"] == year]
    table, intervals = [], []
    for row in latest.to_dict("records"):
        has_interval = not is_missing(row["lower_limit"]) and not is_missing(row["upper_limit"])
        label = text(row["measure_name"]).split(":")[0]
        table.append(
            {
                "measure": text(row["measure_name"]),
                "year": year,
                "score": format_measure(row["value"], row["unit"]),
                "interval": _interval_words(row) if has_interval else NO_DATA,
                "band": BAND_WORDS.get(str(row["significance_band"]), NO_DATA),
            }
        )
        if has_interval:
            intervals.append(Interval(label, float(row["value"]), float(row["lower_limit"]), float(row["upper_limit"])))
    described = "; ".join(
        f"{i.label} {i.estimate:+.2f} (95% confidence interval {i.lower:+.2f} to {i.upper:+.2f})" for i in intervals
    )
    alt = (
        f"Chart of {school_name}'s {key_stage} progress scores in {year}, each drawn as a line from the lower "
        "to the upper limit of its 95% confidence interval with a point at the score, beside the national "
        f"average of 0: {described}."
    )
    chart = {
        "file": f"progress_{key_stage.lower()}.svg",
        "svg": interval_chart(f"{key_stage} progress, {year}", alt, intervals),
        "caption": f"{key_stage} progress scores in {year} with 95% confidence intervals",
        "alt": alt,
    }
    return table, chart if intervals else None


def _interval_words(row: dict[str, Any]) -> str:
    return f"{format_measure(row['lower_limit'], row['unit'])} to {format_measure(row['upper_limit'], row['unit'])}"


def _group_rows(rows: pd.DataFrame, years: list[str], rule: DisclosureRule) -> list[dict[str, Any]]:
    groups = rows[rows["pupil_group"] != "all"]
    out = []
    for (_measure, group), group_rows in groups.groupby(["measure_code", "pupil_group"], sort=False):
        by_year = {r["academic_year"]: r for r in group_rows.to_dict("records")}
        unit = group_rows["unit"].iloc[0]
        out.append(
            {
                "measure": text(group_rows["measure_name"].iloc[0]),
                "group": "Disadvantaged pupils" if group == "disadvantaged" else "Other pupils",
                "years": [_school_figure(by_year.get(y), unit, rule) for y in years],
                "pupils": [
                    NO_DATA
                    if by_year.get(y) is None or is_missing(by_year[y]["pupils"])
                    else (
                        rule.local_label if rule.is_disclosive(by_year[y]["pupils"]) else f"{int(by_year[y]['pupils'])}"
                    )
                    for y in years
                ],
            }
        )
    return out


def _gap_rows(gaps: pd.DataFrame, national_gaps: dict, rule: DisclosureRule) -> list[dict[str, str]]:
    out = []
    for row in gaps.sort_values(["key_stage", "measure_code", "academic_year"]).to_dict("records"):
        controlled = control(
            row["disadvantaged_value"], row["disadvantaged_pupils"], row["disadvantaged_value_reason"], rule
        )
        national_gap = national_gaps.get((row["academic_year"], row["measure_code"]))
        out.append(
            {
                "key_stage": text(row["key_stage"]),
                "measure": text(row["measure_name"]),
                "year": text(row["academic_year"]),
                "school_gap": controlled.label or format_difference(row["disadvantaged_gap"], row["unit"]),
                "national_gap": format_difference(national_gap, row["unit"]),
            }
        )
    return out


def _targets(targets: pd.DataFrame, measures: pd.DataFrame, urn: int) -> list[dict[str, str]]:
    """Targets against outcomes, each measure by its dictionary name and unit (a target of 62 for a
    percentage reads 62%), whether or not the school has an outcome for that year yet."""
    own = targets[targets["urn"] == urn]
    everyone = measures[measures["pupil_group"] == "all"]
    out = []
    for row in own.sort_values(["academic_year", "measure_code"]).to_dict("records"):
        outcome = everyone[
            (everyone["academic_year"] == row["academic_year"]) & (everyone["measure_code"] == row["measure_code"])
        ]
        name, unit = row["measure_name"], row["unit"]
        value = outcome["value"].iloc[0] if len(outcome) else None
        difference = (
            None if is_missing(value) or is_missing(row["target_value"]) else float(value) - float(row["target_value"])
        )
        out.append(
            {
                "year": text(row["academic_year"]),
                "measure": text(name),
                "target": format_measure(row["target_value"], unit),
                "outcome": format_measure(value, unit) if len(outcome) else "no results yet",
                "difference": format_difference(difference, unit),
            }
        )
    return out


def _context_rows(context: pd.DataFrame) -> list[dict[str, str]]:
    def percent(row: dict[str, Any], column: str) -> str:  # census percentages to one decimal place
        return format_measure(row[column], "percent", row.get(f"{column}_reason"), decimals=1)

    return [
        {
            "year": text(r["academic_year"]),
            "pupils": format_count(r["pupils_on_roll"]),
            "fsm": percent(r, "fsm_ever_pct"),
            "eal": percent(r, "eal_pct"),
            "sen": percent(r, "sen_support_pct"),
            "ehc": percent(r, "ehc_plan_pct"),
        }
        for r in context.sort_values("academic_year").tail(TREND_YEARS).to_dict("records")
    ]


def _attendance(attendance: pd.DataFrame) -> dict[str, Any]:
    """The attendance table's rows (the last TREND_YEARS published years) and the phase compared with."""
    recent = attendance.sort_values("academic_year").tail(TREND_YEARS).to_dict("records")

    def percent(row: dict[str, Any], column: str) -> str:
        return format_measure(row[column], "percent", row.get(f"{column}_reason"), decimals=1)

    thresholds = sorted({int(r["persistent_absence_threshold_pct"]) for r in recent})
    return {
        "attendance_phase": text(recent[-1]["phase_name"]) if recent else "",
        "attendance_thresholds": " or ".join(f"{t}%" for t in thresholds),
        "attendance_rows": [
            {
                "year": text(r["academic_year"]),
                "overall": percent(r, "overall_absence_pct"),
                "persistent": percent(r, "persistent_absence_pct"),
                "la": format_measure(r["la_persistent_absence_pct"], "percent", decimals=1),
                "national": format_measure(r["national_persistent_absence_pct"], "percent", decimals=1),
                "change": format_difference(r["persistent_change_pts"], "percent", decimals=1),
                "severe": percent(r, "severe_absence_pct"),
            }
            for r in recent
        ],
    }


def _suspensions(suspensions: pd.DataFrame, rule: DisclosureRule) -> dict[str, Any]:
    """The suspensions table's rows (the last TREND_YEARS published years). A rate or share built on 1 to the
    rule's number of suspensions or pupils is held back (disclosure control); none at all is shown as 0."""
    recent = suspensions.sort_values("academic_year").tail(TREND_YEARS).to_dict("records")

    def controlled(row: dict[str, Any], column: str, count: str, unit: str, decimals: int) -> str:
        reason = row.get(f"{column}_reason")
        figure = control_by_count(row.get(column), row.get(count), reason, rule)
        return figure.label or format_measure(figure.value, unit, reason, decimals=decimals)

    return {
        "suspension_phase": text(recent[-1]["phase_name"]) if recent else "",
        "suspension_max_suppressed": rule.max_suppressed_pupils,
        "suspension_rows": [
            {
                "year": text(r["academic_year"]),
                "rate": controlled(r, "suspension_rate", "suspensions", "points", 1),
                "change": format_difference(r["suspension_rate_change"], "points", decimals=1),
                "la": format_measure(r["la_suspension_rate"], "points", decimals=1),
                "national": format_measure(r["national_suspension_rate"], "points", decimals=1),
                "suspended": controlled(r, "pupils_suspended_pct", "pupils_suspended", "percent", 1),
                "exclusions": controlled(r, "permanent_exclusions", "permanent_exclusions", "count", 0),
            }
            for r in recent
        ],
    }


def _ks5(results: pd.DataFrame, rule: DisclosureRule) -> dict[str, Any]:
    """16 to 18 results by exam cohort over the last TREND_YEARS published years, and the latest year's
    disadvantaged students against England's other students. A figure about 1 to the rule's number of students is
    held back (disclosure control); a cohort DfE suppressed shows its symbol's word."""
    years = sorted(results["academic_year"].unique())[-TREND_YEARS:]
    recent = results[results["academic_year"].isin(years)].sort_values(["exam_cohort", "academic_year"])

    def held_back(row: dict[str, Any], column: str, count: str) -> bool:
        return bool(control_by_count(row.get(column), row.get(count), None, rule).label)

    def controlled(row: dict[str, Any], column: str, count: str, unit: str) -> str:
        figure = control_by_count(row.get(column), row.get(count), row.get(f"{column}_reason"), rule)
        return figure.label or format_measure(figure.value, unit, row.get(f"{column}_reason"))

    def points(row: dict[str, Any]) -> str:
        shown = controlled(row, "points_per_entry", "students", "points")
        return with_grade(
            shown, row.get("points_per_entry_grade"), held_back=held_back(row, "points_per_entry", "students")
        )

    def value_added(row: dict[str, Any]) -> str:
        shown = controlled(row, "value_added", "students", "value_added")
        lower, upper = row.get("value_added_lower_ci"), row.get("value_added_upper_ci")
        if held_back(row, "value_added", "students") or is_missing(lower) or is_missing(upper):
            return shown
        return f"{shown} ({format_measure(lower, 'value_added')} to {format_measure(upper, 'value_added')})"

    rows = [
        {
            "cohort": text(r["exam_cohort"]),
            "year": text(r["academic_year"]),
            "students": controlled(r, "students", "students", "count"),
            "points": points(r),
            "change": format_difference(r.get("points_per_entry_change"), "points"),
            "la": format_measure(r.get("la_points_per_entry"), "points"),
            "national": format_measure(r.get("national_points_per_entry"), "points"),
            "value_added": value_added(r),
            "band": text(r.get("progress_banding")),
        }
        for r in recent.to_dict("records")
    ]
    latest = recent[recent["academic_year"] == years[-1]].to_dict("records") if years else []
    disadvantaged = [
        {
            "cohort": text(r["exam_cohort"]),
            "students": controlled(r, "disadvantaged_students", "disadvantaged_students", "count"),
            "points": controlled(r, "disadvantaged_points_per_entry", "disadvantaged_students", "points"),
            "national_other": format_measure(r.get("national_other_points_per_entry"), "points"),
            "gap": controlled(r, "disadvantaged_gap_to_national_other", "disadvantaged_students", "points")
            if held_back(r, "disadvantaged_gap_to_national_other", "disadvantaged_students")
            else format_difference(r.get("disadvantaged_gap_to_national_other"), "points"),
        }
        for r in latest
        if not is_missing(r.get("disadvantaged_students")) or not is_missing(r.get("disadvantaged_points_per_entry"))
    ]
    below = [
        r
        for r in latest
        if not is_missing(r.get("is_value_added_significantly_below")) and bool(r["is_value_added_significantly_below"])
    ]
    return {
        "ks5_rows": rows,
        "ks5_year": years[-1] if years else "",
        "ks5_disadvantaged_rows": disadvantaged,
        "ks5_below": [text(r["exam_cohort"]) for r in below],
        "ks5_max_suppressed": rule.max_suppressed_pupils,
    }


def _destination_rows(destinations: pd.DataFrame, rule: DisclosureRule) -> list[dict[str, str]]:
    """KS4 leavers' destinations for the last TREND_YEARS published years: all pupils, and disadvantaged pupils
    when enough of them to publish (disclosure control, as every figure about a group of pupils)."""
    rows = []
    for _, year in list(destinations.groupby("academic_year", sort=True))[-TREND_YEARS:]:
        groups = {r["pupil_group"]: r for r in year.to_dict("records")}
        everyone, disadvantaged = groups.get("all"), groups.get("disadvantaged")
        if everyone is None:
            continue
        rows.append(
            {
                "ks4_year": text(everyone["ks4_academic_year"]),
                "pupils": format_count(everyone["cohort_pupils"]),
                "sustained": _controlled_share(everyone, "sustained_pct", rule),
                "la": format_measure(everyone["la_sustained_pct"], "percent"),
                "national": format_measure(everyone["national_sustained_pct"], "percent"),
                "disadvantaged": _controlled_share(disadvantaged, "sustained_pct", rule) if disadvantaged else NO_DATA,
                "disadvantaged_national": format_measure(
                    disadvantaged["national_sustained_pct"] if disadvantaged else None, "percent"
                ),
                "not_sustained": _controlled_share(everyone, "not_sustained_pct", rule),
            }
        )
    return rows


def _controlled_share(row: dict[str, Any], column: str, rule: DisclosureRule) -> str:
    """A percentage of a group's pupils after disclosure control, or the words for why it is not shown."""
    reason = row.get(f"{column}_reason")
    controlled = control(row.get(column), row.get("cohort_pupils"), reason, rule)
    return controlled.label or format_measure(controlled.value, "percent", reason)


def _attendance_areas(attendance: pd.DataFrame) -> list[str]:
    """The attendance data risk flags raised (rpt_booklet__attendance), each a sentence with its figures."""
    raised = attendance.dropna(subset=["raised_flag_explanations"]).sort_values("academic_year").tail(1)
    return [
        f"{sentence.strip()}."
        for explanations in raised["raised_flag_explanations"]
        for sentence in str(explanations).split("; ")
    ]


def _inspection_rows(inspections: pd.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "published": format_date(r["publication_date"]),
            "type": text(r["inspection_type"]),
            "outcome": text(r["overall_effectiveness_label"]),
            "concern": text(r["category_of_concern_label"]),
            "movement": text(r.get("movement")),
            "school": "predecessor school (URN " + str(int(r["inspected_urn"])) + ")"
            if r["is_inherited_from_predecessor"]
            else "this school",
        }
        for r in inspections.to_dict("records")
    ]


# ---------------------------------------------------------------- areas to investigate


def _areas(
    key_stage: str, rows: pd.DataFrame, data: BookletData, urn: int, rules: dict, rule: DisclosureRule
) -> list[str]:
    """Sentences generated from the school's figures, each stating the figures behind it."""
    sentences = []
    everyone = rows[(rows["pupil_group"] == "all") & rows["has_results"].fillna(False)]
    years = sorted(everyone["academic_year"].unique())
    if not years:
        return sentences
    latest_year = years[-1]
    for row in everyone[everyone["academic_year"] == latest_year].to_dict("records"):
        unit, name = row["unit"], text(row["measure_name"])
        threshold = rules["below_national"].get(str(row["unit"]))
        if threshold is not None and not is_missing(row["vs_national"]) and float(row["vs_national"]) <= -threshold:
            sentences.append(
                f"{key_stage} {name} in {latest_year} was {_fmt(row['value'], unit)}, "
                f"{format_difference(abs(row['vs_national']), unit).lstrip('+')} below national "
                f"({_fmt(row['national_value'], unit)})."
            )
    for _measure, measure_rows in everyone.groupby("measure_code"):
        recent = measure_rows.dropna(subset=["value"]).sort_values("academic_year").tail(rules["declining_years"] + 1)
        values = recent["value"].tolist()
        unit = recent["unit"].iloc[0] if len(recent) else None
        if len(values) == rules["declining_years"] + 1 and all(b < a for a, b in zip(values, values[1:], strict=False)):
            decimals = unit_format(unit)[0]
            if round(values[0], decimals) != round(values[-1], decimals):
                listed = ", ".join(f"{y} {_fmt(v, unit)}" for y, v in zip(recent["academic_year"], values, strict=True))
                measure = text(recent["measure_name"].iloc[0])
                years = rules["declining_years"]
                sentences.append(f"{key_stage} {measure} has fallen in each of the last {years} years: {listed}.")
    progress = everyone[everyone["significance_band"].isin(rules["progress_bands"])]
    for row in (
        progress[progress["academic_year"] == progress["academic_year"].max()].to_dict("records")
        if len(progress)
        else []
    ):
        sentences.append(
            f"{key_stage} {text(row['measure_name'])} in {row['academic_year']} was {_fmt(row['value'], row['unit'])} "
            f"(95% confidence interval {_interval_words(row)}), "
            f"{BAND_WORDS.get(row['significance_band'], row['significance_band'])}."
        )
    gaps = data.gaps[
        (data.gaps["urn"] == urn) & (data.gaps["key_stage"] == key_stage) & (data.gaps["academic_year"] == latest_year)
    ]
    for row in gaps.dropna(subset=["disadvantaged_gap"]).to_dict("records"):
        threshold = rules["gap_wider_than_national"].get(str(row["unit"]))
        national_gap = data.national_gaps.get((row["academic_year"], row["measure_code"]))
        if threshold is None or national_gap is None or is_missing(row["disadvantaged_pupils"]):
            continue
        if rule.is_disclosive(row["disadvantaged_pupils"]):
            continue
        if row["disadvantaged_gap"] <= national_gap - threshold:
            sentences.append(
                f"The {key_stage} disadvantaged gap in {text(row['measure_name'])} in {latest_year} was "
                f"{format_difference(row['disadvantaged_gap'], row['unit'])}, wider than the national gap of "
                f"{format_difference(national_gap, row['unit'])} "
                f"({int(row['disadvantaged_pupils'])} disadvantaged pupils)."
            )
    return sentences
