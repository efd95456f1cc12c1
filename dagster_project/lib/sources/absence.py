"""School-level absence from the performance-tables download (england_abs.csv).

Header LA,ESTAB,URN,PERCTOT,PPERSABS10 (PPERSABS15 before 2015-16: persistent absence was then missing 15%
of sessions, from 2015-16 10%; FORMATS.md 7a/7b). National rows have LA 'NAT', a phase in ESTAB
('PRI', 'SEC', 'SPE') and a blank URN. The threshold column must agree with the academic year of the folder:
a PPERSABS15 file in a 2018-19 folder is the wrong file, not a different definition.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.errors import SourceFormatError
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "absence"
TABLE = "raw_absence"
NATIONAL_LA = "NAT"
# First academic year of the 10% persistent-absence definition (DfE, pupil absence statistics 2015/16).
TEN_PERCENT_FROM = "2015-16"

COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("la"),
    SourceColumn("estab"),
    SourceColumn("urn"),
    SourceColumn("perctot"),
    SourceColumn("ppersabs10", required=False),
    SourceColumn("ppersabs15", required=False),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("record_type", "VARCHAR"),  # 'school' | 'national'
    ("la", "INTEGER"),
    ("estab", "VARCHAR"),
    ("urn", "INTEGER"),
    ("perctot", "DOUBLE"),
    ("perctot_reason", "VARCHAR"),
    ("ppersabs", "DOUBLE"),
    ("ppersabs_reason", "VARCHAR"),
    ("persistent_absence_threshold_pct", "INTEGER"),
) + f.PROVENANCE_SCHEMA


def threshold_for_year(academic_year: str) -> int:
    return 10 if academic_year >= TEN_PERCENT_FROM else 15


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """Every row of an absence file (schools and national rows) as raw_absence columns."""
    table = read_dfe_csv(Path(path), COLUMNS)
    present = [c for c in ("ppersabs10", "ppersabs15") if c in table.frame.columns]
    if len(present) != 1:
        raise SourceFormatError(
            "expected exactly one persistent-absence column, PPERSABS10 (from 2015-16) or PPERSABS15 (before); "
            f"found {len(present)}. Columns found: {', '.join(table.columns_found)}",
            file=table.file_name,
            column="PPERSABS10",
        )
    measure = present[0]
    threshold = int(measure.removeprefix("ppersabs"))
    if academic_year is not None and threshold != threshold_for_year(academic_year):
        raise SourceFormatError(
            f"the file uses the {threshold}% persistent-absence definition but its folder says {academic_year}, "
            f"which uses {threshold_for_year(academic_year)}% (10% from {TEN_PERCENT_FROM}): wrong year's file?",
            file=table.file_name,
            column=table.header_for(measure),
        )
    la_raw = table.frame["la"].str.strip()
    national = la_raw.str.upper() == NATIONAL_LA
    urn = f.integer(table, "urn").astype("Int32")
    f.require_present(table, urn, "urn", ~national, why="a school row (LA not 'NAT') has no URN")
    f.require_unique(table, urn, "urn")
    f.require_national_rows(table, national, "la", marker="LA 'NAT'")
    columns: dict[str, pd.Series] = {
        "record_type": pd.Series(["national" if n else "school" for n in national], dtype="str"),
        "la": f.integer(table, "la", null_tokens=("", NATIONAL_LA)).astype("Int32"),
        "estab": f.text(table, "estab"),
        "urn": urn,
        "persistent_absence_threshold_pct": pd.Series([threshold] * len(table.frame), dtype="Int32"),
    }
    columns["perctot"], columns["perctot_reason"] = f.measure(table, "perctot")
    columns["ppersabs"], columns["ppersabs_reason"] = f.measure(table, measure)
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
