"""School census characteristics from the performance-tables download (england_census.csv).

National summary rows have URN 'NAT', a blank LA and a phase in ESTAB ('PRI', 'SEC', 'SPE'), so estab is
text; a single-LA download adds the LA's own summary rows with URN 'LA' (kept as record_type 'local_authority').
Later years spell the header 'Estab'; matching is case-insensitive. SCHOOLTYPE first appears in 2018-19 (the
2016-17 and 2017-18 downloads have no such column), so it is optional.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "census"
TABLE = "raw_census"
NATIONAL_URN = "NAT"
LA_URN = "LA"

MEASURES: tuple[str, ...] = ("nor", "pnumfsmever", "pnumeal", "psenelk", "psenelse")

COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("urn"),
    SourceColumn("la"),
    SourceColumn("estab"),
    SourceColumn("schooltype", required=False),
    *(SourceColumn(name) for name in MEASURES),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    (
        ("record_type", "VARCHAR"),  # 'school' | 'local_authority' | 'national'
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
    marker = table.frame["urn"].str.strip().str.upper()
    national = marker == NATIONAL_URN
    la_summary = marker == LA_URN
    record_type = pd.Series("school", index=table.frame.index, dtype="str")
    record_type[national] = "national"
    record_type[la_summary] = "local_authority"
    columns: dict[str, pd.Series] = {
        "record_type": record_type,
        "urn": f.integer(table, "urn", null_tokens=("", NATIONAL_URN, LA_URN)).astype("Int32"),
        "la": f.integer(table, "la").astype("Int32"),
        "estab": f.text(table, "estab"),
        "schooltype": f.text(table, "schooltype"),
    }
    f.require_present(
        table, columns["urn"], "urn", ~national & ~la_summary, why="a school row (URN not 'NAT' or 'LA') has no URN"
    )
    f.require_unique(table, columns["urn"], "urn")
    f.require_national_rows(table, national, "urn", marker="URN 'NAT'")
    for name in MEASURES:
        columns[name], columns[f"{name}_reason"] = f.measure(table, name)
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
