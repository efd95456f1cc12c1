"""Ofsted inspections after the graded era: 'Not judged' with sub-judgements (2 Sep 2024 - 9 Nov 2025),
ungraded visits, and report cards (from 10 Nov 2025), up to the latest MI snapshot (28 February 2026).

Kept apart from `School.inspections` (the graded history to 31 August 2024) so that every planted role
stays as it was: planted and risk schools get no random recent inspection, and no Kingsmere school gets a
category of concern, so the schools in a category are still exactly the planted SM and SWK ones. Random
inspections never give an inadequate key judgement or an 'urgent improvement' area without a category of concern
(Ofsted places such a school in a category). A school in another LA is given a report card with a category of
concern (RSI, requires significant improvement) and one 'Not judged' SWK to exercise the codes.

PLANTED_RECENT gives the Kingsmere schools planted for the support decisions (kingsmere.py) one explicit recent
inspection each: a report card with three areas at urgent improvement, one with three needing attention, one with
a single area needing attention, an ungraded inspection whose outcome says standards may have declined, and a
2024-25 inspection with one key judgement requiring improvement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .factory import inspection_serial
from .world import KINGSMERE_CODE, School, World, stream

LATEST_AS_AT = date(2026, 2, 28)
YTD_2025_AS_AT = date(2025, 8, 31)
UNGRADED_FROM = date(2024, 9, 2)
REPORT_CARDS_FROM = date(2025, 11, 10)
NOT_JUDGED = "Not judged"
SCALE = ("Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement")
AREAS = (
    "inclusion",
    "curriculum_and_teaching",
    "achievement",
    "attendance_and_behaviour",
    "personal_development_and_wellbeing",
    "early_years",
    "post_16_provision",
    "leadership_and_governance",
)
# kinds: 'not_judged' (S5, sub-judgements), 'ungraded' (S8 outcome), 'report_card'
REPORT_CARD_CONCERN = "RSI"
CONCERN_KIND = {REPORT_CARD_CONCERN: "report_card", "SWK": "not_judged"}
NOT_APPLICABLE_UNLESS = {"early_years": ("Primary", "Nursery"), "post_16_provision": ("Secondary", "All-through")}
_KINGSMERE_PLAN = ("not_judged",) * 7 + ("ungraded",) * 5 + ("not_judged_autumn",) * 3 + ("report_card",) * 9


@dataclass(frozen=True)
class RecentInspection:
    urn: int
    inspection_number: str
    kind: str  # 'not_judged' | 'ungraded' | 'report_card'
    inspection_type: str
    start_date: date
    end_date: date
    publication_date: date
    quality_of_education: int | None = None
    behaviour_and_attitudes: int | None = None
    personal_development: int | None = None
    leadership_and_management: int | None = None
    safeguarding_effective: str | None = None
    category_of_concern: str | None = None
    ungraded_outcome: str | None = None
    safeguarding_standards: str | None = None
    areas: dict[str, str] = field(default_factory=dict)

    @property
    def regime(self) -> str:
        if self.start_date >= REPORT_CARDS_FROM:
            return "report_card"
        return "ungraded_sub_judgements" if self.start_date >= UNGRADED_FROM else "graded"


def _eligible(school: School) -> bool:
    return (
        school.is_state_funded
        and school.establishment_type.ofsted_type != ""
        and school.close_date is None
        and not school.roles
        and not school.risks
        and not school.new_school
        and school.is_open_on(date(2024, 9, 1))
    )


def _weekday(day: date) -> date:
    while day.weekday() not in (1, 2):
        day += timedelta(days=1)
    return day


def _between(rng, first: date, last: date) -> date:
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    day = _weekday(day)
    if (day.month == 12 and day.day > 15) or (day.month == 1 and day.day < 8):
        day = _weekday(date(day.year + (day.month == 12), 1, 13))
    return min(day, last)


def _grade(school: School) -> int:
    latest = school.latest_graded_inspection
    return latest.overall_effectiveness if latest else 2


def _make(school: School, kind: str, index: int, rng, concern: str | None = None) -> RecentInspection:
    grade = _grade(school)
    if kind == "not_judged":
        start = _between(rng, date(2024, 9, 17), date(2025, 7, 8))
    elif kind == "not_judged_autumn":
        start, kind = _between(rng, date(2025, 9, 9), date(2025, 11, 5)), "not_judged"
    elif kind == "ungraded":
        start = _between(rng, date(2024, 9, 17), date(2025, 10, 15))
    else:
        start = _between(rng, date(2025, 11, 18), date(2026, 1, 28))
    end = start + timedelta(days=1)
    publication = end + timedelta(days=rng.randint(20, 30))
    while publication.weekday() >= 5:
        publication += timedelta(days=1)
    number = inspection_serial(school.urn, 30 + index)
    common = dict(
        urn=school.urn, inspection_number=number, start_date=start, end_date=end, publication_date=publication
    )
    if kind == "not_judged":

        def near() -> int:  # an inadequate key judgement comes only with a category of concern
            return min(3, max(1, grade + rng.choice((-1, 0, 0, 0, 1))))

        sub = (near(), near(), near(), near())
        if concern == "SWK":
            sub = (4, 3, 3, 3)
        return RecentInspection(
            kind=kind,
            inspection_type="S5 Inspection",
            quality_of_education=sub[0],
            behaviour_and_attitudes=sub[1],
            personal_development=sub[2],
            leadership_and_management=sub[3],
            safeguarding_effective="Yes",
            category_of_concern=concern,
            **common,
        )
    if kind == "ungraded":
        outcome = rng.choices(
            ("Standards maintained", "Improved significantly", "Some aspects not as strong"), weights=(8, 1, 1)
        )[0]
        return RecentInspection(kind=kind, inspection_type="S8 Inspection", ungraded_outcome=outcome, **common)
    centre = {1: 1, 2: 2, 3: 3, 4: 3}[grade]
    areas = {}
    for area in AREAS:
        if area in NOT_APPLICABLE_UNLESS and school.phase not in NOT_APPLICABLE_UNLESS[area]:
            areas[area] = "Not applicable"
        else:
            # 'Urgent improvement' comes only with a category of concern (below)
            areas[area] = SCALE[min(3, max(0, centre + rng.choice((-1, 0, 0, 0, 1))))]
    if concern is not None:
        areas = {a: ("Urgent improvement" if v != "Not applicable" else v) for a, v in areas.items()}
    return RecentInspection(
        kind="report_card",
        inspection_type="S5 Inspection",
        category_of_concern=concern,
        safeguarding_standards="Not met" if concern == "SM" else "Met",
        areas=areas,
        **common,
    )


def _card(*graded: str, early_years: str = "Not applicable") -> dict[str, str]:
    """Report-card areas in AREAS order (early years and post-16 apart), post-16 not applicable (primary schools)."""
    core = dict(zip((a for a in AREAS if a not in NOT_APPLICABLE_UNLESS), graded, strict=True))
    return {**core, "early_years": early_years, "post_16_provision": "Not applicable"}


UI, NA, EX, ST = "Urgent improvement", "Needs attention", "Expected standard", "Strong standard"
# role -> (kind, start date, publication date, what the inspection records)
PLANTED_RECENT: dict[str, tuple[str, date, date, dict]] = {
    "report_card_urgent_improvement": (
        "report_card",
        date(2025, 12, 2),
        date(2026, 1, 13),
        {"areas": _card(UI, UI, UI, EX, EX, NA), "safeguarding_standards": "Met"},
    ),
    "report_card_needs_attention": (
        "report_card",
        date(2026, 1, 20),
        date(2026, 2, 17),
        {"areas": _card(NA, NA, NA, EX, ST, EX, early_years=EX), "safeguarding_standards": "Met"},
    ),
    "report_card_one_area": (
        "report_card",
        date(2025, 11, 25),
        date(2026, 1, 6),
        {"areas": _card(EX, NA, EX, ST, EX, EX, early_years=ST), "safeguarding_standards": "Met"},
    ),
    "ungraded_standards_declined": (
        "ungraded",
        date(2025, 6, 10),
        date(2025, 7, 8),
        {"ungraded_outcome": "Some aspects not as strong"},
    ),
    "sub_judgements_below_good": (
        "not_judged",
        date(2025, 3, 11),
        date(2025, 4, 10),
        {
            "quality_of_education": 3,
            "behaviour_and_attitudes": 2,
            "personal_development": 2,
            "leadership_and_management": 2,
            "safeguarding_effective": "Yes",
        },
    ),
}
_INSPECTION_TYPE = {"report_card": "S5 Inspection", "ungraded": "S8 Inspection", "not_judged": "S5 Inspection"}


def planted_recent(world: World) -> dict[int, RecentInspection]:
    """The planted support-decision schools' recent inspections (PLANTED_RECENT), by URN."""
    planted = {}
    for role, (kind, start, published, recorded) in PLANTED_RECENT.items():
        school = world.with_role(role)
        planted[school.urn] = RecentInspection(
            urn=school.urn,
            inspection_number=inspection_serial(school.urn, 30),
            kind=kind,
            inspection_type=_INSPECTION_TYPE[kind],
            start_date=start,
            end_date=start + timedelta(days=1),
            publication_date=published,
            **recorded,
        )
    return planted


