"""School-level absence per academic year: england_abs.csv (CSCP download layout) to 2023-24, then EES's tidy file.

CSCP header LA,ESTAB,URN,PERCTOT,PPERSABS10 (PPERSABS15 before 2015-16, when persistent absence meant missing 15%
of sessions); one decimal place; 'SUPP' for schools with fewer than 10 pupils; national rows at the end with
LA 'NAT', the phase in ESTAB and a blank URN (FORMATS.md 7a/7b). From 2024-25 the EES school file
(`1a_absence_3term_school`, FORMATS.md 7d): session and enrolment counts with their rates, 'c' for suppressed
cells; LA and national rows per phase and in total, summed from the school rows, go in a second file as DfE
publishes them (`1_absence_3term_nat_reg_la`). Absence rises with the
school's disadvantaged share and falls with its latent quality, and special schools have the highest rates.
Planted: `rising_persistent_absence` (Thornbury School) rises 4.5 points a year from 2022-23 to 2024-25.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from .world import School, World, stream
from .writers import fmt_num

TEN_PERCENT_FROM = "2015-16"
YEARS = ("2014-15", "2021-22", "2022-23", "2023-24")  # 2014-15 exercises the PPERSABS15 layout
EES_YEARS = ("2024-25",)
EES_FILE_NAME = "1a_absence_3term_school.csv"  # school rows
EES_AREA_FILE_NAME = "1_absence_3term_nat_reg_la.csv"  # England and LA rows (DfE's own; the pipeline recomputes them)
# The planted school's persistent (and overall) absence above its 2021-22 rates, by year.
RISING = {"2021-22": (0.0, 0.0), "2022-23": (1.2, 4.5), "2023-24": (2.4, 9.0), "2024-25": (3.6, 13.5)}
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
    if "rising_persistent_absence" in school.risks and year in RISING:
        overall, persistent = _natural_rates(school, "2021-22", seed)
        extra_overall, extra_persistent = RISING[year]
        return round(overall + extra_overall, 1), round(persistent + extra_persistent, 1)
    return _natural_rates(school, year, seed)


def _natural_rates(school: School, year: str, seed: int) -> tuple[float, float]:
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


# ---------------------------------------------------------------- EES tidy layout (2024-25 on)

EES_HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
    "region_name", "old_la_code", "new_la_code", "la_name", "education_phase", "school_name", "estab",
    "school_laestab", "school_urn", "enrolments", "sess_possible", "sess_overall", "sess_authorised",
    "sess_unauthorised", "sess_overall_percent", "sess_authorised_percent", "sess_unauthorised_percent",
    "enrolments_pa_10_exact", "enrolments_pa_10_exact_percent", "enrolments_pa_50_exact",
    "enrolments_pa_50_exact_percent",
]  # fmt: skip
EES_PHASE_NAMES = {"PRI": "State-funded primary", "SEC": "State-funded secondary", "SPE": "Special", "ALL": "Total"}
_COUNTS = ("enrolments", "sess_possible", "sess_overall", "sess_authorised", "sess_unauthorised", "pa_10", "pa_50")


def _counts(school: School, year: str, seed: int) -> dict[str, int]:
    """Session and enrolment counts whose rates are the school's overall and persistent absence."""
    overall, persistent = _rates(school, year, seed)
    rng = stream(seed, "absence-counts", school.urn, year)
    enrolments = round(school.number_of_pupils * rng.uniform(1.02, 1.08))  # leavers and joiners during the year
    possible = round(enrolments * rng.uniform(300, 330))
    missed = round(possible * overall / 100)
    authorised = round(missed * rng.uniform(0.6, 0.75))
    return {
        "enrolments": enrolments,
        "sess_possible": possible,
        "sess_overall": missed,
        "sess_authorised": authorised,
        "sess_unauthorised": missed - authorised,
        "pa_10": round(enrolments * persistent / 100),
        "pa_50": round(enrolments * persistent / 100 * rng.uniform(0.06, 0.12)),
    }


def _ees_measures(counts: dict[str, int] | None) -> list[str]:
    if counts is None:
        return ["c"] * 12

    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:.5f}" if whole else "z"

    sessions, enrolments = counts["sess_possible"], counts["enrolments"]
    return [
        str(enrolments),
        str(sessions),
        str(counts["sess_overall"]),
        str(counts["sess_authorised"]),
        str(counts["sess_unauthorised"]),
        pct(counts["sess_overall"], sessions),
        pct(counts["sess_authorised"], sessions),
        pct(counts["sess_unauthorised"], sessions),
        str(counts["pa_10"]),
        pct(counts["pa_10"], enrolments),
        str(counts["pa_50"]),
        pct(counts["pa_50"], enrolments),
    ]


def ees_school_rows(world: World, year: str) -> Iterable[list[str]]:
    return (row for row in ees_rows(world, year) if row[2] == "School")


def ees_area_rows(world: World, year: str) -> Iterable[list[str]]:
    return (row for row in ees_rows(world, year) if row[2] != "School")


def ees_rows(world: World, year: str) -> Iterable[list[str]]:
    """School rows, then each LA's rows by phase and in total, then England's: areas sum their schools."""
    day = date(int(year[:4]), 10, 1)
    period = year.replace("-", "")
    la_totals: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_COUNTS, 0))
    for school in sorted(world.schools, key=lambda s: (s.la_code, s.establishment_number)):
        phase = _phase(school)
        if phase is None or not school.is_state_funded or not school.is_open_on(day):
            continue
        la = world.la(school.la_code)
        counts = _counts(school, year, world.seed)
        for key in ((school.la_code, phase), (school.la_code, "ALL")):
            for name, value in counts.items():
                la_totals[key][name] += value
        yield [
            period, "Academic year", "School", "E92000001", "England", f"E1200000{la.gor_code}", la.gor_name,
            str(la.code), f"E0{la.code + 6000000}", la.name, EES_PHASE_NAMES[phase], school.name,
            str(school.establishment_number), str(la.code * 10000 + school.establishment_number), str(school.urn),
            *_ees_measures(None if school.number_of_pupils < SUPPRESS_BELOW else counts),
        ]  # fmt: skip
    national: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_COUNTS, 0))
    for (code, phase), counts in sorted(la_totals.items()):
        la = world.la(code)
        for name, value in counts.items():
            national[phase][name] += value
        yield [
            period, "Academic year", "Local authority", "E92000001", "England", f"E1200000{la.gor_code}",
            la.gor_name, str(la.code), f"E0{la.code + 6000000}", la.name, EES_PHASE_NAMES[phase], "", "", "", "",
            *_ees_measures(counts),
        ]  # fmt: skip
    for phase in EES_PHASE_NAMES:
        if phase in national:
            yield [
                period, "Academic year", "National", "E92000001", "England", "", "", "", "", "",
                EES_PHASE_NAMES[phase], "", "", "", "", *_ees_measures(national[phase]),
            ]  # fmt: skip
