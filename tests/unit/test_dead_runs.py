"""What a killed run held is released by the next run, and a run still going is never touched."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.lib.operations.dead_runs import HOST_TAG, PID_TAG, release_dead_runs

POOL = "warehouse_writer"


def _gone_pid() -> int:
    """The id of a process that has ended (and been collected)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def instance():
    with dg.instance_for_test(overrides={"concurrency": {"pools": {"default_limit": 1}}}) as test_instance:
        test_instance.event_log_storage.set_concurrency_slots(POOL, 1)
        yield test_instance


def _started_run(instance: dg.DagsterInstance, pid: int, *, holds_slot: bool) -> dg.DagsterRun:
    run = instance.add_run(
        dg.DagsterRun(
            job_name="refresh_all",
            run_id=str(uuid.uuid4()),
            status=dg.DagsterRunStatus.STARTED,
            tags={PID_TAG: str(pid), HOST_TAG: socket.gethostname()},
        )
    )
    if holds_slot:
        assert instance.event_log_storage.claim_concurrency_slot(POOL, run.run_id, "dbt_models").is_claimed
    return run


def test_a_run_whose_process_is_gone_is_failed_and_its_slot_target_folder_and_partial_files_released(
    instance, tmp_path: Path
):
    dead = _started_run(instance, _gone_pid(), holds_slot=True)
    target = tmp_path / "target"
    (target / f"dbt_models-{dead.run_id[:7]}-1a2b3c4").mkdir(parents=True)
    (target / "dbt_models-fffffff-1a2b3c4").mkdir()  # another run's: kept
    published = tmp_path / "published" / "narrowing_the_gap"
    published.mkdir(parents=True)
    (published / ".narrowing_the_gap_2024-25.html.partial").write_text("<html", encoding="utf-8")
    (published / "narrowing_the_gap_2024-25.html").write_text("<html></html>", encoding="utf-8")

    recovery = release_dead_runs(instance, dbt_target_dir=target, output_dirs=[tmp_path / "published"])

    assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
    assert not instance.event_log_storage.get_concurrency_info(POOL).claimed_slots
    assert sorted(p.name for p in target.iterdir()) == ["dbt_models-fffffff-1a2b3c4"]
    assert [p.name for p in published.iterdir()] == ["narrowing_the_gap_2024-25.html"]
    line = recovery.summary()
    assert f"run {dead.run_id[:8]} (refresh_all" in line and "freed 1 pool slot" in line and "\n" not in line
    # a new run can now take the slot
    assert instance.event_log_storage.claim_concurrency_slot(POOL, "next-run", "raw_ks2").is_claimed


def test_a_run_still_going_keeps_its_slot_and_nothing_half_written_is_removed(instance, tmp_path: Path):
    live = _started_run(instance, os.getpid(), holds_slot=True)
    partial = tmp_path / "published" / ".index.html.partial"
    partial.parent.mkdir(parents=True)
    partial.write_text("<html", encoding="utf-8")

    recovery = release_dead_runs(instance, dbt_target_dir=tmp_path / "target", output_dirs=[tmp_path / "published"])

    assert not recovery
    assert recovery.waiting_for() == (
        f"waiting for run {live.run_id[:8]} (refresh_all, process {os.getpid()}) to finish: it holds the warehouse "
        "(stop it with `kill <process>` or Terminate in the UI, and run again)"
    )
    assert instance.get_run_by_id(live.run_id).status == dg.DagsterRunStatus.STARTED
    assert [s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots] == [live.run_id]
    assert partial.exists()  # the live run may be writing it


def test_a_slot_still_held_by_a_run_that_ended_is_freed(instance, tmp_path: Path):
    ended = _started_run(instance, os.getpid(), holds_slot=True)
    instance.report_run_failed(ended, message="crashed after failing, before freeing its slot")
    recovery = release_dead_runs(instance, dbt_target_dir=tmp_path, output_dirs=[])
    assert recovery.slots_of_ended_runs == 1 and not recovery.runs
    assert not instance.event_log_storage.get_concurrency_info(POOL).claimed_slots


def test_a_reused_process_id_does_not_keep_a_dead_run_alive(instance, tmp_path: Path):
    """The id in the tag belongs to a process that started after the run was created: the run's own is gone."""
    run = instance.add_run(
        dg.DagsterRun(job_name="refresh_all", run_id=str(uuid.uuid4()), status=dg.DagsterRunStatus.STARTED)
    )
    time.sleep(3)  # beyond the one-second tolerance of process start times
    newer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        instance.add_run_tags(run.run_id, {PID_TAG: str(newer.pid), HOST_TAG: socket.gethostname()})
        recovery = release_dead_runs(instance, dbt_target_dir=tmp_path, output_dirs=[])
        assert [r.run_id for r in recovery.runs] == [run.run_id]
        assert newer.poll() is None  # an unrelated process is never signalled
    finally:
        newer.kill()
        newer.wait()


def test_a_dbt_left_running_by_a_dead_run_is_stopped_and_no_other_process(instance, tmp_path: Path):
    """A dbt whose parent run was killed keeps the warehouse locked; it is found by the target folder dagster-dbt
    gives each invocation (DBT_TARGET_PATH), so a dbt of another run is left alone."""
    dead = _started_run(instance, _gone_pid(), holds_slot=True)
    sleep = [sys.executable, "-c", "import time; time.sleep(60)"]

    def dbt_of(run_id: str) -> subprocess.Popen:
        target = tmp_path / "target" / f"dbt_models-{run_id[:7]}-1a2b3c4"
        return subprocess.Popen(sleep, env={**os.environ, "DBT_TARGET_PATH": str(target)})

    orphan, other = dbt_of(dead.run_id), dbt_of("fffffff-other-run")
    try:
        recovery = release_dead_runs(instance, dbt_target_dir=tmp_path / "target", output_dirs=[])
        assert orphan.wait(timeout=15) is not None
        assert other.poll() is None
        assert recovery.runs[0].dbt_stopped == 1 and "stopped the dbt it left running" in recovery.summary()
    finally:
        for process in (orphan, other):
            process.kill()
            process.wait()
