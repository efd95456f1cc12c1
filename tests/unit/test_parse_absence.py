"""england_abs.csv: both persistent-absence definitions, national rows, special values, year agreement."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import absence


def _file(tmp_path: Path, header: str, rows: list[str]) -> Path:
    path = tmp_path / "england_abs.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


ROWS = ["991,2001,900001,4.3,11", "991,2002,900002,SUPP,SUPP", "NAT,PRI,,4,8.2", "NAT,SEC,,5.5,13.7"]


def test_ten_percent_file_with_national_rows(tmp_path: Path) -> None:
    frame = absence.parse(_file(tmp_path, "LA,ESTAB,URN,PERCTOT,PPERSABS10", ROWS), academic_year="2018-19")
    assert list(frame["record_type"]) == ["school", "school", "national", "national"]
    assert frame.loc[0, "ppersabs"] == 11 and frame.loc[0, "persistent_absence_threshold_pct"] == 10
    assert frame.loc[1, "perctot_reason"] == "SUPP" and frame["perctot"].isna().iloc[1]
    assert frame.loc[2, "estab"] == "PRI" and frame["urn"].isna().iloc[2] and frame["la"].isna().iloc[2]


def test_fifteen_percent_file_before_2015_16(tmp_path: Path) -> None:
    frame = absence.parse(_file(tmp_path, "LA,ESTAB,URN,PERCTOT,PPERSABS15", ROWS), academic_year="2012-13")
    assert set(frame["persistent_absence_threshold_pct"]) == {15}


@pytest.mark.parametrize(("header", "year"), [("PPERSABS15", "2018-19"), ("PPERSABS10", "2014-15")])
def test_a_definition_that_does_not_match_the_year_is_refused(tmp_path: Path, header: str, year: str) -> None:
    with pytest.raises(SourceFormatError, match="persistent-absence definition") as caught:
        absence.parse(_file(tmp_path, f"LA,ESTAB,URN,PERCTOT,{header}", ROWS), academic_year=year)
    assert caught.value.column == header


def test_neither_or_both_persistent_absence_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="exactly one persistent-absence column"):
        absence.parse(_file(tmp_path, "LA,ESTAB,URN,PERCTOT,PPERSABS20", ROWS), academic_year="2018-19")


# --- EES tidy school file (1a_absence_3term_school), 2024-25 on ---------------------------------------------------

EES_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
    "new_la_code,la_name,education_phase,school_name,estab,school_laestab,school_urn,enrolments,sess_possible,"
    "sess_overall,sess_authorised,sess_unauthorised,sess_overall_percent,sess_authorised_percent,"
    "sess_unauthorised_percent,enrolments_pa_10_exact,enrolments_pa_10_exact_percent,enrolments_pa_50_exact,"
    "enrolments_pa_50_exact_percent"
)
_AREA = "202425,Academic year,{level},E92000001,England,{region},{region_name},{la},{new_la},{la_name},{phase},"
EES_ROWS = [
    _AREA.format(level="School", region="E12000008", region_name="South East", la="991", new_la="E06000991",
                 la_name="Kingsmere", phase="State-funded primary")
    + "Alpha Primary,2001,9912001,900001,200,64000,3200,2200,1000,5,3.4375,1.5625,30,15,2,1",
    _AREA.format(level="School", region="E12000008", region_name="South East", la="991", new_la="E06000991",
                 la_name="Kingsmere", phase="Special")
    + "Beta School,7001,9917001,900002,c,c,c,c,c,c,c,c,c,c,c,low",
    _AREA.format(level="Local authority", region="E12000008", region_name="South East", la="991",
                 new_la="E06000991", la_name="Kingsmere", phase="Total")
    + ",,,,200,64000,3200,2200,1000,5,3.4375,1.5625,30,15,2,1",
    _AREA.format(level="Regional", region="E12000008", region_name="South East", la="", new_la="", la_name="",
                 phase="Total")
    + ",,,,900,288000,14400,9900,4500,5,3.4375,1.5625,135,15,9,1",
    _AREA.format(level="National", region="", region_name="", la="", new_la="", la_name="",
                 phase="State-funded primary")
    + ",,,,1000,320000,19200,13000,6200,6,4.0625,1.9375,170,17,12,1.2",
]  # fmt: skip


def _ees_file(tmp_path: Path, rows: list[str], name: str = "1a_absence_3term_school.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([EES_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_ees_school_file_maps_onto_the_same_raw_columns(tmp_path: Path) -> None:
    frame = absence.parse(_ees_file(tmp_path, EES_ROWS), academic_year="2024-25", data_version="final")
    # Regional rows are not kept; schools, the LA and England are, each with the file's phase.
    assert list(frame["record_type"]) == ["school", "school", "local_authority", "national"]
    assert list(frame["education_phase"]) == ["PRI", "SPE", "ALL", "PRI"]
    school = frame.iloc[0]
    assert (school["urn"], school["la"], school["estab"]) == (900001, 991, "2001")
    assert (school["perctot"], school["ppersabs"], school["severe_absence_pct"]) == (5, 15, 1)
    assert (school["authorised_pct"], school["unauthorised_pct"]) == (3.4375, 1.5625)
    assert (school["enrolments"], school["persistent_absentees"]) == (200, 30)
    assert school["persistent_absence_threshold_pct"] == 10 and school["file_layout"] == "ees_tidy"
    # GSS symbols keep their reasons: 'c' suppressed, 'low' a positive value rounding to zero.
    suppressed = frame.iloc[1]
    assert pd.isna(suppressed["perctot"]) and suppressed["perctot_reason"] == "c"
    assert suppressed["severe_absence_pct_reason"] == "low"
    assert pd.isna(frame.iloc[3]["la"]) and frame.iloc[3]["estab"] == "PRI"
    # Row numbers are the file's, also after the regional row is dropped.
    assert list(frame["source_row_number"]) == [1, 2, 3, 5]


def test_a_file_of_several_years_gives_the_folder_s_year(tmp_path: Path) -> None:
    earlier = [row.replace("202425", "202324", 1).replace(",5,3.4375", ",7,3.4375") for row in EES_ROWS]
    path = _ees_file(tmp_path, [*earlier, *EES_ROWS])
    frame = absence.parse(path, academic_year="2024-25")
    assert len(frame) == 4 and set(frame["perctot"].dropna()) == {5, 6}
    assert list(frame["source_row_number"]) == [6, 7, 8, 10]  # the file's own rows
    assert set(absence.parse(path, academic_year="2023-24")["perctot"].dropna()) == {7, 6}


def test_a_school_file_without_england_s_rows_is_complete(tmp_path: Path) -> None:
    """DfE's school file holds school rows only (England and LAs are in 1_absence_3term_nat_reg_la)."""
    school = EES_ROWS[0]
    rows = [school.replace(",2001,9912001,900001,", f",{2001 + i},{9912001 + i},{900001 + i},") for i in range(30)]
    frame = absence.parse(_ees_file(tmp_path, rows), academic_year="2024-25")
    assert len(frame) == 30 and set(frame["record_type"]) == {"school"}


