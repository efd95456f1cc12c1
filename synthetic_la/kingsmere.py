"""Kingsmere (LA 991, South East): ~120 schools shaped like the service specification's Table One,
with planted features the warehouse must find.

Planted roles (see `School.roles` / `World.with_role`):
  conversion_a/b/c_{predecessor,successor}  academy conversions 2022-09-01, 2023-04-01 (secondary), 2023-09-01
  new_school            free school opened 2023-09-01: NEW in 2023-24 KS2; RI at first inspection (June 2024)
  closed_school         small primary closed 2022-08-31: in the 2021-22 tables only
  special_measures      primary judged inadequate, category SM (Oct 2023), monitoring visit after
  serious_weaknesses    secondary judged inadequate, category SWK (April 2024)
  ri_twice              primary RI at its last two inspections (tier 2)
  new_headteacher       (Hartfield, ri_twice) a new headteacher in the September 2024 GIAS extract, not in March's
  ri_persistent         primary RI at seven inspections since 2007, never better (tier 3)
  acting_headteacher    (Stanmere, ri_persistent) GIAS gives the headteacher's job title as Acting Headteacher
  curly_name            primary whose name has ’ and é (the cp1252 2023-24 KS2 file must carry them)
Planted data risks (`School.risks`): ks2_progress_below (good school, progress upper CI < 0 in 2021-22 and
2022-23, RWM well below national every year), p8_below (good secondary, P8 upper CI < 0 in 2022-23 and
2023-24), declining_trend, widening_gap, lowcov (KS2 2022-23 coverage 40%), no_entries (KS4 2023-24 'NE'),
rising_persistent_absence (Thornbury School, p8_below too: persistent absence up 4.5 points a year to 2024-25;
its sixth form's A level value added is significantly below average from 2023-24),
widening_boys_gap (Hartfield Primary School: its boys fall further behind girls in RWM every year, the school's own
figure unchanged).
Small cohorts: one primary with a Year 6 of about 4 (whole cohort SUPP) and two of about 8.
Planted support decisions since the graded era (the recent inspections are in `recent_inspections.PLANTED_RECENT`):
  report_card_urgent_improvement  junior school RI in March 2024, January 2026 report card with three areas at urgent
                                  improvement (no category of concern): below good on the report card, not the grade
  report_card_needs_attention     infant school graded good, report card with three areas needing attention: below good
  report_card_one_area            primary graded good, report card with one area needing attention: good but of concern
  ungraded_standards_declined     primary graded good, 2025 ungraded inspection 'Some aspects not as strong'
  sub_judgements_below_good       primary graded good, 2024-25 inspection with quality of education requires improvement
  adviser_concern                 primary graded good whose adviser judges capacity secure but flags attendance
Planted data risk: missing_year_decline (KS2 2022-23 whole cohort suppressed, then a fall of well over 5 points from
2023-24 to 2024-25: the declining-trend flag cannot be judged on two years).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from . import inspections as insp
from .factory import EstablishmentNumbers, Spec, grade_for, materialise, sizes
from .world import KINGSMERE_CODE, KINGSMERE_NAME, LocalAuthority, School, stream

KINGSMERE = LocalAuthority(
    code=KINGSMERE_CODE,
    name=KINGSMERE_NAME,
    gor_code="J",
    gor_name="South East",
    fsm_mean=0.19,
    effect=0.12,
    postcode_area="KM",
)
TOWNS = (
    "Kingsmere",
    "Ashcombe",
    "Bramley Vale",
    "Castlebury",
    "Dunmere",
    "Eastwick",
    "Fenbridge",
    "Hartfield",
    "Kesworth",
    "Marwick",
    "Northwood",
    "Oakhurst",
    "Pennington",
    "Rookley",
    "Stanmere",
    "Thornbury",
    "Upwell",
    "Westcombe",
    "Alderbrook",
    "Holbrook",
    "Linmere",
    "Sandwick",
    "Millbury",
    "Foxley",
)
TRUSTS = (
    "KINGSMERE LEARNING TRUST",
    "MERIDIAN SCHOOLS PARTNERSHIP",
    "HOLY CROSS CATHOLIC MULTI ACADEMY TRUST",
    "DIOCESE OF KINGSMERE ACADEMIES TRUST",
    "THE VALE EDUCATION TRUST",
)
THIS_TERM = (date(2024, 4, 16), date(2024, 7, 2))  # report term publications (summer 2024)


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _events(*pairs: tuple[str, int]) -> list[tuple[date, int]]:
    return [(insp.term_day(_d(day)), grade) for day, grade in pairs]


def _planted(rng) -> list[Spec]:
    def size(kind: str) -> tuple[int, int, int]:
        return sizes(kind, rng)

    ks2, _, nor = size("primary")
    specs = [
        Spec(
            "primary",
            34,
            "Ashcombe",
            name="Ashcombe Primary School",
            ks2_cohort=max(ks2, 28),
            nor=max(nor, 200),
            fsm_rate=0.18,
            quality=0.3,
            conversion_date=_d("2022-09-01"),
            predecessor_type=1,
            trust_name=TRUSTS[0],
            roles=("conversion_a",),
            events=_events(("2008-03-11", 2), ("2012-06-12", 2), ("2017-01-17", 2), ("2024-05-14", 2)),
        ),
        Spec(
            "secondary",
            34,
            "Castlebury",
            name="Castlebury School",
            successor_name="Castlebury Academy",
            ks4_cohort=190,
            nor=1150,
            fsm_rate=0.24,
            quality=-0.2,
            conversion_date=_d("2023-04-01"),
            predecessor_type=5,
            trust_name=TRUSTS[1],
            roles=("conversion_b",),
            events=_events(
                ("2007-05-15", 3), ("2009-10-13", 2), ("2013-11-12", 3), ("2016-01-19", 2), ("2022-03-08", 3)
            ),
        ),
        Spec(
            "primary",
            34,
            "Fenbridge",
            religious="Church of England",
            name="Fenbridge Church of England Primary School",
            ks2_cohort=30,
            nor=215,
            fsm_rate=0.12,
            quality=0.6,
            conversion_date=_d("2023-09-01"),
            predecessor_type=2,
            trust_name=TRUSTS[3],
            roles=("conversion_c",),
            events=_events(("2009-02-10", 1), ("2022-10-04", 2)),
        ),
        Spec(
            "primary",
            35,
            "Kingsmere",
            name="Kingsmere Meadows Primary School",
            ks2_cohort=0,
            nor=96,
            fsm_rate=0.2,
            quality=-0.3,
            open_date=_d("2023-09-01"),
            reason_opened="Academy Free School",
            trust_name=TRUSTS[0],
            roles=("new_school",),
            new_school=True,
            events=_events(("2024-06-11", 3)),
        ),
        Spec(
            "primary",
            1,
            "Upwell",
            name="Upwell Village Primary School",
            ks2_cohort=7,
            nor=52,
            fsm_rate=0.15,
            quality=-0.1,
            open_date=_d("1967-09-01"),
            close_date=_d("2022-08-31"),
            reason_closed="Closure",
            roles=("closed_school",),
            closed=True,
            events=_events(("2009-03-10", 2), ("2013-09-24", 2), ("2018-05-15", 3)),
        ),
        Spec(
            "primary",
            1,
            "Rookley",
            name="Rookley Primary School",
            ks2_cohort=45,
            nor=330,
            fsm_rate=0.38,
            quality=-0.9,
            roles=("special_measures",),
            events=_events(
                ("2009-11-10", 2), ("2013-05-14", 3), ("2015-06-09", 2), ("2019-06-11", 3), ("2023-10-10", 4)
            ),
            concerns={insp.term_day(_d("2023-10-10")): "SM"},
        ),
        Spec(
            "secondary",
            1,
            "Northwood",
            name="Northwood High School",
            ks4_cohort=165,
            nor=830,
            fsm_rate=0.33,
            quality=-0.7,
            roles=("serious_weaknesses",),
            events=_events(
                ("2008-01-15", 2), ("2012-02-07", 3), ("2014-03-11", 2), ("2018-10-09", 2), ("2024-04-23", 4)
            ),
            concerns={insp.term_day(_d("2024-04-23")): "SWK"},
        ),
        Spec(
            "primary",
            1,
            "Hartfield",
            name="Hartfield Primary School",
            ks2_cohort=58,
            nor=420,
            fsm_rate=0.27,
            quality=-0.45,
            roles=("ri_twice", "new_headteacher"),
            risks=("widening_boys_gap",),
            events=_events(
                ("2008-06-10", 2), ("2012-11-13", 2), ("2016-10-11", 2), ("2019-11-12", 3), ("2022-05-10", 3)
            ),
        ),
        Spec(
            "primary",
            1,
            "Stanmere",
            name="Stanmere Primary School",
            ks2_cohort=30,
            nor=205,
            fsm_rate=0.31,
            quality=-0.6,
            roles=("ri_persistent", "acting_headteacher"),
            events=_events(
                ("2007-03-13", 3),
                ("2009-10-13", 3),
                ("2012-03-13", 3),
                ("2014-06-10", 3),
                ("2017-02-07", 3),
                ("2019-10-15", 3),
                ("2022-01-18", 3),
            ),
        ),
        Spec(
            "primary",
            1,
            "Oakhurst",
            name="Oakhurst Primary School",
            ks2_cohort=50,
            nor=360,
            fsm_rate=0.22,
            quality=0.0,
            risks=("ks2_progress_below",),
            events=_events(("2010-05-11", 2), ("2014-02-11", 2), ("2018-03-13", 2), ("2022-03-15", 2)),
        ),
        Spec(
            "secondary",
            5,
            "Thornbury",
            name="Thornbury School",
            ages=(11, 18),  # its roll of 1240 includes a sixth form
            ks4_cohort=200,
            nor=1240,
            fsm_rate=0.2,
            quality=0.1,
            risks=("p8_below", "rising_persistent_absence"),
            events=_events(("2010-11-09", 2), ("2014-10-14", 2), ("2019-02-05", 2)),
        ),
        Spec(
            "primary",
            1,
            "Kesworth",
            name="Kesworth Primary School",
            ks2_cohort=44,
            nor=320,
            fsm_rate=0.17,
            quality=0.4,
            risks=("declining_trend",),
            events=_events(("2008-05-13", 2), ("2013-06-11", 1)),
        ),
        Spec(
            "primary",
            1,
            "Dunmere",
            name="Dunmere Primary School",
            ks2_cohort=60,
            nor=430,
            fsm_rate=0.3,
            quality=0.2,
            risks=("widening_gap",),
            final_grade=2,
        ),
        Spec(
            "primary",
            3,
            "Pennington",
            religious="Church of England",
            name="Pennington CofE Primary School",
            ks2_cohort=4,
            nor=38,
            fsm_rate=0.1,
            quality=0.2,
            final_grade=2,
        ),
        Spec(
            "primary",
            1,
            "Westcombe",
            name="Westcombe Village Primary School",
            ks2_cohort=8,
            nor=64,
            fsm_rate=0.12,
            quality=0.3,
            final_grade=1,
        ),
        Spec(
            "primary",
            2,
            "Linmere",
            name="Linmere Church of England Primary School",
            religious="Church of England",
            ks2_cohort=9,
            nor=70,
            fsm_rate=0.1,
            quality=0.1,
            final_grade=2,
        ),
        Spec(
            "primary",
            2,
            "Marwick",
            religious="Roman Catholic",
            name="St Thérèse’s Catholic Primary School",
            ks2_cohort=30,
            nor=212,
            fsm_rate=0.16,
            quality=0.5,
            final_grade=1,
            roles=("curly_name",),
        ),
        Spec(
            "special",
            7,
            "Brackley",
            name="Brackley House School",
            ages=(4, 19),
            ks2_cohort=10,
            ks4_cohort=14,
            nor=150,
            fsm_rate=0.42,
            quality=0.0,
            final_grade=2,
            risks=("lowcov",),
        ),
        *_planted_support_decisions(),
        Spec(
            "special",
            44,
            "Alderbrook",
            name="Alderbrook Park School",
            ages=(11, 19),
            ks4_cohort=12,
            nor=110,
            fsm_rate=0.45,
            quality=0.1,
            conversion_date=_d("2016-04-01"),
            predecessor_type=7,
            trust_name=TRUSTS[4],
            final_grade=2,
            latest=_d("2021-11-16"),
            risks=("no_entries",),
        ),
    ]
    return specs


def _planted_support_decisions() -> list[Spec]:
    """Good and RI schools whose latest inspection (planted in recent_inspections) or adviser moves their support."""

    def school(kind: str, town: str, name: str, role_or_risk: str, events, *, risk: bool = False, **extra) -> Spec:
        return Spec(
            kind,
            1,
            town,
            name=name,
            ks2_cohort=0 if kind == "infant" else 32,
            nor=180 if kind == "infant" else 240,
            fsm_rate=0.2,
            events=_events(*events),
            roles=() if risk else (role_or_risk,),
            risks=(role_or_risk,) if risk else (),
            **extra,
        )

    return [
        school(
            "junior",
            "Holbrook",
            "Holbrook Junior School",
            "report_card_urgent_improvement",
            (("2015-05-12", 2), ("2019-11-19", 2), ("2024-03-12", 3)),
            quality=-0.4,
        ),
        school(
            "infant",
            "Sandwick",
            "Sandwick Infant School",
            "report_card_needs_attention",
            (("2014-03-11", 2), ("2020-10-13", 2)),
            quality=0.1,
        ),
        school(
            "primary",
            "Millbury",
            "Millbury Church Lane Primary School",
            "report_card_one_area",
            (("2016-02-09", 2), ("2021-11-16", 2)),
            quality=0.2,
        ),
        school(
            "primary",
            "Foxley",
            "Foxley Green Primary School",
            "ungraded_standards_declined",
            (("2013-06-11", 2), ("2018-06-12", 2)),
            quality=0.1,
        ),
        school(
            "primary",
            "Linmere",
            "Linmere Fields Primary School",
            "sub_judgements_below_good",
            (("2014-10-14", 2), ("2019-01-22", 2)),
            quality=-0.1,
        ),
        school(
            "primary",
            "Thornbury",
            "Thornbury Park Primary School",
            "adviser_concern",
            (("2012-11-13", 2), ("2018-03-06", 2), ("2023-02-07", 2)),
            quality=0.2,
        ),
        school(
            "junior",
            "Eastwick",
            "Eastwick Junior School",
            "missing_year_decline",
            (("2013-02-12", 2), ("2018-10-09", 2)),
            risk=True,
            quality=0.4,
        ),
    ]


def _random_specs(rng) -> list[Spec]:
    """The unremarkable majority, in the proportions of the service specification."""
    specs: list[Spec] = []

    def quality() -> float:
        return rng.gauss(KINGSMERE.effect, 0.55)

    def fsm() -> float:
        return min(0.7, max(0.03, KINGSMERE.fsm_mean * rng.lognormvariate(0, 0.45)))

    def add(kind: str, type_code: int, religious: str = "Does not apply", **extra) -> None:
        ks2, ks4, nor = sizes(kind, rng)
        if kind in ("primary", "junior") and ks2 < 11:
            ks2, nor = 15, 105  # keep the planted small cohorts the only ones
        q = quality()
        spec = Spec(
            kind,
            type_code,
            rng.choice(TOWNS),
            religious=religious,
            ks2_cohort=ks2,
            ks4_cohort=ks4,
            nor=nor,
            fsm_rate=fsm(),
            quality=q,
            final_grade=grade_for(q, rng),
            **extra,
        )
        if type_code in (28, 34, 44):
            spec.conversion_date = date(rng.randint(2011, 2020), rng.choice((1, 4, 9)), 1)
            spec.predecessor_type = {28: 1, 34: rng.choice((1, 1, 1, 2, 3, 5)), 44: 7}[type_code]
            spec.trust_name = rng.choice(TRUSTS)
            if spec.final_grade == 4:
                spec.final_grade = 3
            latest = insp.latest_date_for(rng, spec.final_grade, spec.conversion_date + timedelta(days=400))
            spec.latest = min(latest, insp.LATEST_START)
        if spec.final_grade == 4:  # the LA's only inadequate schools are the planted SM and SWK ones
            spec.final_grade = 3
        specs.append(spec)

    for _ in range(6):
        add("infant", 1)
    for _ in range(6):
        add("junior", rng.choice((1, 3)))
    for _ in range(40):
        add("primary", 1)
    for _ in range(9):
        add("primary", 5)
    for _ in range(6):
        add("primary", 3, "Church of England")
    for _ in range(6):
        add("primary", 2, "Church of England")
    for _ in range(5):
        add("primary", 2, "Roman Catholic")
    for _ in range(14):
        add("primary", 34, rng.choice(("Does not apply", "Does not apply", "Church of England")))
    for _ in range(2):
        add("primary", 28)
    add("secondary", 2, "Roman Catholic")
    add("secondary", 34)
    add("secondary", 34, "Church of England")
    add("secondary", 28)
    add("all_through", 1)
    for _ in range(2):
        add("nursery", 15)
    add("pru", 14)
    return specs


def _independents(rng) -> list[Spec]:
    """Independent and non-maintained special schools: in GIAS, census and the KS4 file, never in LA rows."""
    specs = []
    for kind, type_code, name, gender in (
        ("independent", 11, "Kingsmere College", "Mixed"),
        ("independent", 11, "Ashcombe House School", "Girls"),
        ("independent_special", 10, "Hollins Grange School", "Mixed"),
        ("nmss", 8, "The Mere School", "Mixed"),
    ):
        ks2, ks4, nor = sizes(kind, rng)
        grade = grade_for(0.2, rng) if kind == "nmss" else None
        specs.append(
            Spec(
                kind,
                type_code,
                rng.choice(TOWNS),
                name=name,
                gender=gender,
                ks2_cohort=ks2,
                ks4_cohort=ks4,
                nor=nor,
                fsm_rate=0.03,
                quality=rng.gauss(0.3, 0.5),
                final_grade=grade,
                religious="None",
            )
        )
    return specs


def build_kingsmere(seed: int) -> tuple[LocalAuthority, list[School]]:
    rng = stream(seed, "kingsmere")
    planted = _planted(rng)
    ordinary = _random_specs(rng)
    # some ordinary maintained schools were inspected this term, so the committee report has movements
    candidates = [s for s in ordinary if s.final_grade and s.conversion_date is None and s.kind != "pru"]
    for index, spec in enumerate(rng.sample(candidates, 6)):
        spec.latest = THIS_TERM[0] + timedelta(days=rng.randint(0, (THIS_TERM[1] - THIS_TERM[0]).days))
        if index < 2:  # one improves to outstanding, one declines to RI, so movement goes both ways
            spec.final_grade = (1, 3)[index]
    specs = [*ordinary, *_independents(rng), *planted]
    # the new school was registered last, so it has the highest URN
    specs.sort(key=lambda s: s.new_school)
    urns = count(900001)
    estabs = EstablishmentNumbers()
    taken = {name for spec in specs for name in (spec.name, spec.successor_name) if name}
    schools: list[School] = []
    for site, spec in enumerate(specs, start=1):
        schools.extend(materialise(seed, KINGSMERE, spec, KINGSMERE_CODE * 100000 + site, urns, estabs, taken))
    return KINGSMERE, schools
