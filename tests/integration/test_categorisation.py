"""Categorisation on the bundled LA against what the generator planted (`build_world`, `build_returns`).

Expected tiers, categories and exclusions are computed here from the planted inspection histories and the
wording of the service documents, never copied from the warehouse.
"""

from __future__ import annotations

import csv
from datetime import date

import duckdb
import pytest

from dagster_project.resources import REPO_ROOT
from dagster_project.synthetic import DEFAULT_SEED, KINGSMERE_CODE, build_world
from dagster_project.synthetic.returns import build_returns

pytestmark = pytest.mark.slow

TIER3_HISTORY_FROM = date(2005, 1, 1)  # 'not been rated above RI since 2005'


@pytest.fixture(scope="module")
def world():
    return build_world(DEFAULT_SEED, "la")


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as conn:
        yield conn


def _graded_chain(world, school) -> list:
    """Graded inspections of the school and every predecessor, oldest first."""
    inspections, current = [], school
    seen = set()
    while current is not None and current.urn not in seen:
        seen.add(current.urn)
        inspections.extend(i for i in current.inspections if i.graded)
        current = world.school(current.predecessor_urn) if current.predecessor_urn else None
    return sorted(inspections, key=lambda i: i.start_date)


def _expected_tier(graded: list) -> int | None:
    """The regional offer (shared/seeds/000) worded as code."""
    if not graded or graded[-1].overall_effectiveness != 3:
        return None
    since_2005 = [i for i in graded if i.start_date >= TIER3_HISTORY_FROM]
    if len(since_2005) >= 4 and all(i.overall_effectiveness >= 3 for i in since_2005):
        return 3
    consecutive_ri = 0
    for inspection in reversed(graded):
        if inspection.overall_effectiveness != 3:
            break
        consecutive_ri += 1
    if consecutive_ri >= 2 or len(graded) == 1:
        return 2
    return 1


def _state_funded_kingsmere(world):
    return [s for s in world.kingsmere if s.is_maintained or s.is_academy]


def test_every_school_gets_the_tier_the_regional_offer_gives_its_planted_history(warehouse, world):
    expected = {s.urn: _expected_tier(_graded_chain(world, s)) for s in _state_funded_kingsmere(world)}
    actual = dict(warehouse.execute("select urn, support_tier from fct_school_support_tier").fetchall())
    assert actual == expected
    assert {1, 2, 3} <= set(actual.values()), "the planted world should exercise every tier"


@pytest.mark.parametrize(
    ("role", "tier", "rule_code"),
    [
        ("ri_twice", 2, "TIER2_CONSECUTIVE_RI"),
        ("new_school", 2, "TIER2_NEW_SCHOOL_RI_FIRST"),
        ("ri_persistent", 3, "TIER3_PERSISTENT_RI"),
    ],
)
def test_planted_schools_are_in_their_tier_with_the_offer_wording(warehouse, world, role, tier, rule_code):
    school = world.with_role(role)
    row = warehouse.execute(
        "select support_tier, rule_code, rule_version, reasons from fct_school_support_tier where urn = ?",
        [school.urn],
    ).fetchone()
    assert row[:2] == (tier, rule_code)
    assert row[2] and "tier " + str(tier) in row[3].lower()


def test_converted_academy_keeps_its_predecessors_judgements_for_the_tier(warehouse, world):
    (_, successor) = next((p, s) for p, s in world.conversions if "conversion_b_successor" in s.roles)
    count, reasons = warehouse.execute(
        "select graded_inspection_count, reasons from fct_school_support_tier where urn = ?", [successor.urn]
    ).fetchone()
    assert count == len(_graded_chain(world, successor)) > len([i for i in successor.inspections if i.graded])
    assert "predecessor URN" in reasons


def test_schools_in_an_ofsted_category_are_exactly_the_planted_ones_and_are_identified(warehouse, world):
    planted = {world.with_role("special_measures").urn, world.with_role("serious_weaknesses").urn}
    in_category = {
        urn
        for (urn,) in warehouse.execute(
            "select urn from fct_school_intervention where is_in_ofsted_category and is_identified_for_intervention"
        ).fetchall()
    }
    assert in_category == planted


def test_below_good_twice_follows_the_planted_histories(warehouse, world):
    expected = {
        s.urn
        for s in _state_funded_kingsmere(world)
        if len(graded := _graded_chain(world, s)) >= 2
        and graded[-1].overall_effectiveness >= 3
        and graded[-2].overall_effectiveness >= 3
    }
    actual = {
        urn
        for (urn,) in warehouse.execute("select urn from fct_school_intervention where is_below_good_twice").fetchall()
    }
    assert actual == expected


def test_floor_standard_exclusions_carry_their_reasons(warehouse, world):
    reasons = {
        urn: (ks2, ks4)
        for urn, ks2, ks4 in warehouse.execute(
            "select urn, ks2_floor_exclusion_reason, ks4_floor_exclusion_reason from fct_school_intervention"
        ).fetchall()
    }
    special = [s for s in _state_funded_kingsmere(world) if s.is_special and s.is_open_on(date(2024, 6, 1))]
    assert special and all("special school" in reasons[s.urn] for s in special)
    pru = [s for s in world.kingsmere if s.type_code == 14]
    assert pru and all(reasons[s.urn][1] in (None, "pupil referral unit") for s in pru)
    closed = world.with_role("closed_school")
    assert reasons[closed.urn][0] == "closed school"
    tiny = next(s for s in world.kingsmere if s.ks2_cohort == 4)  # Year 6 of about 4: whole cohort suppressed
    assert reasons[tiny.urn][0] == "cohort under 11"


