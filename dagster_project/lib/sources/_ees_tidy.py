"""Parse a tidy EES school-level KS2/KS4 file into the same raw_ks2 / raw_ks4 rows the legacy layout gives.

Each area (a school, an LA or England, per establishment_type_group) becomes one row with its RECTYPE-equivalent;
its measures are picked from the tidy cells through the layout's column map (ees_layouts.py). Unknown columns,
filter values, geographic levels and symbols stop the file with the file, row, column and value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from dagster_project.lib.ingest.dfe_csv import DfeCsv, SourceColumn, header_key, read_dfe_csv
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.special_values import EES_SYMBOLS, parse_measure_column
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources.ees_layouts import (
    AREA_RECORD_TYPES,
    EES_IDENTIFIERS,
    GEOGRAPHIC_LEVELS,
    SCHOOL_TYPES,
    VERSIONS,
    EesLayout,
)
from dagster_project.lib.sources.layouts import NOT_PUBLISHED_REASON

_REQUIRED = ("time_period", "geographic_level", "version")

# A school-level EES file's geographic_level -> record type. Such files hold school rows, and the area rows given
# with them are kept, but not regions' (the warehouse keeps LA and national figures).
SCHOOL_FILE_LEVELS: Mapping[str, str | None] = MappingProxyType(
    {"school": "school", "local authority": "local_authority", "regional": None, "national": "national"}
)
# A school-level EES file's education_phase -> the phase codes of the performance-tables national rows.
SCHOOL_FILE_PHASES: Mapping[str, str] = MappingProxyType(
    {
        "state-funded primary": "PRI",
        "state-funded secondary": "SEC",
        "special": "SPE",
        "state-funded special": "SPE",
        "total": "ALL",
    }
)


def source_columns(layout: EesLayout) -> tuple[SourceColumn, ...]:
    identifiers = [SourceColumn(name, required=name in _REQUIRED) for name in EES_IDENTIFIERS]
    filters = [SourceColumn(name) for name in layout.filters]
    extra = [SourceColumn(name, required=False) for name in layout.extra_filters]
    indicators = [SourceColumn(name, required=False) for name in layout.indicators]
    return (*identifiers, *filters, *extra, *indicators)


def parse_ees_table(
    path: Path,
    *,
    layout: EesLayout,
    schema: Sequence[tuple[str, str]],
    measures: Sequence[str],
    academic_year: str | None,
    data_version: str | None,
    not_published: Sequence[str] = (),
) -> pd.DataFrame:
    """One raw row per area; `not_published` measures (breakdowns the EES layout does not have) get reason NP."""
    table = read_dfe_csv(Path(path), source_columns(layout))
    _refuse_unknown_columns(table, layout)
    check_time_period(table, academic_year)
    _check_version(table, data_version)
    lowered = {name: table.frame[name].str.strip().str.casefold() for name in (*layout.filters, "geographic_level")}
    for name in layout.filters:
        refuse_unknown_values(table, name, lowered[name], layout.filter_values[name])
    refuse_unknown_values(table, "geographic_level", lowered["geographic_level"], frozenset(GEOGRAPHIC_LEVELS))

    record_type, nftype = _record_types(table, lowered["geographic_level"])
    kept = record_type.notna()
    urn = f.integer(table, "school_urn")
    school = record_type.isin(["mainstream_school", "special_school"])
    f.require_present(table, urn, "school_urn", school, why="a school row has no school_urn")
    la_code = f.integer(table, "old_la_code")
    laestab = f.integer(table, "school_laestab")
    area_key = pd.DataFrame(
        {
            "record_type": record_type,
            "urn": urn.where(school),
            "la_code": la_code.where(record_type == "local_authority"),
        }
    )
    # One output row per area, in file order; rows of regions (not kept) belong to no area.
    area_id = pd.Series(-1, index=table.frame.index)
    area_id[kept] = pd.factorize(pd.MultiIndex.from_frame(area_key[kept].astype("string").fillna("")))[0]
    _refuse_duplicate_cells(table, layout, lowered, area_id)

    areas = int(area_id.max()) + 1
    if areas <= 0:
        raise SourceFormatError(
            "no school, LA or national rows (only levels this warehouse does not keep)",
            file=table.file_name,
            column=table.header_for("geographic_level"),
        )
    first_row = table.frame.index.to_series().groupby(area_id).min().drop(-1, errors="ignore")
    out_rows = first_row.to_numpy()
    rectypes = record_type.iloc[out_rows].map(layout.record_types)
    columns: dict[str, pd.Series] = {
        "rectype": pd.Series(rectypes.to_numpy(), dtype="Int32"),
        "record_type": pd.Series(record_type.iloc[out_rows].to_numpy(), dtype="str"),
        "lea": pd.Series(la_code.iloc[out_rows].to_numpy(), dtype="Int32"),
        # LAESTAB is the LA code then the 4-digit establishment number.
        "estab": pd.Series((laestab.iloc[out_rows] % 10000).to_numpy(), dtype="Int32"),
        "urn": pd.Series(urn.iloc[out_rows].where(school.iloc[out_rows]).to_numpy(), dtype="Int32"),
        "schname": pd.Series(_names(table).iloc[out_rows].to_numpy(), dtype="str"),
        "nftype": pd.Series(nftype.iloc[out_rows].to_numpy(), dtype="str"),
        "iclose": pd.Series(pd.NA, index=range(areas), dtype="Int32"),
        "urn_ac": pd.Series(pd.NA, index=range(areas), dtype="Int32"),
        "file_layout": pd.Series(f"{layout.key_stage}_ees_tidy", index=range(areas), dtype="str"),
    }
    for name in measures:
        columns[name] = pd.Series(pd.NA, index=range(areas), dtype="Float64")
        reason = NOT_PUBLISHED_REASON if name in not_published else pd.NA
        columns[f"{name}_reason"] = pd.Series(reason, index=range(areas), dtype="str")
    parsed = {
        indicator: parse_measure_column(
            table.frame[indicator], file=table.file_name, column=table.header_for(indicator), symbols=EES_SYMBOLS
        )
        for indicator in layout.indicators
        if indicator in table.frame
    }
    for (filter_values, indicator), measure in layout.measures.items():
        if indicator not in parsed:
            continue
        selected = kept.copy()
        for name, wanted in zip(layout.filters, filter_values, strict=True):
            selected &= lowered[name] == wanted
        targets = area_id[selected].to_numpy()
        values, reasons = parsed[indicator]
        columns[measure].iloc[targets] = values[selected].to_numpy()
        columns[f"{measure}_reason"].iloc[targets] = reasons[selected].to_numpy()
    frame = f.assemble(columns, schema)
    frame = f.with_provenance(frame, table, academic_year=academic_year, data_version=data_version)
    frame["source_row_number"] = pd.Series(out_rows + 1, dtype="Int32")  # the area's first tidy row
    return frame


def _refuse_unknown_columns(table: DfeCsv, layout: EesLayout) -> None:
    known = {header_key(name) for name in layout.known_columns}
    for header in table.columns_found:
        if header_key(header.removeprefix("\ufeff")) not in known:
            raise SourceFormatError(
                f"unknown column in the EES {layout.key_stage.upper()} layout: not an identifier, filter or "
                "indicator this warehouse maps (add it to dagster_project/lib/sources/ees_layouts.py)",
                file=table.file_name,
                column=header,
            )


def refuse_unknown_values(table: DfeCsv, name: str, lowered: pd.Series, allowed: frozenset[str]) -> None:
    bad = ~lowered.isin(allowed)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(
            f"unknown {name} value; expected one of {', '.join(sorted(allowed))}",
            file=table.file_name,
            row=row + 1,
            column=table.header_for(name),
            value=table.frame[name].iloc[row],
        )


def check_time_period(table: DfeCsv, academic_year: str | None) -> None:
    """EES writes 2024-25 as '202425'; every row must be the year the folder says."""
    raw = table.frame["time_period"].str.strip()
    expected = academic_year.replace("-", "") if academic_year else raw.iloc[0]
    bad = raw != expected
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(
            f"time_period is not {expected} (the academic year {academic_year or raw.iloc[0]}): the file belongs "
            "to another year",
            file=table.file_name,
            row=row + 1,
            column=table.header_for("time_period"),
            value=raw.iloc[row],
        )


def rows_of_year(table: DfeCsv, academic_year: str | None) -> tuple[pd.Series, str]:
    """The rows of one academic year in a file that may hold several (EES time series often do): the folder's
    year, else the first row's. Refuses a file without that year, naming the years it holds."""
    periods = table.frame["time_period"].str.strip()
    period = academic_year.replace("-", "") if academic_year else periods.iloc[0]
    year = academic_year or f"{period[:4]}-{period[4:]}"
    in_year = periods == period
    if not in_year.any():
        raise SourceFormatError(
            f"no rows for {year} (time_period {period}); the file holds {', '.join(sorted(set(periods)))}: "
            "put it in the folder of one of those years",
            file=table.file_name,
            column=table.header_for("time_period"),
        )
    return in_year, year


