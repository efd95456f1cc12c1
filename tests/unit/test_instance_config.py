"""The warehouse writer pool's limit is a setting (SI_WAREHOUSE_WRITERS): what `make` writes into DAGSTER_HOME is
what a real Dagster instance enforces, and DuckDB is never given more than one writer."""

from __future__ import annotations

import os
import subprocess

import dagster as dg
import pytest

from dagster_project.defs.dbt.assets import WAREHOUSE_WRITER_POOL
from dagster_project.lib.operations.instance_config import instance_config
from dagster_project.settings import CONFIG_DIR, REPO_ROOT, warehouse_writers


@pytest.mark.parametrize(
    ("warehouse", "value", "writers"),
    [(None, None, 1), ("duckdb", "", 1), ("duckdb", "1", 1), ("postgres", None, 4), (" Postgres ", " 12 ", 12)],
)
def test_writers_default_to_the_warehouse_s_and_take_a_whole_number(warehouse, value, writers):
    assert warehouse_writers(warehouse, value) == writers


@pytest.mark.parametrize(
    ("warehouse", "value", "named"),
    [
        (None, "2", "allows one writer"),
        ("duckdb", "4", "allows one writer"),
        ("postgres", "0", "whole number from 1"),
        ("postgres", "four", "whole number from 1"),
        ("sqlite", None, "SI_WAREHOUSE: expected one of duckdb, postgres"),
    ],
)
def test_a_setting_the_warehouse_cannot_take_is_refused_with_the_reason(warehouse, value, named):
    with pytest.raises(ValueError, match=named):
        warehouse_writers(warehouse, value)


@pytest.mark.parametrize(("env", "limit"), [({}, 1), ({"SI_WAREHOUSE": "postgres", "SI_WAREHOUSE_WRITERS": "3"}, 3)])
def test_the_written_config_is_the_limit_a_real_instance_gives_the_pool(env, limit, tmp_path, monkeypatch):
    (tmp_path / "dagster.yaml").write_text(instance_config(CONFIG_DIR / "dagster.yaml", env), encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        assert instance.global_op_concurrency_default_limit == limit
        # what a step in the pool does first when the pool has no slots yet
        instance.event_log_storage.initialize_concurrency_limit_to_default(WAREHOUSE_WRITER_POOL)
        assert instance.event_log_storage.get_concurrency_info(WAREHOUSE_WRITER_POOL).slot_count == limit


def _make_dagster_home(home, **settings: str) -> subprocess.CompletedProcess:
    # None of this session's settings, nor a parent make's variables (`make test SI_WAREHOUSE=...`); the venv as
    # installed (-o: never reinstalled from here).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SI_", "MAKE", "MFLAGS")) and k != "DAGSTER_HOME"}
    return subprocess.run(
        ["make", "-s", "-o", ".venv/bin/.installed", f"DAGSTER_HOME={home}", f"{home}/dagster.yaml"],
        cwd=REPO_ROOT,
        env={**env, **settings},
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_writes_the_setting_rewrites_only_a_change_and_refuses_duckdb_with_two_writers(tmp_path):
    written = tmp_path / "dagster.yaml"
    assert _make_dagster_home(tmp_path, SI_WAREHOUSE="postgres").returncode == 0
    assert "default_limit: 4" in written.read_text(encoding="utf-8")
    unchanged = written.stat().st_mtime_ns
    assert _make_dagster_home(tmp_path, SI_WAREHOUSE="postgres").returncode == 0
    assert written.stat().st_mtime_ns == unchanged

    refused = _make_dagster_home(tmp_path, SI_WAREHOUSE_WRITERS="2")
    assert refused.returncode != 0 and "SI_WAREHOUSE_WRITERS=2" in refused.stderr
    assert "DuckDB warehouse allows one writer" in refused.stderr
    assert "default_limit: 4" in written.read_text(encoding="utf-8")  # the last good config stays
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dagster.yaml"]


def test_steps_keep_their_output_in_the_compute_log_folder_the_setting_names(tmp_path, monkeypatch):
    """SI_COMPUTE_LOG_DIR: a shared instance's machines keep each step's stdout/stderr in one folder they all mount,
    so the UI shows the logs of a step wherever it ran; unset, Dagster's own folder under DAGSTER_HOME."""
    shared = tmp_path / "shared" / "compute_logs"
    env = {"SI_WAREHOUSE": "postgres", "SI_COMPUTE_LOG_DIR": str(shared)}
    (tmp_path / "dagster.yaml").write_text(instance_config(CONFIG_DIR / "dagster.yaml", env), encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))

    @dg.asset
    def noisy() -> None:
        print("a line only the compute log holds")

    with dg.DagsterInstance.get() as instance:
        assert dg.materialize([noisy], instance=instance).success
    kept = [path for path in shared.rglob("*") if path.is_file() and path.suffix in (".out", ".err", ".complete")]
    assert any("a line only the compute log holds" in path.read_text(encoding="utf-8") for path in kept), kept
    assert "compute_logs" not in instance_config(CONFIG_DIR / "dagster.yaml", {"SI_WAREHOUSE": "postgres"})
    with pytest.raises(ValueError, match="absolute path"):
        instance_config(CONFIG_DIR / "dagster.yaml", {"SI_COMPUTE_LOG_DIR": "logs"})
