"""A desk-top analysis for every school (SI7): with the default SI_ACADEMY_DESKTOP_ANALYSIS=profile, every open
academy of the synthetic LA gets a shorter restricted profile (HTML + PDF) under restricted/profiles/<year>/, with
its URN and its headline figures as the rpt_ tables hold them, and nothing from the restricted registers."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.quality.published_scan import restricted_values, scan_published_tree
from dagster_project.lib.reports.booklets import PROFILE_SUBDIR
from dagster_project.lib.reports.report_text import format_difference, format_measure
from tests.pdf_text import layout

pytestmark = pytest.mark.slow


def _text(path: Path) -> str:
    body = path.read_text(encoding="utf-8").split("<body", 1)[1]
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'src="data:[^"]+"', "", body)
    text = re.sub(r"<[^>]+>", " ", body)
    for entity, character in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&#39;", "'"), ("&quot;", '"')):
        text = text.replace(entity, character)
    return re.sub(r"\s+", " ", text)


def _query(warehouse: Path, sql: str, *parameters) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings) -> Path:
    return pipeline_settings.duckdb_path


@pytest.fixture(scope="module")
def profiles(materialized, pipeline_settings) -> dict[int, Path]:
    """Each rendered profile's HTML by URN (the file name starts with the URN)."""
    pages = sorted((pipeline_settings.restricted_dir / PROFILE_SUBDIR).glob("*/*.html"))
    return {int(page.name.split("_", 1)[0]): page for page in pages}


def test_every_open_academy_gets_a_profile_and_no_booklet_by_default(profiles, warehouse, pipeline_settings):
    academies = {
        urn
        for (urn,) in _query(
            warehouse,
            "select urn from dim_school where is_la_school and is_academy and is_open and phase <> 'nursery'",
        )
    }
    listed = dict(_query(warehouse, "select urn, document from rpt_booklet__schools where governance = 'academy'"))
    assert academies and set(listed) == academies and set(listed.values()) == {"profile"}
    assert set(profiles) == academies
    assert all(page.with_suffix(".pdf").read_bytes().startswith(b"%PDF") for page in profiles.values())
    booklet_urns = {
        int(page.name.split("_", 1)[0]) for page in (pipeline_settings.restricted_dir / "booklets").glob("*/*.html")
    }
    assert booklet_urns and not booklet_urns & academies  # maintained schools keep their booklets
    (maintained,) = _query(warehouse, "select count(*) from rpt_booklet__schools where governance = 'maintained'")[0]
    assert len(booklet_urns) == maintained


def test_a_profile_shows_the_academys_urn_and_latest_headline_figures_against_la_and_national(profiles, warehouse):
    rows = _query(
        warehouse,
        """
        with latest as (
            select m.*, max(m.academic_year) over (partition by m.urn, m.key_stage) as latest_year
            from rpt_booklet__measures m
            join rpt_booklet__schools s using (urn)
            where s.document = 'profile' and m.pupil_group = 'all' and m.has_results
        )
        select urn, key_stage, academic_year, measure_name, unit, value, value_reason, la_value, national_value,
            vs_national
        from latest
        where academic_year = latest_year
            and measure_code in ('ks2_rwm_expected_pct', 'ks4_attainment8_score')
            and value is not null and pupils > 5 and la_value is not null and national_value is not null
        order by key_stage, urn
        """,
    )
    assert {row[1] for row in rows} == {"KS2", "KS4"}, "the synthetic LA has primary and secondary academies"
    for urn, key_stage, year, name, unit, value, reason, la_value, national_value, vs_national in (rows[0], rows[-1]):
        text = _text(profiles[urn])
        assert f"URN {urn}" in text
        assert f"{key_stage} results for" in text and f"in {year}, with the LA and national figures" in text
        expected = " ".join(
            (
                name,
                format_measure(value, unit, reason),
                format_measure(la_value, unit),
                format_measure(national_value, unit),
                format_difference(vs_national, unit),
            )
        )
        assert expected in text, (urn, expected)
        pdf = " ".join(layout(profiles[urn].with_suffix(".pdf")).text.split())
        assert str(urn) in pdf and format_measure(value, unit, reason) in pdf


def test_a_profile_shows_the_latest_disadvantaged_gap_and_inspection_and_leaves_out_the_booklets_sections(
    profiles, warehouse
):
    (urn, year, name, unit, gap) = _query(
        warehouse,
        """
        select g.urn, g.academic_year, g.measure_name, g.unit, g.disadvantaged_gap
        from rpt_gap__school_gaps g join rpt_booklet__schools s using (urn)
        where s.document = 'profile' and g.disadvantaged_gap is not null and g.disadvantaged_value is not null
            and g.disadvantaged_pupils > 5
            and g.academic_year = (select max(academic_year) from rpt_gap__school_gaps where urn = g.urn)
        order by g.urn, g.key_stage, g.measure_code limit 1
        """,
    )[0]
    text = _text(profiles[urn])
    assert f"{name} {year} {format_difference(gap, unit)}" in text
    older = _query(
        warehouse, "select academic_year from rpt_gap__school_gaps where urn = ? and academic_year < ?", urn, year
    )
    assert not [old for (old,) in older if f"{name} {old} " in text]  # the latest year only
    inspected_urn, outcome = _query(
        warehouse,
        """
        select h.urn, h.overall_effectiveness_label
        from rpt_booklet__inspection_history h join rpt_booklet__schools s using (urn)
        where s.document = 'profile'
        qualify row_number() over (partition by h.urn order by h.inspection_start_date desc) = 1
        order by h.urn limit 1
        """,
    )[0]
    assert "Latest inspection" in _text(profiles[inspected_urn]) and outcome in _text(profiles[inspected_urn])
    for page in profiles.values():
        words = _text(page)
        assert "Academy profile" in words and "Areas to investigate" not in words
        assert "Targets against outcomes" not in words and "LA return" not in words


def test_no_restricted_data_reaches_an_academy_profile(profiles, warehouse, pipeline_settings):
    """No causing-concern register text, adviser names or judgements, support-category reasons or visit notes."""
    values = restricted_values(warehouse)
    advisers = {name for (name,) in _query(warehouse, "select distinct adviser_name from rpt_grouping__caseloads")}
    assert values and advisers
    assert scan_published_tree(pipeline_settings.restricted_dir / PROFILE_SUBDIR, values) == []
    for page in profiles.values():
        text = _text(page)
        assert not [name for name in advisers if name and name in text], page
