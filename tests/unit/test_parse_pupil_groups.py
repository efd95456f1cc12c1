"""Pupil-group and subject columns (dbt seed pupil_group_columns) read from DfE's real files, in place."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.sources import ks2, ks4

pytestmark = pytest.mark.real_reference

# The real 2018-19 KS2 file for LA 936: each group's figure and its cohort column
KS2_GROUPS = [
    ("ptrwm_exp_b", "belig"),
    ("ptrwm_exp_g", "gelig"),
    ("ptrwm_exp_mobn", "tmobn"),
    ("ptrwm_exp_h", "tks1group_h"),
]


@pytest.fixture(scope="module")
def ks2_frame(reference_dir: Path) -> pd.DataFrame:
    return ks2.parse(reference_dir / "ks2" / "2018-19_LA936_ks2.csv", academic_year="2018-19", data_version="final")


@pytest.mark.parametrize(("value", "cohort"), KS2_GROUPS)
def test_the_la_group_figure_is_its_schools_figures_weighted_by_their_group_pupils(
    ks2_frame: pd.DataFrame, value: str, cohort: str
) -> None:
    """DfE's LA row recomputed from school rows: where the schools' published figures cover at least 99% of the
    LA's group, their pupil-weighted mean is within half a point of the LA's figure (school figures are whole
    percentages, so the mean can drift by rounding, never by more)."""
    schools = ks2_frame[ks2_frame["record_type"].isin(["mainstream_school", "special_school"])]
    la = ks2_frame[ks2_frame["record_type"] == "local_authority"].iloc[0]
    published = schools[schools[value].notna()]
    assert published[cohort].sum() >= 0.99 * la[cohort]
    recomputed = (published[cohort] * published[value]).sum() / published[cohort].sum()
    assert abs(recomputed - la[value]) <= 0.5, (value, recomputed, la[value])


def test_suppressed_group_figures_keep_dfe_s_reason(ks2_frame: pd.DataFrame) -> None:
    reasons = set(ks2_frame["ptrwm_exp_eal_reason"].dropna())
    assert "SUPP" in reasons
    assert ks2_frame.loc[ks2_frame["ptrwm_exp_eal_reason"] == "SUPP", "ptrwm_exp_eal"].isna().all()


@pytest.mark.parametrize(
    ("path", "year", "layout"),
    [
        ("more/dfe_performance_tables_LA815_EnglishDevil/815_2017_ks4final.csv", "2016-17", "ks4_cscp_2016_17"),
        ("more/dfe_performance_tables_LA815_EnglishDevil/815_2018_ks4final.csv", "2017-18", "ks4_cscp"),
        ("dfe/ks4/2018-19_LA936_ks4final.csv", "2018-19", "ks4_cscp"),
    ],
)
def test_every_ks4_group_column_is_read_from_the_full_layouts(
    reference_dir: Path, path: str, year: str, layout: str
) -> None:
    frame = ks4.parse(reference_dir.parent / path, academic_year=year, data_version="final")
    assert set(frame["file_layout"]) == {layout}
    la = frame[frame["record_type"] == "local_authority"].iloc[0]
    for column in ks4.GROUP_MEASURES:
        assert pd.notna(la[column]), (path, column, la[f"{column}_reason"])
    # boys and girls make up the cohort
    assert la["bpup"] + la["gpup"] == la["tpup"]


def test_the_provisional_headline_file_has_no_group_breakdowns(reference_dir: Path) -> None:
    path = reference_dir.parent / "more/dfe_performance_tables_LA815_EnglishDevil/815_2019_ks4provisional.csv"
    frame = ks4.parse(path, academic_year="2018-19", data_version="provisional")
    assert set(frame["file_layout"]) == {"ks4_cscp_headline"}
    for column in ks4.GROUP_MEASURES:
        assert frame[column].isna().all() and set(frame[f"{column}_reason"]) == {"NP"}, column
