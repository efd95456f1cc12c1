"""A killed run never blocks the next one, and the run after a kill gives what an uninterrupted run gives.

One uninterrupted `python -m dagster_project run` (what `make run` runs) is the baseline. Then, in the same data
folder emptied of everything but the sources and the returns, runs are started in their own process group and the
whole group is SIGKILLed at each point in turn: during ingest, during each dbt build and while booklets are being
rendered. Each point is recognised from the run's own events in DAGSTER_HOME (a step started, models or files
produced), never from a sleep. Every run after a kill must say in one line that it released what the killed run
held and get past the point where it was killed (the killed run kept the `warehouse_writer` slot: without the release
the next run would wait for ever); the last one runs to the end. Its warehouse tables (every column but the
load timestamps) and its published and restricted files must then equal the baseline's, byte for byte; and one
more run, with nothing changed, must do nothing. The run after the last kill (during the booklets, when every
file was loaded and every model built) is a whole second refresh of unchanged sources: it must load no file again
and change no table and no report.

The baseline's folders are also checked for permissions: restricted trees owner-only, the published site readable.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.instance.ref import InstanceRef  # no public way to open the instance of another DAGSTER_HOME
from dagster._core.storage.tags import REPOSITORY_LABEL_TAG
from openpyxl import load_workbook

from dagster_project.lib.ingest.source_files import discover_source_files, files_for
from dagster_project.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.slow

RUN_TIMEOUT_SECONDS = 900
RELEASED = "released what an interrupted run held"
EXPECTED_LOCATION_LABEL = "__repository__@dagster_project.definitions"  # `dagster dev -m dagster_project.definitions`


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SI_") and k != "DAGSTER_HOME"}
    return {
        **env,
        "SI_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _dagster_home(data_dir: Path) -> Path:
    """DAGSTER_HOME with the project's instance config, as `make run` prepares it."""
    home = data_dir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "config" / "dagster.yaml", home / "dagster.yaml")
    return home


def _instance(data_dir: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(_dagster_home(data_dir))))


