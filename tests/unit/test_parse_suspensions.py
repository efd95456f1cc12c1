"""School-level suspensions and permanent exclusions (EES tidy layout): the folder's year of a time-series file,
DfE's symbols kept as reasons, the refusals, and how the file is recognised.

No real school-level suspensions file is in ../shared/reference; the layout is DfE's EES data set "Suspensions and
permanent exclusions - school level", written here by the project's own generator and by hand for the refusals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.source_recognition import recognise
from dagster_project.lib.quality.expectations import suite_definition, validate_dataframe
from dagster_project.lib.sources import suspensions
from synthetic_la import suspensions as generator
from synthetic_la.world import build_world

HEADER = generator.HEADER


def _row(period: str, urn: str, phase: str = "State-funded secondary", **cells: str) -> list[str]:
    measures = {"headcount": "1000", "perm_excl": "2", "perm_excl_rate": "0.2", "suspension": "150"}
    measures |= {"susp_rate": "15", "one_plus_susp": "70", "one_plus_susp_rate": "7"} | cells
    identity = [period, "Academic year", "School", "E92000001", "England", "E12000008", "South East", "936",
                "E10000030", "Surrey", urn, f"936{urn[-4:]}", f"School {urn}", phase]  # fmt: skip
    return [*identity, *(measures[name] for name in HEADER[len(identity) :])]


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = build_world(seed=20240901)
    path = tmp_path_factory.mktemp("suspensions") / "2024-25" / generator.FILE_NAME
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *generator.rows(world, "2024-25")])
    return path


def test_the_folders_year_is_read_from_a_file_of_every_year(generated: Path) -> None:
    with generated.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for year in ("2023-24", "2024-25"):
        frame = suspensions.parse(generated, academic_year=year, data_version="final")
        in_year = [r for r in rows if r["time_period"] == year.replace("-", "")]
        assert len(frame) == len(in_year) and set(frame["academic_year"]) == {year}
        published = {int(r["school_urn"]): r for r in in_year}
        for row in frame.head(50).to_dict("records"):
            source = published[row["urn"]]
            if source["susp_rate"] == "c":
                assert row["susp_rate_reason"] == "c" and row["headcount_reason"] == "c"
                continue
            assert row["suspension"] == int(source["suspension"]) and row["susp_rate"] == float(source["susp_rate"])
            assert row["estab"] == int(source["school_laestab"]) % 10000 and row["la"] == int(source["old_la_code"])
    outcome = validate_dataframe(frame, "raw_suspensions", file_parameters={"min_school_rows": 0})
    assert outcome.success, [f.describe() for f in outcome.failures]
    assert outcome.evaluated == len(suite_definition("raw_suspensions")["expectations"])


def test_a_file_without_the_folders_year_is_refused_naming_the_years_it_holds(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", [_row("202324", "100001"), _row("202223", "100001")])
    with pytest.raises(SourceFormatError, match=r"no rows for 2024-25.*202223, 202324"):
        suspensions.parse(path, academic_year="2024-25")


def test_an_unknown_phase_and_a_repeated_school_are_refused(tmp_path: Path) -> None:
    unknown = _write(tmp_path / "a.csv", [_row("202425", "100001", phase="Nursery")])
    with pytest.raises(SourceFormatError, match="unknown education_phase value") as error:
        suspensions.parse(unknown, academic_year="2024-25")
    assert error.value.value == "Nursery"
    repeated = _write(tmp_path / "b.csv", [_row("202425", "100001"), _row("202425", "100001")])
    with pytest.raises(SourceFormatError, match="100001"):
        suspensions.parse(repeated, academic_year="2024-25")
    # The same school in another year of the series is not a repeat.
    series = _write(tmp_path / "c.csv", [_row("202425", "100001"), _row("202324", "100001")])
    assert len(suspensions.parse(series, academic_year="2024-25")) == 1


def test_a_symbol_outside_ees_conventions_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", [_row("202425", "100001", susp_rate="SUPP")])
    with pytest.raises(SourceFormatError, match="susp_rate"):
        suspensions.parse(path, academic_year="2024-25")


@pytest.mark.parametrize(
    "name",
    [generator.FILE_NAME, "sus_school_level_2006-07_to_2024-25.csv", "exc_school.csv", "some_download.csv"],
)
def test_a_suspensions_file_is_recognised_by_name_or_columns_and_its_year_is_the_folders(
    tmp_path: Path, name: str
) -> None:
    path = _write(tmp_path / "2024-25" / name, [_row("202425", "100001"), _row("200607", "100001")])
    found = recognise(path, folder_year="2024-25")
    assert (found.kind, found.academic_year, found.data_version) == ("suspensions", "2024-25", "final")


def test_without_a_year_folder_a_suspensions_file_is_the_release_of_its_newest_year(tmp_path: Path) -> None:
    path = _write(tmp_path / "sus_school_level_2006-07_to_2024-25.csv", [_row("202425", "1"), _row("200607", "1")])
    found = recognise(path)
    assert (found.kind, found.academic_year) == ("suspensions", "2024-25")
    assert "from its newest rows" in " ".join(found.evidence)
