"""Disclosure control: no published figure about the configured number of pupils or fewer (default as DfE:
5 or fewer), source suppression kept and shown as such, and the rule read from its data file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.reports import disclosure_control as dc
from dagster_project.lib.reports.gap_report import gap_values
from dagster_project.lib.reports.xlsx_downloads import write_table_downloads


@pytest.fixture
def rule() -> dc.DisclosureRule:
    return dc.load_rule(environ={})


def test_default_threshold_is_dfe_5_or_fewer_pupils_from_the_rule_file(rule: dc.DisclosureRule):
    assert rule.max_suppressed_pupils == 5
    assert "5 or fewer" in rule.source
    assert rule.is_disclosive(5) and not rule.is_disclosive(6)


def test_environment_overrides_the_threshold_and_rejects_nonsense(tmp_path: Path):
    assert dc.load_rule(environ={dc.THRESHOLD_ENV: "10"}).max_suppressed_pupils == 10
    with pytest.raises(dc.DisclosureRuleError, match="SI_SUPPRESSION_MAX_PUPILS='ten'"):
        dc.load_rule(environ={dc.THRESHOLD_ENV: "ten"})
    broken = tmp_path / "rule.yml"
    broken.write_text("source: nothing\n", encoding="utf-8")
    with pytest.raises(dc.DisclosureRuleError, match=r"rule\.yml.*max_suppressed_pupils"):
        dc.load_rule(broken, environ={})


@pytest.mark.parametrize(
    ("value", "pupils", "reason", "expected_value", "expected_label"),
    [
        (45.0, 6, None, 45.0, None),  # six pupils: published
        (45.0, 5, None, None, "suppressed: 5 or fewer pupils"),  # five: suppressed here
        (45.0, 1, None, None, "suppressed: 5 or fewer pupils"),
        (None, None, "SUPP", None, "suppressed at source (DfE)"),  # DfE's own suppression is kept as such
        (None, 3, "SUPP", None, "suppressed at source (DfE)"),  # and wins over ours
        (None, 40, "NP", None, None),  # other reasons are left to the report's reason words
        (45.0, None, None, 45.0, None),  # no count published with the figure: DfE published it
    ],
)
def test_control_suppresses_small_counts_and_keeps_source_suppression(
    rule, value, pupils, reason, expected_value, expected_label
):
    controlled = dc.control(value, pupils, reason, rule)
    assert controlled.value == expected_value
    assert controlled.label == expected_label


def _school_gaps() -> pd.DataFrame:
    rows = []
    # (urn, name, disadvantaged pupils, disadvantaged %, reason); national other pupils 70%
    schools = [
        (1, "Ashby Primary", 20, 40.0, None),
        (2, "Tiny Primary", 4, 13.0, None),  # widest gap, but only 4 disadvantaged pupils
        (3, "Source Primary", None, None, "SUPP"),
        (4, "Broad Primary", 30, 60.0, None),
    ]
    for year, shift in (("2021-22", -5.0), ("2023-24", 0.0)):
        for urn, name, pupils, value, reason in schools:
            rows.append(
                {
                    "urn": urn,
                    "school_name": name,
                    "phase": "primary",
                    "academic_year": year,
                    "key_stage": "KS2",
                    "measure_code": "ks2_rwm_expected_pct",
                    "measure_name": "Reading, writing and maths: % meeting the expected standard",
                    "unit": "percent",
                    "disadvantaged_pupils": pupils,
                    "disadvantaged_value": None if value is None else value + shift,
                    "disadvantaged_value_reason": reason,
                    "national_other_value": 70.0,
                    "disadvantaged_gap": None if value is None else value + shift - 70.0,
                    # each school's persistent absence that year, England's primary schools at 17.5%
                    "persistent_absence_pct": 15.0 + urn,
                    "persistent_absence_pct_reason": None,
                    "national_persistent_absence_pct": 17.5,
                    # suspensions: Ashby 3 (too few to publish a rate on), the others 40 of 400 pupils
                    "suspensions": 3 if urn == 1 else 40,
                    "suspension_rate": 0.75 if urn == 1 else 10.0,
                    "suspension_rate_reason": None,
                    "national_suspension_rate": 1.94,
                }
            )
    return pd.DataFrame(rows)


def test_gap_report_neither_shows_nor_ranks_a_school_with_5_or_fewer_disadvantaged_pupils(rule, tmp_path: Path):
    comparisons = pd.DataFrame(columns=["pupil_group", "academic_year", "key_stage", "measure_code"])
    values = gap_values(comparisons, _school_gaps(), "Kingsmere", rule)
    section = values["school_sections"][0]
    assert [row["school_name"] for row in section["widest"]] == ["Ashby Primary", "Broad Primary"]
    assert section["widest"][0]["gap"] == "\u221230"
    # attendance beside the gap: Ashby (URN 1) 16.0% persistent absence, 1.5 points below England
    assert (section["widest"][0]["persistent_absence"], section["widest"][0]["absence_vs_england"]) == (
        "16.0%",
        "\u22121.5",
    )
    # suspensions beside them: a rate built on 3 suspensions is held back, 40 is shown, England's always
    assert [(row["suspension_rate"], row["national_suspension_rate"]) for row in section["widest"]] == [
        ("suppressed: 5 or fewer pupils", "1.9"),
        ("10.0", "1.9"),
    ]
    assert section["left_out"] == 2  # Tiny (small count) and Source (suppressed at source)
    assert "2 schools with 2023-24 results are not listed" in section["left_out_sentence"]
    assert "Tiny Primary" not in [row["school_name"] for row in section["closing"]]
    # the Excel downloads carry exactly what the page shows
    downloads = write_table_downloads(
        values["tables"], tmp_path, Path("narrowing_the_gap/narrowing_the_gap_2023-24.html")
    )
    from dagster_project.lib.quality.published_scan import published_text

    workbook_text = "".join(published_text(path) for path in downloads)
    assert "Ashby Primary" in workbook_text
    assert "Tiny Primary" not in workbook_text and "\u221257" not in workbook_text


def test_a_gap_table_names_a_school_only_with_11_disadvantaged_pupils_and_shows_the_cohort(rule, tmp_path: Path):
    """The issue's case: 7-8 disadvantaged pupils and a 57-point swing. Publishable (more than 5 pupils), but too few
    to single the school out in a ranked list: counted, never named; named schools show their cohort."""
    assert rule.min_pupils_to_name_school == 11 and "fewer than 11" in rule.naming_source
    gaps = _school_gaps()
    swing = pd.DataFrame(
        [
            {
                **gaps.iloc[0].to_dict(),
                "urn": 5,
                "school_name": "Small Swing Primary",
                "academic_year": year,
                "disadvantaged_pupils": pupils,
                "disadvantaged_value": value,
                "disadvantaged_gap": value - 70.0,
            }
            for year, pupils, value in (("2021-22", 8, 0.0), ("2023-24", 7, 57.0))
        ]
    )
    at_threshold = gaps[gaps["urn"] == 1].assign(urn=6, school_name="Eleven Primary", disadvantaged_pupils=11)
    comparisons = pd.DataFrame(columns=["pupil_group", "academic_year", "key_stage", "measure_code"])
    values = gap_values(comparisons, pd.concat([gaps, swing, at_threshold]), "Kingsmere", rule)
    section = values["school_sections"][0]

    named = {row["school_name"] for row in section["widest"]} | {row["school_name"] for row in section["closing"]}
    assert "Small Swing Primary" not in named and "Eleven Primary" in named
    assert {row["school_name"]: row["disadvantaged_pupils"] for row in section["widest"]}["Eleven Primary"] == "11"
    closing = {row["school_name"]: row for row in section["closing"]}
    assert (closing["Ashby Primary"]["first_pupils"], closing["Ashby Primary"]["latest_pupils"]) == ("20", "20")
    assert section["left_out"] == 3
    assert "1 because fewer than 11 disadvantaged pupils were in the cohort" in section["left_out_sentence"]
    downloads = write_table_downloads(
        values["tables"], tmp_path, Path("narrowing_the_gap/narrowing_the_gap_2023-24.html")
    )
    from dagster_project.lib.quality.published_scan import published_text

    workbook_text = "".join(published_text(path) for path in downloads)
    assert "Small Swing Primary" not in workbook_text and "Disadvantaged pupils, first year" in workbook_text


def test_the_naming_threshold_never_falls_to_a_count_that_may_not_be_published():
    assert dc.load_rule(environ={dc.THRESHOLD_ENV: "15"}).min_pupils_to_name_school == 16
