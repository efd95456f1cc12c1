"""16 to 18 results on the synthetic LA, end to end: the generated EES institution and national files load into
their own partitioned tables, each school's LA and England figures are the national file's rows (read here with
the csv module), the school planted with weak sixth-form value added shows it in its booklet, and a school without
a sixth form has no 16 to 18 section.

Expectations come from the generated files and the warehouse's own rows, never hard-coded figures."""

from __future__ import annotations

import csv

import duckdb
import pytest

from synthetic_la import KINGSMERE_CODE
from synthetic_la import ks5 as generator
from tests.html_text import visible_text

pytestmark = pytest.mark.slow
SYMBOLS = ("c", "z", "x")


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        yield connection


def _rows(pipeline_settings, year: str, which: int) -> list[dict[str, str]]:
    path = pipeline_settings.sources_dir / "ks5" / year / generator.file_names(year)[which]
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["time_period"] == year.replace("-", "")]


def test_each_years_figures_come_from_its_own_folders_files(warehouse, pipeline_settings):
    for year in generator.YEARS:
        institution = _rows(pipeline_settings, year, 0)
        loaded = warehouse.execute(
            "select count(*), min(source_file) from raw_ks5 where academic_year = ?", [year]
        ).fetchone()
        assert loaded == (len(institution), generator.file_names(year)[0])
        cohorts = {(r["school_urn"], r["exam_cohort"]) for r in institution if r["exam_cohort"] != "E/M measures"}
        facts = warehouse.execute("select count(*) from fct_school_ks5_results where academic_year = ?", [year])
        assert facts.fetchone()[0] == len(cohorts)


def test_la_and_england_figures_are_the_national_files_rows(warehouse, pipeline_settings):
    checked = 0
    for year in generator.YEARS:
        areas = {}
        for row in _rows(pipeline_settings, year, 1):
            if row["establishment_type"] in ("", generator.ALL_STATE_FUNDED) and row["aps_per_entry"] not in SYMBOLS:
                key = (row["old_la_code"] or None, row["disadvantage_status"], row["exam_cohort"])
                areas[key] = float(row["aps_per_entry"])
        facts = warehouse.execute(
            "select la_code, exam_cohort, la_points_per_entry, national_points_per_entry, "
            "national_other_points_per_entry from fct_school_ks5_results where academic_year = ?",
            [year],
        ).fetchall()
        for la_code, cohort, la, national, national_other in facts:
            assert la == areas.get((str(la_code), "Total", cohort))
            assert national == areas[(None, "Total", cohort)]
            assert national_other == areas[(None, "Not disadvantaged", cohort)]
            checked += 1
    assert checked > 100


def test_the_planted_sixth_forms_booklet_shows_value_added_significantly_below(warehouse, pipeline_settings):
    (urn,) = warehouse.execute(
        "select urn from dim_school where school_name = 'Thornbury School' and la_code = ?", [KINGSMERE_CODE]
    ).fetchone()
    year = generator.YEARS[-1]
    published = {
        r["exam_cohort"]: r
        for r in _rows(pipeline_settings, year, 0)
        if r["school_urn"] == str(urn) and r["disadvantage_status"] == "Total"
    }
    below = [
        c
        for c, r in published.items()
        if r["value_added_upper_ci"] not in SYMBOLS and float(r["value_added_upper_ci"]) < 0
    ]
    assert "A level" in below
    (html,) = (pipeline_settings.restricted_dir / "booklets").glob(f"*/{urn}_*.html")
    text = visible_text(html)
    section = text.split("16 to 18 results", 1)[1].split("5. Disadvantaged gaps", 1)[0]
    a_level = published["A level"]
    points = float(a_level["aps_per_entry"])
    shown = f"A level {year} {a_level['aps_per_entry_student_count']} {points:.1f} ({a_level['aps_per_entry_grade']})"
    assert shown in section
    assert f"In {year} value added was significantly below average" in section
    assert section.split("interval below 0) for: ", 1)[1].split(".", 1)[0] == ", ".join(below)
    assert "A level and other 16 to 18 results" in text.split("Data sources", 1)[-1]


def test_a_school_without_a_sixth_form_has_no_16_to_18_section(warehouse, pipeline_settings):
    (urn,) = warehouse.execute(
        "select urn from rpt_booklet__schools where document = 'booklet' and urn not in "
        "(select urn from rpt_booklet__ks5) order by urn limit 1"
    ).fetchone()
    (html,) = (pipeline_settings.restricted_dir / "booklets").glob(f"*/{urn}_*.html")
    assert "16 to 18 results" not in visible_text(html).split("Data sources", 1)[0]


def test_the_committee_report_counts_sixth_forms_below_average_without_naming_them(warehouse, pipeline_settings):
    (html,) = (pipeline_settings.published_dir / "committee_report").glob("committee_report_*.html")
    section = visible_text(html).split("16 to 18 results", 1)[1].split("The local authority’s aims", 1)[0]
    year, la, national, published, below = warehouse.execute(
        "select academic_year, la_points_per_entry, national_points_per_entry, schools_with_value_added, "
        "schools_significantly_below from rpt_committee__ks5 where exam_cohort = 'A level' "
        "order by academic_year desc limit 1"
    ).fetchone()
    assert below >= 1  # the planted sixth form
    assert (
        f"In {year}, Kingsmere’s A level students averaged {la:.1f} points per entry against {national:.1f} in "
        f"England; value added was significantly below average at {below} of the {published} school sixth form"
    ) in section
    assert "Thornbury" not in section
