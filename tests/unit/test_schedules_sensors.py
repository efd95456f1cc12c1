"""The release sensor's run requests for given server states, schedule decisions for given times, and the
run-failure alert. The 'server' is a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from dagster_project.definitions import build_definitions
from dagster_project.lib.ingest.download import HttpClient
from dagster_project.lib.ingest.source_refresh import refresh_sources
from dagster_project.lib.ingest.source_state import SourceStateStore
from dagster_project.lib.ingest.sources_config import load_sources_config
from dagster_project.lib.reports.report_calendar import inspection_briefing_month_due
from dagster_project.lib.warehouse.working_days import CalendarNotCoveredError, load_working_calendar
from dagster_project.resources import WarehouseResource
from tests.conftest import settings_for
from tests.unit.local_http_server import LocalServer, Route
from tests.unit.test_release_detection import EES_ID, EES_KS2, VERSIONS_PATH, ees_versions, write_config

LONDON = ZoneInfo("Europe/London")
KS4_ID = "0190aaaa-1111-7000-8000-000000000002"
EES_KS4 = {**EES_KS2, "key": "ks4_ees", "dataset": "ks4", "data_set_id": KS4_ID, "assets": ["raw_ks4"]}


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.fixture
def definitions(dbt_manifest, tmp_path):
    return build_definitions(settings_for(tmp_path / "data"))


def warehouse_for(definitions: dg.Definitions) -> WarehouseResource:
    return definitions.resources["warehouse"]


def evaluate_release_sensor(definitions: dg.Definitions):
    sensor = definitions.resolve_sensor_def("source_release_sensor")
    context = dg.build_sensor_context(definitions=definitions, resources={"warehouse": warehouse_for(definitions)})
    return sensor(context)


@pytest.fixture
def two_ees_sources(server, tmp_path, monkeypatch):
    config_path = write_config(tmp_path / "sources.yml", server.base_url, [EES_KS2, EES_KS4])
    monkeypatch.setenv("SI_SOURCES_CONFIG", str(config_path))
    ks2 = server.serve(
        VERSIONS_PATH, Route(ees_versions(("1.0", "Published", "2025-01-10T09:30:00Z")), "application/json")
    )
    server.serve(
        f"/v1/data-sets/{KS4_ID}/versions?page=1&pageSize=20",
        Route(ees_versions(("1.0", "Published", "2025-01-10T09:30:00Z")), "application/json"),
    )
    for data_set in (EES_ID, KS4_ID):
        server.serve(f"/v1/data-sets/{data_set}/csv?dataSetVersion=1.0", Route(b"time_period,school_urn\n202425,1\n"))
    return ks2


def download_everything(definitions: dg.Definitions) -> None:
    """What the requested runs' download step does: bring the sources folder and state up to date."""
    warehouse = warehouse_for(definitions)
    config = load_sources_config()
    store = SourceStateStore(f"{warehouse.data_dir}/state")
    refresh_sources(config, store, HttpClient(config.http, sleep=lambda s: None), warehouse.sources_dir)


def test_a_new_ees_version_requests_one_run_for_exactly_that_dataset_and_year(definitions, two_ees_sources, server):
    download_everything(definitions)
    two_ees_sources.body = ees_versions(
        ("1.0", "Published", "2025-01-10T09:30:00Z"), ("1.1", "Published", "2025-03-04T09:30:00Z")
    )

    result = evaluate_release_sensor(definitions)

    (request,) = result.run_requests
    assert request.tags["si/dataset"] == "ks2" and request.tags["si/academic_year"] == "2024-25"
    assert request.tags["si/release"] == "1.1" and request.tags["si/source"] == "ks2_ees"
    assert request.run_key == f"ks2_ees/2024-25@ees:{EES_ID}|version:1.1"
    assert request.partition_key == "2024-25"  # only that year's partition of raw_ks2 and the ks2 stg_ models
    selected = {key.to_user_string() for key in request.asset_selection}
    assert {"download_sources", "raw_ks2", "stg_ks2__school_results", "narrowing_the_gap_report"} <= selected
    # the termly and monthly reports are other partitionings: they follow on their schedules
    assert not {"committee_report", "inspection_briefing"} & selected
    assert not {"raw_ks4", "raw_gias_establishments", "stg_ks4__school_results"} & selected
    download_config = request.run_config["ops"]["download_sources"]["config"]
    assert download_config == {"sources": ["ks2_ees"], "academic_years": ["2024-25"], "all_sources": False}


def test_unchanged_sources_give_a_skip_reason(definitions, two_ees_sources):
    download_everything(definitions)

    result = evaluate_release_sensor(definitions)

    assert isinstance(result, dg.SkipReason)
    assert "ks2_ees 2024-25 (1.0) unchanged" in result.skip_message
    assert "ks4_ees 2024-25 (1.0) unchanged" in result.skip_message


def test_the_requested_selection_is_a_valid_run_of_the_refresh_from_sources_job(definitions, two_ees_sources):
    result = evaluate_release_sensor(definitions)

    job = definitions.resolve_job_def("refresh_from_sources")
    assert len(result.run_requests) == 2
    for request in result.run_requests:
        assert set(request.asset_selection) <= set(job.asset_layer.executable_asset_keys)
        assert job.partitions_def.has_partition_key(request.partition_key)


def at_london(*args: int) -> datetime:
    return datetime(*args, 7, 0, tzinfo=LONDON)


