"""Referential checks of a return against the warehouse: known open school, known adviser, no future dates.

``ReferenceData`` is what the checks need (the LA's schools with their open/close dates from GIAS, the
advisers on the roster in force); it is loaded from DuckDB by ``load_reference_data`` or built directly in
tests, so each rule can be exercised without a warehouse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from dagster_project.lib.returns.errors import RowError
from dagster_project.lib.returns.spec import (
    ADVISER,
    DATE,
    DATE_PATTERN,
    NUMBER,
    NUMBER_PATTERN,
    URN_PATTERN,
    ReturnSpec,
)

GIAS_TABLE = "raw_gias_establishments"
ROSTER_COLUMN = "adviser_name"  # the advisers return: the roster the other returns' adviser names are checked against
SCHOOL_INFORMATION_TABLE = "raw_school_information"


@dataclass(frozen=True)
class SchoolDates:
    name: str
    open_date: date | None
    close_date: date | None

    def is_open_on(self, day: date) -> bool:
        return (self.open_date is None or self.open_date <= day) and (self.close_date is None or self.close_date >= day)


@dataclass(frozen=True)
class ReferenceData:
    la_code: int
    schools: dict[int, SchoolDates]  # the LA's schools: latest GIAS extract, else the school information file
    # names on the advisers return in force, by adviser_key (their spelling on the roster); None: no roster yet
    advisers: dict[str, str] | None


def adviser_key(name: str) -> str:
    """How adviser names are compared: case and spacing ignored ('priya  RAMAN' is 'Priya Raman')."""
    return " ".join(str(name).split()).casefold()


def roster(names: list[str] | tuple[str, ...] | frozenset[str]) -> dict[str, str]:
    return {adviser_key(name): name for name in names}


class ReferenceDataMissing(RuntimeError):
    """The warehouse cannot check a return yet (no GIAS extract loaded): retry later, nothing is refused."""


def load_reference_data(conn: duckdb.DuckDBPyConnection, la_code: int, *, advisers_table: str) -> ReferenceData:
    tables = {name for (name,) in conn.execute("select table_name from information_schema.tables").fetchall()}
    if GIAS_TABLE not in tables:
        raise ReferenceDataMissing(f"{GIAS_TABLE} is not loaded: materialise it before the returns")
    # The latest GIAS extract (by extract date, not by when it was loaded) lists each school; a school only the
    # performance tables' school information lists (a single-LA GIAS export, or none) is known from that file.
    register = f"""
        select urn, establishment_name, open_date, close_date, 1 as priority, data_version
        from {GIAS_TABLE}
        where la_code = ?
    """
    parameters: list[object] = [la_code]
    if SCHOOL_INFORMATION_TABLE in tables:
        register += f"""
        union all
        select urn, school_name, open_date, close_date, 2 as priority, academic_year
        from {SCHOOL_INFORMATION_TABLE}
        where la_code = ?
        """
        parameters.append(la_code)
    rows = conn.execute(
        f"""
        select urn, establishment_name, open_date, close_date
        from ({register}) as register
        qualify row_number() over (partition by urn order by priority, data_version desc) = 1
        """,
        parameters,
    ).fetchall()
    schools = {int(urn): SchoolDates(name, open_date, close_date) for urn, name, open_date, close_date in rows}
    advisers = None
    if advisers_table in tables:
        found = conn.execute(
            f"""
            select adviser_name from {advisers_table}
            where return_version = (
                select return_version from {advisers_table}
                order by return_as_at desc, received_at desc limit 1
            )
            """
        ).fetchall()
        advisers = roster([name for (name,) in found])
    return ReferenceData(la_code=la_code, schools=schools, advisers=advisers)


def _valid(value: object, pattern: str) -> bool:
    return value is not None and re.match(pattern, str(value)) is not None


def check_references(
    frame: pd.DataFrame, spec: ReturnSpec, reference: ReferenceData, *, as_at: date, today: date, file_name: str
) -> list[RowError]:
    """Errors for cells that are well formed but wrong against the warehouse or the calendar.

    Malformed cells are left to the GX suite, so each bad cell is reported once.
    """
    errors: list[RowError] = _same_adviser_twice(frame, file_name) if ROSTER_COLUMN in spec.column_names else []
    latest_allowed = min(as_at, today)
    if as_at > today:
        errors.append(
            RowError(file_name, None, "file name", as_at.isoformat(), f"a return date not after today ({today})")
        )
    date_columns = [c for c in spec.columns if c.kind == DATE]
    for row, record in frame.iterrows():
        school: SchoolDates | None = None
        urn_value = record.get("urn")
        if "urn" in spec.column_names and _valid(urn_value, URN_PATTERN):
            school = reference.schools.get(int(urn_value))
            if school is None:
                errors.append(
                    RowError(file_name, row, "urn", urn_value, f"the URN of a school in LA {reference.la_code} (GIAS)")
                )
        for column in date_columns:
            value = record.get(column.name)
            if not _valid(value, DATE_PATTERN):
                continue
            try:
                day = date.fromisoformat(value)
            except ValueError:
                errors.append(RowError(file_name, row, column.name, value, "a real calendar date"))
                continue
            if column.not_after_as_at and day > latest_allowed:
                errors.append(
                    RowError(
                        file_name,
                        row,
                        column.name,
                        value,
                        f"a date not in the future: on or before the return date {latest_allowed}",
                    )
                )
            if column.school_open_on and school is not None and not school.is_open_on(day):
                opened = school.open_date.isoformat() if school.open_date else "-"
                closed = school.close_date.isoformat() if school.close_date else "-"
                errors.append(
                    RowError(
                        file_name,
                        row,
                        column.name,
                        value,
                        f"a date when {school.name} was open (GIAS: opened {opened}, closed {closed})",
                    )
                )
        for column in spec.columns:
            value = record.get(column.name)
            known = reference.advisers
            if column.kind == ADVISER and value is not None and known is not None and adviser_key(value) not in known:
                errors.append(
                    RowError(
                        file_name, row, column.name, value, "the name of an adviser on the advisers return in force"
                    )
                )
            if column.kind == NUMBER and _valid(value, NUMBER_PATTERN) and column.minimum is not None:
                number = float(value)
                if not column.minimum <= number <= (column.maximum if column.maximum is not None else number):
                    errors.append(
                        RowError(
                            file_name, row, column.name, value, f"between {column.minimum:g} and {column.maximum:g}"
                        )
                    )
    return errors


def _same_adviser_twice(frame: pd.DataFrame, file_name: str) -> list[RowError]:
    """The roster itself: a name entered twice in different case or spacing is one adviser, listed twice (exact
    repeats are the suite's duplicate check)."""
    first: dict[str, tuple[int, str]] = {}
    errors = []
    for row, name in frame[ROSTER_COLUMN].items():
        if name is None:
            continue
        seen = first.setdefault(adviser_key(name), (row, name))
        if seen[1] != name:
            errors.append(
                RowError(
                    file_name,
                    row,
                    ROSTER_COLUMN,
                    name,
                    f"each adviser once: this is '{seen[1]}' (row {seen[0]}) again, in other case or spacing",
                )
            )
    return errors


def with_roster_names(frame: pd.DataFrame, spec: ReturnSpec, reference: ReferenceData) -> pd.DataFrame:
    """Adviser names as the roster spells them, so 'priya raman' and 'Priya  Raman' are stored as one adviser."""
    columns = [c.name for c in spec.columns if c.kind == ADVISER]
    if not columns or not reference.advisers or frame.empty:
        return frame
    named = frame.copy()
    for column in columns:
        named[column] = [
            None if value is None else reference.advisers.get(adviser_key(value), value) for value in frame[column]
        ]
    return named
