"""Small source files in the real DfE / GIAS / Ofsted layouts, written by tests into tmp_path.

Layouts follow the real downloads described in ../shared/reference/dfe/FORMATS.md: KS2/KS4 UTF-8 with BOM and
CRLF, '%' on percentages, single-space blanks on LA/national rows; GIAS and Ofsted Windows-1252, quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

# A realistic slice of the 2018-19 KS2 header: unmapped columns around the mapped ones, and the mixed-case
# 'NotFSM6CLA1A' spelling DfE used that year.
KS2_HEADER = [
    "RECTYPE",
    "ALPHAIND",
    "LEA",
    "ESTAB",
    "URN",
    "SCHNAME",
    "ADDRESS1",
    "TOWN",
    "PCODE",
    "NFTYPE",
    "AGERANGE",
    "TOTPUPS",
    "TPUPYEAR",
    "TELIG",
    "TFSM6CLA1A",
    "PTFSM6CLA1A",
    "TNotFSM6CLA1A",
    "PTNotFSM6CLA1A",
    "PTRWM_EXP",
    "PTRWM_HIGH",
    "READPROG",
    "READPROG_LOWER",
    "READPROG_UPPER",
    "READCOV",
    "WRITPROG",
    "WRITPROG_LOWER",
    "WRITPROG_UPPER",
    "WRITCOV",
    "MATPROG",
    "MATPROG_LOWER",
    "MATPROG_UPPER",
    "MATCOV",
    "PTREAD_EXP",
    "READ_AVERAGE",
    "GPS_AVERAGE",
    "MAT_AVERAGE",
    "PTRWM_EXP_FSM6CLA1A",
    "PTRWM_HIGH_FSM6CLA1A",
    "PTRWM_EXP_NotFSM6CLA1A",
    "PTRWM_HIGH_NotFSM6CLA1A",
    "DIFFN_RWM_EXP",
    "PTRWM_EXP_3YR",
]

KS4_HEADER = [
    "RECTYPE",
    "LEA",
    "ESTAB",
    "URN",
    "SCHNAME",
    "TOWN",
    "NFTYPE",
    "RELDENOM",
    "ADMPOL",
    "TOTPUPS",
    "TPUP",
    "TFSM6CLA1A",
    "PTFSM6CLA1A",
    "TNOTFSM6CLA1A",
    "PTNOTFSM6CLA1A",
    "ATT8SCR",
    "P8PUP",
    "P8MEACOV",
    "P8MEA",
    "P8CILOW",
    "P8CIUPP",
    "PTL2BASICS_95",
    "PTL2BASICS_94",
    "EBACCAPS",
    "PTEBACC_E_PTQ_EE",
    "ATT8SCR_FSM6CLA1A",
    "P8MEA_FSM6CLA1A",
    "ATT8SCR_NFSM6CLA1A",
    "P8MEA_NFSM6CLA1A",
    "DIFFN_P8MEA",
    "P8MEA_ORIG",
]

GIAS_HEADER = [
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
    "Boarders (name)",
    "NumberOfPupils",
    "PercentageFSM",
    "Trusts (code)",
    "Trusts (name)",
    "ReligiousCharacter (name)",
    "Town",
    "GOR (code)",
    "GOR (name)",
]

GIAS_LINKS_HEADER = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]

OFSTED_HEADER = [
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
    "Early years provision (where applicable)",
]

CENSUS_HEADER = [
    "URN",
    "LA",
    "ESTAB",
    "SCHOOLTYPE",
    "NOR",
    "NORG",
    "NORB",
    "PSENELSE",
    "PSENELK",
    "PNUMEAL",
    "NUMFSMEVER",
    "PNUMFSMEVER",
]


def csv_text(
    header: Sequence[str],
    rows: Sequence[Mapping[str, str] | Sequence[str]],
    *,
    line_ending: str = "\r\n",
    quote_all: bool = False,
    default: str = "",
) -> str:
    """Render rows (dicts keyed by header, or raw lists for malformed rows) as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_ending, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        if isinstance(row, Mapping):
            unknown = set(row) - set(header)
            assert not unknown, f"fixture row uses columns not in the header: {unknown}"
            writer.writerow([row.get(column, default) for column in header])
        else:
            writer.writerow(row)
    return buffer.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Mapping[str, str] | Sequence[str]],
    *,
    encoding: str = "utf-8-sig",
    line_ending: str = "\r\n",
    quote_all: bool = False,
    default: str = "",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = csv_text(header, rows, line_ending=line_ending, quote_all=quote_all, default=default)
    path.write_bytes(text.encode(encoding))
    return path


