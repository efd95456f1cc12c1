"""16 to 18 results in EES's tidy layout (publication "A level and other 16 to 18 results"): the institution file,
one row per school x disadvantage_status x exam_cohort, and the national file, England (all state-funded schools
and colleges, and state-funded schools alone, which the warehouse does not keep) and each LA, with the columns of
DfE's data set "Schools and colleges - national performance". Each year's release holds every year from 2022-23 to
that one, as DfE's `202225` files hold three.

Points per entry use DfE's scales (A level: A* 60 ... E 10; applied general, tech level and technical certificate:
Distinction* 50, Distinction 40, Merit 30, Pass 20), with the grade written as DfE does ('B-', 'Merit+'). A school's
figures rise with its latent quality; disadvantaged students score about four points lower. England and LA rows
are entry-weighted from the schools' unrounded points, as DfE computes them. Cells resting on fewer than 6
students are 'c'; a cohort a school has no students in has no row. Planted: Thornbury School (p8_below) has A level
value added significantly below average (upper confidence limit under 0) from 2023-24.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .world import School, World, stream

YEARS = ("2022-23", "2023-24", "2024-25")
SUPPRESS_BELOW = 6
BELOW_FROM = "2023-24"  # the planted school's A level value added is significantly negative from this year

IDENTITY = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "version",
    "old_la_code", "new_la_code", "la_name", "region_code", "region_name",
]  # fmt: skip
FILTERS = ["disadvantage_status", "exam_cohort"]
# Indicators in the order of DfE's data set "Schools and colleges - national performance" (2024/25 release); the
# institution file is written with the same indicators.
MEASURES = [
    "end1618_student_count", "aps_per_entry", "aps_per_entry_grade", "aps_per_entry_student_count",
    "retained_percent", "retained_assessed_percent", "retained_student_count", "retained_2nd_year_percent",
    "retained_2nd_year_student_count", "value_added", "value_added_upper_ci", "value_added_lower_ci",
    "progress_banding", "best_three_alevels_aps", "best_three_alevels_grade", "best_three_alevels_student_count",
    "aab_percent", "aab_student_count", "level_3_maths_percent", "level_3_maths_student_count",
    "vocational_percent", "vocational_student_count", "maths_progress", "maths_progress_entries_percent",
    "maths_progress_inscope_count", "english_progress", "english_progress_entries_percent",
    "english_progress_inscope_count",
]  # fmt: skip
EM_MEASURES = [
    "english_progress", "english_progress_inscope_count", "english_progress_entries_percent", "maths_progress",
    "maths_progress_inscope_count", "maths_progress_entries_percent", "level_3_maths_percent",
]  # fmt: skip
INSTITUTION_HEADER = [*IDENTITY, "school_urn", "school_laestab", "school_name", *FILTERS, *MEASURES]
NATIONAL_HEADER = [*IDENTITY, "establishment_type", *FILTERS, *MEASURES]

# Exam cohort -> (share of a school's students taking it, typical points per entry, entries per student, scale).
COHORTS = {
    "A level": (0.72, 34.5, 2.8, "A level"),
    "Academic": (0.78, 34.0, 2.9, "A level"),
    "Applied general": (0.34, 29.0, 1.6, "vocational"),
    "Tech level": (0.12, 29.5, 1.3, "vocational"),
    "Technical certificate": (0.04, 27.0, 1.1, "vocational"),
}
ALL_STATE_FUNDED = "All state-funded schools and colleges"
SCALES = {
    "A level": ((60, "A*"), (50, "A"), (40, "B"), (30, "C"), (20, "D"), (10, "E")),
    "vocational": ((50, "Dist*"), (40, "Dist"), (30, "Merit"), (20, "Pass")),
}


def file_names(year: str) -> tuple[str, str]:
    """DfE's names for the release of `year`: the span of years it holds, e.g. 202225 for 2022-23 to 2024-25."""
    span = f"{YEARS[0][:4]}{year[-2:]}"
    return f"institution_performance_{span}_API.csv", f"national_performance_{span}_API.csv"


