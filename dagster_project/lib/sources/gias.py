"""GIAS (Get Information about Schools) establishments and links extracts.

edubasealldataYYYYMMDD.csv: one row per establishment, Windows-1252, every value quoted, dates DD-MM-YYYY.
Code columns such as 'TypeOfEstablishment (code)' are optional because GIAS' "names only" exports omit them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

GIAS_DATE_FORMAT = "%d-%m-%Y"

ESTABLISHMENTS_SOURCE = "gias_establishments"
ESTABLISHMENTS_TABLE = "raw_gias_establishments"
LINKS_SOURCE = "gias_links"
LINKS_TABLE = "raw_gias_links"

ESTABLISHMENT_COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("urn", ("URN",)),
    SourceColumn("la_code", ("LA (code)",)),
    SourceColumn("la_name", ("LA (name)",)),
    SourceColumn("establishment_number", ("EstablishmentNumber",)),
    SourceColumn("establishment_name", ("EstablishmentName",)),
    SourceColumn("type_of_establishment_code", ("TypeOfEstablishment (code)",), required=False),
    SourceColumn("type_of_establishment", ("TypeOfEstablishment (name)",)),
    SourceColumn("establishment_type_group_code", ("EstablishmentTypeGroup (code)",), required=False),
    SourceColumn("establishment_type_group", ("EstablishmentTypeGroup (name)",)),
    SourceColumn("establishment_status", ("EstablishmentStatus (name)",)),
    SourceColumn("open_date", ("OpenDate",)),
    SourceColumn("close_date", ("CloseDate",)),
    SourceColumn("reason_establishment_opened", ("ReasonEstablishmentOpened (name)",)),
    SourceColumn("reason_establishment_closed", ("ReasonEstablishmentClosed (name)",)),
    SourceColumn("phase_of_education_code", ("PhaseOfEducation (code)",), required=False),
    SourceColumn("phase_of_education", ("PhaseOfEducation (name)",)),
    SourceColumn("statutory_low_age", ("StatutoryLowAge",)),
    SourceColumn("statutory_high_age", ("StatutoryHighAge",)),
    SourceColumn("number_of_pupils", ("NumberOfPupils",)),
    SourceColumn("percentage_fsm", ("PercentageFSM",)),
    SourceColumn("trust_name", ("Trusts (name)",)),
    SourceColumn("gor_name", ("GOR (name)",)),
    SourceColumn("religious_character", ("ReligiousCharacter (name)",)),
    # The headteacher as GIAS lists them: a change between two extracts is a new headteacher (readiness list).
    SourceColumn("head_title", ("HeadTitle (name)",), required=False),
    SourceColumn("head_first_name", ("HeadFirstName",), required=False),
    SourceColumn("head_last_name", ("HeadLastName",), required=False),
    SourceColumn("head_job_title", ("HeadPreferredJobTitle",), required=False),
)

ESTABLISHMENTS_SCHEMA: tuple[tuple[str, str], ...] = (
    ("urn", "INTEGER"),
    ("la_code", "INTEGER"),
    ("la_name", "VARCHAR"),
    ("establishment_number", "INTEGER"),
    ("laestab", "INTEGER"),
    ("establishment_name", "VARCHAR"),
    ("type_of_establishment_code", "INTEGER"),
    ("type_of_establishment", "VARCHAR"),
    ("establishment_type_group_code", "INTEGER"),
    ("establishment_type_group", "VARCHAR"),
    ("establishment_status", "VARCHAR"),
    ("open_date", "DATE"),
    ("close_date", "DATE"),
    ("reason_establishment_opened", "VARCHAR"),
    ("reason_establishment_closed", "VARCHAR"),
    ("phase_of_education_code", "INTEGER"),
    ("phase_of_education", "VARCHAR"),
    ("statutory_low_age", "INTEGER"),
    ("statutory_high_age", "INTEGER"),
    ("number_of_pupils", "INTEGER"),
    ("percentage_fsm", "DOUBLE"),
    ("trust_name", "VARCHAR"),
    ("gor_name", "VARCHAR"),
    ("religious_character", "VARCHAR"),
    ("head_title", "VARCHAR"),
    ("head_first_name", "VARCHAR"),
    ("head_last_name", "VARCHAR"),
    ("head_job_title", "VARCHAR"),
) + f.PROVENANCE_SCHEMA

LINK_COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("urn", ("URN",)),
    SourceColumn("link_urn", ("LinkURN",)),
    SourceColumn("link_name", ("LinkName",)),
    SourceColumn("link_type", ("LinkType",)),
    SourceColumn("link_established_date", ("LinkEstablishedDate",)),
)

LINKS_SCHEMA: tuple[tuple[str, str], ...] = (
    ("urn", "INTEGER"),
    ("link_urn", "INTEGER"),
    ("link_name", "VARCHAR"),
    ("link_type", "VARCHAR"),
    ("link_established_date", "DATE"),
) + f.PROVENANCE_SCHEMA

_INTEGER_COLUMNS = (
    "urn",
    "la_code",
    "establishment_number",
    "type_of_establishment_code",
    "establishment_type_group_code",
    "phase_of_education_code",
    "statutory_low_age",
    "statutory_high_age",
    "number_of_pupils",
)
_TEXT_COLUMNS = (
    "la_name",
    "establishment_name",
    "type_of_establishment",
    "establishment_type_group",
    "establishment_status",
    "reason_establishment_opened",
    "reason_establishment_closed",
    "phase_of_education",
    "trust_name",
    "gor_name",
    "religious_character",
    "head_title",
    "head_first_name",
    "head_last_name",
    "head_job_title",
)


def laestab(la_code: pd.Series, establishment_number: pd.Series) -> pd.Series:
    """LAESTAB = LA code followed by the 4-digit establishment number (936, 2004 -> 9362004)."""
    return (la_code * 10000 + establishment_number).astype("Int32")


def parse_establishments(
    path: Path, *, academic_year: str | None = None, data_version: str | None = None
) -> pd.DataFrame:
    """A GIAS establishments extract as raw_gias_establishments columns (data_version = extract date)."""
    table = read_dfe_csv(Path(path), ESTABLISHMENT_COLUMNS)
    columns: dict[str, pd.Series] = {name: f.integer(table, name).astype("Int32") for name in _INTEGER_COLUMNS}
    columns |= {name: f.text(table, name) for name in _TEXT_COLUMNS}
    f.require_present(table, columns["urn"], "urn", pd.Series(True, index=table.frame.index), why="a row has no URN")
    f.require_unique(table, columns["urn"], "urn")
    columns["laestab"] = laestab(columns["la_code"], columns["establishment_number"])
    columns["open_date"] = f.date(table, "open_date", date_format=GIAS_DATE_FORMAT)
    columns["close_date"] = f.date(table, "close_date", date_format=GIAS_DATE_FORMAT)
    columns["percentage_fsm"] = f.number(table, "percentage_fsm")
    frame = f.assemble(columns, ESTABLISHMENTS_SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


def parse_links(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """A GIAS links extract (predecessor/successor etc.) as raw_gias_links columns."""
    table = read_dfe_csv(Path(path), LINK_COLUMNS)
    columns = {
        "urn": f.integer(table, "urn").astype("Int32"),
        "link_urn": f.integer(table, "link_urn").astype("Int32"),
        "link_name": f.text(table, "link_name"),
        "link_type": f.text(table, "link_type"),
        "link_established_date": f.date(table, "link_established_date", date_format=GIAS_DATE_FORMAT),
    }
    frame = f.assemble(columns, LINKS_SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


ESTABLISHMENTS_SPEC = SourceSpec(
    name=ESTABLISHMENTS_SOURCE,
    table=ESTABLISHMENTS_TABLE,
    schema=ESTABLISHMENTS_SCHEMA,
    parse=parse_establishments,
)
LINKS_SPEC = SourceSpec(name=LINKS_SOURCE, table=LINKS_TABLE, schema=LINKS_SCHEMA, parse=parse_links)
