"""Reading what reports need from the warehouse: read-only, every table checked for the columns a report uses,
and the data sources every report states (name, year, version, date of the data, file)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dagster_project.lib.reports.report_text import format_date, is_missing
from dagster_project.lib.warehouse.reader import WarehouseReader, WarehouseReadError

DATA_SOURCES_TABLE = "rpt_report__data_sources"
CONTEXT_TABLE = "rpt_report__context"


class ReportDataError(ValueError):
    """A table a report reads is missing, lacks a column, or has the wrong number of rows."""


@dataclass(frozen=True)
class DataSource:
    source_name: str
    academic_year: str
    data_version: str
    data_date: str
    source_file: str
    is_refused: bool = False  # received but refused at the door: the report says so and does not use it
    refusal_reason: str = ""


def read_table(
    connection: WarehouseReader, table: str, required: Sequence[str], order_by: str, *, where: str = ""
) -> pd.DataFrame:
    """`select * from table [where] order by` with a clear error naming the table and any missing column."""
    query = f"select * from {table} {('where ' + where) if where else ''} order by {order_by}"
    try:
        frame = connection.frame(query)
    except WarehouseReadError as error:
        raise ReportDataError(f"Cannot read {table}: {error}") from error
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ReportDataError(
            f"{table} lacks column(s) {missing}; expected {list(required)}, found {list(frame.columns)}."
        )
    return frame


def load_report_context(connection: WarehouseReader, *columns: str) -> dict[str, Any]:
    """The one row of rpt_report__context (the LA, term and dates every report states), checked for `columns`."""
    frame = read_table(connection, CONTEXT_TABLE, columns, "la_code")
    if len(frame) != 1:
        raise ReportDataError(f"{CONTEXT_TABLE} must have exactly one row; it has {len(frame)}.")
    return frame.to_dict("records")[0]


def load_data_sources(connection: WarehouseReader, *, restricted: bool = False) -> list[DataSource]:
    """Every source with its version and date (rpt_report__data_sources), newest year first within a source.

    The LA's own returns (is_restricted: name, file and as-at date only) are listed only when `restricted` is true,
    i.e. for reports written to the restricted folder; published reports never name them. Refused files come with
    is_refused and their reason (the partial lists them apart from the sources used)."""
    frame = read_table(
        connection,
        DATA_SOURCES_TABLE,
        ("source_name", "academic_year", "data_version", "data_date", "source_file"),
        "source_name, academic_year desc nulls last, source_file",
    )
    if "is_restricted" in frame.columns and not restricted:
        frame = frame[~frame["is_restricted"].fillna(True).astype(bool)]
    return [
        DataSource(
            source_name=str(row["source_name"]),
            academic_year="not applicable" if is_missing(row["academic_year"]) else str(row["academic_year"]),
            data_version="not stated" if is_missing(row["data_version"]) else str(row["data_version"]),
            data_date="not stated" if is_missing(row["data_date"]) else format_date(row["data_date"]),
            source_file="not recorded" if is_missing(row["source_file"]) else str(row["source_file"]),
            is_refused=bool(row.get("is_refused") or False),
            refusal_reason="" if is_missing(row.get("refusal_reason")) else str(row["refusal_reason"]),
        )
        for row in frame.to_dict("records")
    ]


def sources_for(sources: Sequence[DataSource], *names: str) -> list[DataSource]:
    """The sources whose name starts with one of `names` (a report lists only what it read)."""
    return [source for source in sources if source.source_name.startswith(names)]


COVERAGE_TABLE = "rpt_report__coverage"


def load_coverage(connection: WarehouseReader) -> list[str]:
    """One sentence per key stage saying which years are loaded, which DfE never published and which are simply
    not loaded (rpt_report__coverage); [] for a warehouse without the model."""
    if not connection.has_table(COVERAGE_TABLE):
        return []
    frame = read_table(
        connection,
        COVERAGE_TABLE,
        ("key_stage", "academic_year", "coverage_state", "data_version", "reason"),
        "key_stage, academic_year",
    )
    sentences = []
    for key_stage, rows in frame.groupby("key_stage", sort=True):
        parts = []
        for (state, reason), run in _runs(rows):
            years = _year_span(run)
            if state == "loaded":
                parts.append(f"{years} loaded")
            elif state == "not published":
                parts.append(f"{years} not published by the Department for Education ({reason})")
            else:
                parts.append(f"{years} published but not loaded here")
        sentences.append(f"{key_stage}: " + "; ".join(parts) + ".")
    return sentences


def _runs(rows: pd.DataFrame) -> list[tuple[tuple[str, str | None], list[str]]]:
    """Consecutive years with the same state (and reason), in year order."""
    runs: list[tuple[tuple[str, str | None], list[str]]] = []
    for row in rows.to_dict("records"):
        key = (str(row["coverage_state"]), None if is_missing(row["reason"]) else str(row["reason"]))
        if runs and runs[-1][0] == key:
            runs[-1][1].append(str(row["academic_year"]))
        else:
            runs.append((key, [str(row["academic_year"])]))
    return runs


def _year_span(years: list[str]) -> str:
    if len(years) == 1:
        return years[0]
    if len(years) == 2:
        return f"{years[0]} and {years[1]}"
    return f"{years[0]} to {years[-1]}"