def evaluate_schedule(definitions: dg.Definitions, name: str, when: datetime):
    schedule = definitions.resolve_schedule_def(name)
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=definitions.get_repository_def())
    return schedule(context)


@pytest.mark.parametrize(
    ("day", "term", "partition"),
    [
        ((2026, 1, 2), "Autumn 2025", "2025-26-autumn"),  # 31 Dec term end; 1 Jan is a bank holiday
        ((2025, 9, 1), "Summer 2025", "2024-25-summer"),  # Monday after a Sunday term end
        ((2026, 4, 1), "Spring 2026", "2025-26-spring"),
    ],
)
def test_termly_committee_report_runs_on_the_first_working_day_after_a_term(definitions, day, term, partition):
    request = evaluate_schedule(definitions, "termly_committee_report", at_london(*day))

    assert isinstance(request, dg.RunRequest)
    assert request.tags["si/report_term"] == term
    assert request.partition_key == partition  # the term's partition of the committee report
    job = definitions.resolve_job_def("termly_committee_report")
    assert job.partitions_def.has_partition_key(partition)


def test_termly_committee_report_skips_other_days_and_says_when_it_is_next_due(definitions):
    result = evaluate_schedule(definitions, "termly_committee_report", at_london(2026, 1, 1))

    assert isinstance(result, dg.SkipReason)
    assert "next: Autumn 2025 on 2026-01-02" in result.skip_message


@pytest.mark.parametrize(
    ("day", "due_month"),
    [
        ((2022, 1, 4), "2021-12"),  # 1 Jan Saturday, 3 Jan substitute bank holiday
        ((2024, 6, 3), "2024-05"),  # 1 June Saturday
        ((2026, 9, 1), "2026-08"),
        ((2022, 1, 3), None),
        ((2026, 9, 2), None),
    ],
)
def test_monthly_inspection_briefing_is_due_on_the_first_working_day_of_the_month(day, due_month):
    assert inspection_briefing_month_due(date(*day), load_working_calendar()) == due_month


def test_monthly_inspection_briefing_requests_last_months_briefing_on_its_first_working_day(definitions):
    due = evaluate_schedule(definitions, "monthly_inspection_briefing", at_london(2022, 1, 4))
    not_due = evaluate_schedule(definitions, "monthly_inspection_briefing", at_london(2022, 1, 3))

    assert isinstance(due, dg.RunRequest)
    assert due.tags["si/briefing_month"] == "2021-12" and due.run_key == "inspection_briefing:2021-12"
    assert due.partition_key == "2021-12"
    assert definitions.resolve_job_def("monthly_inspection_briefing").partitions_def.has_partition_key("2021-12")
    assert isinstance(not_due, dg.SkipReason) and "not the first working day" in not_due.skip_message


@pytest.mark.parametrize(
    ("schedule", "report"),
    [("monthly_inspection_briefing", "inspection_briefing"), ("termly_committee_report", "committee_report")],
)
def test_the_report_schedules_render_their_report_and_the_site_without_ingesting_or_rebuilding(
    definitions, schedule, report
):
    job_name = definitions.resolve_schedule_def(schedule).job_name
    selected = definitions.resolve_job_def(job_name).asset_layer.executable_asset_keys

    assert {key.to_user_string() for key in selected} == {report, "published_site"}


def test_nightly_source_check_downloads_every_source_then_refreshes(definitions):
    request = evaluate_schedule(definitions, "nightly_source_check", datetime(2026, 3, 5, 2, 0, tzinfo=LONDON))

    assert request.run_key == "nightly_source_check:2026-03-05"
    assert request.run_config["ops"]["download_sources"]["config"]["all_sources"] is True
    assert definitions.resolve_schedule_def("nightly_source_check").job_name == "refresh_from_sources"


def test_a_year_missing_from_the_bank_holiday_file_is_an_error_naming_the_file():
    with pytest.raises(CalendarNotCoveredError, match=r"bank_holidays_england\.csv: no bank holidays listed for 2031"):
        load_working_calendar().first_working_day_of_month(2031, 1)


def test_run_failure_sensor_writes_a_clear_alert_line(definitions, tmp_path):
    @dg.op
    def raw_ks2_step():
        raise ValueError("england_ks2final.csv: column 'PTRWM_EXP' unknown code 'XYZ'")

    @dg.job(tags={"si/dataset": "ks2", "si/academic_year": "2024-25", "si/trigger": "source_release_sensor"})
    def failing_refresh():
        raw_ks2_step()

    instance = dg.DagsterInstance.ephemeral()
    result = failing_refresh.execute_in_process(instance=instance, raise_on_error=False)
    (record,) = instance.get_records_for_run(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alert",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=record.event_log_entry.dagster_event,
        resources={"warehouse": warehouse_for(definitions)},
    ).for_run_failure()

    definitions.resolve_sensor_def("run_failure_alert")(context)

    alerts = (tmp_path / "data" / "alerts" / "alerts.log").read_text().splitlines()
    (line,) = alerts
    assert "RUN FAILED job=failing_refresh" in line
    assert f"run={result.run_id}" in line
    assert "dataset=ks2" in line and "academic_year=2024-25" in line and "trigger=source_release_sensor" in line
    assert 'failed_steps=raw_ks2_step error="raw_ks2_step: ' in line and "unknown code 'XYZ'" in line
