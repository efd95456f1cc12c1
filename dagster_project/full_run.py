"""One end-to-end run, as `make run` does it and the tests rebuild it: three Dagster runs on one instance.

1. `refresh_all` over the academic years the sources folder holds (ingest, dbt, checks, the reports that follow
   the latest data);
2. `termly_committee_report` for the term of the latest data;
3. `monthly_inspection_briefing` for the latest month the Ofsted data covers to its end (none without Ofsted data:
   the run says so and the other reports still publish).

The report runs are separate because a job's partitioned assets share one partitioning (years, terms, months).

Each run executes in this process (as `execute_in_process` does) but is recorded with the origin of the job in the
code location `make dev` serves (`-m dagster_project.definitions`), so the UI lists it on the job's page and the
timeline and links it to the job; and it is tagged with this process's id, so a later `make run` can tell a run
whose process was killed from one still going (`lib/operations/dead_runs.py`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
from dagster._core.code_pointer import CodePointer
from dagster._core.definitions.job_base import InMemoryJob
from dagster._core.definitions.repository_definition.valid_definitions import SINGLETON_REPOSITORY_NAME
from dagster._core.execution.api import create_execution_plan, execute_run
from dagster._core.execution.execute_in_process import merge_run_tags
from dagster._core.execution.execution_result import ExecutionResult
from dagster._core.origin import JobPythonOrigin, RepositoryPythonOrigin
from dagster._core.remote_origin import RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.workspace.load_target import ModuleTarget

from dagster_project.defs.partitions import range_tags, source_year_span
from dagster_project.lib.operations.dead_runs import owner_tags
from dagster_project.lib.reports.committee_report import latest_data_term
from dagster_project.lib.reports.inspection_briefing import default_month, ofsted_data_date
from dagster_project.lib.reports.report_data import ReportDataError
from dagster_project.lib.warehouse.reader import Warehouse
from dagster_project.settings import REPO_ROOT, Settings

CODE_LOCATION_MODULE = "dagster_project.definitions"  # what `make dev` serves: `dagster dev -m <this>`


@dataclass
class FullRun:
    refresh: ExecutionResult
    reports: dict[str, ExecutionResult] = field(default_factory=dict)  # job name -> its run
    skipped: dict[str, str] = field(default_factory=dict)  # job name -> why the data cannot support it

    @property
    def runs(self) -> list[ExecutionResult]:
        return [self.refresh, *self.reports.values()]

    @property
    def success(self) -> bool:
        return all(run.success for run in self.runs) and len(self.reports) + len(self.skipped) == len(REPORT_JOBS)

    @property
    def failed_steps(self) -> list[str]:
        return [
            event.step_key or run.job_def.name for run in self.runs for event in run.all_events if event.is_step_failure
        ]


def _briefing_month(warehouse: Warehouse) -> str:
    try:
        return default_month(ofsted_data_date(warehouse))
    except ReportDataError as error:
        raise _NotApplicable("no Ofsted inspection data is loaded, so there is no inspection briefing") from error


class _NotApplicable(Exception):
    """The data holds nothing this periodic report could be about (e.g. no Ofsted file for the briefing)."""


REPORT_JOBS: dict[str, Callable[[Warehouse], str]] = {
    "termly_committee_report": lambda warehouse: latest_data_term(warehouse).partition_key,
    "monthly_inspection_briefing": _briefing_month,
}


def run_everything(
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    settings: Settings,
    *,
    run_config: dict[str, Any] | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> FullRun:
    """Refresh the years the sources cover, then the periodic reports for the latest term and month.

    Stops at the first failure.
    """
    first, last = source_year_span(settings.sources_dir)
    log(f"refresh_all over the academic years {first} to {last} (the years the sources folder holds)")
    refresh = execute_job(definitions, "refresh_all", instance, tags=range_tags(first, last), run_config=run_config)
    full_run = FullRun(refresh)
    if not refresh.success:
        return full_run
    for job_name, partition_for in REPORT_JOBS.items():
        try:
            partition_key = partition_for(Warehouse(settings.warehouse, settings.duckdb_path))
        except _NotApplicable as reason:
            full_run.skipped[job_name] = str(reason)
            log(f"{job_name} not run: {reason}")
            continue
        log(f"{job_name} for {partition_key}")
        result = execute_job(definitions, job_name, instance, partition_key=partition_key, run_config=run_config)
        full_run.reports[job_name] = result
        if not result.success:
            break
    return full_run


def job_origins(job_name: str) -> tuple[RemoteJobOrigin, JobPythonOrigin]:
    """Where the UI finds ``job_name``: the code location `make dev` loads, and the module that defines it."""
    (location,) = ModuleTarget(CODE_LOCATION_MODULE, None, str(REPO_ROOT), None).create_origins()
    remote = RemoteJobOrigin(RemoteRepositoryOrigin(location, SINGLETON_REPOSITORY_NAME), job_name)
    code = JobPythonOrigin(
        job_name,
        RepositoryPythonOrigin(sys.executable, CodePointer.from_module(CODE_LOCATION_MODULE, "defs", str(REPO_ROOT))),
    )
    return remote, code


def execute_job(
    definitions: dg.Definitions,
    job_name: str,
    instance: dg.DagsterInstance,
    *,
    tags: Mapping[str, str] | None = None,
    partition_key: str | None = None,
    run_config: Mapping[str, Any] | None = None,
) -> ExecutionResult:
    """Run ``job_name`` in this process, like ``execute_in_process``, recorded against the job's code location.

    Dagster has no public call for "execute in process, but as a run of the job in its code location", so this
    does what ``JobDefinition.execute_in_process`` does (in-process executor, the run's partition tags) and adds
    the job's origins when creating the run.
    """
    job_def = definitions.resolve_job_def(job_name)
    ephemeral = job_def.as_ephemeral_job(resource_defs={}, input_values={})
    run_config = dict(run_config or {})
    if partition_key and not run_config and ephemeral.partitioned_config:
        run_config = dict(ephemeral.partitioned_config.get_run_config_for_partition_key(partition_key))
    run_tags = merge_run_tags(job_def, partition_key, {**(tags or {}), **owner_tags()}, None, instance, run_config)
    job = InMemoryJob(ephemeral)
    plan = create_execution_plan(
        job, run_config=run_config, instance_ref=instance.get_ref() if instance.is_persistent else None
    )
    remote_origin, code_origin = job_origins(job_name)
    run = instance.create_run_for_job(
        job_def=ephemeral,
        execution_plan=plan,
        run_config=run_config,
        tags=run_tags,
        remote_job_origin=remote_origin,
        job_code_origin=code_origin,
    )
    return execute_run(job, run, instance)