def ks2_school(urn: int, estab: int, name: str, **measures: str) -> dict[str, str]:
    row = {
        "RECTYPE": "1",
        "ALPHAIND": "1",
        "LEA": "991",
        "ESTAB": str(estab),
        "URN": str(urn),
        "SCHNAME": name,
        "TOWN": "Kingsmere",
        "NFTYPE": "CY",
        "AGERANGE": "4-11",
        "TOTPUPS": "210",
        "TELIG": "30",
        "TFSM6CLA1A": "9",
        "PTFSM6CLA1A": "30%",
        "TNotFSM6CLA1A": "21",
        "PTNotFSM6CLA1A": "70%",
        "PTRWM_EXP": "67%",
        "PTRWM_HIGH": "10%",
        "READPROG": "0.5",
        "READPROG_LOWER": "-1.2",
        "READPROG_UPPER": "2.2",
        "READCOV": "97%",
        "READ_AVERAGE": "105",
    }
    row.update(measures)
    return row


def ks2_summary_row(rectype: str, lea: str, name: str, **measures: str) -> dict[str, str]:
    """LA / national rows: identifiers are a single space, as in the real download."""
    row = {column: " " for column in KS2_HEADER[:11]}
    row.update({"RECTYPE": rectype, "LEA": lea, "SCHNAME": name, "TOTPUPS": "50000", "PTRWM_EXP": "61%"})
    row.update(measures)
    return row


def ks4_school(urn: int, estab: int, name: str, **measures: str) -> dict[str, str]:
    row = {
        "RECTYPE": "1",
        "LEA": "991",
        "ESTAB": str(estab),
        "URN": str(urn),
        "SCHNAME": name,
        "NFTYPE": "ACC",
        "TOTPUPS": "1000",
        "TPUP": "180",
        "TFSM6CLA1A": "40",
        "PTFSM6CLA1A": "22%",
        "TNOTFSM6CLA1A": "140",
        "PTNOTFSM6CLA1A": "78%",
        "ATT8SCR": "47.2",
        "P8PUP": "170",
        "P8MEACOV": "94%",
        "P8MEA": "0.12",
        "P8CILOW": "-0.05",
        "P8CIUPP": "0.29",
        "PTL2BASICS_95": "48%",
        "PTL2BASICS_94": "68%",
        "EBACCAPS": "4.1",
        "PTEBACC_E_PTQ_EE": "38%",
        "ATT8SCR_NFSM6CLA1A": "50.1",
        "P8MEA_NFSM6CLA1A": "0.3",
    }
    row.update(measures)
    return row


def gias_row(urn: int, estab: str, name: str, **values: str) -> dict[str, str]:
    row = {
        "URN": str(urn),
        "LA (code)": "991",
        "LA (name)": "Kingsmere",
        "EstablishmentNumber": estab,
        "EstablishmentName": name,
        "TypeOfEstablishment (code)": "1",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (code)": "4",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (code)": "1",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "01-09-1974",
        "PhaseOfEducation (code)": "2",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "4",
        "StatutoryHighAge": "11",
        "NumberOfPupils": "203",
        "PercentageFSM": "17.3",
        "ReligiousCharacter (name)": "Does not apply",
        "GOR (code)": "J",
        "GOR (name)": "South East",
    }
    row.update(values)
    return row


def ofsted_row(urn: int, number: str, **values: str) -> dict[str, str]:
    row = {
        "URN": str(urn),
        "LAESTAB": "9912001",
        "School name": "Kingsmere Primary School",
        "Ofsted phase": "Primary",
        "Type of education": "Community School",
        "Local authority": "Kingsmere",
        "Inspection number": number,
        "Inspection type": "S5 Inspection",
        "Inspection start date": "14/05/2024",
        "Inspection end date": "15/05/2024",
        "Publication date": "20/06/2024",
        "Overall effectiveness": "2",
        "Category of concern": "NULL",
        "Quality of education": "2",
        "Behaviour and attitudes": "2",
        "Personal development": "1",
        "Effectiveness of leadership and management": "2",
        "Safeguarding is effective?": "Yes",
        "Early years provision (where applicable)": "9",
    }
    row.update(values)
    return row
