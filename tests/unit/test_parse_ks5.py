"""16 to 18 (KS5) results in DfE's EES layout: the institution and national files of "A level and other 16 to 18
results". The real layout is DfE's own data map for the two files (../shared/reference/dfe/dfe_sap_public/
datamap.csv, read in place): every field and filter combination it maps must parse into the raw column and row it
names. No real KS5 rows are stored there, so the files are built from the map's own cells; the generator's files
and hand-written ones cover the year of a time series, the symbols and the refusals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.source_recognition import recognise
from dagster_project.lib.sources import ks5
from synthetic_la import ks5 as generator
from synthetic_la.world import build_world

MAP_FILES = {"institution": "institution_performance_202225_API", "national": "national_performance_202225_API"}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _map_rows(reference_dir: Path, file: str) -> list[dict[str, str]]:
    with (reference_dir / "dfe_sap_public" / "datamap.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["File"] == file]


def _filters(row: dict[str, str]) -> dict[str, str]:
    names = [""] + [str(n) for n in range(2, 21)]
    return {row[f"Filter{n}"]: row[f"Filter{n}Value"] for n in names if row.get(f"Filter{n}")}


def _from_data_map(reference_dir: Path, tmp_path: Path, which: str) -> tuple[Path, dict[tuple, dict[str, str]]]:
    """A file holding every (area, filter combination) of DfE's map for `which`, each field a distinct number (or
    a grade for text fields), and the cells written, keyed as the parse should key them."""
    mapped = _map_rows(reference_dir, MAP_FILES[which])
    assert mapped, f"{MAP_FILES[which]} is not in DfE's data map"
    fields = sorted({row["Field"] for row in mapped})
    header = ["time_period", "time_identifier", "geographic_level", "old_la_code", "school_urn", "school_laestab",
              "school_name", "establishment_type", "disadvantage_status", "exam_cohort", *fields]  # fmt: skip
    cells: dict[tuple, dict[str, str]] = {}
    for number, row in enumerate(mapped):
        filters = _filters(row)
        level = filters.get("geographic_level", "School")
        area = {"School": "100001", "Local authority": "991", "National": ""}[level]
        key = (filters["time_period"], level, area, filters["disadvantage_status"], filters["exam_cohort"])
        text = row["DataType"] == "string"
        cells.setdefault(key, {})[row["Field"]] = f"G{number}" if text else f"{number}.5"
    rows = []
    for (period, level, area, status, cohort), values in cells.items():
        school = level == "School"
        establishment_type = "All state-funded schools and colleges" if level == "National" else ""
        rows.append(
            [
                period,
                "Academic year",
                level,
                "991" if level != "National" else "",
                area if school else "",
                "9914001" if school else "",
                "A School" if school else "",
                establishment_type,
                status,
                cohort,
                *(values.get(field, "z") for field in fields),
            ]  # fmt: skip
        )
    return _write(tmp_path / f"{MAP_FILES[which]}.csv", header, rows), cells


@pytest.mark.real_reference
@pytest.mark.parametrize("which", ["institution", "national"])
def test_every_cell_dfes_data_map_names_parses_into_its_row_and_column(reference_dir, tmp_path, which) -> None:
    path, cells = _from_data_map(reference_dir, tmp_path, which)
    known = set(ks5.MEASURES) | set(ks5.GRADES)
    checked = 0
    for period in sorted({key[0] for key in cells}):
        year = f"{period[:4]}-{period[4:]}"
        frame = ks5.parse(path, academic_year=year, data_version="final")
        in_year = {key: values for key, values in cells.items() if key[0] == period}
        assert len(frame) == len(in_year)
        for row in frame.to_dict("records"):
            level, area = {
                "school": ("School", str(row["urn"])),
                "local_authority": ("Local authority", str(row["la"])),
                "national": ("National", ""),
            }[row["record_type"]]
            values = in_year[(period, level, area, row["disadvantage_status"], row["exam_cohort"])]
            for field, written in values.items():
                assert field in known, f"DfE's map names {field}, which raw_ks5 does not keep"
                if field in ks5.GRADES:
                    assert row[field] == written
                else:
                    assert row[field] == float(written), (field, row["exam_cohort"], row["disadvantage_status"])
                checked += 1
    assert checked == sum(len(values) for values in cells.values())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    world = build_world(seed=20240901)
    folder = tmp_path_factory.mktemp("ks5") / "2024-25"
    institution, national = generator.file_names("2024-25")
    return (
        _write(folder / institution, generator.INSTITUTION_HEADER, list(generator.institution_rows(world, "2024-25"))),
        _write(folder / national, generator.NATIONAL_HEADER, list(generator.national_rows(world, "2024-25"))),
    )


def test_the_folders_year_of_a_three_year_file_is_read_with_symbols_as_reasons(generated) -> None:
    institution, _ = generated
    with institution.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for year in generator.YEARS:
        frame = ks5.parse(institution, academic_year=year, data_version="final")
        in_year = [r for r in rows if r["time_period"] == year.replace("-", "")]
        assert len(frame) == len(in_year) and set(frame["academic_year"]) == {year}
        published = {(int(r["school_urn"]), r["disadvantage_status"], r["exam_cohort"]): r for r in in_year}
        for row in frame.to_dict("records"):
            source = published[(row["urn"], row["disadvantage_status"], row["exam_cohort"])]
            if source["aps_per_entry"] in ("c", "z"):
                assert row["aps_per_entry_reason"] == source["aps_per_entry"] and row["aps_per_entry"] is None
            else:
                assert row["aps_per_entry"] == float(source["aps_per_entry"])
                assert row["aps_per_entry_grade"] == source["aps_per_entry_grade"]
            assert row["la"] == int(source["old_la_code"]) and row["estab"] == int(source["school_laestab"][3:])


def test_the_national_file_keeps_england_all_state_funded_and_each_la(generated) -> None:
    _, national = generated
    with national.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["time_period"] == "202425"]
    frame = ks5.parse(national, academic_year="2024-25", data_version="final")
    england = frame[frame["record_type"] == "national"]
    kept = [r for r in rows if r["establishment_type"] in ("", generator.ALL_STATE_FUNDED)]
    assert len(frame) == len(kept) < len(rows)  # England's split by institution type is not kept
    assert set(england["disadvantage_status"]) == {"Total", "Disadvantaged", "Not disadvantaged"}
    source = next(
        r
        for r in rows
        if r["geographic_level"] == "National"
        and r["establishment_type"] == generator.ALL_STATE_FUNDED
        and (r["disadvantage_status"], r["exam_cohort"]) == ("Not disadvantaged", "A level")
    )
    parsed = england[(england["disadvantage_status"] == "Not disadvantaged") & (england["exam_cohort"] == "A level")]
    assert parsed["aps_per_entry"].tolist() == [float(source["aps_per_entry"])]
    assert england["la"].isna().all() and frame[frame["record_type"] == "local_authority"]["la"].notna().all()


def _institution(tmp_path: Path, *rows: dict[str, str]) -> Path:
    header = ["time_period", "geographic_level", "old_la_code", "school_urn", "school_laestab", "school_name",
              "disadvantage_status", "exam_cohort", "aps_per_entry"]  # fmt: skip
    base = {"time_period": "202425", "geographic_level": "School", "old_la_code": "991", "school_urn": "100001",
            "school_laestab": "9914001", "school_name": "A School", "disadvantage_status": "Total",
            "exam_cohort": "A level", "aps_per_entry": "35.2"}  # fmt: skip
    return _write(tmp_path / "2024-25" / "institution_performance_202225_API.csv", header,
                  [[(base | row)[name] for name in header] for row in rows])  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "message", "value"),
    [
        (({"exam_cohort": "T level"},), "unknown exam_cohort value", "T level"),
        (({"disadvantage_status": "FSM"},), "unknown disadvantage_status value", "FSM"),
        (({}, {}), "duplicated row", "100001"),
        (({"school_urn": ""},), "a school row has no school_urn", ""),
        (({"aps_per_entry": "n/a"},), "aps_per_entry", "n/a"),
    ],
)
def test_a_bad_file_is_refused_naming_the_row_column_and_value(tmp_path, rows, message, value) -> None:
    path = _institution(tmp_path, *rows)
    with pytest.raises(SourceFormatError) as refused:
        ks5.parse(path, academic_year="2024-25", data_version="final")
    assert message in str(refused.value) and refused.value.value == value
    assert refused.value.file == path.name and refused.value.row is not None


def test_a_file_without_the_folders_year_is_refused_naming_the_years_it_holds(tmp_path) -> None:
    path = _institution(tmp_path, {"time_period": "202223"})
    with pytest.raises(SourceFormatError, match=r"no rows for 2024-25 .* holds 202223"):
        ks5.parse(path, academic_year="2024-25", data_version="final")


def test_both_files_are_recognised_by_name_or_columns_and_a_loose_file_takes_its_newest_year(
    generated, tmp_path
) -> None:
    institution, national = generated
    assert (recognise(institution).kind, recognise(national).kind) == ("ks5", "ks5_national")
    assert recognise(institution).academic_year == "2024-25"
    # Renamed and out of any year folder: the columns tell the file, its newest rows the year.
    loose = tmp_path / "download (3).csv"
    loose.write_bytes(national.read_bytes())
    found = recognise(loose)
    assert (found.kind, found.academic_year) == ("ks5_national", "2024-25")
    assert "from its newest rows" in " ".join(found.evidence)
