"""Discovering source files: academic year from the folder, version / extract date from the name, the header or
DfE's metadata; every file not read is reported with its reason, and a misplaced file affects only itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.lib.ingest.errors import SourceLayoutError
from dagster_project.lib.ingest.source_files import (
    SourceFile,
    discover_source_files,
    files_for,
    gias_extract_date,
    ofsted_as_at_version,
    scan_sources,
    validate_academic_year,
)

OFSTED_NAME = "Management_information_-_state-funded_schools_-_all_inspections_as_at_31_Aug_2024.csv"


def _touch(root: Path, relative: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n", encoding="utf-8")
    return path


def _layout(root: Path) -> None:
    for relative in (
        "gias/edubasealldata20240906.csv",
        "gias/links_edubasealldata20240906.csv",
        "ks2/2021-22/england_ks2final.csv",
        "ks2/2023-24/england_ks2revised.csv",
        "ks2/2023-24/england_ks2provisional.csv",
        "ks4/2022-23/england_ks4final.csv",
        f"ofsted/{OFSTED_NAME}",
        "census/2022-23/england_census.csv",
    ):
        _touch(root, relative)


def test_every_file_in_the_agreed_layout_is_found_with_year_and_version(tmp_path: Path) -> None:
    _layout(tmp_path)
    found = {(f.source, f.academic_year, f.data_version, f.name) for f in discover_source_files(tmp_path)}
    assert found == {
        ("gias_establishments", None, "2024-09-06", "edubasealldata20240906.csv"),
        ("gias_links", None, "2024-09-06", "links_edubasealldata20240906.csv"),
        ("ks2", "2021-22", "final", "england_ks2final.csv"),
        ("ks2", "2023-24", "revised", "england_ks2revised.csv"),
        ("ks2", "2023-24", "provisional", "england_ks2provisional.csv"),
        ("ks4", "2022-23", "final", "england_ks4final.csv"),
        ("ofsted_inspections", None, "as_at 2024-08-31", OFSTED_NAME),
        ("census", "2022-23", "final", "england_census.csv"),
    }


def test_files_of_one_year_load_provisional_then_revised_then_final(tmp_path: Path) -> None:
    _layout(tmp_path)
    _touch(tmp_path, "ks2/2023-24/england_ks2final.csv")
    versions = [
        f.data_version for f in files_for("ks2", discover_source_files(tmp_path)) if f.academic_year == "2023-24"
    ]
    assert versions == ["provisional", "revised", "final"]


@pytest.mark.parametrize("folder", ["2023-25", "2023", "23-24", "2023_24"])
def test_a_malformed_academic_year_folder_affects_only_its_own_files(tmp_path: Path, folder: str) -> None:
    _layout(tmp_path)
    _touch(tmp_path, f"ks2/{folder}/england_ks2final.csv")
    scan = scan_sources(tmp_path)
    (skipped,) = scan.skipped
    assert skipped.path.name == "england_ks2final.csv" and folder in skipped.reason and skipped.source == "ks2"
    assert "academic year" in skipped.reason and not skipped.expected
    # GIAS, Ofsted and the other KS2 years are still found.
    assert {f.source for f in scan.files} >= {"gias_establishments", "gias_links", "ofsted_inspections", "ks2"}
    assert len(scan.files) == 8


def test_dfe_download_year_folders_like_2023_2024_are_academic_years(tmp_path: Path) -> None:
    _touch(tmp_path, "ks4/2023-2024/england_ks4final.csv")
    (found,) = discover_source_files(tmp_path)
    assert (found.source, found.academic_year, found.data_version) == ("ks4", "2023-24", "final")


@pytest.mark.parametrize(
    ("relative", "year", "version"),
    [
        ("ks4/2018-19/815_ks4final.csv", "2018-19", "final"),  # a single-LA download
        ("ks2/2022-23/england_ks2revised.csv", "2022-23", "revised"),
        ("ks4/2018-2019_936_ks4final.csv", "2018-19", "final"),  # year in the name, no year folder
        ("ks4/815_2019_ks4provisional.csv", "2018-19", "provisional"),  # exam year 2019 is 2018-19
        ("census/2016-17/815_census.csv", "2016-17", "final"),
        ("absence/2018-19/815_abs.csv", "2018-19", "final"),
        ("absence/2024-25/1a_absence_3term_school.csv", "2024-25", "final"),  # EES school file
        ("ks4_destinations/2018-2019/england_ks4-pupdest.csv", "2018-19", "final"),
        ("ks4_destinations/2023-24/815_ks4-pupdest.csv", "2023-24", "final"),
        ("absence/2024-2025/manual_1a_Absence_3term_school.csv", "2024-25", "final"),  # as DfE's sap-public names it
        ("school_information/2018-19/815_spine.csv", "2018-19", "final"),
    ],
)
def test_real_dfe_download_names_are_recognised(tmp_path: Path, relative: str, year: str, version: str) -> None:
    _touch(tmp_path, relative)
    (found,) = discover_source_files(tmp_path)
    assert (found.academic_year, found.data_version) == (year, version)
    assert found.source == relative.split("/")[0]


def test_dfe_s_ees_absence_file_for_england_and_las_is_named_as_not_read(tmp_path: Path) -> None:
    _touch(tmp_path, "absence/2024-25/1a_absence_3term_school.csv")
    _touch(tmp_path, "absence/2024-25/1_absence_3term_nat_reg_la.csv")
    scan = scan_sources(tmp_path)
    assert [f.name for f in scan.files] == ["1a_absence_3term_school.csv"]
    (skipped,) = scan.skipped
    assert skipped.expected and "recomputes them exactly from the school file" in skipped.reason


def test_a_ks2_file_without_its_release_in_the_name_is_reported_not_ignored(tmp_path: Path) -> None:
    _touch(tmp_path, "ks2/2018-19/936_ks2.csv")
    messages: list[str] = []
    assert discover_source_files(tmp_path, log=messages.append) == []
    (message,) = messages
    assert "936_ks2.csv" in message and "release (provisional, revised or final)" in message


def test_unrecognised_files_are_reported_not_silently_dropped(tmp_path: Path) -> None:
    _layout(tmp_path)
    _touch(tmp_path, "ks2/2023-24/england_ks2-mats-performance.csv")
    _touch(tmp_path, "ks4/2022-23/england_ks2final.csv")  # a KS2 file in the KS4 folder
    messages: list[str] = []
    found = discover_source_files(tmp_path, log=messages.append)
    assert all("mats" not in f.name for f in found)
    assert not any(f.source == "ks4" and f.name == "england_ks2final.csv" for f in found)
    assert len(messages) == 2 and any("england_ks2-mats-performance.csv" in m for m in messages)
    wrong_folder = "it is KS2 performance tables, not what this folder holds"
    assert any("england_ks2final.csv" in m and wrong_folder in m for m in messages)


def test_files_outside_the_source_folders_are_reported(tmp_path: Path) -> None:
    _layout(tmp_path)
    _touch(tmp_path, "815_ks4final.csv")
    _touch(tmp_path, "ks3/2018-19/england_ks3final.csv")
    _touch(tmp_path, ".downloads/ks2.csv.part")  # the project's own staging folder is not reported
    reasons = {s.path.name: s.reason for s in scan_sources(tmp_path).skipped}
    assert set(reasons) == {"815_ks4final.csv", "england_ks3final.csv"}
    assert "onboard" in reasons["815_ks4final.csv"] and "not a source folder" in reasons["england_ks3final.csv"]


def test_a_download_service_ks5_file_in_the_ks5_folder_is_named_as_not_read(tmp_path: Path) -> None:
    _layout(tmp_path)
    _touch(tmp_path, "ks5/2018-19/england_ks5final.csv")
    reasons = {s.path.name: s.reason for s in scan_sources(tmp_path).skipped}
    assert "download-service layout (not read; the EES files are)" in reasons["england_ks5final.csv"]


def test_a_missing_source_folder_yields_no_files(tmp_path: Path) -> None:
    assert discover_source_files(tmp_path / "nothing-here") == []


def test_name_parsers_validate_dates() -> None:
    assert gias_extract_date("edubasealldata20240229.csv") == "2024-02-29"
    with pytest.raises(SourceLayoutError):
        gias_extract_date("edubasealldata20230229.csv")
    assert ofsted_as_at_version("x_all_inspections_as_at_1_September_2024.csv") == "as_at 2024-09-01"
    with pytest.raises(SourceLayoutError):
        ofsted_as_at_version("x_all_inspections_as_at_31_Jun_2024.csv")
    assert validate_academic_year("1999-00") == "1999-00"


def test_source_file_is_a_plain_value(tmp_path: Path) -> None:
    one = SourceFile("ks2", tmp_path / "a.csv", "2023-24", "final")
    assert one == SourceFile("ks2", tmp_path / "a.csv", "2023-24", "final") and one.name == "a.csv"
