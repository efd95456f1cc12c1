"""Run a Great Expectations (GX Core 1.x) suite kept as a reviewable JSON file under ``expectations/``.

A suite judges two things. Each received file, after parsing and before it replaces its slice of the raw table
(`validate_file`): a failure refuses the file whole, naming the check, the data row and the value. And the whole
raw table, as the blocking Dagster asset check (`validate_dataframe`). Expectations marked ``"scope": "file"`` in
their meta compare a file with what it replaces (e.g. its row count against the last good file) and take their
values from suite parameters (``{"$PARAMETER": ...}``), so they run on files only.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.settings import EXPECTATIONS_DIR

SAMPLE_SIZE = 10
FILE_SCOPE = "file"
# Columns that locate a row for the person fixing a file: its data row in the file and the school.
LOCATOR_COLUMNS = ("source_row_number", "urn", "la_code", "la", "lea", "academic_year")


@dataclass(frozen=True)
class FailedExpectation:
    expectation_type: str
    column: str | None
    why: str
    unexpected_count: int | None
    sample_unexpected: list[Any] = field(default_factory=list)
    sample_rows: list[dict[str, Any]] = field(default_factory=list)
    observed_value: Any = None  # table-level expectations (e.g. the row count) report what they saw
    expected: str | None = None  # and what they wanted, e.g. 'at least 962'

    @property
    def first_row(self) -> int | None:
        """The 1-based data row in the source file of the first offending row, when the table records it."""
        for row in self.sample_rows:
            number = row.get("source_row_number")
            if number is not None:
                return int(number)
        return None

    def describe(self, *, located: bool = True) -> str:
        """One line a person can act on: the check in words, how many rows and (if `located`) where and the value."""
        what = f"'{self.why or self.expectation_type}'"
        if self.unexpected_count is None:
            wanted = f" where {self.expected} were expected" if self.expected else ""
            return f"{what}: found {_shown(self.observed_value, quoted=False)}{wanted}"
        if not located:
            return f"{what}: {self.unexpected_count} row(s)"
        column = f" (column '{self.column}')" if self.column else ""
        where = f", first at data row {self.first_row}" if self.first_row is not None else ""
        value = f", value {_shown(self.sample_unexpected[0])}" if self.sample_unexpected else ""
        return f"{what}{column}: {self.unexpected_count} row(s){where}{value}"


@dataclass(frozen=True)
class SuiteOutcome:
    suite_name: str
    evaluated: int
    failures: list[FailedExpectation]

    @property
    def success(self) -> bool:
        return not self.failures


def suite_path(name: str) -> Path:
    return EXPECTATIONS_DIR / f"{name}.json"


def suite_definition(name: str) -> dict[str, Any]:
    return json.loads(suite_path(name).read_text(encoding="utf-8"))


def load_suite(name: str, *, file_checks: bool = True):
    """The suite as a GX object; without `file_checks`, the expectations scoped to one received file are left out."""
    import great_expectations as gx

    definition = suite_definition(name)
    if not file_checks:
        definition = {
            **definition,
            "expectations": [e for e in definition["expectations"] if (e.get("meta") or {}).get("scope") != FILE_SCOPE],
        }
    return gx.ExpectationSuite(**definition)


def file_scoped_expectations(name: str) -> list[dict[str, Any]]:
    """The suite's checks that compare a received file with the last good one (meta scope 'file')."""
    return [e for e in suite_definition(name)["expectations"] if (e.get("meta") or {}).get("scope") == FILE_SCOPE]


def minimum_rows(
    previous: pd.DataFrame | None,
    current: pd.DataFrame,
    *,
    row_condition: str | None,
    one_la_column: str | None,
    fraction: float,
) -> int:
    """The fewest rows (matching `row_condition`) a file may hold: `fraction` of what the last good file held.

    A download for a single LA (one value in `one_la_column`) that follows a national one is compared with that
    LA's rows only; any other file with the whole of the last good file, so losing whole LAs counts too.
    """
    if previous is None or previous.empty:
        return 0
    rows = previous.query(row_condition) if row_condition else previous
    if one_la_column:
        las = current[one_la_column].dropna().unique()
        if len(las) == 1:
            rows = rows[rows[one_la_column].isin(las)]
    return math.floor(len(rows) * fraction)


