"""Narrowing the gap, pupil groups and subjects: the values of the report's section 4, from the contracted models
rpt_gap__group_comparisons (LA and England) and rpt_gap__group_schools (schools, under disclosure control).

The groups are those the LA selects (setting SI_GAP_REPORT_GROUPS; by default dbt seed pupil_groups'
in_gap_report_by_default), the groups the service documents single out first. A school is named as widening only
with a published figure about at least rule.min_pupils_to_name_school pupils of the group in both years compared.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from dagster_project.lib.disclosure_control import DisclosureRule, control
from dagster_project.lib.report_data import read_table
from dagster_project.lib.report_text import format_count, format_difference, format_measure, text

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
)
# The measures each group is reported on: the key stages' headline measures with group breakdowns.
GROUP_MEASURES = ("ks2_rwm_expected_pct", "ks4_attainment8_score", "ks4_progress8_score")
TREND_WORDS = {"widening": "widening", "closing": "closing", "no clear change": "no clear change"}


def load_group_tables(connection: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    comparisons: pd.DataFrame, schools: pd.DataFrame, academic_year: str, setting: str, rule: DisclosureRule
) -> dict[str, Any]:
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
                "widening": _widening_schools(schools, measure_code, latest_year, groups, rule),
            }
        )
    return {
        "group_names": [text(names[g]) for g in groups],
        "group_measures": measures,
        "subjects": _subjects(comparisons, academic_year, rule),
    }


def _latest_year(rows: pd.DataFrame, academic_year: str) -> str:
    years = sorted(y for y in rows["academic_year"].unique() if y <= academic_year)
    return years[-1] if years else academic_year


def _la_row(row: dict[str, Any], rule: DisclosureRule) -> dict[str, str]:
    unit = row["unit"]
    la = control(row["la_value"], row["la_pupils"], row["la_value_reason"], rule)
    return {
        "group": text(row["group_name"]),
        "comparison": text(row["comparison_description"]),
        "la_pupils": format_count(row["la_pupils"]),
        "la_value": la.label or format_measure(la.value, unit, row["la_value_reason"]),
        "national_value": format_measure(row["national_value"], unit, row["national_value_reason"]),
        "la_gap": la.label or format_difference(row["la_gap"], unit),
        "national_gap": format_difference(row["national_gap"], unit),
        "trend": TREND_WORDS.get(row["la_gap_trend"], "not enough years") if la.value is not None else "not shown",
    }


def _widening_schools(
    schools: pd.DataFrame, measure_code: str, academic_year: str, groups: list[str], rule: DisclosureRule
) -> dict[str, Any]:
    """Schools whose gap for a reported group widened over two years: named only with enough pupils in both."""
    rows = schools[
        (schools["measure_code"] == measure_code)
        & (schools["academic_year"] == academic_year)
        & schools["group_code"].isin(groups)
        & (schools["gap_trend"] == "widening")
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
                }
            )
        else:
            withheld += 1
    return {"named": named, "withheld": withheld}


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
