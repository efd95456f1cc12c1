"""Shared parser for the KS2 and KS4 school performance-table files (england_ks2final.csv etc.).

Both have the same shape: one row per RECTYPE (schools, LA and national rows), identifier columns, then
measures that may hold special-value codes. Only RECTYPE meanings and the measure list differ per key stage.
Which measures a file should have depends on its layout (performance_table_layouts.yml): a measure the layout
never published is loaded as NULL with reason NP, and the layout is kept in `file_layout`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import DfeCsv, SourceColumn, read_dfe_csv, read_records
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import _ees_tidy, ees_layouts, pupil_groups
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources.layouts import NOT_PUBLISHED_REASON, full_layout, match_layout

# Prior-year comparator columns end in the two-digit year the earlier result belongs to: in 2018-19 files
# PTRWM_EXP_18 and _17, in 2022-23 files _22 and _19 (FORMATS.md 1a/1d). The newest suffix is the year
# before the file's own, i.e. the first calendar year of the academic year.
_PRIOR_YEAR_SUFFIX = re.compile(r"^[A-Za-z0-9_]+?_(\d{2})$")
# DfE downloads (national or one LA) always end with the national rows; a file of this many school rows
# without them has lost its tail. Hand-made extracts of a few rows (tests, one-school LAs) are not judged.
COMPLETENESS_MIN_SCHOOL_ROWS = 20
_PRIOR_YEAR_BASES = ("TELIG", "PTRWM_EXP", "PTRWM_HIGH", "ATT8SCR", "P8MEA", "TPUP", "PTFSM6CLA1A")

IDENTIFIER_SCHEMA: tuple[tuple[str, str], ...] = (
    ("rectype", "INTEGER"),
    ("record_type", "VARCHAR"),
    ("lea", "INTEGER"),
    ("estab", "INTEGER"),
    ("urn", "INTEGER"),
    ("schname", "VARCHAR"),
    ("nftype", "VARCHAR"),
    # What a school row says about the school itself, for schools missing from the GIAS extract: ICLOSE (0 open,
    # 1 closed) and URN_AC (the academy a school became; KS2 files only). Not every layout has them.
    ("iclose", "INTEGER"),
    ("urn_ac", "INTEGER"),
)
LAYOUT_SCHEMA: tuple[tuple[str, str], ...] = (("file_layout", "VARCHAR"),)
_OPTIONAL_IDENTIFIERS = ("iclose", "urn_ac")


def schema(measures: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return IDENTIFIER_SCHEMA + f.measure_schema(measures) + LAYOUT_SCHEMA + f.PROVENANCE_SCHEMA


def source_columns(
    measures: Sequence[str],
    aliases: Mapping[str, tuple[str, ...]] | None = None,
    optional: Collection[str] = (),
) -> tuple[SourceColumn, ...]:
    """Identifiers and measures (a measure may be headed by one of its `aliases`: other spellings DfE has used;
    an `optional` measure may be absent)."""
    identifiers = ("rectype", "lea", "estab", "urn", "schname", "nftype")
    aliases = aliases or {}
    return (
        *(SourceColumn(name) for name in identifiers),
        *(SourceColumn(name, aliases=aliases.get(name, ()), required=name not in optional) for name in measures),
        *(SourceColumn(name, required=False) for name in _OPTIONAL_IDENTIFIERS),
    )


def _header(path: Path) -> list[str]:
    records, _, _ = read_records(path)
    first = next(iter(records), [])
    return [cell.removeprefix("\ufeff") for cell in first]


def parse_key_stage_file(
    path: Path,
    *,
    key_stage: str,
    ees_layout: ees_layouts.EesLayout,
    record_types: Mapping[int, str],
    measures: Sequence[str],
    group_measures: Collection[str],
    academic_year: str | None,
    data_version: str | None,
) -> pd.DataFrame:
    """Every row (all RECTYPEs) of a KS2 or KS4 file, whichever of DfE's layouts it is in: EES's tidy layout (2024-25
    onwards) or the wide performance-table layout of earlier years."""
    if ees_layouts.is_ees_file(path):
        return _ees_tidy.parse_ees_table(
            path,
            layout=ees_layout,
            schema=schema(measures),
            measures=measures,
            academic_year=academic_year,
            data_version=data_version,
            not_published=pupil_groups.not_in_ees_layout(key_stage),
        )
    return parse_performance_table(
        path,
        key_stage=key_stage,
        record_types=record_types,
        measures=measures,
        academic_year=academic_year,
        data_version=data_version,
        aliases=pupil_groups.aliases(key_stage),
        optional=group_measures,
    )


def parse_performance_table(
    path: Path,
    *,
    key_stage: str,
    record_types: Mapping[int, str],
    measures: Sequence[str],
    academic_year: str | None,
    data_version: str | None,
    aliases: Mapping[str, tuple[str, ...]] | None = None,
    optional: Collection[str] = (),
) -> pd.DataFrame:
    """`optional` measures (pupil-group breakdowns, whose columns DfE has varied by year) may be missing from a
    file: they are then loaded as not published, like a measure the layout never had."""
    required = [name for name in measures if name not in optional]
    layout = match_layout(
        key_stage, _header(Path(path)), academic_year, data_version, measures=required
    ) or full_layout(key_stage)
    published = [name for name in measures if name not in layout.not_published]
    table = read_dfe_csv(Path(path), source_columns(published, aliases, optional))
    check_year_matches_columns(table, academic_year)
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
        "iclose": f.integer(table, "iclose").astype("Int32"),
        "urn_ac": f.integer(table, "urn_ac").astype("Int32"),
    }
    school = record_type.isin(["mainstream_school", "special_school"])
    f.require_present(table, columns["urn"], "urn", school, why="a school row (RECTYPE 1 or 2) has no URN")
    f.require_unique(table, columns["urn"].where(school), "urn")
    national = [code for code, meaning in record_types.items() if meaning.startswith("national")]
    missing = [code for code in national if not (rectype == code).any()]
    if missing and int(school.sum()) >= COMPLETENESS_MIN_SCHOOL_ROWS:
        raise SourceFormatError(
            f"no national row(s) RECTYPE {', '.join(map(str, missing))}: every DfE download (national or "
            "single-LA) ends with them, so the file is truncated or incomplete",
            file=table.file_name,
            column=table.header_for("rectype"),
        )
    for name in published:
        columns[name], columns[f"{name}_reason"] = f.measure(table, name)
        if name not in table.frame:  # an optional breakdown this file does not have
            columns[f"{name}_reason"] = pd.Series(NOT_PUBLISHED_REASON, index=table.frame.index, dtype="str")
    for name in layout.not_published:
        columns[name] = pd.Series(pd.NA, index=table.frame.index, dtype="Float64")
        columns[f"{name}_reason"] = pd.Series(NOT_PUBLISHED_REASON, index=table.frame.index, dtype="str")
    columns["file_layout"] = pd.Series(layout.name, index=table.frame.index, dtype="str")
    frame = f.assemble(columns, schema(measures))
    return f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)


def newest_prior_year_suffix(header: Sequence[str]) -> int | None:
    """The newest two-digit year suffix of the prior-year comparator columns (PTRWM_EXP_18 -> 18), if any."""
    suffixes = {
        int(match.group(1))
        for column in header
        if (match := _PRIOR_YEAR_SUFFIX.match(column.strip()))
        and column.strip().upper().rsplit("_", 1)[0] in _PRIOR_YEAR_BASES
    }
    return max(suffixes) if suffixes else None


def check_year_matches_columns(table: DfeCsv, academic_year: str | None) -> None:
    """Refuse a file whose prior-year columns belong to another year than its folder says."""
    if academic_year is None:
        return
    newest = newest_prior_year_suffix(table.columns_found)
    if newest is None:
        return
    expected = int(academic_year[:4]) % 100
    if newest != expected:
        example = next(
            h
            for h in table.columns_found
            if h.strip().endswith(f"_{newest:02d}") and _PRIOR_YEAR_SUFFIX.match(h.strip())
        )
        raise SourceFormatError(
            f"the prior-year columns are for 20{newest:02d} (newest suffix _{newest:02d}) but the folder says "
            f"{academic_year}, whose prior year is 20{expected:02d}: the file belongs to another year",
            file=table.file_name,
            column=example,
        )
