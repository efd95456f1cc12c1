"""Bad-input corpus for the LA returns: every way a dropped file can be wrong is refused whole, once, with nothing lost.

Each case starts from an accepted version of the return, then drops a bad file (a later date, so accepting it would
put it in force) and asserts: the errors file beside it names the problem (column and words of what was expected);
the quarantine holds it with a reason.json (a link out of the folder: the reason only, the target is never read);
the manifest records it as refused; the accepted rows and the version in force are unchanged; and the next run
judges it unchanged (refused) without reading it again. The rule cases of test_returns_validation (unknown URN,
closed school, duplicates, future dates, unknown codes and advisers, missing rationale, text over its limit,
malformed dates) go through the same whole-file path here.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import msoffcrypto
import pytest
from openpyxl import Workbook

from dagster_project.lib.ingest.archive import REASON_NAME
from dagster_project.lib.returns.errors import MAX_LISTED_ERRORS, error_report_path
from dagster_project.lib.returns.ingest import MANIFEST_TABLE, version_in_force
from dagster_project.lib.returns.spec import RETURNS
from tests.unit import test_returns_validation
from tests.unit.returns_fixtures import REFERENCE, TODAY, ingest, override, roster_row, traded, visit, write_return

GOOD_AS_AT = "2026-02-26"
BAD_AS_AT = "2026-03-02"


def _workbook(name: str, rows: list[dict[str, object]], *, sheets_before: tuple[str, ...] = ()) -> Workbook:
    workbook = Workbook()
    first = workbook.active
    for index, title in enumerate(sheets_before):
        sheet = first if index == 0 else workbook.create_sheet(title)
        sheet.title = title
        sheet.append(["How to fill in this return: one row per school, dates as YYYY-MM-DD."])
    data = workbook.create_sheet("Data") if sheets_before else first
    columns = RETURNS[name].column_names
    data.append(columns)
    for row in rows:
        data.append([row.get(c) for c in columns])
    return workbook


def _xlsx_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def encrypted_xlsx(folder: Path, name: str) -> Path:
    plain = io.BytesIO(_xlsx_bytes(_workbook(name, [override()])))
    encrypted = io.BytesIO()
    msoffcrypto.OfficeFile(plain).encrypt("kingsmere", encrypted)
    path = folder / f"{name}_{BAD_AS_AT}.xlsx"
    path.write_bytes(encrypted.getvalue())
    return path


def truncated_xlsx(folder: Path, name: str) -> Path:
    data = _xlsx_bytes(_workbook(name, [override()]))
    path = folder / f"{name}_{BAD_AS_AT}.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def text_named_xlsx(folder: Path, name: str) -> Path:
    path = folder / f"{name}_{BAD_AS_AT}.xlsx"
    path.write_text("urn,support_category\n991001,SECURELY_GOOD\n", encoding="utf-8")
    return path


def macro_workbook(folder: Path, name: str) -> Path:
    path = folder / f"{name}_{BAD_AS_AT}.xlsm"
    path.write_bytes(_xlsx_bytes(_workbook(name, [override()])))
    return path


def link_out_of_the_folder(folder: Path, name: str) -> Path:
    secret = folder.parent / "elsewhere" / "payroll.csv"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("name,salary\nHelen Ashworth,99999\n", encoding="utf-8")
    path = folder / f"{name}_{BAD_AS_AT}.csv"
    path.symlink_to(secret)
    return path


def formula_without_saved_result(folder: Path, name: str) -> Path:
    workbook = _workbook(name, [override()])
    workbook.active["C2"] = '=CONCAT("Interim ", "leadership")'  # rationale, as a program writes it: never calculated
    path = folder / f"{name}_{BAD_AS_AT}.xlsx"
    workbook.save(path)
    return path


def instructions_only(folder: Path, name: str) -> Path:
    workbook = Workbook()
    workbook.active.title = "Instructions"
    workbook.active.append(["Fill in the Data sheet: one row per school."])
    workbook.create_sheet("Notes").append(["Ask the data team if unsure."])
    path = folder / f"{name}_{BAD_AS_AT}.xlsx"
    workbook.save(path)
    return path


def many_bad_rows(folder: Path, name: str) -> Path:
    rows = [override(urn=f"{i:05d}x", rationale="") for i in range(20_000)]
    return write_return(folder, name, rows, as_at=BAD_AS_AT)


@dataclass(frozen=True)
class Case:
    id: str
    write: Callable[[Path, str], Path]
    column: str
    words: str
    return_name: str = "category_overrides"
    keeps_copy: bool = True


CASES = [
    Case("encrypted_xlsx", encrypted_xlsx, "file", "password-protected (encrypted)"),
    Case("truncated_xlsx", truncated_xlsx, "file", "damaged or cut short"),
    Case("text_file_named_xlsx", text_named_xlsx, "file", "an xlsx file is a zip package"),
    Case("macro_enabled_xlsm", macro_workbook, "file name", "macro-enabled workbook (.xlsm)"),
    Case("link_out_of_the_drop_folder", link_out_of_the_folder, "file", "outside the folder", keeps_copy=False),
    Case("formula_with_no_saved_result", formula_without_saved_result, "rationale", "formula with no saved result"),
    Case("no_sheet_holds_the_return", instructions_only, "sheet", "no sheet of this workbook holds the return"),
    Case("many_bad_rows", many_bad_rows, "urn", "six-digit URN"),
    *(
        Case(
            rule,
            lambda folder, name, rows=bad_rows: write_return(folder, name, rows, as_at=BAD_AS_AT),
            column,
            words,
            return_name=name,
        )
        for rule, (name, bad_rows, _, column, words, _) in test_returns_validation.CASES.items()
    ),
]
GOOD_ROWS = {
    "category_overrides": [override()],
    "visits": [visit()],
    "traded_work": [traded()],
    "causing_concern_register": [test_returns_validation.register_row()],
    "advisers": [roster_row(), roster_row(adviser_name="Helen Ashworth")],
}


@pytest.fixture
def conn():
    with duckdb.connect(":memory:") as connection:
        yield connection


def accepted_rows(conn, name: str) -> list[tuple]:
    return conn.execute(f"select * exclude (received_at) from {RETURNS[name].table} order by all").fetchall()


def test_the_corpus_covers_every_refusal() -> None:
    assert len(CASES) >= 17
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_bad_return_is_refused_once_with_its_reason_quarantined_and_the_accepted_version_kept(case, conn, tmp_path):
    drop = tmp_path / "returns"
    good = write_return(drop, case.return_name, GOOD_ROWS[case.return_name], as_at=GOOD_AS_AT)
    assert [o.status for o in ingest(conn, case.return_name, tmp_path).outcomes] == ["accepted"]
    before_rows, before_in_force = accepted_rows(conn, case.return_name), version_in_force(conn, case.return_name)

    bad = case.write(drop, case.return_name)
    report = ingest(conn, case.return_name, tmp_path)

    outcome = next(o for o in report.outcomes if o.file.path == bad)
    assert outcome.status == "refused"
    with error_report_path(bad).open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    assert any(line["column"] == case.column and case.words in line["expected"] for line in lines), lines[:5]
    assert all(line["file"] == bad.name for line in lines)

    (reason_file,) = (tmp_path / "quarantine" / "returns" / case.return_name).glob(f"*/{REASON_NAME}")
    reason = json.loads(reason_file.read_text(encoding="utf-8"))
    assert reason["file"] == bad.name and "refused whole" in reason["error"]
    copies = [p for p in reason_file.parent.iterdir() if p.name != REASON_NAME]
    if case.keeps_copy:
        assert [p.read_bytes() for p in copies] == [bad.read_bytes()]
    else:  # a link out of the folder is never followed: nothing it points at is copied or archived
        assert copies == []
        assert not [p for p in (tmp_path / "archive").rglob("*") if p.is_file() and b"99999" in p.read_bytes()]
    assert conn.execute(
        f"select status, error_count > 0 from {MANIFEST_TABLE} where original_name = ?", [bad.name]
    ).fetchall() == [("refused", True)]

    assert accepted_rows(conn, case.return_name) == before_rows
    assert version_in_force(conn, case.return_name) == before_in_force and before_in_force["file"] == good.name

    again = ingest(conn, case.return_name, tmp_path)
    assert [(o.status, o.previous_status) for o in again.outcomes if o.file.path == bad] == [("unchanged", "refused")]


def test_a_return_with_thousands_of_bad_rows_gets_a_short_report_listing_the_first_errors_and_counting_the_rest(
    tmp_path,
):
    drop = tmp_path / "returns"
    bad = many_bad_rows(drop, "category_overrides")
    with duckdb.connect(":memory:") as conn:
        (outcome,) = ingest(conn, "category_overrides", tmp_path).outcomes
    assert len(outcome.errors) == 40_000  # each row: a malformed URN and no rationale
    report = error_report_path(bad)
    with report.open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    listed, summary = lines[:MAX_LISTED_ERRORS], lines[MAX_LISTED_ERRORS:]
    assert all(line["row"] for line in listed) and [line["row"] for line in summary] == ["", ""]
    assert {line["column"]: line["value"] for line in summary} == {
        "rationale": "19,500 more (rows 502 to 20001)",
        "urn": "19,500 more (rows 502 to 20001)",
    }
    assert report.stat().st_size < 200_000 < bad.stat().st_size


def test_a_formula_cell_is_reported_once_as_a_formula_not_as_a_missing_value(tmp_path):
    from dagster_project.lib.returns.ingest import validate_return_file
    from dagster_project.lib.returns.reading import identify

    path = formula_without_saved_result(tmp_path, "category_overrides")
    _, errors = validate_return_file(identify(path), RETURNS["category_overrides"], REFERENCE, today=TODAY)
    (error,) = errors
    assert (error.row, error.column, error.value) == (2, "rationale", '=CONCAT("Interim ", "leadership")')


def test_an_instructions_sheet_placed_first_does_no_harm_the_return_sheet_is_read(conn, tmp_path):
    drop = tmp_path / "returns"
    drop.mkdir()
    workbook = _workbook("category_overrides", [override()], sheets_before=("Instructions",))
    assert workbook.sheetnames[0] == "Instructions"
    workbook.save(drop / f"category_overrides_{BAD_AS_AT}.xlsx")
    (outcome,) = ingest(conn, "category_overrides", tmp_path).outcomes
    assert (outcome.status, outcome.row_count) == ("accepted", 1)


def test_adviser_names_are_stored_as_the_roster_spells_them_whatever_the_case_and_spacing(conn, tmp_path):
    drop = tmp_path / "returns"
    write_return(
        drop,
        "visits",
        [visit(adviser="priya  RAMAN"), visit(adviser=" Priya Raman", visit_date="2026-02-11"), visit()],
        as_at=BAD_AS_AT,
    )
    (outcome,) = ingest(conn, "visits", tmp_path).outcomes
    assert outcome.status == "accepted", outcome.errors
    stored = conn.execute(f"select distinct adviser from {RETURNS['visits'].table}").fetchall()
    assert stored == [("Priya Raman",)]


def test_a_link_inside_the_drop_folder_is_read_like_the_file(conn, tmp_path):
    drop = tmp_path / "returns"
    original = write_return(drop / "signed_off", "category_overrides", [override()], as_at=BAD_AS_AT)
    os.symlink(original, drop / original.name)
    (outcome,) = ingest(conn, "category_overrides", tmp_path).outcomes
    assert outcome.status == "accepted"
