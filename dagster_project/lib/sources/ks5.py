"""16 to 18 (key stage 5) performance: DfE's tidy EES files of the publication "A level and other 16 to 18 results",
the institution file (`institution_performance_<years>_API`: one row per school or college) and the national file
(`national_performance_<years>_API`: England and each LA). Both hold three years (2022-23 to 2024-25 in the
`202225` files); the folder's year is read, as for the other EES time series.

Rows are long: one per area x `disadvantage_status` (Total, Disadvantaged; Not disadvantaged in the national file)
x `exam_cohort` (A level, Academic, Applied general, Tech level, Technical certificate, and 'E/M measures' for the
English and maths progress of students without a GCSE grade 4). Filter values and indicators are those DfE's own data
map lists for the two files (../shared/reference/dfe/dfe_sap_public/datamap.csv); an unknown filter value is refused
so a DfE change is seen. Grades (`aps_per_entry_grade` 'B-', 'Merit+') and the value-added `progress_banding` are
text; every other indicator is a number with GSS symbols (c, x, z, low, u) kept as reasons.

National rows are kept for 'All state-funded schools and colleges' only (EES also splits England by institution
type), the figure DfE's performance tables compare a school with.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import DfeCsv, SourceColumn, read_dfe_csv
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.special_values import EES_SYMBOLS, parse_measure_column
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._ees_tidy import SCHOOL_FILE_LEVELS, refuse_unknown_values, rows_of_year
from dagster_project.lib.sources._fields import SourceSpec
from dagster_project.lib.sources.layouts import NOT_PUBLISHED_REASON

# The two files are two sources: a raw table's slice is one (academic_year, data_version), and both files of a
# year are the same release.
SOURCE, TABLE = "ks5", "raw_ks5"  # the institution file
NATIONAL_SOURCE, NATIONAL_TABLE = "ks5_national", "raw_ks5_national"  # the national file: England and LAs

# Numbers, under DfE's names. Student counts let a reader see how many students a figure rests on.
MEASURES: tuple[str, ...] = (
    "aps_per_entry",
    "aps_per_entry_student_count",
    "value_added",
    "value_added_lower_ci",
    "value_added_upper_ci",
    "retained_percent",
    "retained_student_count",
    "retained_assessed_percent",
    "aab_percent",
    "aab_student_count",
    "best_three_alevels_aps",
    "best_three_alevels_student_count",
    "end1618_student_count",
    "english_progress",
    "english_progress_inscope_count",
    "english_progress_entries_percent",
    "maths_progress",
    "maths_progress_inscope_count",
    "maths_progress_entries_percent",
    "level_3_maths_percent",
)
# Text indicators: a grade or band, or an EES symbol.
GRADES: tuple[str, ...] = ("aps_per_entry_grade", "best_three_alevels_grade", "progress_banding")

# Filter values (lower case, as matched) -> DfE's label, kept as the warehouse's value.
DISADVANTAGE_STATUSES: Mapping[str, str] = MappingProxyType(
    {"total": "Total", "disadvantaged": "Disadvantaged", "not disadvantaged": "Not disadvantaged"}
)
EXAM_COHORTS: Mapping[str, str] = MappingProxyType(
    {
        "a level": "A level",
        "academic": "Academic",
        "applied general": "Applied general",
        "tech level": "Tech level",
        "technical certificate": "Technical certificate",
        "e/m measures": "E/M measures",
    }
)
# The national file's establishment_type: England's all-state-funded figure is kept, its splits by type are not.
ALL_STATE_FUNDED = ("all state-funded schools and colleges", "all state-funded", "total", "")

_REQUIRED = ("time_period", "geographic_level", "disadvantage_status", "exam_cohort", "aps_per_entry")
COLUMNS: tuple[SourceColumn, ...] = (
    *(SourceColumn(name) for name in _REQUIRED),
    *(
        SourceColumn(name, required=False)
        for name in (
            "old_la_code",
            "school_laestab",
            "school_urn",
            "school_name",
            "establishment_type",
            *(m for m in MEASURES if m != "aps_per_entry"),
            *GRADES,
        )
    ),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("record_type", "VARCHAR"),  # 'school' | 'local_authority' | 'national'
    ("la", "INTEGER"),
    ("estab", "INTEGER"),
    ("urn", "INTEGER"),
    ("school_name", "VARCHAR"),
    ("disadvantage_status", "VARCHAR"),
    ("exam_cohort", "VARCHAR"),
    *f.measure_schema(MEASURES),
    *((name, "VARCHAR") for name in GRADES),
    *f.PROVENANCE_SCHEMA,
)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """The folder's year of a 16-18 institution or national file as raw_ks5 rows."""
    table = read_dfe_csv(Path(path), COLUMNS)
    in_year, _ = rows_of_year(table, academic_year)
    level = table.frame["geographic_level"].str.strip().str.casefold()
    status = table.frame["disadvantage_status"].str.strip().str.casefold()
    cohort = table.frame["exam_cohort"].str.strip().str.casefold()
    refuse_unknown_values(table, "geographic_level", level, frozenset(SCHOOL_FILE_LEVELS))
    refuse_unknown_values(table, "disadvantage_status", status, frozenset(DISADVANTAGE_STATUSES))
    refuse_unknown_values(table, "exam_cohort", cohort, frozenset(EXAM_COHORTS))
    record_type = level.map(SCHOOL_FILE_LEVELS)
    establishment_type = f.text(table, "establishment_type").fillna("").str.strip().str.casefold()
    kept = record_type.notna() & in_year & ((record_type == "school") | establishment_type.isin(ALL_STATE_FUNDED))
    school = kept & (record_type == "school")
    urn = f.integer(table, "school_urn").astype("Int32")
    f.require_present(table, urn, "school_urn", school, why="a school row has no school_urn")
    la = f.integer(table, "old_la_code").astype("Int32")
    f.require_present(table, la, "old_la_code", kept & (record_type == "local_authority"), why="an LA row has no code")
    _refuse_repeated_cells(table, kept, record_type, urn, la, status, cohort)
    laestab = f.integer(table, "school_laestab")
    columns: dict[str, pd.Series] = {
        "record_type": record_type.astype("str"),
        "la": la.where(record_type != "national", None),
        # LAESTAB is the LA code then the four-digit establishment number.
        "estab": (laestab % 10000).astype("Int32").where(school, None),
        "urn": urn.where(school),
        "school_name": f.text(table, "school_name").where(school, None),
        "disadvantage_status": status.map(DISADVANTAGE_STATUSES),
        "exam_cohort": cohort.map(EXAM_COHORTS),
    }
    for name in MEASURES:
        if name not in table.frame:
            columns[name] = pd.Series(pd.NA, index=table.frame.index, dtype="Float64")
            columns[f"{name}_reason"] = pd.Series(NOT_PUBLISHED_REASON, index=table.frame.index, dtype="str")
            continue
        columns[name], columns[f"{name}_reason"] = parse_measure_column(
            table.frame[name], file=table.file_name, column=table.header_for(name), symbols=EES_SYMBOLS
        )
    for name in GRADES:
        grade = f.text(table, name)
        # A symbol in a grade column is the same missing value as in a number column; its meaning is in the docs.
        columns[name] = grade.where(~grade.isin(EES_SYMBOLS), None)
    frame = f.assemble(columns, SCHEMA)
    frame = f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)
    return frame[kept].reset_index(drop=True)


def _refuse_repeated_cells(
    table: DfeCsv,
    kept: pd.Series,
    record_type: pd.Series,
    urn: pd.Series,
    la: pd.Series,
    status: pd.Series,
    cohort: pd.Series,
) -> None:
    """Two rows for one area, group and cohort would make the kept figure depend on row order."""
    area = urn.astype("string").where(record_type == "school", la.astype("string"))
    key = pd.DataFrame({"type": record_type, "area": area, "status": status, "cohort": cohort})[kept]
    repeated = key.duplicated(keep="first")
    if repeated.any():
        row = int(key.index[repeated.to_numpy().nonzero()[0][0]])
        raise SourceFormatError(
            "duplicated row: this area already has a row for the same year, disadvantage_status and exam_cohort",
            file=table.file_name,
            row=row + 1,
            column=table.header_for("school_urn") if "school_urn" in table.frame else None,
            value=area.iloc[row],
        )


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
NATIONAL_SPEC = SourceSpec(name=NATIONAL_SOURCE, table=NATIONAL_TABLE, schema=SCHEMA, parse=parse)
