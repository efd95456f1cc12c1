"""Ofsted all-inspections MI: NULL literals, DD/MM/YYYY dates, 1-4 grades, 'Not judged' after Sept 2024."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import ofsted
from tests.unit.ingest_fixtures import OFSTED_HEADER, ofsted_row, write_csv

FILE_NAME = "Management_information_-_state-funded_schools_-_all_inspections_as_at_31_Aug_2024.csv"


def _file(tmp_path: Path, rows: list[dict[str, str]], header: list[str] = OFSTED_HEADER) -> Path:
    return write_csv(tmp_path / FILE_NAME, header, rows, encoding="cp1252")


def _rows() -> list[dict[str, str]]:
    return [
        ofsted_row(990001, "10230001"),
        ofsted_row(
            990002,
            "10230002",
            **{
                "Overall effectiveness": "4",
                "Category of concern": "SM",
                "Quality of education": "4",
                "Safeguarding is effective?": "No",
                "Inspection type": "S5 Inspection – Special Measures",
            },
        ),
        ofsted_row(
            990003,
            "10340003",
            **{
                "Inspection start date": "08/10/2024",
                "Inspection end date": "09/10/2024",
                "Publication date": "NULL",
                "Overall effectiveness": "Not judged",
                "Category of concern": "",
            },
        ),
        ofsted_row(
            990004,
            "10100004",
            **{
                "LAESTAB": "NULL",
                "Quality of education": "NULL",
                "Behaviour and attitudes": "NULL",
                "Personal development": "NULL",
                "Effectiveness of leadership and management": "NULL",
                "Safeguarding is effective?": "NULL",
                "Overall effectiveness": "1",
            },
        ),
    ]


def test_one_row_per_inspection_with_contract_columns(tmp_path: Path) -> None:
    frame = ofsted.parse(_file(tmp_path, _rows()), data_version="as_at 2024-08-31")
    assert list(frame.columns) == [name for name, _ in ofsted.SCHEMA]
    assert list(frame.columns)[:17] == [
        "urn",
        "laestab",
        "school_name",
        "ofsted_phase",
        "type_of_education",
        "inspection_number",
        "inspection_type",
        "inspection_start_date",
        "inspection_end_date",
        "publication_date",
        "overall_effectiveness",
        "category_of_concern",
        "quality_of_education",
        "behaviour_and_attitudes",
        "personal_development",
        "leadership_and_management",
        "safeguarding_effective",
    ]
    assert set(frame["source_layout"]) == {"all_inspections"}
    assert frame["inspection_number"].tolist() == ["10230001", "10230002", "10340003", "10100004"]


def test_dates_are_day_first_with_slashes(tmp_path: Path) -> None:
    row = ofsted.parse(_file(tmp_path, _rows())).set_index("urn").loc[990003]
    assert row["inspection_start_date"] == pd.Timestamp(dt.date(2024, 10, 8))
    assert pd.isna(row["publication_date"])  # literal NULL


def test_not_judged_and_null_grades_are_missing_not_errors(tmp_path: Path) -> None:
    frame = ofsted.parse(_file(tmp_path, _rows())).set_index("urn")
    assert pd.isna(frame.loc[990003, "overall_effectiveness"])
    assert frame.loc[990003, "quality_of_education"] == 2
    assert pd.isna(frame.loc[990004, "quality_of_education"]) and pd.isna(frame.loc[990004, "laestab"])
    assert frame.loc[990004, "overall_effectiveness"] == 1


def test_concern_category_and_safeguarding_are_kept(tmp_path: Path) -> None:
    frame = ofsted.parse(_file(tmp_path, _rows())).set_index("urn")
    assert frame.loc[990002, "category_of_concern"] == "SM"
    assert frame.loc[990002, "safeguarding_effective"] == "No"
    assert pd.isna(frame.loc[990001, "category_of_concern"]) and pd.isna(frame.loc[990003, "category_of_concern"])
    assert pd.isna(frame.loc[990004, "safeguarding_effective"])


def test_windows_1252_punctuation_survives(tmp_path: Path) -> None:
    frame = ofsted.parse(_file(tmp_path, _rows())).set_index("urn")
    assert frame.loc[990002, "inspection_type"] == "S5 Inspection – Special Measures"


@pytest.mark.parametrize(
    ("column", "value"),
    [("Overall effectiveness", "5"), ("Quality of education", "Good"), ("Category of concern", "XYZ")],
)
def test_values_outside_the_graded_scheme_are_errors(tmp_path: Path, column: str, value: str) -> None:
    rows = _rows()
    rows[1][column] = value
    with pytest.raises(SourceFormatError) as caught:
        ofsted.parse(_file(tmp_path, rows))
    assert (caught.value.row, caught.value.column, caught.value.value) == (2, column, value)


def test_a_us_style_date_is_rejected(tmp_path: Path) -> None:
    rows = _rows()
    rows[0]["Inspection start date"] = "05/31/2024"
    with pytest.raises(SourceFormatError, match="DD/MM/YYYY"):
        ofsted.parse(_file(tmp_path, rows))


def test_missing_overall_effectiveness_header_is_reported(tmp_path: Path) -> None:
    header = [h for h in OFSTED_HEADER if h != "Overall effectiveness"]
    rows = [{k: v for k, v in r.items() if k in header} for r in _rows()]
    with pytest.raises(SourceFormatError) as caught:
        ofsted.parse(_file(tmp_path, rows, header))
    assert "'Overall effectiveness'" in str(caught.value) and FILE_NAME in str(caught.value)


# --- the latest-inspections layout (real 85-column header of 28 Feb 2026) and the three regimes ---------

LATEST_FILE = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_28_Feb_2026.csv"


def _latest(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    from synthetic_la.ofsted import LATEST_HEADER

    full = [{h: row.get(h, "NULL") for h in LATEST_HEADER} for row in rows]
    return write_csv(tmp_path / LATEST_FILE, LATEST_HEADER, full, encoding="cp1252")


def _latest_row() -> dict[str, str]:
    return {
        "URN": "990010",
        "LAESTAB": "9912010",
        "School name": "Kingsmere Academy",
        "Inspection number of latest full inspection": "20000001",
        "Inspection type": "S5 Inspection",
        "Inspection start date": "18/11/2025",
        "Publication date": "12/12/2025",
        "URN at time of latest full inspection": "990010",
        "Category of concern": "RSI",
        "Safeguarding standards": "Met",
        "Inclusion": "Needs attention",
        "Curriculum and teaching": "Urgent improvement",
        "Achievement": "Needs attention",
        "Attendance and behaviour": "Expected standard",
        "Personal development and wellbeing": "Expected standard",
        "Early years (where applicable)": "Not applicable",
        "Post-16 provision (where applicable)": "Not applicable",
        "Leadership and governance": "Needs attention",
        "Inspection number of latest OEIF graded inspection": "10000001",
        "Inspection start date of latest OEIF graded inspection": "08/03/2022",
        "URN at time of latest OEIF graded inspection": "990009",
        "Event type grouping of latest OEIF graded inspection": "Schools – Section 8 conversion",
        "Latest OEIF overall effectiveness": "3",
        "Latest OEIF quality of education": "3",
        "Latest OEIF  safeguarding is effective?": "Yes",
        "Latest OEIF early years provision (where applicable)": "9",
        "Latest ungraded inspection number": "20000000",
        "Date of latest ungraded inspection": "14/01/2025",
        "Ungraded inspection overall outcome": "Standards maintained",
    }


def test_latest_file_gives_one_row_per_populated_block_with_its_regime(tmp_path: Path) -> None:
    frame = ofsted.parse(_latest(tmp_path, [_latest_row()]), data_version="latest as_at 2026-02-28")
    by_block = frame.set_index("inspection_block")
    assert list(frame["inspection_block"]) == ["report_card", "oeif", "ungraded"]
    assert by_block["inspection_regime"].to_dict() == {
        "report_card": "report_card",
        "oeif": "graded",
        "ungraded": "ungraded_sub_judgements",
    }
    card = by_block.loc["report_card"]
    assert (card["category_of_concern"], card["safeguarding_standards"], card["inclusion"]) == (
        "RSI",
        "Met",
        "Needs attention",
    )
    assert pd.isna(card["early_years"]) and pd.isna(card["overall_effectiveness"])
    oeif = by_block.loc["oeif"]
    # the double-spaced 'Latest OEIF  safeguarding is effective?' header is read; the predecessor URN is kept
    assert (oeif["overall_effectiveness"], oeif["safeguarding_effective"], oeif["urn"], oeif["current_urn"]) == (
        3,
        "Yes",
        990009,
        990010,
    )
    assert pd.isna(oeif["early_years_provision"])  # 9 = not applicable
    assert by_block.loc["ungraded", "ungraded_outcome"] == "Standards maintained"
    assert set(frame["source_row_number"]) == {1} and set(frame["source_layout"]) == {"latest_inspections"}


def test_a_graded_overall_effectiveness_after_grades_were_removed_is_refused(tmp_path: Path) -> None:
    row = _latest_row() | {"Inspection start date of latest OEIF graded inspection": "08/10/2024"}
    with pytest.raises(SourceFormatError, match="after 1 September 2024") as caught:
        ofsted.parse(_latest(tmp_path, [row]))
    assert (caught.value.column, caught.value.value) == ("Latest OEIF overall effectiveness", "3")


def test_report_card_grades_before_report_cards_began_are_refused(tmp_path: Path) -> None:
    row = _latest_row() | {"Inspection start date": "04/11/2025"}
    with pytest.raises(SourceFormatError, match="before 10 November 2025"):
        ofsted.parse(_latest(tmp_path, [row]))


def test_an_unknown_layout_names_the_file_and_its_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / LATEST_FILE,
        ["URN", "School name", "Rating"],
        [{"URN": "1", "School name": "A", "Rating": "2"}],
        encoding="cp1252",
    )
    with pytest.raises(SourceFormatError, match="unknown Ofsted MI layout") as caught:
        ofsted.parse(path)
    assert LATEST_FILE in str(caught.value) and "Rating" in str(caught.value)
