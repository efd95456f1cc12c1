"""DfE statistical neighbours (Children's Services Statistical Neighbour Benchmarking Tool groups).

sn_<month>_<year>.xlsx (sheet 'LA SN Groups') or its CSV export (FORMATS.md 5a):
  - two junk rows (column letters, then numbers) above the header
    "LA num","LA Name","LA number","GOInd","GOReg","SN1","SNP",...,"SN10","SNP";
  - 'SNP' (the closeness label) repeats after every SNk, so it is read by position (the column after SNk);
  - the current LAs, then a blank row, a ',Old SNs:' marker row and the superseded LAs (e.g. 835 Dorset
    (Pre LG)), kept with sn_section 'old';
  - a new LA without neighbours yet has '-' in every SN/SNP cell (2021 file: Cumberland): no rows for it;
  - closeness labels change case between releases ('Very Close' 2021, 'Very close' 2025): matched without
    case and stored as written; anything else is an error naming row and column.
One output row per (LA, neighbour rank).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import header_key, read_records
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "statistical_neighbours"
TABLE = "raw_statistical_neighbours"
SHEET = "LA SN Groups"
NEIGHBOURS = 10
JUNK_ROWS_ALLOWED = 3
CLOSENESS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")
NO_NEIGHBOUR = "-"
OLD_SECTION_MARKER = "old sns:"

SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "INTEGER"),
    ("la_name", "VARCHAR"),
    ("region_name", "VARCHAR"),
    ("sn_section", "VARCHAR"),  # 'current' | 'old'
    ("neighbour_rank", "INTEGER"),
    ("neighbour_la_code", "INTEGER"),
    ("closeness", "VARCHAR"),
) + f.PROVENANCE_SCHEMA


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """A statistical-neighbour release (xlsx or csv) as raw_statistical_neighbours rows."""
    path = Path(path)
    records, _, data = read_records(path, sheet=SHEET)
    header, header_line = _header(records, path.name)
    positions = _positions(header, path.name)
    lookup = {c.casefold(): c for c in CLOSENESS}
    rows: list[tuple] = []
    section = "current"
    seen: dict[tuple[str, int], int] = {}
    data_row = 0
    for record in records:
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        data_row += 1
        if not cells[0] and any(c.casefold() == OLD_SECTION_MARKER for c in cells):
            section = "old"
            continue

        def fail(message: str, column: str, value: str, row: int = data_row) -> None:
            raise SourceFormatError(message, file=path.name, row=row, column=column, value=value)

        la_text = _cell(cells, positions["la"])
        if not la_text.isdigit():
            fail("expected a 3-digit LA number", header[positions["la"]], la_text)
        la_code = int(la_text)
        if (section, la_code) in seen:
            fail(
                f"LA number {la_code} appears twice (data rows {seen[(section, la_code)]} and {data_row})",
                header[positions["la"]],
                la_text,
            )
        seen[(section, la_code)] = data_row
        la_name = _cell(cells, positions["name"])
        region = _cell(cells, positions["region"]) if positions["region"] is not None else ""
        for rank in range(1, NEIGHBOURS + 1):
            sn_at = positions[f"sn{rank}"]
            neighbour, label = _cell(cells, sn_at), _cell(cells, sn_at + 1)
            if neighbour == NO_NEIGHBOUR and label in (NO_NEIGHBOUR, ""):
                continue
            if not neighbour.isdigit():
                fail("expected a neighbour's 3-digit LA number or '-'", f"SN{rank}", neighbour)
            if int(neighbour) == la_code:
                fail(f"LA {la_code} is listed as its own neighbour", f"SN{rank}", neighbour)
            if label.casefold() not in lookup:
                fail(
                    f"unknown closeness label (expected one of {', '.join(CLOSENESS)}, any case)",
                    f"SNP after SN{rank}",
                    label,
                )
            rows.append((la_code, la_name, region or None, section, rank, int(neighbour), label, data_row))
    if not rows:
        raise SourceFormatError("file has a header but no neighbour rows", file=path.name)
    frame = pd.DataFrame(
        rows,
        columns=[
            "la_code",
            "la_name",
            "region_name",
            "sn_section",
            "neighbour_rank",
            "neighbour_la_code",
            "closeness",
            "source_row_number",
        ],
    )
    for name in ("la_code", "neighbour_rank", "neighbour_la_code"):
        frame[name] = frame[name].astype("Int32")
    for name in ("la_name", "region_name", "sn_section", "closeness"):
        frame[name] = frame[name].astype("str")
    count = len(frame)
    frame["academic_year"] = pd.Series([academic_year] * count, dtype="str")
    frame["data_version"] = pd.Series([data_version] * count, dtype="str")
    frame["source_file"] = pd.Series([path.name] * count, dtype="str")
    frame["source_sha256"] = pd.Series([hashlib.sha256(data).hexdigest()] * count, dtype="str")
    frame["source_row_number"] = frame["source_row_number"].astype("Int32")
    return frame[[name for name, _ in SCHEMA]]


def _cell(cells: list[str], at: int) -> str:
    return cells[at] if at < len(cells) else ""


def _header(records, file_name: str) -> tuple[list[str], int]:
    first: list[str] | None = None
    for line, record in enumerate(records, start=1):
        cells = [c.removeprefix("\ufeff").strip() for c in record]
        first = first or cells
        keys = {header_key(c) for c in cells}
        if {"la num", "sn1", "snp"} <= keys:
            return cells, line
        if line > JUNK_ROWS_ALLOWED:
            break
    shown = ", ".join(first or [])[:300]
    raise SourceFormatError(
        "no statistical-neighbour header ('LA num', ..., 'SN1', 'SNP', ...) in the first "
        f"{JUNK_ROWS_ALLOWED + 1} rows. First row: {shown}",
        file=file_name,
        column="LA num",
    )


def _positions(header: list[str], file_name: str) -> dict[str, int | None]:
    keys = [header_key(h) for h in header]

    def find(name: str, required: bool = True) -> int | None:
        if name in keys:
            return keys.index(name)
        if required:
            raise SourceFormatError(
                f"required column {name!r} missing. Columns found: {', '.join(header)}", file=file_name, column=name
            )
        return None

    positions: dict[str, int | None] = {"la": find("la num"), "name": find("la name"), "region": find("goreg", False)}
    for rank in range(1, NEIGHBOURS + 1):
        at = find(f"sn{rank}")
        if at + 1 >= len(keys) or keys[at + 1] != "snp":
            raise SourceFormatError(
                f"expected an 'SNP' closeness column right after SN{rank}", file=file_name, column=f"SN{rank}"
            )
        positions[f"sn{rank}"] = at
    return positions


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
