"""School census (england_census.csv) per academic year: pupils on roll, SEN, EAL and FSM.

Header as in the CSCP download: URN,LA,ESTAB,SCHOOLTYPE,NOR,...,PNUMFSMEVER; percentages plain numbers
to 1 dp (no '%'); 'NA' where a measure does not apply (independent schools' EAL/FSM, nurseries' FSM ever);
national rows at the end with URN 'NAT', LA blank and ESTAB 'PRI' / 'SEC' / 'SPE'.
FSM-ever shares follow each school's disadvantaged share, so they agree with the KS2/KS4 cohorts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from .world import School, World, stream
from .writers import fmt_num

HEADER = [
    "URN",
    "LA",
    "ESTAB",
    "SCHOOLTYPE",
    "NOR",
    "NORG",
    "NORB",
    "PNORG",
    "PNORB",
    "TSENELSE",
    "PSENELSE",
    "TSENELK",
    "PSENELK",
    "NUMEAL",
    "NUMENGFL",
    "NUMUNCFL",
    "PNUMEAL",
    "PNUMENGFL",
    "PNUMUNCFL",
    "NUMFSM",
    "NUMFSMEVER",
    "PNUMFSMEVER",
]
NATIONAL = (
    ("PRI", "State-funded primary"),
    ("SEC", "State-funded secondary"),
    ("SPE", "State-funded special school"),
)


def census_day(year: str) -> date:
    return date(int(year[:4]) + 1, 1, 18)


def school_type(school: School) -> str:
    if school.is_independent:
        return "Independent school"
    if school.is_nmss:
        return "Non-maintained special school"
    if school.type_code == 14:
        return "Pupil referral unit"
    if school.is_special:
        return "State-funded special school"
    if school.phase == "Nursery":
        return "State-funded nursery"
    return "State-funded primary" if school.phase == "Primary" else "State-funded secondary"


def _p(part: int, whole: int) -> str:
    return fmt_num(100 * part / whole, 1) if whole else "0"


def _counts(school: School, year: str, seed: int) -> dict[str, int]:
    rng = stream(seed, "census", school.site_id, year)
    nor = max(5, round(school.number_of_pupils * rng.uniform(0.96, 1.04)))
    girls = round(nor * (0.5 if school.gender == "Mixed" else (1.0 if school.gender == "Girls" else 0.0)))
    ehcp = round(nor * school.ehcp_rate)
    support = round(nor * school.sen_support_rate)
    eal = round(nor * school.eal_rate)
    unclassified = min(nor - eal, rng.randint(0, 2))
    fsm_ever = round(nor * min(0.95, school.fsm_rate * rng.uniform(0.95, 1.05)))
    fsm = round(fsm_ever * rng.uniform(0.72, 0.85))
    return dict(
        nor=nor,
        girls=girls,
        ehcp=ehcp,
        support=support,
        eal=eal,
        unclassified=unclassified,
        fsm=fsm,
        fsm_ever=fsm_ever,
    )


def _cells(c: dict[str, int], independent: bool, nursery: bool) -> list[str]:
    nor, boys = c["nor"], c["nor"] - c["girls"]
    english = nor - c["eal"] - c["unclassified"]
    cells = [
        str(nor),
        str(c["girls"]),
        str(boys),
        _p(c["girls"], nor),
        _p(boys, nor),
        str(c["ehcp"]),
        _p(c["ehcp"], nor),
        str(c["support"]),
        _p(c["support"], nor),
    ]
    if independent:
        return cells + ["NA"] * 9
    cells += [
        str(c["eal"]),
        str(english),
        str(c["unclassified"]),
        _p(c["eal"], nor),
        _p(english, nor),
        _p(c["unclassified"], nor),
        str(c["fsm"]),
    ]
    return cells + (["NA", "NA"] if nursery else [str(c["fsm_ever"]), _p(c["fsm_ever"], nor)])


def rows(world: World, year: str) -> Iterable[list[str]]:
    day = census_day(year)
    national: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for school in world.schools:
        if not school.is_open_on(day):
            continue
        counts = _counts(school, year, world.seed)
        kind = school_type(school)
        yield [
            str(school.urn),
            str(school.la_code),
            str(school.establishment_number),
            kind,
            *_cells(counts, school.is_independent, kind == "State-funded nursery"),
        ]
        for code, label in NATIONAL:
            if kind == label:
                for key, value in counts.items():
                    national[code][key] += value
    for code, label in NATIONAL:
        yield ["NAT", "", code, label, *_cells(national[code], False, False)]
