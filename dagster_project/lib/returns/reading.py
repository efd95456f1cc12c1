"""Find return files in the drop folder and read one as a frame of cleaned strings (columns by name).

Anything dropped in the folder whose name starts with a return's name is that return's file, whatever its
extension, so a macro-enabled workbook or an old ``.xls`` is refused with a reason instead of being ignored.
A file that cannot be read (password-protected, cut short, not a workbook at all, no sheet holding the return)
raises ``UnreadableReturn``, which the ingest turns into a refusal of the whole file.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import msoffcrypto
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from dagster_project.lib.ingest.archive import file_sha256
from dagster_project.lib.ingest.dfe_csv import detect_encoding
from dagster_project.lib.returns.errors import RowError, is_error_report
from dagster_project.lib.returns.spec import DATE, RETURNS, ReturnSpec

EXTENSIONS = (".csv", ".xlsx")
# Spreadsheet formats people save returns in by mistake, and what to do instead.
REFUSED_FORMATS = {
    ".xlsm": "a macro-enabled workbook (.xlsm): macros are never run here; save it as 'Excel Workbook (.xlsx)'",
    ".xls": "an Excel 97-2003 workbook (.xls): save it as 'Excel Workbook (.xlsx)'",
    ".xlsb": "a binary Excel workbook (.xlsb): save it as 'Excel Workbook (.xlsx)'",
    ".ods": "an OpenDocument spreadsheet (.ods): save it as 'Excel Workbook (.xlsx)' or csv",
}
_NAME = re.compile(r"^(?P<name>[a-z_]+?)_(?P<as_at>\d{4}-\d{2}-\d{2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: encrypted OOXML or a real .xls
_ZIP_SIGNATURE = b"PK\x03\x04"
FIRST_DATA_ROW = 2  # row numbers as a spreadsheet shows them: the header is row 1


@dataclass(frozen=True)
class ReturnFile:
    path: Path
    return_name: str | None  # None when the name matches no return
    as_at: date | None  # None when the date in the name is missing or not a date

    def link_target_outside(self) -> Path | None:
        """Where a symbolic link points when that is outside the drop folder (never read; None otherwise)."""
        if not self.path.is_symlink():
            return None
        target = self.path.resolve()
        return None if target.is_relative_to(self.path.parent.resolve()) else target

    @property
    def is_unreadable_link(self) -> bool:
        """A link out of the drop folder or to nothing: refused, and never followed."""
        return self.path.is_symlink() and (self.link_target_outside() is not None or not self.path.exists())

    def fingerprint(self) -> str:
        """sha256 of the content; for a link that is never followed, of where it points."""
        if self.is_unreadable_link:
            return hashlib.sha256(f"link:{os.readlink(self.path)}".encode()).hexdigest()
        return file_sha256(self.path)


class UnreadableReturn(ValueError):
    """The file as a whole cannot be read as a return; ``expected`` says what would be accepted."""

    def __init__(self, expected: str, *, column: str = "file", value: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.column = column
        self.value = value


@dataclass
class ReturnCells:
    """A return read as strings: ``frame`` (index = spreadsheet row, spec column order), header problems, and
    the cells holding a formula with no saved result (reported once, as such, not as missing values)."""

    frame: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    formula_cells: set[tuple[int, str]] = field(default_factory=set)


def identify(path: Path) -> ReturnFile:
    """Which return a file is and its as-at date, from ``<return>_<YYYY-MM-DD>.<extension>``."""
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
    """Every file (or link) directly in the drop folder, by name; error reports, hidden files and Excel's
    ``~$`` lock files are skipped."""
    if not folder.exists():
        return []
    paths = [
        p
        for p in folder.iterdir()
        if (p.is_symlink() or p.is_file()) and not p.name.startswith((".", "~$")) and not is_error_report(p)
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


def read_return(path: Path, spec: ReturnSpec) -> ReturnCells:
    """Cells as stripped strings (blank -> None), spec column order; header problems as errors.

    Raises ``UnreadableReturn`` when the file cannot be read as this return at all."""
    suffix = path.suffix.lower()
    if suffix in REFUSED_FORMATS:
        raise UnreadableReturn(f"a csv or xlsx file, not {REFUSED_FORMATS[suffix]}", column="file name")
    if suffix not in EXTENSIONS:
        raise UnreadableReturn(
            f"a csv or xlsx file (saved as {spec.name}_YYYY-MM-DD.csv or .xlsx), not a '{suffix or 'no extension'}' "
            "file",
            column="file name",
        )
    formulas: dict[tuple[int, str], str] = {}
    if suffix == ".xlsx":
        raw, formulas = _read_workbook(path, spec)
    else:
        encoding = detect_encoding(path.read_bytes())
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        raw.index = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(raw))
    cells = ReturnCells(pd.DataFrame(index=raw.index))
    by_lower = {str(c).strip().lower(): c for c in raw.columns}
    for header in raw.columns:
        if str(header).strip().lower() not in spec.column_names:
            cells.errors.append(
                RowError(
                    path.name,
                    1,
                    str(header),
                    None,
                    f"a column of the {spec.name} template: {', '.join(spec.column_names)}",
                )
            )
    frame = cells.frame
    for column in spec.columns:
        if column.name not in by_lower:
            if column.required:
                cells.errors.append(
                    RowError(path.name, 1, column.name, None, "this column (required) in the header row")
                )
            frame[column.name] = None
            continue
        header = by_lower[column.name]
        values = [_clean(v, column.kind) for v in raw[header].tolist()]
        frame[column.name] = pd.Series(values, index=raw.index, dtype=object)
        for (row, formula_header), formula in formulas.items():
            if formula_header == header:
                cells.formula_cells.add((row, column.name))
                cells.errors.append(
                    RowError(
                        path.name,
                        row,
                        column.name,
                        formula,
                        "a value: this cell holds a formula with no saved result (the program that wrote the file "
                        "did not calculate it); open the file in Excel and save it, or paste the values",
                    )
                )
    frame = frame.astype(object).where(frame.notna(), None)
    # drop rows blank in every column (spreadsheets keep formatted empty rows)
    cells.frame = frame[frame.notna().any(axis=1) | frame.index.isin([row for row, _ in cells.formula_cells])]
    return cells


def _check_container(path: Path) -> None:
    """Refuse what openpyxl would crash on: an encrypted workbook, an old .xls renamed, anything not a zip."""
    with path.open("rb") as handle:
        signature = handle.read(8)
        if signature == _OLE_SIGNATURE:
            handle.seek(0)
            try:
                encrypted = msoffcrypto.OfficeFile(handle).is_encrypted()
            except Exception:  # not an Office file msoffcrypto knows: report it as the old format
                encrypted = False
            if encrypted:
                raise UnreadableReturn(
                    "an xlsx workbook without a password: this one is password-protected (encrypted), so it cannot "
                    "be read; remove the password in Excel (File > Info > Protect Workbook) and save it again"
                )
            raise UnreadableReturn(
                "an xlsx workbook: this file is an Excel 97-2003 workbook (.xls) named .xlsx; "
                "save it as 'Excel Workbook (.xlsx)'"
            )
    if signature[:4] != _ZIP_SIGNATURE:
        raise UnreadableReturn(
            "an xlsx workbook: this file is not one (an xlsx file is a zip package); "
            "save the return from Excel as .xlsx, or as .csv"
        )


def _read_workbook(path: Path, spec: ReturnSpec) -> tuple[pd.DataFrame, dict[tuple[int, str], str]]:
    """The return's sheet as a frame of raw cell values (index = spreadsheet row), and the formula cells that
    have no saved result ({(row, header): formula})."""
    _check_container(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            sheet = _return_sheet(workbook, spec)
            rows = [[(cell.value, cell.data_type) for cell in row] for row in workbook[sheet].iter_rows()]
        finally:
            workbook.close()
        formula_positions = {(r, c) for r, row in enumerate(rows) for c, (_, kind) in enumerate(row) if kind == "f"}
        values = [[value for value, _ in row] for row in rows]
        if formula_positions:  # the saved results, where the file has them
            saved = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                results = [list(row) for row in saved[sheet].iter_rows(values_only=True)]
            finally:
                saved.close()
            for r, c in formula_positions:
                values[r][c] = results[r][c] if r < len(results) and c < len(results[r]) else None
    except UnreadableReturn:
        raise
    except Exception as error:  # zip, XML or openpyxl errors all mean the same to the person who sent it
        raise UnreadableReturn(
            f"a complete xlsx workbook: this one is damaged or cut short and cannot be opened "
            f"({type(error).__name__}: {error}); save it again from Excel"
        ) from error
    if not values:
        return pd.DataFrame(), {}
    width = max(len(row) for row in values)
    grid = [row + [None] * (width - len(row)) for row in values]
    headers = [
        str(h).strip() if h is not None else f"(column {get_column_letter(i + 1)}, no header)"
        for i, h in enumerate(grid[0])
    ]
    body = grid[1:]
    keep = [i for i, h in enumerate(grid[0]) if h is not None or any(row[i] is not None for row in body)]
    frame = pd.DataFrame(
        [[row[i] for i in keep] for row in body],
        columns=[headers[i] for i in keep],
        index=range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(body)),
        dtype=object,
    )
    formulas = {
        (r + 1, headers[c]): str(rows[r][c][0])
        for r, c in formula_positions
        if r > 0 and values[r][c] is None and c in keep
    }
    return frame, formulas


def _return_sheet(workbook: openpyxl.Workbook, spec: ReturnSpec) -> str:
    """The sheet named after the return (the template's), else the sheet whose first row holds most of the
    return's column names; a workbook with no such sheet (only instructions, say) is the wrong workbook."""
    names = workbook.sheetnames
    if spec.name[:31] in names:
        return spec.name[:31]
    wanted = set(spec.column_names)

    def header_matches(name: str) -> int:
        first = next(workbook[name].iter_rows(max_row=1, values_only=True), ())
        return len({str(v).strip().lower() for v in first if v is not None} & wanted)

    scores = {name: header_matches(name) for name in names}
    best = max(names, key=lambda name: scores[name]) if names else None
    if best is None or scores[best] == 0:
        listed = ", ".join(f"'{n}'" for n in names)
        raise UnreadableReturn(
            f"a sheet named '{spec.name[:31]}' (or a sheet whose first row is the {spec.name} header: "
            f"{', '.join(spec.column_names)}); no sheet of this workbook holds the return (sheets: {listed})",
            column="sheet",
            value=names[0] if names else None,
        )
    return best


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
