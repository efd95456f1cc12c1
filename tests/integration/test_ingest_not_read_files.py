"""A file the ingest does not read is said in the run log and the asset's metadata, and a bad year folder affects
only its own files (issue 15). The KS2 file is the REAL Surrey 2018-19 download, read in place through symlinks."""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg
import pytest
from dagster_duckdb import DuckDBResource

from dagster_project.defs.ingest.assets import ingest_assets
from dagster_project.resources import WarehouseResource
from dagster_project.settings import Settings

pytestmark = pytest.mark.real_reference


def _asset(name: str) -> dg.AssetsDefinition:
    return next(a for a in ingest_assets if a.key == dg.AssetKey(name))


def _link(root: Path, relative: str, target: Path) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def test_files_not_read_are_in_the_log_and_metadata_and_a_bad_year_folder_blocks_nothing(
    reference_dir: Path, tmp_path: Path
) -> None:
    ks2 = reference_dir / "ks2" / "2018-19_LA936_ks2.csv"
    settings = Settings.from_env({"SI_DATA_DIR": str(tmp_path)})
    _link(settings.sources_dir, "ks2/2018-2019/936_ks2final.csv", ks2)  # DfE's folder and file names
    _link(settings.sources_dir, "ks2/2018-2019/936_ks2.csv", ks2)  # no release in the name, no metadata
    _link(settings.sources_dir, "ks2/2018-20/936_ks2final.csv", ks2)  # not an academic year
    resources = {
        "duckdb": DuckDBResource(database=str(settings.duckdb_path)),
        "warehouse": WarehouseResource.from_settings(settings),
    }
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [_asset("raw_ks2")], partition_key="2018-19", resources=resources, instance=instance, raise_on_error=False
    )

    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw_ks2")
    metadata = materialization.metadata
    assert metadata["files_loaded"].value == 1 and metadata["rows_in_these_years"].value == 242
    not_read = metadata["not_read"].value
    assert metadata["files_not_read"].value == 2
    assert "936_ks2.csv" in not_read and "release (provisional, revised or final)" in not_read
    assert "2018-20" in not_read and "academic year" in not_read
    warnings = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if entry.level == logging.WARNING and "not read" in entry.user_message
    ]
    assert any("936_ks2.csv" in message for message in warnings)
    assert any("2018-20" in message for message in warnings)
