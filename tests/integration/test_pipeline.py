"""The whole pipeline on the bundled synthetic LA: every asset materialises and the figures are right.

Expectations come from what the generator planted (`build_world`) and from the source rows themselves,
never from hard-coded outputs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.ingest.assets import RAW_TABLES
from dagster_project.defs.partitions import academic_year_partitions
from dagster_project.lib.ingest.source_files import discover_source_files
from synthetic_la import DEFAULT_SEED, KINGSMERE_CODE, build_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world():
    return build_world(DEFAULT_SEED, "la")


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as conn:
        yield conn


def _one(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    rows = conn.execute(sql, params or []).fetchall()
    assert len(rows) == 1, f"expected one row from {sql!r}, got {rows}"
    return rows[0]


def test_every_asset_check_passes(materialized):
    evaluations = materialized.refresh.get_asset_check_evaluations()
    assert evaluations, "no asset checks ran"
    failed = [e.check_name for e in evaluations if not e.passed]
    assert not failed
    assert "raw_ks2_expectations" in {e.check_name for e in evaluations}


def test_the_refresh_marks_only_the_years_the_sources_hold_as_loaded(materialized, pipeline_settings):
    """No year partition before the first download or after the last looks loaded in the UI."""
    file_years = {f.academic_year for f in discover_source_files(pipeline_settings.sources_dir) if f.academic_year}
    span = {
        year for year in academic_year_partitions.get_partition_keys() if min(file_years) <= year <= max(file_years)
    }
    for table in ("raw_ks2", "raw_census", "stg_ks2__school_results"):
        marked = {
            event.partition
            for event in materialized.refresh.get_asset_materialization_events()
            if event.asset_key == dg.AssetKey(table)
        }
        assert marked == span, table
    assert len(span) < len(academic_year_partitions.get_partition_keys())  # the synthetic LA starts after 2014-15


def test_a_clean_refresh_summary_says_finished_counts_every_file_and_exits_0(materialized, pipeline_settings, tmp_path):
    from dagster_project.lib.returns.spec import RETURNS
    from dagster_project.run_summary import EXIT_OK, exit_status, loaded, refusals, summary

    text = summary(materialized, pipeline_settings, log_path=tmp_path / "refresh.log", elapsed_seconds=12)

    assert exit_status(materialized) == EXIT_OK and refusals(materialized) == []
    assert text.splitlines()[0] == "==> refresh finished in 12s"
    counts = loaded(materialized)
    assert counts.tables == len(RAW_TABLES)
    assert counts.files_loaded == len(discover_source_files(pipeline_settings.sources_dir))
    assert counts.returns == len(RETURNS)  # every LA return has its raw asset
    assert counts.returns_accepted == len(list(pipeline_settings.returns_dir.glob("*_*.csv")))
    assert "committee_report/committee_report_" in text and "narrowing_the_gap/narrowing_the_gap_" in text
    assert "booklets " in text and "booklets/" not in text  # restricted outputs are counted, never listed
    assert "refused" not in text


def test_every_received_file_is_archived_unchanged_with_its_checksum(warehouse, pipeline_settings):
    manifest = warehouse.execute(
        "select sha256, original_path, archived_path, status from ingest_file_manifest"
    ).fetchall()
    sources = discover_source_files(pipeline_settings.sources_dir)
    assert {Path(original).resolve() for _, original, _, _ in manifest} == {f.path.resolve() for f in sources}
    for sha256, original, archived, status in manifest:
        assert status == "loaded"
        archived_bytes = Path(archived).read_bytes()
        assert archived_bytes == Path(original).read_bytes()
        assert hashlib.sha256(archived_bytes).hexdigest() == sha256


@pytest.mark.parametrize("academic_year", ["2021-22", "2022-23", "2023-24"])
def test_la_ks2_rwm_recomputed_from_school_rows_matches_the_published_la_row(warehouse, academic_year):
    recomputed, la_row = _one(
        warehouse,
        """
        with schools as (
            select sum(ptrwm_exp * telig) / sum(telig) as recomputed
            from raw_ks2
            where lea = ? and academic_year = ? and rectype in (1, 2) and ptrwm_exp is not null
        )
        select schools.recomputed, la.ptrwm_exp
        from schools, raw_ks2 as la
        where la.rectype = 3 and la.lea = ? and la.academic_year = ?
        """,
        [KINGSMERE_CODE, academic_year, KINGSMERE_CODE, academic_year],
    )
    # School percentages are published rounded (and a few suppressed), so agreement is to rounding.
    assert abs(recomputed - la_row) <= 1.0


def test_ks2_headline_in_the_marts_is_the_published_la_figure(warehouse):
    la_value, national_value = _one(
        warehouse,
        """select la_value, national_value from rpt_committee__la_headlines
           where key_stage = 'KS2' and measure_code = 'ks2_rwm_expected_pct' and academic_year = '2023-24'""",
    )
    (published_la,) = _one(
        warehouse,
        "select ptrwm_exp from raw_ks2 where rectype = 3 and lea = ? and academic_year = '2023-24'",
        [KINGSMERE_CODE],
    )
    (published_national,) = _one(
        warehouse, "select ptrwm_exp from raw_ks2 where rectype = 5 and academic_year = '2023-24'"
    )
    assert (la_value, national_value) == (published_la, published_national)


def test_special_measures_school_is_categorised_with_its_reason(warehouse, world):
    school = world.with_role("special_measures")
    category, reasons = _one(
        warehouse,
        "select support_category, reasons from fct_school_support_category where urn = ?",
        [school.urn],
    )
    assert category == "SM_SWK"
    assert "special measures" in reasons.lower()


def test_good_school_with_progress_significantly_below_average_is_good_but_of_concern(warehouse, world):
    (school,) = [s for s in world.with_risk("ks2_progress_below") if s.is_maintained]
    assert school.latest_graded_inspection.overall_effectiveness == 2
    category, flags, reasons = _one(
        warehouse,
        "select support_category, risk_flags, reasons from fct_school_support_category where urn = ?",
        [school.urn],
    )
    assert category == "GOOD_OF_CONCERN"
    assert "progress" in str(flags).lower()
    assert "risk flag" in reasons.lower()


def test_school_requiring_improvement_without_a_capacity_judgement_is_treated_as_not_secure(warehouse, world):
    from synthetic_la.returns import build_returns

    (urn,) = build_returns(world).ri_without_judgement_urns  # judged RI after the adviser returns were signed off
    category, capacity_state, reasons = _one(
        warehouse,
        "select support_category, capacity_state, reasons from fct_school_support_category where urn = ?",
        [urn],
    )
    assert (category, capacity_state) == ("RI_CAPACITY_NOT_SECURE", "unknown")
    assert "capacity to improve not yet judged" in reasons.lower()


def test_school_requiring_improvement_with_secure_capacity_is_ri_capacity_secure(warehouse, world):
    from synthetic_la.returns import build_returns

    school = world.with_role("ri_twice")
    capacity, judged_on, _ = build_returns(world).capacity[school.urn]
    assert capacity == "secure"  # planted: new headteacher since the second RI judgement
    category, reasons = _one(
        warehouse,
        "select support_category, reasons from fct_school_support_category where urn = ?",
        [school.urn],
    )
    assert category == "RI_CAPACITY_SECURE"
    assert f"capacity to improve secure (judged {judged_on.day} {judged_on:%B %Y})".lower() in reasons.lower()


def test_schools_in_an_ofsted_category_match_the_planted_inspections(warehouse, world):
    expected = sorted(
        s.urn
        for s in world.kingsmere
        if s.is_maintained
        and s.is_open_on(world_as_at(warehouse))
        and (inspection := s.latest_graded_inspection) is not None
        and inspection.overall_effectiveness == 4
    )
    actual = sorted(
        urn
        for (urn,) in warehouse.execute(
            "select urn from fct_school_support_category where support_category = 'SM_SWK'"
        ).fetchall()
    )
    assert actual == expected


def world_as_at(warehouse):
    (as_at,) = _one(warehouse, "select max(categorised_as_at) from fct_school_support_category")
    return as_at


def test_converted_academy_keeps_its_predecessor_in_dim_school(warehouse, world):
    for predecessor, successor in world.conversions:
        if successor.la_code != KINGSMERE_CODE:
            continue
        chain = _one(warehouse, "select predecessor_urns from dim_school where urn = ?", [successor.urn])[0]
        assert str(predecessor.urn) in chain.split(",")


def test_committee_report_shows_the_la_and_figures_from_the_marts(warehouse, pipeline_settings):
    (html,) = sorted((pipeline_settings.published_dir / "committee_report").glob("*.html"))
    (pdf,) = sorted((pipeline_settings.published_dir / "committee_report").glob("*.pdf"))
    text = html.read_text(encoding="utf-8")
    la_name, causing_concern = _one(warehouse, "select la_name, schools_causing_concern_count from rpt_report__context")
    (la_value,) = _one(
        warehouse,
        """select la_value from rpt_committee__la_headlines
           where key_stage = 'KS2' and measure_code = 'ks2_rwm_expected_pct' and academic_year = '2023-24'""",
    )
    (sm_swk_count,) = _one(
        warehouse,
        "select school_count from rpt_committee__category_distribution where support_category = 'SM_SWK'",
    )
    assert la_name == "Kingsmere" and la_name in text
    assert f"{la_value:.0f}%" in text
    assert f"| {sm_swk_count} |" in text or f"<td>{sm_swk_count}</td>" in text or f'">{sm_swk_count}</td>' in text
    assert str(causing_concern) in text
    assert pdf.read_bytes().startswith(b"%PDF")


def test_support_category_list_is_restricted_and_names_each_schools_reasons(warehouse, pipeline_settings, world):
    import pandas as pd

    restricted = pd.read_csv(pipeline_settings.restricted_dir / "support_categories" / "support_categories.csv")
    school = world.with_role("special_measures")
    row = restricted.set_index("URN").loc[school.urn]
    assert row["School"] == school.name
    assert "special measures" in row["Why this category"].lower()

    published_text = "".join(
        p.read_text(encoding="utf-8", errors="ignore") for p in pipeline_settings.published_dir.rglob("*.html")
    )
    assert row["Why this category"] not in published_text
    assert not list(pipeline_settings.published_dir.rglob("support_categories*"))
