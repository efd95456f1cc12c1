"""Region and statistical-neighbour comparators: never the LA's own figure relabelled as its region's."""

from __future__ import annotations

import pandas as pd

from dagster_project.lib.la_comparators import Comparators, compare

REGION = "Yorkshire and The Humber"


def _measures(las: dict[int, tuple[float, int]]) -> pd.DataFrame:
    rows = [
        {
            "geography_level": "la",
            "la_code": code,
            "area_name": str(code),
            "region_name": REGION,
            "academic_year": "2018-19",
            "key_stage": "KS4",
            "measure_code": "ks4_attainment8_score",
            "measure_name": "Attainment 8",
            "unit": "points",
            "pupil_group": "all",
            "value": value,
            "value_reason": None,
            "pupils": pupils,
            "data_version": "final",
        }
        for code, (value, pupils) in las.items()
    ]
    national = {**rows[0], "geography_level": "national", "la_code": None, "value": 46.5, "pupils": 500000}
    return pd.DataFrame([*rows, national])


def test_a_single_la_download_gives_no_region_figure_and_says_why() -> None:
    comparators = Comparators(815, REGION, neighbour_la_codes=(816, 811), region_la_total=15)
    result = compare(_measures({815: (48.6, 6135)}), comparators)
    assert result["la_value"].iloc[0] == 48.6 and pd.isna(result["region_value"].iloc[0])
    assert "cannot be computed" in comparators.region_note(result) and "1 of the 15" in comparators.region_note(result)
    assert "none of the 2 neighbouring LAs" in comparators.neighbours_note(result)


def test_region_figure_is_pupil_weighted_once_enough_of_the_region_is_loaded() -> None:
    comparators = Comparators(815, REGION, neighbour_la_codes=(816,), region_la_total=3)
    result = compare(_measures({815: (48.0, 300), 816: (50.0, 100)}), comparators)
    assert result.loc[result["la_value"] == 48.0, "region_value"].iloc[0] == (48.0 * 300 + 50.0 * 100) / 400
    assert "pupil-weighted average" in comparators.region_note(result)