def grade(points: float, scale: str) -> str:
    """DfE's grade for an average: the nearest grade, '+' or '-' when a third of a grade or more away from it."""
    steps = SCALES[scale]
    value, name = min(steps, key=lambda step: abs(step[0] - points))
    offset = points - value
    return name + ("+" if offset >= 10 / 3 else "-" if offset <= -10 / 3 else "")


@dataclass
class _Cell:
    """One area x group x cohort, summed from students' results before rounding."""

    students: int = 0
    entries: float = 0.0
    points: float = 0.0
    retained: int = 0
    value_added: float = 0.0  # student-weighted sum

    def add(self, other: _Cell) -> None:
        self.students += other.students
        self.entries += other.entries
        self.points += other.points
        self.retained += other.retained
        self.value_added += other.value_added


def _sixth_form_schools(world: World, year: str) -> list[School]:
    results_day = date(int(year[:4]) + 1, 6, 1)
    return [
        s
        for s in sorted(world.schools, key=lambda s: (s.la_code, s.establishment_number))
        if s.high_age >= 18 and s.ks4_cohort and s.is_state_funded and s.is_open_on(results_day)
    ]


def _cells(school: School, year: str, seed: int) -> dict[tuple[str, str], _Cell]:
    rng = stream(seed, "ks5", school.urn, year)
    students = max(1, round(school.ks4_cohort * 0.62 * rng.uniform(0.85, 1.1)))
    disadvantaged = round(students * min(0.9, school.fsm_rate * 0.8))
    cells: dict[tuple[str, str], _Cell] = {}
    for cohort, (share, typical, per_student, _) in COHORTS.items():
        taking = round(students * share * rng.uniform(0.8, 1.2))
        if taking == 0:
            continue
        value_added = 2.5 * school.quality + rng.gauss(0, 1.2)
        if "p8_below" in school.risks and cohort in ("A level", "Academic") and year >= BELOW_FROM:
            value_added = min(value_added, -4.5)
        taking_disadvantaged = min(taking, round(taking * disadvantaged / students))
        for group, count, shift in (
            ("Disadvantaged", taking_disadvantaged, -4.0),
            ("Not disadvantaged", taking - taking_disadvantaged, 0.0),
        ):
            entries = count * per_student
            average = max(12.0, typical + value_added + shift + rng.gauss(0, 1.0))
            retained = sum(rng.random() < 0.9 + 0.02 * school.quality for _ in range(count))
            cells[(group, cohort)] = _Cell(
                count, entries, average * entries, retained, (value_added + shift / 4) * count
            )
        total = _Cell()
        total.add(cells[("Disadvantaged", cohort)])
        total.add(cells[("Not disadvantaged", cohort)])
        cells[("Total", cohort)] = total
    return cells


def _measures(cell: _Cell, cohort: str, *, ci_width: bool) -> dict[str, str]:
    """The indicator cells of one row; `ci_width` False for area rows (DfE gives no confidence interval there)."""
    scale = COHORTS[cohort][3]
    blank = dict.fromkeys(MEASURES, "z")
    if cell.students < SUPPRESS_BELOW:
        return blank | dict.fromkeys(set(MEASURES) - set(EM_MEASURES), "c")
    aps = cell.points / cell.entries
    value_added = cell.value_added / cell.students
    half_width = 1.96 * 9.0 / math.sqrt(cell.students)
    lower, upper = value_added - half_width, value_added + half_width
    banding = (
        "Well below average" if upper < -2 else "Below average" if upper < 0
        else "Well above average" if lower > 2 else "Above average" if lower > 0 else "Average"
    )  # fmt: skip
    out = blank | {
        "aps_per_entry": f"{aps:.2f}",
        "aps_per_entry_grade": grade(aps, scale),
        "aps_per_entry_student_count": str(cell.students),
        "value_added": f"{value_added / 10:.2f}",  # DfE reports value added in grades (10 points)
        "value_added_lower_ci": f"{lower / 10:.2f}" if ci_width else "z",
        "value_added_upper_ci": f"{upper / 10:.2f}" if ci_width else "z",
        "progress_banding": banding if ci_width else "z",
        "retained_percent": f"{100 * cell.retained / cell.students:.1f}",
        "retained_student_count": str(cell.students),
        "retained_assessed_percent": f"{100 * cell.retained / cell.students * 0.97:.1f}",
        "end1618_student_count": str(cell.students),
    }
    if cohort == "A level":
        share_aab = min(0.95, max(0.0, (aps - 22) / 40))
        out |= {
            "aab_percent": f"{100 * share_aab:.1f}",
            "aab_student_count": str(cell.students),
            "best_three_alevels_aps": f"{aps * 0.98:.2f}",
            "best_three_alevels_grade": grade(aps * 0.98, scale),
            "best_three_alevels_student_count": str(cell.students),
        }
    return out


