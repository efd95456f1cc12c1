"""Each year's REAL layout defines its measures: North Yorkshire (LA 815) KS4 2016-17 (416 columns, no EBACCAPS),
2017-18 (496 columns) and the 2018-19 provisional headline file (25 columns), and the census with and without
SCHOOLTYPE. Read in place from ../shared/reference/more; expected figures are read from the files with csv."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import census, ks4

pytestmark = pytest.mark.real_reference


@pytest.fixture(scope="module")
def la815(reference_dir: Path) -> Path:
    return reference_dir.parent / "more" / "dfe_performance_tables_LA815_EnglishDevil"


def _la_row(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["RECTYPE"] == "4")


def test_real_2016_17_ks4_loads_with_ebacc_aps_not_published_that_year(la815: Path) -> None:
    frame = ks4.parse(la815 / "815_2017_ks4final.csv", academic_year="2016-17", data_version="final")
    assert len(frame) == 72 and set(frame["file_layout"]) == {"ks4_cscp_2016_17"}
    assert frame["ebaccaps"].isna().all() and set(frame["ebaccaps_reason"]) == {"NP"}
    la = frame[frame["rectype"] == 4].iloc[0]
    published = _la_row(la815 / "815_2017_ks4final.csv")
    assert la["att8scr"] == float(published["ATT8SCR"]) == 49.6
    assert la["tpup"] == float(published["TPUP"]) and la["p8mea"] == float(published["P8MEA"])
    assert la["ptl2basics_94"] == float(published["PTL2BASICS_94"].rstrip("%"))


def test_real_2017_18_ks4_is_the_full_layout_with_ebacc_aps(la815: Path) -> None:
    frame = ks4.parse(la815 / "815_2018_ks4final.csv", academic_year="2017-18", data_version="final")
    assert set(frame["file_layout"]) == {"ks4_cscp"}
    la = frame[frame["rectype"] == 4].iloc[0]
    assert la["ebaccaps"] == float(_la_row(la815 / "815_2018_ks4final.csv")["EBACCAPS"])


def test_real_provisional_headline_file_marks_its_missing_breakdowns_not_published(la815: Path) -> None:
    frame = ks4.parse(la815 / "815_2019_ks4provisional.csv", academic_year="2018-19", data_version="provisional")
    assert set(frame["file_layout"]) == {"ks4_cscp_headline"}
    for measure in ("tfsm6cla1a", "att8scr_fsm6cla1a", "p8mea_fsm6cla1a", "diffn_p8mea", "totpups"):
        assert set(frame[f"{measure}_reason"]) == {"NP"}, measure
    la = frame[frame["rectype"] == 4].iloc[0]
    assert la["att8scr"] == 48.6 and la["tpup"] == 6135 and la["ebaccaps"] == 4.33


def test_a_measure_its_layout_publishes_is_still_required(la815: Path, tmp_path: Path) -> None:
    """A 2017-18 file without EBACCAPS fits no layout (2017-18 published it): refused, naming the column."""
    table = pd.read_csv(la815 / "815_2018_ks4final.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    broken = tmp_path / "england_ks4final.csv"
    table.drop(columns=["EBACCAPS"]).to_csv(broken, index=False)
    with pytest.raises(SourceFormatError, match="required column.*'ebaccaps'"):
        ks4.parse(broken, academic_year="2017-18", data_version="final")


def test_real_census_before_2018_19_has_no_schooltype_and_la_rows_are_kept_apart(la815: Path) -> None:
    older = census.parse(la815 / "815_2017_census.csv", academic_year="2016-17", data_version="final")
    assert older["schooltype"].isna().all()
    newer = census.parse(la815 / "815_2019_census.csv", academic_year="2018-19", data_version="final")
    counts = newer["record_type"].value_counts().to_dict()
    assert counts == {"school": 388, "local_authority": 3, "national": 3}
    la_primary = newer[(newer["record_type"] == "local_authority") & (newer["estab"] == "PRI")].iloc[0]
    assert la_primary["la"] == 815 and pd.isna(la_primary["urn"]) and la_primary["nor"] == 45523
