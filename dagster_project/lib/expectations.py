"""Run a Great Expectations (GX Core 1.x) suite kept as a reviewable JSON file under ``expectations/``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.resources import REPO_ROOT

EXPECTATIONS_DIR = REPO_ROOT / "expectations"
SAMPLE_SIZE = 10


@dataclass(frozen=True)
class FailedExpectation:
    expectation_type: str
    column: str | None
    why: str
    unexpected_count: int | None
    sample_unexpected: list[Any] = field(default_factory=list)
    sample_rows: list[dict[str, Any]] = field(default_factory=list)


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


def load_suite(name: str):
    import great_expectations as gx

    return gx.ExpectationSuite(**json.loads(suite_path(name).read_text(encoding="utf-8")))


def validate_dataframe(df: pd.DataFrame, suite_name: str, *, id_columns: list[str] | None = None) -> SuiteOutcome:
    """Validate ``df`` against the named suite; failures carry a sample of the offending rows."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    suite = load_suite(suite_name)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole_table")
        .get_batch(batch_parameters={"dataframe": df.reset_index(drop=True)})
    )
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        details = outcome.result or {}
        rows = details.get("unexpected_index_list") or []
        positions = [i for i in rows[:SAMPLE_SIZE] if isinstance(i, int)]
        # via JSON so numpy/pandas scalars become plain values Dagster metadata can hold
        sample_rows = json.loads(df.iloc[positions][id_columns].to_json(orient="records")) if id_columns else []
        failures.append(
            FailedExpectation(
                expectation_type=config.type,
                column=config.kwargs.get("column"),
                why=(config.meta or {}).get("why", ""),
                unexpected_count=details.get("unexpected_count"),
                sample_unexpected=list(details.get("partial_unexpected_list") or [])[:SAMPLE_SIZE],
                sample_rows=sample_rows,
            )
        )
    return SuiteOutcome(suite_name=suite_name, evaluated=len(result.results), failures=failures)
