"""A real-layout LA, end to end: North Yorkshire (LA 815) assembled from the REAL files in ../shared/reference (read in
place; the inbox holds symlinks), onboarded as an analyst would (`onboard`), then the whole pipeline to published
reports with no manual edit to any file.

The inbox is what a single-LA analyst has: KS4 2016-17 and 2017-18 final and the 2018-19 provisional headline file
(no release in its name, DfE's ks4provisional_meta.xlsx beside it), census 2016-17 to 2018-19, the school-information
spine, the national GIAS links file, DfE's LA code list and statistical neighbours, and no GIAS establishment extract,
no KS2 and no Ofsted file. Three files are refused at the door: a GIAS export whose name has lost its extract date,
the 2017-18 KS4 file filed under 2019-2020 (a year DfE published nothing), and a 2017-18 'revised' KS4 file with a
corrupted cell. The same damaged file put straight into the sources folder is refused at ingest instead. Every refusal
names the file (and row and column where there is one); the rest goes through, and no report carries a figure from a
refused file or year.

The run is `make run`'s command (`python -m dagster_project run`, a real subprocess and its real exit status): the
refusal at ingest makes it complete, say on screen what it refused and why, and exit 3, with the details in its log.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.lib.ingest.onboarding import Onboarding, onboard
from dagster_project.run_summary import EXIT_REFUSED
from dagster_project.settings import REPO_ROOT, Settings

pytestmark = [pytest.mark.slow, pytest.mark.real_reference]

LA_CODE = 815
CORRUPT_ROW = 3  # data row of the corrupted cell in the refused 'revised' files
# The same damage put straight into the sources folder, past `onboard`: refused at ingest instead.
INGEST_REFUSED = Path("ks4/2017-18/england_ks4revised.csv")


def _link(inbox: Path, relative: str, target: Path) -> None:
    path = inbox / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def _corrupt_copy(source: Path, destination: Path) -> None:
    """The file with one ATT8SCR cell replaced by text (a damaged download)."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("ATT8SCR")
    rows[CORRUPT_ROW][column] = "forty"
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture(scope="module")
def real_la(reference_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Onboarding]:
    more = reference_dir.parent / "more"
    la815 = more / "dfe_performance_tables_LA815_EnglishDevil"
    inbox = tmp_path_factory.mktemp("downloads")
    _link(inbox, "815_2017_ks4final.csv", la815 / "815_2017_ks4final.csv")  # the year from its name and columns
    _link(inbox, "2016-2017/815_census.csv", la815 / "815_2017_census.csv")
    _link(inbox, "2017-2018/815_ks4final.csv", la815 / "815_2018_ks4final.csv")
    _link(inbox, "2017-2018/815_census.csv", la815 / "815_2018_census.csv")
    _link(inbox, "2018-2019/815_ks4.csv", la815 / "815_2019_ks4provisional.csv")
    _link(inbox, "2018-2019/ks4provisional_meta.xlsx", la815 / "ks4provisional_meta.xlsx")
    _link(inbox, "2018-2019/815_census.csv", la815 / "815_2019_census.csv")
    _link(inbox, "2018-2019/815_spine.csv", la815 / "815_spine.csv")
    _link(inbox, "2018-2019/census_meta.csv", la815 / "census_meta.csv")
    _link(inbox, "links_edubasealldata20250422.csv", more / "gias" / "links_edubasealldata20250422.csv")
    _link(inbox, "la_code_list.csv", reference_dir / "statistical_neighbours" / "la_code_list.csv")
    _link(inbox, "sn_may_2025.csv", reference_dir / "statistical_neighbours" / "sn_may_2025.csv")
    # Refused at the door:
    _link(inbox, "2021_936_gias.csv", reference_dir / "gias" / "2021_936_gias.csv")
    _link(inbox, "2019-2020/815_ks4final.csv", la815 / "815_2018_ks4final.csv")
    _corrupt_copy(la815 / "815_2018_ks4final.csv", inbox / "2017-2018" / "815_ks4revised.csv")

    data_dir = tmp_path_factory.mktemp("real_la")
    settings = Settings.from_env({"SI_DATA_DIR": str(data_dir), "SI_LA_CODE": str(LA_CODE)})
    onboarding = onboard(inbox, settings.sources_dir)
    _corrupt_copy(la815 / "815_2018_ks4final.csv", settings.sources_dir / INGEST_REFUSED)
    return settings, onboarding


