"""CSV conventions of the published DfE / GIAS / Ofsted files, and DfE-style rounding.

Every file is built in memory and encoded in one go so that the same rows always give the
same bytes (no platform newline translation, no locale).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

# Blank used on LA / national rows for columns that only make sense for a school (real KS2 files).
BLANK = " "

_QUANTS = {dp: Decimal(1).scaleb(-dp) for dp in range(0, 4)}


def round_half_up(value: float, dp: int = 0) -> Decimal:
    """DfE rounds halves away from zero, not to even as Python's round() does."""
    return Decimal(repr(value)).quantize(_QUANTS[dp], rounding=ROUND_HALF_UP)


def fmt_num(value: float, dp: int) -> str:
    """Number as printed in performance tables: fixed dp, then trailing zeros dropped ('-1', '0.4')."""
    text = format(round_half_up(value, dp), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct_int(numerator: int, denominator: int) -> int:
    """Whole-number percentage, half up, from integer counts (exact, no float error)."""
    return (200 * numerator + denominator) // (2 * denominator)


def fmt_pct(numerator: int, denominator: int) -> str:
    """Performance-table percentage with its '%' sign."""
    return f"{pct_int(numerator, denominator)}%"


def fmt_pct_value(value: float) -> str:
    return f"{fmt_num(value, 0)}%"


def _render(header: Sequence[str], rows: Iterable[Sequence[object]], quoting: int) -> tuple[str, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=quoting)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return buffer.getvalue(), count


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    encoding: str,
    quoting: int = csv.QUOTE_MINIMAL,
) -> int:
    """Write CRLF CSV. encoding 'utf-8-sig' (BOM, CSCP downloads) or 'cp1252' (GIAS, Ofsted, some CSCP years).

    Returns the number of data rows.
    """
    text, count = _render(header, rows, quoting)
    path.parent.mkdir(parents=True, exist_ok=True)
    # strict: a character outside cp1252 must fail here, not become '?' in the file
    path.write_bytes(text.encode(encoding, errors="strict"))
    return count


def write_links_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """GIAS links layout: header and text quoted, URN and LinkURN bare integers, empty dates as ""."""
    return write_csv(path, header, rows, encoding="cp1252", quoting=csv.QUOTE_NONNUMERIC)
