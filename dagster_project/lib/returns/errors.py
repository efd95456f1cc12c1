"""Row-level errors of a return file and the error report written beside a refused file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from dagster_project.lib.reports.spreadsheets import write_csv

REPORT_COLUMNS = ("file", "row", "column", "value", "expected")
REPORT_SUFFIX = ".errors.csv"
MAX_LISTED_ERRORS = 1000  # errors listed one per line in the report; the rest are counted


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


def error_groups(errors: list[RowError]) -> list[tuple[str, str, int, list[int]]]:
    """(column, expected, how many, rows) per kind of problem, most frequent first."""
    groups: dict[tuple[str, str], list[int]] = {}
    for error in errors:
        groups.setdefault((error.column, error.expected), []).append(error.row if error.row is not None else 0)
    return sorted(
        ((column, expected, len(rows), sorted(rows)) for (column, expected), rows in groups.items()),
        key=lambda group: (-group[2], group[0], group[1]),
    )


def errors_summary(errors: list[RowError], groups: int = 3) -> str:
    """One line for logs and the quarantine reason: the commonest problems with their counts."""
    found = error_groups(errors)
    parts = [f"{column}: {count:,} x {expected}" for column, expected, count, _ in found[:groups]]
    if len(found) > groups:
        parts.append(f"{len(found) - groups} other kind(s) of problem")
    return "; ".join(parts)


def write_error_report(path: Path, errors: list[RowError], limit: int = MAX_LISTED_ERRORS) -> Path:
    """Write the errors as csv beside the refused file; returns the report's path.

    At most ``limit`` errors are listed one per line (a 200,000-row file of bad rows would otherwise give a
    report bigger than the file); the rest are summarised below them, one line per column and kind of problem,
    with the count and the first and last row. Values are the returned file's own (possibly hostile) text: written
    as text, never as a formula.
    """
    ordered = sort_errors(errors)
    listed, unlisted = ordered[:limit], ordered[limit:]
    rows = [(e.file, e.row, e.column, e.value or "", e.expected) for e in listed]
    rows += [
        (
            path.name,
            None,
            column,
            f"{count:,} more (rows {found[0]} to {found[-1]})",
            f"{expected} (not listed one by one: the first {limit:,} of {len(errors):,} errors are above)",
        )
        for column, expected, count, found in error_groups(unlisted)
    ]
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
