"""School census characteristics: national 'NAT' rows, 'NA' for independent schools, header case drift."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import census
from tests.unit.ingest_fixtures import CENSUS_HEADER, write_csv


def _rows() -> list[list[str]]:
    return [
        [
            "990001",
            "991",
            "2001",
            "State-funded primary",
            "210",
            "100",
            "110",
            "1.9",
            "14.3",
            "8.1",
            "45",
            "21.4",
        ],
        ["990050", "991", "6001", "Independent school", "540", "270", "270", "0", "9.6", "NA", "NA", "NA"],
        [
            "NAT",
            "",
            "PRI",
            "State-funded primary",
            "4727089",
            "2310000",
            "2417089",
            "1.6",
            "12.6",
            "21.2",
            "",
            "23",
        ],
    ]


def _file(tmp_path: Path, header: list[str] = CENSUS_HEADER, rows: list[list[str]] | None = None) -> Path:
    return write_csv(tmp_path / "census" / "2023-24" / "england_census.csv", header, rows or _rows())


def test_national_rows_have_no_urn_and_keep_the_phase_in_estab(tmp_path: Path) -> None:
    frame = census.parse(_file(tmp_path), academic_year="2023-24", data_version="final")
    national = frame.iloc[2]
    assert pd.isna(national["urn"]) and pd.isna(national["la"])
    assert national["estab"] == "PRI" and national["nor"] == 4727089


def test_not_applicable_values_for_independent_schools_are_kept_as_reasons(tmp_path: Path) -> None:
    independent = census.parse(_file(tmp_path)).set_index("urn").loc[990050]
    assert pd.isna(independent["pnumfsmever"]) and independent["pnumfsmever_reason"] == "NA"
    assert independent["psenelk"] == 9.6 and pd.isna(independent["psenelk_reason"])


def test_output_columns_follow_the_contract(tmp_path: Path) -> None:
    frame = census.parse(_file(tmp_path), academic_year="2023-24", data_version="final")
    assert list(frame.columns) == [
        "record_type",
        "urn",
        "la",
        "estab",
        "schooltype",
        "nor",
        "nor_reason",
        "pnumfsmever",
        "pnumfsmever_reason",
        "pnumeal",
        "pnumeal_reason",
        "psenelk",
        "psenelk_reason",
        "psenelse",
        "psenelse_reason",
        "academic_year",
        "data_version",
        "source_file",
        "source_sha256",
        "source_row_number",
    ]
    assert frame["academic_year"].unique().tolist() == ["2023-24"]


def test_estab_header_case_drift_is_accepted(tmp_path: Path) -> None:
    header = ["Estab" if h == "ESTAB" else h for h in CENSUS_HEADER]  # 2024-25 spelling
    frame = census.parse(_file(tmp_path, header))
    assert frame["estab"].tolist() == ["2001", "6001", "PRI"]


def test_an_unknown_urn_token_is_an_error(tmp_path: Path) -> None:
    rows = _rows()
    rows[2][0] = "NATIONAL"
    with pytest.raises(SourceFormatError) as caught:
        census.parse(_file(tmp_path, rows=rows))
    assert (caught.value.row, caught.value.column, caught.value.value) == (3, "URN", "NATIONAL")