def _table_one() -> dict[str, dict[str, str]]:
    with open(REPO_ROOT / "dbt" / "seeds" / "support_categories.csv", newline="", encoding="utf-8") as handle:
        return {row["support_category"]: row for row in csv.DictReader(handle)}


def test_category_distribution_and_visit_plan_match_the_planted_outcomes(warehouse, world):
    as_at = warehouse.execute("select max(categorised_as_at) from fct_school_support_category").fetchone()[0]
    overrides = {urn: d.support_category for urn, d in build_returns(world).overrides_in_force().items()}
    maintained = [s for s in world.kingsmere if s.is_maintained and s.is_open_on(as_at)]
    categories = dict(
        warehouse.execute(
            "select urn, support_category from fct_school_support_category where categorisation_status = 'categorised'"
        ).fetchall()
    )
    assert set(categories) == {s.urn for s in maintained}
    for school in maintained:
        if school.urn in overrides:
            assert categories[school.urn] == overrides[school.urn], "an override wins"
            continue
        latest = school.latest_graded_inspection
        grade = latest.overall_effectiveness if latest else None
        if grade == 4:
            assert categories[school.urn] == "SM_SWK"
        elif grade == 3:
            assert categories[school.urn] in ("RI_CAPACITY_SECURE", "RI_CAPACITY_NOT_SECURE")
        else:
            assert categories[school.urn] in ("OUTSTANDING", "SECURELY_GOOD", "GOOD_OF_CONCERN")

    table_one = _table_one()
    distribution = {
        category: (count, total)
        for category, count, total in warehouse.execute(
            """select support_category, school_count, planned_contacts_per_term_total
               from rpt_committee__category_distribution"""
        ).fetchall()
    }
    assert set(distribution) == set(table_one)
    for category, row in table_one.items():
        count = sum(1 for c in categories.values() if c == category)
        assert distribution[category][0] == count
        assert distribution[category][1] == pytest.approx(round(count * float(row["min_contacts_per_term"]), 1))


def test_la_good_or_outstanding_headline_counts_the_planted_judgements(warehouse, world):
    schools_judged, schools_good, pct, definition = warehouse.execute(
        """select schools_judged, schools_good_or_outstanding, schools_good_or_outstanding_pct, definition_version
           from fct_la_good_or_outstanding where la_code = ?""",
        [KINGSMERE_CODE],
    ).fetchone()
    assert definition
    assert 0 < schools_good <= schools_judged
    assert pct == pytest.approx(round(100 * schools_good / schools_judged, 1))
    # The planted inadequate and persistently RI schools are never counted good or outstanding.
    for role in ("special_measures", "serious_weaknesses", "ri_persistent", "ri_twice"):
        (flag,) = warehouse.execute(
            "select is_good_or_outstanding from int_school_good_or_outstanding where urn = ?",
            [world.with_role(role).urn],
        ).fetchone()
        assert flag is False


def test_statistical_neighbour_average_is_the_mean_of_the_ten_neighbours_published_la_rows(warehouse):
    (expected,) = warehouse.execute(
        """
        with release as (
            select max(data_version) as latest from raw_statistical_neighbours where sn_section = 'current'
        )
        select avg(la.ptrwm_exp)
        from raw_statistical_neighbours as sn, release, raw_ks2 as la
        where sn.sn_section = 'current' and sn.data_version = release.latest and sn.la_code = ?
            and la.rectype = 3 and la.lea = sn.neighbour_la_code and la.academic_year = '2023-24'
        """,
        [KINGSMERE_CODE],
    ).fetchone()
    actual, count = warehouse.execute(
        """select statistical_neighbour_value, statistical_neighbour_count from fct_la_measure_comparison
           where la_code = ? and academic_year = '2023-24' and measure_code = 'ks2_rwm_expected_pct'""",
        [KINGSMERE_CODE],
    ).fetchone()
    assert expected is not None and actual == pytest.approx(expected)
    assert count == 10


def test_not_published_suppressed_and_no_data_stay_distinct_in_the_marts(warehouse):
    statuses = dict(
        warehouse.execute(
            """select value_status, count(*) from fct_school_measure_comparison
               where measure_code = 'ks2_reading_progress_score' and la_code = ? group by value_status""",
            [KINGSMERE_CODE],
        ).fetchall()
    )
    assert {"published", "suppressed", "not published", "no data this year"} <= set(statuses)
    (not_published_years,) = warehouse.execute(
        """select list(distinct academic_year order by academic_year) from fct_school_measure_comparison
           where measure_code = 'ks2_reading_progress_score' and value_status = 'not published'"""
    ).fetchone()
    # The years DfE published KS2 results without progress (no KS1 baseline), per the availability seed.
    (years_without_progress,) = warehouse.execute(
        """select list(academic_year order by academic_year) from performance_table_availability
           where key_stage = 'KS2' and school_level_published and not progress_measures_published
             and academic_year in (select academic_year from raw_ks2)"""
    ).fetchone()
    assert years_without_progress == ["2023-24", "2024-25"]
    assert not_published_years == years_without_progress
