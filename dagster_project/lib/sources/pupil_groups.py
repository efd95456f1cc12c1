"""Which pupil-group and subject columns the KS2 and KS4 parsers read, from dbt/seeds/pupil_group_columns.csv.

One seed serves both ends: the parsers load each listed column into raw_ks2 / raw_ks4 (a legacy file by DfE's
column name or an alias, an EES tidy file by its breakdown filters and indicator), and dbt staging turns the same
columns into one row per (measure, group). A column the layout does not publish is loaded as not published.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dagster_project.settings import SEEDS_DIR

COLUMNS_SEED = SEEDS_DIR / "pupil_group_columns.csv"


@dataclass(frozen=True)
class GroupColumn:
    key_stage: str  # 'ks2' or 'ks4'
    measure_code: str
    group_code: str
    raw_column: str
    aliases: tuple[str, ...]
    ees_filters: tuple[str, ...]  # (breakdown_topic, breakdown[, subject]) in the layout's filter order; () if none
    ees_indicator: str | None

    @property
    def in_ees_layout(self) -> bool:
        return bool(self.ees_filters)


@cache
def group_columns(key_stage: str, path: Path = COLUMNS_SEED) -> tuple[GroupColumn, ...]:
    """The seed's rows for one key stage ('ks2' or 'ks4'), in seed order."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["key_stage"].lower() == key_stage]
    columns = []
    for row in rows:
        filters = [row["ees_breakdown_topic"], row["ees_breakdown"]]
        if key_stage == "ks2":
            filters.append(row["ees_subject"])
        columns.append(
            GroupColumn(
                key_stage=key_stage,
                measure_code=row["measure_code"],
                group_code=row["group_code"],
                raw_column=row["raw_column"].strip().lower(),
                aliases=tuple(a.strip().lower() for a in row["aliases"].split("|") if a.strip()),
                ees_filters=tuple(v.strip().lower() for v in filters) if row["ees_breakdown_topic"].strip() else (),
                ees_indicator=row["ees_indicator"].strip() or None,
            )
        )
    return tuple(columns)


def extra_measures(key_stage: str, headline: tuple[str, ...]) -> tuple[str, ...]:
    """The seed's raw columns the headline measure list does not already read, in seed order."""
    return tuple(c.raw_column for c in group_columns(key_stage) if c.raw_column not in headline)


def aliases(key_stage: str) -> dict[str, tuple[str, ...]]:
    return {c.raw_column: c.aliases for c in group_columns(key_stage) if c.aliases}


def not_in_ees_layout(key_stage: str) -> tuple[str, ...]:
    """Columns the EES tidy layout does not publish (e.g. KS2 prior-attainment bands): loaded as not published."""
    return tuple(c.raw_column for c in group_columns(key_stage) if not c.in_ees_layout)


def ees_measures(key_stage: str) -> dict[tuple[tuple[str, ...], str], str]:
    """(EES filter values, indicator) -> raw column, for the columns the EES layout publishes."""
    return {(c.ees_filters, c.ees_indicator): c.raw_column for c in group_columns(key_stage) if c.in_ees_layout}
