"""A shared instance as a team runs it: the webserver and the daemon as two services (`make webserver`, `make daemon`,
what a systemd unit or container per service runs), Dagster's storage and the warehouse both on a real PostgreSQL,
and two users' backfills launched at once through the UI's GraphQL API running side by side (SI_WAREHOUSE_WRITERS=2),
where the DuckDB warehouse takes them one step at a time (test_dagster_ui.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
import requests

from dagster_project.lib.operations.environment import scoped_environ
from dagster_project.lib.warehouse import local_postgres
from dagster_project.settings import REPO_ROOT
from tests.conftest import free_port, settings_for
from tests.integration.test_dagster_ui import (
    BACKFILL_STATUS,
    KS2_ASSETS,
    KS4_ASSETS,
    STATUS,
    YEARS,
    DagsterUI,
    _default_sigint,
    _launch_backfill,
    _pool_step_windows,
    _wait_for,
)

pytestmark = pytest.mark.slow


def _service(target: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as handle:
        return subprocess.Popen(
            ["make", "-s", "-o", ".venv/bin/.installed", target],
            cwd=REPO_ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            preexec_fn=_default_sigint,
            start_new_session=True,  # its own process group, so its code server goes with it
        )


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def shared_instance(pipeline_settings, dbt_manifest, postgres_server, tmp_path_factory) -> Iterator[DagsterUI]:
    root = tmp_path_factory.mktemp("shared_instance")
    settings = settings_for(root / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    home = root / "dagster_home"
    port = free_port()
    pipeline = local_postgres.read_env(postgres_server.env_file(local_postgres.PIPELINE_ROLE))
    # None of this session's settings nor a parent make's variables: the services get what an operator sets.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("SI_", "MAKE", "MFLAGS"))}
    env = {
        **inherited,
        **pipeline,
        "DAGSTER_HOME": str(home),
        "SI_DATA_DIR": str(settings.data_dir),
        "SI_DAGSTER_STORAGE": "postgres",
        "SI_WAREHOUSE": "postgres",
        "SI_WAREHOUSE_WRITERS": "2",
        "SI_WEBSERVER_PORT": str(port),
    }
    ui = DagsterUI(f"http://127.0.0.1:{port}", home, settings, root / "webserver.log")
    webserver = _service("webserver", env, ui.log)
    daemon = None
    try:

        def answers(with_daemon: bool) -> bool:
            for process, log in ((webserver, ui.log), (daemon, root / "daemon.log")):
                if process is not None and process.poll() is not None:
                    raise AssertionError(f"a service exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                status = ui.graphql(STATUS)
            except requests.ConnectionError:
                return False
            entries = status["workspaceOrError"]["locationEntries"]
            loaded = bool(entries) and all(entry["loadStatus"] == "LOADED" for entry in entries)
            return loaded and (not with_daemon or status["instance"]["daemonHealth"]["daemonStatus"]["healthy"])

        # The webserver first: it creates the instance's tables in PostgreSQL, which the daemon then finds.
        _wait_for(lambda: answers(with_daemon=False), 180, "the webserver to load the code location")
        daemon = _service("daemon", env, root / "daemon.log")
        _wait_for(lambda: answers(with_daemon=True), 180, "the daemon's heartbeat")
        yield ui
    finally:
        for process in (daemon, webserver):
            if process is not None:
                _stop(process)


def test_two_backfills_run_side_by_side_on_the_shared_instance(shared_instance, postgres_server):
    ui = shared_instance
    assert "default_limit: 2" in (ui.home / "dagster.yaml").read_text(encoding="utf-8")
    backfills = [_launch_backfill(ui, KS2_ASSETS, YEARS), _launch_backfill(ui, KS4_ASSETS, YEARS)]

    def all_done() -> list[str] | None:
        statuses = [ui.graphql(BACKFILL_STATUS, {"id": b})["partitionBackfillOrError"]["status"] for b in backfills]
        return None if any(s in ("REQUESTED", "IN_PROGRESS") for s in statuses) else statuses

    statuses = _wait_for(all_done, 600, "both backfills", interval=3)
    pipeline = local_postgres.read_env(postgres_server.env_file(local_postgres.PIPELINE_ROLE))
    with scoped_environ({**pipeline, "DAGSTER_HOME": str(ui.home)}), dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        runs = [
            run
            for backfill in backfills
            for run in instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill}))
        ]
        assert len(runs) == 2 and all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs), (
            statuses,
            [(run.run_id, run.status) for run in runs],
        )
        first, second = (_pool_step_windows(instance, run.run_id) for run in runs)
        overlapping = [(a, b) for a in first for b in second if a[0] < b[1] and b[0] < a[1]]
        assert overlapping, f"the two runs' warehouse steps never ran at the same time: {first} {second}"
    connection = psycopg2.connect(postgres_server.dsn(local_postgres.PIPELINE_ROLE, pipeline["SI_PG_PASSWORD"]))
    with connection, connection.cursor() as cursor:
        for table in ("raw_ks2", "raw_ks4", "stg_ks2__school_results", "stg_ks4__school_results"):
            cursor.execute(f"select distinct academic_year from main.{table} order by 1")
            assert [year for (year,) in cursor.fetchall()] == YEARS, table
    connection.close()
