"""Categorisation on the bundled LA against what the generator planted (`build_world`, `build_returns`).

Expected tiers, categories and exclusions are computed here from the planted inspection histories and the
wording of the service documents, never copied from the warehouse.
"""

from __future__ import annotations

import csv
import re
from datetime import date

import duckdb
import pytest

from dagster_project.settings import REPO_ROOT
from synthetic_la import DEFAULT_SEED, KINGSMERE_CODE, build_world
from synthetic_la.recent_inspections import PLANTED_RECENT, recent_inspections
from synthetic_la.returns import build_returns

pytestmark = pytest.mark.slow

TIER3_HISTORY_FROM = date(2005, 1, 1)  # 'not been rated above RI since 2005'
SEEDS = REPO_ROOT / "dbt" / "seeds"
GOOD_OR_BETTER = ("outstanding", "good", "good_with_concerns")
BELOW_GOOD = ("requires_improvement", "sm_swk")


def _seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


OUTCOME_RULES = {row["rule_code"]: row for row in _seed("ofsted_outcome_rules")}


def _threshold(rule_code: str, column: str) -> float:
    return float(OUTCOME_RULES[rule_code][column])


def _graded_state(inspection) -> str:
    if inspection.category_of_concern or inspection.overall_effectiveness == 4:
        return "sm_swk"
    return {3: "requires_improvement", 2: "good", 1: "outstanding"}[inspection.overall_effectiveness]


def _recent_state(recent, previous: str | None) -> str | None:
    """What seed ofsted_outcome_rules makes of a planted recent inspection, read from the seed's thresholds (None:
    it confirms the judgement in force)."""
    if recent.kind == "ungraded":
        declined = re.search(
            OUTCOME_RULES["UNGRADED_STANDARDS_MAY_HAVE_DECLINED"]["ungraded_outcome_pattern"],
            recent.ungraded_outcome or "",
            re.I,
        )
        return "good_with_concerns" if declined and previous in GOOD_OR_BETTER else None
    if recent.category_of_concern:
        return "sm_swk"
    if recent.kind == "not_judged":
        subs = [
            recent.quality_of_education,
            recent.behaviour_and_attitudes,
            recent.personal_development,
            recent.leadership_and_management,
        ]
        if max(subs) == 4:
            return "sm_swk"
        if sum(g >= 3 for g in subs) >= _threshold("SUB_JUDGEMENTS_BELOW_GOOD", "min_judgements_below_good"):
            return "requires_improvement"
        return "outstanding" if all(g == 1 for g in subs) else "good"
    grades = [g for g in recent.areas.values() if g != "Not applicable"]
    urgent = grades.count("Urgent improvement")
    below = urgent + grades.count("Needs attention")
    if recent.safeguarding_standards == "Not met":
        return "sm_swk"
    if urgent >= _threshold("REPORT_CARD_URGENT_IMPROVEMENT", "min_judgements_inadequate"):
        return "requires_improvement"
    if below >= _threshold("REPORT_CARD_NEEDS_ATTENTION", "min_judgements_below_good"):
        return "requires_improvement"
    if below == 1:
        return "good_with_concerns"
    share = _threshold("REPORT_CARD_EXCEPTIONAL", "min_share_top_grade")
    return "outstanding" if grades.count("Exceptional") >= share * len(grades) else "good"


def _judgements(world, school, recent) -> list[tuple[date, str]]:
    """(start date, outcome state) of every inspection of the school and its predecessors that sets an outcome,
    oldest first: the graded history plus the planted recent inspections."""
    chain, current, seen = [], school, set()
    while current is not None and current.urn not in seen:
        seen.add(current.urn)
        chain.append(current)
        current = world.school(current.predecessor_urn) if current.predecessor_urn else None
    events = [(i.start_date, "graded", i) for s in chain for i in s.inspections if i.graded]
    events += [(r.start_date, "recent", r) for s in chain for r in recent.get(s.urn, ())]
    judgements: list[tuple[date, str]] = []
    for day, kind, event in sorted(events, key=lambda e: e[0]):
        state = (
            _graded_state(event)
            if kind == "graded"
            else _recent_state(event, judgements[-1][1] if judgements else None)
        )
        if state is not None:
            judgements.append((day, state))
    return judgements


@pytest.fixture(scope="module")
def recent(world):
    return recent_inspections(world)


def _current_state(world, school, recent) -> str:
    judgements = _judgements(world, school, recent)
    return judgements[-1][1] if judgements else "not_inspected"


@pytest.fixture(scope="module")
def world():
    return build_world(DEFAULT_SEED, "la")


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as conn:
        yield conn


