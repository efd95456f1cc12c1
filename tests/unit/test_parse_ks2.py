"""KS2 performance-table parser: every RECTYPE kept and decoded, measures typed, special values kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.dfe_csv import read_dfe_csv
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import ks2, pupil_groups
from tests.unit.ingest_fixtures import KS2_HEADER, csv_text, ks2_school, ks2_summary_row, write_csv

# raw_ks2 columns in the interface contract, section 2 (loaded_at is added by the loader).
CONTRACT_KS2_MEASURES = [
    "totpups",
    "telig",
    "tfsm6cla1a",
    "ptfsm6cla1a",
    "tnotfsm6cla1a",
    "ptnotfsm6cla1a",
    "ptrwm_exp",
    "ptrwm_high",
    "ptrwm_exp_fsm6cla1a",
    "ptrwm_exp_notfsm6cla1a",
    "ptrwm_high_fsm6cla1a",
    "ptrwm_high_notfsm6cla1a",
    "diffn_rwm_exp",
    "read_average",
    "gps_average",
    "mat_average",
    "readprog",
    "readprog_lower",
    "readprog_upper",
    "readcov",
    "writprog",
    "writprog_lower",
    "writprog_upper",
    "writcov",
    "matprog",
    "matprog_lower",
    "matprog_upper",
    "matcov",
]
CONTRACT_KS2_COLUMNS = (
    ["rectype", "record_type", "lea", "estab", "urn", "schname", "nftype", "iclose", "urn_ac"]
    + [c for m in CONTRACT_KS2_MEASURES for c in (m, f"{m}_reason")]
    # then each pupil-group and subject column of dbt seed pupil_group_columns, in seed order
    + [c for m in pupil_groups.extra_measures("ks2", tuple(CONTRACT_KS2_MEASURES)) for c in (m, f"{m}_reason")]
    + ["file_layout", "academic_year", "data_version", "source_file", "source_sha256", "source_row_number"]
)


def _ks2_file(tmp_path: Path, rows: list, header: list[str] = KS2_HEADER, **kwargs) -> Path:
    return write_csv(tmp_path / "ks2" / "2023-24" / "england_ks2final.csv", header, rows, **kwargs)


def _standard_rows() -> list[dict[str, str]]:
    return [
        ks2_school(990001, 2001, "Abbey Primary School"),
        ks2_school(
            990002,
            7001,
            "Brook Special School",
            RECTYPE="2",
            NFTYPE="CYS",
            PTRWM_EXP="SUPP",
            READPROG="LOWCOV",
            READCOV="38%",
        ),
        ks2_summary_row("3", "991", "Kingsmere", PTRWM_EXP="62%"),
        ks2_summary_row("4", " ", " ", PTRWM_EXP="60%"),
        ks2_summary_row("5", " ", " ", PTRWM_EXP="61%"),
    ]


def test_output_has_exactly_the_contract_columns(tmp_path: Path) -> None:
    frame = ks2.parse(_ks2_file(tmp_path, _standard_rows()), academic_year="2023-24", data_version="final")
    assert list(frame.columns) == CONTRACT_KS2_COLUMNS


def test_every_rectype_is_kept_and_decoded_with_the_ks2_meanings(tmp_path: Path) -> None:
    frame = ks2.parse(_ks2_file(tmp_path, _standard_rows()), academic_year="2023-24", data_version="final")
    decoded = dict(zip(frame["rectype"].tolist(), frame["record_type"].tolist(), strict=True))
    assert decoded == {
        1: "mainstream_school",
        2: "special_school",
        3: "local_authority",
        4: "national_all_schools",
        5: "national_state_funded",
    }


def test_la_and_national_rows_have_null_identifiers_where_the_file_has_a_single_space(tmp_path: Path) -> None:
    frame = ks2.parse(_ks2_file(tmp_path, _standard_rows()), academic_year="2023-24", data_version="final")
    la = frame[frame["rectype"] == 3].iloc[0]
    assert la["lea"] == 991 and la["schname"] == "Kingsmere"
    assert pd.isna(la["urn"]) and pd.isna(la["estab"])
    national = frame[frame["rectype"] == 4].iloc[0]
    assert pd.isna(national["lea"]) and pd.isna(national["schname"])
    assert national["ptrwm_exp"] == 60.0


def test_percentages_become_numbers_0_to_100_and_codes_become_reasons(tmp_path: Path) -> None:
    frame = ks2.parse(_ks2_file(tmp_path, _standard_rows()), academic_year="2023-24", data_version="final")
    school = frame[frame["urn"] == 990001].iloc[0]
    assert school["ptrwm_exp"] == 67.0 and pd.isna(school["ptrwm_exp_reason"])
    special = frame[frame["urn"] == 990002].iloc[0]
    assert pd.isna(special["ptrwm_exp"]) and special["ptrwm_exp_reason"] == "SUPP"
    assert pd.isna(special["readprog"]) and special["readprog_reason"] == "LOWCOV"
    assert special["readcov"] == 38.0
    # A column present in the header but empty for this school: a blank, not a missing value without reason.
    assert pd.isna(school["gps_average"]) and school["gps_average_reason"] == "BLANK"


@pytest.mark.parametrize("spelling", ["TNotFSM6CLA1A", "TNOTFSM6CLA1A", "tnotfsm6cla1a"])
def test_header_case_drift_maps_to_one_lower_case_column(tmp_path: Path, spelling: str) -> None:
    header = [spelling if h == "TNotFSM6CLA1A" else h for h in KS2_HEADER]
    row = ks2_school(990001, 2001, "Abbey")
    row[spelling] = row.pop("TNotFSM6CLA1A")
    frame = ks2.parse(_ks2_file(tmp_path, [row], header=header))
    assert frame["tnotfsm6cla1a"].tolist() == [21.0]


def test_columns_are_found_by_name_not_position(tmp_path: Path) -> None:
    shuffled = list(reversed(KS2_HEADER))
    frame = ks2.parse(_ks2_file(tmp_path, _standard_rows(), header=shuffled))
    reference = ks2.parse(_ks2_file(tmp_path / "b", _standard_rows()))
    pd.testing.assert_frame_equal(frame.drop(columns=["source_sha256"]), reference.drop(columns=["source_sha256"]))


def test_provenance_columns_identify_file_content_and_row(tmp_path: Path) -> None:
    path = _ks2_file(tmp_path, _standard_rows())
    frame = ks2.parse(path, academic_year="2023-24", data_version="revised")
    assert set(frame["academic_year"]) == {"2023-24"} and set(frame["data_version"]) == {"revised"}
    assert set(frame["source_file"]) == {"england_ks2final.csv"}
    assert set(frame["source_sha256"]) == {hashlib.sha256(path.read_bytes()).hexdigest()}
    assert frame["source_row_number"].tolist() == [1, 2, 3, 4, 5]


def test_an_unknown_rectype_is_an_error_naming_row_and_value(tmp_path: Path) -> None:
    rows = _standard_rows() + [ks2_summary_row("7", " ", " ")]  # 7 is a KS4 code, meaningless in KS2
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(_ks2_file(tmp_path, rows))
    error = caught.value
    assert (error.row, error.column, error.value) == (6, "RECTYPE", "7")
    assert "local_authority" in str(error)


def test_an_unknown_token_in_a_measure_names_file_row_column_and_value(tmp_path: Path) -> None:
    rows = _standard_rows()
    rows[1]["PTRWM_HIGH"] = "x"
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(_ks2_file(tmp_path, rows))
    message = str(caught.value)
    for part in ("england_ks2final.csv", "data row 2", "'PTRWM_HIGH'", "'x'"):
        assert part in message


def test_a_missing_required_column_names_it_and_lists_the_columns_found(tmp_path: Path) -> None:
    header = [h for h in KS2_HEADER if h != "PTRWM_EXP"]
    rows = [{k: v for k, v in r.items() if k in header} for r in _standard_rows()]
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(_ks2_file(tmp_path, rows, header=header))
    message = str(caught.value)
    assert caught.value.column == "ptrwm_exp"
    assert "england_ks2final.csv" in message and "'ptrwm_exp'" in message
    assert "Columns found" in message and "PTRWM_HIGH" in message


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("cp1252", "cp1252")]
)
def test_encoding_is_detected_and_recorded(tmp_path: Path, encoding: str, expected: str) -> None:
    rows = [ks2_school(990003, 2003, "St Mary’s Church of England Primary School – Ashé")]
    path = _ks2_file(tmp_path, rows, encoding=encoding)
    table = read_dfe_csv(path, ks2.COLUMNS)
    assert table.encoding == expected
    frame = ks2.parse(path)
    assert frame["schname"].tolist() == ["St Mary’s Church of England Primary School – Ashé"]
    assert frame["rectype"].tolist() == [1]  # the BOM did not leak into the RECTYPE header


def test_rows_cut_short_by_dfe_are_padded_with_blanks_and_counted(tmp_path: Path) -> None:
    # Real files stop a new school's row after TOTPUPS ('NEW'); the rest of the row is absent.
    text = csv_text(KS2_HEADER, [ks2_school(990001, 2001, "Abbey")])
    text += "1,2,991,2002,990005,Newbuild Academy,,Kingsmere,,F,4-11,NEW\r\n"
    path = tmp_path / "england_ks2final.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    assert read_dfe_csv(path, ks2.COLUMNS).short_rows == 1
    new = ks2.parse(path).set_index("urn").loc[990005]
    assert new["totpups_reason"] == "NEW"
    assert pd.isna(new["ptrwm_exp"]) and new["ptrwm_exp_reason"] == "BLANK"


def test_a_row_with_more_fields_than_the_header_is_an_error(tmp_path: Path) -> None:
    text = csv_text(KS2_HEADER, [ks2_school(990001, 2001, "Abbey")]) + ",".join(["1"] * (len(KS2_HEADER) + 1))
    path = tmp_path / "england_ks2final.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(path)
    assert caught.value.row == 2 and "fields" in str(caught.value)


def test_a_blank_line_inside_the_data_is_an_error_but_trailing_blank_lines_are_not(tmp_path: Path) -> None:
    one = csv_text(KS2_HEADER, [ks2_school(990001, 2001, "Abbey")])
    two = csv_text(KS2_HEADER, [ks2_school(990002, 2002, "Brook")]).split("\r\n", 1)[1]
    inside = tmp_path / "inside.csv"
    inside.write_text(one + "\r\n" + two, encoding="utf-8")
    with pytest.raises(SourceFormatError, match="blank line"):
        ks2.parse(inside)
    trailing = tmp_path / "trailing.csv"
    trailing.write_text(one + two + "\r\n\r\n", encoding="utf-8")
    assert ks2.parse(trailing)["urn"].tolist() == [990001, 990002]


def test_a_header_only_file_is_refused_rather_than_emptying_its_slice(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="header but no data rows"):
        ks2.parse(_ks2_file(tmp_path, []))
