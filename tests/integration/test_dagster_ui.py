"""A real `dagster-webserver` + `dagster-daemon` on 127.0.0.1: backfills launched through the GraphQL API, as the UI
launches them, run to success; the single DuckDB writer pool serialises two concurrent runs; a headless-chromium
screenshot of the global asset graph (every group on one graph) is saved under test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from dagster_project.resources import REPO_ROOT, Settings
from tests.conftest import settings_for

pytestmark = pytest.mark.slow

ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
BROWSER_DIR = REPO_ROOT / "tests" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
YEARS = ["2022-23", "2023-24"]
KS2_ASSETS = ["raw_ks2", "stg_ks2__school_results", "stg_ks2__la_results", "stg_ks2__national_results"]
KS4_ASSETS = ["raw_ks4", "stg_ks4__school_results", "stg_ks4__la_results", "stg_ks4__national_results"]
INSTANCE_YAML = """
telemetry: {enabled: false}
concurrency:
  runs: {max_concurrent_runs: 2}  # both backfill runs start together; only the pool serialises their steps
  pools: {default_limit: 1}
"""
LAUNCH_BACKFILL = """
mutation ($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on UnauthorizedError { message }
  }
}
"""
BACKFILL_STATUS = """
query ($id: String!) {
  partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill { status } ... on PythonError { message } }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@pytest.fixture(scope="module")
def dagster_ui(
    pipeline_settings: Settings, dbt_manifest: Path, tmp_path_factory
) -> Iterator[tuple[str, Path, Settings]]:
    """Webserver and daemon on a free loopback port with a temporary DAGSTER_HOME and data folder."""
    root = tmp_path_factory.mktemp("dagster_ui")
    settings = settings_for(root / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML, encoding="utf-8")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SI_DATA_DIR": str(settings.data_dir),
        "SI_DUCKDB_PATH": str(settings.duckdb_path),
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    module = ["-m", "dagster_project.definitions"]
    logs = {name: (root / f"{name}.log").open("w") for name in ("webserver", "daemon")}
    processes = [
        subprocess.Popen(
            [str(bin_dir / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), *module],
            cwd=REPO_ROOT,
            env=env,
            stdout=logs["webserver"],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(bin_dir / "dagster-daemon"), "run", *module],
            cwd=REPO_ROOT,
            env=env,
            stdout=logs["daemon"],
            stderr=subprocess.STDOUT,
        ),
    ]
    base_url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        for process, name in zip(processes, logs, strict=True):
            if process.poll() is not None:
                raise AssertionError(f"{name} exited: {(root / f'{name}.log').read_text()[-3000:]}")
        try:
            return requests.get(f"{base_url}/server_info", timeout=2).ok
        except requests.ConnectionError:
            return False

    try:
        _wait_for(ready, 120, "the webserver")
        yield base_url, home, settings
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()


def _graphql(base_url: str, query: str, variables: dict) -> dict:
    response = requests.post(f"{base_url}/graphql", json={"query": query, "variables": variables}, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _launch_backfill(base_url: str, assets: list[str], years: list[str]) -> str:
    params = {"partitionNames": years, "assetSelection": [{"path": [name]} for name in assets], "fromFailure": False}
    result = _graphql(base_url, LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert result["__typename"] == "LaunchBackfillSuccess", result
    return result["backfillId"]


def _pool_step_windows(instance: dg.DagsterInstance, run_id: str) -> list[tuple[float, float]]:
    """(start, end) of each step that ran in this run."""
    starts, windows = {}, []
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in starts:
            windows.append((starts[event.step_key], record.timestamp))
    return windows


def test_two_year_backfills_launched_through_graphql_succeed_one_writer_at_a_time(dagster_ui, monkeypatch):
    base_url, home, settings = dagster_ui
    # Two backfills at once (KS2 and KS4, the same two years): two runs that both write the warehouse.
    backfills = [_launch_backfill(base_url, KS2_ASSETS, YEARS), _launch_backfill(base_url, KS4_ASSETS, YEARS)]

    def all_done() -> list[str] | None:
        statuses = [
            _graphql(base_url, BACKFILL_STATUS, {"id": backfill})["partitionBackfillOrError"]["status"]
            for backfill in backfills
        ]
        return (
            statuses
            if all(s in ("COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED") for s in statuses)
            else None
        )

    statuses = _wait_for(all_done, 600, "both backfills", interval=3)

    monkeypatch.setenv("DAGSTER_HOME", str(home))  # the webserver's instance, read from this process
    with dg.DagsterInstance.get() as instance:
        runs = [
            run
            for backfill in backfills
            for run in instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill}))
        ]
        # Single-run backfill policy: each two-year backfill is one run.
        assert len(runs) == 2, [r.run_id for r in runs]
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs), (statuses, [r.status for r in runs])
        for name in (*KS2_ASSETS, *KS4_ASSETS):
            assert instance.get_materialized_partitions(dg.AssetKey(name)) == set(YEARS), name
        # The duckdb_writer pool (limit 1) let one run's warehouse step go at a time.
        windows = sorted(w for run in runs for w in _pool_step_windows(instance, run.run_id))
        assert len(windows) >= 4
        for (_, first_end), (second_start, _) in zip(windows, windows[1:], strict=False):
            assert second_start >= first_end, f"steps overlapped: {windows}"

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        for table in ("stg_ks2__school_results", "stg_ks4__school_results", "raw_ks2", "raw_ks4"):
            years = [y for (y,) in conn.execute(f"select distinct academic_year from {table} order by 1").fetchall()]
            assert years == YEARS, table


def _materializable_asset_groups(settings: Settings) -> set[str]:
    """The groups the global asset graph draws: one node per group of assets Dagster can materialise."""
    from dagster_project.definitions import build_definitions

    graph = build_definitions(settings).resolve_asset_graph()
    return {node.group_name for node in graph.asset_nodes if node.is_materializable}


def test_a_screenshot_of_the_global_asset_graph_is_saved_as_a_test_artifact(dagster_ui):
    base_url, _, settings = dagster_ui
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium"
    assert (BROWSER_DIR / "node_modules" / "playwright-core").is_dir(), f"run `npm ci` in {BROWSER_DIR}"
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    screenshot = ARTIFACTS_DIR / "dagster_asset_graph.png"
    page_report = ARTIFACTS_DIR / "dagster_asset_graph.json"
    screenshot.unlink(missing_ok=True)
    page_report.unlink(missing_ok=True)
    groups = _materializable_asset_groups(settings)
    assert {"ingest", "staging", "marts", "reports"} <= groups
    # Dagster 1.13's global asset graph ("Lineage" in the side bar) is /asset-groups. It draws each group as one
    # collapsed node; the script waits until every group is a node on the graph, not just a name in the side bar.
    completed = subprocess.run(
        [
            shutil.which("node") or "node",
            str(BROWSER_DIR / "screenshot_dagster.mjs"),
            f"{base_url}/asset-groups",
            str(screenshot),
            str(page_report),
            *sorted(groups),
        ],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    assert screenshot.stat().st_size > 40_000
    shown = json.loads(page_report.read_text(encoding="utf-8"))
    # The global graph and nothing narrower: raw_ks2's lineage page, for one, draws only the ingest and staging
    # groups around its asset nodes, under another title.
    assert shown["url"] == f"{base_url}/asset-groups", shown["url"]
    assert shown["title"] == "Global asset lineage", shown["title"]
    assert groups <= set(shown["graphNodeLabels"]), shown["graphNodeLabels"]
