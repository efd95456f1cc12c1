"""School-level suspensions and permanent exclusions: DfE's tidy EES file (Explore Education Statistics data set
"Suspensions and permanent exclusions - school level", in the publication "Suspensions and permanent exclusions
in England"; sources.yml key `suspensions_school_level`).

One row per school and academic year, every year since 2006/07 in one file (newest first), with `time_period`
202324, `geographic_level` 'School', `education_phase` and GSS symbols (c, x, z, low, u). The folder's year is
read, as for EES absence files. Indicators: `headcount` (pupils on roll at the January census), `suspension` and
`perm_excl` (the number of suspensions and permanent exclusions in the year), `one_plus_susp` (pupil enrolments
with one or more suspension) and their rates `susp_rate`, `perm_excl_rate`, `one_plus_susp_rate`, each per 100
pupils on roll: DfE's national row for 2019/20 is 310,730 suspensions of 8,255,050 pupils, `susp_rate` 3.76.
"Suspensions" were "fixed-period exclusions" before 2021/22; the current file uses the new names for every year.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.ingest.special_values import EES_SYMBOLS, parse_measure_column
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._ees_tidy import (
    SCHOOL_FILE_LEVELS,
    SCHOOL_FILE_PHASES,
    refuse_unknown_values,
    rows_of_year,
)
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "suspensions"
TABLE = "raw_suspensions"

# EES indicators, read under DfE's names: counts let LA and England rates be recomputed exactly from schools.
MEASURES: tuple[str, ...] = (
    "headcount",
    "suspension",
    "susp_rate",
    "one_plus_susp",
    "one_plus_susp_rate",
    "perm_excl",
    "perm_excl_rate",
)
_REQUIRED = ("time_period", "geographic_level", "education_phase", *MEASURES)
COLUMNS: tuple[SourceColumn, ...] = (
    *(SourceColumn(name) for name in _REQUIRED),
    *(SourceColumn(name, required=False) for name in ("old_la_code", "school_laestab", "school_urn", "school_name")),
)
# education_phase -> phase code: absence's, and AP for pupil referral units and alternative provision schools.
PHASES: Mapping[str, str] = MappingProxyType(
    {**SCHOOL_FILE_PHASES, "pupil referral unit": "AP", "state-funded ap school": "AP"}
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("record_type", "VARCHAR"),  # 'school' | 'local_authority' | 'national'
    ("la", "INTEGER"),
    ("estab", "INTEGER"),
    ("urn", "INTEGER"),
    ("school_name", "VARCHAR"),
    ("education_phase", "VARCHAR"),  # PRI, SEC, SPE, AP or ALL
    *f.measure_schema(MEASURES),
    *f.PROVENANCE_SCHEMA,
)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """The folder's year of a school-level suspensions file as raw_suspensions columns."""
    table = read_dfe_csv(Path(path), COLUMNS)
    in_year, _ = rows_of_year(table, academic_year)
    level = table.frame["geographic_level"].str.strip().str.casefold()
    phase = table.frame["education_phase"].str.strip().str.casefold()
    refuse_unknown_values(table, "geographic_level", level, frozenset(SCHOOL_FILE_LEVELS))
    refuse_unknown_values(table, "education_phase", phase, frozenset(PHASES))
    record_type = level.map(SCHOOL_FILE_LEVELS)
    school = (record_type == "school") & in_year
    urn = f.integer(table, "school_urn").astype("Int32")
    f.require_present(table, urn, "school_urn", school, why="a school row has no school_urn")
    f.require_unique(table, urn.where(school), "school_urn")
    laestab = f.integer(table, "school_laestab")
    columns: dict[str, pd.Series] = {
        "record_type": record_type.astype("str"),
        "la": f.integer(table, "old_la_code").astype("Int32").where(record_type != "national", None),
        # LAESTAB is the LA code then the four-digit establishment number.
        "estab": (laestab % 10000).astype("Int32").where(school, None),
        "urn": urn.where(school),
        "school_name": f.text(table, "school_name").where(school, None),
        "education_phase": phase.map(PHASES).astype("str"),
    }
    for name in MEASURES:
        columns[name], columns[f"{name}_reason"] = parse_measure_column(
            table.frame[name], file=table.file_name, column=table.header_for(name), symbols=EES_SYMBOLS
        )
    frame = f.assemble(columns, SCHEMA)
    frame = f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)
    return frame[record_type.notna() & in_year].reset_index(drop=True)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
