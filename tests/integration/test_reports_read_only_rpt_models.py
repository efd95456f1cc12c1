"""Every report reads only the contracted rpt_ models: with every other table and view dropped from a copy of the
session's warehouse (staging, intermediate, marts, seeds, raw tables), each report still builds.

A report that queried a stg_/int_/fct_/dim_ table, a seed or a raw table would fail here with DuckDB's "does not
exist" error, so data a blocking check stopped upstream cannot reach a report by a side door.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.reports import (
    booklets,
    causing_concern_register,
    committee_report,
    gap_report,
    inspection_briefing,
    partnership_summaries,
    service_plan,
)
from dagster_project.lib.reports.restricted_exports import export_support_categories

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rpt_only(materialized, pipeline_settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rpt_only") / "warehouse.duckdb"
    shutil.copyfile(pipeline_settings.duckdb_path, path)
    with duckdb.connect(str(path)) as connection:
        relations = connection.execute(
            "select table_name, table_type from information_schema.tables where table_catalog = current_database()"
        ).fetchall()
        for name, kind in relations:
            if not name.startswith("rpt_"):
                connection.execute(f'drop {"view" if kind == "VIEW" else "table"} "{name}" cascade')
        left = {name for (name,) in connection.execute("select table_name from information_schema.tables").fetchall()}
    assert left and all(name.startswith("rpt_") for name in left)
    assert len(left) < len(relations)  # the warehouse held more than the rpt_ models
    return path


def test_the_committee_report_and_support_lists_read_only_rpt_models(rpt_only, tmp_path):
    built = committee_report.build_committee_report(rpt_only, tmp_path / "published", engine="pandoc")
    assert built.html.is_file()
    assert export_support_categories(rpt_only, tmp_path / "restricted")


def test_the_briefing_gap_report_partnership_summaries_and_register_read_only_rpt_models(rpt_only, tmp_path):
    assert inspection_briefing.build_inspection_briefing(rpt_only, tmp_path / "published", engine="pandoc").html
    assert gap_report.build_gap_report(rpt_only, tmp_path / "published", engine="pandoc").html.is_file()
    summaries = partnership_summaries.build_partnership_summaries(rpt_only, tmp_path / "published", engine="pandoc")
    assert summaries.html.is_file()
    register = causing_concern_register.build_register(rpt_only, tmp_path / "restricted", engine="pandoc")
    assert len(register.frame) > 0


def test_the_service_plan_reads_only_rpt_models(rpt_only, tmp_path):
    plan = service_plan.build_service_plan(rpt_only, tmp_path / "restricted", engine="pandoc")
    assert len(plan.tables["Every school"]) > 0 and plan.xlsx.is_file()


def test_the_booklets_read_only_rpt_models(rpt_only):
    data = booklets.load_booklet_data(rpt_only)
    assert len(data.schools) > 0 and len(data.targets) > 0 and data.targets_loaded


def test_a_booklet_and_an_academy_profile_render_from_only_rpt_models(rpt_only, tmp_path):
    with duckdb.connect(str(rpt_only), read_only=True) as connection:
        urns = [
            urn
            for (urn,) in connection.execute(
                "select min(urn) from rpt_booklet__schools group by document order by document"
            ).fetchall()
        ]
    built = booklets.build_booklets(rpt_only, tmp_path / "restricted", engine="pandoc", urns=urns)
    assert [one.document for one in built] == ["booklet", "profile"]
    assert all(one.html.is_file() and one.pdf.is_file() for one in built)
