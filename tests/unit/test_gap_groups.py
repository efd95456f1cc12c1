"""Section 4 of the narrowing-the-gap report: which widening school gaps it lists, under disclosure control."""

from __future__ import annotations

import pandas as pd
import pytest

from dagster_project.lib.reports.disclosure_control import load_rule
from dagster_project.lib.reports.gap_groups import SCHOOL_COLUMNS, WideningListing, _widening_schools, load_listing

YEAR = "2024-25"
MEASURE = "ks2_rwm_expected_pct"


def _school(urn: int, change: float, *, each_year: bool = True, pupils: int = 30, earlier_pupils: int = 30) -> dict:
    return {
        "urn": urn,
        "school_name": f"School {urn}",
        "academic_year": YEAR,
        "key_stage": "KS2",
        "measure_code": MEASURE,
        "unit": "percent",
        "group_code": "boys",
        "group_name": "Boys",
        "group_pupils": pupils,
        "measure_value": 40.0,
        "measure_value_reason": None,
        "gap": -20.0,
        "gap_two_years_earlier": -20.0 - change,
        "group_pupils_two_years_earlier": earlier_pupils,
        "gap_change_over_two_years": change,
        "gap_trend": "widening",
        "gap_widened_in_each_year": each_year,
        "persistent_absence_pct": 12.0 + urn % 10,
        "national_persistent_absence_pct": 17.7,
    }


@pytest.fixture
def rule():
    return load_rule(environ={})


def _listed(rows: list[dict], rule, listing: WideningListing) -> dict:
    schools = pd.DataFrame(rows, columns=list(SCHOOL_COLUMNS))
    return _widening_schools(schools, MEASURE, YEAR, ["boys"], rule, listing)


def test_the_list_is_capped_largest_widening_first_and_the_rest_counted(rule):
    rows = [_school(900000 + i, -5.0 - i) for i in range(14)]
    listed = _listed(rows, rule, WideningListing(require_widening_in_each_year=True, most_listed=10))

    assert [r["urn"] for r in listed["named"]] == [str(900000 + i) for i in range(13, 3, -1)]
    assert listed["not_listed"] == 4 and listed["withheld"] == 0


def test_a_gap_that_widened_in_only_one_of_the_two_years_is_listed_only_when_the_rule_allows(rule):
    rows = [_school(900001, -20.0, each_year=False), _school(900002, -8.0)]

    strict = _listed(rows, rule, WideningListing(require_widening_in_each_year=True, most_listed=10))
    lenient = _listed(rows, rule, WideningListing(require_widening_in_each_year=False, most_listed=10))

    assert [r["urn"] for r in strict["named"]] == ["900002"]
    assert [r["urn"] for r in lenient["named"]] == ["900001", "900002"]


def test_a_small_group_in_either_year_is_counted_never_named(rule):
    few = rule.min_pupils_to_name_school - 1
    rows = [_school(900001, -9.0, pupils=few), _school(900002, -9.0, earlier_pupils=few), _school(900003, -6.0)]

    listed = _listed(rows, rule, WideningListing(require_widening_in_each_year=True, most_listed=1))

    assert [r["urn"] for r in listed["named"]] == ["900003"]
    assert listed["withheld"] == 2 and listed["not_listed"] == 0


def test_each_listed_school_shows_its_persistent_absence_beside_englands(rule):
    rows = [_school(900003, -9.0), {**_school(900004, -6.0), "persistent_absence_pct": None}]

    listed = _listed(rows, rule, WideningListing(require_widening_in_each_year=True, most_listed=10))

    assert [(r["persistent_absence"], r["national_persistent_absence"]) for r in listed["named"]] == [
        ("15.0%", "17.7%"),
        ("no data", "17.7%"),
    ]


def test_the_report_s_listing_rules_load_from_the_reports_folder():
    listing = load_listing()
    assert listing.most_listed > 0 and isinstance(listing.require_widening_in_each_year, bool)


def test_a_measure_not_published_in_the_report_s_year_shows_its_latest_year_with_figures(rule):
    from dagster_project.lib.reports.gap_groups import COMPARISON_COLUMNS, group_values

    def comparison(year: str, group: str, la_value: float | None) -> dict:
        row = dict.fromkeys(COMPARISON_COLUMNS)
        return row | {
            "academic_year": year,
            "key_stage": "KS4",
            "measure_code": "ks4_progress8_score",
            "measure_name": "Progress 8",
            "unit": "progress score",
            "group_code": group,
            "group_name": group,
            "group_order": 1,
            "in_gap_report_by_default": True,
            "singled_out_in_service_documents": False,
            "la_pupils": 100,
            "la_value": la_value,
            "national_value": 0.1,
        }

    comparisons = pd.DataFrame(
        [comparison("2023-24", "boys", -0.2), comparison("2024-25", "boys", None)], columns=list(COMPARISON_COLUMNS)
    )
    schools = pd.DataFrame(columns=list(SCHOOL_COLUMNS))

    values = group_values(comparisons, schools, YEAR, "", rule)

    (section,) = values["group_measures"]
    assert section["academic_year"] == "2023-24"
    assert section["rows"][0]["la_value"] != "no data"


def test_a_school_s_small_group_is_suppressed_and_a_group_nobody_publishes_is_left_out(rule):
    from dagster_project.lib.reports.gap_groups import COMPARISON_COLUMNS, school_group_tables

    def national(group: str, order: int, value: float | None) -> dict:
        return dict.fromkeys(COMPARISON_COLUMNS) | {
            "academic_year": YEAR,
            "measure_code": MEASURE,
            "measure_name": "RWM expected",
            "group_code": group,
            "group_order": order,
            "national_value": value,
        }

    comparisons = pd.DataFrame(
        [national("girls", 2, 70.0), national("boys", 1, 60.0), national("low_prior", 3, None)],
        columns=list(COMPARISON_COLUMNS),
    )
    schools = pd.DataFrame(
        [
            _school(900001, -9.0) | {"group_code": "boys", "group_name": "Boys"},
            _school(900001, 0.0, pupils=rule.max_suppressed_pupils) | {"group_code": "girls", "group_name": "Girls"},
            _school(900001, 0.0) | {"group_code": "low_prior", "group_name": "Low", "measure_value": None},
        ],
        columns=list(SCHOOL_COLUMNS),
    )

    (table,) = school_group_tables(comparisons, schools, 900001, rule)

    assert [row["group"] for row in table["rows"]] == ["Boys", "Girls"]
    boys, girls = table["rows"]
    assert boys["school_value"] == "40%" and boys["trend"] == "widening"
    assert girls["school_value"] == girls["gap"] == rule.local_label and girls["trend"] == "not shown"
