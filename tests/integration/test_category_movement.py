"""Support-category movement from one term to the next, through real dbt builds of the session's warehouse.

The session's refresh recorded its term's categories in fct_support_category_history. Here an earlier term is
recorded beside them (this term's rows, with two schools placed elsewhere), the movement models are built again
with dbt, and the counts, the causes and the committee report are checked against what was planted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.dbt.project import DBT_PROJECT_DIR
from dagster_project.lib.reports import committee_report
from dagster_project.lib.reports.restricted_exports import load_support_lists
from tests.html_text import visible_text

pytestmark = pytest.mark.slow

EARLIER_TERM_END = date(2025, 12, 19)


def _dbt(warehouse: Path, work: Path, *args: str) -> None:
    """A real dbt build of the copy, with its own target and log folders (the session's are shared)."""
    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args, "--quiet", "--profiles-dir", "."]
        + ["--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "SI_DUCKDB_PATH": str(warehouse)},
        check=True,
    )


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def next_term(materialized, pipeline_settings, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the session's warehouse with an earlier term recorded: every school as this term, except a
    school last term one category lower with another inspection (moved by a new inspection), and one a category
    higher with the same inputs (moved with no recorded input changed)."""
    work = tmp_path_factory.mktemp("next_term")
    warehouse = work / "warehouse.duckdb"
    shutil.copyfile(pipeline_settings.duckdb_path, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        ((this_term_end,),) = connection.execute("select term_end from int_report_term").fetchall()
        assert this_term_end > EARLIER_TERM_END
        ranks = dict(connection.execute("select category_rank, support_category from support_categories").fetchall())
        current = connection.execute(
            "select urn, category_rank from fct_support_category_history order by urn"
        ).fetchall()
        # a school that can go one lower and one that can go one higher
        inspected = next(urn for urn, rank in current if rank - 1 in ranks)
        unexplained = next(urn for urn, rank in current if rank + 1 in ranks and urn != inspected)
        connection.execute(
            "insert into fct_support_category_history "
            "select ?, 'Autumn 2025', * exclude (term_end, report_term) from fct_support_category_history",
            [EARLIER_TERM_END],
        )
        rank_of = dict(current)
        for urn, step, inspection in ((inspected, -1, "an earlier inspection"), (unexplained, 1, None)):
            connection.execute(
                "update fct_support_category_history set category_rank = ?, support_category = ?, "
                "latest_inspection_number = coalesce(?, latest_inspection_number) where term_end = ? and urn = ?",
                [rank_of[urn] + step, ranks[rank_of[urn] + step], inspection, EARLIER_TERM_END, urn],
            )
    _dbt(warehouse, work, "build", "--select", "fct_support_category_history+", "--exclude", "test_type:unit")
    return warehouse, work, this_term_end, inspected, unexplained, len(current)


def test_the_moves_are_the_planted_ones_with_what_changed(next_term):
    warehouse, _, _, inspected, unexplained, _ = next_term
    moves = _rows(warehouse, "select urn, what_changed from rpt_support__category_moves order by urn")
    assert sorted(moves) == sorted([(inspected, "a new inspection"), (unexplained, "no recorded input changed")])
    ((more, less, unchanged),) = _rows(
        warehouse,
        "select moved_to_more_support, moved_to_less_support, unchanged from rpt_committee__category_movement_summary",
    )
    total = _rows(warehouse, "select count(*) from int_support_category_moves")[0][0]
    assert (more, less, unchanged) == (1, 1, total - 2)
    causes = dict(_rows(warehouse, "select cause, schools from rpt_committee__category_movement_causes"))
    assert causes["a new inspection"] == 1 and causes["no recorded input changed"] == 1
    assert causes["new results"] == 0


def test_each_category_counts_last_term_and_this_term(next_term):
    warehouse, _, _, _, _, schools = next_term
    rows = _rows(
        warehouse,
        "select previous_count, current_count, schools_joined, schools_left from rpt_committee__category_movement",
    )
    assert sum(r[0] for r in rows) == sum(r[1] for r in rows) == schools
    assert sum(r[2] for r in rows) == sum(r[3] for r in rows) == 2  # two schools left one category for another


def test_the_committee_report_and_support_lists_show_the_movement(next_term, tmp_path: Path):
    warehouse, _, _, inspected, _, _ = next_term
    report = committee_report.build_committee_report(warehouse, tmp_path / "published", engine="pandoc")
    text = visible_text(report.html)
    assert (
        "Since the categories recorded for the term ending 19 December 2025, 1 school moved to a category with "
        "more support, 1 to a category with less support" in text
    )
    why = report.tables["Why schools moved"]
    assert list(why.columns) == ["What changed", "Schools"]  # counted, never named
    assert dict(zip(why["What changed"], why["Schools"], strict=True))["A new inspection"] in (1, "1")
    names = dict(_rows(warehouse, "select support_category, category_short_name from support_categories"))
    ((now, then),) = _rows(
        warehouse,
        f"select support_category, previous_category from rpt_support__category_moves where urn = {inspected}",
    )
    lists = load_support_lists(warehouse).set_index("URN")
    assert lists.loc[inspected, "Change since last term"] == f"{names[now]}, was {names[then]}: a new inspection"


def test_a_rebuild_and_a_full_refresh_keep_the_recorded_terms(next_term):
    """Building again replaces this term's slice only; --full-refresh cannot erase the history (full_refresh off)."""
    warehouse, work, this_term_end, _, _, schools = next_term
    before = _rows(warehouse, "select * from fct_support_category_history order by term_end, urn")
    _dbt(warehouse, work, "run", "--full-refresh", "--select", "fct_support_category_history")
    after = _rows(warehouse, "select * from fct_support_category_history order by term_end, urn")
    assert after == before
    assert _rows(warehouse, "select term_end, count(*) from fct_support_category_history group by 1 order by 1") == [
        (EARLIER_TERM_END, schools),
        (this_term_end, schools),
    ]
