"""Pupil groups on the synthetic LA, end to end: every group the KS2/KS4 files publish loads into one long model
with its gap; each LA's group figure equals the one recomputed from its schools' counts; the planted school whose
boys fall further behind every year is the widening gap the narrowing-the-gap report names.

Expectations come from the generated world and the warehouse's own rows, never hard-coded figures."""

from __future__ import annotations

import duckdb
import pytest

from synthetic_la import DEFAULT_SEED, build_world
from tests.html_text import visible_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def planted():
    (school,) = build_world(DEFAULT_SEED, "la").with_risk("widening_boys_gap")
    return school


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        yield connection


def test_every_group_the_files_publish_is_loaded_for_every_year(warehouse):
    loaded = set(
        warehouse.execute(
            "select key_stage, group_code from fct_pupil_group_gaps where measure_value is not null"
        ).fetchall()
    )
    groups = {g for (g,) in warehouse.execute("select group_code from pupil_groups").fetchall()}
    assert {g for ks, g in loaded if ks == "KS2"} == groups
    assert {g for ks, g in loaded if ks == "KS4"} == groups


def test_each_la_group_figure_equals_its_schools_pupils_recomputed(warehouse):
    """The generator builds LA rows from pupil counts as DfE does: the LA's girls' RWM % is its schools' published
    figures weighted by their girls, to within the drift of whole-percentage rounding and the few suppressed small
    schools left out (at least 95% of the LA's girls covered). Boys mapped as girls would be 10+ points off."""
    rows = warehouse.execute(
        """
        select la.academic_year, la.la_code, la.measure_value, la.group_pupils,
               sum(s.measure_value * s.group_pupils) / sum(s.group_pupils), sum(s.group_pupils)
        from fct_pupil_group_gaps as la
        join fct_pupil_group_gaps as s
          on s.geography_level = 'school' and s.la_code = la.la_code and s.academic_year = la.academic_year
          and s.measure_code = la.measure_code and s.group_code = la.group_code and s.measure_value is not null
        where la.geography_level = 'la' and la.measure_code = 'ks2_rwm_expected_pct' and la.group_code = 'girls'
        group by all
        """
    ).fetchall()
    checked = [r for r in rows if r[5] >= 0.95 * r[3]]
    assert len(checked) >= 8
    for year, la_code, published, _, recomputed, _ in checked:
        assert abs(published - recomputed) <= 2.0, (year, la_code, published, recomputed)


def test_the_planted_school_s_boys_gap_widens_and_the_report_names_it(warehouse, planted, pipeline_settings):
    trend = dict(
        warehouse.execute(
            "select academic_year, gap_trend from fct_pupil_group_gaps "
            "where urn = ? and measure_code = 'ks2_rwm_expected_pct' and group_code = 'boys'",
            [planted.urn],
        ).fetchall()
    )
    assert trend["2024-25"] == "widening"
    text = visible_text(pipeline_settings.published_dir / "narrowing_the_gap" / "narrowing_the_gap_2024-25.html")
    section = text[text.index("4. Pupil groups and subjects") :]
    assert planted.name in section
    assert "no breakdown by special educational needs or ethnicity" in section
    # How attendance relates: the school's persistent absence that year beside England's, from the warehouse.
    absence, national = warehouse.execute(
        "select persistent_absence_pct, national_persistent_absence_pct from fct_school_attendance "
        "where urn = ? and academic_year = '2024-25'",
        [planted.urn],
    ).fetchone()
    row = section.split(f"{planted.name} {planted.urn} Boys ", 1)[1].split("%)", 1)[0] + "%)"
    assert row.endswith(f" {absence:.1f}% ({national:.1f}%)"), row


def test_the_planted_school_s_booklet_shows_every_group_with_the_boys_gap_widening(planted, pipeline_settings):
    from dagster_project.lib.reports.booklets import booklet_stem

    (booklet,) = (pipeline_settings.restricted_dir / "booklets").rglob(
        f"{booklet_stem(planted.urn, planted.name)}.html"
    )
    text = visible_text(booklet)
    groups = text[text.index("Every pupil group") : text.index("6. Targets against outcomes")]
    for group in ("Disadvantaged pupils", "Girls", "English as an additional language", "Non-mobile pupils"):
        assert group in groups
    boys = groups[groups.index("Boys") :].split("Girls")[0]
    assert boys.rstrip().endswith("widening")
