"""The national context: other fictional LAs whose schools make up the LA and national comparators.

scale 'la': 10 LAs (codes 960-987) of 40-80 state-funded schools each.
scale 'national': 149 LAs (codes 960-990 and 501-618, none of them a real LA code) and about 22,000
state-funded schools in all, with Kingsmere, through exactly the same code path.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import count

from . import inspections as insp
from . import names
from .factory import EstablishmentNumbers, Spec, grade_for, materialise, sizes
from .world import LocalAuthority, School, stream

_STATE_KINDS = ("nursery", "infant", "junior", "primary", "secondary", "all_through", "special", "pru")
_STATE_WEIGHTS = (2, 5, 4, 66, 15, 1, 5, 2)
_POSTCODE_PREFIXES = "QXVJZ"
_LA_CODES = {"la": tuple(range(960, 990, 3)), "national": (*range(960, 991), *range(501, 619))}
_SIZE_RANGE = {"la": (40, 80), "national": (40, 240)}


def _postcode_areas() -> list[str]:
    return [p + c for p in _POSTCODE_PREFIXES for c in "ABCDFGHKLMNPRSTUWY"]


def _type_for(kind: str, rng: random.Random) -> tuple[int, str]:
    """(GIAS type code, religious character) for a state-funded school of this kind."""
    if kind in ("primary", "infant", "junior"):
        if rng.random() < 0.42:
            code = rng.choices((34, 28, 35), weights=(80, 15, 5))[0]
            religious = rng.choices(("Does not apply", "Church of England", "Roman Catholic"), weights=(67, 25, 8))[0]
            return code, ("Does not apply" if code == 35 else religious)
        code = rng.choices((1, 2, 3, 5), weights=(62, 15, 13, 10))[0]
        if code == 2:
            return code, rng.choice(("Church of England", "Roman Catholic"))
        return code, ("Church of England" if code == 3 else "Does not apply")
    if kind in ("secondary", "all_through"):
        if rng.random() < (0.8 if kind == "secondary" else 0.7):
            return rng.choices((34, 28, 35), weights=(65, 25, 10))[0], "Does not apply"
        code = rng.choices((1, 2, 5), weights=(50, 30, 20))[0]
        return code, ("Roman Catholic" if code == 2 else "Does not apply")
    if kind == "special":
        if rng.random() < 0.45:
            return rng.choices((44, 33, 36), weights=(70, 15, 15))[0], "Does not apply"
        return rng.choices((7, 12), weights=(85, 15))[0], "Does not apply"
    return {"nursery": 15, "pru": 14}[kind], "Does not apply"


_PREDECESSOR = {28: 1, 33: 7, 34: 1, 44: 7}


def _spec(kind: str, la: LocalAuthority, rng: random.Random) -> Spec:
    type_code, religious = _type_for(kind, rng)
    ks2, ks4, nor = sizes(kind, rng)
    fsm = min(0.85, max(0.02, la.fsm_mean * rng.lognormvariate(0, 0.45)))
    if kind in ("special", "pru"):
        fsm = min(0.9, fsm * 1.6)
    quality = rng.gauss(la.effect - 0.8 * (fsm - 0.25), 0.5)
    spec = Spec(
        kind,
        type_code,
        names.place_name(rng),
        religious=religious,
        ks2_cohort=ks2,
        ks4_cohort=ks4,
        nor=nor,
        fsm_rate=fsm,
        quality=quality,
        final_grade=grade_for(quality, rng),
    )
    if type_code in _PREDECESSOR:
        spec.conversion_date = date(rng.randint(2011, 2021), rng.choice((1, 4, 9)), 1)
        spec.predecessor_type = _PREDECESSOR[type_code] if type_code != 34 else rng.choice((1, 1, 2, 3, 5))
    elif type_code in (35, 36):
        spec.open_date = date(rng.randint(2012, 2020), 9, 1)
        spec.reason_opened = "Academy Free School"
    if type_code in (28, 33, 34, 35, 36, 44):
        spec.trust_name = f"{la.name.upper()} {rng.choice(('LEARNING', 'EDUCATION', 'ACADEMIES'))} TRUST"
        started = spec.conversion_date or spec.open_date
        if started is not None and spec.final_grade:
            latest = insp.latest_date_for(rng, spec.final_grade, started + timedelta(days=400))
            spec.latest = min(latest, insp.LATEST_START)
    return spec


def _independent_spec(la: LocalAuthority, rng: random.Random) -> Spec:
    kind = rng.choices(("independent", "independent_special", "nmss"), weights=(78, 19, 3))[0]
    type_code = {"independent": 11, "independent_special": 10, "nmss": 8}[kind]
    ks2, ks4, nor = sizes(kind, rng)
    if kind == "independent" and rng.random() < 0.35:
        ks4 = 0  # prep schools
    if kind == "independent" and rng.random() < 0.3:
        ks2 = 0  # senior-only schools
    gender = rng.choices(("Mixed", "Girls", "Boys"), weights=(80, 12, 8))[0] if kind == "independent" else "Mixed"
    return Spec(
        kind,
        type_code,
        names.place_name(rng),
        religious="None",
        gender=gender,
        ks2_cohort=ks2,
        ks4_cohort=ks4,
        nor=nor,
        fsm_rate=0.03,
        quality=rng.gauss(0.3, 0.5),
        final_grade=grade_for(0.0, rng) if kind == "nmss" else None,
    )


def build_context(seed: int, scale: str) -> tuple[list[LocalAuthority], list[School]]:
    rng = stream(seed, "context", scale)
    codes = _LA_CODES[scale]
    la_names = names.la_names(rng, len(codes), {"Kingsmere"})
    areas = _postcode_areas()
    las: list[LocalAuthority] = []
    for index, (code, name) in enumerate(zip(codes, la_names, strict=True)):
        gor_code, gor_name = (
            names.REGIONS[index % len(names.REGIONS)] if scale == "national" else rng.choice(names.REGIONS)
        )
        effect = rng.gauss(0.25 if gor_name == "London" else 0.0, 0.18)
        las.append(
            LocalAuthority(code, name, gor_code, gor_name, rng.uniform(0.12, 0.42), effect, areas[index % len(areas)])
        )
    schools: list[School] = []
    urns = count(910001)
    low, high = _SIZE_RANGE[scale]
    for la in las:
        la_rng = stream(seed, "la", scale, la.code)
        estabs = EstablishmentNumbers()
        n_state = la_rng.randint(low, high)
        specs = [_spec(la_rng.choices(_STATE_KINDS, weights=_STATE_WEIGHTS)[0], la, la_rng) for _ in range(n_state)]
        specs += [_independent_spec(la, la_rng) for _ in range(max(2, round(n_state * 0.1)))]
        taken: set[str] = set()
        for site, spec in enumerate(specs, start=1):
            schools.extend(materialise(seed, la, spec, la.code * 100000 + site, urns, estabs, taken))
    return las, schools
