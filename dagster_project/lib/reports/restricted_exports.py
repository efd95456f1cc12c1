"""Restricted support lists for the school-improvement team: never written under the published folder.

One row per open LA school from rpt_support__schools - the Table One category and visits, the tier of the regional
offer, intervention identification and the years below the floor standard, each with its reasons in words - and,
when last term's categories were recorded, what moved each school that changed category. The workbook has one sheet
per list (all decisions, tiered offer, intervention, category movement).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.reports.category_movement import load_category_moves
from dagster_project.lib.reports.report_data import read_table
from dagster_project.lib.reports.spreadsheets import write_csv, write_xlsx
from dagster_project.lib.warehouse.reader import Warehouse, WarehouseReader, open_reader

SOURCE_TABLE = "rpt_support__schools"
CATEGORIES_TABLE = "rpt_committee__category_distribution"  # every Table One category, with its short name
# rpt_support__schools column -> heading; every value shown is words (codes stay in the warehouse).
SUPPORT_COLUMNS = {
    "urn": "URN",
    "school_name": "School",
    "phase": "Phase",
    "governance": "Governance",
    "category_name": "Support category",
    "min_contacts_per_year": "Minimum contacts per year",
    "min_contacts_per_term": "Minimum contacts per term",
    "current_outcome_summary": "Current Ofsted outcome",
    "category_reasons": "Why this category",
    "exclusion_reason": "Not categorised because",
    "support_tier_status": "Regional support offer",
    "tier_reasons": "Why this tier",
    "identified": "Identified for intervention",
    "intervention_reasons": "Why (intervention)",
    "years_below_floor": "Years below the floor standard (last three years of results)",
    "years_below_floor_list": "Which years",
    "change_since_last_term": "Change since last term",
    "category_rule_version": "Rule version",
    "categorised_as_at": "As at",
}
# What the list reads from the table; 'identified' and 'change_since_last_term' are made here.
STORED_COLUMNS = [c for c in SUPPORT_COLUMNS if c not in ("identified", "change_since_last_term")] + [
    "is_identified_for_intervention"
]


def load_support_lists(warehouse: Warehouse | Path) -> pd.DataFrame:
    """Every open LA school's support decisions with their reasons, most support first."""
    with open_reader(warehouse) as conn:
        frame = read_table(conn, SOURCE_TABLE, STORED_COLUMNS, "category_rank desc nulls last, school_name, urn")
        changes = _changes_since_last_term(conn)
    frame["identified"] = frame["is_identified_for_intervention"].map({True: "Yes", False: "No"}).fillna("No")
    frame["change_since_last_term"] = frame["urn"].map(changes).fillna("")
    return frame[list(SUPPORT_COLUMNS)].rename(columns=SUPPORT_COLUMNS)


def _changes_since_last_term(conn: WarehouseReader) -> dict[int, str]:
    """URN -> 'Good but of concern, was Securely good: a new inspection' for the schools whose category moved."""
    categories = read_table(conn, CATEGORIES_TABLE, ("support_category", "category_short_name"), "category_rank")
    names = dict(zip(categories["support_category"], categories["category_short_name"], strict=True))
    return {
        int(move["urn"]): f"{names.get(move['support_category'], move['support_category'])}, was "
        f"{names.get(move['previous_category'], move['previous_category'])}: {move['what_changed']}"
        for move in load_category_moves(conn).to_dict("records")
    }


def export_support_categories(warehouse: Warehouse | Path, restricted_dir: Path) -> list[Path]:
    """The support lists as CSV (every school) and XLSX (one sheet per list) under ``restricted_dir``."""
    frame = load_support_lists(warehouse)
    out_dir = restricted_dir / "support_categories"
    out_dir.mkdir(parents=True, exist_ok=True)
    school = ["URN", "School", "Support category"]
    sheets = {
        "Support decisions": frame,
        "Tiered support offer": frame.loc[
            frame["Regional support offer"].str.startswith("tier "),  # meets a tier's criteria, paused or not
            [*school, "Regional support offer", "Why this tier", "Current Ofsted outcome"],
        ],
        "Intervention": frame.loc[
            frame["Identified for intervention"] == "Yes",
            [
                *school,
                "Why (intervention)",
                "Years below the floor standard (last three years of results)",
                "Which years",
            ],
        ],
        "Category movement": frame.loc[frame["Change since last term"] != "", [*school, "Change since last term"]],
    }
    return [
        write_csv(out_dir / "support_categories.csv", frame),
        write_xlsx(out_dir / "support_categories.xlsx", sheets),
    ]
