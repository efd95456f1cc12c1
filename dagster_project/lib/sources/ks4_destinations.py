"""KS4 destination measures (england_ks4-pupdest.csv, 815_ks4-pupdest.csv): where each school's leavers went.

One row per school (RECTYPE 1 mainstream, 2 special), LA ('LA', or 4 in older files) and England ('NAT', or 5 all
schools / 7 state-funded), each with the cohort that finished KS4 and the number and percentage in a sustained
destination (education, apprenticeship or employment for at least two terms), in each kind, not sustained (NEET at
some point) and not captured; the same for disadvantaged (`_DIS`) and other (`_NONDIS`) pupils
(../shared/reference/more/.../pupdestprovisional_meta.csv; FORMATS.md 7 and 'KS4 pupil destinations 2024-25').
Percentages carry a '%'. A release reports the cohort that finished KS4 two years before its academic year (the
2018-19 tables: KS4 in 2016/17, destinations in 2017/18). Earlier years' columns (`COHORT_18`, `OVERALL_DESTPER_17`)
are not read: those years come from their own files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "ks4_destinations"
TABLE = "raw_ks4_destinations"

# RECTYPE as written: letters in current files ('LA', 'NAT'), KS4 numbers in the metadata and older files.
RECORD_TYPES: dict[str, str] = {
    "1": "mainstream_school",
    "2": "special_school",
    "la": "local_authority",
    "4": "local_authority",
    "nat": "national_all_schools",
    "5": "national_all_schools",
    "7": "national_state_funded",
}
# Pupil group suffix -> the group's name in the warehouse.
GROUPS: dict[str, str] = {"": "all", "_dis": "disadvantaged", "_nondis": "other"}
# Counts and percentages read for each group (DfE's names, lower case, before the group suffix).
COUNTS = ("cohort", "overall_dest", "not_sustained")
PERCENTAGES = (
    "overall_destper",
    "educationper",
    "apprenper",
    "employmentper",
    "not_sustainedper",
    "unknownper",
)
MEASURES: tuple[str, ...] = tuple(f"{name}{suffix}" for suffix in GROUPS for name in (*COUNTS, *PERCENTAGES))

SCHEMA: tuple[tuple[str, str], ...] = (
    ("rectype", "VARCHAR"),
    ("record_type", "VARCHAR"),
    ("lea", "INTEGER"),
    ("estab", "INTEGER"),
    ("urn", "INTEGER"),
    ("schname", "VARCHAR"),
    ("nftype", "VARCHAR"),
    *f.measure_schema(MEASURES),
    *f.PROVENANCE_SCHEMA,
)
COLUMNS: tuple[SourceColumn, ...] = (
    *(SourceColumn(name) for name in ("rectype", "lea", "estab", "urn", "schname", "nftype")),
    *(SourceColumn(name) for name in MEASURES),
)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """Every row (schools, LAs, England) of a KS4 destinations file as raw_ks4_destinations columns."""
    table = read_dfe_csv(Path(path), COLUMNS)
    record_type = f.choice(
        table,
        "rectype",
        allowed=RECORD_TYPES,
        null_tokens=(),
        expected="a RECTYPE of the destinations file: 1, 2 (schools), LA or 4, NAT, 5 or 7 (England)",
    )
    urn = f.integer(table, "urn").astype("Int32")
    school = record_type.isin(["mainstream_school", "special_school"])
    f.require_present(table, urn, "urn", school, why="a school row (RECTYPE 1 or 2) has no URN")
    f.require_unique(table, urn.where(school), "urn")
    f.require_national_rows(table, record_type.str.startswith("national").fillna(False), "rectype", marker="NAT")
    columns: dict[str, pd.Series] = {
        "rectype": table.frame["rectype"].str.strip().str.upper().astype("str"),
        "record_type": record_type.astype("str"),
        "lea": f.integer(table, "lea").astype("Int32"),
        "estab": f.integer(table, "estab").astype("Int32"),
        "urn": urn,
        "schname": f.text(table, "schname"),
        "nftype": f.text(table, "nftype"),
    }
    for name in MEASURES:
        columns[name], columns[f"{name}_reason"] = f.measure(table, name)
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
