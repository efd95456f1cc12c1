"""Working days in England: Monday to Friday, except the bank holidays listed in config/bank_holidays_england.csv.

The holidays are data (copied from gov.uk/bank-holidays, england-and-wales), including one-off days such as a
state funeral. A date in a year the file does not cover is an error, not a guess: add the year's dates to the file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dagster_project.settings import CONFIG_DIR

BANK_HOLIDAYS_FILE = CONFIG_DIR / "bank_holidays_england.csv"


class CalendarNotCoveredError(ValueError):
    """The bank-holiday file does not list the year asked about."""


@dataclass(frozen=True)
class WorkingCalendar:
    bank_holidays: frozenset[date]
    years: frozenset[int]
    source: Path

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            raise CalendarNotCoveredError(
                f"{self.source}: no bank holidays listed for {day.year}; add that year's dates from "
                "https://www.gov.uk/bank-holidays (england-and-wales)"
            )
        return day.weekday() < 5 and day not in self.bank_holidays

    def first_working_day_of_month(self, year: int, month: int) -> date:
        day = date(year, month, 1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def first_working_day_after(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def load_working_calendar(path: Path = BANK_HOLIDAYS_FILE) -> WorkingCalendar:
    """Read the bank-holiday file (columns date, name, source); errors name the file and row."""
    holidays: set[date] = set()
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"date", "name", "source"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}; expected date,name,source")
        for row_number, row in enumerate(reader, start=1):
            try:
                holidays.add(date.fromisoformat(row["date"]))
            except ValueError:
                raise ValueError(
                    f"{path}, data row {row_number}, column 'date': {row['date']!r} is not a YYYY-MM-DD date"
                ) from None
    return WorkingCalendar(frozenset(holidays), frozenset(d.year for d in holidays), Path(path))
