"""Find return files in the drop folder and read one as a frame of cleaned strings (columns by name)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from dagster_project.lib.dfe_csv import detect_encoding
from dagster_project.lib.returns.errors import RowError, is_error_report
from dagster_project.lib.returns.spec import DATE, RETURNS, ReturnSpec

EXTENSIONS = (".csv", ".xlsx")
_NAME = re.compile(r"^(?P<name>[a-z_]+?)_(?P<as_at>\d{4}-\d{2}-\d{2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
FIRST_DATA_ROW = 2  # row numbers as a spreadsheet shows them: the header is row 1


@dataclass(frozen=True)
class ReturnFile:
    path: Path
    return_name: str | None  # None when the name matches no return
    as_at: date | None  # None when the date in the name is missing or not a date


def identify(path: Path) -> ReturnFile:
    """Which return a file is and its as-at date, from ``<return>_<YYYY-MM-DD>.csv|xlsx``."""
    match = _NAME.match(path.stem.lower())
    if not match or match["name"] not in RETURNS:
        name = next((n for n in RETURNS if path.stem.lower().startswith(n + "_")), None)
        return ReturnFile(path, name, None)
    try:
        as_at = date.fromisoformat(match["as_at"])
    except ValueError:
        as_at = None
    return ReturnFile(path, match["name"], as_at)


def discover_return_files(folder: Path) -> list[ReturnFile]:
    """Every csv/xlsx file directly in the drop folder (error reports and hidden files skipped), by name."""
    if not folder.exists():
        return []
    paths = [
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in EXTENSIONS
        and not p.name.startswith((".", "~$"))
        and not is_error_report(p)
    ]
    return [identify(p) for p in sorted(paths)]


def file_name_errors(returned: ReturnFile, spec: ReturnSpec) -> list[RowError]:
    if returned.as_at is None:
        return [
            RowError(
                returned.path.name,
                None,
                "file name",
                returned.path.name,
                f"{spec.name}_YYYY-MM-DD.csv or .xlsx (the date the return was signed off)",
            )
        ]
    return []


def read_return(path: Path, spec: ReturnSpec) -> tuple[pd.DataFrame, list[RowError]]:
    """Cells as stripped strings (blank -> None), spec column order; header problems as errors."""
    raw = _read_cells(path)
    errors: list[RowError] = []
    by_lower = {str(c).strip().lower(): c for c in raw.columns}
    for header in raw.columns:
        if str(header).strip().lower() not in spec.column_names:
            errors.append(
                RowError(
                    path.name,
                    1,
                    str(header),
                    None,
                    f"a column of the {spec.name} template: {', '.join(spec.column_names)}",
                )
            )
    frame = pd.DataFrame(index=raw.index)
    for column in spec.columns:
        if column.name not in by_lower:
            if column.required:
                errors.append(RowError(path.name, 1, column.name, None, "this column (required) in the header row"))
            frame[column.name] = None
            continue
        values = [_clean(v, column.kind) for v in raw[by_lower[column.name]].tolist()]
        frame[column.name] = pd.Series(values, index=raw.index, dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    # drop rows blank in every column (spreadsheets keep formatted empty rows)
    frame = frame[frame.notna().any(axis=1)]
    return frame, errors


def _read_cells(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, dtype=object, sheet_name=0)
    else:
        encoding = detect_encoding(path.read_bytes())
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    # index = spreadsheet row number
    frame.index = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _clean(value: object, kind: str) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        return None
    if kind == DATE:
        uk = _UK_DATE.match(text)
        if uk:
            return f"{uk[3]}-{int(uk[2]):02d}-{int(uk[1]):02d}"
        if re.match(r"^\d{4}-\d{2}-\d{2}[ T]00:00(:00)?$", text):
            return text[:10]
    return text
