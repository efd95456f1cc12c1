"""Read a DfE / GIAS / Ofsted CSV (or xlsx) as strings, matching headers by name.

Why by name: DfE reorders, adds and re-cases columns between years (TNotFSM6CLA1A vs TNOTFSM6CLA1A), so
positions are meaningless. Why all strings: cells mix numbers, '%' signs and special-value codes that must
survive until the measure parser decides what each one means. Nothing is skipped silently: a row with
more fields than the header, a blank line or a one-cell note inside the data is an error naming the row;
rows with fewer fields (DfE omits trailing empty cells) are padded with blanks and counted.

Before any parsing the bytes are sniffed, so that what a failed download typically leaves behind (an
empty file, an HTML error page, an Excel workbook or a UTF-16 export saved under a .csv name) is refused
with a message saying what the file actually is.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.errors import SourceFormatError

UTF8_BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"  # xlsx (and any zip)
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<?xml", "<!--")
# How far down a file to look for a header row that is not on line 1 (to explain the refusal).
HEADER_DIAGNOSIS_ROWS = 10


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
    encoding: str  # 'utf-8-sig' (BOM), 'utf-8', 'cp1252' or 'xlsx'
    sha256: str
    columns_found: tuple[str, ...]
    source_headers: dict[str, str]  # canonical name -> header as written in the file
    frame: pd.DataFrame  # canonical names; optional columns absent from the file are not present
    trailing_blank_lines: int = 0
    short_rows: int = 0  # rows with fewer fields than the header, padded with blanks
    missing_optional: tuple[str, ...] = field(default=())
    header_line: int = 1  # 1-based line of the header (2 junk rows above it -> 3)

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
    return " ".join(str(header).split()).casefold()


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


def sniff_text_file(data: bytes, file_name: str) -> None:
    """Refuse bytes that are not a delimited text file, saying what they look like instead."""
    if not data.strip():
        raise SourceFormatError(f"file is empty ({len(data)} bytes, no header row)", file=file_name)
    if data.startswith(ZIP_MAGIC):
        raise SourceFormatError(
            "file is an Excel workbook (xlsx/zip), not a CSV text file: export it as CSV or supply the "
            "layout's .xlsx name",
            file=file_name,
        )
    if data.startswith(OLE_MAGIC):
        raise SourceFormatError("file is a legacy Excel workbook (.xls), not a CSV text file", file=file_name)
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise SourceFormatError(
            "file is UTF-16 or binary (it contains NUL bytes); expected UTF-8 or Windows-1252 text",
            file=file_name,
        )
    start = head.removeprefix(UTF8_BOM).lstrip().lower()
    if start.startswith(tuple(s.encode() for s in _HTML_STARTS)):
        raise SourceFormatError(
            "file is an HTML page, not CSV (an error or sign-in page saved in place of the download?)",
            file=file_name,
        )


def decode_source(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode file bytes, returning (text, encoding used)."""
    sniff_text_file(data, file_name)
    encoding = detect_encoding(data)
    skip = len(UTF8_BOM) if encoding == "utf-8-sig" else 0
    try:
        return data[skip:].decode("utf-8" if skip else encoding), encoding
    except UnicodeDecodeError as error:
        offset = error.start + skip
        declared = (
            "starts with a UTF-8 byte-order mark but is not valid UTF-8"
            if skip
            else ("is neither UTF-8 nor Windows-1252")
        )
        raise SourceFormatError(
            f"file {declared}: byte 0x{data[offset]:02x} at offset {offset} cannot be decoded",
            file=file_name,
        ) from error


