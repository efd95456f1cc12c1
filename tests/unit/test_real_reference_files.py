"""Parsers against REAL DfE / GIAS files read in place from ../shared/reference (never copied into the repo).

Surrey (LA 936) 2018-19 KS2 and KS4 downloads, the 2021 GIAS export and links, and a census excerpt. Expected
figures are read from the files independently (csv module) or are values published for Surrey in 2018-19.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.lib.ingest.dfe_csv import read_dfe_csv
from dagster_project.lib.ingest.source_files import SourceFile
from dagster_project.lib.ingest.warehouse_load import ingest_source
from dagster_project.lib.sources import census, gias, ks2, ks4

pytestmark = pytest.mark.real_reference


def _raw_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def ks2_path(reference_dir: Path) -> Path:
    return reference_dir / "ks2" / "2018-19_LA936_ks2.csv"


@pytest.fixture(scope="module")
def ks4_path(reference_dir: Path) -> Path:
    return reference_dir / "ks4" / "2018-19_LA936_ks4final.csv"


@pytest.fixture(scope="module")
def ks2_frame(ks2_path: Path) -> pd.DataFrame:
    return ks2.parse(ks2_path, academic_year="2018-19", data_version="final")


@pytest.fixture(scope="module")
def ks4_frame(ks4_path: Path) -> pd.DataFrame:
    return ks4.parse(ks4_path, academic_year="2018-19", data_version="final")


def test_real_ks2_keeps_every_row_and_reads_the_bom_file_as_utf8(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    _, rows = _raw_rows(ks2_path)
    assert len(ks2_frame) == len(rows) == 242
    assert read_dfe_csv(ks2_path, ks2.COLUMNS).encoding == "utf-8-sig"
    counts = ks2_frame["record_type"].value_counts().to_dict()
    assert counts == {
        "mainstream_school": 223,
        "special_school": 16,
        "local_authority": 1,
        "national_all_schools": 1,
        "national_state_funded": 1,
    }


def test_real_ks2_surrey_la_row_is_rectype_3_with_published_values(ks2_frame: pd.DataFrame) -> None:
    la = ks2_frame[ks2_frame["rectype"] == 3]
    assert len(la) == 1
    la = la.iloc[0]
    assert la["record_type"] == "local_authority" and la["lea"] == 936 and la["schname"] == "Surrey"
    assert pd.isna(la["urn"]) and pd.isna(la["estab"])
    assert la["ptrwm_exp"] == 70.0 and la["ptrwm_high"] == 14.0
    assert la["ptrwm_exp_fsm6cla1a"] == 46.0 and la["ptrwm_exp_notfsm6cla1a"] == 75.0
    assert la["diffn_rwm_exp"] == -25.0 and la["readprog"] == 0.3 and la["matcov"] == 94.0


def test_real_ks2_mixed_case_not_disadvantaged_columns_are_mapped(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    header, _ = _raw_rows(ks2_path)
    assert "TNotFSM6CLA1A" in header and "TNOTFSM6CLA1A" not in header
    la = ks2_frame[ks2_frame["rectype"] == 3].iloc[0]
    assert la["tnotfsm6cla1a"] == 10334 and la["ptnotfsm6cla1a"] == 83.0
    assert ks2_frame["tnotfsm6cla1a"].notna().sum() > 200


def test_real_ks2_suppression_codes_survive_cell_for_cell(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    header, rows = _raw_rows(ks2_path)
    for source_column in ("PTRWM_EXP_FSM6CLA1A", "READPROG", "PTRWM_HIGH_NotFSM6CLA1A"):
        position = header.index(source_column)
        raw_supp = sum(1 for row in rows if len(row) > position and row[position] == "SUPP")
        reasons = ks2_frame[f"{source_column.lower()}_reason"]
        assert raw_supp > 0 and (reasons == "SUPP").sum() == raw_supp


def test_real_ks2_new_schools_and_rows_cut_short_are_blank_not_lost(ks2_path: Path, ks2_frame: pd.DataFrame) -> None:
    header, rows = _raw_rows(ks2_path)
    short = sum(1 for row in rows if len(row) < len(header))
    assert short > 0 and read_dfe_csv(ks2_path, ks2.COLUMNS).short_rows == short
    new = ks2_frame[ks2_frame["totpups_reason"] == "NEW"]
    assert len(new) == 4 and (new["ptrwm_exp_reason"] == "BLANK").all()


def test_real_ks4_surrey_la_row_is_rectype_4_and_national_rows_5_and_7(ks4_frame: pd.DataFrame) -> None:
    by_type = ks4_frame.set_index("record_type")
    la = by_type.loc["local_authority"]
    assert la["rectype"] == 4 and la["lea"] == 936
    assert la["att8scr"] == 50.3 and la["p8mea"] == 0.18 and la["ptl2basics_95"] == 52.0
    assert la["p8mea_fsm6cla1a"] == -0.48 and la["diffn_p8mea"] == -0.61
    assert by_type.loc["national_state_funded", "rectype"] == 7
    assert by_type.loc["national_state_funded", "p8mea"] == -0.03
    assert by_type.loc["national_all_schools", "p8mea_reason"] == "BLANK"


def test_real_ks4_school_rows_and_not_published_for_independents(ks4_frame: pd.DataFrame) -> None:
    schools = ks4_frame[ks4_frame["rectype"].isin([1, 2])]
    assert len(schools) == 130 and schools["urn"].notna().all()
    independents = schools[schools["nftype"].isin(["IND", "INDSPEC"])]
    assert len(independents) == 47
    assert (independents["p8mea_reason"] == "NP").sum() >= 40
    assert set(ks4_frame["p8mea_reason"].dropna()) <= {"NP", "NE", "SUPP", "NA", "BLANK", "NEW"}


def test_real_gias_export_parses_with_laestab_and_day_first_dates(reference_dir: Path) -> None:
    frame = gias.parse_establishments(reference_dir / "gias" / "2021_936_gias.csv", data_version="2021-05-07")
    assert len(frame) == 590 and set(frame["la_code"]) == {936}
    school = frame.set_index("urn").loc[148435]
    assert school["establishment_name"] == "Frimley CofE Junior School" and school["laestab"] == 9363049
    assert school["open_date"] == pd.Timestamp("2021-04-01") and school["statutory_high_age"] == 11
    assert frame["close_date"].notna().sum() == 5
    # This is a names-only export: the code columns are absent, so they are NULL rather than an error.
    assert frame["type_of_establishment_code"].isna().all()


def test_real_gias_export_keeps_the_headteacher_columns_as_published(reference_dir: Path) -> None:
    path = reference_dir / "gias" / "2021_936_gias.csv"
    frame = gias.parse_establishments(path, data_version="2021-05-07").set_index("urn")
    with path.open(encoding="cp1252", newline="") as handle:
        raw = {int(row["URN"]): row for row in csv.DictReader(handle)}
    columns = {
        "head_title": "HeadTitle (name)",
        "head_first_name": "HeadFirstName",
        "head_last_name": "HeadLastName",
        "head_job_title": "HeadPreferredJobTitle",
    }
    for column, header in columns.items():
        parsed = [None if pd.isna(value) else value for value in frame.loc[list(raw), column]]
        assert parsed == [row[header].strip() or None for row in raw.values()], column
    # The file has acting headteachers and establishments with no head listed (blank, not an error).
    assert frame["head_job_title"].str.contains("Acting", na=False).sum() >= 1
    assert frame["head_last_name"].isna().sum() >= 1


def test_real_gias_links_parse_including_unusual_link_types(reference_dir: Path) -> None:
    frame = gias.parse_links(reference_dir / "gias" / "2021_936_giaslinks_nonstandard_types.csv")
    _, rows = _raw_rows(reference_dir / "gias" / "2021_936_giaslinks_nonstandard_types.csv")
    assert len(frame) == len(rows)
    assert {"Successor - merged", "Predecessor - amalgamated"} <= set(frame["link_type"])
    first = frame.iloc[0]
    assert (first["urn"], first["link_urn"]) == (100012, 100021)
    assert first["link_established_date"] == pd.Timestamp("2021-08-31")


def test_real_census_excerpt_has_national_rows_without_urn(reference_dir: Path) -> None:
    path = reference_dir / "census_absence" / "england_census_likely2018-19_or_2019-20_excerpt.csv"
    frame = census.parse(path, academic_year="2018-19", data_version="final")
    national = frame[frame["urn"].isna()]
    assert national["estab"].tolist() == ["PRI", "SEC", "SPE"]
    assert national.set_index("estab").loc["PRI", "nor"] == 4727089
    independent = frame[frame["schooltype"] == "Independent school"]
    assert len(independent) > 0 and (independent["pnumfsmever_reason"] == "NA").all()


def test_real_ks2_file_ingests_into_duckdb(ks2_path: Path, tmp_path: Path) -> None:
    conn = duckdb.connect(":memory:")
    source_file = SourceFile("ks2", ks2_path, "2018-19", "final")
    report = ingest_source(
        conn, "ks2", [source_file], archive_dir=tmp_path / "archive", quarantine_dir=tmp_path / "quarantine"
    )
    assert [o.status for o in report.outcomes] == ["loaded"] and report.table_row_count == 242
    assert report.outcomes[0].encoding == "utf-8-sig"
    assert conn.execute("SELECT ptrwm_exp FROM raw_ks2 WHERE rectype = 3").fetchall() == [(70.0,)]
    assert (
        tmp_path / "archive" / "ks2" / report.outcomes[0].sha256 / ks2_path.name
    ).read_bytes() == ks2_path.read_bytes()


# --- recomputing the LA row from the school rows (pupil-weighted, state-funded schools only) ------------

INDEPENDENT_NFTYPES = ("IND", "INDSPEC", "INDSS", "NMSS")


def _recompute(frame: pd.DataFrame, measure: str, weight: str, *, no_entries_score_zero: bool) -> tuple[float, float]:
    """(pupil-weighted mean over state-funded school rows, share of pupils whose school figure is withheld).

    'NE' (no entries) means the pupils entered nothing and so scored zero; 'SUPP' hides a small cohort's
    figure, which can only be bounded, so its share of pupils is returned for the tolerance.
    """
    schools = frame[frame["record_type"].isin(["mainstream_school", "special_school"])]
    schools = schools[~schools["nftype"].isin(INDEPENDENT_NFTYPES) & schools[weight].notna()]
    values = schools[measure]
    if no_entries_score_zero:
        values = values.where(schools[f"{measure}_reason"] != "NE", 0.0)
    known = values.notna()
    pupils = schools[weight]
    mean = float((values[known] * pupils[known]).sum() / pupils[known].sum())
    return mean, float(pupils[~known].sum() / pupils.sum())


def _tolerance(half_unit: float, withheld_share: float, value_range: float) -> float:
    # school figures and the LA figure are each published rounded (half a unit each); pupils in schools whose
    # figure is suppressed could lie anywhere in the measure's range
    return 2 * half_unit + withheld_share * value_range


@pytest.mark.parametrize(
    ("measure", "half_unit", "value_range"),
    [("ptrwm_exp", 0.5, 100), ("ptrwm_high", 0.5, 100), ("read_average", 0.5, 40), ("readprog", 0.05, 20)],
)
def test_real_ks2_la_row_is_reproduced_from_the_school_rows(
    ks2_frame: pd.DataFrame, measure: str, half_unit: float, value_range: float
) -> None:
    la_value = float(ks2_frame.loc[ks2_frame["rectype"] == 3, measure].iloc[0])
    recomputed, withheld = _recompute(ks2_frame, measure, "telig", no_entries_score_zero=False)
    assert abs(recomputed - la_value) <= _tolerance(half_unit, withheld, value_range), (recomputed, la_value)


@pytest.mark.parametrize(
    ("measure", "half_unit", "value_range"),
    [("att8scr", 0.05, 90), ("ptl2basics_94", 0.5, 100), ("ptl2basics_95", 0.5, 100), ("ebaccaps", 0.005, 9)],
)
def test_real_ks4_la_row_is_reproduced_from_the_state_funded_school_rows(
    ks4_frame: pd.DataFrame, measure: str, half_unit: float, value_range: float
) -> None:
    la_value = float(ks4_frame.loc[ks4_frame["rectype"] == 4, measure].iloc[0])
    recomputed, withheld = _recompute(ks4_frame, measure, "tpup", no_entries_score_zero=True)
    assert abs(recomputed - la_value) <= _tolerance(half_unit, withheld, value_range), (recomputed, la_value)
    # including the independent schools (as a careless sum would) misses the published figure
    everything = ks4_frame[ks4_frame["record_type"].isin(["mainstream_school", "special_school"])]
    known = everything[measure].notna() & everything["tpup"].notna()
    careless = float((everything[measure][known] * everything["tpup"][known]).sum() / everything["tpup"][known].sum())
    assert abs(careless - la_value) > _tolerance(half_unit, withheld, value_range)


# --- absence, statistical neighbours and LA codes: the real files -------------------------------------


def test_real_absence_files_in_both_persistent_absence_definitions(reference_dir: Path) -> None:
    from dagster_project.lib.sources import absence

    folder = reference_dir / "census_absence"
    ten = absence.parse(folder / "england_abs_PPERSABS10_likely2018-19_excerpt.csv", academic_year="2018-19")
    fifteen = absence.parse(folder / "england_abs_PPERSABS15_2012-13_excerpt.csv", academic_year="2012-13")
    assert set(ten["persistent_absence_threshold_pct"]) == {10} and set(
        fifteen["persistent_absence_threshold_pct"]
    ) == {15}
    national = ten[ten["record_type"] == "national"].set_index("estab")
    assert (national.loc["PRI", "perctot"], national.loc["PRI", "ppersabs"]) == (4.0, 8.2)
    assert national["urn"].isna().all() and national["la"].isna().all()
    assert (fifteen["ppersabs_reason"] == "SUPP").sum() > 0
    with pytest.raises(Exception, match="15% persistent-absence definition"):
        absence.parse(folder / "england_abs_PPERSABS15_2012-13_excerpt.csv", academic_year="2018-19")


@pytest.mark.parametrize("name", ["sn_may_2025.xlsx", "sn_may_2025.csv", "sn_april_2021.xlsx", "sn_april_2021.csv"])
def test_real_statistical_neighbour_files_xlsx_and_csv(reference_dir: Path, name: str) -> None:
    from dagster_project.lib.sources import statistical_neighbours

    frame = statistical_neighbours.parse(reference_dir / "statistical_neighbours" / name, data_version="x")
    current = frame[frame["sn_section"] == "current"]
    surrey = current[current["la_code"] == 936].sort_values("neighbour_rank")
    assert surrey["neighbour_rank"].tolist() == list(range(1, 11))
    assert surrey["neighbour_la_code"].iloc[0] == 868  # Windsor and Maidenhead, closest to Surrey in both
    assert (frame["sn_section"] == "old").any()  # superseded LAs after ',Old SNs:'
    assert current.groupby("la_code").size().max() == 10


def test_real_statistical_neighbour_xlsx_and_csv_agree(reference_dir: Path) -> None:
    from dagster_project.lib.sources import statistical_neighbours

    folder = reference_dir / "statistical_neighbours"
    columns = ["la_code", "sn_section", "neighbour_rank", "neighbour_la_code", "closeness"]
    from_xlsx = statistical_neighbours.parse(folder / "sn_may_2025.xlsx")[columns]
    from_csv = statistical_neighbours.parse(folder / "sn_may_2025.csv")[columns]
    pd.testing.assert_frame_equal(from_xlsx.reset_index(drop=True), from_csv.reset_index(drop=True))


def test_real_la_code_list_keeps_region_rows_without_a_type(reference_dir: Path) -> None:
    from dagster_project.lib.sources import la_codes

    frame = la_codes.parse(reference_dir / "statistical_neighbours" / "la_code_list.csv").set_index("la_code")
    assert frame.loc[839, "la_name"] == "Bournemouth, Christchurch and Poole"
    assert frame.loc[301, "la_type"] == "OLB" and pd.isna(frame.loc[1000, "la_type"])
    xlsx = la_codes.parse(reference_dir / "statistical_neighbours" / "la_code_list.xlsx").set_index("la_code")
    assert xlsx["la_name"].to_dict() == frame["la_name"].to_dict()
