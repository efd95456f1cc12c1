"""GIAS establishments and links: Windows-1252, quoted values, DD-MM-YYYY dates, LAESTAB built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.dfe_csv import read_dfe_csv
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import gias
from tests.unit.ingest_fixtures import GIAS_HEADER, GIAS_LINKS_HEADER, gias_row, write_csv


def _establishments(tmp_path: Path, rows: list[dict[str, str]], header: list[str] = GIAS_HEADER) -> Path:
    return write_csv(tmp_path / "edubasealldata20240906.csv", header, rows, encoding="cp1252", quote_all=True)


def _rows() -> list[dict[str, str]]:
    return [
        gias_row(990001, "2001", "Abbey Primary School"),
        gias_row(
            990002,
            "2002",
            "École Saint-Jean’s Primary",
            **{
                "EstablishmentStatus (name)": "Closed",
                "CloseDate": "31-08-2023",
                "ReasonEstablishmentClosed (name)": "Academy Converter",
                "TypeOfEstablishment (code)": "2",
                "TypeOfEstablishment (name)": "Voluntary aided school",
            },
        ),
        gias_row(
            990003,
            "2003",
            "Abbey Primary Academy",
            **{
                "OpenDate": "01-09-2023",
                "ReasonEstablishmentOpened (name)": "Academy Converter",
                "TypeOfEstablishment (code)": "34",
                "TypeOfEstablishment (name)": "Academy converter",
                "EstablishmentTypeGroup (code)": "10",
                "EstablishmentTypeGroup (name)": "Academies",
                "Trusts (name)": "KINGSMERE LEARNING TRUST",
                "PercentageFSM": "",
            },
        ),
        gias_row(
            20115,
            "",
            "Kingsmere Children's Centre",
            **{
                "PhaseOfEducation (code)": "0",
                "PhaseOfEducation (name)": "Not applicable",
                "StatutoryLowAge": "",
                "StatutoryHighAge": "",
                "NumberOfPupils": "",
                "OpenDate": "",
            },
        ),
    ]


def test_windows_1252_file_is_decoded_and_the_encoding_recorded(tmp_path: Path) -> None:
    path = _establishments(tmp_path, _rows())
    assert read_dfe_csv(path, gias.ESTABLISHMENT_COLUMNS).encoding == "cp1252"
    frame = gias.parse_establishments(path, data_version="2024-09-06")
    assert "École Saint-Jean’s Primary" in frame["establishment_name"].tolist()


def test_laestab_is_la_code_followed_by_four_digit_establishment_number(tmp_path: Path) -> None:
    frame = gias.parse_establishments(_establishments(tmp_path, _rows())).set_index("urn")
    assert frame.loc[990001, "laestab"] == 9912001
    assert pd.isna(frame.loc[20115, "laestab"])  # children's centres have no establishment number


def test_dates_are_read_day_first(tmp_path: Path) -> None:
    frame = gias.parse_establishments(_establishments(tmp_path, _rows())).set_index("urn")
    assert frame.loc[990002, "close_date"] == pd.Timestamp(dt.date(2023, 8, 31))
    assert frame.loc[990003, "open_date"] == pd.Timestamp(dt.date(2023, 9, 1))
    assert pd.isna(frame.loc[990001, "close_date"])


def test_codes_and_names_are_typed(tmp_path: Path) -> None:
    frame = gias.parse_establishments(_establishments(tmp_path, _rows())).set_index("urn")
    academy = frame.loc[990003]
    assert academy["type_of_establishment_code"] == 34 and academy["establishment_type_group_code"] == 10
    assert academy["trust_name"] == "KINGSMERE LEARNING TRUST" and pd.isna(academy["percentage_fsm"])
    assert frame.loc[990001, "percentage_fsm"] == 17.3 and frame.loc[990001, "number_of_pupils"] == 203
    assert frame.loc[990001, "gor_name"] == "South East"


def test_names_only_exports_without_code_columns_still_parse_with_null_codes(tmp_path: Path) -> None:
    header = [h for h in GIAS_HEADER if "(code)" not in h or h == "LA (code)"]
    rows = [{k: v for k, v in r.items() if k in header} for r in _rows()]
    frame = gias.parse_establishments(_establishments(tmp_path, rows, header))
    assert frame["type_of_establishment_code"].isna().all()
    assert frame["type_of_establishment"].notna().all()


def test_an_iso_date_is_rejected_naming_the_column_and_row(tmp_path: Path) -> None:
    rows = _rows()
    rows[2]["OpenDate"] = "2023-09-01"
    with pytest.raises(SourceFormatError) as caught:
        gias.parse_establishments(_establishments(tmp_path, rows))
    assert (caught.value.row, caught.value.column, caught.value.value) == (3, "OpenDate", "2023-09-01")
    assert "DD-MM-YYYY" in str(caught.value)


def test_a_non_numeric_urn_is_rejected(tmp_path: Path) -> None:
    rows = _rows()
    rows[0]["URN"] = "99OO01"
    with pytest.raises(SourceFormatError, match="whole number"):
        gias.parse_establishments(_establishments(tmp_path, rows))


def test_links_keep_every_link_type_and_optional_dates(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "links_edubasealldata20240906.csv",
        GIAS_LINKS_HEADER,
        [
            {
                "URN": "990001",
                "LinkURN": "990003",
                "LinkName": "Abbey Primary Academy",
                "LinkType": "Successor",
                "LinkEstablishedDate": "01-09-2023",
            },
            {
                "URN": "990003",
                "LinkURN": "990001",
                "LinkName": "Abbey Primary School",
                "LinkType": "Predecessor",
                "LinkEstablishedDate": "",
            },
            {
                "URN": "990004",
                "LinkURN": "990005",
                "LinkName": "Merged School",
                "LinkType": "Successor - merged",
                "LinkEstablishedDate": "31-08-2021",
            },
        ],
        encoding="cp1252",
    )
    frame = gias.parse_links(path, data_version="2024-09-06")
    assert list(frame.columns[:5]) == ["urn", "link_urn", "link_name", "link_type", "link_established_date"]
    assert frame["link_type"].tolist() == ["Successor", "Predecessor", "Successor - merged"]
    assert frame["link_established_date"].iloc[0] == pd.Timestamp(dt.date(2023, 9, 1))
    assert pd.isna(frame["link_established_date"].iloc[1])
    assert frame["data_version"].unique().tolist() == ["2024-09-06"]
    assert frame["academic_year"].isna().all()