def _start(data_dir: Path, log: Path) -> subprocess.Popen:
    """`python -m dagster_project run` as `make run` starts it, in its own process group."""
    _dagster_home(data_dir)
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "dagster_project", "run"],
            cwd=REPO_ROOT,
            env=_env(data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _finish(process: subprocess.Popen, log: Path) -> str:
    try:
        process.wait(timeout=RUN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        pytest.fail(f"the run did not finish in {RUN_TIMEOUT_SECONDS}s (stuck?):\n{_tail(log)}")
    except BaseException:  # interrupted: leave no run behind
        _kill_group(process)
        raise
    output = log.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, f"the run failed:\n{_tail(log)}"
    return output


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# --- kill points: recognised from the run's events ------------------------------------------------------------


@dataclass(frozen=True)
class KillPoint:
    name: str
    step: str  # the step that must have started
    materialized_in_step: int = 0  # and produced this many asset materializations
    files: Callable[[Settings], int] | None = None  # or written this many files
    at_least_files: int = 0


def _booklets(settings: Settings) -> int:
    return sum(1 for _ in (settings.restricted_dir / "booklets").rglob("*.html"))


KILL_POINTS = [
    KillPoint("during ingest", "raw_ks2"),
    KillPoint("during the academic-year dbt build", "dbt_academic_year_models", materialized_in_step=2),
    KillPoint("during the main dbt build", "dbt_models", materialized_in_step=40),
    KillPoint("while rendering booklets", "school_booklets", files=_booklets, at_least_files=3),
]


def _reached(instance: dg.DagsterInstance, run_ids_before: set[str], point: KillPoint, settings: Settings) -> bool:
    runs = [r for r in instance.get_runs(limit=3) if r.run_id not in run_ids_before]
    for run in runs:
        logs = instance.all_logs(
            run.run_id, of_type={dg.DagsterEventType.STEP_START, dg.DagsterEventType.ASSET_MATERIALIZATION}
        )
        started = any(e.step_key == point.step and e.dagster_event.is_step_start for e in logs)
        made = sum(1 for e in logs if e.step_key == point.step and e.dagster_event.is_step_materialization)
        if not started or made < point.materialized_in_step:
            continue
        if point.files is None or point.files(settings) >= point.at_least_files:
            return True
    return False


def _run_and_kill(data_dir: Path, point: KillPoint, log: Path) -> str:
    settings = Settings.from_env(_env(data_dir))
    instance = _instance(data_dir)
    before = {r.run_id for r in instance.get_runs()}
    process = _start(data_dir, log)
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    try:
        while not _reached(instance, before, point, settings):
            if process.poll() is not None:
                pytest.fail(f"the run ended (exit {process.returncode}) before {point.name}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"the run never got to {point.name} (stuck?):\n{_tail(log)}")
            time.sleep(0.5)
    finally:
        _kill_group(process)  # SIGKILL to the whole group: the run, its dbt and any renderer
        instance.dispose()
    return log.read_text(encoding="utf-8", errors="replace")


# --- what must be equal ---------------------------------------------------------------------------------------


def table_hashes(duckdb_path: Path) -> dict[str, tuple[int, int]]:
    """{table: (rows, order-free hash of the rows)} over every column but load timestamps (`*_at` timestamps).

    Floating-point columns are compared to 6 decimal places: DuckDB sums doubles in parallel, so an average over
    many rows can differ in its last bits between any two runs, interrupted or not."""
    hashes = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1"
        ).fetchall()
        for (table,) in tables:
            columns = [
                f'round("{name}", 6)' if kind in ("DOUBLE", "FLOAT", "REAL") else f'"{name}"'
                for name, kind in conn.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'main' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if not (name.endswith("_at") and kind.startswith("TIMESTAMP"))
            ]
            hashes[table] = conn.execute(
                f'select count(*), coalesce(sum(hash({", ".join(columns)})::hugeint), 0) from "{table}"'
            ).fetchone()
    return hashes


def file_hashes(root: Path, *, xlsx_by_cells: bool = False) -> dict[str, str]:
    """{relative path: sha256}. The restricted xlsx files are compared by their cells: unlike the published
    downloads, they are written with openpyxl's save time inside, so two runs never give the same bytes."""
    return {
        str(p.relative_to(root)): _xlsx_cells(p)
        if xlsx_by_cells and p.suffix == ".xlsx"
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _xlsx_cells(path: Path) -> str:
    workbook = load_workbook(path, read_only=True)
    try:
        cells = [(sheet.title, row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return hashlib.sha256(repr(cells).encode()).hexdigest()


@dataclass
class Baseline:
    data_dir: Path
    settings: Settings
    tables: dict[str, tuple[int, int]]
    published: dict[str, str]
    restricted: dict[str, str]
    modes: dict[str, dict[str, int]]  # folder role -> {relative path: permission bits}


def _modes(root: Path) -> dict[str, int]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root.parent)): stat.S_IMODE(p.stat().st_mode)
        for p in [root, *root.rglob("*")]
        if not p.is_symlink()
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Baseline:
    data_dir = tmp_path_factory.mktemp("kills") / "data"
    settings = Settings.from_env(_env(data_dir))
    log = data_dir.parent / "baseline.log"
    _finish(_start(data_dir, log), log)
    result = Baseline(
        data_dir,
        settings,
        table_hashes(settings.duckdb_path),
        file_hashes(settings.published_dir),
        file_hashes(settings.restricted_dir, xlsx_by_cells=True),
        {
            "published": _modes(settings.published_dir),
            "restricted": {
                **_modes(settings.restricted_dir),
                **_modes(settings.archive_dir),
                **_modes(settings.quarantine_dir),
                **_modes(settings.returns_dir),
                **_modes(settings.state_dir),
                **_modes(data_dir / "dagster_home"),
                **{settings.duckdb_path.name: stat.S_IMODE(settings.duckdb_path.stat().st_mode)},
            },
        },
    )
    # Keep only what a user brings (sources, returns); the kill sequence starts from an empty warehouse.
    for folder in ("archive", "quarantine", "published", "restricted", "dagster_home", "state"):
        shutil.rmtree(data_dir / folder, ignore_errors=True)
    for path in data_dir.glob("warehouse.duckdb*"):
        path.unlink()
    return result


def test_a_run_killed_at_any_point_never_blocks_the_next_and_the_last_equals_an_uninterrupted_run(
    baseline: Baseline,
) -> None:
    logs = baseline.data_dir.parent
    outputs = []
    for number, point in enumerate(KILL_POINTS, start=1):
        outputs.append(_run_and_kill(baseline.data_dir, point, logs / f"killed_{number}.log"))
    final_log = logs / "after_kills.log"
    outputs.append(_finish(_start(baseline.data_dir, final_log), final_log))

    # every run after a kill said, in one line, that it released the killed run (and got past its point)
    for killed, after in zip(KILL_POINTS, outputs[1:], strict=True):
        released = [line for line in after.splitlines() if RELEASED in line]
        assert len(released) == 1 and "marked failed" in released[0] and "pool slot" in released[0], (
            f"the run after the kill {killed.name} did not release it:\n{after[-3000:]}"
        )
    assert RELEASED not in outputs[0]

    settings = baseline.settings
    assert table_hashes(settings.duckdb_path) == baseline.tables
    assert file_hashes(settings.published_dir) == baseline.published
    assert file_hashes(settings.restricted_dir, xlsx_by_cells=True) == baseline.restricted

    instance = _instance(baseline.data_dir)
    # The last kill came after every file was loaded and every model built, so the final run was a whole second
    # refresh of unchanged sources: it loaded no file again, and (above) changed no table and no report.
    final_refresh = instance.get_runs(filters=dg.RunsFilter(job_name="refresh_all"), limit=1)[0]
    ks2 = [
        event.asset_materialization.metadata
        for event in instance.all_logs(final_refresh.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        if event.dagster_event.asset_key == dg.AssetKey("raw_ks2")
    ]
    ks2_files = files_for("ks2", discover_source_files(settings.sources_dir))
    assert ks2 and all(
        m["files_loaded"].value == 0 and m["files_unchanged"].value == len(ks2_files) >= 4 for m in ks2
    ), ks2
    statuses = [r.status for r in reversed(instance.get_runs())]
    assert statuses.count(dg.DagsterRunStatus.FAILURE) == len(KILL_POINTS)
    assert not [s for s in statuses if s not in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.SUCCESS)]
    assert not instance.event_log_storage.get_concurrency_info("warehouse_writer").claimed_slots
    # every run is recorded against the job in the code location `make dev` serves, so the UI lists it there
    in_location = instance.get_runs(filters=dg.RunsFilter(tags={REPOSITORY_LABEL_TAG: EXPECTED_LOCATION_LABEL}))
    assert len(in_location) == len(statuses)
    instance.dispose()

    # The last run was complete: `make run` again with nothing changed does nothing, and says so.
    again_log = logs / "again.log"
    again = _finish(_start(baseline.data_dir, again_log), again_log)
    assert "nothing changed since the complete refresh of" in again and RELEASED not in again, again
    assert table_hashes(settings.duckdb_path) == baseline.tables
    assert file_hashes(settings.published_dir) == baseline.published
    assert len(_instance(baseline.data_dir).get_runs()) == len(statuses)  # no run was launched


def test_restricted_trees_are_owner_only_and_the_published_site_is_readable(baseline: Baseline) -> None:
    restricted = baseline.modes["restricted"]
    assert any(path.startswith("archive/") for path in restricted) and any(
        path.startswith("restricted/") for path in restricted
    )
    loose = {path: oct(mode) for path, mode in restricted.items() if mode & 0o077}
    assert not loose, f"restricted files or folders readable by others: {dict(list(loose.items())[:10])}"
    published = baseline.modes["published"]
    assert published and all(mode & 0o044 == 0o044 for mode in published.values()), published
