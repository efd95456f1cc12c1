"""Attendance on the synthetic LA, end to end: the EES 2024-25 absence file and the older england_abs.csv files
load into one school-by-year model; England's and the LAs' rates recomputed from the school rows equal DfE's own
(in the area file the pipeline does not read); the planted school whose persistent absence rises raises both
attendance flags, and its booklet, the committee report and the narrowing-the-gap report show it.

Expectations come from the generated world and the warehouse's own rows, never hard-coded figures."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

from synthetic_la import DEFAULT_SEED, KINGSMERE_CODE, build_world
from synthetic_la import absence as synthetic_absence
from tests.html_text import visible_text
from tests.pdf_text import layout

pytestmark = pytest.mark.slow
FLAGS = {"ABSENCE_PERSISTENT_ABOVE_NATIONAL", "ABSENCE_PERSISTENT_RISING"}


@pytest.fixture(scope="module")
def planted():
    (school,) = build_world(DEFAULT_SEED, "la").with_risk("rising_persistent_absence")
    return school


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        yield connection


def test_dfe_s_england_and_la_rates_equal_the_rates_recomputed_from_the_school_file(warehouse, pipeline_settings):
    """2024-25 comes as DfE splits it: the school file is read, and England's and each LA's rows are in
    1_absence_3term_nat_reg_la, which the pipeline does not read. Its rates must equal the warehouse's, recomputed
    from the school rows' sessions and enrolments."""
    folder = pipeline_settings.sources_dir / "absence" / "2024-25"
    with (folder / synthetic_absence.EES_AREA_FILE_NAME).open(encoding="utf-8", newline="") as handle:
        published = [r for r in csv.DictReader(handle) if r["education_phase"] != "Total"]
    phases = {"State-funded primary": "PRI", "State-funded secondary": "SEC", "Special": "SPE"}
    warehouse_rates = {
        (level, la, phase): (persistent, overall, source)
        for level, la, phase, persistent, overall, source in warehouse.execute(
            "select geography_level, la_code, phase_code, persistent_absence_pct, overall_absence_pct, value_source "
            "from int_absence_area_comparators where academic_year = '2024-25'"
        ).fetchall()
    }
    assert len(published) > 3
    for row in published:
        level = "national" if row["geographic_level"] == "National" else "la"
        key = (level, int(row["old_la_code"]) if level == "la" else None, phases[row["education_phase"]])
        persistent, overall, source = warehouse_rates[key]
        assert source == "recomputed"
        # EES prints rates to 5 decimal places; sessions and enrolments recompute them to that rounding.
        assert persistent == pytest.approx(float(row["enrolments_pa_10_exact_percent"]), abs=1e-4), key
        assert overall == pytest.approx(float(row["sess_overall_percent"]), abs=1e-4), key


def test_england_rates_from_england_abs_csv_match_the_school_rows_to_its_rounding(warehouse):
    """england_abs.csv gives one decimal place and no counts: pupils on roll weight the recomputed rate."""
    rows = warehouse.execute(
        """
        select phase_code, persistent_absence_pct, recomputed_persistent_absence_pct
        from int_absence_area_comparators
        where geography_level = 'national' and academic_year = '2023-24'
        """
    ).fetchall()
    assert {phase for phase, *_ in rows} == {"PRI", "SEC", "SPE"}
    for phase, published, recomputed in rows:
        assert recomputed == pytest.approx(published, abs=0.15), phase


def test_the_planted_school_alone_raises_the_attendance_flags_in_the_la(warehouse, planted):
    raised = warehouse.execute(
        """
        select flags.urn, flags.flag_code
        from int_school_data_risk_flags as flags
        inner join dim_school using (urn)
        where flags.key_stage = 'absence' and flags.is_raised and dim_school.la_code = ?
        """,
        [KINGSMERE_CODE],
    ).fetchall()
    assert set(raised) == {(planted.urn, flag) for flag in FLAGS}
    (row,) = warehouse.execute(
        "select persistent_change_pts, raised_attendance_flags from fct_school_attendance "
        "where urn = ? and academic_year = '2024-25'",
        [planted.urn],
    ).fetchall()
    assert row[0] >= 3 and set(row[1].split(", ")) == FLAGS


def test_the_booklet_shows_the_attendance_table_and_both_areas(materialized, pipeline_settings, planted, warehouse):
    (html,) = (pipeline_settings.restricted_dir / "booklets").glob(f"*/{planted.urn}_*.html")
    text = visible_text(html)
    areas = text.split("Areas to investigate", 1)[1].split("3. Context", 1)[0]
    assert "Persistent absence at least 10 percentage points above the national rate" in areas
    assert "rose by at least 3 percentage points in each of the last two years" in areas
    latest = warehouse.execute(
        "select persistent_absence_pct, national_persistent_absence_pct from fct_school_attendance "
        "where urn = ? and academic_year = '2024-25'",
        [planted.urn],
    ).fetchone()
    row = re.search(
        r"2024-25 [\d.]+% ([\d.]+)% \+[\d.]+ [\d.]+% ([\d.]+)% [\d.]+%", text.split("absence (DfE pupil", 1)[1]
    )
    assert row and (float(row.group(1)), float(row.group(2))) == (round(latest[0], 1), round(latest[1], 1))
    assert "Attendance" in layout(html.with_suffix(".pdf")).text


def test_the_committee_report_counts_the_flagged_school_and_gives_la_against_england(materialized, pipeline_settings):
    (html,) = (pipeline_settings.published_dir / "committee_report").glob("committee_report_*.html")
    section = visible_text(html).split("4. Attendance", 1)[1].split("5. Inspections this term", 1)[0]
    assert "secondary schools was" in section
    assert "one school at least 10 points above England and one school where it rose by at least 3 points" in section
    for phase in ("Primary", "Secondary", "Special"):
        assert f"2024-25 {phase} " in section


def test_the_gap_report_sets_each_school_s_persistent_absence_beside_its_gap(
    materialized, pipeline_settings, warehouse
):
    (html,) = (pipeline_settings.published_dir / "narrowing_the_gap").glob("narrowing_the_gap_*.html")
    text = visible_text(html)
    assert "Persistent absence vs England" in text or "Absence vs England" in text
    urn, pct = warehouse.execute(
        "select urn, persistent_absence_pct from rpt_gap__school_gaps "
        "where key_stage = 'KS2' and academic_year = '2024-25' and persistent_absence_pct is not null "
        "and disadvantaged_pupils >= 11 and disadvantaged_value is not null order by disadvantaged_gap, urn limit 1"
    ).fetchone()
    assert re.search(rf"{urn} \d+ [\d]+% [−-]\d+ {round(pct, 1):.1f}%", text)
