"""The GX suite for raw_ks2 passes DfE's real file and names what is wrong in a damaged one."""

import pandas as pd
import pytest

from dagster_project.lib.quality.expectations import validate_dataframe
from dagster_project.lib.sources import ks2

ID_COLUMNS = ["source_row_number", "urn"]


@pytest.fixture(scope="module")
def real_ks2_frame(reference_dir):
    return ks2.parse(reference_dir / "ks2" / "2018-19_LA936_ks2.csv", academic_year="2018-19", data_version="final")


@pytest.mark.real_reference
def test_real_2018_19_ks2_file_meets_every_expectation(real_ks2_frame):
    outcome = validate_dataframe(real_ks2_frame, "raw_ks2", id_columns=ID_COLUMNS)
    assert outcome.success, outcome.failures
    assert outcome.evaluated > 40


@pytest.mark.real_reference
def test_percentage_over_100_fails_with_the_offending_row(real_ks2_frame):
    damaged = real_ks2_frame.copy()
    row = damaged.index[damaged["rectype"] == 1][0]
    damaged.loc[row, "ptrwm_exp"] = 150.0

    outcome = validate_dataframe(damaged, "raw_ks2", id_columns=ID_COLUMNS)

    assert not outcome.success
    (failure,) = [f for f in outcome.failures if f.column == "ptrwm_exp"]
    assert failure.unexpected_count == 1
    assert failure.sample_unexpected == [150.0]
    assert failure.sample_rows == [
        {"source_row_number": int(damaged.loc[row, "source_row_number"]), "urn": int(damaged.loc[row, "urn"])}
    ]
    assert "between 0 and 100" in failure.why


@pytest.mark.real_reference
def test_duplicated_school_row_fails_uniqueness(real_ks2_frame):
    schools = real_ks2_frame[real_ks2_frame["rectype"] == 1]
    damaged = pd.concat([real_ks2_frame, schools.iloc[[0]]], ignore_index=True)

    outcome = validate_dataframe(damaged, "raw_ks2", id_columns=ID_COLUMNS)

    assert [f.expectation_type for f in outcome.failures] == ["expect_compound_columns_to_be_unique"]
