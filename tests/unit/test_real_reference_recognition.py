"""Recognising REAL downloads (read in place from ../shared/reference; the tests only make symlinks to them).

North Yorkshire (LA 815) KS4 2016-17, 2017-18 and the 2018-19 provisional headline file, its census and
school-information spine, DfE's metadata files, the national GIAS links file and the EES 2024-25 school
information file: each is told apart by name, by header and by DfE's metadata, with the evidence kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.lib.ingest.source_recognition import METADATA, NOT_USED, RecognitionError, recognise

pytestmark = pytest.mark.real_reference


@pytest.fixture(scope="module")
def la815(reference_dir: Path) -> Path:
    return reference_dir.parent / "more" / "dfe_performance_tables_LA815_EnglishDevil"


def _link(folder: Path, name: str, target: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).symlink_to(target)
    return folder / name


def test_real_2016_17_ks4_year_comes_from_the_exam_year_and_its_prior_year_columns(la815: Path) -> None:
    found = recognise(la815 / "815_2017_ks4final.csv")
    assert (found.kind, found.academic_year, found.data_version) == ("ks4", "2016-17", "final")
    assert "exam year 2017 in the name, so 2016-17" in found.evidence


def test_real_file_in_dfe_year_folder_with_no_release_in_its_name_reads_dfe_metadata(
    la815: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "2018-2019"
    path = _link(folder, "815_ks4.csv", la815 / "815_2019_ks4provisional.csv")
    _link(folder, "ks4provisional_meta.xlsx", la815 / "ks4provisional_meta.xlsx")
    found = recognise(path, folder_year="2018-19")
    assert (found.kind, found.academic_year, found.data_version) == ("ks4", "2018-19", "provisional")
    assert any("ks4provisional_meta.xlsx" in how for how in found.evidence)


def test_real_headline_layout_is_provisional_even_without_metadata(la815: Path, tmp_path: Path) -> None:
    path = _link(tmp_path / "2018-2019", "815_ks4.csv", la815 / "815_2019_ks4provisional.csv")
    found = recognise(path, folder_year="2018-19")
    assert found.data_version == "provisional"
    assert any("headline layout" in how for how in found.evidence)


def test_real_full_layout_without_release_or_metadata_is_refused_with_the_fix(la815: Path, tmp_path: Path) -> None:
    path = _link(tmp_path / "2017-2018", "815_ks4.csv", la815 / "815_2018_ks4final.csv")
    with pytest.raises(RecognitionError, match=r"release \(provisional, revised or final\) is not in the name"):
        recognise(path, folder_year="2017-18")


def test_real_file_in_the_wrong_year_folder_is_refused_naming_both_years(la815: Path, tmp_path: Path) -> None:
    path = _link(tmp_path / "2018-19", "815_ks4final.csv", la815 / "815_2018_ks4final.csv")
    with pytest.raises(RecognitionError, match="year 2018-19 from the folder; year 2017-18 from its prior-year"):
        recognise(path, folder_year="2018-19")


def test_real_census_spine_and_metadata_are_told_apart_by_their_columns(la815: Path, tmp_path: Path) -> None:
    census = recognise(_link(tmp_path / "a", "download.csv", la815 / "815_2019_census.csv"), folder_year="2018-19")
    spine = recognise(_link(tmp_path / "b", "download.csv", la815 / "815_spine.csv"), folder_year="2018-19")
    assert (census.kind, spine.kind) == ("census", "school_information")
    assert census.evidence[0] == spine.evidence[0] == "recognised by its columns"
    for meta in ("census_meta.csv", "ks4_meta_methodology.csv", "la_and_region_codes_meta.csv", "abbreviations.xlsx"):
        assert recognise(la815 / meta).kind == METADATA


def test_real_national_links_and_ees_information_files(reference_dir: Path) -> None:
    links = recognise(reference_dir.parent / "more" / "gias" / "links_edubasealldata20250422.csv")
    assert (links.kind, links.data_version) == ("gias_links", "2025-04-22")
    ees = reference_dir.parent / "more" / "dfe_ees_ks4_2024-25_hal609"
    info = ees / "202425_information_about_schools_provisional.csv"
    assert recognise(info).kind == NOT_USED


def test_real_ks2_named_without_release_is_refused_not_ignored(reference_dir: Path, tmp_path: Path) -> None:
    path = _link(tmp_path / "2018-2019", "936_ks2.csv", reference_dir / "ks2" / "2018-19_LA936_ks2.csv")
    with pytest.raises(RecognitionError, match="release"):
        recognise(path, folder_year="2018-19")
    # DfE's own 2018-19 KS2 metadata (ks2_meta) names no release; the file's columns give the year.
    named = _link(tmp_path / "flat", "936_ks2final.csv", reference_dir / "ks2" / "2018-19_LA936_ks2.csv")
    found = recognise(named)
    assert (found.kind, found.academic_year, found.data_version) == ("ks2", "2018-19", "final")
