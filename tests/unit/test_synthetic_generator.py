"""The synthetic source generator: layout, encodings, DfE conventions and the planted truth.

Assertions compare the written files with `build_world` (what was planted) and with the pupil-level
results, never with hard-coded output numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from synthetic_la import ACADEMIC_YEARS, KINGSMERE_CODE, build_world
from synthetic_la import absence as synthetic_absence
from synthetic_la import ks5 as synthetic_ks5
from synthetic_la import ofsted as synthetic_ofsted
from synthetic_la import suspensions as synthetic_suspensions
from synthetic_la.__main__ import main
from synthetic_la.generate import MARKER, generate
from synthetic_la.outcomes import simulate
from synthetic_la.writers import pct_int

SEED = 20240901
KS2_FILES = {
    "2021-22": "ks2/2021-22/england_ks2final.csv",
    "2022-23": "ks2/2022-23/england_ks2final.csv",
    "2023-24": "ks2/2023-24/england_ks2revised.csv",
}
KS4_FILES = {
    "2021-22": "ks4/2021-22/england_ks4final.csv",
    "2022-23": "ks4/2022-23/england_ks4final.csv",
    "2023-24": "ks4/2023-24/england_ks4revised.csv",
}
# 2024-25 onwards: DfE's tidy EES layout (UTF-8 without BOM); KS2 keeps DfE's version-less name.
EES_FILES = {
    "ks2": "ks2/2024-25/ks2_school_attainment_data.csv",
    "ks4": "ks4/2024-25/202425_performance_tables_schools_revised.csv",
}
GIAS = "gias/edubasealldata20240906.csv"
EARLIER_GIAS = "gias/edubasealldata20240301.csv"
LINKS = "gias/links_edubasealldata20240906.csv"
OFSTED = "ofsted/Management_information_-_state-funded_schools_-_all_inspections_as_at_31_Aug_2024.csv"
OFSTED_YTD_2025 = f"ofsted/{synthetic_ofsted.YTD_2025_FILE_NAME}"
OFSTED_YTD_2026 = f"ofsted/{synthetic_ofsted.YTD_2026_FILE_NAME}"
OFSTED_LATEST = f"ofsted/{synthetic_ofsted.LATEST_FILE_NAME}"
SN_XLSX = "statistical_neighbours/sn_may_2025.xlsx"
SN_CSV = "statistical_neighbours/sn_april_2021.csv"
LA_CODES = "la_codes/la_code_list.csv"
ABSENCE_FILES = {y: f"absence/{y}/england_abs.csv" for y in synthetic_absence.YEARS}
EES_ABSENCE = f"absence/2024-25/{synthetic_absence.EES_FILE_NAME}"
EES_ABSENCE_AREAS = f"absence/2024-25/{synthetic_absence.EES_AREA_FILE_NAME}"
DESTINATIONS = {y: f"ks4_destinations/{y}/england_ks4-pupdest.csv" for y in ("2022-23", "2023-24", "2024-25")}
SUSPENSIONS = {y: f"suspensions/{y}/{synthetic_suspensions.FILE_NAME}" for y in synthetic_suspensions.YEARS}
KS5_FILES = {f"ks5/{y}/{name}" for y in synthetic_ks5.YEARS for name in synthetic_ks5.file_names(y)}
CP1252 = {KS2_FILES["2023-24"], GIAS, EARLIER_GIAS, LINKS, OFSTED, OFSTED_YTD_2025, OFSTED_YTD_2026, OFSTED_LATEST}
NO_BOM = {
    SN_XLSX,
    SN_CSV,
    LA_CODES,
    EES_ABSENCE,
    EES_ABSENCE_AREAS,
    *EES_FILES.values(),
    *SUSPENSIONS.values(),
    *KS5_FILES,
}  # LAIT and EES files are plain UTF-8; xlsx is a zip
EXPECTED_FILES = {
    *KS2_FILES.values(),
    *KS4_FILES.values(),
    *EES_FILES.values(),
    GIAS,
    EARLIER_GIAS,
    LINKS,
    OFSTED,
    OFSTED_YTD_2025,
    OFSTED_YTD_2026,
    OFSTED_LATEST,
    SN_XLSX,
    SN_CSV,
    LA_CODES,
    *ABSENCE_FILES.values(),
    EES_ABSENCE,
    EES_ABSENCE_AREAS,
    *DESTINATIONS.values(),
    *SUSPENSIONS.values(),
    *KS5_FILES,
    *(f"census/{y}/england_census.csv" for y in ACADEMIC_YEARS),
}
NON_STATE = {"IND", "INDSPEC", "NMSS"}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    generate(folder, SEED, "la", log=lambda _: None)
    return folder


@pytest.fixture(scope="module")
def world():
    return build_world(SEED, "la")


@pytest.fixture(scope="module")
def results(world):
    return simulate(world)


def read(out: Path, relative: str) -> list[dict[str, str]]:
    encoding = "cp1252" if relative in CP1252 else "utf-8-sig"
    text = (out / relative).read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def num(value: str) -> float | None:
    try:
        return float(value.rstrip("%"))
    except ValueError:
        return None


def files_under(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


# --- determinism, layout, encodings -------------------------------------------------------------


def test_same_seed_and_scale_give_byte_identical_files(out, tmp_path):
    again = tmp_path / "again"
    generate(again, SEED, "la", log=lambda _: None)
    assert files_under(again) == files_under(out)


def test_another_seed_gives_different_data(out, tmp_path):
    other = tmp_path / "other"
    generate(other, SEED + 1, "la", log=lambda _: None)
    assert files_under(other)[KS2_FILES["2022-23"]] != files_under(out)[KS2_FILES["2022-23"]]


def test_folder_layout_is_the_contract_layout(out):
    assert set(files_under(out)) == EXPECTED_FILES | {MARKER}


def test_cp1252_files_are_not_utf8_and_carry_the_curly_name(out, world):
    raw = (out / KS2_FILES["2023-24"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf")
    curly = world.with_role("curly_name")
    assert "’" in curly.name and "é" in curly.name
    assert curly.name in raw.decode("cp1252")
    for relative in (GIAS, OFSTED):
        assert curly.name in (out / relative).read_bytes().decode("cp1252")


def test_utf8_files_have_a_bom_and_every_file_uses_crlf(out):
    for relative in EXPECTED_FILES - {SN_XLSX}:
        raw = (out / relative).read_bytes()
        if relative not in CP1252 | NO_BOM:
            assert raw.startswith(b"\xef\xbb\xbf"), relative
            raw.decode("utf-8-sig")
        assert raw.count(b"\n") == raw.count(b"\r\n") > 1, relative


def test_gias_quotes_every_value_and_uses_dd_mm_yyyy(out):
    text = (out / GIAS).read_bytes().decode("cp1252")
    lines = [line for line in text.split("\r\n") if line]
    columns = len(lines[0].split('","'))
    # every value quoted, empty ones included ("" between commas, never a bare field)
    assert all(line.startswith('"') and line.endswith('"') and line.count('","') == columns - 1 for line in lines)
    dates = [r["OpenDate"] for r in read(out, GIAS) if r["OpenDate"]]
    assert dates and all(len(d) == 10 and d[2] == "-" and d[5] == "-" for d in dates)


def test_the_earlier_gias_extract_differs_only_in_the_planted_headteacher_and_later_openings(out, world):
    earlier = {int(r["URN"]): r for r in read(out, EARLIER_GIAS)}
    latest = {int(r["URN"]): r for r in read(out, GIAS)}
    day = date(2024, 3, 1)
    assert set(earlier) == {s.urn for s in world.schools if s.open_date is None or s.open_date <= day}
    assert set(earlier) <= set(latest)

    def head(row):
        return row["HeadFirstName"], row["HeadLastName"]

    changed = {urn for urn, row in earlier.items() if head(row) != head(latest[urn])}
    assert changed == {world.with_role("new_headteacher").urn}
    acting = {urn for urn, row in latest.items() if "Acting" in row["HeadPreferredJobTitle"]}
    assert acting == {world.with_role("acting_headteacher").urn}
    # Status is as at each extract: a school that closed between the two is open in March and closed in September.
    closed_between = [s for s in world.schools if s.close_date and day <= s.close_date < date(2024, 9, 6)]
    status = "EstablishmentStatus (name)"
    for school in closed_between:
        assert (earlier[school.urn][status], latest[school.urn][status]) == ("Open", "Closed")


def test_ks2_case_drift_between_years(out):
    older = read(out, KS2_FILES["2021-22"])[0].keys()
    newer = read(out, KS2_FILES["2022-23"])[0].keys()
    assert "TNotFSM6CLA1A" in older and "TNOTFSM6CLA1A" not in older
    assert "TNOTFSM6CLA1A" in newer and "TNotFSM6CLA1A" not in newer
    assert "PTRWM_EXP_NotFSM6CLA1A" in older and "PTRWM_EXP_NotFSM6CLA1A" in newer


# --- record types and LA / national rows -------------------------------------------------------


def test_record_types_and_an_la_row_for_every_la(out, world):
    for year in ACADEMIC_YEARS:
        ks2 = read(out, KS2_FILES[year])
        assert {r["RECTYPE"] for r in ks2} == {"1", "2", "3", "4", "5"}
        assert {r["LEA"] for r in ks2 if r["RECTYPE"] == "3"} == {str(la.code) for la in world.las}
        assert all(r["LEA"] == " " and r["URN"] == " " for r in ks2 if r["RECTYPE"] in ("4", "5"))
        ks4 = read(out, KS4_FILES[year])
        assert {r["RECTYPE"] for r in ks4} == {"1", "2", "4", "5", "7"}
        assert str(KINGSMERE_CODE) in {r["LEA"] for r in ks4 if r["RECTYPE"] == "4"}
        assert {r["NFTYPE"] for r in ks4} >= NON_STATE


def test_ks2_la_rwm_is_pupil_weighted(out, results):
    for year in ACADEMIC_YEARS:
        rows = read(out, KS2_FILES[year])
        for la_row in (r for r in rows if r["RECTYPE"] == "3"):
            schools = [r for r in rows if r["RECTYPE"] in ("1", "2") and r["LEA"] == la_row["LEA"]]
            published = [(num(r["PTRWM_EXP"]), int(r["TELIG"])) for r in schools if num(r["PTRWM_EXP"]) is not None]
            recomputed = sum(p * n for p, n in published) / sum(n for _, n in published)
            assert abs(num(la_row["PTRWM_EXP"]) - recomputed) <= 1.0, (year, la_row["LEA"])
            assert int(la_row["TELIG"]) == sum(int(r["TELIG"]) for r in schools if r["TELIG"])
            # exactly DfE's rule on the underlying integer counts (suppressed schools included)
            urns = {int(r["URN"]) for r in schools if r["TOTPUPS"] != "NEW"}
            truth = [results.ks2[(year, u)] for u in urns]
            assert num(la_row["PTRWM_EXP"]) == pct_int(sum(t.exp for t in truth), sum(t.telig for t in truth))


def test_ks4_la_att8_is_pupil_weighted_over_state_funded_schools_only(out):
    for year in ACADEMIC_YEARS:
        rows = read(out, KS4_FILES[year])
        for la_row in (r for r in rows if r["RECTYPE"] == "4"):
            schools = [r for r in rows if r["RECTYPE"] in ("1", "2") and r["LEA"] == la_row["LEA"]]
            state = [r for r in schools if r["NFTYPE"] not in NON_STATE]
            assert int(la_row["TPUP"]) == sum(int(r["TPUP"]) for r in state)
            pairs = [(num(r["ATT8SCR"]), int(r["TPUP"])) for r in state]
            assert all(a is not None for a, _ in pairs)
            recomputed = sum(a * n for a, n in pairs) / sum(n for _, n in pairs)
            assert abs(num(la_row["ATT8SCR"]) - recomputed) <= 0.1, (year, la_row["LEA"])
        national_state = next(r for r in rows if r["RECTYPE"] == "7")
        national_all = next(r for r in rows if r["RECTYPE"] == "5")
        state_pupils = sum(int(r["TPUP"]) for r in rows if r["RECTYPE"] in ("1", "2") and r["NFTYPE"] not in NON_STATE)
        assert int(national_state["TPUP"]) == state_pupils
        assert int(national_all["TPUP"]) == sum(int(r["TPUP"]) for r in rows if r["RECTYPE"] in ("1", "2"))


def test_national_figures_are_realistic(out):
    for year in ACADEMIC_YEARS:
        nat = next(r for r in read(out, KS2_FILES[year]) if r["RECTYPE"] == "5")
        assert 56 <= num(nat["PTRWM_EXP"]) <= 64
        gap = num(nat["PTRWM_EXP_NotFSM6CLA1A"]) - num(nat["PTRWM_EXP_FSM6CLA1A"])
        assert 17 <= gap <= 26
        ks4 = next(r for r in read(out, KS4_FILES[year]) if r["RECTYPE"] == "7")
        assert 43 <= num(ks4["ATT8SCR"]) <= 51
        assert 12 <= num(ks4["ATT8SCR_NFSM6CLA1A"]) - num(ks4["ATT8SCR_FSM6CLA1A"]) <= 18


def test_confidence_intervals_narrow_with_cohort_size(out):
    rows = [r for r in read(out, KS4_FILES["2022-23"]) if r["RECTYPE"] == "1" and num(r["P8CILOW"]) is not None]
    widths = sorted((int(r["P8PUP"]), num(r["P8CIUPP"]) - num(r["P8CILOW"])) for r in rows)
    small, large = widths[: len(widths) // 4], widths[-len(widths) // 4 :]
    assert sum(w for _, w in small) / len(small) > sum(w for _, w in large) / len(large)


# --- special values ----------------------------------------------------------------------------


def test_each_special_value_appears(out, world):
    ks2_values = {v for y in ACADEMIC_YEARS for r in read(out, KS2_FILES[y]) for v in r.values()}
    ks4_values = {v for y in ACADEMIC_YEARS for r in read(out, KS4_FILES[y]) for v in r.values()}
    assert {"SUPP", "NA", "NEW", "LOWCOV", " ", ""} <= ks2_values
    assert {"SUPP", "NP", "NE", "NA", " "} <= ks4_values
    ofsted = read(out, OFSTED)
    assert {r["Category of concern"] for r in ofsted} >= {"SM", "SWK", "NULL"}


def test_new_school_is_new_with_everything_else_blank(out, world):
    new = world.with_role("new_school")
    assert new.new_school and new.open_date == date(2023, 9, 1)
    row = next(r for r in read(out, KS2_FILES["2023-24"]) if r["URN"] == str(new.urn))
    assert row["TOTPUPS"] == "NEW"
    assert all(row[c] == "" for c in ("TELIG", "PTRWM_EXP", "READPROG", "PTRWM_EXP_FSM6CLA1A"))
    assert not any(r["URN"] == str(new.urn) for r in read(out, KS2_FILES["2022-23"]))


def test_small_cohorts_are_suppressed(out, world):
    rows = [r for y in ACADEMIC_YEARS for r in read(out, KS2_FILES[y]) if r["RECTYPE"] in ("1", "2")]
    tiny = [r for r in rows if r["TELIG"] not in ("", "SUPP") and int(r["TELIG"]) <= 5]
    assert tiny and all(r["PTRWM_EXP"] == "SUPP" and r["TFSM6CLA1A"] == "SUPP" for r in tiny)
    split = [r for r in rows if r["TFSM6CLA1A"] not in ("", "SUPP") and 1 <= int(r["TFSM6CLA1A"]) <= 5]
    assert split and all(r["PTRWM_EXP_FSM6CLA1A"] == "SUPP" == r["PTRWM_EXP_NotFSM6CLA1A"] for r in split)
    assert any(s.small_cohort for s in world.kingsmere)


def test_progress_is_na_without_a_ks1_baseline_and_lowcov_where_planted(out, world):
    rows = read(out, KS2_FILES["2023-24"])
    assert all(num(r["READPROG"]) is None for r in rows)
    with_cohort = [r for r in rows if r["RECTYPE"] in ("1", "2", "3") and r["TOTPUPS"] != "NEW"]
    assert {r["READPROG"] for r in with_cohort} == {"NA"} == {r["MATPROG_UPPER"] for r in with_cohort}
    lowcov = world.with_risk("lowcov")[0]
    row = next(r for r in read(out, KS2_FILES["2022-23"]) if r["URN"] == str(lowcov.urn))
    assert row["READPROG"] == "LOWCOV" and num(row["READCOV"]) < 50


def test_independent_schools_have_np_and_no_entries_school_has_ne(out, world):
    rows = read(out, KS4_FILES["2023-24"])
    independent = [r for r in rows if r["NFTYPE"] in ("IND", "INDSPEC")]
    assert independent and all(r["P8MEA"] == "NP" and r["PTFSM6CLA1A"] == "NP" for r in independent)
    nmss = [r for r in rows if r["NFTYPE"] == "NMSS"]
    assert nmss and all(r["ATT8SCR_FSM6CLA1A"] == "NP" for r in nmss)
    ne_school = world.with_risk("no_entries")[0]
    row = next(r for r in rows if r["URN"] == str(ne_school.urn))
    assert row["EBACCAPS"] == "NE" and row["PTL2BASICS_95"] == "NE"


# --- conversions, closures, inspections --------------------------------------------------------


def test_conversions_are_linked_both_ways_and_follow_the_urn(out, world):
    links = {(int(r["URN"]), int(r["LinkURN"]), r["LinkType"], r["LinkEstablishedDate"]) for r in read(out, LINKS)}
    gias = {int(r["URN"]): r for r in read(out, GIAS)}
    kingsmere_pairs = [(p, s) for p, s in world.conversions if p.la_code == KINGSMERE_CODE]
    recent = [(p, s) for p, s in kingsmere_pairs if s.open_date >= date(2022, 9, 1)]
    assert len(recent) >= 2 and all(s.type_code == 34 for _, s in recent)
    for predecessor, successor in kingsmere_pairs:
        day = successor.open_date.strftime("%d-%m-%Y")
        assert (predecessor.urn, successor.urn, "Successor", day) in links
        assert (successor.urn, predecessor.urn, "Predecessor", day) in links
        reason = "Academy Sponsor Led" if successor.type_code in (28, 33) else "Academy Converter"
        assert gias[predecessor.urn]["ReasonEstablishmentClosed (name)"] == reason
        assert gias[predecessor.urn]["EstablishmentStatus (name)"] == "Closed"
        assert gias[predecessor.urn]["CloseDate"] == (successor.open_date - timedelta(days=1)).strftime("%d-%m-%Y")
        assert gias[successor.urn]["ReasonEstablishmentOpened (name)"] == reason
        assert gias[successor.urn]["OpenDate"] == day
    for predecessor, successor in recent:
        files = KS2_FILES if successor.ks2_cohort else KS4_FILES
        for year in ACADEMIC_YEARS:
            urns = {r["URN"] for r in read(out, files[year])}
            converted = successor.open_date <= date(int(year[:4]) + 1, 5, 1)
            assert (str(successor.urn) in urns) == converted, (successor.name, year)
            assert (str(predecessor.urn) in urns) == (not converted), (predecessor.name, year)
        ofsted_urns = {r["URN"] for r in read(out, OFSTED)}
        assert str(predecessor.urn) in ofsted_urns  # history before conversion stays with the predecessor


def test_closed_school_only_in_earlier_tables(out, world):
    closed = world.with_role("closed_school")
    assert closed.closed and closed.close_date == date(2022, 8, 31)
    present = [y for y in ACADEMIC_YEARS if any(r["URN"] == str(closed.urn) for r in read(out, KS2_FILES[y]))]
    assert present == ["2021-22"]


def test_inspection_history_holds_the_planted_patterns(out, world):
    rows = read(out, OFSTED)
    assert all(
        date(int(r["Publication date"][6:]), int(r["Publication date"][3:5]), int(r["Publication date"][:2]))
        <= date(2024, 8, 31)
        for r in rows
    )
    graded = {}
    for r in rows:
        if r["Overall effectiveness"] != "NULL":
            graded.setdefault(int(r["URN"]), []).append(r)
    sm = world.with_role("special_measures")
    swk = world.with_role("serious_weaknesses")
    assert (graded[sm.urn][-1]["Overall effectiveness"], graded[sm.urn][-1]["Category of concern"]) == (
        "4",
        "SM",
    )
    assert (graded[swk.urn][-1]["Overall effectiveness"], graded[swk.urn][-1]["Category of concern"]) == (
        "4",
        "SWK",
    )
    twice = [r["Overall effectiveness"] for r in graded[world.with_role("ri_twice").urn]]
    assert twice[-2:] == ["3", "3"] and twice[-3] != "3"
    persistent = [r["Overall effectiveness"] for r in graded[world.with_role("ri_persistent").urn]]
    assert len(persistent) >= 4 and set(persistent) == {"3"}
    new = world.with_role("new_school")
    assert [r["Overall effectiveness"] for r in graded[new.urn]] == ["3"]
    current = {
        s.latest_graded_inspection.overall_effectiveness
        for s in world.kingsmere
        if s.latest_graded_inspection and s.successor_urn is None and not s.closed
    }
    assert current == {1, 2, 3, 4}


def test_planted_data_risks_show_in_the_tables(out, world):
    risk = world.with_risk("ks2_progress_below")[0]
    assert risk.latest_graded_inspection.overall_effectiveness == 2
    below = 0
    for year in ACADEMIC_YEARS:
        rows = read(out, KS2_FILES[year])
        school = next(r for r in rows if r["URN"] == str(risk.urn))
        national = next(r for r in rows if r["RECTYPE"] == "5")
        if year != "2023-24":
            assert num(school["READPROG_UPPER"]) < 0 and num(school["MATPROG_UPPER"]) < 0
        below += num(school["PTRWM_EXP"]) <= num(national["PTRWM_EXP"]) - 10
    assert below >= 2
    p8 = world.with_risk("p8_below")[0]
    uppers = [
        num(next(r for r in read(out, KS4_FILES[y]) if r["URN"] == str(p8.urn))["P8CIUPP"]) for y in ACADEMIC_YEARS
    ]
    assert sum(u < 0 for u in uppers) >= 2


def test_kingsmere_is_shaped_like_the_service_specification(world):
    open_state = [s for s in world.kingsmere if s.is_state_funded and s.is_open_on(date(2024, 9, 1))]
    assert 110 <= len(open_state) <= 130
    assert 20 <= sum(s.is_academy for s in open_state) <= 30
    assert sum(s.phase == "Secondary" for s in open_state) >= 6
    assert sum(s.phase == "All-through" for s in open_state) == 1
    assert sum(s.type_code == 14 for s in open_state) == 1
    assert all(s.urn >= 900000 for s in world.schools)


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_skips_when_up_to_date_and_regenerates_when_changed(tmp_path, capsys):
    folder = tmp_path / "cli"
    assert main(["--out", str(folder)]) == 0
    first = capsys.readouterr().out
    assert f"wrote {KS2_FILES['2023-24']}" in first
    assert main(["--out", str(folder)]) == 0
    assert "skipped" in capsys.readouterr().out
    (folder / GIAS).write_bytes(b"tampered")
    assert main(["--out", str(folder)]) == 0
    assert "wrote gias/" in capsys.readouterr().out
    assert main(["--out", str(folder), "--seed", "7"]) == 0
    assert "skipped" not in capsys.readouterr().out


# --- issue 4 sources: Ofsted regimes, absence, statistical neighbours, LA codes -------------------------


def _parsed(out: Path, relative: str, **kwargs):
    from dagster_project.lib.ingest.source_files import discover_source_files
    from dagster_project.lib.sources import SOURCES

    (found,) = [f for f in discover_source_files(out) if f.path == out / relative]
    return SOURCES[found.source].parse(found.path, academic_year=found.academic_year, data_version=found.data_version)


def test_kingsmere_has_inspections_in_all_three_regimes_into_2026(out, world):
    kingsmere = {s.urn for s in world.kingsmere}
    frames = [_parsed(out, relative) for relative in (OFSTED, OFSTED_YTD_2025, OFSTED_YTD_2026, OFSTED_LATEST)]
    import pandas as pd

    inspections = pd.concat(frames)
    mine = inspections[inspections["urn"].isin(kingsmere)]
    assert set(mine["inspection_regime"]) == {"graded", "ungraded_sub_judgements", "report_card"}
    assert mine["inspection_start_date"].max() >= pd.Timestamp("2026-01-01")
    assert (mine["overall_effectiveness_status"] == "Not judged").any()
    assert mine["ungraded_outcome"].notna().any() and mine["inclusion"].notna().any()
    assert set(inspections["source_layout"]) == {"all_inspections", "latest_inspections"}
    # no Kingsmere school gains a category of concern after the graded era: the planted SM/SWK stay the only ones
    assert mine.loc[mine["inspection_regime"] != "graded", "category_of_concern"].isna().all()
    # another LA's report card carries RSI (requires significant improvement) and a 2024-25 inspection SWK
    assert {"RSI", "SWK"} <= set(
        inspections.loc[inspections["inspection_regime"] != "graded", "category_of_concern"].dropna()
    )


def test_planted_schools_keep_their_graded_history_only(out, world):
    from synthetic_la.recent_inspections import recent_inspections

    recent = recent_inspections(world)
    for role in ("special_measures", "serious_weaknesses", "ri_twice", "ri_persistent", "new_school"):
        assert world.with_role(role).urn not in recent


def test_planted_support_decision_schools_get_exactly_their_planted_recent_inspection(world):
    """Each school planted for a support decision (kingsmere.py) has one recent inspection, as PLANTED_RECENT
    records it; random inspections never give an inadequate key judgement or an urgent-improvement area without a
    category of concern."""
    from synthetic_la.recent_inspections import PLANTED_RECENT, recent_inspections

    recent = recent_inspections(world)
    for role, (kind, start, published, _) in PLANTED_RECENT.items():
        (inspection,) = recent[world.with_role(role).urn]
        assert (inspection.kind, inspection.start_date, inspection.publication_date) == (kind, start, published)
    planted = {world.with_role(role).urn for role in PLANTED_RECENT}
    for urn, inspections in recent.items():
        for inspection in inspections:
            if urn in planted or inspection.category_of_concern:
                continue
            assert "Urgent improvement" not in inspection.areas.values()
            key_judgements = (
                inspection.quality_of_education,
                inspection.behaviour_and_attitudes,
                inspection.personal_development,
                inspection.leadership_and_management,
            )
            assert 4 not in key_judgements


def test_latest_inspections_file_has_the_real_2026_header_with_the_double_space_and_an_en_dash(out):
    raw = (out / OFSTED_LATEST).read_bytes()
    header = raw.decode("cp1252").split("\r\n")[0].split(",")
    assert len(header) == 85 and "Latest OEIF  safeguarding is effective?" in header
    assert "Schools – Section 8 conversion".encode("cp1252") in raw and b"NULL" in raw


def test_absence_uses_the_persistent_absence_definition_of_its_year(out):
    assert read(out, ABSENCE_FILES["2014-15"])[0].keys() >= {"PPERSABS15"}
    rows = read(out, ABSENCE_FILES["2023-24"])
    assert list(rows[0]) == ["LA", "ESTAB", "URN", "PERCTOT", "PPERSABS10"]
    national = [r for r in rows if r["LA"] == "NAT"]
    assert [r["ESTAB"] for r in national] == ["PRI", "SEC", "SPE"] and all(r["URN"] == "" for r in national)


def test_ees_absence_areas_sum_their_schools_and_the_planted_school_rises(out, world):
    schools = read(out, EES_ABSENCE)
    rows = read(out, EES_ABSENCE_AREAS)  # DfE's England and LA rows come in their own file
    assert {r["geographic_level"] for r in schools} == {"School"}
    assert {r["geographic_level"] for r in rows} == {"Local authority", "National"}
    for phase in ("State-funded primary", "State-funded secondary", "Special"):
        (national,) = [r for r in rows if r["geographic_level"] == "National" and r["education_phase"] == phase]
        mine = [r for r in schools if r["education_phase"] == phase]
        for count in ("enrolments", "sess_possible", "sess_overall", "enrolments_pa_10_exact"):
            assert int(national[count]) == sum(int(r[count]) for r in mine), (phase, count)
        assert float(national["sess_overall_percent"]) == pytest.approx(
            100 * int(national["sess_overall"]) / int(national["sess_possible"]), abs=1e-5
        )
    # Thornbury School's persistent absence rises 4.5 points a year; no other Kingsmere school rises 3 points twice.
    (planted,) = world.with_risk("rising_persistent_absence")
    by_year = {}
    for year, relative in ABSENCE_FILES.items():
        by_year[year] = {
            int(r["URN"]): num(r["PPERSABS10"]) for r in read(out, relative) if r["URN"] and "PPERSABS10" in r
        }
    by_year["2024-25"] = {int(r["school_urn"]): num(r["enrolments_pa_10_exact_percent"]) for r in schools}
    years = ("2022-23", "2023-24", "2024-25")
    rising = {
        s.urn
        for s in world.kingsmere
        if all(by_year[y].get(s.urn) is not None for y in years)
        and all(by_year[b][s.urn] - by_year[a][s.urn] >= 3 for a, b in zip(years, years[1:], strict=False))
    }
    assert rising == {planted.urn}


def test_destinations_report_the_cohort_two_years_back_and_areas_sum_their_schools(out, world, results):
    rows = read(out, DESTINATIONS["2024-25"])
    schools = [r for r in rows if r["RECTYPE"] in ("1", "2")]
    # The 2024-25 tables report the pupils who finished KS4 in 2022-23: the same schools and cohorts.
    ks4 = {urn: r for (year, urn), r in results.ks4.items() if year == "2022-23" and r.kind == "state"}
    assert {int(r["URN"]) for r in schools} == set(ks4)
    assert all(int(r["COHORT"]) == ks4[int(r["URN"])].tpup for r in schools)
    kingsmere = [r for r in rows if r["RECTYPE"] == "LA" and r["LEA"] == "991"]
    (national,) = [r for r in rows if r["RECTYPE"] == "NAT"]
    mine = [r for r in schools if r["LEA"] == "991"]
    for column in ("COHORT", "COHORT_DIS", "OVERALL_DEST", "NOT_SUSTAINED"):
        assert int(kingsmere[0][column]) == sum(int(r[column]) for r in mine), column
        las = [r for r in rows if r["RECTYPE"] == "LA"]
        assert int(national[column]) == sum(int(r[column]) for r in las), column
    assert national["OVERALL_DESTPER"] == f"{round(100 * int(national['OVERALL_DEST']) / int(national['COHORT']))}%"
    assert list(rows[0])[-2:] == ["COHORT_NONDIS_23", "OVERALL_DESTPER_NONDIS_23"]


def test_statistical_neighbours_xlsx_has_the_real_layout_and_kingsmere_has_ten_fictional_neighbours(out, world):
    from openpyxl import load_workbook

    sheet = load_workbook(out / SN_XLSX, read_only=True)["LA SN Groups"]
    rows = list(sheet.iter_rows(values_only=True))
    assert (
        rows[0][0] == "A"
        and rows[1][0] == 1
        and rows[2][:6] == ("LA num", "LA Name", "LA number", "GOInd", "GOReg", "SN1")
    )
    assert list(rows[2][5:25]).count("SNP") == 10
    frame = _parsed(out, SN_XLSX)
    kingsmere = frame[(frame["la_code"] == 991) & (frame["sn_section"] == "current")]
    other_las = {la.code for la in world.las} - {991}
    assert len(kingsmere) == 10 and set(kingsmere["neighbour_la_code"]) <= other_las
    csv_frame = _parsed(out, SN_CSV)
    assert "Very Close" in set(csv_frame["closeness"]) or "Not Close" in set(csv_frame["closeness"])


def test_la_code_list_names_every_fictional_la(out, world):
    frame = _parsed(out, LA_CODES)
    assert {la.code for la in world.las} <= set(frame["la_code"])
    assert frame.loc[frame["la_code"] == 991, "la_name"].item() == "Kingsmere"
    assert frame.loc[frame["la_code"] == 1000, "la_type"].isna().all()


def test_2024_25_is_only_in_the_ees_layout_with_every_area_and_ees_symbols(out):
    for relative in EES_FILES.values():
        rows = read(out, relative)
        assert {r["time_period"] for r in rows} == {"202425"}
        assert {r["version"] for r in rows} == {"Revised"}
        assert {r["geographic_level"] for r in rows} == {"School", "Local authority", "National"}
        # identifiers are blank where they do not apply (a national row has no LA); indicators never are
        indicators = list(rows[0])[list(rows[0]).index("pupil_count") :]
        cells = {r[name] for r in rows for name in indicators}
        assert {"c", "z"} <= cells and not cells & {"SUPP", "NA", "NP", "", " "}
    assert not (out / "ks2" / "2024-25" / "england_ks2revised.csv").exists()
