"""Shared fixtures: a fresh data folder with the synthetic LA, and the pipeline materialised once."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import dagster as dg
import pytest
from xdist.scheduler import LoadScopeScheduling

from dagster_project.full_run import FullRun
from dagster_project.settings import REPO_ROOT, Settings

REFERENCE_DIR = Path(os.environ.get("SI_REFERENCE_DIR", REPO_ROOT.parent / "shared" / "reference"))


# Tests are shared between two pytest-xdist workers (pyproject addopts). Every test module that reads the session's
# materialised warehouse runs on one worker, so the pipeline is materialised once; the kill sequence (the longest
# test, with its own module-scoped baseline run) is a group of its own; any other module goes whole to whichever
# worker is free, so a module-scoped fixture (a pipeline run of its own, as in test_refused_file) runs once, not
# once per worker. A scheduler of our own, because `--dist loadgroup` loses its groups on pytest 9.2 (pytest-xdist
# #1386).
_USES_SESSION_WAREHOUSE = re.compile(r"[(,]\s*materialized\s*[,)]")  # `materialized` taken as a fixture


@functools.cache
def _test_group(root: Path, module: str) -> str | None:
    if Path(module).name == "test_kills.py":
        return "kills"
    path = root / module
    if path.is_file() and _USES_SESSION_WAREHOUSE.search(path.read_text(encoding="utf-8")):
        return "session_warehouse"
    return None


_GROUP_ORDER = {"kills": 0, "session_warehouse": 1}  # the two longest groups start first, one on each worker


class _SessionWarehouseScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return _test_group(self.config.rootpath, module) or module

    def _reschedule(self, node) -> None:
        # A worker gets its next module only as it starts its last test: a module queued behind the kill sequence
        # would wait there while the other worker runs out of work.
        if self.workqueue and self._pending_of(self.assigned_work[node]) > 1:
            return
        super()._reschedule(node)


def pytest_xdist_make_scheduler(config: pytest.Config, log) -> LoadScopeScheduling:
    config.option.loadscopereorder = False  # keep the order of pytest_collection_modifyitems, not largest-first
    return _SessionWarehouseScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest groups first, then the other pipeline runs (integration), then the short unit modules that fill
    in at the end; stable within each."""

    def rank(item: pytest.Item) -> tuple[int, bool]:
        module = item.nodeid.split("::", 1)[0]
        group = _test_group(config.rootpath, module)
        return _GROUP_ORDER.get(group, 2), module.startswith("tests/unit/")

    items.sort(key=rank)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The real DfE files in ../shared/reference, read in place (never copied into the repo)."""
    if not REFERENCE_DIR.exists():
        pytest.skip(f"real reference files not present at {REFERENCE_DIR}")
    return REFERENCE_DIR / "dfe"


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project before any test module is collected: Dagster builds its dbt assets from the manifest
    when the definitions are imported, so a manifest older than dbt/ would give assets that miss the newest models.
    Once per session: in the controller, before it starts the xdist workers (they share dbt/target)."""
    if hasattr(config, "workerinput"):
        return
    from dagster_project.defs.dbt.project import DBT_PROJECT_DIR

    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
            cwd=DBT_PROJECT_DIR,
            env={**os.environ, "SI_DUCKDB_PATH": str(Path(scratch) / "parse.duckdb")},
            check=True,
        )


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest the session parsed (pytest_configure)."""
    from dagster_project.defs.dbt.project import dbt_project

    return dbt_project.manifest_path


def settings_for(data_dir: Path) -> Settings:
    return Settings.from_env({"SI_DATA_DIR": str(data_dir)})


@pytest.fixture(scope="session")
def pipeline_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A data folder holding freshly generated synthetic sources for the bundled LA."""
    from synthetic_la import ensure_generated

    settings = settings_for(tmp_path_factory.mktemp("data"))
    ensure_generated(settings.sources_dir, returns_dir=settings.returns_dir)
    return settings


def materialize_everything(settings: Settings) -> FullRun:
    """Every asset over every academic year, then the committee report and briefing for the latest term and
    month, as `make run` does."""
    from dagster_project.definitions import build_definitions
    from dagster_project.full_run import run_everything

    return run_everything(build_definitions(settings), dg.DagsterInstance.ephemeral(), settings)


@pytest.fixture(scope="session")
def materialized(pipeline_settings: Settings, dbt_manifest: Path) -> FullRun:
    result = materialize_everything(pipeline_settings)
    assert result.success, f"materialising every asset failed in {result.failed_steps}"
    return result


def free_port() -> int:
    """A port nothing listens on at 127.0.0.1, for a server a test starts."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_server():
    """A real PostgreSQL on 127.0.0.1 (Debian's server, lib/warehouse/local_postgres.py) for one test module: a fresh
    database each time, since the warehouse keeps history a second pipeline run would build on."""
    import shutil
    import tempfile

    from dagster_project.lib.warehouse import local_postgres

    # Not under pytest's tmp folder: as root the server runs as `postgres`, which must pass through to its cluster.
    folder = Path(tempfile.mkdtemp(prefix="si_pg_test_"))
    started = local_postgres.start(folder, free_port())
    yield started
    local_postgres.stop(folder)
    shutil.rmtree(folder, ignore_errors=True)
