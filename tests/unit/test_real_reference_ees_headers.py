"""The EES layouts against the REAL headers of DfE's 2024-25 school-level files, read in place from
../shared/reference/dfe/dfe_sap_public/csv_headers_excerpt.md (DfE's own header list; no real EES rows are
stored there). A file with each real header, in its real column order, must parse without an unknown-column
refusal, and its cells must land in the raw columns the map names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.sources import ks2, ks4
from synthetic_la.writers import write_csv

pytestmark = pytest.mark.real_reference


def _real_header(reference_dir: Path, file_name: str) -> list[str]:
    text = (reference_dir / "dfe_sap_public" / "csv_headers_excerpt.md").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("## ") and file_name in line)
    return [name.strip() for name in lines[at + 1].split(",")]


# One row per file: what a real row would hold in the identifier and filter columns; indicators get numbers.
ROWS = {
    "manual_ks2_school_attainment_data.csv": {
        "geographic_level": "School",
        "school_urn": "100001",
        "school_laestab": "9912001",
        "school_name": "A School",
        "breakdown_topic": "All pupils",
        "breakdown": "Total",
        "subject": "Reading, writing and maths",
    },
    "manual_ks2_la_nat_attainment_data.csv": {
        "geographic_level": "Local authority",
        "old_la_code": "991",
        "la_name": "Kingsmere",
        "establishment_type_group": "All state funded",
        "breakdown_topic": "All pupils",
        "breakdown": "Total",
        "subject": "Reading, writing and maths",
    },
    "manual_202425_performance_tables_schools_final.csv": {
        "geographic_level": "School",
        "school_urn": "100002",
        "school_laestab": "9914001",
        "school_name": "A Secondary",
        "old_la_code": "991",
        "establishment_type_group": "Academies",
        "breakdown_topic": "Total",
        "breakdown": "Total",
        **dict.fromkeys(("sex", "disadvantage_status", "first_language", "prior_attainment", "mobility"), "Total"),
    },
}


@pytest.mark.parametrize(
    ("file_name", "module", "measure", "indicator"),
    [
        ("manual_ks2_school_attainment_data.csv", ks2, "ptrwm_exp", "expected_standard_pupil_percent"),
        ("manual_ks2_la_nat_attainment_data.csv", ks2, "ptrwm_exp", "expected_standard_pupil_percent"),
        ("manual_202425_performance_tables_schools_final.csv", ks4, "att8scr", "attainment8_average"),
    ],
)
def test_real_ees_header_parses_and_maps(reference_dir, tmp_path, file_name, module, measure, indicator):
    header = _real_header(reference_dir, file_name)
    assert header[0] == "time_period" and indicator in header
    values = {"time_period": "202425", "time_identifier": "Academic year", "version": "Final", **ROWS[file_name]}
    row = [values.get(name, "z" if name != indicator else "61.5") for name in header]
    path = tmp_path / "2024-25" / file_name.removeprefix("manual_")
    write_csv(path, header, [row], encoding="utf-8")
    frame = module.parse(path, academic_year="2024-25", data_version="final")
    assert len(frame) == 1
    assert frame[measure].iloc[0] == 61.5
    # a published number carries no special-value reason
    assert frame[f"{measure}_reason"].isna().iloc[0]


def test_real_ees_absence_header_parses_and_maps(reference_dir, tmp_path):
    """DfE's own header of the EES school absence file (1a_absence_3term_school), in its real order; the excerpt
    elides the trailing rate columns as '... (rates) ...', so the named columns before it are the real ones."""
    from dagster_project.lib.sources import absence

    header = [name for name in _real_header(reference_dir, "manual_1a_Absence_3term_school.csv") if "..." not in name]
    assert header[:3] == ["time_period", "time_identifier", "geographic_level"]
    values = {
        "time_period": "202425",
        "time_identifier": "Academic year",
        "geographic_level": "School",
        "old_la_code": "991",
        "education_phase": "State-funded secondary",
        "estab": "4001",
        "school_laestab": "9914001",
        "school_urn": "100003",
        "sess_overall_percent": "8.41",
        "enrolments_pa_10_exact_percent": "24.26",
        "enrolments_pa_50_exact_percent": "2.3",
        "enrolments": "1000",
    }
    path = tmp_path / "2024-25" / "1a_absence_3term_school.csv"
    write_csv(path, header, [[values.get(name, "z") for name in header]], encoding="utf-8")
    frame = absence.parse(path, academic_year="2024-25", data_version="final")
    row = frame.iloc[0]
    assert (row["urn"], row["la"], row["estab"], row["education_phase"]) == (100003, 991, "4001", "SEC")
    assert (row["perctot"], row["ppersabs"], row["severe_absence_pct"], row["enrolments"]) == (8.41, 24.26, 2.3, 1000)
    # columns the map names but this row leaves 'z' keep DfE's reason
    assert pd.isna(row["sessions_possible"]) and row["sessions_possible_reason"] == "z"