def _em_row(school_or_area: object, year: str, seed: int, group: str) -> dict[str, str]:
    rng = stream(seed, "ks5-em", str(school_or_area), year, group)
    inscope = rng.randint(3, 40)
    if inscope < SUPPRESS_BELOW:
        return dict.fromkeys(MEASURES, "z") | dict.fromkeys(EM_MEASURES, "c")
    return dict.fromkeys(MEASURES, "z") | {
        "english_progress": f"{rng.gauss(0.1, 0.3):.2f}",
        "english_progress_inscope_count": str(inscope),
        "english_progress_entries_percent": f"{rng.uniform(70, 98):.1f}",
        "maths_progress": f"{rng.gauss(0.1, 0.3):.2f}",
        "maths_progress_inscope_count": str(inscope),
        "maths_progress_entries_percent": f"{rng.uniform(70, 98):.1f}",
        "level_3_maths_percent": f"{rng.uniform(8, 35):.1f}",
    }


def _identity(world: World, year: str, level: str, la_code: int | None) -> list[str]:
    period = year.replace("-", "")
    if la_code is None:
        return [period, "Academic year", level, "E92000001", "England", "Final", "", "", "", "", ""]
    la = world.la(la_code)
    return [period, "Academic year", level, "E92000001", "England", "Final", str(la.code), f"E0{la.code + 6000000}",
            la.name, f"E1200000{la.gor_code}", la.gor_name]  # fmt: skip


def institution_rows(world: World, released: str) -> Iterable[list[str]]:
    """The institution file as released for `released`: every year to that one, newest first."""
    for year in sorted((y for y in YEARS if y <= released), reverse=True):
        for school in _sixth_form_schools(world, year):
            identity = [*_identity(world, year, "School", school.la_code), str(school.urn), str(school.laestab),
                        school.name]  # fmt: skip
            cells = _cells(school, year, world.seed)
            for group in ("Total", "Disadvantaged"):
                for cohort in COHORTS:
                    if (group, cohort) in cells:
                        measures = _measures(cells[(group, cohort)], cohort, ci_width=True)
                        yield [*identity, group, cohort, *(measures[m] for m in MEASURES)]
                em = _em_row(school.urn, year, world.seed, group)
                yield [*identity, group, "E/M measures", *(em[m] for m in MEASURES)]


def national_rows(world: World, released: str) -> Iterable[list[str]]:
    """England (all state-funded schools and colleges; state-funded schools alone) and each LA with a sixth form."""
    for year in sorted((y for y in YEARS if y <= released), reverse=True):
        england: dict[tuple[str, str], _Cell] = defaultdict(_Cell)
        by_la: dict[int, dict[tuple[str, str], _Cell]] = defaultdict(lambda: defaultdict(_Cell))
        for school in _sixth_form_schools(world, year):
            for key, cell in _cells(school, year, world.seed).items():
                england[key].add(cell)
                by_la[school.la_code][key].add(cell)
        areas = [(None, ALL_STATE_FUNDED, england), (None, "State-funded schools", england)]
        areas += [(code, ALL_STATE_FUNDED, by_la[code]) for code in sorted(by_la)]
        for la_code, establishment_type, cells in areas:
            level = "National" if la_code is None else "Local authority"
            identity = [*_identity(world, year, level, la_code), establishment_type]
            for group in ("Total", "Disadvantaged", "Not disadvantaged"):
                for cohort in COHORTS:
                    if (group, cohort) in cells:
                        measures = _measures(cells[(group, cohort)], cohort, ci_width=False)
                        yield [*identity, group, cohort, *(measures[m] for m in MEASURES)]
                em = _em_row(la_code or "England", year, world.seed, group)
                yield [*identity, group, "E/M measures", *(em[m] for m in MEASURES)]
