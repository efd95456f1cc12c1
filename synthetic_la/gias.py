"""GIAS establishments (edubasealldataYYYYMMDD.csv) and links (links_edubasealldataYYYYMMDD.csv).

Establishments: Windows-1252, every value quoted, dates DD-MM-YYYY, the whole country (all LAs' schools,
open and closed). The header is the 2026 edubasealldata header (DfE sap-public csv_headers) taken back to a
September 2024 extract: OfstedLastInsp and OfstedRating (name) still present (dropped from April 2025
downloads), and FSM, AccreditationExpiryDate, QABName (code), EstablishmentAccredited (code) not yet added.
Code columns whose published code lists we do not hold (reasons opened/closed, religious character,
diocese) carry illustrative codes; the ingest reads the names. An earlier extract (March 2024) lists the
schools open or closed by then, as the LA kept it: comparing the two shows the planted change of headteacher.
Links: predecessor/successor pairs in both directions, LinkEstablishedDate = conversion date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .world import GIAS_EXTRACT_DATE, School, World, stream

HEADER = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (code)",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (code)",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (code)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (code)",
    "ReligiousCharacter (name)",
    "ReligiousEthos (name)",
    "Diocese (code)",
    "Diocese (name)",
    "AdmissionsPolicy (code)",
    "AdmissionsPolicy (name)",
    "SchoolCapacity",
    "SpecialClasses (code)",
    "SpecialClasses (name)",
    "CensusDate",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "TrustSchoolFlag (code)",
    "TrustSchoolFlag (name)",
    "Trusts (code)",
    "Trusts (name)",
    "SchoolSponsorFlag (name)",
    "SchoolSponsors (name)",
    "FederationFlag (name)",
    "Federations (code)",
    "Federations (name)",
    "UKPRN",
    "FEHEIdentifier",
    "FurtherEducationType (name)",
    "OfstedLastInsp",
    "LastChangedDate",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "HeadPreferredJobTitle",
    "BSOInspectorateName (name)",
    "InspectorateReport",
    "DateOfLastInspectionVisit",
    "NextInspectionVisit",
    "TeenMoth (name)",
    "TeenMothPlaces",
    "CCF (name)",
    "SENPRU (name)",
    "EBD (name)",
    "PlacesPRU",
    "FTProv (name)",
    "EdByOther (name)",
    "Section41Approved (name)",
    *[f"SEN{i} (name)" for i in range(1, 14)],
    "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "GOR (code)",
    "GOR (name)",
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "AdministrativeWard (code)",
    "AdministrativeWard (name)",
    "ParliamentaryConstituency (code)",
    "ParliamentaryConstituency (name)",
    "UrbanRural (code)",
    "UrbanRural (name)",
    "GSSLACode (name)",
    "Easting",
    "Northing",
    "MSOA (name)",
    "LSOA (name)",
    "InspectorateName (name)",
    "SENStat",
    "SENNoStat",
    "BoardingEstablishment (name)",
    "PropsName",
    "OfstedRating (name)",
    "PreviousLA (code)",
    "PreviousLA (name)",
    "PreviousEstablishmentNumber",
    "Country (name)",
    "UPRN",
    "SiteName",
    "QABName (name)",
    "EstablishmentAccredited (name)",
    "QABReport",
    "CHNumber",
    "MSOA (code)",
    "LSOA (code)",
]
LINKS_HEADER = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]

_REASON_OPENED = {
    "Not applicable": "00",
    "New Provision": "03",
    "Academy Converter": "10",
    "Academy Sponsor Led": "11",
    "Academy Free School": "12",
}
_REASON_CLOSED = {
    "Not applicable": "00",
    "Closure": "05",
    "Academy Converter": "10",
    "Academy Sponsor Led": "11",
}
_RELIGIOUS = {"Does not apply": "00", "None": "06", "Church of England": "02", "Roman Catholic": "03"}
_GENDER = {"Boys": "1", "Girls": "2", "Mixed": "3"}
_RATING = {1: "Outstanding", 2: "Good", 3: "Requires improvement"}
_HEAD_FIRST = (
    "Alex",
    "Sam",
    "Priya",
    "Tom",
    "Grace",
    "Imran",
    "Helen",
    "Owen",
    "Ruth",
    "Daniel",
    "Aisha",
    "Mark",
)
_HEAD_LAST = ("Okafor", "Turner", "Shah", "Fletcher", "Nowak", "Reid", "Hughes", "Begum", "Walsh", "Carter")


def gias_date(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _rating(school: School, extract_date: date) -> tuple[str, str]:
    latest = school.latest_graded_inspection_by(extract_date)
    if latest is None:
        return "", ""
    grade = latest.overall_effectiveness
    if grade == 4:
        label = "Special Measures" if latest.category_of_concern == "SM" else "Serious Weaknesses"
    else:
        label = _RATING[grade]
    return label, gias_date(latest.start_date)


def _head(school: School, rng, extract_date: date) -> dict[str, str]:
    """The headteacher this extract lists: planted, a new one at Hartfield from the September 2024 extract (March's
    names the previous head) and an acting one at Stanmere."""
    head = {
        "HeadTitle (name)": rng.choice(("Mr", "Mrs", "Ms", "Dr")),
        "HeadFirstName": rng.choice(_HEAD_FIRST),
        "HeadLastName": rng.choice(_HEAD_LAST),
        "HeadPreferredJobTitle": "Headteacher",
    }
    if "new_headteacher" in school.roles and extract_date < GIAS_EXTRACT_DATE:
        head |= {"HeadFirstName": "Margaret", "HeadLastName": "Ellison"}
    if "acting_headteacher" in school.roles:
        head["HeadPreferredJobTitle"] = "Acting Headteacher"
    return head


def _row(school: School, seed: int, extract_date: date) -> list[str]:
    rng = stream(seed, "gias", school.urn)
    t = school.establishment_type
    is_open = school.close_date is None or school.close_date >= extract_date
    sixth = school.high_age >= 18
    rating, last_insp = _rating(school, extract_date)
    boys = round(
        school.number_of_pupils * (0.5 if school.gender == "Mixed" else (1.0 if school.gender == "Boys" else 0.0))
    )
    pupils = str(school.number_of_pupils) if is_open else ""
    slug = "".join(ch for ch in school.name.lower() if ch.isascii() and ch.isalnum())[:24]
    multi = school.trust_name is not None and "TRUST" in school.trust_name
    values = {
        "URN": str(school.urn),
        "LA (code)": str(school.la_code),
        "LA (name)": school.la_name,
        "EstablishmentNumber": str(school.establishment_number),
        "EstablishmentName": school.name,
        "TypeOfEstablishment (code)": str(t.code),
        "TypeOfEstablishment (name)": t.name,
        "EstablishmentTypeGroup (code)": str(t.group_code),
        "EstablishmentTypeGroup (name)": t.group_name,
        "EstablishmentStatus (code)": "1" if is_open else "2",
        "EstablishmentStatus (name)": "Open" if is_open else "Closed",
        "ReasonEstablishmentOpened (code)": _REASON_OPENED[school.reason_opened],
        "ReasonEstablishmentOpened (name)": school.reason_opened,
        "OpenDate": gias_date(school.open_date),
        "ReasonEstablishmentClosed (code)": _REASON_CLOSED[school.reason_closed],
        "ReasonEstablishmentClosed (name)": school.reason_closed,
        "CloseDate": gias_date(school.close_date),
        "PhaseOfEducation (code)": str(school.phase_code),
        "PhaseOfEducation (name)": school.phase,
        "StatutoryLowAge": str(school.low_age),
        "StatutoryHighAge": str(school.high_age),
        "Boarders (code)": "1",
        "Boarders (name)": "No boarders",
        "NurseryProvision (name)": "Has Nursery Classes" if school.low_age <= 3 else "No Nursery Classes",
        "OfficialSixthForm (code)": "1" if sixth else "2",
        "OfficialSixthForm (name)": "Has a sixth form" if sixth else "Does not have a sixth form",
        "Gender (code)": _GENDER[school.gender],
        "Gender (name)": school.gender,
        "ReligiousCharacter (code)": _RELIGIOUS[school.religious_character],
        "ReligiousCharacter (name)": school.religious_character,
        "ReligiousEthos (name)": "Does not apply"
        if school.religious_character in ("Does not apply", "None")
        else school.religious_character,
        "Diocese (code)": "0000",
        "Diocese (name)": "Not applicable",
        "AdmissionsPolicy (code)": "2" if school.phase in ("Secondary", "All-through") else "0",
        "AdmissionsPolicy (name)": "Non-selective"
        if school.phase in ("Secondary", "All-through")
        else "Not applicable",
        "SchoolCapacity": str(round(school.number_of_pupils * rng.uniform(1.0, 1.2))),
        "SpecialClasses (code)": "2",
        "SpecialClasses (name)": "No Special Classes",
        "CensusDate": "18-01-2024" if is_open else "",
        "NumberOfPupils": pupils,
        "NumberOfBoys": str(boys) if is_open else "",
        "NumberOfGirls": str(school.number_of_pupils - boys) if is_open else "",
        "PercentageFSM": f"{school.fsm_rate * 80:.1f}" if is_open and school.is_state_funded else "",
        "TrustSchoolFlag (code)": "5" if multi and school.is_academy else "0",
        "TrustSchoolFlag (name)": "Supported by a multi-academy trust"
        if multi and school.is_academy
        else "Not applicable",
        "Trusts (code)": str(10000 + sum(map(ord, school.trust_name)) % 9000) if school.trust_name else "",
        "Trusts (name)": school.trust_name or "",
        "SchoolSponsorFlag (name)": "Linked to a sponsor" if school.type_code in (28, 33) else "Not applicable",
        "SchoolSponsors (name)": school.trust_name if school.type_code in (28, 33) and school.trust_name else "",
        "FederationFlag (name)": "Not under a federation",
        "UKPRN": str(10000000 + school.urn % 100000 * 7),
        "FurtherEducationType (name)": "Not applicable",
        "OfstedLastInsp": last_insp,
        "LastChangedDate": gias_date(min(extract_date, school.close_date or extract_date)),
        "Street": school.street,
        "Town": school.town,
        "County (name)": school.la_name,
        "Postcode": school.postcode,
        "SchoolWebsite": f"www.{slug}.sch.uk",
        "TelephoneNum": f"01632{960000 + school.urn % 1000:06d}",
        **_head(school, rng, extract_date),
        "BSOInspectorateName (name)": "Not applicable",
        "TeenMoth (name)": "Not applicable",
        "SENPRU (name)": "Not applicable",
        "EBD (name)": "Not applicable",
        "Section41Approved (name)": "Not applicable",
        "GOR (code)": school.gor_code,
        "GOR (name)": school.gor_name,
        "DistrictAdministrative (code)": f"E0799{school.la_code:04d}",
        "DistrictAdministrative (name)": school.la_name,
        "AdministrativeWard (code)": f"E0599{school.urn % 10000:04d}",
        "AdministrativeWard (name)": school.town,
        "ParliamentaryConstituency (code)": f"E1499{school.la_code:04d}",
        "ParliamentaryConstituency (name)": f"{school.town} and {school.la_name}",
        "UrbanRural (code)": "C1",
        "UrbanRural (name)": "(England/Wales) Urban city and town",
        "GSSLACode (name)": f"E0699{school.la_code:04d}",
        "Easting": str(400000 + school.urn % 97 * 800),
        "Northing": str(150000 + school.urn % 89 * 900),
        "MSOA (name)": f"{school.la_name} 0{school.urn % 40:02d}",
        "LSOA (name)": f"{school.la_name} 0{school.urn % 40:02d}A",
        "BoardingEstablishment (name)": "Not applicable",
        "OfstedRating (name)": rating,
        "Country (name)": "",
        "QABName (name)": "Not applicable",
        "EstablishmentAccredited (name)": "Not applicable",
        "MSOA (code)": f"E0299{school.urn % 10000:04d}",
        "LSOA (code)": f"E0199{school.urn % 10000:04d}",
    }
    if school.is_special or school.is_nmss:
        values["SEN1 (name)"] = "ASD - Autistic Spectrum Disorder"
        values["SEN2 (name)"] = "SLD - Severe Learning Difficulty"
    return [values.get(column, "") for column in HEADER]


def establishments(world: World, extract_date: date = GIAS_EXTRACT_DATE) -> Iterable[list[str]]:
    """Every establishment open or closed by `extract_date`; one not yet opened is not listed."""
    return (
        _row(school, world.seed, extract_date)
        for school in world.schools
        if school.open_date is None or school.open_date <= extract_date
    )


def links(world: World) -> Iterable[list[object]]:
    rows: list[tuple[int, int, str, str, str]] = []
    for predecessor, successor in world.conversions:
        day = gias_date(successor.open_date)
        rows.append((predecessor.urn, successor.urn, successor.name, "Successor", day))
        rows.append((successor.urn, predecessor.urn, predecessor.name, "Predecessor", day))
    return [list(r) for r in sorted(rows)]
