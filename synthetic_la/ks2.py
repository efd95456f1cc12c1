"""KS2 school-level performance tables (england_ks2final.csv / england_ks2revised.csv).

Rows: schools (RECTYPE 1 mainstream, 2 special) grouped by LA, each LA followed by its LA row (3), then the
national rows (4 all schools, 5 state-funded). LA and national rows are summed from integer pupil counts.
Columns: the real leading identifier block in its real order, then a realistic subset of measures in real
relative order (the 2022-23 dtype list / 2018-19 download). Case drift as in the real files:
TNotFSM6CLA1A / PTNotFSM6CLA1A up to 2021-22, TNOTFSM6CLA1A / PTNOTFSM6CLA1A from 2022-23;
PTRWM_EXP_NotFSM6CLA1A stays mixed case in every year.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .outcomes import KS2_PROGRESS_SD, KS2_PROGRESS_YEARS, KS2Result, Progress, Results
from .world import School, World
from .writers import BLANK, fmt_num, fmt_pct, pct_int

LEADING = [
    "RECTYPE",
    "ALPHAIND",
    "LEA",
    "ESTAB",
    "URN",
    "SCHNAME",
    "ADDRESS1",
    "ADDRESS2",
    "ADDRESS3",
    "TOWN",
    "PCODE",
    "TELNUM",
    "PCON_CODE",
    "PCON_NAME",
    "URN_AC",
    "SCHNAME_AC",
    "OPEN_AC",
    "NFTYPE",
    "ICLOSE",
    "RELDENOM",
    "AGERANGE",
    "TAB15",
    "TAB1618",
    "TOTPUPS",
    "TPUPYEAR",
    "TELIG",
    "BELIG",
    "GELIG",
    "PBELIG",
    "PGELIG",
]
MEASURES = [
    "TKS1GROUP_L",
    "PTKS1GROUP_L",
    "TKS1GROUP_M",
    "PTKS1GROUP_M",
    "TKS1GROUP_H",
    "PTKS1GROUP_H",
    "TFSM6CLA1A",
    "PTFSM6CLA1A",
    "TNOTFSM6CLA1A",
    "PTNOTFSM6CLA1A",
    "TEALGRP2",
    "PTEALGRP2",
    "TMOBN",
    "PTMOBN",
    "PTRWM_EXP",
    "PTRWM_HIGH",
    "READPROG",
    "READPROG_LOWER",
    "READPROG_UPPER",
    "READCOV",
    "WRITPROG",
    "WRITPROG_LOWER",
    "WRITPROG_UPPER",
    "WRITCOV",
    "MATPROG",
    "MATPROG_LOWER",
    "MATPROG_UPPER",
    "MATCOV",
    "PTREAD_EXP",
    "READ_AVERAGE",
    "PTGPS_EXP",
    "GPS_AVERAGE",
    "PTMAT_EXP",
    "MAT_AVERAGE",
    "PTWRITTA_EXP",
    "PTRWM_EXP_B",
    "PTRWM_EXP_G",
    "PTRWM_EXP_L",
    "PTRWM_EXP_M",
    "PTRWM_EXP_H",
    "PTRWM_EXP_FSM6CLA1A",
    "PTRWM_EXP_NotFSM6CLA1A",
    "DIFFN_RWM_EXP",
    "PTRWM_EXP_EAL",
    "PTRWM_EXP_MOBN",
    "PTRWM_HIGH_FSM6CLA1A",
    "PTRWM_HIGH_NotFSM6CLA1A",
    "DIFFN_RWM_HIGH",
    "READPROG_DESCR",
    "WRITPROG_DESCR",
    "MATPROG_DESCR",
]
SUBJECTS = (("READ", "read"), ("WRIT", "writ"), ("MAT", "mat"))
PROGRESS_COLUMNS = (
    [f"{s}PROG{suffix}" for s, _ in SUBJECTS for suffix in ("", "_LOWER", "_UPPER")]
    + [f"{s}COV" for s, _ in SUBJECTS]
    + [f"{s}PROG_DESCR" for s, _ in SUBJECTS]
)
SUPPRESS_AT = 5  # DfE suppresses measures covering 5 or fewer pupils
# pupil group -> (cohort column, cohort % column, RWM expected % column); boys' and girls' cohorts are BELIG/GELIG
GROUP_COLUMNS = {
    "boys": (None, None, "PTRWM_EXP_B"),
    "girls": (None, None, "PTRWM_EXP_G"),
    "eal": ("TEALGRP2", "PTEALGRP2", "PTRWM_EXP_EAL"),
    "non_mobile": ("TMOBN", "PTMOBN", "PTRWM_EXP_MOBN"),
    "prior_low": ("TKS1GROUP_L", "PTKS1GROUP_L", "PTRWM_EXP_L"),
    "prior_middle": ("TKS1GROUP_M", "PTKS1GROUP_M", "PTRWM_EXP_M"),
    "prior_high": ("TKS1GROUP_H", "PTKS1GROUP_H", "PTRWM_EXP_H"),
}


def header(year: str) -> list[str]:
    names = LEADING + MEASURES
    if year <= "2021-22":  # older files spell the not-disadvantaged cohort columns in mixed case
        rename = {"TNOTFSM6CLA1A": "TNotFSM6CLA1A", "PTNOTFSM6CLA1A": "PTNotFSM6CLA1A"}
        names = [rename.get(n, n) for n in names]
    return names


@dataclass
class Totals:
    """Pupil counts summed over schools: the only way DfE builds LA and national rows."""

    totpups: int = 0
    telig: int = 0
    boys: int = 0
    tfsm: int = 0
    exp_fsm: int = 0
    exp_other: int = 0
    high_fsm: int = 0
    high_other: int = 0
    read_exp: int = 0
    writ_exp: int = 0
    mat_exp: int = 0
    gps_exp: int = 0
    score_sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    score_pupils: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    progress_sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    progress_pupils: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    groups: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, r: KS2Result) -> None:
        if r.new:
            return
        for group, (pupils, expected) in r.groups.items():
            self.groups[group][0] += pupils
            self.groups[group][1] += expected
        self.totpups += r.totpups
        self.telig += r.telig
        self.boys += r.boys
        self.tfsm += r.tfsm
        self.exp_fsm += r.exp_fsm
        self.exp_other += r.exp_other
        self.high_fsm += r.high_fsm
        self.high_other += r.high_other
        self.read_exp += r.read_exp
        self.writ_exp += r.writ_exp
        self.mat_exp += r.mat_exp
        self.gps_exp += r.gps_exp
        for key, value in (("read", r.read_avg), ("gps", r.gps_avg), ("mat", r.mat_avg)):
            if value is not None:
                self.score_sums[key] += value * r.telig
                self.score_pupils[key] += r.telig
        for key in ("read", "writ", "mat"):
            progress: Progress | None = getattr(r, key)
            if progress is not None:
                self.progress_sums[key] += progress.score * progress.pupils
                self.progress_pupils[key] += progress.pupils

    @property
    def tnotfsm(self) -> int:
        return self.telig - self.tfsm

    def other_pct(self) -> int:
        return pct_int(self.exp_other, self.tnotfsm)

    def other_high_pct(self) -> int:
        return pct_int(self.high_other, self.tnotfsm)


def _descr(score: float, half: float) -> str:
    """Progress band: 1 well above, 2 above, 3 average, 4 below, 5 well below average."""
    lower, upper = score - half, score + half
    if lower > 0:
        return "1" if score >= 3.5 else "2"
    if upper < 0:
        return "5" if score <= -3.5 else "4"
    return "3"


def _progress_cells(
    values: dict[str, str], year: str, progress: dict[str, tuple[float, int]], eligible: int, school_row: bool
) -> None:
    for prefix, key in SUBJECTS:
        cols = [f"{prefix}PROG", f"{prefix}PROG_LOWER", f"{prefix}PROG_UPPER"]
        if year not in KS2_PROGRESS_YEARS:
            for col in [*cols, f"{prefix}COV", f"{prefix}PROG_DESCR"]:
                values[col] = "NA"  # no KS1 baseline for this cohort: not applicable this year
            continue
        score, pupils = progress[key]
        if pupils == 0:
            for col in [*cols, f"{prefix}COV", f"{prefix}PROG_DESCR"]:
                values[col] = BLANK
            continue
        coverage = pupils / eligible if eligible else 0.0
        values[f"{prefix}COV"] = fmt_pct(pupils, eligible)
        if school_row and pupils <= SUPPRESS_AT:
            for col in [*cols, f"{prefix}PROG_DESCR"]:
                values[col] = "SUPP"
            continue
        if school_row and coverage < 0.5:
            for col in [*cols, f"{prefix}PROG_DESCR"]:
                values[col] = "LOWCOV"
            continue
        half = 1.96 * KS2_PROGRESS_SD[key] / math.sqrt(pupils)
        values[cols[0]] = fmt_num(score, 1)
        values[cols[1]] = fmt_num(score - half, 1)
        values[cols[2]] = fmt_num(score + half, 1)
        values[f"{prefix}PROG_DESCR"] = _descr(score, half)


def _breakdown(
    values: dict[str, str],
    measure: str,
    n_fsm: int,
    n_other: int,
    k_fsm: int,
    k_other: int,
    national_other: int,
) -> None:
    """Disadvantaged / other split with DfE's complementary suppression."""
    fsm_col, other_col, diff_col = (
        f"{measure}_FSM6CLA1A",
        f"{measure}_NotFSM6CLA1A",
        ("DIFFN_RWM_EXP" if measure == "PTRWM_EXP" else "DIFFN_RWM_HIGH"),
    )
    if n_fsm == 0 or n_other == 0:  # the empty group is blank, the other would reveal the whole cohort
        values[fsm_col] = "" if n_fsm == 0 else "SUPP"
        values[other_col] = "" if n_other == 0 else "SUPP"
        values[diff_col] = "" if n_fsm == 0 else "SUPP"
    elif n_fsm <= SUPPRESS_AT or n_other <= SUPPRESS_AT:
        values[fsm_col] = values[other_col] = values[diff_col] = "SUPP"
    else:
        fsm_pct = pct_int(k_fsm, n_fsm)
        values[fsm_col] = f"{fsm_pct}%"
        values[other_col] = fmt_pct(k_other, n_other)
        values[diff_col] = str(fsm_pct - national_other)


