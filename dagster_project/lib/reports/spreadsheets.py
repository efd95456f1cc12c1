"""The one writer of every xlsx and csv file the project produces: the published Excel downloads, the restricted
register and support-category list, the category snapshots, the returns templates and their error reports.

Numbers are written as numbers. A report figure (`report_text.Figure`, e.g. '66%') keeps its value and an Excel
number format, so an analyst can sort and sum a download; dates are dates; missing values are empty cells.

Text is written as text, never as a formula. A spreadsheet evaluates a cell that begins with `=`, `+`, `-`, `@`,
a tab or a carriage return as a formula, so free text from the LA's returns such as `=HYPERLINK("http://…"&B2)`
would run when someone opens the file (OWASP, "CSV Injection"). In xlsx every text cell is an explicit string
cell carrying Excel's quote prefix when it begins with one of those characters (shown exactly as typed, and still
text if edited). In csv, where there are no cell types, such text gets a leading apostrophe and every text field
is quoted.

Workbooks are written reproducibly (fixed save time inside the file and the zip) and atomically (a partial file
renamed into place), so the same data gives the same bytes and a reader never sees half a file.
"""

from __future__ import annotations

import csv
import math
import os
import re
import zipfile
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dagster_project.lib.reports.report_text import Figure

# First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP CSV Injection),
# with their full-width forms, which some spreadsheet applications also accept.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Characters XML 1.0 (so xlsx) cannot hold; openpyxl refuses them. Shown as U+FFFD so the row is still written.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATE_FORMAT = "d mmm yyyy"
SHEET_NAME_LIMIT = 31
MAX_COLUMN_WIDTH = 60
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_XLSX_DATETIME = "1980-01-01T00:00:00Z"
CSV_ENCODING = "utf-8-sig"  # the byte-order mark makes Excel read the file as UTF-8


def begins_like_a_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_text(text: str) -> str:
    """Text for a csv field: an apostrophe in front when a spreadsheet would otherwise read it as a formula."""
    return "'" + text if begins_like_a_formula(text) else text


def set_text(cell: Cell, value: Any) -> Cell:
    """Write `value` into an openpyxl cell as a string cell, never a formula."""
    text = _XLSX_ILLEGAL.sub("\ufffd", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl makes any value beginning with '=' a formula; this cell holds text
    if begins_like_a_formula(text):
        cell.quotePrefix = True
    return cell


def set_value(cell: Cell, value: Any) -> Cell:
    """A number (with its number format), a date, an empty cell, or text: whatever `value` is."""
    if isinstance(value, Figure):
        cell.value = value.value
        cell.number_format = value.number_format
    elif _is_missing(value):
        cell.value = None
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (Real, Decimal)):  # Python or numpy numbers
        cell.value = _number(value)
    elif isinstance(value, (datetime, date)):
        cell.value = pd.Timestamp(value).to_pydatetime().date() if not _has_time(value) else value
        cell.number_format = DATE_FORMAT
    else:
        set_text(cell, value)
    return cell


def write_xlsx(path: Path, sheets: Mapping[str, pd.DataFrame], *, title: str | None = None) -> Path:
    """One workbook with a sheet per frame (bold header row, frozen, columns sized to their content)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in sheets.items():
        _write_sheet(workbook.create_sheet(sheet_name(name)), frame)
    if title is not None:
        workbook.properties.title = title
    return save_workbook(workbook, path)


def save_workbook(workbook: Workbook, path: Path) -> Path:
    """Save reproducibly and atomically (every xlsx the project writes is saved here)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    workbook.save(partial)
    _make_reproducible(partial)
    os.replace(partial, path)
    return path


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """The frame as csv: numbers unquoted, text quoted and never read as a formula, missing values empty."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        writer.writerow([csv_text(str(column)) for column in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            writer.writerow([_csv_field(value) for value in row])
    os.replace(partial, path)
    return path


def sheet_name(name: str) -> str:
    """Excel forbids []:*?/\\ in sheet names and allows 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:SHEET_NAME_LIMIT] or "Sheet"


# ---------------------------------------------------------------- internals


def _write_sheet(sheet, frame: pd.DataFrame) -> None:
    widths = [len(str(column)) for column in frame.columns]
    for index, column in enumerate(frame.columns, start=1):
        set_text(sheet.cell(row=1, column=index), column).font = Font(bold=True)
    for row_number, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for index, value in enumerate(row, start=1):
            set_value(sheet.cell(row=row_number, column=index), value)
            widths[index - 1] = max(widths[index - 1], len(str(value)) if not _is_missing(value) else 0)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"


def _csv_field(value: Any) -> Any:
    if isinstance(value, Figure):
        return value.value
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return csv_text(str(value))
    if isinstance(value, (Real, Decimal)):
        return _number(value)
    if isinstance(value, (datetime, date)):
        return pd.Timestamp(value).date().isoformat() if not _has_time(value) else pd.Timestamp(value).isoformat()
    return csv_text(str(value))


def _number(value: Real | Decimal) -> int | float:
    return int(value) if isinstance(value, Integral) else float(value)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _has_time(value: date) -> bool:
    return isinstance(value, datetime) and (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0)


def _make_reproducible(path: Path) -> None:
    """openpyxl stamps the save time into docProps/core.xml and the zip entries; fix both."""
    with zipfile.ZipFile(path) as original:
        entries = [(info, original.read(info.filename)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w") as rewritten:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + FIXED_XLSX_DATETIME.encode() + rb"\g<3>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            rewritten.writestr(fixed, data)
