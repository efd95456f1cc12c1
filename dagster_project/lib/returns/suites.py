"""GX Core suites for the returns (``expectations/returns_*.json``), built from the spec and run row by row.

The suites check each cell on its own (present, coded, length, format) and duplicate entries; the referential
checks (school known and open, adviser known, dates not in the future) need the warehouse and live in
``references.py``. Every unexpected cell becomes a ``RowError`` with the spreadsheet row.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from dagster_project.lib.quality.expectations import load_suite, run_gx_suite, suite_path
from dagster_project.lib.returns.errors import RowError
from dagster_project.lib.returns.spec import (
    ACADEMIC_YEAR,
    ACADEMIC_YEAR_PATTERN,
    ADVISER,
    CODE,
    DATE,
    DATE_PATTERN,
    NUMBER,
    NUMBER_PATTERN,
    URN,
    URN_PATTERN,
    ColumnSpec,
    ReturnSpec,
)

_PATTERNS = {URN: URN_PATTERN, DATE: DATE_PATTERN, NUMBER: NUMBER_PATTERN, ACADEMIC_YEAR: ACADEMIC_YEAR_PATTERN}


def _expectation(kind: str, kwargs: dict[str, Any], expected: str, why: str) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": {"expected": expected, "why": why}}


def _column_expectations(column: ColumnSpec) -> list[dict[str, Any]]:
    name = column.name
    found: list[dict[str, Any]] = []
    if column.required:
        found.append(
            _expectation(
                "expect_column_values_to_not_be_null",
                {"column": name},
                "a value (required)" + (": an override must say why" if name == "rationale" else ""),
                f"{name} is required",
            )
        )
    if column.kind in _PATTERNS:
        found.append(
            _expectation(
                "expect_column_values_to_match_regex",
                {"column": name, "regex": _PATTERNS[column.kind]},
                column.expected(),
                f"{name} must be read as a {column.kind}",
            )
        )
    if column.kind == CODE:
        found.append(
            _expectation(
                "expect_column_values_to_be_in_set",
                {"column": name, "value_set": list(column.codes)},
                "one of: " + ", ".join(column.codes),
                f"{name} is a coded field (the template's drop-down list)",
            )
        )
    if column.max_length:
        found.append(
            _expectation(
                "expect_column_value_lengths_to_be_between",
                {"column": name, "min_value": 1, "max_value": column.max_length},
                f"at most {column.max_length} characters",
                f"{name} has a length limit" + (" (free text)" if column.restricted else ""),
            )
        )
    if column.kind == ADVISER:
        pass  # known advisers are a referential check against the advisers return in force
    return found


def build_suite(spec: ReturnSpec) -> dict[str, Any]:
    """The suite for one return, as the JSON committed under expectations/."""
    expectations = [
        _expectation(
            "expect_column_to_exist", {"column": c}, "this column in the header row", f"{c} is in the template"
        )
        for c in spec.column_names
    ]
    for column in spec.columns:
        expectations.extend(_column_expectations(column))
    key = list(spec.key)
    expectations.append(
        _expectation(
            "expect_compound_columns_to_be_unique" if len(key) > 1 else "expect_column_values_to_be_unique",
            {"column_list": key} if len(key) > 1 else {"column": key[0]},
            f"no duplicate entry: one row per {', '.join(key)}",
            "duplicate entries make the return ambiguous",
        )
    )
    return {
        "name": spec.suite_name,
        "meta": {
            "source": f"LA return '{spec.name}' ({spec.title}); generated from dagster_project/lib/returns/spec.py",
            "notes": "Run on every received file before it is accepted; any failure refuses the whole file.",
        },
        "expectations": expectations,
    }


def suite_json(spec: ReturnSpec) -> str:
    return json.dumps(build_suite(spec), indent=2) + "\n"


def run_suite(frame: pd.DataFrame, spec: ReturnSpec, file_name: str) -> list[RowError]:
    """Validate the string frame (index = spreadsheet row) with the committed suite; one error per bad cell."""
    if not suite_path(spec.suite_name).exists():
        raise FileNotFoundError(
            f"{suite_path(spec.suite_name)} is missing: run `python -m dagster_project.returns suites`"
        )
    if frame.empty:
        return []
    rows = list(frame.index)
    data = frame.reset_index(drop=True)
    result = run_gx_suite(data, load_suite(spec.suite_name))
    errors: list[RowError] = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        expected = (config.meta or {}).get("expected", config.type)
        columns = config.kwargs.get("column_list") or [config.kwargs.get("column")]
        for position in (outcome.result or {}).get("unexpected_index_list") or []:
            index = position if isinstance(position, int) else position.get("index")
            if index is None:
                continue
            for column in columns:
                value = data.at[index, column]
                shown = None if value is None else str(value)
                if config.type == "expect_column_value_lengths_to_be_between" and shown and len(shown) > 60:
                    shown = f"{shown[:50]}… ({len(shown)} characters)"
                errors.append(RowError(file_name, rows[index], column, shown, expected))
    return errors
