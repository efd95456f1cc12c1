"""Model contracts are enforced by the warehouse, not only declared: every column a contracted table model declares
not_null (a constraint, in place of a not_null data test) is NOT NULL in DuckDB's catalog after the session's
refresh, so a build that produced a NULL there fails and the last good table stays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow


def _declared_not_null(manifest: Path) -> dict[str, set[str]]:
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    declared = {}
    for node in nodes:
        if node["resource_type"] != "model" or not node["config"].get("contract", {}).get("enforced"):
            continue
        if node["config"]["materialized"] not in ("table", "incremental"):
            continue  # a view cannot hold a constraint
        columns = {
            name
            for name, column in node["columns"].items()
            if any(constraint["type"] == "not_null" for constraint in column.get("constraints", []))
        }
        if columns:
            declared[node["name"]] = columns
    return declared


def test_every_declared_not_null_column_is_not_null_in_the_warehouse(materialized, pipeline_settings, dbt_manifest):
    declared = _declared_not_null(dbt_manifest)
    assert "fct_school_support_category" in declared and "fct_support_category_history" in declared
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        nullable = {
            (table, column)
            for table, column in connection.execute(
                "select table_name, column_name from duckdb_columns() where is_nullable"
            ).fetchall()
        }
    missing = sorted(
        (table, column) for table, columns in declared.items() for column in columns if (table, column) in nullable
    )
    assert not missing, f"declared not_null but nullable in the warehouse: {missing}"


def test_a_null_in_a_constrained_column_is_refused(materialized, pipeline_settings, tmp_path: Path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_settings.duckdb_path, copy)
    with duckdb.connect(str(copy)) as connection, pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
        connection.execute("update fct_school_support_category set reasons = null")