@pytest.fixture(scope="module")
def real_run(real_la, dbt_manifest) -> subprocess.CompletedProcess:
    """`make run`'s command over the onboarded sources: real data (no generator marker), so it is used as it is."""
    settings, _ = real_la
    env = {name: value for name, value in os.environ.items() if not name.startswith("SI_") and name != "DAGSTER_HOME"}
    return subprocess.run(
        [sys.executable, "-m", "dagster_project", "run"],
        cwd=REPO_ROOT,
        env={**env, "SI_DATA_DIR": str(settings.data_dir), "SI_LA_CODE": str(LA_CODE)},
        capture_output=True,
        text=True,
        timeout=3600,
    )


def _query(settings: Settings, sql: str, *parameters):
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


def _text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|svg).*?</\1>", "", html, flags=re.S)))


def test_onboarding_places_every_real_file_and_refuses_three_naming_file_row_and_column(real_la) -> None:
    _, result = real_la
    status = {f.shown_name: f.status for f in result.files}
    assert status["815_2017_ks4final.csv"] == status["2018-2019/815_ks4.csv"] == "placed"
    assert status["2018-2019/ks4provisional_meta.xlsx"] == "placed"  # beside the file whose release it tells
    assert status["2018-2019/census_meta.csv"] == "not read"
    reasons = {f.shown_name: f.reason for f in result.refused}
    assert set(reasons) == {"2021_936_gias.csv", "2019-2020/815_ks4final.csv", "2017-2018/815_ks4revised.csv"}
    assert "no extract date" in reasons["2021_936_gias.csv"]
    assert "year 2019-20 from the folder" in reasons["2019-2020/815_ks4final.csv"]
    corrupt = reasons["2017-2018/815_ks4revised.csv"]
    assert f"data row {CORRUPT_ROW}" in corrupt and "'ATT8SCR'" in corrupt and "'forty'" in corrupt
    headline = next(f for f in result.files if f.shown_name == "2018-2019/815_ks4.csv")
    assert headline.recognised.data_version == "provisional" and "headline" in headline.layout
    table = result.table()
    assert "Missing for the reports:" in table and "inspection briefing: Ofsted" in table


def test_real_la_publishes_committee_report_gap_report_and_booklets(real_la, real_run) -> None:
    settings, _ = real_la
    assert real_run.returncode == EXIT_REFUSED, real_run.stdout + real_run.stderr  # only the file refused at ingest
    # no Ofsted file: the briefing is said not to run, and nothing fails
    assert re.search(r"^not run +monthly_inspection_briefing: .*Ofsted", real_run.stdout, re.MULTILINE), real_run.stdout
    committee = list((settings.published_dir / "committee_report").glob("*.html"))
    gap = list((settings.published_dir / "narrowing_the_gap").glob("*.html"))
    booklets = list(settings.restricted_dir.glob("booklets/*/*.pdf"))
    ((expected,),) = _query(
        settings,
        "select count(*) from dim_school where la_code = ? and is_maintained and is_open and phase <> 'nursery'",
        LA_CODE,
    )
    assert committee and gap and (settings.published_dir / "index.html").exists()
    # No groupings return yet: no partnership page, and the refresh still succeeds.
    assert not (settings.published_dir / "partnership_summaries").exists()
    assert expected > 200 and len(booklets) == expected
    text = _text(committee[0])
    assert "Inspection data is missing" in text
    assert "Region figures cannot be computed" in text and "1 of the 15 local authorities" in text


