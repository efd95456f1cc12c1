"""The notes beside the region and statistical-neighbour columns say what they hold, or why they are empty.

dbt computes the figures (unit tests in dbt/models/reporting/rpt_report__la_comparisons.yml); these tests word
them from a rpt_report__comparators row and a few rpt_report__la_comparisons rows.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dagster_project.lib.reports.la_comparators import Comparators, load_comparators, load_comparisons
from dagster_project.lib.reports.report_data import ReportDataError
from dagster_project.lib.warehouse.reader import DuckDBReader

REGION = "Yorkshire and The Humber"


def _comparisons(region_value: float | None, region_las: int | None, sn_value: float | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "academic_year": ["2023-24"],
            "key_stage": ["KS4"],
            "measure_code": ["ks4_attainment8_score"],
            "pupil_group": ["all"],
            "la_value": [48.6],
            "region_value": [region_value],
            "region_las": [region_las],
            "sn_value": [sn_value],
            "sn_las": [0 if sn_value is None else 2],
        }
    )


def test_a_single_la_download_says_why_there_is_no_region_or_neighbour_figure() -> None:
    comparators = Comparators(815, REGION, neighbour_count=2, region_la_total=15)
    comparisons = _comparisons(region_value=None, region_las=1, sn_value=None)
    assert comparators.region_note(comparisons) == (
        "Region figures cannot be computed: the loaded files hold figures for 1 of the 15 local authorities in "
        "Yorkshire and The Humber (a single-LA download holds only its own), so the region column is empty rather "
        "than repeating this LA's own figures."
    )
    assert comparators.neighbours_note(comparisons) == (
        "Statistical-neighbour figures are not available: none of the 2 neighbouring LAs' figures are in the loaded "
        "files (a single-LA download holds only its own)."
    )


def test_region_and_neighbour_figures_are_described_with_how_many_las_they_cover() -> None:
    comparators = Comparators(815, REGION, neighbour_count=10, region_la_total=15)
    comparisons = _comparisons(region_value=48.5, region_las=12, sn_value=47.0)
    assert comparators.region_note(comparisons) == (
        "Region figures are the pupil-weighted average of the local authorities in Yorkshire and The Humber with "
        "figures loaded (up to 12 of the 15)."
    )
    assert comparators.neighbours_note(comparisons) == (
        "Statistical neighbours: the average of 10 most similar LAs (simple mean)."
    )


def test_no_neighbour_list_and_no_known_region_are_said_in_words() -> None:
    comparators = Comparators(815, None, neighbour_count=None)
    comparisons = _comparisons(region_value=None, region_las=None, sn_value=None)
    assert "statistical neighbours list has not been loaded" in comparators.neighbours_note(comparisons)
    assert "the LA's region is not known" in comparators.region_note(comparisons)


def _warehouse(comparators: pd.DataFrame) -> DuckDBReader:
    connection = duckdb.connect()
    connection.register("comparators_frame", comparators)
    connection.execute("create table rpt_report__comparators as select * from comparators_frame")
    later, earlier = _comparisons(48.5, 2, None), _comparisons(48.0, 2, None).assign(academic_year="2022-23")
    comparisons = pd.concat([later, earlier]).assign(
        measure_name="Attainment 8",
        unit="points",
        la_value_reason=None,
        la_pupils=6135.0,
        data_version="final",
        national_value=46.5,
        national_value_reason=None,
    )
    connection.register("comparisons_frame", comparisons)
    connection.execute("create table rpt_report__la_comparisons as select * from comparisons_frame")
    return DuckDBReader(connection)


def test_the_comparators_row_is_read_with_nulls_as_not_known_and_comparisons_in_year_order() -> None:
    row = pd.DataFrame(
        {
            "la_code": [815],
            "region_name": [REGION],
            "region_la_total": pd.Series([None], dtype="Int64"),
            "region_la_minimum": [2],
            "neighbour_count": pd.Series([None], dtype="Int64"),
        }
    )
    connection = _warehouse(row)
    assert load_comparators(connection) == Comparators(815, REGION, neighbour_count=None, region_la_total=None)
    assert load_comparisons(connection)["academic_year"].tolist() == ["2022-23", "2023-24"]


def test_a_comparators_table_without_exactly_one_row_is_refused() -> None:
    row = pd.DataFrame({"la_code": [815, 816], "region_name": [REGION] * 2, "region_la_total": [15] * 2})
    connection = _warehouse(row.assign(region_la_minimum=8, neighbour_count=10))
    with pytest.raises(ReportDataError, match="exactly one row; it has 2"):
        load_comparators(connection)
