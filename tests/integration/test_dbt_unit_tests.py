"""dbt's unit tests (model logic on fixed inputs), run once here rather than in every refresh's `dbt build`.

dbt needs each tested model's parents to exist to read their column types, so the tests run against a copy of the
session's materialised warehouse (a copy: the other integration tests hold it open read-only)."""

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


def _unit_tests_in(manifest: Path) -> set[str]:
    return set(json.loads(manifest.read_text(encoding="utf-8"))["unit_tests"])


def test_every_dbt_unit_test_passes(materialized, pipeline_settings, dbt_manifest, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_settings.duckdb_path, warehouse)
    target = tmp_path / "target"
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "test", "--select", "test_type:unit", "--profiles-dir", "."],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "SI_DUCKDB_PATH": str(warehouse), "DBT_TARGET_PATH": str(target)},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert {r["unique_id"] for r in results} == _unit_tests_in(dbt_manifest)
    assert all(r["status"] == "pass" for r in results)
