"""`make run` with nothing changed does nothing: what counts as a change (lib/operations/refresh_state.py), on
real folders."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from dagster_project.lib.operations.refresh_state import FORCE_ENV, record_refresh, unchanged_since_last_refresh
from dagster_project.settings import Settings

TODAY = date(2026, 3, 2)


@pytest.fixture
def refreshed(tmp_path: Path) -> tuple[Settings, dict[str, str]]:
    """A data folder as a complete refresh leaves it, and the settings it ran with."""
    environ = {"SI_DATA_DIR": str(tmp_path / "data"), "SI_LA_CODE": "991"}
    settings = Settings.from_env(environ)
    for path, text in (
        (settings.sources_dir / "ks2" / "2023-24" / "england_ks2final.csv", "URN\n1\n"),
        (settings.returns_dir / "targets.xlsx", "x"),
        (settings.published_dir / "index.html", "<html>"),
        (settings.restricted_dir / "booklets" / "1_a.html", "<html>"),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings.duckdb_path.write_bytes(b"warehouse")
    record_refresh(settings, environ, TODAY, finished_at="2026-03-02T09:00:00+00:00")
    return settings, environ


def _later(path: Path) -> None:
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def test_nothing_changed_is_recognised_with_the_record(refreshed) -> None:
    settings, environ = refreshed
    record = unchanged_since_last_refresh(settings, environ, TODAY)
    assert record is not None and record["finished_at"] == "2026-03-02T09:00:00+00:00"


@pytest.mark.parametrize(
    "change",
    [
        "a source file touched",
        "a source file added",
        "a return replaced",
        "a published file edited",
        "a restricted file deleted",
        "the warehouse written",
        "a setting changed",
        "another day",
        "forced",
    ],
)
def test_any_change_to_inputs_or_outputs_means_a_full_refresh(refreshed, change: str) -> None:
    settings, environ = refreshed
    today = TODAY
    if change == "a source file touched":
        _later(settings.sources_dir / "ks2" / "2023-24" / "england_ks2final.csv")
    elif change == "a source file added":
        (settings.sources_dir / "ks2" / "2023-24" / "england_ks2revised.csv").write_text("URN\n", encoding="utf-8")
    elif change == "a return replaced":
        (settings.returns_dir / "targets.xlsx").write_text("y", encoding="utf-8")
    elif change == "a published file edited":
        (settings.published_dir / "index.html").write_text("<html> ", encoding="utf-8")
    elif change == "a restricted file deleted":
        (settings.restricted_dir / "booklets" / "1_a.html").unlink()
    elif change == "the warehouse written":
        _later(settings.duckdb_path)
    elif change == "a setting changed":
        environ = {**environ, "SI_ACADEMY_DESKTOP_ANALYSIS": "booklet"}
    elif change == "another day":
        today = date(2026, 3, 3)
    elif change == "forced":
        environ = {**environ, FORCE_ENV: "1"}
    assert unchanged_since_last_refresh(settings, environ, today) is None


def test_no_record_or_no_warehouse_means_a_full_refresh(refreshed) -> None:
    settings, environ = refreshed
    settings.duckdb_path.unlink()
    assert unchanged_since_last_refresh(settings, environ, TODAY) is None
    (settings.state_dir / "last_refresh.json").write_text("{half", encoding="utf-8")
    assert unchanged_since_last_refresh(settings, environ, TODAY) is None


def test_a_changed_rule_or_model_means_a_full_refresh(refreshed, tmp_path: Path, monkeypatch) -> None:
    from dagster_project.lib.operations import refresh_state

    settings, environ = refreshed
    seed = tmp_path / "project" / "dbt" / "seeds" / "data_risk_flags.csv"
    seed.parent.mkdir(parents=True)
    seed.write_text("flag_code,threshold_value\nABSENCE_PERSISTENT_RISING,4\n", encoding="utf-8")
    monkeypatch.setattr(refresh_state, "REPO_ROOT", tmp_path / "project")
    monkeypatch.setattr(refresh_state, "CODE_PATHS", ("dbt/seeds",))
    record_refresh(settings, environ, TODAY, finished_at="2026-03-02T10:00:00+00:00")
    assert unchanged_since_last_refresh(settings, environ, TODAY) is not None
    status = seed.stat()
    seed.write_text("flag_code,threshold_value\nABSENCE_PERSISTENT_RISING,5\n", encoding="utf-8")
    os.utime(seed, ns=(status.st_atime_ns, status.st_mtime_ns))  # same time and size: the content tells
    assert unchanged_since_last_refresh(settings, environ, TODAY) is None