def recent_inspections(world: World) -> dict[int, tuple[RecentInspection, ...]]:
    """URN -> inspections since 2 September 2024 (published by LATEST_AS_AT), deterministic for the seed."""
    result: dict[int, list[RecentInspection]] = {}
    kingsmere = [s for s in world.kingsmere if _eligible(s)]
    plan_rng = stream(world.seed, "ofsted-recent", "kingsmere-plan")
    chosen = plan_rng.sample(kingsmere, min(len(_KINGSMERE_PLAN), len(kingsmere)))
    for school, kind in zip(chosen, _KINGSMERE_PLAN, strict=False):
        rng = stream(world.seed, "ofsted-recent", school.urn)
        result.setdefault(school.urn, []).append(_make(school, kind, 0, rng))
    concerns_left = [REPORT_CARD_CONCERN, "SWK"]
    for school in world.schools:
        if school.la_code == KINGSMERE_CODE or not _eligible(school):
            continue
        rng = stream(world.seed, "ofsted-recent", school.urn)
        roll = rng.random()
        if roll < 0.16:
            kind = "not_judged"
        elif roll < 0.26:
            kind = "ungraded"
        elif roll < 0.31:
            kind = "not_judged_autumn"
        elif roll < 0.41:
            kind = "report_card"
        else:
            continue
        concern = None
        if concerns_left and CONCERN_KIND[concerns_left[0]] == kind:
            concern = concerns_left.pop(0)
        result.setdefault(school.urn, []).append(_make(school, kind, 0, rng, concern))
    for urn, inspection in planted_recent(world).items():
        result.setdefault(urn, []).append(inspection)
    return {urn: tuple(sorted(items, key=lambda i: i.start_date)) for urn, items in result.items()}