def _check_version(table: DfeCsv, data_version: str | None) -> None:
    lowered = table.frame["version"].str.strip().str.casefold()
    mapped = lowered.map(VERSIONS)
    expected = data_version or mapped.iloc[0]
    bad = mapped.isna() | (mapped != expected)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(
            f"version is not {expected!r} (expected one of {', '.join(VERSIONS)}, agreeing with the file name)",
            file=table.file_name,
            row=row + 1,
            column=table.header_for("version"),
            value=table.frame["version"].iloc[row],
        )


def _record_types(table: DfeCsv, level: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Record type (None for levels not kept) and NFTYPE-equivalent per tidy row."""
    group = (
        table.frame["establishment_type_group"].str.strip().str.casefold()
        if "establishment_type_group" in table.frame
        else pd.Series("", index=table.frame.index)
    )
    record_type = pd.Series(None, index=table.frame.index, dtype="object")
    nftype = pd.Series(None, index=table.frame.index, dtype="object")
    for row, (lvl, grp) in enumerate(zip(level, group, strict=True)):
        if lvl == "school":
            # KS2's school file has no establishment_type_group: its schools are state-funded mainstream.
            school_type = SCHOOL_TYPES.get(grp) if grp else ("mainstream_school", None)
            if school_type is None:
                _unknown_group(table, row, sorted(SCHOOL_TYPES))
            record_type.iloc[row], nftype.iloc[row] = school_type
        elif (lvl, grp) in AREA_RECORD_TYPES:
            record_type.iloc[row] = AREA_RECORD_TYPES[(lvl, grp)]
        else:
            _unknown_group(table, row, sorted({g for level_, g in AREA_RECORD_TYPES if level_ == lvl}))
    return record_type, nftype


def _unknown_group(table: DfeCsv, row: int, allowed: list[str]) -> None:
    level = table.frame["geographic_level"].iloc[row]
    raise SourceFormatError(
        f"unknown establishment_type_group for geographic_level {level!r}; expected one of {', '.join(allowed)}",
        file=table.file_name,
        row=row + 1,
        column=table.header_for("establishment_type_group"),
        value=table.frame["establishment_type_group"].iloc[row] if "establishment_type_group" in table.frame else "",
    )


def _names(table: DfeCsv) -> pd.Series:
    school = f.text(table, "school_name")
    la = f.text(table, "la_name")
    return school.where(school.notna(), la)


def _refuse_duplicate_cells(
    table: DfeCsv, layout: EesLayout, lowered: dict[str, pd.Series], area_id: pd.Series
) -> None:
    """Two rows for one area and filter combination would make the mapped value depend on row order."""
    key = pd.DataFrame({"area": area_id, **{name: lowered[name] for name in layout.filters}})[area_id >= 0]
    duplicated = key.duplicated(keep="first")
    if duplicated.any():
        position = int(np.flatnonzero(duplicated.to_numpy())[0])
        row = int(key.index[position])
        raise SourceFormatError(
            "duplicated row: this area already has a row with the same "
            f"{', '.join(layout.filters)} (e.g. a school listed twice)",
            file=table.file_name,
            row=row + 1,
            column=table.header_for("school_urn") if "school_urn" in table.frame else None,
            value=table.frame["school_urn"].iloc[row] if "school_urn" in table.frame else None,
        )