def _expected_tier(judgements: list[tuple[date, str]]) -> int | None:
    """The regional offer (shared/seeds/000) worded as code, on judgements of every regime."""
    if not judgements or judgements[-1][1] != "requires_improvement":
        return None
    since_2005 = [state for day, state in judgements if day >= TIER3_HISTORY_FROM]
    if len(since_2005) >= 4 and all(state in BELOW_GOOD for state in since_2005):
        return 3
    consecutive_ri = 0
    for _, state in reversed(judgements):
        if state != "requires_improvement":
            break
        consecutive_ri += 1
    if consecutive_ri >= 2 or len(judgements) == 1:
        return 2
    return 1


def _state_funded_kingsmere(world):
    return [s for s in world.kingsmere if s.is_maintained or s.is_academy]


def test_every_school_gets_the_tier_the_regional_offer_gives_its_planted_history(warehouse, world, recent):
    expected = {s.urn: _expected_tier(_judgements(world, s, recent)) for s in _state_funded_kingsmere(world)}
    criteria = dict(warehouse.execute("select urn, criteria_tier from fct_school_support_tier").fetchall())
    assert criteria == expected
    assert {1, 2, 3} <= set(criteria.values()), "the planted world should exercise every tier"
    # Rules in force on the report date: Tier 1 was paused by the update of 15 September 2020.
    in_force = dict(warehouse.execute("select urn, support_tier from fct_school_support_tier").fetchall())
    assert in_force == {urn: None if tier == 1 else tier for urn, tier in expected.items()}
    statuses = {
        status
        for (status,) in warehouse.execute(
            "select support_tier_status from fct_school_support_tier where criteria_tier = 1"
        ).fetchall()
    }
    assert statuses == {"tier 1 (paused)"}


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


def test_converted_academy_keeps_its_predecessors_judgements_for_the_tier(warehouse, world, recent):
    (_, successor) = next((p, s) for p, s in world.conversions if "conversion_b_successor" in s.roles)
    count, reasons = warehouse.execute(
        "select judgement_count, reasons from fct_school_support_tier where urn = ?", [successor.urn]
    ).fetchone()
    assert count == len(_judgements(world, successor, recent)) > len([i for i in successor.inspections if i.graded])
    assert "predecessor school URN" in reasons


def test_schools_in_an_ofsted_category_are_exactly_the_planted_ones_and_are_identified(warehouse, world):
    planted = {world.with_role("special_measures").urn, world.with_role("serious_weaknesses").urn}
    in_category = {
        urn
        for (urn,) in warehouse.execute(
            "select urn from fct_school_intervention where is_in_ofsted_category and is_identified_for_intervention"
        ).fetchall()
    }
    assert in_category == planted


def test_below_good_twice_follows_the_planted_histories_in_every_regime(warehouse, world, recent):
    expected = {
        s.urn
        for s in _state_funded_kingsmere(world)
        if len(judgements := _judgements(world, s, recent)) >= 2
        and judgements[-1][1] in BELOW_GOOD
        and judgements[-2][1] in BELOW_GOOD
    }
    # the junior school RI in 2024 whose report card is below good: two consecutive below-good judgements
    assert world.with_role("report_card_urgent_improvement").urn in expected
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


def test_category_distribution_and_visit_plan_match_the_planted_outcomes(warehouse, world, recent):
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
        state = _current_state(world, school, recent)  # the latest inspection in any regime
        if state == "sm_swk":
            assert categories[school.urn] == "SM_SWK"
        elif state == "requires_improvement":
            assert categories[school.urn] in ("RI_CAPACITY_SECURE", "RI_CAPACITY_NOT_SECURE")
        elif state == "good_with_concerns":
            assert categories[school.urn] == "GOOD_OF_CONCERN"
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
    # The planted inadequate and persistently RI schools are never counted good or outstanding; nor are schools
    # whose latest inspection (a report card, a 2024-25 inspection) put them below good.
    for role in (
        "special_measures",
        "serious_weaknesses",
        "ri_persistent",
        "ri_twice",
        "report_card_urgent_improvement",
        "report_card_needs_attention",
        "sub_judgements_below_good",
    ):
        (flag,) = warehouse.execute(
            "select is_good_or_outstanding from int_latest_ofsted_inspection where urn = ?",
            [world.with_role(role).urn],
        ).fetchone()
        assert flag is False, role


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


