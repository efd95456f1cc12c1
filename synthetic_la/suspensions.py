"""School-level suspensions and permanent exclusions in EES's tidy layout (data set "Suspensions and permanent
exclusions - school level"): every year to date in one file, newest first, as each year's release has it.

Rates are per 100 pupils on roll, to DfE's five decimal places; 'c' replaces the cells of schools with fewer than
10 pupils (the generator's suppression rule, as for absence). Suspensions rise with a school's disadvantaged share
and fall with its latent quality; secondary schools suspend far more than primaries (DfE national 2022/23: about
19 per 100 secondary pupils, 1.7 primary). Planted: the school with rising persistent absence (Thornbury School)
also suspends more each year from 2022-23.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .absence import SUPPRESS_BELOW, _phase
from .world import School, World, stream

YEARS = ("2021-22", "2022-23", "2023-24", "2024-25")
FILE_NAME = "suspensions_school_level_v1.0.csv"  # the release sensor's name for EES API version 1.0
HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
    "region_name", "old_la_code", "new_la_code", "la_name", "school_urn", "school_laestab", "school_name",
    "education_phase", "headcount", "perm_excl", "perm_excl_rate", "suspension", "susp_rate", "one_plus_susp",
    "one_plus_susp_rate",
]  # fmt: skip
PHASE_NAMES = {"PRI": "State-funded primary", "SEC": "State-funded secondary", "SPE": "Special"}
# Suspensions per 100 pupils and permanent exclusions per 100 for a typical school of each phase.
BASE_RATES = {"PRI": (1.6, 0.02), "SEC": (17.0, 0.2), "SPE": (9.0, 0.05)}
RISING = {"2022-23": 1.6, "2023-24": 2.4, "2024-25": 3.2}  # the planted school's suspensions, times 2021-22's


def _counts(school: School, year: str, seed: int) -> tuple[int, int, int, int]:
    """(headcount, suspensions, pupils suspended at least once, permanent exclusions)."""
    rng = stream(seed, "suspensions", school.urn, year)
    phase = _phase(school) or "PRI"
    suspension_rate, exclusion_rate = BASE_RATES[phase]
    factor = max(0.1, 1 + 3 * (school.fsm_rate - 0.22) - 0.5 * school.quality + rng.gauss(0, 0.25))
    if "rising_persistent_absence" in school.risks:
        factor = max(factor, 1.0) * RISING.get(year, 1.0)
    headcount = school.number_of_pupils
    suspensions = round(headcount * suspension_rate * factor / 100)
    suspended = min(headcount, round(suspensions / rng.uniform(1.7, 2.4))) if suspensions else 0
    exclusions = sum(rng.random() < exclusion_rate * factor / 100 for _ in range(headcount))
    return headcount, suspensions, suspended, min(exclusions, suspended)


def _measures(counts: tuple[int, int, int, int] | None) -> list[str]:
    if counts is None:
        return ["c"] * 7
    headcount, suspensions, suspended, exclusions = counts

    def rate(part: int) -> str:
        return f"{100 * part / headcount:.5f}" if headcount else "x"

    return [
        str(headcount),
        str(exclusions),
        rate(exclusions),
        str(suspensions),
        rate(suspensions),
        str(suspended),
        rate(suspended),
    ]


def rows(world: World, released: str) -> Iterable[list[str]]:
    """The file as released for `released`: every year to that one, newest first, schools in LAESTAB order."""
    for year in sorted((y for y in YEARS if y <= released), reverse=True):
        census_day = date(int(year[:4]) + 1, 1, 16)
        for school in sorted(world.schools, key=lambda s: (s.la_code, s.establishment_number)):
            phase = _phase(school)
            if phase is None or not school.is_state_funded or not school.is_open_on(census_day):
                continue
            la = world.la(school.la_code)
            counts = None if school.number_of_pupils < SUPPRESS_BELOW else _counts(school, year, world.seed)
            yield [
                year.replace("-", ""), "Academic year", "School", "E92000001", "England", f"E1200000{la.gor_code}",
                la.gor_name, str(la.code), f"E0{la.code + 6000000}", la.name, str(school.urn),
                str(la.code * 10000 + school.establishment_number), school.name, PHASE_NAMES[phase],
                *_measures(counts),
            ]  # fmt: skip