def run_gx_suite(data: pd.DataFrame, suite: Any, *, expectation_parameters: Mapping[str, Any] | None = None) -> Any:
    """The one GX runner (national files, whole tables and the LA's returns): `suite` over the whole frame as one
    batch of an ephemeral context, every unexpected row listed (result format COMPLETE)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("whole_frame")
        .get_batch(batch_parameters={"dataframe": data})
    )
    return batch.validate(
        suite, expectation_parameters=dict(expectation_parameters or {}), result_format={"result_format": "COMPLETE"}
    )


def validate_dataframe(
    df: pd.DataFrame,
    suite_name: str,
    *,
    id_columns: Sequence[str] | None = None,
    file_parameters: Mapping[str, Any] | None = None,
) -> SuiteOutcome:
    """Validate ``df`` against the named suite; failures carry a sample of the offending rows.

    With `file_parameters` (the values of the suite's ``$PARAMETER`` references) ``df`` is one received file and
    every expectation runs; without, ``df`` is a whole table and the file-scoped expectations are skipped.
    """
    suite = load_suite(suite_name, file_checks=file_parameters is not None)
    data = df.reset_index(drop=True)
    result = run_gx_suite(data, suite, expectation_parameters=file_parameters)
    locators = list(id_columns) if id_columns is not None else [c for c in LOCATOR_COLUMNS if c in data.columns]
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        details = outcome.result or {}
        rows = details.get("unexpected_index_list") or []
        positions = [i for i in rows[:SAMPLE_SIZE] if isinstance(i, int)]
        # via JSON so numpy/pandas scalars become plain values Dagster metadata can hold
        sample_rows = json.loads(data.iloc[positions][locators].to_json(orient="records")) if locators else []
        error = (outcome.exception_info or {}).get("exception_message")
        failures.append(
            FailedExpectation(
                expectation_type=config.type,
                column=_columns(config.kwargs),
                why=(config.meta or {}).get("why", ""),
                unexpected_count=details.get("unexpected_count"),
                sample_unexpected=list(details.get("partial_unexpected_list") or [])[:SAMPLE_SIZE],
                sample_rows=sample_rows,
                observed_value=details.get("observed_value", error),
                expected=_bounds(config.kwargs),
            )
        )
    return SuiteOutcome(suite_name=suite_name, evaluated=len(result.results), failures=failures)


def validate_file(
    frame: pd.DataFrame, suite_name: str, *, file_name: str, file_parameters: Mapping[str, Any]
) -> SuiteOutcome:
    """Validate one parsed file before it is loaded; raise `SourceFormatError` naming every failed check."""
    outcome = validate_dataframe(frame, suite_name, file_parameters=file_parameters)
    if not outcome.success:
        raise refusal(outcome, file_name)
    return outcome


def refusal(outcome: SuiteOutcome, file_name: str) -> SourceFormatError:
    """The error that refuses a file: the first failed check gives the row, column and value; all are listed."""
    first, *others = outcome.failures
    value = _shown(first.sample_unexpected[0] if first.sample_unexpected else first.observed_value, quoted=False)
    also = "".join(f"; also {f.describe()}" for f in others)
    # The value is written into the message (before the other failed checks), so the error carries it only as
    # reason.json's "value" (extra), not as the trailing "(value ...)" SourceFormatError would add.
    shown = f", value {value}" if first.unexpected_count is not None else ""
    return SourceFormatError(
        f"failed the data check {first.describe(located=False)}{shown}{also}",
        file=file_name,
        row=first.first_row,
        column=first.column,
        extra={
            "value": value,
            "suite": f"expectations/{outcome.suite_name}.json",
            "expectation": first.expectation_type,
            "failed_checks": [
                {
                    "expectation": f.expectation_type,
                    "why": f.why,
                    "column": f.column,
                    "unexpected_count": f.unexpected_count,
                    "observed_value": _plain(f.observed_value),
                    "sample_values": [_plain(v) for v in f.sample_unexpected],
                    "sample_rows": f.sample_rows,
                }
                for f in outcome.failures
            ],
        },
    )


def _columns(kwargs: Mapping[str, Any]) -> str | None:
    """The column(s) an expectation judges: 'ptrwm_exp', 'ptrwm_exp, ptrwm_high' for a pair, a compound key."""
    if kwargs.get("column"):
        return kwargs["column"]
    pair = [kwargs[k] for k in ("column_A", "column_B") if kwargs.get(k)]
    return ", ".join(pair or kwargs.get("column_list") or []) or None


def _bounds(kwargs: Mapping[str, Any]) -> str | None:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if isinstance(low, dict) or isinstance(high, dict):  # an unresolved $PARAMETER
        return None
    if low is not None and high is not None:
        return f"between {low} and {high}"
    if low is not None:
        return f"at least {low}"
    return f"at most {high}" if high is not None else None


def _plain(value: Any) -> Any:
    """JSON-safe: numpy scalars and NaN become plain Python values (a pair of columns' values, a list)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _shown(value: Any, *, quoted: bool = True) -> str:
    value = _plain(value)
    if value is None:
        return "blank"
    text = " and ".join(map(str, value)) if isinstance(value, list) else str(value)
    return repr(text) if quoted else text