@pytest.mark.parametrize(
    ("role", "state", "rule_code", "categories"),
    [
        (
            "report_card_urgent_improvement",
            "requires_improvement",
            "REPORT_CARD_URGENT_IMPROVEMENT",
            {"RI_CAPACITY_SECURE", "RI_CAPACITY_NOT_SECURE"},
        ),
        (
            "report_card_needs_attention",
            "requires_improvement",
            "REPORT_CARD_NEEDS_ATTENTION",
            {"RI_CAPACITY_SECURE", "RI_CAPACITY_NOT_SECURE"},
        ),
        ("report_card_one_area", "good_with_concerns", "REPORT_CARD_ONE_AREA_NEEDS_ATTENTION", {"GOOD_OF_CONCERN"}),
        (
            "ungraded_standards_declined",
            "good_with_concerns",
            "UNGRADED_STANDARDS_MAY_HAVE_DECLINED",
            {"GOOD_OF_CONCERN"},
        ),
        (
            "sub_judgements_below_good",
            "requires_improvement",
            "SUB_JUDGEMENTS_BELOW_GOOD",
            {"RI_CAPACITY_SECURE", "RI_CAPACITY_NOT_SECURE"},
        ),
    ],
)
def test_planted_inspection_since_the_graded_era_decides_the_category(
    warehouse, world, recent, role, state, rule_code, categories
):
    """The category rests on the planted latest inspection (a report card, a 2024-25 inspection, an ungraded
    inspection), never on the older graded judgement, and the reasons say so in words."""
    school = world.with_role(role)
    (planted,) = [r for r in recent[school.urn] if r.start_date == PLANTED_RECENT[role][1]]
    row = warehouse.execute(
        """select ofsted_outcome_state, latest_inspection_number, support_category, reasons
           from fct_school_support_category where urn = ?""",
        [school.urn],
    ).fetchone()
    (code,) = warehouse.execute(
        "select outcome_rule_code from fct_school_latest_ofsted where urn = ?", [school.urn]
    ).fetchone()
    assert row[:2] == (state, planted.inspection_number)
    assert _current_state(world, school, recent) == state  # what the seed's thresholds make of what was planted
    assert code == rule_code
    assert row[2] in categories
    assert OUTCOME_RULES[rule_code]["rule_wording"] in row[3]


def test_a_good_school_the_adviser_is_concerned_about_needs_more_support(warehouse, world):
    """The LA's own assessment counts: a good school whose adviser judges capacity secure but flags attendance is
    good but of concern, and the reasons give the main concern in words."""
    school = world.with_role("adviser_concern")
    assert build_returns(world).main_concern[school.urn] == "attendance"
    category, rule_code, reasons = warehouse.execute(
        "select support_category, rule_code, reasons from fct_school_support_category where urn = ?", [school.urn]
    ).fetchone()
    assert (category, rule_code) == ("GOOD_OF_CONCERN", "GOOD_WITH_ADVISER_CONCERN")
    assert "main concern: attendance" in reasons
    (criteria,) = warehouse.execute(
        "select intervention_criteria_met from fct_school_intervention where urn = ?", [school.urn]
    ).fetchone()
    assert "ADVISER_CONCERN" in criteria


def test_no_school_category_rests_on_an_inspection_older_than_its_latest_one(warehouse, world, recent):
    """Every categorised school's category rests on its latest inspection in any regime: its own newest, else its
    nearest predecessor's (what the generator planted, graded history and recent inspections alike)."""
    rows = warehouse.execute(
        "select urn, inspection_start_date from fct_school_support_category where categorisation_status = 'categorised'"
    ).fetchall()
    assert rows
    for urn, start in rows:
        current, dates = world.school(urn), []
        while current is not None and not dates:
            dates = [i.start_date for i in current.inspections] + [r.start_date for r in recent.get(current.urn, ())]
            current = world.school(current.predecessor_urn) if current.predecessor_urn else None
        assert start == (max(dates) if dates else None), urn


def test_a_declining_trend_with_a_missing_year_is_not_evaluated_and_says_which_year(warehouse, world):
    """The planted school's 2022-23 KS2 results are suppressed (whole cohort of 4) and its results then fell well
    over 5 points from 2023-24 to 2024-25: greatest() would have raised the flag on two years; it is not evaluated."""
    (school,) = world.with_risk("missing_year_decline")
    falls = dict(
        warehouse.execute(
            "select academic_year, rwm_expected_pct from stg_ks2__school_results where urn = ? order by 1",
            [school.urn],
        ).fetchall()
    )
    assert falls["2022-23"] is None and falls["2023-24"] - falls["2024-25"] >= 5
    status, explanation = warehouse.execute(
        """select flag_status, flag_explanation from int_school_data_risk_flags
           where urn = ? and flag_code = 'KS2_RWM_EXP_DECLINING'""",
        [school.urn],
    ).fetchone()
    assert status == "not evaluated"
    assert "no result for 2022-23" in explanation
    (reasons,) = warehouse.execute(
        "select reasons from fct_school_support_category where urn = ?", [school.urn]
    ).fetchone()
    assert "not evaluated" in reasons and "no result for 2022-23" in reasons


