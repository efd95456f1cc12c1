"""Release what a killed or crashed run held, so that it never blocks the next run.

A run killed with SIGKILL (or a machine that lost power) never records its end: Dagster keeps it STARTED, and the
`warehouse_writer` pool slot its step claimed stays claimed, so every later warehouse step waits for ever. Before
each `make run` (and with `python -m dagster_project recover`) this module finds such runs and releases them:

- a run is dead when the process executing it is gone. The process id comes from the run's `si/pid` tag (runs
  started by `make run`) or from Dagster's own engine event "Executing steps in process (pid: ...)" / "Started
  process for run (pid: ...)" (runs launched from the UI). A zombie, or a newer process that reuses the id, does
  not count as alive;
- a dead run is marked failed with the reason, its concurrency slots and queued steps are freed, a dbt it left
  running is stopped, and its dbt target folder (`dbt/target/<op>-<run id>-...`) is removed;
- a run that ended but still holds a slot (a crash between the two) has the slot freed;
- once no run is left in progress, half-written files (`.<name>.partial`, written before an atomic rename) are
  removed from the output folders.

DuckDB needs nothing: a killed writer's uncommitted transaction is rolled back from the WAL when the warehouse is
next opened, and its file lock dies with the process.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

PID_TAG = "si/pid"
HOST_TAG = "si/host"
PARTIAL_SUFFIX = ".partial"
IN_PROGRESS = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
_GRACE_SECONDS = 10  # for a dbt left running by a dead run to stop after SIGTERM


def owner_tags() -> dict[str, str]:
    """Tags naming the process that executes a run started here (how a later run tells whether it is alive)."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


@dataclass(frozen=True)
class ReleasedRun:
    run_id: str
    job_name: str
    pid: int
    slots_freed: int
    dbt_stopped: int
    dbt_folders_removed: int

    def describe(self) -> str:
        done = [f"freed {self.slots_freed} pool slot(s)"] if self.slots_freed else []
        if self.dbt_stopped:
            done.append(f"stopped the dbt it left running ({self.dbt_stopped} process(es))")
        if self.dbt_folders_removed:
            done.append(f"removed {self.dbt_folders_removed} dbt target folder(s)")
        return f"run {self.run_id[:8]} ({self.job_name}, process {self.pid} gone) marked failed" + "".join(
            f", {d}" for d in done
        )


@dataclass
class Recovery:
    """What was released; empty when nothing was held."""

    runs: list[ReleasedRun] = field(default_factory=list)
    slots_of_ended_runs: int = 0
    partial_files: list[Path] = field(default_factory=list)
    still_running: list[str] = field(default_factory=list)  # live runs holding a slot: the next run waits for them

    def __bool__(self) -> bool:
        return bool(self.runs or self.slots_of_ended_runs or self.partial_files)

    def summary(self) -> str:
        """One line for the log."""
        parts = [r.describe() for r in self.runs]
        if self.slots_of_ended_runs:
            parts.append(f"freed {self.slots_of_ended_runs} pool slot(s) still held by ended runs")
        if self.partial_files:
            parts.append(f"removed {len(self.partial_files)} half-written file(s)")
        return "released what an interrupted run held: " + "; ".join(parts)

    def waiting_for(self) -> str | None:
        """One line naming the runs still going that hold a pool slot, which the next run will wait for."""
        if not self.still_running:
            return None
        return (
            f"waiting for {', '.join(self.still_running)} to finish: it holds the warehouse "
            "(stop it with `kill <process>` or Terminate in the UI, and run again)"
        )


