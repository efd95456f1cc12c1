"""Ofsted state-funded schools inspections management information ("all inspections" file).

One row per inspection. Windows-1252, dates DD/MM/YYYY, and the literal word NULL for missing values. Only
the graded-inspection (EIF 2019) judgements are kept for now; grades are 1-4, and 'Not judged' (used since
2 September 2024, when overall effectiveness grades stopped) becomes NULL.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec
from dagster_project.lib.special_values import OFSTED_NULL_LITERAL

SOURCE = "ofsted_inspections"
TABLE = "raw_ofsted_inspections"
OFSTED_DATE_FORMAT = "%d/%m/%Y"
NULL_TOKENS = ("", OFSTED_NULL_LITERAL)
# Grades stored as integers; 'Not judged' is a deliberate absence of a grade, not an error.
GRADE_NULL_TOKENS = (*NULL_TOKENS, "Not judged")
GRADES = {str(grade): grade for grade in (1, 2, 3, 4)}
# SM special measures, SWK serious weaknesses; RSI (requires significant improvement) is the renewed
# framework's category and appears in the same column of recent files.
CATEGORIES_OF_CONCERN = {"SM": "SM", "SWK": "SWK", "RSI": "RSI"}
SAFEGUARDING = {"Yes": "Yes", "No": "No"}

COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("urn", ("URN",)),
    SourceColumn("laestab", ("LAESTAB",)),
    SourceColumn("school_name", ("School name",)),
    SourceColumn("ofsted_phase", ("Ofsted phase",)),
    SourceColumn("type_of_education", ("Type of education",)),
    SourceColumn("inspection_number", ("Inspection number",)),
    SourceColumn("inspection_type", ("Inspection type",)),
    SourceColumn("inspection_start_date", ("Inspection start date",)),
    SourceColumn("inspection_end_date", ("Inspection end date",)),
    SourceColumn("publication_date", ("Publication date",)),
    SourceColumn("overall_effectiveness", ("Overall effectiveness",)),
    SourceColumn("category_of_concern", ("Category of concern",)),
    SourceColumn("quality_of_education", ("Quality of education",)),
    SourceColumn("behaviour_and_attitudes", ("Behaviour and attitudes",)),
    SourceColumn("personal_development", ("Personal development",)),
    SourceColumn("leadership_and_management", ("Effectiveness of leadership and management",)),
    SourceColumn("safeguarding_effective", ("Safeguarding is effective?",)),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("urn", "INTEGER"),
    ("laestab", "INTEGER"),
    ("school_name", "VARCHAR"),
    ("ofsted_phase", "VARCHAR"),
    ("type_of_education", "VARCHAR"),
    ("inspection_number", "VARCHAR"),
    ("inspection_type", "VARCHAR"),
    ("inspection_start_date", "DATE"),
    ("inspection_end_date", "DATE"),
    ("publication_date", "DATE"),
    ("overall_effectiveness", "INTEGER"),
    ("category_of_concern", "VARCHAR"),
    ("quality_of_education", "INTEGER"),
    ("behaviour_and_attitudes", "INTEGER"),
    ("personal_development", "INTEGER"),
    ("leadership_and_management", "INTEGER"),
    ("safeguarding_effective", "VARCHAR"),
) + f.PROVENANCE_SCHEMA

_GRADE_COLUMNS = (
    "overall_effectiveness",
    "quality_of_education",
    "behaviour_and_attitudes",
    "personal_development",
    "leadership_and_management",
)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """An Ofsted all-inspections MI file as raw_ofsted_inspections columns (data_version 'as_at <date>')."""
    table = read_dfe_csv(Path(path), COLUMNS)
    columns: dict[str, pd.Series] = {
        "urn": f.integer(table, "urn", null_tokens=NULL_TOKENS).astype("Int32"),
        "laestab": f.integer(table, "laestab", null_tokens=NULL_TOKENS).astype("Int32"),
    }
    for name in ("school_name", "ofsted_phase", "type_of_education", "inspection_number", "inspection_type"):
        columns[name] = f.text(table, name, null_tokens=NULL_TOKENS)
    for name in ("inspection_start_date", "inspection_end_date", "publication_date"):
        columns[name] = f.date(table, name, date_format=OFSTED_DATE_FORMAT, null_tokens=NULL_TOKENS)
    for name in _GRADE_COLUMNS:
        grade = f.choice(
            table,
            name,
            allowed=GRADES,
            null_tokens=GRADE_NULL_TOKENS,
            expected="a grade 1-4, 'Not judged', NULL or blank",
        )
        columns[name] = grade.astype("Int32")
    columns["category_of_concern"] = f.choice(
        table, "category_of_concern", allowed=CATEGORIES_OF_CONCERN, null_tokens=NULL_TOKENS
    ).astype("str")
    columns["safeguarding_effective"] = f.choice(
        table, "safeguarding_effective", allowed=SAFEGUARDING, null_tokens=NULL_TOKENS
    ).astype("str")
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
