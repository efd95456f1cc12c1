"""Typed conversion of raw string columns, shared by every source parser.

Each converter raises SourceFormatError naming the file, data row, source header and value of the first bad
cell, so a rejected file can be fixed without opening a debugger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import DfeCsv
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.special_values import parse_measure_column

PROVENANCE_SCHEMA: tuple[tuple[str, str], ...] = (
    ("academic_year", "VARCHAR"),
    ("data_version", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("source_sha256", "VARCHAR"),
    ("source_row_number", "INTEGER"),
)
LOADED_AT = ("loaded_at", "TIMESTAMP")

_INTEGER_PATTERN = r"[+-]?\d+(?:\.0+)?"


@dataclass(frozen=True)
class SourceSpec:
    """What the loader needs to know about one source: its raw table, column types and parser."""

    name: str  # manifest 'source' value, e.g. 'ks2', 'gias_establishments'
    table: str  # e.g. 'raw_ks2'
    schema: tuple[tuple[str, str], ...]  # (column, DuckDB type) in table order, excluding loaded_at
    parse: Callable[..., pd.DataFrame]

    @property
    def columns(self) -> list[str]:
        return [name for name, _ in self.schema]


def measure_schema(measures: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Each numeric measure is a DOUBLE followed by its `<name>_reason` VARCHAR."""
    return tuple(pair for m in measures for pair in ((m, "DOUBLE"), (f"{m}_reason", "VARCHAR")))


def _raw(table: DfeCsv, name: str) -> pd.Series | None:
    return table.frame[name] if name in table.frame.columns else None


def _fail(table: DfeCsv, name: str, bad: pd.Series, raw: pd.Series, expected: str) -> None:
    positions = bad.to_numpy().nonzero()[0]
    if len(positions):
        first = int(positions[0])
        more = f"; {len(positions) - 1} more bad cell(s) in this column" if len(positions) > 1 else ""
        raise SourceFormatError(
            f"expected {expected}{more}",
            file=table.file_name,
            row=first + 1,
            column=table.header_for(name),
            value=str(raw.iloc[first]),
        )


def text(table: DfeCsv, name: str, *, null_tokens: Sequence[str] = ("",)) -> pd.Series:
    """Trimmed text; empty, single-space and the given null tokens become NULL."""
    raw = _raw(table, name)
    if raw is None:
        return pd.Series(pd.NA, index=table.frame.index, dtype="str")
    stripped = raw.str.strip()
    return stripped.where(~stripped.isin(list(null_tokens)), None).astype("str")


def integer(
    table: DfeCsv,
    name: str,
    *,
    null_tokens: Sequence[str] = ("",),
) -> pd.Series:
    """Whole numbers (Int64). Blank and the given null tokens become NULL; anything else is an error."""
    raw = _raw(table, name)
    if raw is None:
        return pd.Series(pd.NA, index=table.frame.index, dtype="Int64")
    stripped = raw.str.strip()
    is_null = stripped.isin(list(null_tokens))
    is_int = stripped.str.fullmatch(_INTEGER_PATTERN).fillna(False).astype(bool)
    _fail(table, name, ~is_null & ~is_int, raw, "a whole number or blank")
    return pd.to_numeric(stripped.where(is_int, None)).astype("Int64")


def number(table: DfeCsv, name: str, *, null_literal_is_blank: bool = False) -> pd.Series:
    """A measure's value without its reason (for sources whose raw table keeps no reason column)."""
    return measure(table, name, null_literal_is_blank=null_literal_is_blank)[0]


def measure(table: DfeCsv, name: str, *, null_literal_is_blank: bool = False) -> tuple[pd.Series, pd.Series]:
    """(value Float64, reason str) for a DfE measure column."""
    raw = _raw(table, name)
    if raw is None:
        index = table.frame.index
        return pd.Series(pd.NA, index=index, dtype="Float64"), pd.Series(pd.NA, index=index, dtype="str")
    return parse_measure_column(
        raw, file=table.file_name, column=table.header_for(name), null_literal_is_blank=null_literal_is_blank
    )


