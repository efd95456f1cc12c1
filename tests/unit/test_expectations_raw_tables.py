"""Every raw table has a GX suite citing its publisher, and DfE's, GIAS's and LAIT's real files meet them."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.defs.ingest.assets import RAW_TABLES
from dagster_project.lib.quality.expectations import (
    file_scoped_expectations,
    minimum_rows,
    suite_definition,
    suite_path,
    validate_dataframe,
)
from dagster_project.lib.sources import (
    absence,
    census,
    gias,
    ks2,
    ks4,
    ks4_destinations,
    la_codes,
    school_information,
    statistical_neighbours,
)

NO_PREVIOUS_FILE = {"min_open_establishments": 0, "min_links": 0, "min_school_rows": 0}

# (suite, reference file under ../shared/reference, parser): the real layouts this project reads today.
REAL_FILES: list[tuple[str, str, Callable[[Path], pd.DataFrame]]] = [
    (
        "raw_gias_establishments",
        "dfe/gias/2021_936_gias.csv",
        lambda p: gias.parse_establishments(p, data_version="2021-05-07"),
    ),
    (
        "raw_gias_links",
        "more/gias/links_edubasealldata20250422.csv",
        lambda p: gias.parse_links(p, data_version="2025-04-22"),
    ),
    (
        "raw_gias_links",
        "dfe/gias/2021_936_giaslinks_nonstandard_types.csv",
        lambda p: gias.parse_links(p, data_version="2021-05-07"),
    ),
    ("raw_ks2", "dfe/ks2/2018-19_LA936_ks2.csv", lambda p: ks2.parse(p, academic_year="2018-19", data_version="final")),
    (
        "raw_ks4",
        "dfe/ks4/2018-19_LA936_ks4final.csv",
        lambda p: ks4.parse(p, academic_year="2018-19", data_version="final"),
    ),
    (
        "raw_ks4",
        "more/dfe_performance_tables_LA815_EnglishDevil/815_2018_ks4final.csv",
        lambda p: ks4.parse(p, academic_year="2017-18", data_version="final"),
    ),
    (
        "raw_ks4",
        "more/dfe_performance_tables_LA815_EnglishDevil/815_2017_ks4final.csv",
        lambda p: ks4.parse(p, academic_year="2016-17", data_version="final"),
    ),
    (
        "raw_ks4",
        "more/dfe_performance_tables_LA815_EnglishDevil/815_2019_ks4provisional.csv",
        lambda p: ks4.parse(p, academic_year="2018-19", data_version="provisional"),
    ),
    (
        "raw_school_information",
        "more/dfe_performance_tables_LA815_EnglishDevil/815_spine.csv",
        lambda p: school_information.parse(p, academic_year="2018-19", data_version="final"),
    ),
    (
        "raw_census",
        "more/dfe_performance_tables_KSPDeveloper/england_census.csv",
        lambda p: census.parse(p, academic_year="2018-19", data_version="final"),
    ),
    (
        "raw_absence",
        "more/dfe_performance_tables_KSPDeveloper/england_abs.csv",
        lambda p: absence.parse(p, academic_year="2018-19"),
    ),
    (
        "raw_absence",
        "dfe/census_absence/england_abs_PPERSABS15_2012-13_excerpt.csv",
        lambda p: absence.parse(p, academic_year="2012-13"),
    ),
    (
        "raw_ks4_destinations",
        "more/dfe_performance_tables_KSPDeveloper/england_ks4-pupdest.csv",
        lambda p: ks4_destinations.parse(p, academic_year="2018-19", data_version="final"),
    ),
    ("raw_la_codes", "dfe/statistical_neighbours/la_code_list.csv", la_codes.parse),
    ("raw_statistical_neighbours", "dfe/statistical_neighbours/sn_may_2025.xlsx", statistical_neighbours.parse),
    ("raw_statistical_neighbours", "dfe/statistical_neighbours/sn_april_2021.csv", statistical_neighbours.parse),
]


def test_every_raw_table_has_a_suite_citing_its_publisher_and_a_check_for_files_cut_short() -> None:
    for spec in RAW_TABLES:
        assert suite_path(spec.table).exists(), spec.table
        meta = suite_definition(spec.table)["meta"]
        assert meta["source"] and meta["publisher_documentation"], spec.table
    yearly_and_registers = {
        "raw_gias_establishments",
        "raw_gias_links",
        "raw_ks2",
        "raw_ks4",
        "raw_census",
        "raw_absence",
        "raw_ks4_destinations",
        "raw_suspensions",
        "raw_ks5",
        "raw_ks5_national",
    }
    assert {spec.table for spec in RAW_TABLES if file_scoped_expectations(spec.table)} == yearly_and_registers


@pytest.mark.real_reference
@pytest.mark.parametrize(
    ("suite", "relative", "parse"), REAL_FILES, ids=[f"{s}:{Path(r).name}" for s, r, _ in REAL_FILES]
)
def test_real_files_meet_every_expectation_of_their_table(reference_dir: Path, suite, relative, parse) -> None:
    frame = parse(reference_dir.parent / relative)
    outcome = validate_dataframe(frame, suite, file_parameters=NO_PREVIOUS_FILE)
    assert outcome.success, [f.describe() for f in outcome.failures]
    assert outcome.evaluated == len(suite_definition(suite)["expectations"])


@pytest.fixture(scope="module")
def national_census(reference_dir: Path) -> pd.DataFrame:
    path = reference_dir.parent / "more/dfe_performance_tables_KSPDeveloper/england_census.csv"
    return census.parse(path, academic_year="2018-19", data_version="final")


@pytest.mark.real_reference
def test_a_single_la_census_download_is_compared_with_that_las_rows_of_the_national_file(national_census) -> None:
    (check,) = file_scoped_expectations("raw_census")
    meta, condition = check["meta"], check["kwargs"]["row_condition"]
    schools = national_census[national_census["urn"].notna()]
    one_la = schools[schools["la"] == 815]
    expected = math.floor(len(one_la) * meta["min_fraction"])
    assert expected > 300
    found = minimum_rows(
        national_census, one_la, row_condition=condition, one_la_column="la", fraction=meta["min_fraction"]
    )
    assert found == expected
    assert validate_dataframe(one_la, "raw_census", file_parameters={"min_school_rows": found}).success


@pytest.mark.real_reference
def test_a_national_census_file_that_lost_its_last_las_is_refused_for_too_few_school_rows(national_census) -> None:
    (check,) = file_scoped_expectations("raw_census")
    cut = national_census.iloc[: int(len(national_census) * 0.6)]
    minimum = minimum_rows(
        national_census, cut, row_condition=check["kwargs"]["row_condition"], one_la_column="la", fraction=0.9
    )
    assert minimum == math.floor(national_census["urn"].notna().sum() * 0.9)

    outcome = validate_dataframe(cut, "raw_census", file_parameters={"min_school_rows": minimum})

    (failure,) = outcome.failures
    assert failure.expectation_type == "expect_table_row_count_to_be_between"
    assert failure.observed_value == cut["urn"].notna().sum() < minimum
    assert failure.describe().endswith(f"found {failure.observed_value} where at least {minimum} were expected")


@pytest.mark.real_reference
def test_the_table_check_leaves_out_the_file_only_expectations(national_census) -> None:
    """The blocking asset check validates a whole table, which has no 'last good file' to compare with."""
    three_schools = national_census.head(3)
    with_file_checks = validate_dataframe(three_schools, "raw_census", file_parameters={"min_school_rows": 5})
    table_only = validate_dataframe(three_schools, "raw_census")
    assert with_file_checks.evaluated == table_only.evaluated + 1
    assert [f.expectation_type for f in with_file_checks.failures] == ["expect_table_row_count_to_be_between"]
    assert table_only.success