def _group_cells(values: dict[str, str], t: Totals) -> None:
    """Each group's cohort and RWM expected %: blank for an empty group, SUPP for 5 or fewer pupils, NA for the
    prior-attainment bands of a cohort without a KS1 baseline."""
    for group, (count_col, share_col, rwm_col) in GROUP_COLUMNS.items():
        cells = [c for c in (count_col, share_col, rwm_col) if c]
        if group not in t.groups:
            values.update(dict.fromkeys(cells, "NA"))
            continue
        pupils, expected = t.groups[group]
        if count_col:
            values[count_col] = str(pupils)
            values[share_col] = fmt_pct(pupils, t.telig)
        values[rwm_col] = "" if pupils == 0 else ("SUPP" if pupils <= SUPPRESS_AT else fmt_pct(expected, pupils))


def _measures(values: dict[str, str], t: Totals, year: str, national: Totals, school_row: bool) -> None:
    values.update(
        {
            "TOTPUPS": str(t.totpups),
            "TELIG": str(t.telig),
            "BELIG": str(t.boys),
            "GELIG": str(t.telig - t.boys),
            "PBELIG": fmt_pct(t.boys, t.telig),
            "PGELIG": fmt_pct(t.telig - t.boys, t.telig),
            "TFSM6CLA1A": str(t.tfsm),
            "PTFSM6CLA1A": fmt_pct(t.tfsm, t.telig),
            "TNOTFSM6CLA1A": str(t.tnotfsm),
            "PTNOTFSM6CLA1A": fmt_pct(t.tnotfsm, t.telig),
            "PTRWM_EXP": fmt_pct(t.exp_fsm + t.exp_other, t.telig),
            "PTRWM_HIGH": fmt_pct(t.high_fsm + t.high_other, t.telig),
            "PTREAD_EXP": fmt_pct(t.read_exp, t.telig),
            "PTGPS_EXP": fmt_pct(t.gps_exp, t.telig),
            "PTMAT_EXP": fmt_pct(t.mat_exp, t.telig),
            "PTWRITTA_EXP": fmt_pct(t.writ_exp, t.telig),
        }
    )
    for col, key in (("READ_AVERAGE", "read"), ("GPS_AVERAGE", "gps"), ("MAT_AVERAGE", "mat")):
        n = t.score_pupils.get(key, 0)
        values[col] = fmt_num(t.score_sums[key] / n, 0) if n else ""
    _group_cells(values, t)
    _breakdown(values, "PTRWM_EXP", t.tfsm, t.tnotfsm, t.exp_fsm, t.exp_other, national.other_pct())
    _breakdown(values, "PTRWM_HIGH", t.tfsm, t.tnotfsm, t.high_fsm, t.high_other, national.other_high_pct())
    progress = {
        k: (t.progress_sums[k] / t.progress_pupils[k] if t.progress_pupils[k] else 0.0, t.progress_pupils[k])
        for k in ("read", "writ", "mat")
    }
    _progress_cells(values, year, progress, t.telig, school_row)


