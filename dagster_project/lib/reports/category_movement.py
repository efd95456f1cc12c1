"""Support-category movement since last term, as dbt records and counts it.

Categories are recalculated from the latest data on every build, so last term's categories are what was recorded
last term: fct_support_category_history keeps each term's categories with the inputs they rested on, and
int_support_category_moves compares this term with the latest earlier one. The published committee report reads
the counts (rpt_committee__category_movement, _summary and _causes); the restricted support lists read which school
moved and why (rpt_support__category_moves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dagster_project.lib.reports.report_data import ReportDataError, read_table
from dagster_project.lib.warehouse.reader import WarehouseReader

MOVEMENT_TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "rpt_committee__category_movement_summary": (
        ("previous_term_end", "moved_to_more_support", "moved_to_less_support", "unchanged"),
        "previous_term_end",
    ),
    "rpt_committee__category_movement": (
        ("support_category", "previous_count", "current_count", "schools_joined", "schools_left"),
        "category_rank",
    ),
    "rpt_committee__category_movement_causes": (("cause", "schools"), "cause_order"),
}
MOVES_TABLE = "rpt_support__category_moves"  # restricted: names the schools


@dataclass(frozen=True)
class CategoryMovement:
    previous_term_end: date | None  # None: no earlier term recorded yet
    rows: pd.DataFrame  # support_category, previous_count, current_count, schools_joined, schools_left
    moved_to_more_support: int = 0
    moved_to_less_support: int = 0
    unchanged: int = 0
    causes: pd.DataFrame | None = None  # cause, schools: how many moved schools each input explains


def load_category_movement(connection: WarehouseReader) -> CategoryMovement:
    """The published counts of movement since the last recorded term."""
    summary, rows, causes = (read_table(connection, table, *spec) for table, spec in MOVEMENT_TABLES.items())
    if summary.empty:
        return CategoryMovement(None, rows)
    if len(summary) != 1:
        raise ReportDataError(f"rpt_committee__category_movement_summary must have one row; it has {len(summary)}.")
    counts = summary.to_dict("records")[0]
    return CategoryMovement(
        previous_term_end=pd.Timestamp(counts["previous_term_end"]).date(),
        rows=rows,
        moved_to_more_support=int(counts["moved_to_more_support"]),
        moved_to_less_support=int(counts["moved_to_less_support"]),
        unchanged=int(counts["unchanged"]),
        causes=causes,
    )


def load_category_moves(connection: WarehouseReader) -> pd.DataFrame:
    """Restricted: each school whose category changed since last term, with what changed."""
    return read_table(connection, MOVES_TABLE, ("urn", "previous_category", "support_category", "what_changed"), "urn")
