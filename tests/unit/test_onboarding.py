"""The onboarding command on REAL downloads (North Yorkshire, LA 815; read in place through symlinks and a zip made
in the test): what is placed where, what is refused with which reason, and what is missing for which report."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from dagster_project.__main__ import main
from dagster_project.lib.ingest.onboarding import onboard
from dagster_project.lib.ingest.source_files import scan_sources

pytestmark = pytest.mark.real_reference


@pytest.fixture(scope="module")
def la815(reference_dir: Path) -> Path:
    return reference_dir.parent / "more" / "dfe_performance_tables_LA815_EnglishDevil"


def _link(inbox: Path, relative: str, target: Path) -> None:
    path = inbox / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def test_onboarded_files_are_placed_where_the_pipeline_finds_them_with_the_same_year_and_release(
    la815: Path, tmp_path: Path
) -> None:
    inbox, sources = tmp_path / "downloads", tmp_path / "sources"
    _link(inbox, "2018-2019/815_ks4.csv", la815 / "815_2019_ks4provisional.csv")
    _link(inbox, "2018-2019/ks4provisional_meta.xlsx", la815 / "ks4provisional_meta.xlsx")
    with zipfile.ZipFile(inbox / "2017-2018.zip", "w") as archive:  # DfE's downloads come zipped
        archive.write(la815 / "815_2018_census.csv", "2017-2018/815_census.csv")

    result = onboard(inbox, sources)

    status = {f.shown_name: (f.status, f.destination) for f in result.files}
    assert status["2018-2019/815_ks4.csv"] == ("placed", sources / "ks4" / "2018-19" / "815_ks4.csv")
    assert status["2018-2019/ks4provisional_meta.xlsx"][1] == sources / "ks4" / "2018-19" / "ks4provisional_meta.xlsx"
    assert status["2017-2018.zip:2017-2018/815_census.csv"][0] == "placed"
    assert (sources / "census" / "2017-18" / "815_census.csv").is_file()  # copied out of the zip, not linked
    assert (sources / "ks4" / "2018-19" / "815_ks4.csv").is_symlink()
    found = {(f.source, f.academic_year, f.data_version, f.name) for f in scan_sources(sources).files}
    assert found == {
        ("ks4", "2018-19", "provisional", "815_ks4.csv"),
        ("census", "2017-18", "final", "815_census.csv"),
    }
    missing = dict(result.missing())
    assert "Ofsted" in missing["inspection briefing"]

    again = onboard(inbox, sources)
    assert {f.status for f in again.files if f.shown_name.endswith(".csv")} == {"already in place"}


def test_a_different_file_already_in_place_is_never_overwritten(la815: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    (sources / "census" / "2016-17").mkdir(parents=True)
    (sources / "census" / "2016-17" / "815_census.csv").write_text("URN,LA,ESTAB,NOR\n", encoding="utf-8")
    _link(tmp_path / "downloads", "2016-2017/815_census.csv", la815 / "815_2017_census.csv")
    (entry,) = onboard(tmp_path / "downloads", sources).files
    assert entry.status == "refused" and "a different file is already at" in entry.reason


def test_the_command_prints_one_table_and_exits_1_when_a_file_is_refused(
    la815: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "downloads"
    _link(inbox, "815_2017_ks4final.csv", la815 / "815_2017_ks4final.csv")
    _link(inbox, "2018-19/815_ks4final.csv", la815 / "815_2018_ks4final.csv")  # 2017-18's file in 2018-19
    monkeypatch.setenv("SI_DATA_DIR", str(tmp_path / "data"))
    assert main(["onboard", str(inbox)]) == 1
    out = capsys.readouterr().out
    assert "KS4 2016-17 layout (416 columns), 1 measure not published" in out
    assert "placed -> ks4/2016-17/815_2017_ks4final.csv" in out
    assert "2018-19/815_ks4final.csv: the evidence for its academic year disagrees" in out
    assert "Missing for the reports:" in out and "1 refused" in out
