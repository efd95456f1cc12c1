"""One end-to-end run, as `make run` does it and the tests rebuild it: three Dagster runs on one instance.

1. `refresh_all` over every academic year (ingest, dbt, checks, the reports that follow the latest data);
2. `termly_committee_report` for the term of the latest data;
3. `monthly_inspection_briefing` for the latest month the Ofsted data covers to its end (none without Ofsted data:
   the run says so and the other reports still publish).

The report runs are separate because a job's partitioned assets share one partitioning (years, terms, months).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.defs.partitions import all_years_tags
from dagster_project.lib.committee_report import latest_data_term
from dagster_project.lib.inspection_briefing import default_month, ofsted_data_date
from dagster_project.lib.report_data import ReportDataError


@dataclass
class FullRun:
    refresh: dg.ExecuteInProcessResult
    reports: dict[str, dg.ExecuteInProcessResult] = field(default_factory=dict)  # job name -> its run
    skipped: dict[str, str] = field(default_factory=dict)  # job name -> why the data cannot support it

    @property
    def runs(self) -> list[dg.ExecuteInProcessResult]:
        return [self.refresh, *self.reports.values()]

    @property
    def success(self) -> bool:
        return all(run.success for run in self.runs) and len(self.reports) + len(self.skipped) == len(REPORT_JOBS)

    @property
    def failed_steps(self) -> list[str]:
        return [
            event.step_key or run.job_def.name for run in self.runs for event in run.all_events if event.is_step_failure
        ]


def _briefing_month(duckdb_path: Path) -> str:
    try:
        return default_month(ofsted_data_date(duckdb_path))
    except ReportDataError as error:
        raise _NotApplicable("no Ofsted inspection data is loaded, so there is no inspection briefing") from error


class _NotApplicable(Exception):
    """The data holds nothing this periodic report could be about (e.g. no Ofsted file for the briefing)."""


REPORT_JOBS: dict[str, Callable[[Path], str]] = {
    "termly_committee_report": lambda duckdb_path: latest_data_term(duckdb_path).partition_key,
    "monthly_inspection_briefing": _briefing_month,
}


def run_everything(
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    duckdb_path: Path,
    *,
    run_config: dict[str, Any] | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> FullRun:
    """Refresh every year, then the periodic reports for the latest term and month; stops at the first failure."""
    log("refresh_all over every academic year")
    refresh = definitions.resolve_job_def("refresh_all").execute_in_process(
        instance=instance, raise_on_error=False, tags=all_years_tags(), run_config=run_config
    )
    full_run = FullRun(refresh)
    if not refresh.success:
        return full_run
    for job_name, partition_for in REPORT_JOBS.items():
        try:
            partition_key = partition_for(duckdb_path)
        except _NotApplicable as reason:
            full_run.skipped[job_name] = str(reason)
            log(f"{job_name} not run: {reason}")
            continue
        log(f"{job_name} for {partition_key}")
        result = definitions.resolve_job_def(job_name).execute_in_process(
            instance=instance, raise_on_error=False, partition_key=partition_key, run_config=run_config
        )
        full_run.reports[job_name] = result
        if not result.success:
            break
    return full_run
