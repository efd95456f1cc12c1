"""School census characteristics from the performance-tables download (england_census.csv).

National summary rows have URN 'NAT', a blank LA and a phase in ESTAB ('PRI', 'SEC', 'SPE'), so estab is
text. Later years spell the header 'Estab'; matching is case-insensitive.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "census"
TABLE = "raw_census"
NATIONAL_URN = "NAT"

MEASURES: tuple[str, ...] = ("nor", "pnumfsmever", "pnumeal", "psenelk", "psenelse")

COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("urn"),
    SourceColumn("la"),
    SourceColumn("estab"),
    SourceColumn("schooltype"),
    *(SourceColumn(name) for name in MEASURES),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    (
        ("urn", "INTEGER"),
        ("la", "INTEGER"),
        ("estab", "VARCHAR"),
        ("schooltype", "VARCHAR"),
    )
    + f.measure_schema(MEASURES)
    + f.PROVENANCE_SCHEMA
)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """Every row of a census file (schools and national rows) as raw_census columns."""
    table = read_dfe_csv(Path(path), COLUMNS)
    columns: dict[str, pd.Series] = {
        "urn": f.integer(table, "urn", null_tokens=("", NATIONAL_URN)).astype("Int32"),
        "la": f.integer(table, "la").astype("Int32"),
        "estab": f.text(table, "estab"),
        "schooltype": f.text(table, "schooltype"),
    }
    national = table.frame["urn"].str.strip().str.upper() == NATIONAL_URN
    f.require_present(table, columns["urn"], "urn", ~national, why="a school row (URN not 'NAT') has no URN")
    f.require_unique(table, columns["urn"], "urn")
    f.require_national_rows(table, national, "urn", marker="URN 'NAT'")
    for name in MEASURES:
        columns[name], columns[f"{name}_reason"] = f.measure(table, name)
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
