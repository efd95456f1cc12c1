"""The academic years the warehouse is partitioned by, read from dbt/seeds/academic_years.csv (one list, as data).

Dagster's academic-year partitions, the dbt `academic_years` var and the release sensor all use this list, so
opening a new year is one row in the seed.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dagster_project.lib.source_files import validate_academic_year
from dagster_project.resources import REPO_ROOT

ACADEMIC_YEARS_SEED = REPO_ROOT / "dbt" / "seeds" / "academic_years.csv"


def load_academic_years(path: Path = ACADEMIC_YEARS_SEED) -> list[str]:
    """The seed's academic years, oldest first; a malformed, repeated or missing year is an error naming the row."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        years = [row["academic_year"] for row in csv.DictReader(handle)]
    for row_number, year in enumerate(years, start=2):
        try:
            validate_academic_year(year)
        except ValueError as error:
            raise ValueError(f"{path}, row {row_number}, column academic_year: {error}") from None
    if not years:
        raise ValueError(f"{path}: no academic years listed")
    for row_number, (previous, year) in enumerate(zip(years, years[1:], strict=False), start=3):
        if int(year[:4]) != int(previous[:4]) + 1:
            raise ValueError(
                f"{path}, row {row_number}, column academic_year: expected the year after {previous}, got {year}"
            )
    return years


def dbt_vars(la_code: int, academic_years: Sequence[str] | None, *, academy_desktop_analysis: str | None = None) -> str:
    """The `--vars` for a dbt build: the LA, the academic years to (re)build in the incremental models, and what
    academies get as their desk-top analysis (SI7: 'profile', 'booklet' or 'none'; dbt's default when None).

    None means every year (no filter); a list means replace exactly those years.
    """
    values: dict[str, object] = {"la_code": la_code}
    if academy_desktop_analysis is not None:
        values["academy_desktop_analysis"] = academy_desktop_analysis
    if academic_years is not None:
        values["academic_years"] = list(academic_years)
    return json.dumps(values)


def academic_year_end(academic_year: str) -> date:
    """'2024-25' -> 31 August 2025: the last day of the academic year (its results are dated by it)."""
    return date(int(validate_academic_year(academic_year)[:4]) + 1, 8, 31)