def test_ees_rates_recompute_from_the_counts(tmp_path: Path) -> None:
    frame = absence.parse(_ees_file(tmp_path, EES_ROWS), academic_year="2024-25")
    for row in frame.dropna(subset=["sessions_possible"]).to_dict("records"):
        assert row["perctot"] == pytest.approx(100 * row["sessions_missed"] / row["sessions_possible"])
        assert row["ppersabs"] == pytest.approx(100 * row["persistent_absentees"] / row["enrolments"])


def test_performance_table_rows_carry_no_ees_measures(tmp_path: Path) -> None:
    frame = absence.parse(_file(tmp_path, "LA,ESTAB,URN,PERCTOT,PPERSABS10", ROWS), academic_year="2018-19")
    assert frame["severe_absence_pct"].isna().all() and set(frame["file_layout"]) == {"performance_tables"}
    assert list(frame["education_phase"].fillna("-")) == ["-", "-", "PRI", "SEC"]


@pytest.mark.parametrize(
    ("rows", "year", "column", "message"),
    [
        (EES_ROWS, "2023-24", "time_period", "no rows for 2023-24 .time_period 202324.; the file holds 202425"),
        ([EES_ROWS[0].replace("State-funded primary", "Nursery")], "2024-25", "education_phase",
         "unknown education_phase"),
        ([EES_ROWS[0].replace("School,", "Ward,", 1)], "2024-25", "geographic_level", "unknown geographic_level"),
        ([EES_ROWS[0].replace(",900001,", ",,")], "2024-25", "school_urn", "a school row has no school_urn"),
        ([EES_ROWS[0], EES_ROWS[0]], "2024-25", "school_urn", "appears on more than one data row"),
        ([EES_ROWS[0].replace(",5,3.4375", ",SUPP,3.4375")], "2024-25", "sess_overall_percent", "SUPP"),
    ],
)  # fmt: skip
def test_ees_file_refusals_name_the_cell(tmp_path: Path, rows: list[str], year: str, column: str, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message) as caught:
        absence.parse(_ees_file(tmp_path, rows), academic_year=year)
    assert caught.value.column == column


def test_an_ees_file_before_the_ten_percent_definition_is_refused(tmp_path: Path) -> None:
    rows = [row.replace("202425", "201415", 1) for row in EES_ROWS]
    with pytest.raises(SourceFormatError, match="10% persistent-absence definition"):
        absence.parse(_ees_file(tmp_path, rows), academic_year="2014-15")
