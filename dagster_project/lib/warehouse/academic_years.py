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

from dagster_project.lib.ingest.source_files import validate_academic_year
from dagster_project.settings import SEEDS_DIR

ACADEMIC_YEARS_SEED = SEEDS_DIR / "academic_years.csv"


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


# The academic years a dbt build (re)builds in the incremental models (dbt/macros/academic_year_partitions.sql).
ACADEMIC_YEARS_ENV = "SI_DBT_ACADEMIC_YEARS"


def dbt_vars(la_code: int, *, academy_desktop_analysis: str | None = None) -> str:
    """The `--vars` for a dbt build: the LA and what academies get as their desk-top analysis (SI7: 'profile',
    'booklet' or 'none'; dbt's default when None). The same in every build of a deployment, so dbt's partial
    parse of one build serves the next (the years go in the environment: `dbt_academic_years_env`)."""
    values: dict[str, object] = {"la_code": la_code}
    if academy_desktop_analysis is not None:
        values["academy_desktop_analysis"] = academy_desktop_analysis
    return json.dumps(values)


def dbt_academic_years_env(academic_years: Sequence[str] | None) -> dict[str, str]:
    """The environment naming the years a build replaces: None means every year, a list exactly those."""
    return {ACADEMIC_YEARS_ENV: "*" if academic_years is None else ",".join(academic_years)}


def academic_year_end(academic_year: str) -> date:
    """'2024-25' -> 31 August 2025: the last day of the academic year (its results are dated by it)."""
    return date(int(validate_academic_year(academic_year)[:4]) + 1, 8, 31)
