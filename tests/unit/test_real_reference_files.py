"""Parsers against REAL DfE / GIAS files read in place from ../shared/reference (never copied into the repo).

Surrey (LA 936) 2018-19 KS2 and KS4 downloads, the 2021 GIAS export and links, and a census excerpt. Expected
figures are read from the files independently (csv module) or are values published for Surrey in 2018-19.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.lib.dfe_csv import read_dfe_csv
from dagster_project.lib.source_files import SourceFile
from dagster_project.lib.sources import census, gias, ks2, ks4
from dagster_project.lib.warehouse_load import ingest_source

pytestmark = pytest.mark.real_reference


def _raw_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def ks2_path(reference_dir: Path) -> Path:
    return reference_dir / "ks2" / "2018-19_LA936_ks2.csv"


@pytest.fixture(scope="module")
def ks4_path(reference_dir: Path) -> Path:
    return reference_dir / "ks4" / "2018-19_LA936_ks4final.csv"


@pytest.fixture(scope="module")
def ks2_frame(ks2_path: Path) -> pd.DataFrame:
    return ks2.parse(ks2_path, academic_year="2018-19", data_version="final")


@pytest.fixture(scope="module")
def ks4_frame(ks4_path: Path) -> pd.DataFrame:
    return ks4.parse(ks4_path, academic_year="2018-19", data_version="final")


def test_real_ks2_keeps_every_row_and_reads_the_bom_file_as_utf8(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    _, rows = _raw_rows(ks2_path)
    assert len(ks2_frame) == len(rows) == 242
    assert read_dfe_csv(ks2_path, ks2.COLUMNS).encoding == "utf-8-sig"
    counts = ks2_frame["record_type"].value_counts().to_dict()
    assert counts == {
        "mainstream_school": 223,
        "special_school": 16,
        "local_authority": 1,
        "national_all_schools": 1,
        "national_state_funded": 1,
    }


def test_real_ks2_surrey_la_row_is_rectype_3_with_published_values(ks2_frame: pd.DataFrame) -> None:
    la = ks2_frame[ks2_frame["rectype"] == 3]
    assert len(la) == 1
    la = la.iloc[0]
    assert la["record_type"] == "local_authority" and la["lea"] == 936 and la["schname"] == "Surrey"
    assert pd.isna(la["urn"]) and pd.isna(la["estab"])
    assert la["ptrwm_exp"] == 70.0 and la["ptrwm_high"] == 14.0
    assert la["ptrwm_exp_fsm6cla1a"] == 46.0 and la["ptrwm_exp_notfsm6cla1a"] == 75.0
    assert la["diffn_rwm_exp"] == -25.0 and la["readprog"] == 0.3 and la["matcov"] == 94.0


def test_real_ks2_mixed_case_not_disadvantaged_columns_are_mapped(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    header, _ = _raw_rows(ks2_path)
    assert "TNotFSM6CLA1A" in header and "TNOTFSM6CLA1A" not in header
    la = ks2_frame[ks2_frame["rectype"] == 3].iloc[0]
    assert la["tnotfsm6cla1a"] == 10334 and la["ptnotfsm6cla1a"] == 83.0
    assert ks2_frame["tnotfsm6cla1a"].notna().sum() > 200


def test_real_ks2_suppression_codes_survive_cell_for_cell(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    header, rows = _raw_rows(ks2_path)
    for source_column in ("PTRWM_EXP_FSM6CLA1A", "READPROG", "PTRWM_HIGH_NotFSM6CLA1A"):
        position = header.index(source_column)
        raw_supp = sum(1 for row in rows if len(row) > position and row[position] == "SUPP")
        reasons = ks2_frame[f"{source_column.lower()}_reason"]
        assert raw_supp > 0 and (reasons == "SUPP").sum() == raw_supp


def test_real_ks2_new_schools_and_rows_cut_short_are_blank_not_lost(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    header, rows = _raw_rows(ks2_path)
    short = sum(1 for row in rows if len(row) < len(header))
    assert short > 0 and read_dfe_csv(ks2_path, ks2.COLUMNS).short_rows == short
    new = ks2_frame[ks2_frame["totpups_reason"] == "NEW"]
    assert len(new) == 4 and (new["ptrwm_exp_reason"] == "BLANK").all()


def test_real_ks4_surrey_la_row_is_rectype_4_and_national_rows_5_and_7(ks4_frame: pd.DataFrame) -> None:
    by_type = ks4_frame.set_index("record_type")
    la = by_type.loc["local_authority"]
    assert la["rectype"] == 4 and la["lea"] == 936
    assert la["att8scr"] == 50.3 and la["p8mea"] == 0.18 and la["ptl2basics_95"] == 52.0
    assert la["p8mea_fsm6cla1a"] == -0.48 and la["diffn_p8mea"] == -0.61
    assert by_type.loc["national_state_funded", "rectype"] == 7
    assert by_type.loc["national_state_funded", "p8mea"] == -0.03
    assert by_type.loc["national_all_schools", "p8mea_reason"] == "BLANK"


def test_real_ks4_school_rows_and_not_published_for_independents(ks4_frame: pd.DataFrame) -> None:
    schools = ks4_frame[ks4_frame["rectype"].isin([1, 2])]
    assert len(schools) == 130 and schools["urn"].notna().all()
    independents = schools[schools["nftype"].isin(["IND", "INDSPEC"])]
    assert len(independents) == 47
    assert (independents["p8mea_reason"] == "NP").sum() >= 40
    assert set(ks4_frame["p8mea_reason"].dropna()) <= {"NP", "NE", "SUPP", "NA", "BLANK", "NEW"}


def test_real_gias_export_parses_with_laestab_and_day_first_dates(reference_dir: Path) -> None:
    frame = gias.parse_establishments(reference_dir / "gias" / "2021_936_gias.csv", data_version="2021-05-07")
    assert len(frame) == 590 and set(frame["la_code"]) == {936}
    school = frame.set_index("urn").loc[148435]
    assert school["establishment_name"] == "Frimley CofE Junior School" and school["laestab"] == 9363049
    assert school["open_date"] == pd.Timestamp("2021-04-01") and school["statutory_high_age"] == 11
    assert frame["close_date"].notna().sum() == 5
    # This is a names-only export: the code columns are absent, so they are NULL rather than an error.
    assert frame["type_of_establishment_code"].isna().all()


def test_real_gias_links_parse_including_unusual_link_types(reference_dir: Path) -> None:
    frame = gias.parse_links(reference_dir / "gias" / "2021_936_giaslinks_nonstandard_types.csv")
    _, rows = _raw_rows(reference_dir / "gias" / "2021_936_giaslinks_nonstandard_types.csv")
    assert len(frame) == len(rows)
    assert {"Successor - merged", "Predecessor - amalgamated"} <= set(frame["link_type"])
    first = frame.iloc[0]
    assert (first["urn"], first["link_urn"]) == (100012, 100021)
    assert first["link_established_date"] == pd.Timestamp("2021-08-31")


def test_real_census_excerpt_has_national_rows_without_urn(reference_dir: Path) -> None:
    path = reference_dir / "census_absence" / "england_census_likely2018-19_or_2019-20_excerpt.csv"
    frame = census.parse(path, academic_year="2018-19", data_version="final")
    national = frame[frame["urn"].isna()]
    assert national["estab"].tolist() == ["PRI", "SEC", "SPE"]
    assert national.set_index("estab").loc["PRI", "nor"] == 4727089
    independent = frame[frame["schooltype"] == "Independent school"]
    assert len(independent) > 0 and (independent["pnumfsmever_reason"] == "NA").all()


def test_real_ks2_file_ingests_into_duckdb(ks2_path: Path, tmp_path: Path) -> None:
    conn = duckdb.connect(":memory:")
    source_file = SourceFile("ks2", ks2_path, "2018-19", "final")
    report = ingest_source(
        conn, "ks2", [source_file], archive_dir=tmp_path / "archive", quarantine_dir=tmp_path / "quarantine"
    )
    assert [o.status for o in report.outcomes] == ["loaded"] and report.table_row_count == 242
    assert report.outcomes[0].encoding == "utf-8-sig"
    assert conn.execute("SELECT ptrwm_exp FROM raw_ks2 WHERE rectype = 3").fetchall() == [(70.0,)]
    assert (
        tmp_path / "archive" / "ks2" / report.outcomes[0].sha256 / ks2_path.name
    ).read_bytes() == ks2_path.read_bytes()
