"""The fictional world: Kingsmere (LA 991), the national context of other fictional LAs, and what was planted.

`build_world(seed, scale)` is deterministic. Kingsmere's schools, their histories and planted features do not
depend on `scale` (they draw from their own random streams); only the national context grows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from . import names

GENERATOR_VERSION = "1.13.0"
# 1.3: planted support decisions (recent inspections, adviser concern, missing KS2 year)
# 1.4: the visits return tells core (SI4 term by phase) from additional visits, adds each academy's yearly SI6
#      keeping-in-touch visit, and plants an under-delivered school (no visits in spring 2026) and a missed core visit
# 1.5: visits record their length in days (about a quarter blank: the default applies), and a traded-work return
#      records a handful of traded days, some at an agreed daily rate
# 1.6: a second groupings return (6 January 2025) moves one academy to another partnership; every other row repeats
# 1.7: an earlier GIAS extract (1 March 2024) names Hartfield's previous headteacher; Stanmere's head is acting
# 1.8: every maintained school has its SI4 core visit each year (before, only when another visit fell in that term);
#      schools on the register are visited about fortnightly, weekly in special measures or serious weaknesses
# 1.9: 2024-25 absence in EES's tidy school layout (session and enrolment counts, LA and national rows); Thornbury
#      School's persistent absence rises 4.5 points a year from 2022-23
# 1.10: EES absence as DfE splits it: school rows in 1a_absence_3term_school, England and LAs in
#       1_absence_3term_nat_reg_la (not read); KS4 destination measures (england_ks4-pupdest.csv) for the tables of
#       2022-23 to 2024-25
# 1.12: school-level suspensions and permanent exclusions (EES, every year to date in each year's file);
#       Thornbury School suspends more each year from 2022-23
# 1.13: 16 to 18 results (EES institution and national files, 2022-23 on); Thornbury School has a sixth form whose
#       A level value added is significantly below average from 2023-24
DEFAULT_SEED = 20240901
SCALES = ("la", "national")

KINGSMERE_CODE = 991
KINGSMERE_NAME = "Kingsmere"
ACADEMIC_YEARS = ("2021-22", "2022-23", "2023-24")
# Years whose KS2/KS4 school-level data DfE publishes only in the tidy EES layout (absence too, from 2024-25).
EES_YEARS = ("2024-25",)
RESULT_YEARS = (*ACADEMIC_YEARS, *EES_YEARS)
OFSTED_AS_AT = date(2024, 8, 31)
GIAS_EXTRACT_DATE = date(2024, 9, 6)
# An earlier extract, kept as an LA keeps last term's download: comparing the two shows a change of headteacher.
EARLIER_GIAS_EXTRACT_DATE = date(2024, 3, 1)
FIRST_INSPECTION_DATE = date(2005, 9, 1)


@dataclass(frozen=True)
class EstablishmentType:
    code: int
    name: str
    group_code: int
    group_name: str
    nftype: str  # performance-table NFTYPE code ('' when the type never has a performance-table row)
    ofsted_type: str  # Ofsted MI 'Type of education' ('' when not inspected under the state-funded framework)


_LAM = (4, "Local authority maintained schools")
_SPECIAL = (5, "Special schools")
_ACAD = (10, "Academies")
_FREE = (11, "Free Schools")
_INDEP = (3, "Independent schools")

# Codes and names as in GIAS (edubasealldata20250109-establishment-types.csv).
ESTABLISHMENT_TYPES: Mapping[int, EstablishmentType] = MappingProxyType(
    {
        t.code: t
        for t in (
            EstablishmentType(1, "Community school", *_LAM, "CY", "Community School"),
            EstablishmentType(2, "Voluntary aided school", *_LAM, "VA", "Voluntary Aided School"),
            EstablishmentType(3, "Voluntary controlled school", *_LAM, "VC", "Voluntary Controlled School"),
            EstablishmentType(5, "Foundation school", *_LAM, "FD", "Foundation School"),
            EstablishmentType(7, "Community special school", *_SPECIAL, "CYS", "Community Special School"),
            EstablishmentType(8, "Non-maintained special school", *_SPECIAL, "NMSS", "Non-Maintained Special School"),
            EstablishmentType(10, "Other independent special school", *_SPECIAL, "INDSPEC", ""),
            EstablishmentType(11, "Other independent school", *_INDEP, "IND", ""),
            EstablishmentType(12, "Foundation special school", *_SPECIAL, "FDS", "Foundation Special School"),
            EstablishmentType(14, "Pupil referral unit", *_LAM, "", "Pupil Referral Unit"),
            EstablishmentType(15, "Local authority nursery school", *_LAM, "", "LA Nursery School"),
            EstablishmentType(28, "Academy sponsor led", *_ACAD, "AC", "Academy Sponsor Led"),
            EstablishmentType(33, "Academy special sponsor led", *_ACAD, "ACS", "Academy Special Sponsor Led"),
            EstablishmentType(34, "Academy converter", *_ACAD, "ACC", "Academy Converter"),
            EstablishmentType(35, "Free schools", *_FREE, "F", "Free School"),
            EstablishmentType(36, "Free schools special", *_FREE, "FS", "Free School Special"),
            EstablishmentType(44, "Academy special converter", *_ACAD, "ACCS", "Academy Special Converter"),
        )
    }
)
ACADEMY_TYPES = frozenset({28, 33, 34, 35, 36, 44})
MAINTAINED_TYPES = frozenset({1, 2, 3, 5, 7, 12, 14, 15})
INDEPENDENT_TYPES = frozenset({10, 11})
SPECIAL_TYPES = frozenset({7, 8, 10, 12, 33, 36, 44})

PHASES: Mapping[str, int] = MappingProxyType(
    {
        "Not applicable": 0,
        "Nursery": 1,
        "Primary": 2,
        "Middle deemed primary": 3,
        "Secondary": 4,
        "Middle deemed secondary": 5,
        "16 plus": 6,
        "All-through": 7,
    }
)


@dataclass(frozen=True)
class Inspection:
    """One Ofsted inspection as the MI 'all inspections' file records it (under the URN of the day)."""

    urn: int
    inspection_number: str
    inspection_type: str
    start_date: date
    end_date: date
    publication_date: date
    overall_effectiveness: int | None  # 1-4; None for ungraded (section 8) inspections
    category_of_concern: str | None  # 'SM' | 'SWK' | None
    quality_of_education: int | None
    behaviour_and_attitudes: int | None
    personal_development: int | None
    leadership_and_management: int | None
    safeguarding_effective: str | None  # 'Yes' | 'No' | None

    @property
    def graded(self) -> bool:
        return self.overall_effectiveness is not None


@dataclass(frozen=True)
class LocalAuthority:
    code: int
    name: str
    gor_code: str
    gor_name: str
    fsm_mean: float  # typical share of disadvantaged pupils
    effect: float  # LA-wide attainment effect (latent)
    postcode_area: str


@dataclass(frozen=True)
class School:
    urn: int
    la_code: int
    la_name: str
    establishment_number: int
    name: str
    type_code: int
    phase: str
    low_age: int
    high_age: int
    gender: str
    religious_character: str
    open_date: date | None
    close_date: date | None
    reason_opened: str
    reason_closed: str
    predecessor_urn: int | None
    successor_urn: int | None
    trust_name: str | None
    gor_code: str
    gor_name: str
    town: str
    street: str
    postcode: str
    number_of_pupils: int
    fsm_rate: float  # share of pupils disadvantaged (FSM6 / CLA)
    eal_rate: float
    sen_support_rate: float
    ehcp_rate: float
    site_id: int  # shared by a predecessor and its successor: the same building, pupils and staff
    quality: float  # latent effectiveness driving results and inspections
    ks2_cohort: int  # typical Year 6 size (0: no KS2)
    ks4_cohort: int  # typical Year 11 size (0: no KS4)
    inspections: tuple[Inspection, ...]
    new_school: bool = False
    closed: bool = False
    small_cohort: bool = False
    risks: tuple[str, ...] = ()  # intended data risks, e.g. 'ks2_progress_below', 'p8_below'
    roles: tuple[str, ...] = ()  # planted roles, e.g. 'conversion_a_predecessor', 'special_measures'

    @property
    def laestab(self) -> int:
        return self.la_code * 10000 + self.establishment_number

    @property
    def establishment_type(self) -> EstablishmentType:
        return ESTABLISHMENT_TYPES[self.type_code]

    @property
    def type_name(self) -> str:
        return self.establishment_type.name

    @property
    def phase_code(self) -> int:
        return PHASES[self.phase]

    @property
    def is_academy(self) -> bool:
        return self.type_code in ACADEMY_TYPES

    @property
    def is_maintained(self) -> bool:
        return self.type_code in MAINTAINED_TYPES

    @property
    def is_independent(self) -> bool:
        return self.type_code in INDEPENDENT_TYPES

    @property
    def is_nmss(self) -> bool:
        return self.type_code == 8

    @property
    def is_state_funded(self) -> bool:
        return self.is_academy or self.is_maintained

    @property
    def is_special(self) -> bool:
        return self.type_code in SPECIAL_TYPES

    @property
    def nftype(self) -> str:
        return self.establishment_type.nftype

    @property
    def kingsmere(self) -> bool:
        return self.la_code == KINGSMERE_CODE

    def is_open_on(self, day: date) -> bool:
        opened = self.open_date is None or self.open_date <= day
        return opened and (self.close_date is None or self.close_date >= day)

    @property
    def latest_graded_inspection(self) -> Inspection | None:
        return self.latest_graded_inspection_by(date.max)

    def latest_graded_inspection_by(self, day: date) -> Inspection | None:
        """The latest graded inspection starting on or before `day`."""
        graded = [i for i in self.inspections if i.graded and i.start_date <= day]
        return graded[-1] if graded else None


@dataclass(frozen=True)
class World:
    seed: int
    scale: str
    las: tuple[LocalAuthority, ...]
    schools: tuple[School, ...]
    _by_urn: Mapping[int, School] = field(repr=False, compare=False, default_factory=dict)

    def school(self, urn: int) -> School:
        return self._by_urn[urn]

    def in_la(self, la_code: int) -> Iterator[School]:
        return (s for s in self.schools if s.la_code == la_code)

    @property
    def kingsmere(self) -> tuple[School, ...]:
        return tuple(self.in_la(KINGSMERE_CODE))

    def with_role(self, role: str) -> School:
        matches = [s for s in self.schools if role in s.roles]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} schools planted with role {role!r}")
        return matches[0]

    def with_risk(self, risk: str) -> tuple[School, ...]:
        return tuple(s for s in self.schools if risk in s.risks)

    @property
    def conversions(self) -> tuple[tuple[School, School], ...]:
        """(predecessor, successor) pairs linked in GIAS."""
        return tuple((s, self._by_urn[s.successor_urn]) for s in self.schools if s.successor_urn is not None)

    def la(self, code: int) -> LocalAuthority:
        return next(a for a in self.las if a.code == code)


def build_world(seed: int = DEFAULT_SEED, scale: str = "la") -> World:
    """Deterministic world for (seed, scale): `kingsmere.py` plants the LA, `context.py` builds the rest."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    from .context import build_context
    from .kingsmere import build_kingsmere

    kingsmere_la, kingsmere_schools = build_kingsmere(seed)
    other_las, other_schools = build_context(seed, scale)
    schools = tuple(sorted((*kingsmere_schools, *other_schools), key=lambda s: s.urn))
    by_urn = {s.urn: s for s in schools}
    if len(by_urn) != len(schools):
        raise AssertionError("duplicate URN in synthetic world")
    las = tuple(sorted((kingsmere_la, *other_las), key=lambda a: a.code))
    return World(seed=seed, scale=scale, las=las, schools=schools, _by_urn=MappingProxyType(by_urn))


def stream(seed: int, *parts: object) -> random.Random:
    """Independent, reproducible random stream for one purpose (string seeds hash with SHA-512)."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


__all__ = [
    "ACADEMIC_YEARS",
    "EES_YEARS",
    "RESULT_YEARS",
    "DEFAULT_SEED",
    "ESTABLISHMENT_TYPES",
    "GENERATOR_VERSION",
    "Inspection",
    "KINGSMERE_CODE",
    "LocalAuthority",
    "School",
    "World",
    "build_world",
    "names",
    "stream",
]
