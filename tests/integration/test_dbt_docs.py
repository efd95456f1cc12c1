"""`make docs` (dbt docs generate --static) works on a built warehouse, writes one self-contained page that opens
from file:// (the manifest and catalog inside it), and documents every mart and its columns."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.defs.dbt.project import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow


def test_dbt_docs_generate_documents_every_mart_and_its_columns(materialized, pipeline_settings, tmp_path):
    # A copy of the warehouse, so dbt's read-write connection does not contend with the tests' readers.
    warehouse_copy = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline_settings.duckdb_path, warehouse_copy)
    target = tmp_path / "target"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "docs",
            "generate",
            "--static",
            "--quiet",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "SI_DUCKDB_PATH": str(warehouse_copy)},
        check=True,
    )

    static_page = (target / "static_index.html").read_text(encoding="utf-8")
    # the manifest and catalog are inside the page, so nothing is fetched from file://
    assert "MANIFEST.JSON INLINE DATA" not in static_page and "CATALOG.JSON INLINE DATA" not in static_page
    assert "https://schemas.getdbt.com/dbt/manifest/" in static_page
    assert "https://schemas.getdbt.com/dbt/catalog/" in static_page
    assert '"model.school_improvement.fct_school_support_category"' in static_page
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    marts = {
        node_id: node
        for node_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["name"].startswith(("fct_", "dim_"))
    }
    assert len(marts) >= 10
    for node_id, node in marts.items():
        assert node["description"].strip(), f"{node['name']} has no description"
        built_columns = {c.lower() for c in catalog["nodes"][node_id]["columns"]}
        documented = {c.lower() for c, spec in node["columns"].items() if spec["description"].strip()}
        assert built_columns == documented, f"{node['name']}: undocumented {sorted(built_columns - documented)}"
