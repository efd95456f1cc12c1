"""The tidy EES school-level layout (KS2/KS4 from 2024-25): generated files parsed into the raw_ks2/raw_ks4 rows
the legacy layout gives, checked against the simulated pupil counts; unknown content refused with its location."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.source_files import discover_source_files
from dagster_project.lib.ingest.warehouse_load import ingest_sources
from dagster_project.lib.sources import ks2, ks4
from synthetic_la import KINGSMERE_CODE, build_world
from synthetic_la import ees as synthetic_ees
from synthetic_la.outcomes import simulate
from synthetic_la.writers import pct_int, write_csv

SEED = 20240901
YEAR = "2024-25"


@pytest.fixture(scope="module")
def world():
    return build_world(SEED, "la")


@pytest.fixture(scope="module")
def results(world):
    return simulate(world)


@pytest.fixture(scope="module")
def sources(tmp_path_factory, world, results) -> Path:
    root = tmp_path_factory.mktemp("sources")
    for stage in ("ks2", "ks4"):
        path = root / stage / YEAR / synthetic_ees.file_name(stage, YEAR, "revised")
        write_csv(
            path,
            synthetic_ees.header(stage),
            synthetic_ees.rows(stage, world, results, YEAR, "revised"),
            encoding="utf-8",
        )
    return root


@pytest.fixture(scope="module")
def ks2_path(sources) -> Path:
    return sources / "ks2" / YEAR / "ks2_school_attainment_data.csv"


@pytest.fixture(scope="module")
def ks4_path(sources) -> Path:
    return sources / "ks4" / YEAR / "202425_performance_tables_schools_revised.csv"


@pytest.fixture(scope="module")
def ks2_frame(ks2_path):
    return ks2.parse(ks2_path, academic_year=YEAR, data_version="revised")


@pytest.fixture(scope="module")
def ks4_frame(ks4_path):
    return ks4.parse(ks4_path, academic_year=YEAR, data_version="revised")


def _rewrite(source: Path, target: Path, edit) -> Path:
    """Copy a generated file with `edit(header, rows)` applied (rows as lists of strings)."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    header, body = edit(rows[0], rows[1:])
    target.parent.mkdir(parents=True, exist_ok=True)
    write_csv(target, header, body, encoding="utf-8")
    return target


# --- mapping ------------------------------------------------------------------------------------------------


def test_ees_files_are_found_with_their_release_from_the_name_or_the_version_column(sources):
    found = {(f.source, f.academic_year, f.data_version) for f in discover_source_files(sources)}
    assert found == {("ks2", YEAR, "revised"), ("ks4", YEAR, "revised")}


def test_ks2_areas_become_one_raw_row_each_with_ks2_rectypes(ks2_frame, ks2_path, world, results):
    assert list(ks2_frame.columns) == ks2.SPEC.columns
    assert set(ks2_frame["rectype"].dropna()) == {1, 2, 3, 4, 5}
    schools = ks2_frame[ks2_frame["rectype"].isin([1, 2])]
    assert schools["urn"].is_unique
    expected = {urn for (year, urn), r in results.ks2.items() if year == YEAR and not r.independent}
    assert set(schools["urn"]) == expected
    assert set(ks2_frame.loc[ks2_frame["rectype"] == 3, "lea"]) == {la.code for la in world.las}


def test_ks2_school_row_holds_the_simulated_figures(ks2_frame, results):
    result = max(
        (r for (year, _), r in results.ks2.items() if year == YEAR and not r.independent and not r.new),
        key=lambda r: r.telig,
    )
    row = ks2_frame[ks2_frame["urn"] == result.urn].iloc[0]
    assert row["telig"] == result.telig
    assert row["tfsm6cla1a"] == result.tfsm
    assert row["ptrwm_exp"] == pct_int(result.exp, result.telig)
    assert row["ptrwm_exp_fsm6cla1a"] == pct_int(result.exp_fsm, result.tfsm)
    assert round(row["read_average"]) == round(result.read_avg)


def test_kingsmere_la_row_is_pupil_weighted_over_its_schools(ks2_frame, results, world):
    kingsmere = [
        r
        for (year, urn), r in results.ks2.items()
        if year == YEAR and not r.independent and not r.new and world.school(urn).la_code == KINGSMERE_CODE
    ]
    la = ks2_frame[(ks2_frame["rectype"] == 3) & (ks2_frame["lea"] == KINGSMERE_CODE)].iloc[0]
    telig = sum(r.telig for r in kingsmere)
    assert la["telig"] == telig
    assert la["ptrwm_exp"] == pct_int(sum(r.exp for r in kingsmere), telig)
    assert la["schname"] == "Kingsmere"


def test_ks2_progress_is_not_applicable_without_a_ks1_baseline(ks2_frame):
    assert ks2_frame["readprog"].isna().all()
    assert set(ks2_frame.loc[ks2_frame["rectype"].isin([1, 2]), "readprog_reason"]) <= {"z", "c"}
    assert "z" in set(ks2_frame["readprog_reason"])


def test_ees_symbols_are_kept_as_the_reason(ks2_frame):
    small = ks2_frame[ks2_frame["ptrwm_exp_reason"] == "c"]
    assert len(small) > 0 and small["ptrwm_exp"].isna().all()


