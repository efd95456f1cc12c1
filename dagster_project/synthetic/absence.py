"""School-level absence (england_abs.csv) per academic year, in the CSCP download layout.

Header LA,ESTAB,URN,PERCTOT,PPERSABS10 (PPERSABS15 before 2015-16, when persistent absence meant missing 15%
of sessions); one decimal place; 'SUPP' for schools with fewer than 10 pupils; national rows at the end with
LA 'NAT', the phase in ESTAB and a blank URN (FORMATS.md 7a/7b). Absence rises with the school's
disadvantaged share and falls with its latent quality, and special schools have the highest rates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from .world import School, World, stream
from .writers import fmt_num

TEN_PERCENT_FROM = "2015-16"
YEARS = ("2014-15", "2021-22", "2022-23", "2023-24")  # 2014-15 exercises the PPERSABS15 layout
SUPPRESS_BELOW = 10
NATIONAL = (("PRI", "Primary"), ("SEC", "Secondary"), ("SPE", "Special"))


def header(year: str) -> list[str]:
    measure = "PPERSABS10" if year >= TEN_PERCENT_FROM else "PPERSABS15"
    return ["LA", "ESTAB", "URN", "PERCTOT", measure]


def _phase(school: School) -> str | None:
    if school.is_special or school.is_nmss:
        return "SPE"
    if school.phase in ("Primary", "Middle deemed primary"):
        return "PRI"
    if school.phase in ("Secondary", "Middle deemed secondary", "All-through"):
        return "SEC"
    return None  # nurseries and PRUs are not in the file


def _rates(school: School, year: str, seed: int) -> tuple[float, float]:
    rng = stream(seed, "absence", school.urn, year)
    base = {"PRI": 4.2, "SEC": 6.6, "SPE": 9.8}[_phase(school) or "PRI"]
    post_covid = 1.5 if year >= "2021-22" else 0.0
    overall = max(1.5, base + post_covid + 6 * (school.fsm_rate - 0.22) - 0.9 * school.quality + rng.gauss(0, 0.5))
    threshold_factor = 2.9 if year >= TEN_PERCENT_FROM else 1.6  # 10% catches more pupils than 15%
    persistent = min(70.0, max(0.0, overall * threshold_factor + rng.gauss(0, 1.5)))
    return round(overall, 1), round(persistent, 1)


def rows(world: World, year: str) -> Iterable[list[str]]:
    day = date(int(year[:4]), 10, 1)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for school in sorted(world.schools, key=lambda s: (s.la_code, s.establishment_number)):
        phase = _phase(school)
        if phase is None or not school.is_state_funded or not school.is_open_on(day):
            continue
        overall, persistent = _rates(school, year, world.seed)
        cells = [fmt_num(overall, 1), fmt_num(persistent, 1)]
        if school.number_of_pupils < SUPPRESS_BELOW:
            cells = ["SUPP", "SUPP"]
        yield [str(school.la_code), str(school.establishment_number), str(school.urn), *cells]
        weight = school.number_of_pupils
        sums[phase][0] += overall * weight
        sums[phase][1] += persistent * weight
        sums[phase][2] += weight
    for code, _ in NATIONAL:
        total_overall, total_persistent, pupils = sums[code]
        if pupils:
            yield ["NAT", code, "", fmt_num(total_overall / pupils, 1), fmt_num(total_persistent / pupils, 1)]
