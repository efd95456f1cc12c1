"""Special-value codes: every DfE code becomes a NULL value with its code kept as the reason."""

from __future__ import annotations

import pandas as pd
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.special_values import (
    BLANK,
    SPECIAL_VALUES,
    parse_measure,
    parse_measure_column,
)

# The reason vocabulary agreed in the interface contract (section 2).
CONTRACT_REASON_CODES = {
    "SUPP",
    "NE",
    "NA",
    "NP",
    "LOWCOV",
    "NEW",
    "SP",
    "RE",
    "SUPP*",
    "DNS",
    "LOW",
    "BLANK",
}


def test_reason_vocabulary_is_exactly_the_contract_list_and_every_code_has_a_meaning() -> None:
    assert set(SPECIAL_VALUES) == CONTRACT_REASON_CODES
    assert all(meaning.strip() for meaning in SPECIAL_VALUES.values())


@pytest.mark.parametrize("code", sorted(CONTRACT_REASON_CODES - {"BLANK"}))
def test_each_special_value_code_gives_no_value_and_keeps_the_code_as_reason(code: str) -> None:
    assert parse_measure(code) == (None, code)


@pytest.mark.parametrize("raw", ["", " ", "   "])
def test_empty_or_space_cells_are_blank(raw: str) -> None:
    assert parse_measure(raw) == (None, BLANK)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("78%", 78.0),
        (" 78% ", 78.0),
        ("0%", 0.0),
        ("-0.6", -0.6),
        ("104", 104.0),
        ("4658339", 4658339.0),
        ("12.5 %", 12.5),
    ],
)
def test_numbers_parse_with_percent_sign_and_spaces_stripped(raw: str, expected: float) -> None:
    assert parse_measure(raw) == (expected, None)


def test_codes_are_recognised_whatever_their_case_and_padding() -> None:
    # EES files write 'low' in lower case; DfE pads some cells with spaces.
    assert parse_measure("low") == (None, "LOW")
    assert parse_measure(" SUPP ") == (None, "SUPP")


def test_literal_null_is_blank_only_when_the_caller_says_so() -> None:
    assert parse_measure("NULL", null_literal_is_blank=True) == (None, BLANK)
    with pytest.raises(SourceFormatError):
        parse_measure("NULL")


@pytest.mark.parametrize("raw", ["XYZ", "c", "n/a", "-", "inf", "nan", "78%%"])
def test_unknown_tokens_raise_naming_the_value(raw: str) -> None:
    with pytest.raises(SourceFormatError) as caught:
        parse_measure(raw)
    assert caught.value.value == raw
    assert repr(raw) in str(caught.value)


def test_caller_adds_file_row_and_column_to_the_error() -> None:
    with pytest.raises(SourceFormatError) as caught:
        parse_measure("XYZ")
    located = caught.value.with_context(file="england_ks2final.csv", row=12, column="PTRWM_EXP")
    message = str(located)
    for part in ("england_ks2final.csv", "data row 12", "PTRWM_EXP", "'XYZ'", "SUPP"):
        assert part in message


def test_column_parse_returns_values_and_reasons_side_by_side() -> None:
    raw = pd.Series(["78%", "SUPP", " ", "NE", "-1.5", "NP", "LOWCOV", "SUPP*"])
    values, reasons = parse_measure_column(raw, file="f.csv", column="PTRWM_EXP")
    assert values.tolist()[0] == 78.0 and values.tolist()[4] == -1.5
    assert values.isna().tolist() == [False, True, True, True, False, True, True, True]
    assert [r if isinstance(r, str) else None for r in reasons] == [
        None,
        "SUPP",
        "BLANK",
        "NE",
        None,
        "NP",
        "LOWCOV",
        "SUPP*",
    ]


def test_column_parse_names_file_row_column_and_value_of_the_first_unknown_token() -> None:
    raw = pd.Series(["1", "2", "SUPP", "BAD", "3", "WORSE"])
    with pytest.raises(SourceFormatError) as caught:
        parse_measure_column(raw, file="england_ks4final.csv", column="P8MEA")
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == ("england_ks4final.csv", 4, "P8MEA", "BAD")
    assert "1 more" in str(error)
