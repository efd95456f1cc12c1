"""Shared parser for the KS2 and KS4 school performance-table files (england_ks2final.csv etc.).

Both have the same shape: one row per RECTYPE (schools, LA and national rows), identifier columns, then
measures that may hold special-value codes. Only RECTYPE meanings and the measure list differ per key stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from dagster_project.lib.dfe_csv import SourceColumn, read_dfe_csv
from dagster_project.lib.sources import _fields as f

IDENTIFIER_SCHEMA: tuple[tuple[str, str], ...] = (
    ("rectype", "INTEGER"),
    ("record_type", "VARCHAR"),
    ("lea", "INTEGER"),
    ("estab", "INTEGER"),
    ("urn", "INTEGER"),
    ("schname", "VARCHAR"),
    ("nftype", "VARCHAR"),
)


def schema(measures: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return IDENTIFIER_SCHEMA + f.measure_schema(measures) + f.PROVENANCE_SCHEMA


def source_columns(measures: Sequence[str]) -> tuple[SourceColumn, ...]:
    identifiers = ("rectype", "lea", "estab", "urn", "schname", "nftype")
    return tuple(SourceColumn(name) for name in (*identifiers, *measures))


def parse_performance_table(
    path: Path,
    *,
    record_types: Mapping[int, str],
    measures: Sequence[str],
    academic_year: str | None,
    data_version: str | None,
) -> pd.DataFrame:
    table = read_dfe_csv(Path(path), source_columns(measures))
    rectype = f.integer(table, "rectype", null_tokens=())
    codes = ", ".join(f"{code} ({meaning})" for code, meaning in record_types.items())
    record_type = f.choice(
        table,
        "rectype",
        allowed={str(code): meaning for code, meaning in record_types.items()},
        null_tokens=(),
        expected=f"a RECTYPE this key stage uses: {codes}",
    )
    columns: dict[str, pd.Series] = {
        "rectype": rectype.astype("Int32"),
        "record_type": record_type.astype("str"),
        # LA and national rows leave identifiers as a single space.
        "lea": f.integer(table, "lea").astype("Int32"),
        "estab": f.integer(table, "estab").astype("Int32"),
        "urn": f.integer(table, "urn").astype("Int32"),
        "schname": f.text(table, "schname"),
        "nftype": f.text(table, "nftype"),
    }
    for name in measures:
        columns[name], columns[f"{name}_reason"] = f.measure(table, name)
    frame = f.assemble(columns, schema(measures))
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)
