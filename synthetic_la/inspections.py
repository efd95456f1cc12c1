"""Ofsted inspection histories (graded regime, up to 31 August 2024).

A history is a list of graded events (date, grade); `expand` adds the ungraded section 8 visits that sit
between them (short inspections of good schools, monitoring of schools in a category) and the EIF
sub-judgements (from September 2019). URNs and inspection numbers are attached later, when the
history is split at a conversion date and the whole world is numbered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .world import OFSTED_AS_AT, Inspection

EIF_START = date(2019, 9, 1)
SHORT_INSPECTIONS_FROM = date(2015, 9, 1)
LATEST_START = OFSTED_AS_AT - timedelta(days=50)  # every publication falls on or before the as-at date

GRADED = "S5 Inspection"
SHORT = "S8 Inspection"
MONITORING = "S8 Monitoring Inspection"


@dataclass(frozen=True)
class Draft:
    start: date
    kind: str  # GRADED | SHORT | MONITORING
    grade: int | None
    concern: str | None  # 'SM' | 'SWK' for grade 4


def term_day(day: date) -> date:
    """Move a date into term time, onto a Tuesday or Wednesday, and no later than LATEST_START."""
    if day > LATEST_START:
        day = LATEST_START
    if day.month == 8:
        day = date(day.year, 9, 16)
    if (day.month == 12 and day.day > 15) or (day.month == 1 and day.day < 8):
        day = date(day.year + (1 if day.month == 12 else 0), 1, 10)
    while day.weekday() not in (1, 2):
        day += timedelta(days=1)
    if day > LATEST_START:  # moved past the cap: step back a week at a time
        while day > LATEST_START:
            day -= timedelta(days=7)
    return day


def _years(n: float) -> timedelta:
    return timedelta(days=int(n * 365.25))


def _drift(rng: random.Random, grade: int) -> int:
    """Grade at the previous inspection, given this one: mostly the same, sometimes one step away.

    Inadequate is rarely repeated: a school in a category is re-inspected after monitoring and usually
    comes out RI (or converts), so an earlier grade 4 is only drawn behind a current 2 or 3.
    """
    roll = rng.random()
    if grade == 4:
        return 3
    if roll < 0.55:
        return grade
    if grade == 1:
        return 2
    if roll < 0.80:
        return grade - 1
    if grade == 3:
        return 4 if rng.random() < 0.15 else 2
    return 3


_GAP_YEARS = {1: (4.5, 8.0), 2: (3.3, 5.0), 3: (1.8, 2.6), 4: (1.4, 2.0)}


def random_events(rng: random.Random, final_grade: int, latest: date, earliest: date) -> list[tuple[date, int]]:
    """Graded events ending with (latest, final_grade), walking back to `earliest`."""
    events = [(term_day(latest), final_grade)]
    day, grade = events[0]
    while True:
        previous = _drift(rng, grade)
        day = day - _years(rng.uniform(*_GAP_YEARS[previous]))
        if day < earliest:
            break
        events.insert(0, (term_day(day), previous))
        grade = previous
    return events


def latest_date_for(rng: random.Random, grade: int, not_before: date) -> date:
    """When a school with this current grade was last inspected (outstanding schools were long exempt)."""
    window = {1: (2012.0, 2024.5), 2: (2017.5, 2024.5), 3: (2021.5, 2024.5), 4: (2022.3, 2024.5)}[grade]
    year = rng.uniform(*window)
    day = date(int(year), 1, 1) + timedelta(days=int((year % 1) * 365))
    return max(day, not_before)


def expand(rng: random.Random, events: list[tuple[date, int]], concerns: dict[date, str] | None = None) -> list[Draft]:
    """Graded events plus the ungraded visits between them; `concerns` fixes SM/SWK for given dates."""
    concerns = concerns or {}
    drafts: list[Draft] = []
    for index, (day, grade) in enumerate(events):
        concern = None
        if grade == 4:
            concern = concerns.get(day) or ("SM" if rng.random() < 0.55 else "SWK")
        drafts.append(Draft(day, GRADED, grade, concern))
        following = events[index + 1][0] if index + 1 < len(events) else LATEST_START
        if grade == 4:
            visit = day + timedelta(days=rng.randint(120, 170))
            while visit < following - timedelta(days=60):
                drafts.append(Draft(term_day(visit), MONITORING, None, None))
                visit += timedelta(days=rng.randint(130, 190))
        elif grade in (1, 2) and day >= date(2011, 9, 1):
            midpoint = day + (following - day) / 2
            if midpoint >= SHORT_INSPECTIONS_FROM and following - day > _years(2.5) and rng.random() < 0.5:
                drafts.append(Draft(term_day(midpoint), SHORT, None, None))
    drafts.sort(key=lambda d: d.start)
    # term_day may collapse two visits onto one day; keep the first
    unique: list[Draft] = []
    for draft in drafts:
        if not unique or draft.start > unique[-1].start + timedelta(days=20):
            unique.append(draft)
    return unique


def realise(rng: random.Random, draft: Draft, urn: int, number: str) -> Inspection:
    """Dates, sub-judgements and safeguarding for one inspection."""
    end = draft.start + timedelta(days=1)
    publication = min(end + timedelta(days=rng.randint(18, 40)), OFSTED_AS_AT)
    while publication.weekday() >= 5:  # reports are published on working days
        publication -= timedelta(days=1)
    grade = draft.grade
    qoe = ba = pd = lm = None
    safeguarding = None
    if grade is not None:
        lm = grade
        if draft.concern == "SWK":
            lm = 3  # serious weaknesses: leaders judged able to improve
        if draft.start >= EIF_START:
            qoe = grade
            ba = max(1, grade - 1) if rng.random() < 0.3 else grade
            pd = max(1, grade - 1) if rng.random() < 0.4 else grade
            if grade == 4:
                ba, pd = 3, 3
            safeguarding = "No" if draft.concern == "SM" else "Yes"
    return Inspection(
        urn=urn,
        inspection_number=number,
        inspection_type=draft.kind,
        start_date=draft.start,
        end_date=end,
        publication_date=publication,
        overall_effectiveness=grade,
        category_of_concern=draft.concern,
        quality_of_education=qoe,
        behaviour_and_attitudes=ba,
        personal_development=pd,
        leadership_and_management=lm,
        safeguarding_effective=safeguarding,
    )