def _xlsx_records(data: bytes, file_name: str, sheet: str | None) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    if not data.startswith(ZIP_MAGIC):
        sniff_text_file(data, file_name)
        raise SourceFormatError("file has an .xlsx name but is not an Excel workbook", file=file_name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for a damaged workbook
        raise SourceFormatError(f"Excel workbook cannot be opened: {error}", file=file_name) from error
    try:
        worksheet = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
        for values in worksheet.iter_rows(values_only=True):
            yield [_xlsx_cell(v) for v in values]
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_records(path: Path, *, sheet: str | None = None) -> tuple[Iterator[list[str]], str, bytes]:
    """(records, encoding, bytes) of a CSV or, by its .xlsx name, an Excel workbook's first/named sheet."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() == ".xlsx":
        return _xlsx_records(data, path.name, sheet), "xlsx", data
    text, encoding = decode_source(data, path.name)
    return csv.reader(io.StringIO(text, newline="")), encoding, data


def read_dfe_csv(
    path: Path,
    columns: Sequence[SourceColumn],
    *,
    header_search_rows: int = 0,
    allow_blank_trailing_rows: bool = False,
    sheet: str | None = None,
) -> DfeCsv:
    """Read the mapped columns of a CSV (or .xlsx) file as strings (canonical names), checking every row.

    `header_search_rows` lets a layout with junk rows above the header (DfE's statistical-neighbour file
    has two) find it within that many rows; otherwise the header must be line 1. `allow_blank_trailing_rows`
    accepts rows of empty cells at the end (spreadsheet exports such as ',,,,').
    """
    path = Path(path)
    records, encoding, data = read_records(path, sheet=sheet)
    try:
        header, header_line, source_headers, missing_optional = _find_header(
            records, columns, path.name, header_search_rows
        )
        wanted = list(source_headers)
        positions = [header.index(source_headers[name]) for name in wanted]
        # Pick one position more than needed so itemgetter always returns a tuple, even for one wanted column.
        pick = itemgetter(*positions, 0)
        picked_rows: list[tuple[str, ...]] = []
        width = len(header)
        blank_lines = 0
        short_rows = 0
        row_number = 0
        for record in records:
            if not record or (allow_blank_trailing_rows and not any(cell.strip() for cell in record)):
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
                if not any(cell.strip() for cell in record[width:]):  # trailing empty cells (',,')
                    record = record[:width]
                else:
                    raise SourceFormatError(
                        f"row has {len(record)} fields but the header has {width}", file=path.name, row=row_number
                    )
            if width > 2 and sum(1 for cell in record if cell.strip()) <= 1 and len(record) < width:
                raise SourceFormatError(
                    f"row has only {len(record)} field(s) where the header has {width}: a note, footer or "
                    "truncated line, not data",
                    file=path.name,
                    row=row_number,
                    value=record[0][:80] if record else "",
                )
            if len(record) < width:
                # DfE leaves off trailing empty cells (e.g. a school with no eligible pupils stops after
                # TOTPUPS); the missing cells are blanks, counted so the shortfall is visible.
                short_rows += 1
                record = [*record, *([""] * (width - len(record)))]
            picked_rows.append(pick(record))
    except csv.Error as error:
        raise SourceFormatError(f"not valid CSV: {error}", file=path.name) from error
    if not picked_rows:
        raise SourceFormatError(
            "file has a header but no data rows (refused: loading it would empty this slice)", file=path.name
        )

    values = list(zip(*picked_rows, strict=True))
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
        header_line=header_line,
    )


def _find_header(
    records: Iterator[list[str]], columns: Sequence[SourceColumn], file_name: str, header_search_rows: int
) -> tuple[list[str], int, dict[str, str], list[str]]:
    """The header row (line 1, or within `header_search_rows` junk rows), its line and the column match."""
    seen: list[list[str]] = []
    first_error: SourceFormatError | None = None
    for line, record in enumerate(records, start=1):
        record = [cell.removeprefix("\ufeff") if line == 1 else cell for cell in record]
        seen.append(record)
        try:
            matched, missing_optional = _match_headers(record, columns, file_name)
        except SourceFormatError as error:
            if first_error is None:
                first_error = error
            if line > max(header_search_rows + 1, HEADER_DIAGNOSIS_ROWS):
                break
            continue
        if line > header_search_rows + 1:
            raise SourceFormatError(
                f"the header is on line {line}, not line 1: {line - 1} junk line(s) above it "
                f"(first: {','.join(seen[0])[:80]!r}); this layout has no title rows",
                file=file_name,
                row=None,
            )
        header = _trim_trailing_empty_headers(record)
        return header, line, matched, missing_optional
    if first_error is None:
        raise SourceFormatError("file is empty (no header row)", file=file_name)
    raise first_error


def _trim_trailing_empty_headers(header: list[str]) -> list[str]:
    """Spreadsheet exports add empty header cells after the last column (e.g. a trailing comma)."""
    trimmed = list(header)
    while len(trimmed) > 1 and not trimmed[-1].strip():
        trimmed.pop()
    return trimmed


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
        if len(distinct) > 1 or (distinct and list(header).count(distinct[0]) > 1):
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
        shown = ", ".join(header[:40]) + (f", ... ({len(header) - 40} more)" if len(header) > 40 else "")
        raise SourceFormatError(
            f"required column(s) missing: {names}. Columns found ({len(header)}): {shown}",
            file=file_name,
            column=first.name,
        )
    return matched, missing_optional