def test_real_la_row_is_reproduced_from_its_school_rows(real_la, real_run, reference_dir: Path) -> None:
    """DfE's published LA row (RECTYPE 4) is loaded as published, and the pupil-weighted recomputation from the
    state-funded school rows matches it to within the few pupils in schools DfE suppresses (SUPP)."""
    settings, _ = real_la
    la815 = reference_dir.parent / "more" / "dfe_performance_tables_LA815_EnglishDevil"
    files = {
        "2016-17": "815_2017_ks4final.csv",
        "2017-18": "815_2018_ks4final.csv",
        "2018-19": "815_2019_ks4provisional.csv",
    }
    for year, name in files.items():
        with (la815 / name).open(encoding="utf-8-sig", newline="") as handle:
            published = next(row for row in csv.DictReader(handle) if row["RECTYPE"] == "4")
        ((att8, att8_re, basics, basics_re, p8, p8_re),) = _query(
            settings,
            """select attainment8_score, attainment8_score_recomputed, english_maths_grade4_pct,
                      english_maths_grade4_pct_recomputed, progress8_score, progress8_score_recomputed
               from int_ks4_la_comparators where la_code = ? and academic_year = ?""",
            LA_CODE,
            year,
        )
        assert att8 == float(published["ATT8SCR"]) and basics == float(published["PTL2BASICS_94"].rstrip("%"))
        assert p8 == float(published["P8MEA"])
        assert abs(att8_re - att8) < 0.2, year
        assert abs(basics_re - basics) < 0.5, year
        assert abs(p8_re - p8) < 0.03, year


def test_no_report_carries_a_figure_from_a_refused_year_or_file(real_la, real_run) -> None:
    settings, _ = real_la
    years = {row[0] for row in _query(settings, "select distinct academic_year from rpt_report__la_measures")}
    assert "2019-20" not in years and {"2016-17", "2017-18", "2018-19"} <= years
    versions = _query(settings, "select distinct data_version from stg_ks4__la_results where academic_year = '2017-18'")
    assert versions == [("final",)]  # the refused 'revised' file never replaced the final one
    archived = {p.name for p in settings.archive_dir.rglob("*") if p.is_file()}
    assert not any("815_ks4revised" in name or "936_gias" in name for name in archived)  # refused by onboard
    for page in [*settings.published_dir.rglob("*.html")]:
        text = _text(page)
        assert "815_ks4revised.csv" not in text and "2021_936_gias.csv" not in text, page
        # 2019-20 appears only in the coverage sentence saying DfE published nothing that year.
        for match in re.finditer(r"2019-20", text):
            assert "not published by the Department for Education" in text[match.start() : match.start() + 200], page
    ks4_coverage = _query(
        settings, "select academic_year, coverage_state from rpt_report__coverage where key_stage = 'KS4' order by 1"
    )
    assert ("2019-20", "not published") in ks4_coverage and ("2018-19", "loaded") in ks4_coverage


def test_schools_missing_from_gias_are_kept_with_their_own_facts_and_flagged(real_la, real_run) -> None:
    settings, _ = real_la
    rows = dict(_query(settings, "select is_in_gias, count(*) from dim_school where la_code = ? group by 1", LA_CODE))
    assert rows == {False: rows[False]} and rows[False] > 400  # no GIAS extract: every school from the files
    # 121708 is in the 2016-17 KS4 file only (closed before the 2018-19 spine): kept from its KS4 row.
    ((source, governance),) = _query(settings, "select register_source, governance from dim_school where urn = 121708")
    assert source.startswith("KS4 performance tables 2016-17") and governance != "other"
    # The spine's OTHERURN: 144165 opened in 2019 replacing 121471.
    assert _query(settings, "select immediate_predecessor_urn from dim_school where urn = 144165") == [(121471,)]


def test_a_file_refused_at_ingest_is_quarantined_and_the_rest_of_the_refresh_publishes(real_la, real_run) -> None:
    """The damaged 2017-18 'revised' KS4 file put straight into the sources folder (not through `onboard`): the parser
    refuses it naming the row, column and value, it is quarantined, the final file stays in force, the reports name
    it as refused and the rest of the refresh publishes."""
    settings, _ = real_la
    reasons = [p.read_text(encoding="utf-8") for p in settings.quarantine_dir.rglob("*.json")]
    assert any("ATT8SCR" in reason and "forty" in reason and f"data row {CORRUPT_ROW}" in reason for reason in reasons)
    assert real_run.returncode == EXIT_REFUSED, f"the refresh stopped at the refused file:\n{real_run.stdout[-3000:]}"
    versions = _query(
        settings,
        "select distinct data_version from rpt_report__la_measures "
        "where key_stage = 'KS4' and academic_year = '2017-18'",
    )
    assert versions == [("final",)]
    refused = _query(settings, "select source_file from rpt_report__data_sources where is_refused")
    assert refused == [(INGEST_REFUSED.name,)]
    (committee,) = (settings.published_dir / "committee_report").glob("*.html")
    assert "Files refused" in _text(committee) and INGEST_REFUSED.name in _text(committee)