def date(table: DfeCsv, name: str, *, date_format: str, null_tokens: Sequence[str] = ("",)) -> pd.Series:
    """Dates in the source's fixed format (e.g. '%d-%m-%Y' for GIAS); blank/null tokens become NULL."""
    raw = _raw(table, name)
    if raw is None:
        return pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[s]")
    stripped = raw.str.strip()
    is_null = stripped.isin(list(null_tokens))
    parsed = pd.to_datetime(stripped.where(~is_null, None), format=date_format, errors="coerce")
    readable = date_format.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY")
    _fail(table, name, ~is_null & parsed.isna(), raw, f"a date as {readable} or blank")
    return parsed.astype("datetime64[s]")


def choice(
    table: DfeCsv,
    name: str,
    *,
    allowed: Mapping[str, object],
    null_tokens: Sequence[str] = ("",),
    expected: str | None = None,
) -> pd.Series:
    """Decode a coded column through `allowed` (matched case-insensitively); unknown codes are errors."""
    raw = _raw(table, name)
    if raw is None:
        return pd.Series(pd.NA, index=table.frame.index, dtype="object")
    stripped = raw.str.strip()
    is_null = stripped.isin(list(null_tokens))
    lookup = {str(key).casefold(): value for key, value in allowed.items()}
    decoded = stripped.str.casefold().map(lookup)
    _fail(
        table,
        name,
        ~is_null & decoded.isna(),
        raw,
        expected or f"one of {', '.join(map(str, allowed))} or blank",
    )
    return decoded.where(~is_null, None)


def with_provenance(
    frame: pd.DataFrame, table: DfeCsv, *, academic_year: str | None, data_version: str | None
) -> pd.DataFrame:
    """Append the provenance columns every raw table carries (loaded_at is added by the loader)."""
    rows = len(frame)
    frame["academic_year"] = pd.Series([academic_year] * rows, index=frame.index, dtype="str")
    frame["data_version"] = pd.Series([data_version] * rows, index=frame.index, dtype="str")
    frame["source_file"] = pd.Series([table.file_name] * rows, index=frame.index, dtype="str")
    frame["source_sha256"] = pd.Series([table.sha256] * rows, index=frame.index, dtype="str")
    frame["source_row_number"] = pd.Series(range(1, rows + 1), index=frame.index, dtype="Int32")
    return frame


def assemble(columns: Mapping[str, pd.Series], schema: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Build the output frame in schema order, failing loudly if a parser forgot a column."""
    wanted = [name for name, _ in schema if name not in dict(PROVENANCE_SCHEMA)]
    missing = [name for name in wanted if name not in columns]
    if missing:
        raise AssertionError(f"parser did not produce columns {missing}")
    return pd.DataFrame({name: columns[name] for name in wanted})


def require_unique(table: DfeCsv, values: pd.Series, name: str, *, what: str = "URN") -> None:
    """Refuse a file in which a key appears twice, naming both data rows (NULL keys are not compared)."""
    present = values[values.notna()]
    duplicated = present.duplicated(keep="first")
    if not duplicated.any():
        return
    position = duplicated.to_numpy().nonzero()[0][0]
    key = present.iloc[position]
    rows = [int(i) + 1 for i in present.index[present == key]]
    raise SourceFormatError(
        f"{what} {key} appears on more than one data row ({', '.join(map(str, rows[:5]))}): each {what} must "
        "appear once",
        file=table.file_name,
        row=rows[1],
        column=table.header_for(name),
        value=str(key),
    )


def require_present(table: DfeCsv, values: pd.Series, name: str, where: pd.Series, *, why: str) -> None:
    """Refuse rows (selected by `where`) whose value is NULL, e.g. a school row without a URN."""
    bad = (where & values.isna()).fillna(False)
    if bad.any():
        first = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            f"{why}; {int(bad.sum())} such row(s)",
            file=table.file_name,
            row=first + 1,
            column=table.header_for(name),
            value=str(table.frame[name].iloc[first]) if name in table.frame else "",
        )


# Downloads end with their national rows; a file of this many school rows without them has lost its tail.
# (Hand-made extracts of a few rows, e.g. in tests, are not judged.)
COMPLETENESS_MIN_SCHOOL_ROWS = 20


def require_national_rows(table: DfeCsv, national: pd.Series, column: str, *, marker: str) -> None:
    """Refuse a file with many school rows but no national rows: truncated or incomplete."""
    if national.any() or int((~national).sum()) < COMPLETENESS_MIN_SCHOOL_ROWS:
        return
    raise SourceFormatError(
        f"no national rows ({marker}): every download ends with them, so the file is truncated or incomplete",
        file=table.file_name,
        column=table.header_for(column),
    )
