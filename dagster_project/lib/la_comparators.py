"""LA figures beside national, region and statistical-neighbour figures, from rpt_report__la_measures.

Region figure: pupil-weighted average of the LAs in the LA's region (the LA included, as DfE's regional
figures are), shown only when the loaded figures cover enough of the region's LAs (dbt var region_min_la_share,
and at least two): a single-LA download holds its own LA only, and its figure is never shown as the region's.
Statistical neighbours: the simple average of the LA's ten neighbours, as in DfE's LAIT. The neighbour list
comes from stg_statistical_neighbours__neighbours; until that is loaded, or when none of the neighbours' figures
are loaded, reports say statistical-neighbour figures are not available rather than show anything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import duckdb
import pandas as pd
import yaml

from dagster_project.lib.report_data import read_table, table_exists
from dagster_project.resources import REPO_ROOT

LA_MEASURES_TABLE = "rpt_report__la_measures"
NEIGHBOURS_TABLE = "stg_statistical_neighbours__neighbours"
LA_LIST_TABLE = "stg_la_codes__local_authorities"
DBT_PROJECT_FILE = REPO_ROOT / "dbt" / "dbt_project.yml"
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
KEYS = ["academic_year", "key_stage", "measure_code", "pupil_group"]


@cache
def region_min_la_share() -> float:
    """dbt var region_min_la_share (dbt_project.yml): one rule for the dbt models and the reports."""
    return float(yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8"))["vars"]["region_min_la_share"])


@dataclass(frozen=True)
class Comparators:
    la_code: int
    region_name: str | None
    neighbour_la_codes: tuple[int, ...] | None  # None: the statistical-neighbour list is not loaded
    region_la_total: int | None = None  # LAs in the region per the LA code list; None when not loaded

    def neighbours_note(self, comparisons: pd.DataFrame | None = None) -> str:
        """What the statistical-neighbour column is, or why it is empty, in words."""
        if self.neighbour_la_codes is None:
            return (
                "Statistical-neighbour figures are not available: the Department for Education's statistical "
                "neighbours list has not been loaded."
            )
        if comparisons is not None and len(comparisons) and not comparisons["sn_value"].notna().any():
            return (
                f"Statistical-neighbour figures are not available: none of the {len(self.neighbour_la_codes)} "
                "neighbouring LAs' figures are in the loaded files (a single-LA download holds only its own)."
            )
        return f"Statistical neighbours: the average of {len(self.neighbour_la_codes)} most similar LAs (simple mean)."

    def region_la_minimum(self) -> int:
        """Fewest LAs with figures a region figure needs."""
        return max(2, math.ceil(region_min_la_share() * (self.region_la_total or 0)))

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


def load_la_measures(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return read_table(
        connection, LA_MEASURES_TABLE, LA_MEASURE_COLUMNS, "key_stage, measure_code, pupil_group, academic_year"
    )


def load_comparators(connection: duckdb.DuckDBPyConnection, la_measures: pd.DataFrame, la_code: int) -> Comparators:
    own = la_measures[(la_measures["geography_level"] == "la") & (la_measures["la_code"] == la_code)]
    region = own["region_name"].dropna()
    neighbours: tuple[int, ...] | None = None
    if table_exists(connection, NEIGHBOURS_TABLE):
        columns = {row[0] for row in connection.execute(f"describe {NEIGHBOURS_TABLE}").fetchall()}
        latest_only = "and is_latest_release" if "is_latest_release" in columns else ""
        rows = connection.execute(
            f"select distinct neighbour_la_code, neighbour_rank from {NEIGHBOURS_TABLE} "
            f"where la_code = ? {latest_only} order by neighbour_rank",
            [la_code],
        ).fetchall()
        neighbours = tuple(int(row[0]) for row in rows)
    region_name = str(region.iloc[0]) if len(region) else None
    region_total = None
    if region_name and table_exists(connection, LA_LIST_TABLE):
        (region_total,) = connection.execute(
            f"select count(*) from {LA_LIST_TABLE} where region_name = ?", [region_name]
        ).fetchone()
    return Comparators(
        la_code=la_code,
        region_name=region_name,
        neighbour_la_codes=neighbours,
        region_la_total=int(region_total) if region_total else None,
    )


def compare(la_measures: pd.DataFrame, comparators: Comparators) -> pd.DataFrame:
    """One row per (academic_year, key_stage, measure_code, pupil_group) for the LA, with columns la_value,
    la_value_reason, la_pupils, national_value, national_value_reason, region_value, region_las, sn_value, sn_las."""
    las = la_measures[la_measures["geography_level"] == "la"]
    own = las[las["la_code"] == comparators.la_code]
    base = own[[*KEYS, "measure_name", "unit", "value", "value_reason", "pupils", "data_version"]].rename(
        columns={"value": "la_value", "value_reason": "la_value_reason", "pupils": "la_pupils"}
    )
    national = la_measures[la_measures["geography_level"] == "national"][[*KEYS, "value", "value_reason"]].rename(
        columns={"value": "national_value", "value_reason": "national_value_reason"}
    )
    result = base.merge(national, on=KEYS, how="left")
    region_rows = las[las["region_name"] == comparators.region_name] if comparators.region_name else las.iloc[0:0]
    result = result.merge(_weighted(region_rows, "region"), on=KEYS, how="left")
    # Never this LA's own figure relabelled: too few of the region's LAs loaded means no region figure.
    too_few = result["region_las"].fillna(0) < comparators.region_la_minimum()
    result["region_value"] = result["region_value"].where(~too_few)
    if comparators.neighbour_la_codes is not None:
        result = result.merge(
            _simple_mean(las[las["la_code"].isin(comparators.neighbour_la_codes)], "sn"), on=KEYS, how="left"
        )
    else:
        result["sn_value"] = None
        result["sn_las"] = 0
    return result.sort_values(["key_stage", "measure_code", "pupil_group", "academic_year"]).reset_index(drop=True)


def _weighted(rows: pd.DataFrame, prefix: str) -> pd.DataFrame:
    usable = rows.dropna(subset=["value", "pupils"]).copy()
    usable["weighted"] = usable["value"] * usable["pupils"]
    grouped = usable.groupby(KEYS, as_index=False).agg(
        weighted=("weighted", "sum"), pupils=("pupils", "sum"), las=("la_code", "nunique")
    )
    grouped[f"{prefix}_value"] = grouped["weighted"] / grouped["pupils"]
    return grouped[[*KEYS, f"{prefix}_value"]].assign(**{f"{prefix}_las": grouped["las"]})


def _simple_mean(rows: pd.DataFrame, prefix: str) -> pd.DataFrame:
    usable = rows.dropna(subset=["value"])
    grouped = usable.groupby(KEYS, as_index=False).agg(value=("value", "mean"), las=("la_code", "nunique"))
    return grouped.rename(columns={"value": f"{prefix}_value", "las": f"{prefix}_las"})
