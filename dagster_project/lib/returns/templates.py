"""Blank templates per return: an xlsx with a drop-down list on every coded column, and the csv equivalent."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dagster_project.lib.reports.spreadsheets import save_workbook, set_text, write_csv
from dagster_project.lib.returns.spec import CODE, DATE, RETURNS, ReturnSpec

TEMPLATE_ROWS = 2000  # rows covered by the data validation


def write_xlsx_template(spec: ReturnSpec, path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.name[:31]
    lists = workbook.create_sheet("lists")
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = set_text(sheet.cell(row=1, column=index), column.name)
        cell.font = Font(bold=True)
        cell.comment = Comment(f"{column.description}. Expected: {column.expected()}.", "school improvement")
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column.kind == CODE:
            for row, code in enumerate(column.codes, start=1):
                set_text(lists.cell(row=row, column=index), code)
            validation = DataValidation(
                type="list",
                formula1=f"=lists!${letter}$1:${letter}${len(column.codes)}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=f"{column.name}: not in the list",
                error=column.expected(),
            )
        elif column.kind == DATE:
            validation = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="1",
                allow_blank=not column.required,
                showErrorMessage=True,
                error=column.expected(),
            )
            for row in range(2, 12):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        elif column.max_length:
            validation = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(column.max_length),
                allow_blank=not column.required,
                showErrorMessage=True,
                error=column.expected(),
            )
        else:
            continue
        validation.add(cells)
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    sheet.freeze_panes = "A2"
    return save_workbook(workbook, path)


def write_csv_template(spec: ReturnSpec, path: Path) -> Path:
    return write_csv(path, pd.DataFrame(columns=list(spec.column_names)))


def write_templates(out: Path) -> list[Path]:
    """``<return>_template.xlsx`` and ``<return>_template.csv`` for every return (not valid drop-folder names)."""
    written = []
    for spec in RETURNS.values():
        written.append(write_xlsx_template(spec, out / f"{spec.name}_template.xlsx"))
        written.append(write_csv_template(spec, out / f"{spec.name}_template.csv"))
    return written
