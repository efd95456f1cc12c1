"""KS4 destination measures (england_ks4-pupdest.csv) per performance-tables year, in DfE's 82-column layout.

A release reports the state-funded pupils who finished KS4 two years before its academic year (the 2023-24 tables:
KS4 in 2021-22); the 2022-23 tables, whose cohort (2020-21) was not simulated, use the next one. Each school's
cohort and disadvantaged pupils are its simulated KS4 results'; the share in a sustained destination rises with the
school's latent quality and is lower for disadvantaged pupils. Counts are whole pupils and percentages are the
counts' rounded shares with a '%' (as DfE prints them); a group of 10 or fewer pupils is SUPP (FORMATS.md:
destination measures suppress at 10). LA rows ('LA') sum their schools; the national row ('NAT') sums every LA.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .outcomes import Results
from .world import World, stream

KS4_YEARS_BEFORE = 2
SUPPRESS_AT = 10
GROUPS = ("", "_DIS", "_NONDIS")
KINDS = ("APPREN", "EMPLOYMENT", "EDUCATION", "FE", "SCH_6TH", "SIXTH_COL", "OTHER_EDU", "NOT_SUSTAINED", "UNKNOWN")
COUNT_COLUMNS = ("COHORT", "OVERALL_DEST", *KINDS)
PERCENT_COLUMNS = ("OVERALL_DESTPER", *(f"{kind}PER" for kind in KINDS))
LEADING = ["RECTYPE", "LEA", "ESTAB", "URN", "ICLOSE", "SCHNAME", "NFTYPE"]


def _shift(year: str, years: int) -> str:
    start = int(year[:4]) + years
    return f"{start}-{(start + 1) % 100:02d}"


def years(results: Results) -> tuple[str, ...]:
    """The simulated years' tables from the first simulated year on (its cohort finished KS4 two years before)."""
    simulated = sorted({year for year, _ in results.ks4})
    return tuple(year for year in simulated if year > simulated[0])


def _cohort_year(results: Results, year: str) -> str:
    """The year the tables' pupils finished KS4, or the nearest later simulated one: KS4 in 2020-21 was not simulated
    (no tables that year), so the 2022-23 tables stand in with the 2021-22 cohort."""
    simulated = sorted({y for y, _ in results.ks4})
    wanted = _shift(year, -KS4_YEARS_BEFORE)
    return wanted if wanted in simulated else next(y for y in simulated if y > wanted)


def header(year: str) -> list[str]:
    end = (int(year[:4]) + 1) % 100
    main = [f"{column}{group}" for group in GROUPS for column in (*COUNT_COLUMNS, *PERCENT_COLUMNS)]
    prior = [
        f"{column}{group}_{suffix:02d}"
        for suffix in (end - 1, end - 2)
        for group in GROUPS
        for column in ("COHORT", "OVERALL_DESTPER")
    ]
    return [*LEADING, *main, *prior]


def _split(cohort: int, sustained_share: float, rng) -> dict[str, int]:
    """One group's pupils by destination: sustained (by kind), not sustained and not captured."""
    sustained = round(cohort * sustained_share)
    unknown = min(cohort - sustained, round(cohort * rng.uniform(0.0, 0.02)))
    appren = round(sustained * rng.uniform(0.02, 0.06))
    employment = round(sustained * rng.uniform(0.01, 0.04))
    education = sustained - appren - employment
    sixth = round(education * rng.uniform(0.3, 0.6))
    college = round(education * rng.uniform(0.05, 0.15))
    other = round(education * rng.uniform(0.0, 0.03))
    return {
        "COHORT": cohort,
        "OVERALL_DEST": sustained,
        "APPREN": appren,
        "EMPLOYMENT": employment,
        "EDUCATION": education,
        "FE": education - sixth - college - other,
        "SCH_6TH": sixth,
        "SIXTH_COL": college,
        "OTHER_EDU": other,
        "NOT_SUSTAINED": cohort - sustained - unknown,
        "UNKNOWN": unknown,
    }


def _cells(counts: dict[str, int], suffix: str) -> dict[str, str]:
    cohort = counts["COHORT"]
    if cohort <= SUPPRESS_AT:
        return {f"{c}{suffix}": "SUPP" for c in (*COUNT_COLUMNS, *PERCENT_COLUMNS)} | {f"COHORT{suffix}": str(cohort)}
    cells = {f"{c}{suffix}": str(counts[c]) for c in COUNT_COLUMNS}
    for column in ("OVERALL_DEST", *KINDS):
        name = "OVERALL_DESTPER" if column == "OVERALL_DEST" else f"{column}PER"
        cells[f"{name}{suffix}"] = f"{round(100 * counts[column] / cohort)}%"
    return cells


def rows(world: World, results: Results, year: str) -> Iterable[list[str]]:
    ks4_year = _cohort_year(results, year)
    columns = header(year)
    la_totals: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    cohort_results = {urn: r for (y, urn), r in results.ks4.items() if y == ks4_year and r.kind == "state"}
    for school in sorted(
        (world.school(urn) for urn in cohort_results), key=lambda s: (s.la_code, s.is_special, s.establishment_number)
    ):
        r = cohort_results[school.urn]
        rng = stream(world.seed, "destinations", school.urn, year)
        base = 0.925 + 0.02 * school.quality - (0.05 if school.is_special else 0.0)
        disadvantaged = _split(r.tfsm, min(0.99, base - 0.055 + rng.gauss(0, 0.015)), rng)
        other = _split(r.tpup - r.tfsm, min(0.995, base + 0.02 + rng.gauss(0, 0.01)), rng)
        everyone = {key: disadvantaged[key] + other[key] for key in disadvantaged}
        values = {
            "RECTYPE": "2" if school.is_special else "1",
            "LEA": str(school.la_code),
            "ESTAB": str(school.establishment_number),
            "URN": str(school.urn),
            "ICLOSE": "0",
            "SCHNAME": school.name,
            "NFTYPE": school.establishment_type.nftype,
        }
        for suffix, counts in (("", everyone), ("_DIS", disadvantaged), ("_NONDIS", other)):
            values |= _cells(counts, suffix)
            for key, value in counts.items():
                la_totals[school.la_code][suffix][key] += value
        yield [values.get(column, "NA") for column in columns]
    national: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, groups in sorted(la_totals.items()):
        values = {"RECTYPE": "LA", "LEA": str(code)}
        for suffix, counts in groups.items():
            values |= _cells(counts, suffix)
            for key, value in counts.items():
                national[suffix][key] += value
        yield [values.get(column, "") for column in columns]
    values = {"RECTYPE": "NAT"}
    for suffix, counts in national.items():
        values |= _cells(counts, suffix)
    yield [values.get(column, "") for column in columns]
