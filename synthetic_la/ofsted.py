"""Ofsted management information: state-funded schools, all inspections as at 31 August 2024 (graded
history), year-to-date files for 2024-25 and 2025-26, and the latest-inspections file as at 28 Feb 2026.

One row per inspection under the URN the school had on the day (so a converted academy's earlier history
sits under its predecessor URN). Windows-1252, literal 'NULL' for missing values, dates DD/MM/YYYY,
grades as numbers 1-4, category of concern 'SM' / 'SWK'. Graded (OEIF) regime only: every publication
is on or before the as-at date, before single-word judgements were removed (2 September 2024).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .recent_inspections import LATEST_AS_AT, RecentInspection, recent_inspections
from .world import School, World

# the as-at date in the name is spelt out, not strftime(%b), which follows the locale
FILE_NAME = "Management_information_-_state-funded_schools_-_all_inspections_as_at_31_Aug_2024.csv"
HEADER = [
    "URN",
    "LAESTAB",
    "School name",
    "Ofsted phase",
    "Type of education",
    "Local authority",
    "Inspection number",
    "Inspection type",
    "Inspection start date",
    "Inspection end date",
    "Publication date",
    "Overall effectiveness",
    "Category of concern",
    "Quality of education",
    "Behaviour and attitudes",
    "Personal development",
    "Effectiveness of leadership and management",
    "Safeguarding is effective?",
]
NULL = "NULL"


def ofsted_phase(school: School) -> str:
    if school.type_code == 14:
        return "Alternative provision"
    if school.is_special or school.is_nmss:
        return "Special"
    if school.phase == "Nursery":
        return "Nursery"
    return "Primary" if school.phase == "Primary" else "Secondary"


def _date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _value(value: object) -> str:
    return NULL if value is None else str(value)


def rows(world: World) -> Iterable[list[str]]:
    for school in world.schools:
        if not school.inspections:
            continue
        phase = ofsted_phase(school)
        kind = school.establishment_type.ofsted_type
        for i in school.inspections:
            yield [
                str(school.urn),
                str(school.laestab),
                school.name,
                phase,
                kind,
                school.la_name,
                i.inspection_number,
                i.inspection_type,
                _date(i.start_date),
                _date(i.end_date),
                _date(i.publication_date),
                _value(i.overall_effectiveness),
                _value(i.category_of_concern),
                _value(i.quality_of_education),
                _value(i.behaviour_and_attitudes),
                _value(i.personal_development),
                _value(i.leadership_and_management),
                _value(i.safeguarding_effective),
            ]


# --- after the graded era: year-to-date all-inspections files and the Feb 2026 latest-inspections file ---


YTD_2025_FILE_NAME = (
    "Management_information_-_state-funded_schools_-_all_inspections_-_year_to_date_as_at_31_Aug_2025.csv"
)
YTD_2026_FILE_NAME = (
    "Management_information_-_state-funded_schools_-_all_inspections_-_year_to_date_as_at_28_Feb_2026.csv"
)
LATEST_FILE_NAME = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_28_Feb_2026.csv"
REPORT_CARD_HEADER = [
    "Safeguarding standards",
    "Inclusion",
    "Curriculum and teaching",
    "Achievement",
    "Attendance and behaviour",
    "Personal development and wellbeing",
    "Early years (where applicable)",
    "Post-16 provision (where applicable)",
    "Leadership and governance",
]
YTD_2025_HEADER = [*HEADER, "Ungraded inspection overall outcome"]
YTD_2026_HEADER = [*YTD_2025_HEADER, *REPORT_CARD_HEADER]
_AREA_ORDER = (
    "inclusion",
    "curriculum_and_teaching",
    "achievement",
    "attendance_and_behaviour",
    "personal_development_and_wellbeing",
    "early_years",
    "post_16_provision",
    "leadership_and_governance",
)


def _recent_row(school: School, i: RecentInspection, *, report_cards: bool) -> list[str]:
    overall = "Not judged" if i.kind == "not_judged" else NULL
    row = [
        str(i.urn),
        str(school.laestab),
        school.name,
        ofsted_phase(school),
        school.establishment_type.ofsted_type,
        school.la_name,
        i.inspection_number,
        i.inspection_type,
        _date(i.start_date),
        _date(i.end_date),
        _date(i.publication_date),
        overall,
        _value(i.category_of_concern),
        _value(i.quality_of_education),
        _value(i.behaviour_and_attitudes),
        _value(i.personal_development),
        _value(i.leadership_and_management),
        _value(i.safeguarding_effective),
        _value(i.ungraded_outcome),
    ]
    if report_cards:
        row += [_value(i.safeguarding_standards), *(i.areas.get(a, NULL) for a in _AREA_ORDER)]
    return row


def ytd_rows(world: World, first: date, last: date, *, report_cards: bool) -> Iterable[list[str]]:
    """One row per recent inspection started in [first, last] (a year-to-date all-inspections file)."""
    recent = recent_inspections(world)
    for school in world.schools:
        for i in recent.get(school.urn, ()):
            if first <= i.start_date <= last:
                yield _recent_row(school, i, report_cards=report_cards)


# Real header of the latest-inspections file (85 columns, FORMATS.md 4e profile of 28 Feb 2026).
LATEST_HEADER = [
    "Web Link (opens in new window)",
    "URN",
    "LAESTAB",
    "School name",
    "Ofsted phase",
    "Type of education",
    "School open date",
    "Admissions policy",
    "Sixth form",
    "Designated religious character",
    "Religious ethos",
    "Faith grouping",
    "Ofsted region",
    "Region",
    "Local authority",
    "Parliamentary constituency",
    "Postcode",
    "Multi-academy trust UID",
    "Multi-academy trust name",
    "Academy sponsor UID",
    "Academy sponsor name",
    "The income deprivation affecting children index (IDACI) quintile",
    "Total number of pupils",
    "Statutory lowest age",
    "Statutory highest age",
    "Inspection number of latest full inspection",
    "Inspection type",
    "Inspection type grouping",
    "Event type grouping",
    "Inspection start date",
    "Publication date",
    "Does the latest full inspection relate to the URN of the current school?",
    "URN at time of latest full inspection",
    "LAESTAB at time of latest full inspection",
    "School name at time of latest full inspection",
    "School type at time of latest full inspection",
    "Category of concern",
    "Safeguarding standards",
    "Safeguarding standards - date of judgement",
    "Inclusion",
    "Inclusion - date of judgement",
    "Curriculum and teaching",
    "Curriculum and teaching - date of judgement",
    "Achievement",
    "Achievement - date of judgement",
    "Attendance and behaviour",
    "Attendance and behaviour - date of judgement",
    "Personal development and wellbeing",
    "Personal development and wellbeing - date of judgement",
    "Early years (where applicable)",
    "Early years - date of judgement",
    "Post-16 provision (where applicable)",
    "Post-16 provision - date of judgement",
    "Leadership and governance",
    "Leadership and governance - date of judgement",
    "Inspection number of latest OEIF graded inspection",
    "Inspection type of latest OEIF graded inspection",
    "Inspection type grouping of latest OEIF graded inspection",
    "Event type grouping of latest OEIF graded inspection",
    "Inspection start date of latest OEIF graded inspection",
    "Publication date of latest OEIF graded inspection",
    "Does the latest OEIF graded inspection relate to the URN of the current school?",
    "URN at time of latest OEIF graded inspection",
    "LAESTAB at time of latest OEIF graded inspection",
    "School name at time of latest OEIF graded inspection",
    "School type at time of latest OEIF graded inspection",
    "Latest OEIF category of concern",
    "Latest OEIF overall effectiveness",
    "Latest OEIF quality of education",
    "Latest OEIF behaviour and attitudes",
    "Latest OEIF personal development",
    "Latest OEIF effectiveness of leadership and management",
    "Latest OEIF  safeguarding is effective?",
    "Latest OEIF early years provision (where applicable)",
    "Latest OEIF sixth form provision (where applicable)",
    "Latest ungraded inspection number",
    "Date of latest ungraded inspection",
    "Ungraded inspection publication date",
    "Does the ungraded inspection relate to the URN of the current school?",
    "URN at time of the ungraded inspection",
    "LAESTAB at time of the ungraded inspection",
    "School name at time of the ungraded inspection",
    "School type at time of the ungraded inspection",
    "Ungraded inspection overall outcome",
    "Most recent category of concern",
]


def _chain(world: World, school: School) -> list[School]:
    chain = [school]
    while chain[-1].predecessor_urn is not None:
        chain.append(world.school(chain[-1].predecessor_urn))
    return chain


def latest_rows(world: World) -> Iterable[list[str]]:
    """One row per open inspected state-funded school: its latest report card, OEIF and ungraded inspection."""
    recent = recent_inspections(world)
    for school in world.schools:
        if not school.is_open_on(LATEST_AS_AT) or not school.establishment_type.ofsted_type:
            continue
        chain = _chain(world, school)
        full = [(s, i) for s in chain for i in s.inspections if i.graded]
        full += [(s, r) for s in chain for r in recent.get(s.urn, ()) if r.kind == "not_judged"]
        cards = [(s, r) for s in chain for r in recent.get(s.urn, ()) if r.kind == "report_card"]
        ungraded = [(s, r) for s in chain for r in recent.get(s.urn, ()) if r.kind == "ungraded"]
        ungraded += [(s, i) for s in chain for i in s.inspections if i.inspection_type == "S8 Inspection"]
        if not (full or cards or ungraded):
            continue
        values = {h: NULL for h in LATEST_HEADER}
        values |= {
            "Web Link (opens in new window)": (
                f"http://www.ofsted.gov.uk/inspection-reports/find-inspection-report/provider/ELS/{school.urn}"
            ),
            "URN": str(school.urn),
            "LAESTAB": str(school.laestab),
            "School name": school.name,
            "Ofsted phase": ofsted_phase(school),
            "Type of education": school.establishment_type.ofsted_type,
            "Local authority": school.la_name,
            "Total number of pupils": str(school.number_of_pupils),
            "Statutory lowest age": str(school.low_age),
            "Statutory highest age": str(school.high_age),
        }
        concern = None
        if cards:
            at, card = max(cards, key=lambda pair: pair[1].start_date)
            values |= {
                "Inspection number of latest full inspection": card.inspection_number,
                "Inspection type": card.inspection_type,
                "Inspection type grouping": "S5 Inspection",
                "Event type grouping": "Schools - S5",
                "Inspection start date": _date(card.start_date),
                "Publication date": _date(card.publication_date),
                "Does the latest full inspection relate to the URN of the current school?": _same(at, school),
                "URN at time of latest full inspection": str(at.urn),
                "Category of concern": _value(card.category_of_concern),
                "Safeguarding standards": _value(card.safeguarding_standards),
            }
            for header, area in zip(REPORT_CARD_HEADER[1:], _AREA_ORDER, strict=True):
                values[header] = card.areas[area]
                values[f"{header.removesuffix(' (where applicable)')} - date of judgement"] = _date(card.end_date)
            values["Safeguarding standards - date of judgement"] = _date(card.end_date)
            concern = card.category_of_concern
        if full:
            at, oeif = max(full, key=lambda pair: pair[1].start_date)
            graded = getattr(oeif, "overall_effectiveness", None)
            conversion = at.urn != school.urn and oeif.start_date.year % 2 == 0
            values |= {
                "Inspection number of latest OEIF graded inspection": oeif.inspection_number,
                "Inspection type of latest OEIF graded inspection": oeif.inspection_type,
                "Inspection type grouping of latest OEIF graded inspection": "S5 Inspection",
                # the real file spells one grouping with an en dash (cp1252 0x96)
                "Event type grouping of latest OEIF graded inspection": (
                    "Schools – Section 8 conversion" if conversion else "Schools - S5"
                ),
                "Inspection start date of latest OEIF graded inspection": _date(oeif.start_date),
                "Publication date of latest OEIF graded inspection": _date(oeif.publication_date),
                "Does the latest OEIF graded inspection relate to the URN of the current school?": _same(at, school),
                "URN at time of latest OEIF graded inspection": str(at.urn),
                "Latest OEIF category of concern": _value(oeif.category_of_concern),
                "Latest OEIF overall effectiveness": "Not judged" if graded is None else str(graded),
                "Latest OEIF quality of education": _value(oeif.quality_of_education),
                "Latest OEIF behaviour and attitudes": _value(oeif.behaviour_and_attitudes),
                "Latest OEIF personal development": _value(oeif.personal_development),
                "Latest OEIF effectiveness of leadership and management": _value(oeif.leadership_and_management),
                "Latest OEIF  safeguarding is effective?": _value(oeif.safeguarding_effective),
                "Latest OEIF early years provision (where applicable)": "9",
                "Latest OEIF sixth form provision (where applicable)": "9",
            }
            concern = concern or oeif.category_of_concern
        after = [(s, u) for s, u in ungraded if not full or u.start_date > max(i.start_date for _, i in full)]
        if after:
            at, visit = max(after, key=lambda pair: pair[1].start_date)
            outcome = getattr(visit, "ungraded_outcome", None) or _legacy_outcome(world, at, visit)
            values |= {
                "Latest ungraded inspection number": visit.inspection_number,
                "Date of latest ungraded inspection": _date(visit.start_date),
                "Ungraded inspection publication date": _date(visit.publication_date),
                "Does the ungraded inspection relate to the URN of the current school?": _same(at, school),
                "URN at time of the ungraded inspection": str(at.urn),
                "Ungraded inspection overall outcome": outcome,
            }
        values["Most recent category of concern"] = _value(concern) if concern else ""
        yield [values[h] for h in LATEST_HEADER]


def _same(at: School, school: School) -> str:
    return "Yes" if at.urn == school.urn else "No"


def _legacy_outcome(world: World, at: School, visit) -> str:
    """Outcome wording of a pre-September-2024 section 8 visit, from the grade it followed."""
    before = [i for i in at.inspections if i.graded and i.start_date < visit.start_date]
    grade = before[-1].overall_effectiveness if before else 2
    return "School remains Outstanding" if grade == 1 else "School remains Good"
