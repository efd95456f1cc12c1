"""Days and money in the returns: the visits log's optional `days` column (old files without it still load, and a
warehouse made before it gains it) and the traded_work return (each bad row refused with its reason, a good file
loaded typed)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.ingest.archive import REASON_NAME
from dagster_project.lib.returns.errors import error_report_path
from dagster_project.lib.returns.ingest import table_schema
from dagster_project.lib.returns.spec import RETURNS, traded_activity_codes
from dagster_project.settings import REPO_ROOT
from tests.unit.returns_fixtures import CLOSED_URN, ingest, traded, visit, write_return

OLD_VISITS_HEADER = ("visit_date", "urn", "adviser", "visit_type", "outcome_summary")  # before `days` (generator 1.4)


@pytest.fixture
def conn():
    with duckdb.connect(":memory:") as connection:
        yield connection


def write_old_visits(folder: Path, as_at: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"visits_{as_at}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=OLD_VISITS_HEADER, extrasaction="ignore")
        writer.writeheader()
        writer.writerow(visit())
    return path


def test_a_visits_file_sent_before_the_days_column_existed_loads_with_its_days_blank(conn, tmp_path):
    write_old_visits(tmp_path / "returns", "2026-02-26")
    (outcome,) = ingest(conn, "visits", tmp_path).outcomes
    assert outcome.status == "accepted", outcome.errors
    assert conn.execute("select visit_date, visit_type, days from raw_returns__visits").fetchall() == [
        (date(2026, 2, 10), "core", None)
    ]


def test_a_visits_table_made_before_the_days_column_gains_it_and_keeps_the_versions_it_holds(conn, tmp_path):
    old_columns = [(n, t) for n, t in table_schema(RETURNS["visits"]) if n != "days"]
    conn.execute(f"create table raw_returns__visits ({', '.join(f'{n} {t}' for n, t in old_columns)})")
    conn.execute(
        "insert into raw_returns__visits (return_version, return_as_at, visit_date, urn, adviser, visit_type) "
        "values ('old', '2026-01-22', '2026-01-15', 991001, 'Priya Raman', 'additional')"
    )
    write_return(tmp_path / "returns", "visits", [visit(days="0.5")], as_at="2026-02-26")
    (outcome,) = ingest(conn, "visits", tmp_path).outcomes
    assert outcome.status == "accepted", outcome.errors
    assert conn.execute("select return_version = 'old', days from raw_returns__visits order by 1 desc").fetchall() == [
        (True, None),
        (False, 0.5),
    ]


def test_traded_work_with_bad_rows_is_refused_whole_and_quarantined_with_each_rows_reason(conn, tmp_path):
    bad = write_return(
        tmp_path / "returns",
        "traded_work",
        [
            traded(),
            traded(work_date="2026-02-13", activity="tea_and_sympathy"),
            traded(work_date="2026-02-16", days="0"),
            traded(work_date="2026-02-17", agreed_daily_rate="2500"),
            traded(work_date="2026-03-30"),
            traded(work_date="2026-02-18", adviser="Jo Nobody"),
            traded(work_date="2026-02-19", urn=999999),
            traded(work_date="2023-11-01", urn=CLOSED_URN),
            traded(work_date="2026-02-20"),
            traded(work_date="2026-02-20"),
        ],
    )
    (outcome,) = ingest(conn, "traded_work", tmp_path).outcomes

    assert outcome.status == "refused"
    with error_report_path(bad).open(encoding="utf-8-sig") as handle:
        reasons = {(int(line["row"]), line["column"]): line["expected"] for line in csv.DictReader(handle)}
    assert reasons.keys() >= {
        (3, "activity"),
        (4, "days"),
        (5, "agreed_daily_rate"),
        (6, "work_date"),
        (7, "adviser"),
        (8, "urn"),
        (9, "work_date"),
        (11, "urn"),  # the same work twice: a duplicate entry
    }
    assert reasons[(3, "activity")].startswith("one of: headteacher_performance_management")
    assert reasons[(4, "days")] == "between 0.1 and 5"
    assert reasons[(5, "agreed_daily_rate")] == "between 0 and 2000"
    assert "not in the future" in reasons[(6, "work_date")]
    assert "was open" in reasons[(9, "work_date")]
    assert not [row for row, _ in reasons if row == 2]  # the good row has no error

    (reason_file,) = (tmp_path / "quarantine" / "returns" / "traded_work").glob(f"*/{REASON_NAME}")
    assert json.loads(reason_file.read_text(encoding="utf-8"))["file"] == bad.name
    assert conn.execute("select count(*) from raw_returns__traded_work").fetchone() == (0,)


def test_a_good_traded_work_file_is_loaded_with_its_days_and_any_agreed_rate(conn, tmp_path):
    write_return(
        tmp_path / "returns",
        "traded_work",
        [traded(), traded(work_date="2026-02-13", activity="governance_review", days="2", agreed_daily_rate="400")],
    )
    (outcome,) = ingest(conn, "traded_work", tmp_path).outcomes
    assert outcome.status == "accepted", outcome.errors
    assert conn.execute(
        "select work_date, activity, days, agreed_daily_rate from raw_returns__traded_work order by work_date"
    ).fetchall() == [
        (date(2026, 2, 12), "safeguarding_audit", 1.0, None),
        (date(2026, 2, 13), "governance_review", 2.0, 400.0),
    ]


def test_the_traded_activities_are_the_seeds_list():
    with (REPO_ROOT / "dbt" / "seeds" / "traded_activities.csv").open(encoding="utf-8", newline="") as handle:
        seed = [row["activity_code"] for row in csv.DictReader(handle)]
    assert RETURNS["traded_work"].column("activity").codes == traded_activity_codes() == tuple(seed)