def test_ks4_uses_ks4_rectypes_and_marks_independent_schools(ks4_frame, results):
    assert set(ks4_frame["rectype"].dropna()) == {1, 2, 4, 5, 7}
    independent = {urn for (year, urn), r in results.ks4.items() if year == YEAR and r.kind == "independent"}
    assert independent
    marked = set(ks4_frame.loc[ks4_frame["nftype"].isin(["IND", "INDSPEC"]), "urn"])
    assert marked == independent


def test_ks4_has_attainment_but_no_progress8_in_2024_25(ks4_frame, results):
    result = max(
        (r for (year, _), r in results.ks4.items() if year == YEAR and r.kind == "state"), key=lambda r: r.tpup
    )
    row = ks4_frame[ks4_frame["urn"] == result.urn].iloc[0]
    assert row["tpup"] == result.tpup
    assert row["att8scr"] == pytest.approx(result.att8, abs=0.051)
    assert row["ptl2basics_95"] == pct_int(result.basics95, result.tpup)
    assert ks4_frame["p8mea"].isna().all() and set(ks4_frame["p8mea_reason"]) == {"z"}


def test_ees_file_loads_into_raw_ks2_with_its_release(sources, tmp_path, ks2_frame):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    reports = ingest_sources(
        conn, discover_source_files(sources), archive_dir=tmp_path / "archive", quarantine_dir=tmp_path / "q"
    )
    assert not reports["ks2"].quarantined and not reports["ks4"].quarantined
    counts = conn.execute("select academic_year, data_version, count(*) from raw_ks2 group by all").fetchall()
    assert counts == [(YEAR, "revised", len(ks2_frame))]


# --- refusals -----------------------------------------------------------------------------------------------


def test_unknown_indicator_column_is_refused_naming_it(ks2_path, tmp_path):
    bad = _rewrite(
        ks2_path,
        tmp_path / YEAR / "ks2_school_attainment_data.csv",
        lambda header, rows: ([*header, "greater_depth_pupil_percent"], [[*r, "5"] for r in rows]),
    )
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(bad, academic_year=YEAR, data_version="revised")
    assert caught.value.file == "ks2_school_attainment_data.csv"
    assert caught.value.column == "greater_depth_pupil_percent"
    assert "unknown column" in str(caught.value)


def test_unknown_filter_value_is_refused_with_row_column_and_value(ks4_path, tmp_path):
    def edit(header, rows):
        column = header.index("breakdown")
        rows[3][column] = "Looked after"
        return header, rows

    bad = _rewrite(ks4_path, tmp_path / YEAR / ks4_path.name, edit)
    with pytest.raises(SourceFormatError) as caught:
        ks4.parse(bad, academic_year=YEAR, data_version="revised")
    assert (caught.value.row, caught.value.column, caught.value.value) == (4, "breakdown", "Looked after")


def test_a_legacy_code_in_an_ees_file_is_refused(ks2_path, tmp_path):
    def edit(header, rows):
        rows[0][header.index("expected_standard_pupil_percent")] = "SUPP"
        return header, rows

    bad = _rewrite(ks2_path, tmp_path / YEAR / "ks2_school_attainment_data.csv", edit)
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(bad, academic_year=YEAR, data_version="revised")
    assert (caught.value.column, caught.value.value) == ("expected_standard_pupil_percent", "SUPP")
    assert "EES symbol" in str(caught.value)


def test_an_ees_symbol_in_a_legacy_file_is_still_refused():
    from dagster_project.lib.ingest.special_values import parse_measure

    with pytest.raises(SourceFormatError):
        parse_measure("x")


def test_time_period_of_another_year_is_refused(ks2_path):
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(ks2_path, academic_year="2023-24", data_version="revised")
    assert caught.value.column == "time_period" and caught.value.value == "202425"


def test_version_column_disagreeing_with_the_file_name_is_refused(ks4_path):
    with pytest.raises(SourceFormatError) as caught:
        ks4.parse(ks4_path, academic_year=YEAR, data_version="final")
    assert caught.value.column == "version" and caught.value.value == "Revised"


def test_a_school_listed_twice_is_refused(ks2_path, tmp_path):
    bad = _rewrite(
        ks2_path,
        tmp_path / YEAR / "ks2_school_attainment_data.csv",
        lambda h, rows: (h, [*rows[:3], rows[0], *rows[3:]]),
    )
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(bad, academic_year=YEAR, data_version="revised")
    assert caught.value.row == 4 and "duplicated" in str(caught.value)


def test_unknown_establishment_type_group_on_a_national_row_is_refused(ks2_path, tmp_path):
    def edit(header, rows):
        level, group = header.index("geographic_level"), header.index("establishment_type_group")
        rows[-1][group] = "Academies"  # national rows are 'All state funded' or 'All schools'
        assert rows[-1][level] == "National"
        return header, rows

    bad = _rewrite(ks2_path, tmp_path / YEAR / "ks2_school_attainment_data.csv", edit)
    with pytest.raises(SourceFormatError) as caught:
        ks2.parse(bad, academic_year=YEAR, data_version="revised")
    assert caught.value.column == "establishment_type_group" and caught.value.value == "Academies"