def test_the_run_exits_3_and_its_summary_names_the_refused_file_its_reason_and_its_quarantine(real_la, real_run):
    settings, _ = real_la
    out = real_run.stdout
    assert real_run.returncode == EXIT_REFUSED, out + real_run.stderr
    assert "but 1 file(s) were refused (exit status 3)" in out
    refused_at = out.index(f"refused     {settings.sources_dir / INGEST_REFUSED} (raw_ks4)")
    why, kept_in = out[refused_at:].splitlines()[1:3]
    assert why.strip().startswith(f"why: {INGEST_REFUSED.name}, data row {CORRUPT_ROW}") and "'ATT8SCR'" in why, why
    quarantine = Path(kept_in.strip().removeprefix("kept in: "))
    assert quarantine.parent == settings.quarantine_dir / "ks4"
    assert (quarantine / INGEST_REFUSED.name).read_bytes() == (settings.sources_dir / INGEST_REFUSED).read_bytes()
    assert "the last good data of each source above stayed in use" in out


def test_the_screen_gets_progress_and_a_summary_and_the_log_file_gets_the_details(real_la, real_run):
    settings, _ = real_la
    out = real_run.stdout
    ks4_line = r"^    ok      raw_ks4: files \d+ loaded, 1 refused; not passed: raw_ks4_files_accepted"
    assert re.search(ks4_line, out, re.MULTILINE), out
    assert re.search(r"^    ok      dbt_models: \d+ assets; \d+ check\(s\) passed \(\d+s\)$", out, re.MULTILINE)
    for noise in ("Running with dbt", "BetaWarning", "booklets/", " - dagster - "):
        assert noise not in out and noise not in real_run.stderr, noise
    assert len(out.splitlines()) < 80
    (log_line,) = [line for line in out.splitlines() if line.startswith("log ")]
    log = Path(log_line.split()[1])
    assert log.parent == settings.data_dir / "logs"
    details = log.read_text(encoding="utf-8")
    assert "Running with dbt=" in details and "BetaWarning" in details and "\x1b[" not in details
    assert f"quarantined {settings.sources_dir / INGEST_REFUSED}" in details


def test_the_real_la_on_postgres_publishes_what_it_publishes_on_duckdb(
    real_la, real_run, postgres_server, tmp_path: Path
) -> None:
    """The same real files, refusals included, through the shared warehouse (SI_WAREHOUSE=postgres): the run succeeds
    and every published and restricted HTML page and CSV is byte for byte the DuckDB run's, so the SQL written for
    both engines holds on real data (sources missing, special values, a provisional year), not only on Kingsmere."""
    from dagster_project.definitions import build_definitions
    from dagster_project.full_run import run_everything
    from dagster_project.lib.operations.environment import scoped_environ
    from dagster_project.lib.warehouse import local_postgres

    settings, _ = real_la
    on_postgres = Settings.from_env(
        {"SI_DATA_DIR": str(tmp_path / "data"), "SI_LA_CODE": str(LA_CODE), "SI_WAREHOUSE": "postgres"}
    )
    shutil.copytree(settings.sources_dir, on_postgres.sources_dir, symlinks=True)
    pipeline = local_postgres.read_env(postgres_server.env_file(local_postgres.PIPELINE_ROLE))
    with scoped_environ(pipeline):
        result = run_everything(build_definitions(on_postgres), dg.DagsterInstance.ephemeral(), on_postgres)
    assert result.success, f"the real-layout LA run on PostgreSQL failed in {result.failed_steps}"
    assert list(result.skipped) == ["monthly_inspection_briefing"]
    assert f"monthly_inspection_briefing: {result.skipped['monthly_inspection_briefing']}" in real_run.stdout
    compared = 0
    for folder in ("published_dir", "restricted_dir"):
        written, expected = getattr(on_postgres, folder), getattr(settings, folder)
        for path in sorted(expected.rglob("*")):
            if path.suffix in (".html", ".csv", ".txt"):
                relative = path.relative_to(expected)
                assert (written / relative).read_bytes() == path.read_bytes(), relative
                compared += 1
    assert compared > 100
