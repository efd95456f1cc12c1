"""When the scheduled reports fall due, from data: reporting terms (dbt/seeds/school_terms.csv) and bank holidays.

termly committee report      the first working day after a reporting term ends, for the term just ended
monthly inspection briefing  the first working day of each month, for the previous calendar month

A reporting term's partition key is '<academic year>-<term code>' ('2025-26-autumn'): it sorts in term order.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dagster_project.lib.warehouse.working_days import WorkingCalendar
from dagster_project.settings import SEEDS_DIR

SCHOOL_TERMS_SEED = SEEDS_DIR / "school_terms.csv"


@dataclass(frozen=True)
class ReportingTerm:
    academic_year: str
    term_code: str
    term_name: str
    term_start: date
    term_end: date

    @property
    def partition_key(self) -> str:
        return f"{self.academic_year}-{self.term_code}"


def load_reporting_terms(path: Path = SCHOOL_TERMS_SEED) -> list[ReportingTerm]:
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    terms = []
    for row_number, row in enumerate(rows, start=1):
        try:
            terms.append(
                ReportingTerm(
                    academic_year=row["academic_year"],
                    term_code=row["term_code"],
                    term_name=row["term_name"],
                    term_start=date.fromisoformat(row["term_start"]),
                    term_end=date.fromisoformat(row["term_end"]),
                )
            )
        except (KeyError, ValueError) as error:
            raise ValueError(
                f"{path}, data row {row_number}: {error}; expected term_start/term_end YYYY-MM-DD"
            ) from None
    return sorted(terms, key=lambda t: t.term_end)


def reporting_term(partition_key: str, terms: list[ReportingTerm] | None = None) -> ReportingTerm:
    """The reporting term with this partition key ('2025-26-autumn')."""
    terms = load_reporting_terms() if terms is None else terms
    for term in terms:
        if term.partition_key == partition_key:
            return term
    raise KeyError(f"no reporting term {partition_key!r} in {SCHOOL_TERMS_SEED.name}")


def term_containing(day: date, terms: list[ReportingTerm] | None = None) -> ReportingTerm:
    terms = load_reporting_terms() if terms is None else terms
    for term in terms:
        if term.term_start <= day <= term.term_end:
            return term
    raise KeyError(f"no reporting term in {SCHOOL_TERMS_SEED.name} contains {day.isoformat()}")


def committee_report_term_due(day: date, terms: list[ReportingTerm], calendar: WorkingCalendar) -> ReportingTerm | None:
    """The term whose committee report is due on `day` (first working day after its end), else None."""
    for term in terms:
        if term.term_end < day and calendar.first_working_day_after(term.term_end) == day:
            return term
    return None


def next_committee_report(
    day: date, terms: list[ReportingTerm], calendar: WorkingCalendar
) -> tuple[date, ReportingTerm] | None:
    for term in terms:
        due = calendar.first_working_day_after(term.term_end)
        if due > day:
            return due, term
    return None


def inspection_briefing_month_due(day: date, calendar: WorkingCalendar) -> str | None:
    """'YYYY-MM' of the month the briefing covers when `day` is the first working day of its month, else None."""
    if calendar.first_working_day_of_month(day.year, day.month) != day:
        return None
    previous = day.replace(day=1) - timedelta(days=1)
    return f"{previous.year:04d}-{previous.month:02d}"
