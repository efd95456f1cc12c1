"""Support-category movement since last term, and which input moved each school.

Categories are recalculated from the latest data each time, so last term's categories are whatever was recorded
last term: each committee report run records a snapshot (URN, category and the inputs the category rests on) under
the restricted folder, named by the term's last day, and compares with the latest earlier snapshot. A school whose
category changed is explained by the inputs that changed: a new inspection, a new local authority assessment
(the adviser's capacity judgement and main concern), an override, new results, or new categorisation rules. The
published committee report shows counts only; the restricted support lists name the schools.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.reports.report_data import read_table
from dagster_project.lib.reports.spreadsheets import write_csv

SNAPSHOT_SUBDIR = "category_snapshots"
SNAPSHOT_COLUMNS = ["urn", "support_category", "category_rank"]
INPUTS_TABLE = "rpt_support__category_inputs"
# What can move a school, in the order reports list it: the words, and the rpt_support__category_inputs columns
# recorded in the snapshot whose change means that input changed.
CAUSES: dict[str, tuple[str, ...]] = {
    "a new inspection": ("latest_inspection_number",),
    # the adviser's capacity judgement and main concern (worded without field names the published-site scan refuses)
    "a new local authority assessment": ("capacity_state", "capacity_judged_on", "adviser_main_concern"),
    "an override": ("is_overridden", "override_decided_on"),
    "new results": ("latest_results_year", "risk_flags"),
    "new categorisation rules": ("rule_version",),
}
INPUT_COLUMNS = [column for columns in CAUSES.values() for column in columns]
NOT_RECORDED = "not recorded (last term's snapshot has no inputs)"
UNEXPLAINED = "no recorded input changed"


@dataclass(frozen=True)
class CategoryMovement:
    previous_term_end: date | None
    rows: pd.DataFrame  # support_category, previous_count, current_count, joined, left
    moved_to_more_support: int
    moved_to_less_support: int
    unchanged: int
    moves: pd.DataFrame | None = None  # urn, previous_category, support_category, what_changed (restricted)
    causes: pd.DataFrame | None = None  # cause, schools: how many moved schools each input explains (published)


def current_categories(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Categorised schools with the inputs their categories rest on."""
    return read_table(connection, INPUTS_TABLE, SNAPSHOT_COLUMNS + INPUT_COLUMNS, "urn")[
        SNAPSHOT_COLUMNS + INPUT_COLUMNS
    ]


def snapshot_path(restricted_dir: Path, term_end: date, term_slug: str) -> Path:
    return Path(restricted_dir) / SNAPSHOT_SUBDIR / f"{term_end.isoformat()}_{term_slug}.csv"


def record_snapshot(categories: pd.DataFrame, restricted_dir: Path, term_end: date, term_slug: str) -> Path:
    columns = SNAPSHOT_COLUMNS + [c for c in INPUT_COLUMNS if c in categories.columns]
    return write_csv(snapshot_path(restricted_dir, term_end, term_slug), categories[columns])


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
    return ended, pd.read_csv(path, dtype=str).astype({"urn": int, "category_rank": float})


def what_changed(now: dict, then: dict) -> list[str]:
    """The causes whose recorded inputs differ between last term's snapshot row and this term's row."""
    recorded = [cause for cause, columns in CAUSES.items() if any(c in then and c in now for c in columns)]
    if not recorded:
        return [NOT_RECORDED]
    changed = [
        cause
        for cause in recorded
        if any(c in then and c in now and _text(now[c]) != _text(then[c]) for c in CAUSES[cause])
    ]
    return changed or [UNEXPLAINED]


def _text(value: object) -> str:
    """Snapshot values are read back as text: compare as text, with every missing value alike."""
    if pd.isna(value):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = str(value)
    return text.lower() if text in ("True", "False") else text


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
    moves = _moves(current, before)
    return CategoryMovement(
        previous_term_end=ended,
        rows=pd.DataFrame(records),
        moved_to_more_support=int((compared["category_rank"] > compared["category_rank_previous"]).sum()),
        moved_to_less_support=int((compared["category_rank"] < compared["category_rank_previous"]).sum()),
        unchanged=int((compared["category_rank"] == compared["category_rank_previous"]).sum()),
        moves=moves,
        causes=_cause_counts(moves),
    )


def _moves(current: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Every school categorised in both terms whose category changed, with what changed."""
    then_by_urn = {int(row["urn"]): row for row in before.to_dict("records")}
    moves = []
    for now in current.to_dict("records"):
        then = then_by_urn.get(int(now["urn"]))
        if then is None or str(then["support_category"]) == str(now["support_category"]):
            continue
        moves.append(
            {
                "urn": int(now["urn"]),
                "previous_category": then["support_category"],
                "support_category": now["support_category"],
                "what_changed": "; ".join(what_changed(now, then)),
            }
        )
    return pd.DataFrame(moves, columns=["urn", "previous_category", "support_category", "what_changed"])


def _cause_counts(moves: pd.DataFrame) -> pd.DataFrame:
    """How many moved schools each cause explains (a school moved by two inputs counts for both)."""
    causes = [*CAUSES, UNEXPLAINED, NOT_RECORDED]
    explained = [cause for text in moves["what_changed"] for cause in text.split("; ")]
    counts = [(cause, explained.count(cause)) for cause in causes]
    return pd.DataFrame([c for c in counts if c[1] or c[0] in CAUSES], columns=["cause", "schools"])
