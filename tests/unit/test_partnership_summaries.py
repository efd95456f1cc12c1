"""Partnership summaries: each grouping's figures as rpt_grouping__summaries gives them, withheld figures shown with
their reason, groupings with nothing publishable counted rather than listed, the authority's own figures beside
them, numbers that stay numbers in the downloads, and the grouping disclosure rule kept in step with the
project-wide one (reports/disclosure_control.yml)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.reports import disclosure_control as dc
from dagster_project.lib.reports.partnership_summaries import summary_values
from dagster_project.lib.reports.report_text import Figure
from dagster_project.settings import REPO_ROOT

RULES_SEED = REPO_ROOT / "dbt" / "seeds" / "grouping_disclosure_rules.csv"
FIGURES = {
    # figure_code: (section, key_stage, order, figure name, unit, is_gap)
    "ks2_rwm_expected_pct": (
        "results",
        "KS2",
        1,
        "Reading, writing and maths: % meeting the expected standard",
        "percent",
        False,
    ),
    "ks2_rwm_expected_disadvantaged_gap": ("results", "KS2", 3, "Disadvantaged gap: RWM", "percent", True),
    "schools_good_or_outstanding_pct": ("inspections", None, 9, "Schools good or outstanding", "percent", False),
    "ofsted_good_schools": ("inspections", None, 12, "Schools: good", "count", False),
    "ofsted_sm_swk_schools": ("inspections", None, 15, "Schools: inadequate", "count", False),
}


def _row(name: str, code: str, value, schools, pupils=None, *, la=None, reason=None, members=4) -> dict:
    section, key_stage, order, figure_name, unit, is_gap = FIGURES[code]
    return {
        "grouping_type": "partnership",
        "grouping_label": "Partnership",
        "grouping_label_plural": "Partnerships",
        "grouping_type_order": 1,
        "grouping_name": name,
        "section": section,
        "academic_year": "2024-25" if section == "results" else None,
        "as_at_date": pd.Timestamp("2025-08-31" if section == "results" else "2026-02-28"),
        "member_schools": members,
        "figure_order": order,
        "figure_code": code,
        "key_stage": key_stage,
        "figure_name": figure_name,
        "unit": unit,
        "is_gap": is_gap,
        "grouping_value": None if reason else value,
        "schools_counted": schools,
        "pupils_counted": None if reason else pupils,
        "la_value": la,
        "is_suppressed": reason is not None,
        "suppression_reason": reason,
        "disclosure_rules": "suppressed: fewer than 3 schools; suppressed: 5 or fewer pupils",
    }


@pytest.fixture
def summaries() -> pd.DataFrame:
    fewer = "suppressed: fewer than 3 schools"
    return pd.DataFrame(
        [
            _row("Alder Partnership", "ks2_rwm_expected_pct", 61.4, 4, 120, la=66.0),
            _row("Alder Partnership", "ks2_rwm_expected_disadvantaged_gap", -12.3, 3, 30, la=-21.0),
            _row("Birch Partnership", "ks2_rwm_expected_pct", None, 2, reason=fewer, la=66.0),
            _row("Birch Partnership", "ks2_rwm_expected_disadvantaged_gap", None, 2, reason=fewer, la=-21.0),
            _row("Cedar Partnership", "ks2_rwm_expected_pct", 70.0, 3, 40, la=66.0),
            _row("Cedar Partnership", "ks2_rwm_expected_disadvantaged_gap", 2.0, 3, 8, la=-21.0),
            _row("Alder Partnership", "schools_good_or_outstanding_pct", 75.0, 4, la=83.0),
            _row("Alder Partnership", "ofsted_good_schools", 3, 4),
            _row("Alder Partnership", "ofsted_sm_swk_schools", 0, 4),
            _row("Birch Partnership", "schools_good_or_outstanding_pct", None, 2, reason=fewer, la=83.0, members=2),
            _row("Birch Partnership", "ofsted_good_schools", None, 2, reason=fewer, members=2),
            _row("Birch Partnership", "ofsted_sm_swk_schools", None, 2, reason=fewer, members=2),
        ]
    )


def test_each_grouping_shows_its_figures_and_the_authoritys_own_close_the_table(summaries):
    values = summary_values(summaries, "Kingsmere", dc.load_rule(environ={}))
    assert values["academic_year"] == "2024-25"
    (section,) = values["sections"]
    assert section["heading"] == "Partnerships"
    results, inspections = section["tables"]
    assert results.headings == [
        "Partnership",
        "Schools",
        "Pupils",
        "Reading, writing and maths: expected standard",
        "Disadvantaged gap, expected standard (percentage points)",
    ]
    assert [[str(cell) if cell is not None else None for cell in row] for row in results.rows] == [
        ["Alder Partnership", "4", "120", "61%", "\u221212"],
        ["Cedar Partnership", "3", "40", "70%", "+2"],
        ["All Kingsmere schools", None, None, "66%", "\u221221"],
    ]
    # Birch's figures all rest on two schools: counted in a sentence, never listed
    assert results.left_out_sentence.startswith("KS2 results for 2024-25: 1 partnership has no figure")
    assert "Birch" not in " ".join(str(cell) for row in results.rows for cell in row)
    # a count of schools that is nought in every grouping gets no column; the authority has no count column value
    assert inspections.headings == ["Partnership", "Schools", "Good or outstanding: % of schools", "Good"]
    assert [str(cell) if cell is not None else None for cell in inspections.rows[-1]] == [
        "All Kingsmere schools",
        None,
        "83%",
        "",
    ]


def test_a_withheld_figure_shows_its_reason_and_a_stricter_run_threshold_withholds_more(summaries):
    strict = dc.DisclosureRule(max_suppressed_pupils=10, source="test")  # as SI_SUPPRESSION_MAX_PUPILS=10 would
    (section,) = summary_values(summaries, "Kingsmere", strict)["sections"]
    cedar = next(row for row in section["tables"][0].rows if row[0] == "Cedar Partnership")
    assert cedar[3] == "70%" and cedar[4] == "suppressed: 10 or fewer pupils"  # 8 disadvantaged pupils
    few_pupils = summaries.copy()
    gap = (few_pupils["grouping_name"] == "Alder Partnership") & (
        few_pupils["figure_code"] == "ks2_rwm_expected_disadvantaged_gap"
    )
    few_pupils.loc[gap, ["grouping_value", "pupils_counted", "is_suppressed", "suppression_reason"]] = [
        None,
        None,
        True,
        "suppressed: 5 or fewer pupils",
    ]
    (section,) = summary_values(few_pupils, "Kingsmere", dc.load_rule(environ={}))["sections"]
    alder = next(row for row in section["tables"][0].rows if row[0] == "Alder Partnership")
    assert alder[3:] == ["61%", "suppressed: 5 or fewer pupils"]  # withheld in dbt: the reason, in words


def test_downloads_hold_numbers_and_reasons_stay_words(summaries):
    values = summary_values(summaries, "Kingsmere", dc.load_rule(environ={}))
    results = values["tables"]["Partnerships KS2 results 2024-25"]
    alder = results.iloc[0]
    assert isinstance(alder["Reading, writing and maths: expected standard"], Figure)
    assert alder["Reading, writing and maths: expected standard"].value == pytest.approx(0.61)
    assert alder["Schools"].value == 4
    assert "urn" not in {column.lower() for column in results.columns}
    assert "fewer than 3 schools" in values["disclosure"]


def test_the_grouping_pupil_threshold_is_the_project_disclosure_rule():
    """The published grouping summaries and every other published report withhold figures about the same number of
    pupils: seed grouping_disclosure_rules repeats reports/disclosure_control.yml's threshold, which dbt cannot read."""
    with Path(RULES_SEED).open(encoding="utf-8") as handle:
        rules = {row["rule_code"]: row for row in csv.DictReader(handle)}
    rule = dc.load_rule(environ={})
    assert int(rules["MAX_SUPPRESSED_PUPILS"]["threshold_value"]) == rule.max_suppressed_pupils
    assert rules["MAX_SUPPRESSED_PUPILS"]["suppression_reason"] == rule.local_label
    assert "reports/disclosure_control.yml" in rules["MAX_SUPPRESSED_PUPILS"]["source"]
    assert rules["MIN_SCHOOLS"]["comparison"] == "below" and rules["MIN_SCHOOLS"]["source"].startswith("Documented")
