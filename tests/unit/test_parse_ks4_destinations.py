"""KS4 destination measures: DfE's real national file (england_ks4-pupdest.csv, read in place from
../shared/reference/more) and the refusals, and how the file is recognised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.source_recognition import recognise
from dagster_project.lib.quality.expectations import validate_dataframe
from dagster_project.lib.sources import ks4_destinations


@pytest.fixture(scope="module")
def real_file(reference_dir: Path) -> Path:
    return reference_dir.parent / "more" / "dfe_performance_tables_KSPDeveloper" / "england_ks4-pupdest.csv"


@pytest.fixture(scope="module")
def real(real_file: Path) -> pd.DataFrame:
    return ks4_destinations.parse(real_file, academic_year="2018-19", data_version="final")


@pytest.mark.real_reference
def test_the_real_national_file_parses_every_row_with_its_record_type(real: pd.DataFrame, real_file: Path) -> None:
    lines = real_file.read_text(encoding="utf-8-sig").splitlines()
    assert len(real) == len(lines) - 1
    by_code = pd.Series([line.split(",", 1)[0] for line in lines[1:]]).value_counts().to_dict()
    counts = real["record_type"].value_counts().to_dict()
    assert counts == {
        "mainstream_school": by_code["1"],
        "special_school": by_code["2"],
        "local_authority": by_code["LA"],
        "national_all_schools": by_code["NAT"],
    }
    # The file's first school, cell for cell: 161 leavers, 94% sustained, 86 disadvantaged of whom 93%.
    first = dict(zip(lines[0].removeprefix("\ufeff").split(","), lines[1].split(","), strict=False))
    row = real.iloc[0]
    assert row["urn"] == int(first["URN"]) and row["cohort"] == int(first["COHORT"])
    assert row["overall_destper"] == float(first["OVERALL_DESTPER"].rstrip("%"))
    assert row["cohort_dis"] == int(first["COHORT_DIS"])
    assert row["overall_destper_dis"] == float(first["OVERALL_DESTPER_DIS"].rstrip("%"))
    # DfE's codes stay as reasons: SUPP for small numbers, SP for a share between 0% and 0.5%.
    reasons = set(real.filter(like="_reason").stack().unique())
    assert {"SUPP", "SP"} <= reasons


@pytest.mark.real_reference
def test_england_s_published_share_is_the_la_rows_recomputed(real: pd.DataFrame) -> None:
    """The NAT row's whole percentage is the LA rows' pupils in sustained destinations over their cohort, rounded
    (England also counts some pupils no LA row does, e.g. from independent schools, hence not to the pupil)."""
    la = real[real["record_type"] == "local_authority"]
    national = real[real["record_type"] == "national_all_schools"].iloc[0]
    for suffix in ("", "_dis", "_nondis"):
        recomputed = 100 * la[f"overall_dest{suffix}"].sum() / la[f"cohort{suffix}"].sum()
        assert round(recomputed) == national[f"overall_destper{suffix}"], suffix


@pytest.mark.real_reference
def test_the_real_file_passes_its_expectation_suite(real: pd.DataFrame) -> None:
    assert validate_dataframe(real, "raw_ks4_destinations").success


@pytest.mark.real_reference
def test_the_real_file_is_recognised_by_its_name_and_by_its_columns(real_file: Path, tmp_path: Path) -> None:
    found = recognise(real_file, folder_year="2018-19")
    assert (found.kind, found.academic_year, found.data_version) == ("ks4_destinations", "2018-19", "final")
    renamed = tmp_path / "2018-2019" / "leavers.csv"
    renamed.parent.mkdir()
    renamed.symlink_to(real_file)
    assert recognise(renamed, folder_year="2018-19").kind == "ks4_destinations"


HEADER = "RECTYPE,LEA,ESTAB,URN,SCHNAME,NFTYPE," + ",".join(name.upper() for name in ks4_destinations.MEASURES)


def _file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "england_ks4-pupdest.csv"
    width = len(ks4_destinations.MEASURES)
    path.write_text("\n".join([HEADER, *(row + ",1" * (width - 0) for row in rows)]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rows", "column", "message"),
    [
        (["3,991,4001,900001,A School,CY"], "RECTYPE", "a RECTYPE of the destinations file"),
        (["1,991,4001,,A School,CY"], "URN", "a school row"),
        (["1,991,4001,900001,A School,CY", "1,991,4001,900001,A School,CY"], "URN", "more than one data row"),
    ],
)
def test_refusals_name_the_cell(tmp_path: Path, rows: list[str], column: str, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message) as caught:
        ks4_destinations.parse(_file(tmp_path, rows), academic_year="2023-24")
    assert caught.value.column == column


def test_a_cell_that_is_neither_a_number_nor_a_dfe_code_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, ["1,991,4001,900001,A School,CY"])
    text = path.read_text(encoding="utf-8").replace(",1\n", ",n/a\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        ks4_destinations.parse(path, academic_year="2023-24")
    assert caught.value.value == "n/a"
