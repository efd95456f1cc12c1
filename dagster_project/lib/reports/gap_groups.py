"""Narrowing the gap, pupil groups and subjects: the values of the report's section 4, from the contracted models
rpt_gap__group_comparisons (LA and England) and rpt_gap__group_schools (schools, under disclosure control).

The groups are those the LA selects (setting SI_GAP_REPORT_GROUPS; by default dbt seed pupil_groups'
in_gap_report_by_default), the groups the service documents single out first. A school is named as widening only
with a published figure about at least rule.min_pupils_to_name_school pupils of the group in both years compared,
and only as reports/narrowing_the_gap.yml says (widening in each year; the largest few).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dagster_project.lib.reports.disclosure_control import DisclosureRule, control
from dagster_project.lib.reports.report_data import read_table
from dagster_project.lib.reports.report_text import format_count, format_difference, format_measure, is_missing, text
from dagster_project.lib.warehouse.reader import WarehouseReader
from dagster_project.settings import REPORTS_DIR

COMPARISONS_TABLE = "rpt_gap__group_comparisons"
COMPARISON_COLUMNS = (
    "academic_year",
    "key_stage",
    "measure_code",
    "measure_name",
    "unit",
    "measure_order",
    "group_code",
    "group_name",
    "comparison_description",
    "group_order",
    "in_gap_report_by_default",
    "singled_out_in_service_documents",
    "la_pupils",
    "la_value",
    "la_value_reason",
    "region_name",
    "region_value",
    "statistical_neighbour_value",
    "statistical_neighbour_count",
    "national_value",
    "national_value_reason",
    "la_gap",
    "national_gap",
    "la_gap_change_over_two_years",
    "la_gap_trend",
)
SCHOOLS_TABLE = "rpt_gap__group_schools"
SCHOOL_COLUMNS = (
    "urn",
    "school_name",
    "academic_year",
    "key_stage",
    "measure_code",
    "unit",
    "group_code",
    "group_name",
    "group_pupils",
    "measure_value",
    "measure_value_reason",
    "gap",
    "gap_two_years_earlier",
    "group_pupils_two_years_earlier",
    "gap_change_over_two_years",
    "gap_trend",
    "gap_widened_in_each_year",
    "persistent_absence_pct",
    "national_persistent_absence_pct",
)
# The measures each group is reported on: the key stages' headline measures with group breakdowns.
GROUP_MEASURES = ("ks2_rwm_expected_pct", "ks4_attainment8_score", "ks4_progress8_score")
LISTING_FILE = REPORTS_DIR / "narrowing_the_gap.yml"


@dataclass(frozen=True)
class WideningListing:
    """Which widening school gaps section 4 lists (reports/narrowing_the_gap.yml)."""

    require_widening_in_each_year: bool
    most_listed: int


def load_listing(path: Path = LISTING_FILE) -> WideningListing:
    rules = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["widening_schools"]
    return WideningListing(bool(rules["require_widening_in_each_year"]), int(rules["most_listed"]))


def load_group_tables(connection: WarehouseReader) -> tuple[pd.DataFrame, pd.DataFrame]:
    comparisons = read_table(
        connection, COMPARISONS_TABLE, COMPARISON_COLUMNS, "key_stage, measure_order, group_order, academic_year"
    )
    schools = read_table(connection, SCHOOLS_TABLE, SCHOOL_COLUMNS, "key_stage, measure_code, group_code, urn")
    return comparisons, schools


def selected_groups(comparisons: pd.DataFrame, setting: str) -> list[str]:
    """The groups the report covers, singled-out groups first; an unknown code in the setting is an error."""
    known = comparisons.drop_duplicates("group_code")
    if setting.strip():
        wanted = [code.strip() for code in setting.split(",") if code.strip()]
        unknown = sorted(set(wanted) - set(known["group_code"]))
        if unknown and len(known):
            raise ValueError(
                f"SI_GAP_REPORT_GROUPS names group(s) {', '.join(unknown)} that DfE's files do not publish; "
                f"expected codes of dbt seed pupil_groups: {', '.join(known['group_code'])}"
            )
        chosen = known[known["group_code"].isin(wanted)]
    else:
        chosen = known[known["in_gap_report_by_default"].astype(bool)]
    chosen = chosen.sort_values(["singled_out_in_service_documents", "group_order"], ascending=[False, True])
    return list(chosen["group_code"])


def group_values(
    comparisons: pd.DataFrame,
    schools: pd.DataFrame,
    academic_year: str,
    setting: str,
    rule: DisclosureRule,
    listing: WideningListing | None = None,
) -> dict[str, Any]:
    listing = listing or load_listing()
    groups = selected_groups(comparisons, setting)
    names = dict(zip(comparisons["group_code"], comparisons["group_name"], strict=False))
    measures = []
    for measure_code in GROUP_MEASURES:
        rows = comparisons[(comparisons["measure_code"] == measure_code) & comparisons["group_code"].isin(groups)]
        latest_year = _latest_year(rows, academic_year)
        rows = rows[rows["academic_year"] == latest_year]
        if rows.empty:
            continue
        by_group = {r["group_code"]: r for r in rows.to_dict("records")}
        measures.append(
            {
                "key_stage": text(rows["key_stage"].iloc[0]),
                "measure": text(rows["measure_name"].iloc[0]),
                "measure_code": measure_code,
                "academic_year": latest_year,
                "rows": [_la_row(by_group[g], rule) for g in groups if g in by_group],
                "widening": _widening_schools(schools, measure_code, latest_year, groups, rule, listing),
            }
        )
    regions = comparisons["region_name"].dropna()
    return {
        "group_region": text(regions.iloc[0]) if len(regions) else "Region",
        "widening_in_each_year": listing.require_widening_in_each_year,
        "group_names": [text(names[g]) for g in groups],
        "group_measures": measures,
        "subjects": _subjects(comparisons, academic_year, rule),
    }


def _latest_year(rows: pd.DataFrame, academic_year: str) -> str:
    """The report's year, else the latest before it with an LA figure (e.g. Progress 8, which DfE did not publish
    for 2024-25: its pupils had no KS2 results to measure progress from)."""
    years = sorted(y for y in rows["academic_year"].unique() if y <= academic_year)
    with_figures = sorted(set(rows.loc[rows["la_value"].notna(), "academic_year"]) & set(years))
    return with_figures[-1] if with_figures else years[-1] if years else academic_year


def _la_row(row: dict[str, Any], rule: DisclosureRule) -> dict[str, str]:
    unit = row["unit"]
    la = control(row["la_value"], row["la_pupils"], row["la_value_reason"], rule)
    return {
        "group": text(row["group_name"]),
        "comparison": text(row["comparison_description"]),
        "la_pupils": format_count(row["la_pupils"]),
        "la_value": la.label or format_measure(la.value, unit, row["la_value_reason"]),
        "region_value": format_measure(row["region_value"], unit),
        "statistical_neighbour_value": format_measure(row["statistical_neighbour_value"], unit),
        "national_value": format_measure(row["national_value"], unit, row["national_value_reason"]),
        "la_gap": la.label or format_difference(row["la_gap"], unit),
        "national_gap": format_difference(row["national_gap"], unit),
        "trend": _trend(row["la_gap_trend"]) if la.value is not None else "not shown",
    }


def _trend(trend: Any) -> str:
    return trend if isinstance(trend, str) else "not enough years"


def _widening_schools(
    schools: pd.DataFrame,
    measure_code: str,
    academic_year: str,
    groups: list[str],
    rule: DisclosureRule,
    listing: WideningListing,
) -> dict[str, Any]:
    """Schools whose gap for a reported group widened over two years, largest first: named only with enough
    pupils in both years, at most `listing.most_listed`; the others are counted."""
    widening = (schools["gap_trend"] == "widening") & (
        schools["gap_widened_in_each_year"].astype(bool) if listing.require_widening_in_each_year else True
    )
    rows = schools[
        (schools["measure_code"] == measure_code)
        & (schools["academic_year"] == academic_year)
        & schools["group_code"].isin(groups)
        & widening
    ]
    named, withheld = [], 0
    for r in rows.sort_values(["gap_change_over_two_years", "urn"]).to_dict("records"):
        shown = control(r["measure_value"], r["group_pupils"], r["measure_value_reason"], rule).value is not None
        if (
            shown
            and rule.may_name_school(r["group_pupils"])
            and rule.may_name_school(r["group_pupils_two_years_earlier"])
        ):
            named.append(
                {
                    "school_name": text(r["school_name"]),
                    "urn": str(int(r["urn"])),
                    "group": text(r["group_name"]),
                    "pupils": format_count(r["group_pupils"]),
                    "earlier_gap": format_difference(r["gap_two_years_earlier"], r["unit"]),
                    "gap": format_difference(r["gap"], r["unit"]),
                    "change": format_difference(r["gap_change_over_two_years"], r["unit"]),
                    "persistent_absence": format_measure(
                        r["persistent_absence_pct"], "percent", r.get("persistent_absence_pct_reason"), decimals=1
                    ),
                    "national_persistent_absence": format_measure(
                        r["national_persistent_absence_pct"], "percent", decimals=1
                    ),
                }
            )
        else:
            withheld += 1
    return {
        "named": named[: listing.most_listed],
        "not_listed": len(named[listing.most_listed :]),
        "withheld": withheld,
    }


def _subjects(comparisons: pd.DataFrame, academic_year: str, rule: DisclosureRule) -> list[dict[str, str]]:
    """All pupils' subject measures: the LA against England in the latest year."""
    rows = comparisons[(comparisons["group_code"] == "all") & ~comparisons["measure_code"].isin(GROUP_MEASURES)]
    out = []
    for _, measure_rows in rows.groupby(["key_stage", "measure_order"], sort=True):
        latest = measure_rows[measure_rows["academic_year"] == _latest_year(measure_rows, academic_year)]
        if latest.empty:
            continue
        r = latest.iloc[0].to_dict()
        la = control(r["la_value"], r["la_pupils"], r["la_value_reason"], rule)
        out.append(
            {
                "key_stage": text(r["key_stage"]),
                "measure": text(r["measure_name"]),
                "year": r["academic_year"],
                "la_value": la.label or format_measure(la.value, r["unit"], r["la_value_reason"]),
                "national_value": format_measure(r["national_value"], r["unit"], r["national_value_reason"]),
                "difference": la.label or format_difference(r["la_gap"], r["unit"]),
            }
        )
    return out


