"""Ingest of a return into DuckDB: accepted versions are kept, a bad file is refused whole and changes nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.returns.errors import REPORT_COLUMNS, error_report_path
from dagster_project.lib.returns.ingest import MANIFEST_TABLE, ingest_return, version_in_force
from dagster_project.lib.returns.reading import discover_return_files
from dagster_project.lib.returns.spec import RETURNS
from tests.unit.returns_fixtures import REFERENCE, TODAY, override, write_return

SPEC = RETURNS["category_overrides"]


@pytest.fixture
def conn():
    with duckdb.connect(":memory:") as connection:
        yield connection


def ingest(conn, folder: Path, tmp_path: Path):
    return ingest_return(
        conn,
        SPEC,
        discover_return_files(folder),
        reference=lambda: REFERENCE,
        archive_dir=tmp_path / "archive",
        quarantine_dir=tmp_path / "quarantine",
        today=TODAY,
    )


def rows(conn) -> list[tuple]:
    return conn.execute(f"select return_as_at, urn, support_category from {SPEC.table} order by all").fetchall()


def test_refusing_a_bad_file_leaves_the_accepted_version_in_force_and_untouched(conn, tmp_path):
    drop = tmp_path / "returns"
    good = write_return(drop, "category_overrides", [override()], as_at="2026-01-22")
    first = ingest(conn, drop, tmp_path)
    assert [o.status for o in first.outcomes] == ["accepted"]
    before_rows, before_in_force = rows(conn), version_in_force(conn, SPEC.name)

    bad = write_return(
        drop, "category_overrides", [override(support_category="SM_SWK", rationale="")], as_at="2026-02-26"
    )
    second = ingest(conn, drop, tmp_path)

    assert [o.status for o in second.outcomes] == ["unchanged", "refused"]
    assert rows(conn) == before_rows
    assert version_in_force(conn, SPEC.name) == before_in_force
    assert before_in_force["file"] == good.name
    # the row-level report is beside the refused file, and the check's errors say the same
    report = error_report_path(bad)
    with report.open(encoding="utf-8-sig") as handle:  # written with a byte-order mark, for Excel
        lines = list(csv.DictReader(handle))
    assert tuple(lines[0]) == REPORT_COLUMNS
    assert {(line["file"], line["row"], line["column"]) for line in lines} == {(bad.name, "2", "rationale")}
    assert second.refused_in_folder and second.refused_in_folder[0].file.path == bad


def test_every_received_file_is_archived_and_a_refused_one_quarantined(conn, tmp_path):
    drop = tmp_path / "returns"
    good = write_return(drop, "category_overrides", [override()], as_at="2026-01-22")
    bad = write_return(drop, "category_overrides", [override(urn=999999)], as_at="2026-02-26")
    report = ingest(conn, drop, tmp_path)
    by_name = {o.file.path.name: o for o in report.outcomes}
    for path in (good, bad):
        (archived,) = (tmp_path / "archive" / "returns" / SPEC.name / by_name[path.name].sha256).glob("*.csv")
        assert archived.read_bytes() == path.read_bytes()
    assert list((tmp_path / "quarantine" / "returns" / SPEC.name).rglob(bad.name))
    statuses = conn.execute(f"select original_name, status from {MANIFEST_TABLE} order by 1").fetchall()
    assert statuses == [(good.name, "accepted"), (bad.name, "refused")]


def test_every_accepted_version_is_kept_and_the_latest_date_is_in_force(conn, tmp_path):
    drop = tmp_path / "returns"
    write_return(drop, "category_overrides", [override()], as_at="2026-01-22")
    write_return(drop, "category_overrides", [override(support_category="SECURELY_GOOD")], as_at="2026-02-26")
    ingest(conn, drop, tmp_path)
    assert rows(conn) == [
        (date(2026, 1, 22), 991001, "GOOD_OF_CONCERN"),
        (date(2026, 2, 26), 991001, "SECURELY_GOOD"),
    ]
    assert version_in_force(conn, SPEC.name)["as_at"] == date(2026, 2, 26)


def test_an_unchanged_file_is_not_loaded_twice_and_a_corrected_one_replaces_the_refusal(conn, tmp_path):
    drop = tmp_path / "returns"
    bad = write_return(drop, "category_overrides", [override(rationale="")], as_at="2026-02-26")
    ingest(conn, drop, tmp_path)
    again = ingest(conn, drop, tmp_path)
    assert [(o.status, o.previous_status) for o in again.outcomes] == [("unchanged", "refused")]
    assert again.refused_in_folder  # the check stays red while the refused file is in the folder
    assert error_report_path(bad).exists()

    write_return(drop, "category_overrides", [override()], as_at="2026-02-26")  # corrected, same name
    fixed = ingest(conn, drop, tmp_path)
    assert [o.status for o in fixed.outcomes] == ["accepted"]
    assert not fixed.refused_in_folder
    assert not error_report_path(bad).exists()
    assert rows(conn) == [(date(2026, 2, 26), 991001, "GOOD_OF_CONCERN")]
