"""School information ("spine") from the performance-tables download: 815_spine.csv, england_school_information.csv.

One row per school the year's tables cover, open or closed, with what GIAS would say about it: name, LA and
establishment number, type (NFTYPE in words, e.g. 'Academy - Converter mainstream'), MINORGROUP, phase flags,
age range, OPENDATE / CLOSEDATE (YYYYMMDD) and OTHERURN (the predecessor of a school that opened, the successor of
one that closed). A single-LA analyst often has this file but no full GIAS extract, so it fills the register for
schools GIAS does not list (dim_school flags where each school's facts came from).

ICLOSE in the 2018-19 spine is 1 for open and 2 for closed schools (3 for one open school; DfE's spine metadata is
not in the reference set), so open/closed is read from CLOSEDATE, not from ICLOSE.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "school_information"
TABLE = "raw_school_information"

COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("urn"),
    SourceColumn("la"),
    SourceColumn("estab"),
    SourceColumn("schname"),
    SourceColumn("minorgroup"),
    SourceColumn("nftype"),
    SourceColumn("iclose", required=False),
    SourceColumn("schstatus", required=False),
    SourceColumn("opendate", required=False),
    SourceColumn("closedate", required=False),
    SourceColumn("isprimary", required=False),
    SourceColumn("issecondary", required=False),
    SourceColumn("ispost16", required=False),
    SourceColumn("agel", required=False),
    SourceColumn("ageh", required=False),
    SourceColumn("reldenom", required=False),
    SourceColumn("otherurn", required=False),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("urn", "INTEGER"),
    ("la_code", "INTEGER"),
    ("establishment_number", "INTEGER"),
    ("school_name", "VARCHAR"),
    ("minor_group", "VARCHAR"),
    ("school_type", "VARCHAR"),
    ("iclose", "INTEGER"),
    ("school_status", "VARCHAR"),
    ("open_date", "DATE"),
    ("close_date", "DATE"),
    ("is_primary", "INTEGER"),
    ("is_secondary", "INTEGER"),
    ("is_post16", "INTEGER"),
    ("statutory_low_age", "INTEGER"),
    ("statutory_high_age", "INTEGER"),
    ("religious_character", "VARCHAR"),
    ("other_urn", "INTEGER"),
) + f.PROVENANCE_SCHEMA

_DATE_FORMATS = ("%Y%m%d", "%d-%m-%Y", "%d/%m/%Y")


def _date_format(table, name: str) -> str:
    """The spine writes dates as YYYYMMDD; later school-information files as DD-MM-YYYY. Pick the one that fits."""
    if name not in table.frame:
        return _DATE_FORMATS[0]
    values = table.frame[name].str.strip()
    values = values[values != ""]
    for date_format in _DATE_FORMATS:
        if pd.to_datetime(values, format=date_format, errors="coerce").notna().all():
            return date_format
    return _DATE_FORMATS[0]  # f.date then names the first bad cell


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """Every school row of a school-information file as raw_school_information columns."""
    table = read_dfe_csv(Path(path), COLUMNS)
    urn = f.integer(table, "urn").astype("Int32")
    f.require_present(table, urn, "urn", pd.Series(True, index=urn.index), why="a row has no URN")
    f.require_unique(table, urn, "urn")
    columns: dict[str, pd.Series] = {
        "urn": urn,
        "la_code": f.integer(table, "la").astype("Int32"),
        "establishment_number": f.integer(table, "estab").astype("Int32"),
        "school_name": f.text(table, "schname"),
        "minor_group": f.text(table, "minorgroup"),
        "school_type": f.text(table, "nftype"),
        "iclose": f.integer(table, "iclose").astype("Int32"),
        "school_status": f.text(table, "schstatus"),
        "open_date": f.date(table, "opendate", date_format=_date_format(table, "opendate")),
        "close_date": f.date(table, "closedate", date_format=_date_format(table, "closedate")),
        "is_primary": f.integer(table, "isprimary").astype("Int32"),
        "is_secondary": f.integer(table, "issecondary").astype("Int32"),
        "is_post16": f.integer(table, "ispost16").astype("Int32"),
        "statutory_low_age": f.integer(table, "agel").astype("Int32"),
        "statutory_high_age": f.integer(table, "ageh").astype("Int32"),
        "religious_character": f.text(table, "reldenom"),
        "other_urn": f.integer(table, "otherurn").astype("Int32"),
    }
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
