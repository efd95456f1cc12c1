"""Ofsted management information: state-funded schools, all inspections, as at 31 August 2024.

One row per inspection under the URN the school had on the day (so a converted academy's earlier history
sits under its predecessor URN). Windows-1252, literal 'NULL' for missing values, dates DD/MM/YYYY,
grades as numbers 1-4, category of concern 'SM' / 'SWK'. Graded (OEIF) regime only: every publication
is on or before the as-at date, before single-word judgements were removed (2 September 2024).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

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
