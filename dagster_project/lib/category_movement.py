"""Support-category movement since last term, for the published committee report (counts only, no names).

Categories are recalculated from the latest data each time, so last term's categories are whatever was
recorded last term: each committee report run records a snapshot (URN and category) under the restricted
folder, named by the term's last day, and compares with the latest earlier snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.spreadsheets import write_csv

SNAPSHOT_SUBDIR = "category_snapshots"
SNAPSHOT_COLUMNS = ["urn", "support_category", "category_rank"]


@dataclass(frozen=True)
class CategoryMovement:
    previous_term_end: date | None
    rows: pd.DataFrame  # support_category, previous_count, current_count, joined, left
    moved_to_more_support: int
    moved_to_less_support: int
    unchanged: int


def current_categories(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return connection.execute(
        "select urn, support_category, category_rank from fct_school_support_category "
        "where categorisation_status = 'categorised' order by urn"
    ).df()


def snapshot_path(restricted_dir: Path, term_end: date, term_slug: str) -> Path:
    return Path(restricted_dir) / SNAPSHOT_SUBDIR / f"{term_end.isoformat()}_{term_slug}.csv"


def record_snapshot(categories: pd.DataFrame, restricted_dir: Path, term_end: date, term_slug: str) -> Path:
    return write_csv(snapshot_path(restricted_dir, term_end, term_slug), categories[SNAPSHOT_COLUMNS])


def previous_snapshot(restricted_dir: Path, term_end: date) -> tuple[date, pd.DataFrame] | None:
    """The latest snapshot recorded for a term that ended before `term_end`."""
    folder = Path(restricted_dir) / SNAPSHOT_SUBDIR
    candidates = []
    for path in folder.glob("*.csv") if folder.is_dir() else []:
        try:
            ended = date.fromisoformat(path.name.split("_", 1)[0])
        except ValueError:
            continue
        if ended < term_end:
            candidates.append((ended, path))
    if not candidates:
        return None
    ended, path = max(candidates)
    return ended, pd.read_csv(path, dtype={"support_category": str})


def category_movement(
    current: pd.DataFrame, previous: tuple[date, pd.DataFrame] | None, categories: list[str]
) -> CategoryMovement:
    if previous is None:
        rows = pd.DataFrame(
            {
                "support_category": categories,
                "previous_count": [None] * len(categories),
                "current_count": [int((current["support_category"] == c).sum()) for c in categories],
                "joined": [None] * len(categories),
                "left": [None] * len(categories),
            }
        )
        return CategoryMovement(None, rows, 0, 0, 0)
    ended, before = previous
    both = current.merge(before, on="urn", how="outer", suffixes=("", "_previous"))
    records = []
    for category in categories:
        now = both["support_category"] == category
        then = both["support_category_previous"] == category
        records.append(
            {
                "support_category": category,
                "previous_count": int(then.sum()),
                "current_count": int(now.sum()),
                "joined": int((now & ~then).sum()),
                "left": int((then & ~now).sum()),
            }
        )
    compared = both.dropna(subset=["category_rank", "category_rank_previous"])
    return CategoryMovement(
        previous_term_end=ended,
        rows=pd.DataFrame(records),
        moved_to_more_support=int((compared["category_rank"] > compared["category_rank_previous"]).sum()),
        moved_to_less_support=int((compared["category_rank"] < compared["category_rank_previous"]).sum()),
        unchanged=int((compared["category_rank"] == compared["category_rank_previous"]).sum()),
    )