def school_group_tables(
    comparisons: pd.DataFrame, schools: pd.DataFrame, urn: int, rule: DisclosureRule
) -> list[dict[str, Any]]:
    """One school's pupil groups for its booklet, a table per headline measure in its latest year with the school's
    figures: every group the files publish for the school (seed order), against England's same group, with the
    gap and its trend. A group neither the school nor England has a figure for is left out."""
    own = schools[(schools["urn"] == urn) & (schools["group_code"] != "all")]
    # unique by (year, measure, group) once 'pupils' (a measure of each key stage) is left out
    national = comparisons[comparisons["measure_code"].isin(GROUP_MEASURES)].set_index(
        ["academic_year", "measure_code", "group_code"]
    )
    tables = []
    for measure_code in GROUP_MEASURES:
        rows = own[own["measure_code"] == measure_code]
        with_figures = rows[rows["measure_value"].notna()]
        if with_figures.empty:
            continue
        year = with_figures["academic_year"].max()
        out = []
        for r in rows[rows["academic_year"] == year].to_dict("records"):
            key = (year, measure_code, r["group_code"])
            if key not in national.index:
                continue
            same = national.loc[key].to_dict()
            if is_missing(r["measure_value"]) and is_missing(same["national_value"]):
                continue
            school = control(r["measure_value"], r["group_pupils"], r["measure_value_reason"], rule)
            out.append(
                {
                    "order": same["group_order"],
                    "group": text(r["group_name"]),
                    "pupils": format_count(r["group_pupils"]),
                    "school_value": school.label or format_measure(school.value, r["unit"], r["measure_value_reason"]),
                    "national_value": format_measure(same["national_value"], r["unit"], same["national_value_reason"]),
                    "gap": school.label or format_difference(r["gap"], r["unit"]),
                    "trend": _trend(r["gap_trend"]) if school.value is not None else "not shown",
                }
            )
        if out:
            tables.append(
                {
                    "key_stage": text(with_figures["key_stage"].iloc[0]),
                    "measure": text(
                        comparisons.loc[comparisons["measure_code"] == measure_code, "measure_name"].iloc[0]
                    ),
                    "measure_code": measure_code,
                    "year": text(year),
                    "rows": sorted(out, key=lambda row: row["order"]),
                }
            )
    return tables
