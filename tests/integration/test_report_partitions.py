"""The committee report is partitioned by reporting term and the inspection briefing by month.

`make run` renders the latest term's and month's partitions; a run of another partition renders that period's
report from the same warehouse (into its own file, with its own downloads, listed on the site); a period the data
does not yet cover fails with the reason and renders nothing.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.lib.reports.inspection_briefing import default_month
from dagster_project.lib.reports.report_calendar import load_reporting_terms, term_containing
from dagster_project.lib.reports.report_text import format_date
from dagster_project.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def report_run(materialized, pipeline_settings, tmp_path):
    """Runs a report job's partition against the session's warehouse, publishing into a fresh folder."""
    from dagster_project.definitions import build_definitions

    settings = Settings.from_env(
        {"SI_DATA_DIR": str(tmp_path / "data"), "SI_DUCKDB_PATH": str(pipeline_settings.duckdb_path)}
    )
    definitions = build_definitions(settings)

    def run(job_name: str, partition_key: str) -> dg.ExecuteInProcessResult:
        return definitions.resolve_job_def(job_name).execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), partition_key=partition_key, raise_on_error=False
        )

    run.settings = settings
    return run


def _query(duckdb_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        return connection.execute(sql, params or []).fetchall()


def _text(page: Path) -> str:
    """Visible text, with entities decoded and pandoc's typographic apostrophes made plain."""
    body = page.read_text(encoding="utf-8").split("<body>", 1)[1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))).replace("\u2019", "'")


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    return failure.step_failure_data.error.message


def test_make_run_renders_the_partitions_of_the_latest_term_and_month(materialized, pipeline_settings):
    ((term_end, as_at),) = _query(
        pipeline_settings.duckdb_path,
        "select term_end, (select max(ofsted_as_at_date) from stg_ofsted__inspections) from int_report_term",
    )
    term_key = term_containing(term_end).partition_key
    month_key = default_month(as_at)  # the latest month the Ofsted data covers to its end
    for job_name, asset, key in (
        ("termly_committee_report", "committee_report", term_key),
        ("monthly_inspection_briefing", "inspection_briefing", month_key),
    ):
        run = materialized.reports[job_name]
        (event,) = [e for e in run.get_asset_materialization_events() if e.asset_key == dg.AssetKey(asset)]
        assert event.partition == key
        assert (pipeline_settings.published_dir / asset / f"{asset}_{key}.html").is_file()


def test_an_earlier_month_briefing_lists_the_reports_published_in_that_month(report_run):
    duckdb_path = report_run.settings.duckdb_path
    ((month, count),) = _query(
        duckdb_path,
        """
        select strftime(publication_month, '%Y-%m') as month, count(*) as reports
        from rpt_inspection_briefing__inspections
        where publication_month between date '2022-01-01' and date '2024-12-01'
        group by 1 order by 2 desc, 1 limit 1
        """,
    )
    result = report_run("monthly_inspection_briefing", month)

    assert result.success
    page = report_run.settings.published_dir / "inspection_briefing" / f"inspection_briefing_{month}.html"
    text = _text(page)
    assert f"{count} Ofsted inspection reports were published" in text
    rows = _query(
        duckdb_path,
        "select school_name, publication_date from rpt_inspection_briefing__inspections "
        "where strftime(publication_month, '%Y-%m') = ?",
        [month],
    )
    for name, published_on in rows:
        assert f"{name} " in text and format_date(published_on) in text
    workbooks = list(
        (report_run.settings.published_dir / "downloads" / "inspection_briefing" / page.stem).glob("*.xlsx")
    )
    assert workbooks
    index = (report_run.settings.published_dir / "index.html").read_text(encoding="utf-8")
    assert f"inspection_briefing/{page.name}" in index


def test_an_earlier_term_committee_report_lists_that_terms_inspections(report_run):
    duckdb_path = report_run.settings.duckdb_path
    ((term_end,),) = _query(duckdb_path, "select term_end from int_report_term")
    terms = load_reporting_terms()
    latest = term_containing(term_end)
    earlier = terms[terms.index(latest) - 1]

    result = report_run("termly_committee_report", earlier.partition_key)

    assert result.success
    page = report_run.settings.published_dir / "committee_report" / f"committee_report_{earlier.partition_key}.html"
    text = _text(page)
    assert (
        f"It covers {earlier.term_name} ({format_date(earlier.term_start)} to {format_date(earlier.term_end)})" in text
    )
    assert f"from data to {latest.term_name}" in text
    names = _query(
        duckdb_path,
        "select school_name from rpt_committee__inspections where academic_year = ? and term_code = ?",
        [earlier.academic_year, earlier.term_code],
    )
    assert names, "the bundled data has inspections in the term before the latest"
    for (name,) in names:
        assert name in text
    # today's category movement belongs to the latest data's term, not this one
    assert f"shown only in the report for the term of the latest data ({latest.term_name})" in text
    # and the categories recorded are the latest term's only (fct_support_category_history)
    assert _query(duckdb_path, "select distinct term_end from fct_support_category_history") == [(latest.term_end,)]


def test_a_period_the_data_does_not_cover_fails_with_the_reason_and_renders_nothing(report_run):
    duckdb_path = report_run.settings.duckdb_path
    ((term_end, as_at),) = _query(
        duckdb_path,
        "select term_end, (select max(ofsted_as_at_date) from stg_ofsted__inspections) from int_report_term",
    )
    terms = load_reporting_terms()
    later = terms[terms.index(term_containing(term_end)) + 1]
    next_month = f"{as_at.year + (as_at.month == 12):04d}-{as_at.month % 12 + 1:02d}"

    term_run = report_run("termly_committee_report", later.partition_key)
    month_run = report_run("monthly_inspection_briefing", next_month)

    assert not term_run.success and not month_run.success
    assert f"Committee report for {later.term_name}: the warehouse holds data to" in _failure_message(term_run)
    assert f"the Ofsted data is as at {format_date(as_at)}, before the month ends" in _failure_message(month_run)
    assert not list(report_run.settings.published_dir.rglob("*.html"))
