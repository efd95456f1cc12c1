"""School-level absence: the performance-tables download (england_abs.csv) and EES's tidy school file.

Performance-tables layout: header LA,ESTAB,URN,PERCTOT,PPERSABS10 (PPERSABS15 before 2015-16: persistent absence
was then missing 15% of sessions, from 2015-16 10%; FORMATS.md 7a/7b). National rows have LA 'NAT', a phase in
ESTAB ('PRI', 'SEC', 'SPE') and a blank URN. The threshold column must agree with the academic year of the folder:
a PPERSABS15 file in a 2018-19 folder is the wrong file, not a different definition.

EES layout (pupil-absence-in-schools-in-england, `1a_absence_3term_school`; FORMATS.md 7d, header from DfE's
sap-public csv_headers): one row per school and year with `time_period` 202425, `geographic_level`,
`education_phase` and GSS symbols (c, x, z, low, u). A file may hold several years: the folder's year is read.
DfE publishes England, regions and LAs in another file (`1_absence_3term_nat_reg_la`, not read: the school file's
counts give their rates exactly); area rows in a file given here are kept. `sess_overall_percent` is the old
PERCTOT and `enrolments_pa_10_exact_percent` PPERSABS10; it adds authorised, unauthorised and severe (50%) absence
and the session and enrolment counts from which every area's rate is recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.source_recognition import read_header
from dagster_project.lib.ingest.special_values import EES_SYMBOLS, parse_measure_column
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._ees_tidy import (
    SCHOOL_FILE_LEVELS,
    SCHOOL_FILE_PHASES,
    refuse_unknown_values,
    rows_of_year,
)
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

# EES indicator -> raw column. Rates are percentages of sessions (overall, authorised, unauthorised) or of
# enrolments (persistent at 10%, severe at 50%); counts let LA and national rates be recomputed exactly.
EES_MEASURES: Mapping[str, str] = MappingProxyType(
    {
        "sess_overall_percent": "perctot",
        "enrolments_pa_10_exact_percent": "ppersabs",
        "sess_authorised_percent": "authorised_pct",
        "sess_unauthorised_percent": "unauthorised_pct",
        "enrolments_pa_50_exact_percent": "severe_absence_pct",
        "enrolments": "enrolments",
        "enrolments_pa_10_exact": "persistent_absentees",
        "sess_possible": "sessions_possible",
        "sess_overall": "sessions_missed",
    }
)
_EES_REQUIRED = ("time_period", "geographic_level", "education_phase", "sess_overall_percent")
EES_COLUMNS: tuple[SourceColumn, ...] = (
    *(SourceColumn(name) for name in _EES_REQUIRED),
    *(SourceColumn(name, required=False) for name in ("old_la_code", "estab", "school_laestab", "school_urn")),
    *(SourceColumn(name, required=name in _EES_REQUIRED) for name in EES_MEASURES if name != "sess_overall_percent"),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("record_type", "VARCHAR"),  # 'school' | 'local_authority' (EES only) | 'national'
    ("la", "INTEGER"),
    ("estab", "VARCHAR"),
    ("urn", "INTEGER"),
    ("education_phase", "VARCHAR"),  # PRI, SEC, SPE or ALL; school rows of england_abs.csv do not say
    ("perctot", "DOUBLE"),
    ("perctot_reason", "VARCHAR"),
    ("ppersabs", "DOUBLE"),
    ("ppersabs_reason", "VARCHAR"),
    ("persistent_absence_threshold_pct", "INTEGER"),
    *f.measure_schema(m for m in EES_MEASURES.values() if m not in ("perctot", "ppersabs")),
    ("file_layout", "VARCHAR"),  # 'performance_tables' | 'ees_tidy'
) + f.PROVENANCE_SCHEMA


def threshold_for_year(academic_year: str) -> int:
    return 10 if academic_year >= TEN_PERCENT_FROM else 15


def is_ees_layout(path: Path) -> bool:
    return {"time_period", "geographic_level"} <= {cell.casefold() for cell in read_header(Path(path))}


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """Every row of an absence file (schools, and national and LA rows) as raw_absence columns."""
    if is_ees_layout(path):
        return _parse_ees(Path(path), academic_year=academic_year, data_version=data_version)
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
    estab = f.text(table, "estab")
    rows = len(table.frame)
    columns: dict[str, pd.Series] = {
        "record_type": pd.Series(["national" if n else "school" for n in national], dtype="str"),
        "la": f.integer(table, "la", null_tokens=("", NATIONAL_LA)).astype("Int32"),
        "estab": estab,
        "urn": urn,
        "education_phase": estab.where(national, None).astype("str"),
        "persistent_absence_threshold_pct": pd.Series([threshold] * rows, dtype="Int32"),
        "file_layout": pd.Series(["performance_tables"] * rows, dtype="str"),
    }
    columns["perctot"], columns["perctot_reason"] = f.measure(table, "perctot")
    columns["ppersabs"], columns["ppersabs_reason"] = f.measure(table, measure)
    for name in EES_MEASURES.values():
        if name not in columns:
            columns[name] = pd.Series(pd.NA, index=table.frame.index, dtype="Float64")
            columns[f"{name}_reason"] = pd.Series(pd.NA, index=table.frame.index, dtype="str")
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


def _parse_ees(path: Path, *, academic_year: str | None, data_version: str | None) -> pd.DataFrame:
    table = read_dfe_csv(path, EES_COLUMNS)
    # EES files often hold several years: the folder's year is read.
    in_year, year = rows_of_year(table, academic_year)
    if threshold_for_year(year) != 10:
        raise SourceFormatError(
            f"EES absence files use the 10% persistent-absence definition, which began in {TEN_PERCENT_FROM}, "
            f"but the file is for {year}",
            file=table.file_name,
            column=table.header_for("time_period"),
        )
    level = table.frame["geographic_level"].str.strip().str.casefold()
    phase = table.frame["education_phase"].str.strip().str.casefold()
    refuse_unknown_values(table, "geographic_level", level, frozenset(SCHOOL_FILE_LEVELS))
    refuse_unknown_values(table, "education_phase", phase, frozenset(SCHOOL_FILE_PHASES))
    record_type = level.map(SCHOOL_FILE_LEVELS)
    kept = record_type.notna() & in_year
    school, national = (record_type == "school") & in_year, record_type == "national"
    urn = f.integer(table, "school_urn").astype("Int32")
    f.require_present(table, urn, "school_urn", school, why="a school row has no school_urn")
    f.require_unique(table, urn.where(school), "school_urn")
    # No national-rows completeness check: DfE's school file holds school rows only (England and LAs are in
    # 1_absence_3term_nat_reg_la); a file cut short is caught by the suite's row count against the last good file.
    laestab = f.integer(table, "school_laestab")
    estab = f.text(table, "estab")
    from_laestab = (laestab % 10000).astype("string")
    codes = phase.map(SCHOOL_FILE_PHASES)
    columns: dict[str, pd.Series] = {
        "record_type": record_type.astype("str"),
        "la": f.integer(table, "old_la_code").astype("Int32").where(~national, None),
        # The estab column when present, else the last four digits of the LAESTAB; the phase for area rows.
        "estab": estab.where(estab.notna(), from_laestab).where(school, codes),
        "urn": urn.where(school),
        "education_phase": codes.astype("str"),
        "persistent_absence_threshold_pct": pd.Series([10] * len(table.frame), dtype="Int32"),
        "file_layout": pd.Series(["ees_tidy"] * len(table.frame), dtype="str"),
    }
    for indicator, name in EES_MEASURES.items():
        if indicator in table.frame:
            columns[name], columns[f"{name}_reason"] = parse_measure_column(
                table.frame[indicator], file=table.file_name, column=table.header_for(indicator), symbols=EES_SYMBOLS
            )
        else:
            columns[name] = pd.Series(pd.NA, index=table.frame.index, dtype="Float64")
            columns[f"{name}_reason"] = pd.Series(pd.NA, index=table.frame.index, dtype="str")
    frame = f.assemble(columns, SCHEMA)
    frame = f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)
    return frame[kept].reset_index(drop=True)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