def test_years_below_the_floor_are_counted_over_the_look_back_window(warehouse):
    """Intervention identification looks back over the last three years of results (seed intervention_criteria),
    counting every year below the floor standard of its year, not only the latest one."""
    (lookback,) = [
        int(r["lookback_academic_years"])
        for r in _seed("intervention_criteria")
        if r["criterion_code"] == "BELOW_FLOOR"
    ]
    (last,) = warehouse.execute(
        """select max(academic_year) from int_school_floor_standard
           where key_stage = 'KS2' and standard_type = 'floor'
               and floor_status in ('below floor', 'at or above floor')"""
    ).fetchone()
    first_start = int(last[:4]) - lookback + 1
    window = [f"{year}-{(year + 1) % 100:02d}" for year in range(first_start, int(last[:4]) + 1)]
    below = warehouse.execute(
        """select urn, count(*) from int_school_floor_standard
           where key_stage = 'KS2' and standard_type = 'floor' and floor_status = 'below floor'
               and list_contains(?, academic_year)
           group by urn""",
        [window],
    ).fetchall()
    counted = dict(
        warehouse.execute(
            "select urn, ks2_years_below_floor from fct_school_intervention where la_code = ?", [KINGSMERE_CODE]
        ).fetchall()
    )
    expected = {urn: years for urn, years in below if urn in counted}
    assert expected, "the planted world should put a school below the KS2 floor"
    assert {urn: years for urn, years in counted.items() if years} == expected


def test_committee_report_shows_the_good_or_outstanding_figures_and_rank_from_the_mart(warehouse, pipeline_settings):
    schools_pct, rank, ranked = warehouse.execute(
        """select schools_good_or_outstanding_pct, la_rank_schools_good_or_outstanding, las_ranked
           from fct_la_good_or_outstanding where la_code = ?""",
        [KINGSMERE_CODE],
    ).fetchone()
    (html,) = sorted((pipeline_settings.published_dir / "committee_report").glob("*.html"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.read_text(encoding="utf-8")))
    row = re.search(r"Schools judged good or outstanding \(or the equivalent\) (.*?) (\d+ of \d+)", text)
    assert row, "the LA aims table is missing"
    assert f"{schools_pct:.0f}%" in row.group(1) and row.group(2) == f"{rank} of {ranked}"
    assert "Tier 1 (paused)" in text and "Identified for intervention support (any criterion)" in text


def test_restricted_support_lists_name_each_schools_tier_and_intervention_reasons_in_words(world, pipeline_settings):
    import pandas as pd

    lists = pd.read_csv(pipeline_settings.restricted_dir / "support_categories" / "support_categories.csv")
    rows = lists.set_index("URN")
    persistent = rows.loc[world.with_role("ri_persistent").urn]
    assert persistent["Regional support offer"] == "tier 3"
    assert persistent["Identified for intervention"] == "Yes"
    assert "below good" in persistent["Why (intervention)"]
    reader_columns = lists.drop(columns=["Rule version"]).astype(str)
    codes = reader_columns.apply(lambda column: column.str.contains(r"\b[A-Z0-9]+_[A-Z0-9_]+\b|not_secure")).any()
    assert not codes.any(), list(codes[codes].index)


def test_booklet_restricted_list_and_marts_agree_on_the_current_outcome_and_show_percentile_ranks(
    warehouse, world, pipeline_settings
):
    """The booklet's 'Latest Ofsted outcome' and the restricted list's current outcome are the mart's (the planted
    January 2026 report card, not the 2024 grade), and the booklet shows the percentile ranks the mart computes."""
    import pandas as pd

    school = world.with_role("report_card_urgent_improvement")
    latest_label, summary = warehouse.execute(
        "select latest_outcome_label, current_outcome_summary from fct_school_latest_ofsted where urn = ?", [school.urn]
    ).fetchone()
    assert latest_label.startswith("Report card: ")
    (booklet,) = (pipeline_settings.restricted_dir / "booklets").rglob(f"{school.urn}_*.html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", booklet.read_text(encoding="utf-8")))
    assert f"Latest Ofsted outcome {latest_label}" in text
    lists = pd.read_csv(pipeline_settings.restricted_dir / "support_categories" / "support_categories.csv")
    assert lists.set_index("URN").loc[school.urn, "Current Ofsted outcome"] == summary
    year, la_rank, national_rank = warehouse.execute(
        """select academic_year, la_percentile_rank, national_percentile_rank from fct_school_measure_comparison
           where urn = ? and measure_code = 'ks2_rwm_expected_pct' and pupil_group = 'all'
           order by academic_year desc limit 1""",
        [school.urn],
    ).fetchone()

    def ordinal(number: int) -> str:
        return f"{number}{'th' if 10 <= number % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"

    assert f"Percentile ranks in {year}" in text
    assert (
        f"Reading, writing and maths: % meeting the expected standard: {ordinal(la_rank)} percentile in the local "
        f"authority, {ordinal(national_rank)} percentile in England" in text
    )
