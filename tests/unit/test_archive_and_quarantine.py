"""Archive before parsing, load by slice, re-ingest is a no-op; a bad file never costs the last good data."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.lib.ingest.archive import archive_file, file_sha256
from dagster_project.lib.ingest.source_files import discover_source_files
from dagster_project.lib.ingest.warehouse_load import MANIFEST_TABLE, ingest_source
from tests.unit.ingest_fixtures import (
    GIAS_HEADER,
    KS2_HEADER,
    gias_row,
    ks2_school,
    ks2_summary_row,
    write_csv,
)


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    return {
        "sources": tmp_path / "sources",
        "archive_dir": tmp_path / "archive",
        "quarantine_dir": tmp_path / "quarantine",
    }


def _ks2(sources: Path, year: str, version: str, ptrwm_exp: str = "67%", bad: bool = False) -> Path:
    rows = [
        ks2_school(990001, 2001, "Abbey Primary School", PTRWM_EXP=ptrwm_exp),
        ks2_school(990002, 2002, "Brook Primary School", PTRWM_EXP="SUPP"),
        ks2_summary_row("3", "991", "Kingsmere"),
    ]
    if bad:
        rows[1]["PTRWM_HIGH"] = "??"
    return write_csv(sources / "ks2" / year / f"england_ks2{version}.csv", KS2_HEADER, rows)


def _ingest(conn: duckdb.DuckDBPyConnection, dirs: dict[str, Path], source: str = "ks2", **kwargs):
    files = discover_source_files(dirs["sources"])
    return ingest_source(
        conn, source, files, archive_dir=dirs["archive_dir"], quarantine_dir=dirs["quarantine_dir"], **kwargs
    )


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def test_archive_copies_the_file_unchanged_under_its_sha256_and_leaves_the_original_alone(
    tmp_path: Path,
) -> None:
    original = _ks2(tmp_path / "sources", "2023-24", "final")
    before = (original.read_bytes(), original.stat().st_mtime_ns)
    received = pd.Timestamp("2024-09-10 08:00").to_pydatetime()
    archived = archive_file(
        original,
        tmp_path / "archive",
        source="ks2",
        received_at=received,
        metadata={"academic_year": "2023-24"},
    )
    sha = hashlib.sha256(before[0]).hexdigest()
    assert archived.archived_path == tmp_path / "archive" / "ks2" / sha / "england_ks2final.csv"
    assert archived.archived_path.read_bytes() == before[0]
    assert (original.read_bytes(), original.stat().st_mtime_ns) == before
    receipt = json.loads(archived.receipt_path.read_text())
    assert receipt["sha256"] == sha and receipt["academic_year"] == "2023-24"
    assert receipt["original_name"] == "england_ks2final.csv" and receipt["received_at"].startswith("2024-09-10")
    assert archive_file(original, tmp_path / "archive", source="ks2", received_at=received).already_archived


def test_ingest_creates_typed_raw_table_and_manifest(conn, dirs) -> None:
    _ks2(dirs["sources"], "2023-24", "final")
    report = _ingest(conn, dirs)
    assert [o.status for o in report.outcomes] == ["loaded"] and report.table_row_count == 3
    types = dict(
        _rows(conn, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'raw_ks2'")
    )
    assert types["rectype"] == "INTEGER" and types["ptrwm_exp"] == "DOUBLE"
    assert types["ptrwm_exp_reason"] == "VARCHAR" and types["loaded_at"] == "TIMESTAMP"
    assert types["source_row_number"] == "INTEGER"
    assert _rows(conn, "SELECT urn, ptrwm_exp, ptrwm_exp_reason FROM raw_ks2 WHERE rectype = 1 ORDER BY urn") == [
        (990001, 67.0, None),
        (990002, None, "SUPP"),
    ]
    manifest = _rows(conn, f"SELECT source, academic_year, data_version, row_count, status FROM {MANIFEST_TABLE}")
    assert manifest == [("ks2", "2023-24", "final", 3, "loaded")]


def test_re_ingesting_the_same_file_is_a_no_op(conn, dirs) -> None:
    _ks2(dirs["sources"], "2023-24", "final")
    _ingest(conn, dirs)
    first_loaded_at = _rows(conn, "SELECT DISTINCT loaded_at FROM raw_ks2")
    report = _ingest(conn, dirs)
    assert [o.status for o in report.outcomes] == ["unchanged"]
    assert report.table_row_count == 3
    assert _rows(conn, "SELECT DISTINCT loaded_at FROM raw_ks2") == first_loaded_at


def test_a_corrected_file_replaces_its_slice_instead_of_adding_duplicates(conn, dirs) -> None:
    _ks2(dirs["sources"], "2023-24", "final", ptrwm_exp="67%")
    _ingest(conn, dirs)
    _ks2(dirs["sources"], "2023-24", "final", ptrwm_exp="71%")
    report = _ingest(conn, dirs)
    assert [o.status for o in report.outcomes] == ["loaded"] and report.table_row_count == 3
    assert _rows(conn, "SELECT ptrwm_exp FROM raw_ks2 WHERE urn = 990001") == [(71.0,)]


def test_other_years_and_versions_are_left_in_place(conn, dirs) -> None:
    _ks2(dirs["sources"], "2022-23", "final", ptrwm_exp="60%")
    _ks2(dirs["sources"], "2023-24", "provisional", ptrwm_exp="66%")
    _ks2(dirs["sources"], "2023-24", "revised", ptrwm_exp="67%")
    _ingest(conn, dirs)
    slices = _rows(
        conn,
        "SELECT academic_year, data_version, ptrwm_exp FROM raw_ks2 WHERE urn = 990001 "
        "ORDER BY academic_year, ptrwm_exp",
    )
    assert slices == [
        ("2022-23", "final", 60.0),
        ("2023-24", "provisional", 66.0),
        ("2023-24", "revised", 67.0),
    ]


def test_a_bad_file_is_quarantined_with_its_reason_and_the_last_good_rows_stay(conn, dirs) -> None:
    _ks2(dirs["sources"], "2023-24", "final", ptrwm_exp="67%")
    _ingest(conn, dirs)
    good_rows = _rows(conn, "SELECT * FROM raw_ks2 ORDER BY source_row_number")
    bad = _ks2(dirs["sources"], "2023-24", "final", ptrwm_exp="70%", bad=True)
    bad_bytes = bad.read_bytes()

    messages: list[str] = []
    report = _ingest(conn, dirs, log=messages.append)

    assert [o.status for o in report.outcomes] == ["quarantined"]
    assert _rows(conn, "SELECT * FROM raw_ks2 ORDER BY source_row_number") == good_rows
    sha = file_sha256(bad)
    folder = dirs["quarantine_dir"] / "ks2" / sha
    assert (folder / "england_ks2final.csv").read_bytes() == bad_bytes
    assert bad.read_bytes() == bad_bytes  # the original is untouched
    reason = json.loads((folder / "reason.json").read_text())
    assert reason["file"] == "england_ks2final.csv" and reason["column"] == "PTRWM_HIGH"
    assert reason["value"] == "??" and reason["row"] == 2
    assert "PTRWM_HIGH" in reason["error"] and reason["received_at"]
    # The rejected file was archived before parsing, like every received file.
    assert (dirs["archive_dir"] / "ks2" / sha / "england_ks2final.csv").read_bytes() == bad_bytes
    statuses = dict(_rows(conn, f"SELECT status, reason FROM {MANIFEST_TABLE} WHERE sha256 = '{sha}'"))
    assert "quarantined" in statuses and "'??'" in statuses["quarantined"]
    assert any("quarantined" in m and "PTRWM_HIGH" in m for m in messages)


def test_a_file_missing_a_column_is_quarantined_naming_the_column(conn, dirs) -> None:
    header = [h for h in KS2_HEADER if h != "READCOV"]
    rows = [{k: v for k, v in ks2_school(990001, 2001, "Abbey").items() if k in header}]
    write_csv(dirs["sources"] / "ks2" / "2023-24" / "england_ks2final.csv", header, rows)
    report = _ingest(conn, dirs)
    assert len(report.quarantined) == 1 and "readcov" in report.quarantined[0].reason
    reason = json.loads(next((dirs["quarantine_dir"] / "ks2").glob("*/reason.json")).read_text())
    assert reason["column"] == "readcov" and "Columns found" in reason["error"]
    assert report.table_row_count == 0


def test_a_file_failing_its_expectation_suite_is_quarantined_before_it_reaches_the_table(conn, dirs) -> None:
    """A value the parser accepts but the publisher's range forbids: the file's own rows are validated first."""
    good = _ks2(dirs["sources"], "2023-24", "final")
    _ingest(conn, dirs)
    good_rows = _rows(conn, "SELECT * EXCLUDE (loaded_at) FROM raw_ks2 ORDER BY ALL")
    bad = _ks2(dirs["sources"], "2023-24", "final", ptrwm_exp="250%")
    assert bad == good

    report = _ingest(conn, dirs)

    (outcome,) = report.quarantined
    assert outcome.reason == (
        "england_ks2final.csv, data row 1, column 'ptrwm_exp': failed the data check "
        "'a percentage lies between 0 and 100': 1 row(s), value 250.0"
    )
    reason = json.loads((outcome.quarantined_path.parent / "reason.json").read_text())
    assert (reason["suite"], reason["expectation"], reason["column"], reason["row"], reason["value"]) == (
        "expectations/raw_ks2.json",
        "expect_column_values_to_be_between",
        "ptrwm_exp",
        1,
        "250.0",
    )
    assert reason["failed_checks"][0]["sample_rows"] == [
        {"source_row_number": 1, "urn": 990001, "lea": 991, "academic_year": "2023-24"}
    ]
    assert _rows(conn, "SELECT * EXCLUDE (loaded_at) FROM raw_ks2 ORDER BY ALL") == good_rows


def test_a_previously_quarantined_file_is_retried_when_received_again(conn, dirs) -> None:
    _ks2(dirs["sources"], "2023-24", "final", bad=True)
    _ingest(conn, dirs)
    _ks2(dirs["sources"], "2023-24", "final")
    report = _ingest(conn, dirs)
    assert [o.status for o in report.outcomes] == ["loaded"]
    # The refusal stays on record, marked superseded: its file has been replaced, so reports stop naming it.
    assert sorted(s for (s,) in _rows(conn, f"SELECT status FROM {MANIFEST_TABLE}")) == [
        "loaded",
        "superseded",
    ]


def test_a_refusal_stays_current_while_its_file_is_in_the_folder_and_lapses_when_it_is_removed(conn, dirs) -> None:
    good = _ks2(dirs["sources"], "2022-23", "final")
    bad = _ks2(dirs["sources"], "2023-24", "final", bad=True)

    def status(path: Path) -> list[tuple]:
        return conn.execute(f"SELECT status FROM {MANIFEST_TABLE} WHERE original_path = ?", [str(path)]).fetchall()

    _ingest(conn, dirs)
    _ingest(conn, dirs)  # received again: still refused, still current
    assert status(bad) == [("quarantined",)]
    bad.unlink()
    _ingest(conn, dirs)
    assert status(bad) == [("superseded",)]
    assert status(good) == [("loaded",)]


def test_gias_extracts_are_slices_by_extract_date(conn, dirs) -> None:
    gias_dir = dirs["sources"] / "gias"
    write_csv(
        gias_dir / "edubasealldata20240301.csv",
        GIAS_HEADER,
        [gias_row(990001, "2001", "Abbey Café")],
        encoding="cp1252",
        quote_all=True,
    )
    write_csv(
        gias_dir / "edubasealldata20240906.csv",
        GIAS_HEADER,
        [gias_row(990001, "2001", "Abbey"), gias_row(990002, "2002", "Brook St Mary’s")],
        encoding="cp1252",
        quote_all=True,
    )
    report = _ingest(conn, dirs, source="gias_establishments", log=logging.getLogger("test"))
    assert len(report.loaded) == 2 and report.table_row_count == 3
    assert {o.encoding for o in report.loaded} == {"cp1252"}
    assert _rows(
        conn,
        "SELECT data_version, count(*), min(laestab) FROM raw_gias_establishments GROUP BY ALL ORDER BY 1",
    ) == [("2024-03-01", 1, 9912001), ("2024-09-06", 2, 9912001)]
    assert _rows(conn, "SELECT DISTINCT typeof(open_date) FROM raw_gias_establishments") == [("DATE",)]


def test_files_of_other_sources_are_ignored_by_a_source_ingest(conn, dirs) -> None:
    _ks2(dirs["sources"], "2023-24", "final")
    report = _ingest(conn, dirs, source="census")
    assert report.outcomes == [] and report.table == "raw_census" and report.table_row_count == 0
