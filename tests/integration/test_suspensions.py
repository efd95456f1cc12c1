"""Suspensions and permanent exclusions on the synthetic LA, end to end: the generated EES school-level files load,
England's and the LA's rates are the school rows' counts summed (recomputed here from the files with the csv
module), the school planted with rising absence shows rising suspensions in its booklet, a small figure is held
back, and the published committee report gives the LA against England without naming a school.

Expectations come from the generated files and the warehouse's own rows, never hard-coded figures."""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import duckdb
import pytest

from synthetic_la import KINGSMERE_CODE
from tests.html_text import visible_text

pytestmark = pytest.mark.slow

PHASES = {"State-funded primary": "PRI", "State-funded secondary": "SEC", "Special": "SPE"}


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        yield connection


def _file_rows(pipeline_settings, year: str) -> list[dict[str, str]]:
    (path,) = (pipeline_settings.sources_dir / "suspensions" / year).glob("*.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["time_period"] == year.replace("-", "")]


def test_england_and_la_rates_are_the_school_counts_of_the_file_summed(warehouse, pipeline_settings):
    years = [y for (y,) in warehouse.execute("select distinct academic_year from fct_school_suspensions").fetchall()]
    assert len(years) >= 3
    for year in years:
        rows = [r for r in _file_rows(pipeline_settings, year) if r["suspension"] != "c"]
        sums: dict[tuple[str | None, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in rows:
            for area in (None, row["old_la_code"]):
                totals = sums[(area, PHASES[row["education_phase"]])]
                totals[0] += int(row["headcount"])
                totals[1] += int(row["suspension"])
                totals[2] += int(row["perm_excl"])
        mart = warehouse.execute(
            "select geography_level, la_code, phase_code, suspension_rate, permanent_exclusion_rate "
            "from int_suspension_area_rates where academic_year = ?",
            [year],
        ).fetchall()
        assert len(mart) == len(sums), year
        for level, la_code, phase, suspension_rate, exclusion_rate in mart:
            pupils, suspended, excluded = sums[(None if level == "national" else str(la_code), phase)]
            assert suspension_rate == pytest.approx(100 * suspended / pupils), (year, level, la_code, phase)
            assert exclusion_rate == pytest.approx(100 * excluded / pupils)
        schools = warehouse.execute(
            "select count(*) from fct_school_suspensions where academic_year = ?", [year]
        ).fetchone()[0]
        assert schools == len(_file_rows(pipeline_settings, year))


def test_the_planted_schools_booklet_shows_suspensions_rising_beside_england(warehouse, pipeline_settings):
    (urn,) = warehouse.execute(
        "select urn from dim_school where school_name = 'Thornbury School' and la_code = ?", [KINGSMERE_CODE]
    ).fetchone()
    rows = warehouse.execute(
        "select academic_year, suspension_rate, national_suspension_rate from rpt_booklet__suspensions "
        "where urn = ? order by academic_year desc limit 3",
        [urn],
    ).fetchall()[::-1]
    rates = [rate for _, rate, _ in rows]
    assert rates == sorted(rates) and rates[-1] > 2 * rows[-1][2]  # rising, and over twice England's by the end
    (html,) = (pipeline_settings.restricted_dir / "booklets").glob(f"*/{urn}_*.html")
    text = visible_text(html)
    section = text.split("Suspensions and exclusions", 1)[1].split("4. Results over three years", 1)[0]
    for year, rate, national in rows:
        assert re.search(rf"{year} {rate:.1f} [+−]\d+\.\d [\d.]+ {national:.1f} ", section), year
    assert "Suspensions and permanent exclusions in England" in text.split("Data sources", 1)[-1]


def test_a_suspension_rate_built_on_five_or_fewer_suspensions_is_not_shown(warehouse, pipeline_settings):
    urn, year, rate = warehouse.execute(
        """
        select suspensions.urn, suspensions.academic_year, suspensions.suspension_rate
        from rpt_booklet__suspensions as suspensions
        inner join rpt_booklet__schools as schools using (urn)
        where schools.document = 'booklet' and suspensions.suspensions between 1 and 5
            and suspensions.academic_year = (
                select max(academic_year) from rpt_booklet__suspensions where urn = suspensions.urn
            )
        order by urn
        limit 1
        """
    ).fetchone()
    (html,) = (pipeline_settings.restricted_dir / "booklets").glob(f"*/{urn}_*.html")
    section = visible_text(html).split("Suspensions and exclusions", 1)[1].split("4. Results", 1)[0]
    assert f"{year} suppressed: 5 or fewer pupils" in section
    assert f"{year} {rate:.1f} " not in section


def test_the_committee_report_gives_the_la_against_england_and_counts_high_schools(warehouse, pipeline_settings):
    (html,) = (pipeline_settings.published_dir / "committee_report").glob("committee_report_*.html")
    text = visible_text(html)
    section = text.split("Suspensions and permanent exclusions", 1)[1].split("5. Inspections this term", 1)[0]
    latest = warehouse.execute(
        "select academic_year, phase_name, la_suspension_rate, national_suspension_rate, schools_twice_national "
        "from rpt_committee__suspensions where academic_year = (select max(academic_year) "
        "from rpt_committee__suspensions) order by phase_order"
    ).fetchall()
    assert any(high for *_, high in latest)  # the planted school
    for year, phase, la_rate, national_rate, high in latest:
        sentence = f"In {year}, Kingsmere’s {phase} schools made {la_rate:.1f} suspensions per 100 pupils against "
        assert sentence + f"{national_rate:.1f} in England" in section
        assert ("one school had at least twice England’s rate" in section) or not high
    assert "Thornbury School" not in section


def test_the_gap_report_puts_each_listed_schools_suspensions_beside_its_gap(warehouse, pipeline_settings):
    (html,) = (pipeline_settings.published_dir / "narrowing_the_gap").glob("narrowing_the_gap_*.html")
    text = visible_text(html)
    widest = text.split("2. Schools with the widest gaps", 1)[1].split("3. Schools closing the gap fastest", 1)[0]
    rows = warehouse.execute(
        "select school_name, urn, suspensions, suspension_rate, national_suspension_rate from rpt_gap__school_gaps "
        "where measure_code = 'ks2_rwm_expected_pct' and academic_year = (select max(academic_year) "
        "from rpt_gap__school_gaps where measure_code = 'ks2_rwm_expected_pct')"
    ).fetchall()
    listed = [row for row in rows if f"{row[0]} {row[1]} " in widest]
    assert len(listed) >= 5
    for name, urn, suspensions, rate, national in listed:
        row_text = widest.split(f"{name} {urn} ", 1)[1].split(")", 1)[0] + ")"
        shown = "suppressed: 5 or fewer pupils" if 1 <= suspensions <= 5 else f"{rate:.1f}"
        assert row_text.endswith(f" {shown} ({national:.1f})"), (name, row_text)
