"""Schedules: termly committee report, monthly inspection briefing, nightly check of every source.

The two report schedules tick at 07:00 (Europe/London) on weekdays and decide from data whether a report is due,
then request that term's or month's partition:
reporting terms from dbt/seeds/school_terms.csv, bank holidays from config/bank_holidays_england.csv
(lib/reports/report_calendar.py). On other days the tick is skipped with the reason and the next due date.
"""

import dagster as dg

from dagster_project.defs.operations.downloads import DOWNLOAD_SOURCES, DownloadSourcesConfig
from dagster_project.defs.operations.jobs import committee_report_job, inspection_briefing_job, refresh_from_sources_job
from dagster_project.lib.reports.report_calendar import (
    committee_report_term_due,
    inspection_briefing_month_due,
    load_reporting_terms,
    next_committee_report,
)
from dagster_project.lib.warehouse.working_days import load_working_calendar

TIMEZONE = "Europe/London"
WEEKDAYS_0700 = "0 7 * * 1-5"


@dg.schedule(
    name="termly_committee_report",
    job=committee_report_job,
    cron_schedule=WEEKDAYS_0700,
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="The committee report for the term just ended, on the first working day after it ends.",
)
def termly_committee_report(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    day = context.scheduled_execution_time.date()
    calendar, terms = load_working_calendar(), load_reporting_terms()
    term = committee_report_term_due(day, terms, calendar)
    if term is None:
        upcoming = next_committee_report(day, terms, calendar)
        when = f"next: {upcoming[1].term_name} on {upcoming[0].isoformat()}" if upcoming else "no later term listed"
        return dg.SkipReason(f"{day.isoformat()}: no committee report due ({when})")
    return dg.RunRequest(
        run_key=f"committee_report:{term.partition_key}",
        partition_key=term.partition_key,
        tags={
            "si/trigger": "termly_committee_report",
            "si/report_term": term.term_name,
            "si/academic_year": term.academic_year,
            "si/term_end": term.term_end.isoformat(),
        },
    )


@dg.schedule(
    name="monthly_inspection_briefing",
    job=inspection_briefing_job,
    cron_schedule=WEEKDAYS_0700,
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="The inspection briefing for last month, on the first working day of each month "
    "(weekends and England bank holidays skipped).",
)
def monthly_inspection_briefing(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    day = context.scheduled_execution_time.date()
    month = inspection_briefing_month_due(day, load_working_calendar())
    if month is None:
        return dg.SkipReason(f"{day.isoformat()} is not the first working day of the month")
    return dg.RunRequest(
        run_key=f"inspection_briefing:{month}",
        partition_key=month,
        tags={"si/trigger": "monthly_inspection_briefing", "si/briefing_month": month},
    )


@dg.schedule(
    name="nightly_source_check",
    job=refresh_from_sources_job,
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night: conditional download of every configured source (unchanged files cost a 304), "
    "then ingest and rebuild. Catches anything the release sensor cannot compare.",
)
def nightly_source_check(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    day = context.scheduled_execution_time.date()
    return dg.RunRequest(
        run_key=f"nightly_source_check:{day.isoformat()}",
        run_config=dg.RunConfig(ops={DOWNLOAD_SOURCES.to_python_identifier(): DownloadSourcesConfig(all_sources=True)}),
        tags={"si/trigger": "nightly_source_check", "si/check_date": day.isoformat()},
    )


operations_schedules = [termly_committee_report, monthly_inspection_briefing, nightly_source_check]