def _school_values(school: School, result: KS2Result, year: str, national: Totals, world: World) -> dict[str, str]:
    successor = world.school(school.successor_urn) if school.successor_urn else None
    values = {
        "RECTYPE": "2" if school.is_special else "1",
        "LEA": str(school.la_code),
        "ESTAB": str(school.establishment_number),
        "URN": str(school.urn),
        "SCHNAME": school.name,
        "ADDRESS1": school.street,
        "ADDRESS2": "",
        "ADDRESS3": "",
        "TOWN": school.town,
        "PCODE": school.postcode,
        "TELNUM": f"01632{960000 + school.urn % 1000:06d}",  # Ofcom drama range
        "PCON_CODE": f"E1499{school.la_code:04d}",
        "PCON_NAME": f"{school.town} and {school.la_name}",
        "URN_AC": str(successor.urn) if successor else "0",
        "SCHNAME_AC": successor.name if successor else "",
        "OPEN_AC": successor.open_date.strftime("%Y%m%d") if successor and successor.open_date else "",
        "NFTYPE": school.nftype,
        "ICLOSE": "1" if school.closed else "0",
        "RELDENOM": school.religious_character,
        "AGERANGE": f"{school.low_age}-{school.high_age}",
        "TAB15": "0",
        "TAB1618": "1" if school.high_age >= 18 else "0",
    }
    if result.new:
        values["TOTPUPS"] = "NEW"  # new school: no eligible pupils, every measure blank
        return values
    t = Totals()
    t.add(result)
    values["TPUPYEAR"] = str(result.telig + (result.telig // 12))
    _measures(values, t, year, national, school_row=True)
    if result.telig <= SUPPRESS_AT:  # whole cohort too small: only the cohort size is published
        for col in MEASURES + ["BELIG", "GELIG", "PBELIG", "PGELIG"]:
            if values.get(col) != "NA":  # a measure that does not exist this year stays NA
                values[col] = "SUPP"
    return values


def _aggregate_values(
    rectype: str, lea: str, name: str, t: Totals, year: str, national: Totals, with_progress: bool
) -> dict[str, str]:
    values = {"RECTYPE": rectype, "LEA": lea, "SCHNAME": name, "TPUPYEAR": str(t.telig + t.telig // 12)}
    _measures(values, t, year, national, school_row=False)
    if not with_progress:  # national progress is zero by construction; DfE leaves it blank
        for col in PROGRESS_COLUMNS:
            values[col] = BLANK
    return values


def rows(world: World, results: Results, year: str) -> Iterable[list[str]]:
    year_results = {urn: r for (y, urn), r in results.ks2.items() if y == year}
    national_state, national_all = Totals(), Totals()
    by_la: dict[int, Totals] = defaultdict(Totals)
    for urn, result in year_results.items():
        school = world.school(urn)
        national_all.add(result)
        if not result.independent:
            national_state.add(result)
            by_la[school.la_code].add(result)
    alpha = {
        urn: str((rank + 1) * 10)
        for rank, urn in enumerate(
            sorted(
                (u for u, r in year_results.items() if not r.independent),
                key=lambda u: (world.school(u).name, u),
            )
        )
    }

    def project(values: dict[str, str], default: str) -> list[str]:
        return [values.get(c, default) for c in LEADING + MEASURES]

    schools_by_la: dict[int, list[School]] = defaultdict(list)
    for urn, result in year_results.items():
        if not result.independent:
            school = world.school(urn)
            schools_by_la[school.la_code].append(school)
    for la in world.las:
        for school in sorted(schools_by_la[la.code], key=lambda s: (s.is_special, s.establishment_number)):
            values = _school_values(school, year_results[school.urn], year, national_state, world)
            values["ALPHAIND"] = alpha[school.urn]
            yield project(values, "")
        yield project(_aggregate_values("3", str(la.code), la.name, by_la[la.code], year, national_state, True), BLANK)
    yield project(_aggregate_values("4", BLANK, BLANK, national_all, year, national_state, False), BLANK)
    yield project(_aggregate_values("5", BLANK, BLANK, national_state, year, national_state, False), BLANK)