def release_dead_runs(
    instance: dg.DagsterInstance, *, dbt_target_dir: Path, output_dirs: Iterable[Path] = ()
) -> Recovery:
    """Mark runs whose process is gone as failed and free what they held (see the module docstring)."""
    recovery = Recovery()
    live_runs = 0
    holding = _claimed_slots(instance)
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=IN_PROGRESS)):
        run = record.dagster_run
        owner = _run_process(instance, run, record.create_timestamp.timestamp())
        if owner is None or _is_alive(*owner):
            live_runs += 1
            if run.run_id in holding:
                process = f", process {owner[0]}" if owner else ""
                recovery.still_running.append(f"run {run.run_id[:8]} ({run.job_name}{process})")
            continue
        pid = owner[0]
        slots = holding.get(run.run_id, 0)
        stopped = _stop_dbt_of(run.run_id)  # first: it holds the warehouse lock the freed slot hands on
        instance.report_run_failed(
            run,
            message=f"The process running this run ({pid}) is gone (killed or crashed); "
            "marked failed by the next run, which freed what it held.",
        )
        if instance.event_log_storage.supports_global_concurrency_limits:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        folders = _remove_dbt_targets(Path(dbt_target_dir), run.run_id)
        recovery.runs.append(ReleasedRun(run.run_id, run.job_name, pid, slots, stopped, folders))
    for run_id, slots in _claimed_slots(instance).items():
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
            recovery.slots_of_ended_runs += slots
    if not live_runs:  # nothing else can be writing them now
        recovery.partial_files = _remove_partial_files(output_dirs)
    return recovery


def _run_process(instance: dg.DagsterInstance, run: dg.DagsterRun, created: float) -> tuple[int, float] | None:
    """(process id, a time by which that process had started) of the process executing ``run``; None if unknown
    (a run not started yet, or one on another machine)."""
    if PID_TAG in run.tags:
        if run.tags.get(HOST_TAG, socket.gethostname()) != socket.gethostname():
            return None
        return int(run.tags[PID_TAG]), created
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.engine_event_data if entry.dagster_event else None
        pid = data.metadata.get("pid") if data and data.metadata else None
        if pid is not None:
            return int(pid.value), entry.timestamp
    return None


def _is_alive(pid: int, started_by: float) -> bool:
    """Whether ``pid`` is a running process that had started by ``started_by`` (not a newer one reusing the id)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else: cannot tell more
    stat = _proc_stat(pid)
    if stat is None:  # no /proc (not Linux): existence is all we know
        return True
    state, start_ticks = stat
    if state in ("Z", "X"):  # a zombie has finished; only its parent has not collected it yet
        return False
    started_at = _boot_time() + start_ticks / os.sysconf("SC_CLK_TCK")
    return started_at <= started_by + 1  # boot time in /proc/stat is rounded to the second


def _proc_stat(pid: int) -> tuple[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after "pid (command)": state is field 3, starttime field 22
    return fields[0], int(fields[19])


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def _claimed_slots(instance: dg.DagsterInstance) -> dict[str, int]:
    """{run id: slots it holds} over every pool."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return {}
    held: dict[str, int] = {}
    for pool in storage.get_concurrency_keys():
        for slot in storage.get_concurrency_info(pool).claimed_slots:
            held[slot.run_id] = held.get(slot.run_id, 0) + 1
    return held


def _run_marker(run_id: str) -> str:
    """dagster-dbt names each invocation's target folder (DBT_TARGET_PATH) '<op>-<first 7 of run id>-<uuid>'."""
    return f"-{run_id[:7]}-"


def _stop_dbt_of(run_id: str) -> int:
    """Stop any dbt process the dead run left running (it would hold the warehouse's lock)."""
    marker = _run_marker(run_id)
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        target = next((v for v in environ if v.startswith(b"DBT_TARGET_PATH=")), b"")
        if marker in Path(target.decode(errors="replace")).name:
            found.append(int(proc.name))
    for pid in found:
        _terminate(pid)
    return len(found)


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + _GRACE_SECONDS
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            if (_proc_stat(pid) or ("",))[0] in ("Z", "X"):  # ended; its parent has yet to collect it
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _remove_dbt_targets(target_dir: Path, run_id: str) -> int:
    folders = [p for p in target_dir.glob(f"*{_run_marker(run_id)}*") if p.is_dir()] if target_dir.is_dir() else []
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return len(folders)


def _remove_partial_files(roots: Iterable[Path]) -> list[Path]:
    removed = []
    for root in roots:
        if not Path(root).is_dir():
            continue
        for path in Path(root).rglob(f".*{PARTIAL_SUFFIX}"):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
