"""Restricted exports for the school-improvement team: never written under the published folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.spreadsheets import write_csv, write_xlsx

SUPPORT_CATEGORY_COLUMNS = {
    "urn": "URN",
    "school_name": "School",
    "phase": "Phase",
    "governance": "Governance",
    "category_name": "Support category",
    "min_contacts_per_year": "Minimum contacts per year",
    "min_contacts_per_term": "Minimum contacts per term",
    "overall_effectiveness_label": "Latest Ofsted outcome",
    "inspection_publication_date": "Ofsted report published",
    "risk_flags": "Data risk flags",
    "capacity_state": "Capacity to improve",
    "reasons": "Reasons",
    "exclusion_reason": "Not categorised because",
    "rule_version": "Rule version",
    "categorised_as_at": "As at",
}
# fct_school_support_category.capacity_state in words
CAPACITY_WORDS = {"secure": "secure", "not_secure": "not secure", "unknown": "not yet judged"}
RISK_FLAGS_SEED = "data_risk_flags"


def load_support_categories(duckdb_path: Path) -> pd.DataFrame:
    columns = ", ".join(
        "school.school_name" if c == "school_name" else f"category.{c}" for c in SUPPORT_CATEGORY_COLUMNS
    )
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        frame = conn.execute(
            f"""
            select {columns}
            from fct_school_support_category as category
            join dim_school as school using (urn)
            order by category.category_rank desc nulls last, school.school_name
            """
        ).df()
        flag_words = dict(conn.execute(f"select flag_code, description from {RISK_FLAGS_SEED}").fetchall())
    # Words, not codes: each risk flag by its description (seed data_risk_flags), capacity as the adviser put it.
    frame["risk_flags"] = [
        None if pd.isna(flags) else "; ".join(flag_words.get(f.strip(), f.strip()) for f in str(flags).split(","))
        for flags in frame["risk_flags"]
    ]
    frame["capacity_state"] = frame["capacity_state"].map(lambda state: CAPACITY_WORDS.get(state, state))
    return frame.rename(columns=SUPPORT_CATEGORY_COLUMNS)


def export_support_categories(duckdb_path: Path, restricted_dir: Path) -> list[Path]:
    """Every LA school's support category, visits and reasons, as CSV and XLSX under ``restricted_dir``."""
    frame = load_support_categories(duckdb_path)
    out_dir = restricted_dir / "support_categories"
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_csv(out_dir / "support_categories.csv", frame),
        write_xlsx(out_dir / "support_categories.xlsx", {"Support categories": frame}),
    ]
