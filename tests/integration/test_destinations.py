"""KS4 destinations on the synthetic LA, end to end: the generated england_ks4-pupdest.csv files load, each school's
figures sit beside its LA's and England's for the same pupil group, a secondary school's booklet shows them with
the source named, and a primary school's booklet neither shows nor lists them.

Expectations come from the generated files and the warehouse's own rows, never hard-coded figures."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

from synthetic_la import KINGSMERE_CODE
from tests.html_text import visible_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        yield connection


def test_every_school_row_of_the_files_is_in_the_mart_with_its_la_and_england(warehouse, pipeline_settings):
    for path in sorted((pipeline_settings.sources_dir / "ks4_destinations").glob("*/england_ks4-pupdest.csv")):
        year = path.parent.name
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        schools = {int(r["URN"]): r for r in rows if r["RECTYPE"] in ("1", "2")}
        (national,) = [r for r in rows if r["RECTYPE"] == "NAT"]
        mart = {
            urn: (cohort, sustained, la_value, national_value)
            for urn, cohort, sustained, la_value, national_value in warehouse.execute(
                "select urn, cohort_pupils, sustained_pct, la_sustained_pct, national_sustained_pct "
                "from fct_school_destinations where academic_year = ? and pupil_group = 'all'",
                [year],
            ).fetchall()
        }
        assert set(mart) == set(schools), year
        for urn, row in schools.items():
            (la_row,) = [r for r in rows if r["RECTYPE"] == "LA" and r["LEA"] == row["LEA"]]
            cohort, sustained, la_value, national_value = mart[urn]
            assert cohort == int(row["COHORT"])
            # A group of 10 or fewer is SUPP in the file and NULL (with its reason) in the mart.
            published = row["OVERALL_DESTPER"]
            assert sustained == (None if published == "SUPP" else float(published.rstrip("%")))
            assert la_value == float(la_row["OVERALL_DESTPER"].rstrip("%"))
            assert national_value == float(national["OVERALL_DESTPER"].rstrip("%"))


def test_a_secondary_booklet_shows_its_destinations_and_names_the_source(warehouse, pipeline_settings):
    urn, ks4_year, sustained = warehouse.execute(
        """
        select destinations.urn, destinations.ks4_academic_year, destinations.sustained_pct
        from rpt_booklet__destinations as destinations
        inner join rpt_booklet__schools as schools using (urn)
        inner join dim_school using (urn)
        where dim_school.la_code = ? and dim_school.phase = 'secondary' and destinations.pupil_group = 'all'
            and schools.document = 'booklet'
            and destinations.sustained_pct is not null
        order by destinations.academic_year desc, urn
        limit 1
        """,
        [KINGSMERE_CODE],
    ).fetchone()
    (html,) = (pipeline_settings.restricted_dir / "booklets").glob(f"*/{urn}_*.html")
    text = visible_text(html)
    section = text.split("Destinations after key stage 4", 1)[1].split("5. Disadvantaged gaps", 1)[0]
    assert re.search(rf"{ks4_year} [\d,]+ {round(sustained)}% ", section)
    assert "KS4 destination measures" in text.split("Data sources", 1)[-1]


def test_a_primary_booklet_has_no_destinations(warehouse, pipeline_settings):
    (urn,) = warehouse.execute(
        "select urn from rpt_booklet__schools inner join dim_school using (urn) "
        "where dim_school.phase = 'primary' and dim_school.la_code = ? and rpt_booklet__schools.document = 'booklet' "
        "order by urn limit 1",
        [KINGSMERE_CODE],
    ).fetchone()
    (html,) = (pipeline_settings.restricted_dir / "booklets").glob(f"*/{urn}_*.html")
    text = visible_text(html)
    assert "Destinations after key stage 4" not in text and "KS4 destination measures" not in text
