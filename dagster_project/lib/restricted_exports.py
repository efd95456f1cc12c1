"""Restricted exports for the school-improvement team: never written under the published folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

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
    return frame.rename(columns=SUPPORT_CATEGORY_COLUMNS)


def export_support_categories(duckdb_path: Path, restricted_dir: Path) -> list[Path]:
    """Every LA school's support category, visits and reasons, as CSV and XLSX under ``restricted_dir``."""
    frame = load_support_categories(duckdb_path)
    out_dir = restricted_dir / "support_categories"
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "support_categories.csv"
    xlsx_path = out_dir / "support_categories.xlsx"
    frame.to_csv(csv_path, index=False, lineterminator="\n")
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Support categories", index=False, freeze_panes=(1, 0))
    return [csv_path, xlsx_path]
