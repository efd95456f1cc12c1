"""LA and region codes (DfE's la_code_list: "LA Number","LA Name","Region","Type"; csv or xlsx).

Region-level and England rows (e.g. 987 'London (Inner)', 1000 'England (discontinued)') carry 'NA' as
region and type; they are kept with la_type NULL so staging can keep only local authorities. Type codes:
ILB/OLB inner/outer London borough, MD metropolitan district, UA unitary authority, SC shire county.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "la_codes"
TABLE = "raw_la_codes"
NA = "NA"
LA_TYPES = {"ILB": "ILB", "OLB": "OLB", "MD": "MD", "UA": "UA", "SC": "SC"}

COLUMNS: tuple[SourceColumn, ...] = (
    SourceColumn("la_number", ("LA Number", "LA num")),
    SourceColumn("la_name", ("LA Name",)),
    SourceColumn("region", ("Region",)),
    SourceColumn("type", ("Type",)),
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "INTEGER"),
    ("la_name", "VARCHAR"),
    ("region_name", "VARCHAR"),
    ("la_type", "VARCHAR"),
) + f.PROVENANCE_SCHEMA


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    table = read_dfe_csv(Path(path), COLUMNS, allow_blank_trailing_rows=True)
    la_code = f.integer(table, "la_number").astype("Int32")
    f.require_present(table, la_code, "la_number", pd.Series(True, index=la_code.index), why="a row has no LA number")
    f.require_unique(table, la_code, "la_number", what="LA number")
    columns = {
        "la_code": la_code,
        "la_name": f.text(table, "la_name"),
        "region_name": f.text(table, "region", null_tokens=("", NA)),
        "la_type": f.choice(
            table, "type", allowed=LA_TYPES, null_tokens=("", NA), expected="ILB, OLB, MD, UA, SC or NA"
        ).astype("str"),
    }
    frame = f.assemble(columns, SCHEMA)
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
