"""A second refresh on unchanged sources is a no-op: same tables, same categories, byte-identical reports.

Runs after test_pipeline.py (which holds a read-only connection while its module runs).
"""

import dagster as dg
import duckdb
import pytest

from dagster_project.lib.ingest.source_files import discover_source_files, files_for
from tests.conftest import materialize_everything

pytestmark = pytest.mark.slow


def test_a_second_refresh_changes_nothing(materialized, pipeline_settings):
    def snapshot() -> dict[str, object]:
        with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as conn:
            counts = {
                table: conn.execute(f"select count(*) from {table}").fetchone()[0]
                for (table,) in conn.execute("select table_name from information_schema.tables").fetchall()
            }
            category = conn.execute(
                "select urn, support_category, reasons from fct_school_support_category order by urn"
            ).fetchall()
        reports = {p.name: p.read_bytes() for p in pipeline_settings.published_dir.rglob("*") if p.is_file()}
        return {"counts": counts, "category": category, "reports": reports}

    before = snapshot()
    result = materialize_everything(pipeline_settings)
    assert result.success
    raw_events = [e for e in result.refresh.get_asset_materialization_events() if e.asset_key == dg.AssetKey("raw_ks2")]
    metadata = raw_events[0].materialization.metadata
    ks2_files = files_for("ks2", discover_source_files(pipeline_settings.sources_dir))
    assert metadata["files_loaded"].value == 0 and metadata["files_unchanged"].value == len(ks2_files) >= 4
    assert snapshot() == before
