"""A real `dagster-webserver` + `dagster-daemon` on 127.0.0.1, started by `dagster dev` as `make dev` starts them:
backfills launched through the GraphQL API, as the UI launches them, run to success; the single DuckDB writer pool
serialises two concurrent runs; a headless-chromium screenshot of the global asset graph (every group on one graph)
is saved under test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from dagster_project.settings import REPO_ROOT, Settings
from tests.conftest import free_port, settings_for

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
STATUS = """
query {
  workspaceOrError {
    ... on Workspace {
      locationEntries { name loadStatus locationOrLoadError { __typename ... on PythonError { message } } }
    }
  }
  instance { daemonHealth { daemonStatus(daemonType: "BACKFILL") { healthy } } }
}
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


def _wait_for(predicate, timeout: float, what: str, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@dataclass(frozen=True)
class DagsterUI:
    base_url: str
    home: Path
    settings: Settings
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = requests.post(
            f"{self.base_url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
        )
        assert response.ok, f"GraphQL HTTP {response.status_code}: {response.text[:2000]}\n{self.log_tail()}"
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def dagster_ui(pipeline_settings: Settings, dbt_manifest: Path, tmp_path_factory) -> Iterator[DagsterUI]:
    """`dagster dev` (webserver + daemon, the command `make dev` runs) on a free loopback port, with a temporary
    DAGSTER_HOME and data folder. `dagster dev` creates the instance's storage before it starts the two services, so
    they never race to create the same SQLite tables, and both share one code server."""
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
    port = free_port()
    ui = DagsterUI(f"http://127.0.0.1:{port}", home, settings, root / "dagster_dev.log")
    dagster = Path(sys.executable).parent / "dagster"
    with ui.log.open("w") as log:
        process = subprocess.Popen(
            [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port), "-m", "dagster_project.definitions"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # A shell running the suite in the background (as CI may) starts it with SIGINT ignored, and dagster dev
            # maps SIGTERM onto SIGINT's handler: give it back Ctrl-C so it can shut its services down.
            preexec_fn=_default_sigint,
            start_new_session=True,  # its own process group, so nothing it started outlives the test
        )

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"dagster dev exited with {process.returncode}:\n{ui.log_tail()}")
            try:
                status = ui.graphql(STATUS)
            except requests.ConnectionError:
                return False
            entries = status["workspaceOrError"]["locationEntries"]
            for entry in entries:
                error = entry["locationOrLoadError"] or {}
                assert error.get("__typename") != "PythonError", f"code location failed to load: {error['message']}"
            loaded = bool(entries) and all(entry["loadStatus"] == "LOADED" for entry in entries)
            return loaded and status["instance"]["daemonHealth"]["daemonStatus"]["healthy"]

        try:
            _wait_for(ready, 180, "the code location to load and the backfill daemon to run")
            yield ui
        finally:
            process.send_signal(signal.SIGINT)  # dagster dev shuts both services down on Ctrl-C
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=60)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # any service or code server still running
            process.wait()


def _launch_backfill(ui: DagsterUI, assets: list[str], years: list[str]) -> str:
    params = {"partitionNames": years, "assetSelection": [{"path": [name]} for name in assets], "fromFailure": False}
    result = ui.graphql(LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
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
    ui = dagster_ui
    # Two backfills at once (KS2 and KS4, the same two years): two runs that both write the warehouse.
    backfills = [_launch_backfill(ui, KS2_ASSETS, YEARS), _launch_backfill(ui, KS4_ASSETS, YEARS)]

    def all_done() -> list[str] | None:
        statuses = [
            ui.graphql(BACKFILL_STATUS, {"id": backfill})["partitionBackfillOrError"]["status"]
            for backfill in backfills
        ]
        return (
            statuses
            if all(s in ("COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED") for s in statuses)
            else None
        )

    statuses = _wait_for(all_done, 600, "both backfills", interval=3)

    monkeypatch.setenv("DAGSTER_HOME", str(ui.home))  # the webserver's instance, read from this process
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
        # The warehouse_writer pool (limit 1) let one run's warehouse step go at a time.
        windows = sorted(w for run in runs for w in _pool_step_windows(instance, run.run_id))
        assert len(windows) >= 4
        for (_, first_end), (second_start, _) in zip(windows, windows[1:], strict=False):
            assert second_start >= first_end, f"steps overlapped: {windows}"

    with duckdb.connect(str(ui.settings.duckdb_path), read_only=True) as conn:
        for table in ("stg_ks2__school_results", "stg_ks4__school_results", "raw_ks2", "raw_ks4"):
            years = [y for (y,) in conn.execute(f"select distinct academic_year from {table} order by 1").fetchall()]
            assert years == YEARS, table


def _materializable_asset_groups(settings: Settings) -> set[str]:
    """The groups the global asset graph draws: one node per group of assets Dagster can materialise."""
    from dagster_project.definitions import build_definitions

    graph = build_definitions(settings).resolve_asset_graph()
    return {node.group_name for node in graph.asset_nodes if node.is_materializable}


def test_a_screenshot_of_the_global_asset_graph_is_saved_as_a_test_artifact(dagster_ui):
    ui = dagster_ui
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium"
    assert (BROWSER_DIR / "node_modules" / "playwright-core").is_dir(), f"run `npm ci` in {BROWSER_DIR}"
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    screenshot = ARTIFACTS_DIR / "dagster_asset_graph.png"
    page_report = ARTIFACTS_DIR / "dagster_asset_graph.json"
    screenshot.unlink(missing_ok=True)
    page_report.unlink(missing_ok=True)
    groups = _materializable_asset_groups(ui.settings)
    assert {"ingest", "staging", "marts", "reports"} <= groups
    # Dagster 1.13's global asset graph ("Lineage" in the side bar) is /asset-groups. It draws each group as one
    # collapsed node; the script waits until every group is a node on the graph, not just a name in the side bar.
    completed = subprocess.run(
        [
            shutil.which("node") or "node",
            str(BROWSER_DIR / "screenshot_dagster.mjs"),
            f"{ui.base_url}/asset-groups",
            str(screenshot),
            str(page_report),
            *sorted(groups),
        ],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, f"{completed.stderr}\n{ui.log_tail()}"
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    assert screenshot.stat().st_size > 40_000
    shown = json.loads(page_report.read_text(encoding="utf-8"))
    # The global graph and nothing narrower: raw_ks2's lineage page, for one, draws only the ingest and staging
    # groups around its asset nodes, under another title.
    assert shown["url"] == f"{ui.base_url}/asset-groups", shown["url"]
    assert shown["title"] == "Global asset lineage", shown["title"]
    assert groups <= set(shown["graphNodeLabels"]), shown["graphNodeLabels"]
