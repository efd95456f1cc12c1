"""Turn a school specification into School records: a predecessor and successor for conversions,
inspection history split at the conversion date, establishment numbers in the usual DfE ranges."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import inspections as insp
from . import names
from .world import FIRST_INSPECTION_DATE, INDEPENDENT_TYPES, LocalAuthority, School, stream

KIND_AGES = {
    "infant": (4, 7),
    "junior": (7, 11),
    "primary": (4, 11),
    "secondary": (11, 16),
    "all_through": (4, 18),
    "nursery": (2, 5),
    "special": (4, 19),
    "pru": (11, 16),
    "independent": (3, 18),
    "independent_special": (7, 19),
    "nmss": (5, 19),
}
PHASE_OF_KIND = {
    "infant": "Primary",
    "junior": "Primary",
    "primary": "Primary",
    "secondary": "Secondary",
    "all_through": "All-through",
    "nursery": "Nursery",
    "special": "Not applicable",
    "pru": "Not applicable",
    "independent": "Not applicable",
    "independent_special": "Not applicable",
    "nmss": "Not applicable",
}
SPONSOR_TYPES = frozenset({28, 33})


@dataclass
class Spec:
    kind: str
    type_code: int
    town: str
    religious: str = "Does not apply"
    name: str | None = None
    successor_name: str | None = None
    gender: str = "Mixed"
    ages: tuple[int, int] | None = None
    ks2_cohort: int = 0
    ks4_cohort: int = 0
    nor: int = 0
    fsm_rate: float = 0.2
    quality: float = 0.0
    open_date: date | None = None  # opening of the first URN in the chain (None: before records)
    conversion_date: date | None = None
    predecessor_type: int | None = None
    reason_opened: str = "Not applicable"
    close_date: date | None = None
    reason_closed: str = ""
    trust_name: str | None = None
    final_grade: int | None = None  # latest graded Ofsted outcome (None: never inspected)
    latest: date | None = None  # date of the latest graded inspection
    events: list[tuple[date, int]] | None = None  # explicit graded history (planted schools)
    concerns: dict[date, str] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    new_school: bool = False
    closed: bool = False


class EstablishmentNumbers:
    """Per-LA establishment numbers in the usual ranges (2xxx primary, 4xxx secondary, 7xxx special)."""

    _RANGES = {
        "nursery": 1000,
        "pru": 1100,
        "primary": 2000,
        "va_primary": 3300,
        "secondary": 4000,
        "independent": 6000,
        "special": 7000,
        "nmss": 7200,
    }

    def __init__(self) -> None:
        self._next = dict(self._RANGES)

    def take(self, kind: str, type_code: int) -> int:
        if kind in ("infant", "junior", "primary"):
            key = "va_primary" if type_code == 2 else "primary"
        elif kind in ("secondary", "all_through"):
            key = "secondary"
        elif kind in ("independent", "independent_special"):
            key = "independent"
        else:
            key = kind
        number = self._next[key]
        self._next[key] = number + 1
        return number


def inspection_serial(urn: int, index: int) -> str:
    """Unique eight-digit number per URN, with no world-wide counter: Kingsmere must not depend on scale."""
    if index >= 40:
        raise AssertionError(f"too many inspections for {urn}")
    return str(10000000 + (urn - 900000) * 40 + index)


def _realise(rng: random.Random, urn: int, drafts: list[insp.Draft]) -> tuple:
    return tuple(insp.realise(rng, draft, urn, inspection_serial(urn, i)) for i, draft in enumerate(drafts))


def _unique_name(rng: random.Random, spec: Spec, taken: set[str]) -> str:
    """A generated name not yet used in the LA (planted names are registered first)."""
    for _ in range(30):
        name = names.school_name(rng, spec.town, PHASE_OF_KIND[spec.kind], spec.religious, spec.kind)
        if name not in taken:
            return name
        spec.town = names.place_name(rng)
    suffix = 2
    while f"{name} {suffix}" in taken:
        suffix += 1
    return f"{name} {suffix}"


def materialise(
    seed: int,
    la: LocalAuthority,
    spec: Spec,
    site_id: int,
    urns,
    estabs: EstablishmentNumbers,
    taken: set[str],
) -> list[School]:
    """School records for one site: [predecessor, successor] for a conversion, else [school].

    `taken` holds the LA's school names so far; generated names avoid them.
    """
    rng = stream(seed, "site", la.code, site_id)
    low, high = spec.ages or KIND_AGES[spec.kind]
    name = spec.name or _unique_name(rng, spec, taken)
    taken.update({name, spec.successor_name or name})
    street = names.street(rng)
    postcode = names.postcode(rng, la.postcode_area)
    eal = min(0.9, max(0.0, rng.gauss(0.12 + 0.5 * spec.fsm_rate, 0.08)))
    sen_support = min(0.6, max(0.02, rng.gauss(0.13, 0.04)))
    ehcp = min(0.99, max(0.0, rng.gauss(0.025, 0.01)))
    if spec.kind in ("special", "independent_special", "nmss"):
        sen_support, ehcp = 0.02, 0.97

    drafts: list[insp.Draft] = []
    if spec.type_code not in INDEPENDENT_TYPES and (spec.events or spec.final_grade):
        chain_open = spec.open_date or date(1970, 1, 1)
        earliest = max(FIRST_INSPECTION_DATE, chain_open + timedelta(days=270))
        orng = stream(seed, "ofsted", la.code, site_id)
        events = spec.events or insp.random_events(
            orng,
            spec.final_grade,
            spec.latest or insp.latest_date_for(orng, spec.final_grade, earliest),
            earliest,
        )
        drafts = insp.expand(orng, events, spec.concerns)

    common = dict(
        la_code=la.code,
        la_name=la.name,
        phase=PHASE_OF_KIND[spec.kind],
        low_age=low,
        high_age=high,
        gender=spec.gender,
        religious_character=spec.religious,
        gor_code=la.gor_code,
        gor_name=la.gor_name,
        town=spec.town,
        street=street,
        postcode=postcode,
        number_of_pupils=spec.nor,
        fsm_rate=spec.fsm_rate,
        eal_rate=eal,
        sen_support_rate=sen_support,
        ehcp_rate=ehcp,
        site_id=site_id,
        quality=spec.quality,
        ks2_cohort=spec.ks2_cohort,
        ks4_cohort=spec.ks4_cohort,
        small_cohort=0 < max(spec.ks2_cohort, spec.ks4_cohort) < 11,
    )
    rrng = stream(seed, "realise", la.code, site_id)
    if spec.conversion_date is None:
        urn = next(urns)
        return [
            School(
                urn=urn,
                establishment_number=estabs.take(spec.kind, spec.type_code),
                name=name,
                type_code=spec.type_code,
                open_date=spec.open_date,
                close_date=spec.close_date,
                reason_opened=spec.reason_opened,
                reason_closed=spec.reason_closed or "Not applicable",
                predecessor_urn=None,
                successor_urn=None,
                trust_name=spec.trust_name,
                inspections=_realise(rrng, urn, drafts),
                new_school=spec.new_school,
                closed=spec.closed,
                roles=spec.roles,
                risks=spec.risks,
                **common,
            )
        ]
    pred_urn, succ_urn = next(urns), next(urns)
    cut = spec.conversion_date
    reason = "Academy Sponsor Led" if spec.type_code in SPONSOR_TYPES else "Academy Converter"
    pred_roles = tuple(f"{r}_predecessor" for r in spec.roles if r.startswith("conversion"))
    succ_roles = tuple(f"{r}_successor" if r.startswith("conversion") else r for r in spec.roles)
    predecessor = School(
        urn=pred_urn,
        establishment_number=estabs.take(spec.kind, spec.predecessor_type or 1),
        name=name,
        type_code=spec.predecessor_type or 1,
        open_date=spec.open_date,
        close_date=cut - timedelta(days=1),
        reason_opened="Not applicable",
        reason_closed=reason,
        predecessor_urn=None,
        successor_urn=succ_urn,
        trust_name=None,
        inspections=_realise(rrng, pred_urn, [d for d in drafts if d.start < cut]),
        roles=pred_roles,
        **common,  # planted risks belong to the open school, not its closed predecessor
    )
    successor = School(
        urn=succ_urn,
        establishment_number=estabs.take(spec.kind, spec.type_code),
        name=spec.successor_name or name,
        type_code=spec.type_code,
        open_date=cut,
        close_date=spec.close_date,
        reason_opened=reason,
        reason_closed=spec.reason_closed or "Not applicable",
        predecessor_urn=pred_urn,
        successor_urn=None,
        trust_name=spec.trust_name,
        inspections=_realise(rrng, succ_urn, [d for d in drafts if d.start >= cut]),
        new_school=spec.new_school,
        closed=spec.closed,
        roles=succ_roles,
        risks=spec.risks,
        **common,
    )
    return [predecessor, successor]


def grade_for(quality: float, rng: random.Random) -> int:
    """Current Ofsted grade from latent quality (≈16% outstanding, 68% good, 13% RI, 3% inadequate)."""
    z = quality + rng.gauss(0, 0.6)
    if z > 0.85:
        return 1
    if z < -1.6:
        return 4
    if z < -0.95:
        return 3
    return 2


def sizes(kind: str, rng: random.Random) -> tuple[int, int, int]:
    """(ks2_cohort, ks4_cohort, number on roll) for a kind of school."""
    if kind in ("primary", "infant", "junior"):
        fe = rng.choices((0.3, 0.5, 1, 1.5, 2, 3), weights=(4, 10, 38, 14, 28, 6))[0]
        cohort = max(3, round(30 * fe * rng.uniform(0.85, 1.0)))
        years = {"primary": 7, "infant": 3, "junior": 4}[kind]
        nor = cohort * years + (rng.randint(0, 26) if kind != "junior" else 0)
        return (cohort if kind != "infant" else 0), 0, nor
    if kind == "secondary":
        cohort = rng.randint(110, 300)
        sixth = rng.random() < 0.55
        return 0, cohort, cohort * 5 + (round(cohort * 1.3) if sixth else 0)
    if kind == "all_through":
        ks2, ks4 = rng.randint(55, 90), rng.randint(150, 220)
        return ks2, ks4, ks2 * 7 + ks4 * 5 + ks4
    if kind == "special":
        return rng.randint(6, 14), rng.randint(8, 20), rng.randint(80, 200)
    if kind == "nursery":
        return 0, 0, rng.randint(60, 130)
    if kind == "pru":
        return 0, 0, rng.randint(20, 70)
    if kind == "independent":
        return rng.randint(12, 40), rng.randint(30, 120), rng.randint(200, 900)
    if kind in ("independent_special", "nmss"):
        return 0, rng.randint(4, 16), rng.randint(40, 150)
    raise ValueError(kind)
