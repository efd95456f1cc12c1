"""KS4 performance-table parser: KS4's own RECTYPE meanings and its NFSM6CLA1A spelling."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import ks4, pupil_groups
from tests.unit.ingest_fixtures import KS4_HEADER, ks4_school, write_csv

CONTRACT_KS4_MEASURES = [
    "totpups",
    "tpup",
    "tfsm6cla1a",
    "ptfsm6cla1a",
    "tnotfsm6cla1a",
    "ptnotfsm6cla1a",
    "att8scr",
    "att8scr_fsm6cla1a",
    "att8scr_nfsm6cla1a",
    "p8pup",
    "p8meacov",
    "p8mea",
    "p8cilow",
    "p8ciupp",
    "p8mea_fsm6cla1a",
    "p8mea_nfsm6cla1a",
    "diffn_p8mea",
    "ptl2basics_95",
    "ptl2basics_94",
    "ebaccaps",
    "ptebacc_e_ptq_ee",
]


def _summary(rectype: str, lea: str, **values: str) -> dict[str, str]:
    row = {
        "RECTYPE": rectype,
        "LEA": lea,
        "ESTAB": " ",
        "URN": " ",
        "SCHNAME": " ",
        "TPUP": "600000",
        "ATT8SCR": "46.1",
        "P8MEA": "-0.03",
        "PTL2BASICS_94": "65%",
    }
    row.update(values)
    return row


def _rows() -> list[dict[str, str]]:
    return [
        ks4_school(990101, 4001, "Kingsmere Academy"),
        ks4_school(
            990102,
            7002,
            "Riverside Special School",
            RECTYPE="2",
            NFTYPE="CYS",
            P8MEA="NE",
            ATT8SCR_FSM6CLA1A="SUPP",
        ),
        ks4_school(
            990103,
            6001,
            "St Hilda's Independent School",
            NFTYPE="IND",
            P8MEA="NP",
            P8MEACOV="NP",
            PTFSM6CLA1A="NP",
        ),
        _summary("4", "991", SCHNAME=" "),
        _summary("5", " ", P8MEA=" "),
        _summary("7", " "),
    ]


def _ks4_file(tmp_path: Path, rows: list[dict[str, str]], **kwargs) -> Path:
    # KS4 downloads use LF line endings (the KS2 ones CRLF); both must read the same.
    return write_csv(tmp_path / "england_ks4final.csv", KS4_HEADER, rows, line_ending="\n", **kwargs)


def test_output_columns_are_the_contract_identifiers_measures_and_provenance(tmp_path: Path) -> None:
    frame = ks4.parse(_ks4_file(tmp_path, _rows()), academic_year="2022-23", data_version="final")
    measures = [*CONTRACT_KS4_MEASURES, *pupil_groups.extra_measures("ks4", tuple(CONTRACT_KS4_MEASURES))]
    expected_measures = [c for m in measures for c in (m, f"{m}_reason")]
    assert list(frame.columns) == [
        "rectype",
        "record_type",
        "lea",
        "estab",
        "urn",
        "schname",
        "nftype",
        "iclose",
        "urn_ac",
        *expected_measures,
        "file_layout",
        "academic_year",
        "data_version",
        "source_file",
        "source_sha256",
        "source_row_number",
    ]


def test_rectypes_are_decoded_with_the_ks4_meanings_not_the_ks2_ones(tmp_path: Path) -> None:
    frame = ks4.parse(_ks4_file(tmp_path, _rows()))
    assert frame.set_index("rectype")["record_type"].to_dict() == {
        1: "mainstream_school",
        2: "special_school",
        4: "local_authority",
        5: "national_all_schools",
        7: "national_state_funded",
    }
    la = frame[frame["record_type"] == "local_authority"].iloc[0]
    assert la["lea"] == 991 and la["p8mea"] == -0.03


def test_ks2_la_rectype_3_is_rejected_in_a_ks4_file(tmp_path: Path) -> None:
    rows = _rows() + [_summary("3", "991")]
    with pytest.raises(SourceFormatError) as caught:
        ks4.parse(_ks4_file(tmp_path, rows))
    assert (caught.value.row, caught.value.column, caught.value.value) == (7, "RECTYPE", "3")


def test_not_published_and_no_entries_codes_are_kept_as_reasons(tmp_path: Path) -> None:
    frame = ks4.parse(_ks4_file(tmp_path, _rows())).set_index("urn", drop=False)
    independent = frame.loc[990103]
    assert independent["nftype"] == "IND"
    assert pd.isna(independent["p8mea"]) and independent["p8mea_reason"] == "NP"
    special = frame.loc[990102]
    assert special["p8mea_reason"] == "NE" and special["att8scr_fsm6cla1a_reason"] == "SUPP"
    national = frame[frame["rectype"] == 5].iloc[0]
    assert national["p8mea_reason"] == "BLANK"


def test_disadvantaged_and_other_pupil_columns_map_from_the_ks4_spelling(tmp_path: Path) -> None:
    school = ks4.parse(_ks4_file(tmp_path, _rows())).iloc[0]
    assert school["att8scr_nfsm6cla1a"] == 50.1 and school["p8mea_nfsm6cla1a"] == 0.3
    assert school["tnotfsm6cla1a"] == 140 and school["ptnotfsm6cla1a"] == 78.0
    assert school["ptl2basics_95"] == 48.0 and school["p8meacov"] == 94.0


def test_missing_progress_8_column_is_reported_with_the_file_name(tmp_path: Path) -> None:
    header = [h for h in KS4_HEADER if h != "P8MEA"]
    path = write_csv(
        tmp_path / "england_ks4final.csv",
        header,
        [{k: v for k, v in r.items() if k in header} for r in _rows()],
    )
    with pytest.raises(SourceFormatError, match=r"england_ks4final\.csv.*'p8mea'"):
        ks4.parse(path)
