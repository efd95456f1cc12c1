"""DfE special-value codes and the parser that turns a raw cell into (number, reason).

Performance tables publish a code instead of a number when a value is withheld or does not apply. The code is
kept as the measure's reason so reports can say *why* a figure is missing (suppressed vs not applicable)
rather than showing a bare gap. Meanings follow DfE's "General abbreviations" sheet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from dagster_project.lib.ingest.errors import SourceFormatError

BLANK = "BLANK"

SPECIAL_VALUES: dict[str, str] = {
    "SUPP": "Suppressed: too few pupils covered by the measure to publish without identifying them",
    "NE": "No entries: the school entered no pupils for the qualifications covered",
    "NA": "Not applicable: not available for that year or not applicable to this school",
    "NP": "Not published (e.g. no progress measures for independent schools)",
    "LOWCOV": "Low coverage: progress measure withheld because under 50% of pupils are included",
    "NEW": "New institution with no eligible pupils yet",
    "SP": "Small percentage: between 0% and 0.5%",
    "RE": "Redacted",
    "SUPP*": "Suppressed pending results from an awarding organisation (2018)",
    "DNS": "Data not supplied (seen in 2024-25 files; meaning not confirmed by DfE documentation)",
    "LOW": "Low: a positive value that rounds to zero",
    BLANK: "The cell was empty or a single space",
}

REASON_CODES: tuple[str, ...] = tuple(SPECIAL_VALUES)

# Explore Education Statistics (EES) files use the GSS symbols instead (lower case, matched exactly). They are
# accepted only by parsers of EES layouts, so a legacy performance-table file holding 'x' is still refused.
EES_SYMBOLS: dict[str, str] = {
    "c": "Confidential: suppressed to protect individuals",
    "x": "Not available",
    "z": "Not applicable",
    "low": "Low: a positive value that rounds to zero (under 0.5%)",
    "u": "Low reliability",
}

# Ofsted MI writes the literal word NULL for a missing value; in DfE files 'NULL' would be an unknown token.
OFSTED_NULL_LITERAL = "NULL"


def reason_for_token(
    token: str, *, null_literal_is_blank: bool = False, symbols: Mapping[str, str] | None = None
) -> str | None:
    """The reason code for a non-numeric cell, or None if the token is not a known special value.

    `symbols` (e.g. EES_SYMBOLS) replaces the legacy DfE codes: an EES file must not hold 'SUPP' or a blank.
    """
    if symbols is not None:
        stripped = token.strip()
        return stripped if stripped in symbols else None
    cleaned = token.strip().upper()
    if cleaned == "" or (null_literal_is_blank and cleaned == OFSTED_NULL_LITERAL):
        return BLANK
    if cleaned in SPECIAL_VALUES and cleaned != BLANK:
        return cleaned
    return None


def parse_measure(
    raw: str, *, null_literal_is_blank: bool = False, symbols: Mapping[str, str] | None = None
) -> tuple[float | None, str | None]:
    """Parse one cell: a number (a trailing '%' and surrounding spaces allowed) or a special-value code.

    Raises SourceFormatError without location; the caller adds file, row and column with `with_context`.
    """
    text = raw.strip()
    number_text = text.removesuffix("%").strip()
    try:
        value = float(number_text)
    except ValueError:
        value = None
    if value is not None and math.isfinite(value):
        return value, None
    reason = reason_for_token(text, null_literal_is_blank=null_literal_is_blank, symbols=symbols)
    if reason is None:
        raise SourceFormatError(_unknown_token_message(symbols), value=raw)
    return None, reason


def parse_measure_column(
    raw: pd.Series,
    *,
    file: str,
    column: str,
    first_row_number: int = 1,
    null_literal_is_blank: bool = False,
    symbols: Mapping[str, str] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Vectorised `parse_measure` over a column of raw strings.

    Returns (values as nullable Float64, reasons as nullable str). Row numbers in errors are the position in
    `raw` plus `first_row_number`, so pass the series in file order.
    """
    # Parse each distinct cell once: a national file repeats the same few thousand strings per column, and
    # element-wise pandas string methods are slow without pyarrow.
    codes, distinct = pd.factorize(raw.to_numpy(dtype=object))
    parsed = [_parse_or_none(str(cell), null_literal_is_blank, symbols) for cell in distinct]
    unknown_distinct = np.array([result is None for result in parsed], dtype=bool)
    unknown = unknown_distinct[codes] if len(codes) else np.zeros(0, dtype=bool)
    if unknown.any():
        positions = unknown.nonzero()[0]
        first = int(positions[0])
        message = _unknown_token_message(symbols)
        if len(positions) > 1:
            message += f"; {len(positions) - 1} more cell(s) in this column are also unrecognised"
        raise SourceFormatError(
            message, file=file, row=first + first_row_number, column=column, value=str(raw.iloc[first])
        )
    distinct_values = np.array([value if value is not None else np.nan for value, _ in parsed], dtype=float)
    distinct_reasons = np.array([reason for _, reason in parsed], dtype=object)
    values = pd.Series(distinct_values[codes], index=raw.index, dtype="Float64")
    reasons = pd.Series(distinct_reasons[codes], index=raw.index, dtype="str")
    return values, reasons


def _parse_or_none(
    cell: str, null_literal_is_blank: bool, symbols: Mapping[str, str] | None
) -> tuple[float | None, str | None] | None:
    try:
        return parse_measure(cell, null_literal_is_blank=null_literal_is_blank, symbols=symbols)
    except SourceFormatError:
        return None


def _unknown_token_message(symbols: Mapping[str, str] | None = None) -> str:
    if symbols is not None:
        return f"not a number and not an EES symbol (expected a number or one of {', '.join(symbols)})"
    codes = ", ".join(code for code in REASON_CODES if code != BLANK)
    return f"not a number and not a known special value (expected a number or one of {codes}, or blank)"
