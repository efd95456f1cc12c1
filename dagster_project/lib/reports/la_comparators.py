"""LA figures beside national, region and statistical-neighbour figures, as the reports read and word them.

dbt computes the figures (rpt_report__la_comparisons) and the comparators they rest on (rpt_report__comparators):
the region figure is the pupil-weighted average of the region's LAs, shown only when enough of them are loaded (a
single-LA download holds its own LA only, and its figure is never shown as the region's); the statistical-neighbour
figure is the simple mean of the LA's neighbours, as in DfE's LAIT. This module reads both and says in words what
the region and neighbour columns hold, or why they are empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dagster_project.lib.reports.report_data import ReportDataError, read_table
from dagster_project.lib.reports.report_text import is_missing
from dagster_project.lib.warehouse.reader import WarehouseReader

LA_MEASURES_TABLE = "rpt_report__la_measures"
COMPARISONS_TABLE = "rpt_report__la_comparisons"
COMPARATORS_TABLE = "rpt_report__comparators"
LA_MEASURE_COLUMNS = (
    "geography_level",
    "la_code",
    "area_name",
    "region_name",
    "academic_year",
    "key_stage",
    "measure_code",
    "measure_name",
    "unit",
    "pupil_group",
    "value",
    "value_reason",
    "pupils",
    "data_version",
)
COMPARISON_COLUMNS = (
    "academic_year",
    "key_stage",
    "measure_code",
    "pupil_group",
    "measure_name",
    "unit",
    "la_value",
    "la_value_reason",
    "la_pupils",
    "data_version",
    "national_value",
    "national_value_reason",
    "region_value",
    "region_las",
    "sn_value",
    "sn_las",
)
COMPARATOR_COLUMNS = ("la_code", "region_name", "region_la_total", "neighbour_count")


@dataclass(frozen=True)
class Comparators:
    la_code: int
    region_name: str | None
    neighbour_count: int | None  # None: the statistical-neighbour list has no entry for the LA (not loaded)
    region_la_total: int | None = None  # LAs in the region per the LA code list; None when not loaded

    def neighbours_note(self, comparisons: pd.DataFrame | None = None) -> str:
        """What the statistical-neighbour column is, or why it is empty, in words."""
        if self.neighbour_count is None:
            return (
                "Statistical-neighbour figures are not available: the Department for Education's statistical "
                "neighbours list has not been loaded."
            )
        if comparisons is not None and len(comparisons) and not comparisons["sn_value"].notna().any():
            return (
                f"Statistical-neighbour figures are not available: none of the {self.neighbour_count} "
                "neighbouring LAs' figures are in the loaded files (a single-LA download holds only its own)."
            )
        return f"Statistical neighbours: the average of {self.neighbour_count} most similar LAs (simple mean)."

    def region_note(self, comparisons: pd.DataFrame | None) -> str:
        """What the report's region column is, or why it is empty, in words."""
        if not self.region_name:
            return "Region figures are not available: the LA's region is not known (load DfE's LA code list)."
        covered = 0
        if comparisons is not None and "region_las" in comparisons and len(comparisons):
            covered = int(comparisons["region_las"].fillna(0).max())
        total = f" of the {self.region_la_total}" if self.region_la_total else ""
        if comparisons is not None and len(comparisons) and comparisons["region_value"].notna().any():
            return (
                f"Region figures are the pupil-weighted average of the local authorities in {self.region_name} "
                f"with figures loaded (up to {covered}{total})."
            )
        return (
            f"Region figures cannot be computed: the loaded files hold figures for {covered}{total} local "
            f"authorities in {self.region_name} (a single-LA download holds only its own), so the region column "
            "is empty rather than repeating this LA's own figures."
        )


def load_la_measures(connection: WarehouseReader) -> pd.DataFrame:
    return read_table(
        connection, LA_MEASURES_TABLE, LA_MEASURE_COLUMNS, "key_stage, measure_code, pupil_group, academic_year"
    )


def load_comparators(connection: WarehouseReader) -> Comparators:
    """The one row of rpt_report__comparators: the LA's region and its size, and its neighbour count."""
    frame = read_table(connection, COMPARATORS_TABLE, COMPARATOR_COLUMNS, "la_code")
    if len(frame) != 1:
        raise ReportDataError(f"{COMPARATORS_TABLE} must have exactly one row; it has {len(frame)}.")
    row = frame.to_dict("records")[0]
    return Comparators(
        la_code=int(row["la_code"]),
        region_name=None if is_missing(row["region_name"]) else str(row["region_name"]),
        neighbour_count=None if is_missing(row["neighbour_count"]) else int(row["neighbour_count"]),
        region_la_total=None if is_missing(row["region_la_total"]) else int(row["region_la_total"]),
    )


def load_comparisons(connection: WarehouseReader) -> pd.DataFrame:
    """rpt_report__la_comparisons: one row per (academic_year, key_stage, measure_code, pupil_group) for the LA,
    with its figure beside national, region (region_las LAs) and statistical neighbours (sn_las LAs)."""
    return read_table(
        connection, COMPARISONS_TABLE, COMPARISON_COLUMNS, "key_stage, measure_code, pupil_group, academic_year"
    )
