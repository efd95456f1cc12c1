"""Read a DfE / GIAS / Ofsted CSV as strings, matching headers by name.

Why by name: DfE reorders, adds and re-cases columns between years (TNotFSM6CLA1A vs TNOTFSM6CLA1A), so
positions are meaningless. Why all strings: cells mix numbers, '%' signs and special-value codes that must
survive until the measure parser decides what each one means. Nothing is skipped silently: a row with the
more fields than the header or a blank line inside the data is an error naming the row; rows with fewer
fields (DfE omits trailing empty cells) are padded with blanks and counted.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import pandas as pd

from dagster_project.lib.errors import SourceFormatError

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SourceColumn:
    """One column a parser needs: its canonical (lower-case, raw-table) name and the headers it may appear as.

    Header matching ignores case and runs of whitespace, so the canonical name itself covers case drift;
    `aliases` lists other wordings used by some years or layouts (e.g. GIAS 'LA (code)' for la_code).
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def accepted_headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class DfeCsv:
    """The mapped columns of one source file, as raw strings, plus what we learnt reading it."""

    path: Path
    encoding: str  # 'utf-8-sig' (BOM), 'utf-8' or 'cp1252'
    sha256: str
    columns_found: tuple[str, ...]
    source_headers: dict[str, str]  # canonical name -> header as written in the file
    frame: pd.DataFrame  # canonical names; optional columns absent from the file are not present
    trailing_blank_lines: int = 0
    short_rows: int = 0  # rows with fewer fields than the header, padded with blanks
    missing_optional: tuple[str, ...] = field(default=())

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def row_count(self) -> int:
        return len(self.frame)

    def header_for(self, canonical: str) -> str:
        return self.source_headers.get(canonical, canonical)


def header_key(header: str) -> str:
    """Normalise a header for matching: case-insensitive, whitespace runs collapsed."""
    return " ".join(header.split()).casefold()


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as UTF-8, otherwise Windows-1252.

    Windows-1252 files (GIAS, Ofsted, some DfE years) usually contain a byte such as 0x92 (’) or 0xE9 (é)
    that is invalid UTF-8, which is what makes this order safe.
    """
    if data.startswith(UTF8_BOM):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_source(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode file bytes, returning (text, encoding used)."""
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise SourceFormatError(
            f"file is neither UTF-8 nor Windows-1252: byte 0x{data[error.start]:02x} at offset {error.start}"
            " cannot be decoded",
            file=file_name,
        ) from error


def read_dfe_csv(path: Path, columns: Sequence[SourceColumn]) -> DfeCsv:
    """Read the mapped columns of a CSV file as strings (canonical names), checking every row's shape."""
    path = Path(path)
    data = path.read_bytes()
    text, encoding = decode_source(data, path.name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceFormatError("file is empty (no header row)", file=path.name) from None
    except csv.Error as error:
        raise SourceFormatError(f"header row is not valid CSV: {error}", file=path.name) from error

    source_headers, missing_optional = _match_headers(header, columns, path.name)
    wanted = list(source_headers)
    positions = [header.index(source_headers[name]) for name in wanted]
    # Pick one position more than needed so itemgetter always returns a tuple, even for one wanted column.
    pick = itemgetter(*positions, 0)
    picked_rows: list[tuple[str, ...]] = []
    width = len(header)
    blank_lines = 0
    short_rows = 0
    row_number = 0
    try:
        for record in reader:
            if not record:
                blank_lines += 1
                continue
            row_number += 1
            if blank_lines:
                raise SourceFormatError(
                    f"blank line inside the data ({blank_lines} blank line(s) before this row)",
                    file=path.name,
                    row=row_number,
                )
            if len(record) > width:
                raise SourceFormatError(
                    f"row has {len(record)} fields but the header has {width}", file=path.name, row=row_number
                )
            if len(record) < width:
                # DfE leaves off trailing empty cells (e.g. a school with no eligible pupils stops after
                # TOTPUPS); the missing cells are blanks, counted so the shortfall is visible.
                short_rows += 1
                record.extend([""] * (width - len(record)))
            picked_rows.append(pick(record))
    except csv.Error as error:
        raise SourceFormatError(f"not valid CSV: {error}", file=path.name, row=row_number + 1) from error

    values = list(zip(*picked_rows, strict=True)) if picked_rows else [() for _ in range(len(wanted) + 1)]
    frame = pd.DataFrame({name: pd.Series(list(col), dtype="str") for name, col in zip(wanted, values, strict=False)})
    return DfeCsv(
        path=path,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        columns_found=tuple(header),
        source_headers=source_headers,
        frame=frame,
        trailing_blank_lines=blank_lines,
        short_rows=short_rows,
        missing_optional=tuple(missing_optional),
    )


def _match_headers(
    header: Sequence[str], columns: Sequence[SourceColumn], file_name: str
) -> tuple[dict[str, str], list[str]]:
    by_key: dict[str, list[str]] = {}
    for found in header:
        by_key.setdefault(header_key(found), []).append(found)

    matched: dict[str, str] = {}
    missing_required: list[SourceColumn] = []
    missing_optional: list[str] = []
    for column in columns:
        candidates = [h for accepted in column.accepted_headers() for h in by_key.get(header_key(accepted), [])]
        distinct = list(dict.fromkeys(candidates))
        if len(distinct) > 1 or (distinct and header.count(distinct[0]) > 1):
            raise SourceFormatError(
                f"column {column.name!r} is ambiguous: the file has {len(candidates)} matching headers {distinct}",
                file=file_name,
                column=column.name,
            )
        if distinct:
            matched[column.name] = distinct[0]
        elif column.required:
            missing_required.append(column)
        else:
            missing_optional.append(column.name)
    if missing_required:
        first = missing_required[0]
        names = ", ".join(" or ".join(repr(h) for h in c.accepted_headers()) for c in missing_required)
        raise SourceFormatError(
            f"required column(s) missing: {names}. Columns found ({len(header)}): {', '.join(header)}",
            file=file_name,
            column=first.name,
        )
    return matched, missing_optional
