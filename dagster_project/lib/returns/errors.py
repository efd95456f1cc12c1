"""Row-level errors of a return file and the error report written beside a refused file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from dagster_project.lib.spreadsheets import write_csv

REPORT_COLUMNS = ("file", "row", "column", "value", "expected")
REPORT_SUFFIX = ".errors.csv"


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: the file, the spreadsheet row (header = row 1; blank for the whole file), column, value."""

    file: str
    row: int | None
    column: str
    value: str | None
    expected: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def error_report_path(path: Path) -> Path:
    """``visits_2024-07-11.xlsx`` -> ``visits_2024-07-11.xlsx.errors.csv`` beside it."""
    return path.with_name(path.name + REPORT_SUFFIX)


def is_error_report(path: Path) -> bool:
    return path.name.endswith(REPORT_SUFFIX)


def sort_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row if e.row is not None else 0, e.column, e.expected, e.value or ""))


def write_error_report(path: Path, errors: list[RowError]) -> Path:
    """Write the errors as csv beside the refused file; returns the report's path."""
    rows = [(e.file, e.row, e.column, e.value or "", e.expected) for e in sort_errors(errors)]
    # The value is the returned file's own (possibly hostile) text: written as text, never as a formula.
    return write_csv(error_report_path(path), pd.DataFrame(rows, columns=list(REPORT_COLUMNS), dtype=object))


def errors_markdown(errors: list[RowError], limit: int = 50) -> str:
    """The first ``limit`` errors as a markdown table for Dagster metadata."""
    lines = ["| file | row | column | value | expected |", "|---|---|---|---|---|"]
    for error in sort_errors(errors)[:limit]:
        cells = [
            error.file,
            "" if error.row is None else str(error.row),
            error.column,
            error.value or "",
            error.expected,
        ]
        lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ")[:120] for c in cells) + " |")
    if len(errors) > limit:
        lines.append(f"\n… and {len(errors) - limit} more in the error report csv")
    return "\n".join(lines)
