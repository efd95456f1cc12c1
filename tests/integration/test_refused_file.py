"""One refused file never blocks the refresh: `make run`'s command completes, says what it refused and exits 3.

The bundled LA's sources with one KS4 file made bad (a percentage of 250) after its good version was loaded, run
through `python -m dagster_project run` as `make run` does (a real subprocess, its real exit status). The last
good KS4 rows stay, every other source loads, every report is published and names the refused file.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.ingest.source_files import discover_source_files
from dagster_project.lib.ingest.warehouse_load import ingest_source
from dagster_project.lib.reports.inspection_briefing import default_month, ofsted_data_date
from dagster_project.run_summary import EXIT_REFUSED
from dagster_project.settings import REPO_ROOT
from tests.conftest import settings_for

pytestmark = pytest.mark.slow

REFUSED = Path("ks4/2023-24/england_ks4revised.csv")
REASON = "data row 2, column 'ptl2basics_94': failed the data check 'a percentage lies between 0 and 100'"


def _plant_percentage_of_250(path: Path) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    rows[2][rows[0].index("PTL2BASICS_94")] = "250"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")


def _ks4_year(conn: duckdb.DuckDBPyConnection, year: str) -> list[tuple]:
    return conn.execute(
        "select * exclude (loaded_at) from raw_ks4 where academic_year = ? order by all", [year]
    ).fetchall()


def _briefing(settings) -> str:
    """The briefing `make run` writes: for the latest month the Ofsted data covers to its end."""
    return f"inspection_briefing/inspection_briefing_{default_month(ofsted_data_date(settings.duckdb_path))}.html"


@pytest.fixture(scope="module")
def refused_run(pipeline_settings, dbt_manifest, tmp_path_factory):
    settings = settings_for(tmp_path_factory.mktemp("refused") / "data")
    # Without the generator's marker the folder is "real data": `make run` uses it as it is.
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir, ignore=shutil.ignore_patterns(".generated*"))
    shutil.copytree(pipeline_settings.returns_dir, settings.returns_dir)
    with duckdb.connect(str(settings.duckdb_path)) as conn:  # an earlier refresh loaded the good KS4 files
        first = ingest_source(
            conn,
            "ks4",
            discover_source_files(settings.sources_dir),
            archive_dir=settings.archive_dir,
            quarantine_dir=settings.quarantine_dir,
        )
        assert not first.quarantined
        last_good = _ks4_year(conn, "2023-24")
    assert last_good
    _plant_percentage_of_250(settings.sources_dir / REFUSED)

    env = {name: value for name, value in os.environ.items() if not name.startswith("SI_") and name != "DAGSTER_HOME"}
    completed = subprocess.run(
        [sys.executable, "-m", "dagster_project", "run"],
        cwd=REPO_ROOT,
        env={**env, "SI_DATA_DIR": str(settings.data_dir)},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return settings, completed, last_good


def test_the_run_exits_3_and_its_summary_lists_the_refusal_with_reason_and_quarantine(refused_run):
    settings, completed, _ = refused_run
    out = completed.stdout
    assert completed.returncode == EXIT_REFUSED, out + completed.stderr
    assert "but 1 file(s) were refused (exit status 3)" in out
    refused_at = out.index(f"refused     {settings.sources_dir / REFUSED} (raw_ks4)")
    why, kept_in = out[refused_at:].splitlines()[1:3]
    assert why.strip() == f"why: england_ks4revised.csv, {REASON}: 1 row(s), value 250.0"
    quarantine = Path(kept_in.strip().removeprefix("kept in: "))
    assert quarantine.parent == settings.quarantine_dir / "ks4"
    assert (quarantine / REFUSED.name).read_bytes() == (settings.sources_dir / REFUSED).read_bytes()


def test_the_screen_gets_progress_and_a_summary_and_the_log_file_gets_the_details(refused_run):
    settings, completed, _ = refused_run
    out = completed.stdout
    assert "    ok      raw_ks4: files 3 unchanged, 1 refused; not passed: raw_ks4_files_accepted" in out
    assert re.search(r"^    ok      dbt_models: \d+ assets; \d+ check\(s\) passed \(\d+s\)$", out, re.MULTILINE)
    for noise in ("Running with dbt", "BetaWarning", "booklets/2024-25/", " - dagster - "):
        assert noise not in out and noise not in completed.stderr, noise
    assert len(out.splitlines()) < 80
    (log_line,) = [line for line in out.splitlines() if line.startswith("log ")]
    log = Path(log_line.split()[1])
    assert log.parent == settings.data_dir / "logs"
    details = log.read_text(encoding="utf-8")
    assert "Running with dbt=" in details and "BetaWarning" in details and "\x1b[" not in details
    assert f"quarantined {settings.sources_dir / REFUSED}" in details


def test_the_last_good_ks4_data_stays_and_the_rest_of_the_refresh_completes(refused_run):
    settings, _, last_good = refused_run
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        assert _ks4_year(conn, "2023-24") == last_good
        statuses = dict(conn.execute("select status, count(*) from ingest_file_manifest group by 1").fetchall())
        schools = conn.execute(
            "select count(*) from stg_ks4__school_results where academic_year = '2023-24'"
        ).fetchall()[0][0]
    # every file's good bytes are loaded: the 23 others now, the refused one's earlier version before
    assert statuses == {"loaded": len(discover_source_files(settings.sources_dir)), "quarantined": 1}
    assert schools == sum(1 for row in last_good if row[0] in (1, 2))
    published = settings.published_dir
    for report in (
        "index.html",
        "narrowing_the_gap/narrowing_the_gap_2024-25.html",
        "committee_report/committee_report_2025-26-spring.html",
        _briefing(settings),
    ):
        assert (published / report).is_file(), report


def test_reports_that_read_ks4_name_the_refused_file_and_others_do_not(refused_run):
    settings, _, _ = refused_run
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        refused = conn.execute(
            "select source_name, academic_year, data_version, source_file, refusal_reason "
            "from rpt_report__data_sources where is_refused"
        ).fetchall()
    assert refused == [
        ("KS4 performance tables", "2023-24", "revised", REFUSED.name, f"{REASON}: 1 row(s), value 250.0")
    ]
    published = settings.published_dir
    for report in (
        "committee_report/committee_report_2025-26-spring.html",
        "narrowing_the_gap/narrowing_the_gap_2024-25.html",
    ):
        html = (published / report).read_text(encoding="utf-8")
        assert "Files refused" in html and REFUSED.name in html, report
        assert "a percentage lies between 0 and 100" in html, report
    briefing = (published / _briefing(settings)).read_text(encoding="utf-8")
    assert "Files refused" not in briefing
