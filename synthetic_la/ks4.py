"""KS4 school-level performance tables (england_ks4final.csv / england_ks4revised.csv).

KS4 RECTYPE differs from KS2: 1 mainstream, 2 special, 4 LA, 5 national (all schools), 7 national
(state-funded). Independent (IND, INDSPEC) and non-maintained special (NMSS) schools have school rows and
count in RECTYPE 5 only; LA rows (4) and RECTYPE 7 are summed over state-funded schools. Independent
schools have no Progress 8 or disadvantaged measures ('NP'); NMSS have P8 but no disadvantaged split.
Non-disadvantaged suffix is _NFSM6CLA1A (cohort columns TNOTFSM6CLA1A), as in the real files.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .outcomes import P8_SD, KS4Result, Results
from .world import School, World
from .writers import BLANK, fmt_num, fmt_pct

LEADING = [
    "RECTYPE",
    "LEA",
    "ESTAB",
    "URN",
    "SCHNAME",
    "SCHNAME_AC",
    "ADDRESS1",
    "ADDRESS2",
    "ADDRESS3",
    "TOWN",
    "PCODE",
    "TELNUM",
    "PCON_CODE",
    "PCON_NAME",
    "CONTFLAG",
    "ICLOSE",
    "NFTYPE",
    "RELDENOM",
    "ADMPOL",
    "ADMPOL_PT",
    "EGENDER",
    "FEEDER",
    "TABKS2",
    "TAB1618",
    "AGERANGE",
    "TOTPUPS",
    "NUMBOYS",
    "NUMGIRLS",
    "TPUP",
    "BPUP",
    "PBPUP",
    "GPUP",
    "PGPUP",
]
MEASURES = [
    "TPRIORLO",
    "PTPRIORLO",
    "TPRIORAV",
    "PTPRIORAV",
    "TPRIORHI",
    "PTPRIORHI",
    "TFSM6CLA1A",
    "PTFSM6CLA1A",
    "TNOTFSM6CLA1A",
    "PTNOTFSM6CLA1A",
    "TEALGRP2",
    "PTEALGRP2",
    "TNMOB",
    "PTNMOB",
    "TOTATT8",
    "ATT8SCR",
    "ATT8SCRENG",
    "ATT8SCRMAT",
    "P8PUP",
    "P8MEACOV",
    "P8MEA",
    "P8CILOW",
    "P8CIUPP",
    "PTL2BASICS_94",
    "PTL2BASICS_95",
    "TOTEBACCAPS",
    "EBACCAPS",
    "EBACCAPS_FSM6CLA1A",
    "EBACCAPS_NFSM6CLA1A",
    "TEBACC_E_PTQ_EE",
    "PTEBACC_E_PTQ_EE",
    "ATT8SCR_FSM6CLA1A",
    "P8PUP_FSM6CLA1A",
    "P8MEA_FSM6CLA1A",
    "ATT8SCR_NFSM6CLA1A",
    "P8PUP_NFSM6CLA1A",
    "P8MEA_NFSM6CLA1A",
    "ATT8SCR_LO",
    "P8MEA_LO",
    "ATT8SCR_AV",
    "P8MEA_AV",
    "ATT8SCR_HI",
    "P8MEA_HI",
    "ATT8SCR_EAL",
    "P8MEA_EAL",
    "ATT8SCR_GIRLS",
    "P8MEA_GIRLS",
    "ATT8SCR_BOYS",
    "P8MEA_BOYS",
    "ATT8SCR_NMOB",
    "P8MEA_NMOB",
    "DIFFN_ATT8",
    "DIFFN_P8MEA",
    "P8_BANDING",
]
# pupil group -> (cohort column, cohort % column, Attainment 8 column, Progress 8 column); BPUP/GPUP are the sexes'
GROUP_COLUMNS = {
    "prior_low": ("TPRIORLO", "PTPRIORLO", "ATT8SCR_LO", "P8MEA_LO"),
    "prior_middle": ("TPRIORAV", "PTPRIORAV", "ATT8SCR_AV", "P8MEA_AV"),
    "prior_high": ("TPRIORHI", "PTPRIORHI", "ATT8SCR_HI", "P8MEA_HI"),
    "eal": ("TEALGRP2", "PTEALGRP2", "ATT8SCR_EAL", "P8MEA_EAL"),
    "girls": (None, None, "ATT8SCR_GIRLS", "P8MEA_GIRLS"),
    "boys": (None, None, "ATT8SCR_BOYS", "P8MEA_BOYS"),
    "non_mobile": ("TNMOB", "PTNMOB", "ATT8SCR_NMOB", "P8MEA_NMOB"),
}
# Only state-funded schools' pupil groups are published (independent and non-maintained special schools: NP).
GROUPS = [c for columns in GROUP_COLUMNS.values() for c in columns if c]
GROUP_PROGRESS = [columns[3] for columns in GROUP_COLUMNS.values()]
COHORT_SPLIT = ["TFSM6CLA1A", "PTFSM6CLA1A", "TNOTFSM6CLA1A", "PTNOTFSM6CLA1A"]
DISADVANTAGED = [
    "EBACCAPS_FSM6CLA1A",
    "EBACCAPS_NFSM6CLA1A",
    "ATT8SCR_FSM6CLA1A",
    "P8PUP_FSM6CLA1A",
    "P8MEA_FSM6CLA1A",
    "ATT8SCR_NFSM6CLA1A",
    "P8PUP_NFSM6CLA1A",
    "P8MEA_NFSM6CLA1A",
    "DIFFN_ATT8",
    "DIFFN_P8MEA",
]
PROGRESS = ["P8PUP", "P8MEACOV", "P8MEA", "P8CILOW", "P8CIUPP", "P8_BANDING"]
ENTRIES = [
    "PTL2BASICS_94",
    "PTL2BASICS_95",
    "TOTEBACCAPS",
    "EBACCAPS",
    "EBACCAPS_FSM6CLA1A",
    "EBACCAPS_NFSM6CLA1A",
    "TEBACC_E_PTQ_EE",
    "PTEBACC_E_PTQ_EE",
]
SUPPRESS_AT = 5


def header(year: str) -> list[str]:
    return LEADING + MEASURES


@dataclass
class Totals:
    totpups: int = 0
    boys_roll: int = 0
    tpup: int = 0
    boys: int = 0
    tfsm: int = 0
    att8_fsm_sum: float = 0.0
    att8_other_sum: float = 0.0
    p8_fsm_sum: float = 0.0
    p8_other_sum: float = 0.0
    p8_fsm_pupils: int = 0
    p8_other_pupils: int = 0
    basics95: int = 0
    basics94: int = 0
    entered: int = 0
    ebacc_fsm_sum: float = 0.0
    ebacc_other_sum: float = 0.0
    groups: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0.0, 0, 0.0]))

    def add(self, r: KS4Result) -> None:
        for group, sums in r.groups.items():
            for position, value in enumerate(sums):
                self.groups[group][position] += value
        self.totpups += r.totpups
        self.boys_roll += r.boys_roll
        self.tpup += r.tpup
        self.boys += r.boys
        self.tfsm += r.tfsm
        self.att8_fsm_sum += r.att8_fsm * r.tfsm
        self.att8_other_sum += r.att8_other * r.tnotfsm
        self.p8_fsm_sum += r.p8_fsm * r.p8_fsm_pupils
        self.p8_other_sum += r.p8_other * r.p8_other_pupils
        self.p8_fsm_pupils += r.p8_fsm_pupils
        self.p8_other_pupils += r.p8_other_pupils
        self.basics95 += r.basics95
        self.basics94 += r.basics94
        self.entered += r.ebacc_entered
        self.ebacc_fsm_sum += r.ebaccaps_fsm * r.tfsm
        self.ebacc_other_sum += r.ebaccaps_other * r.tnotfsm

    @property
    def tnotfsm(self) -> int:
        return self.tpup - self.tfsm

    @property
    def p8_pupils(self) -> int:
        return self.p8_fsm_pupils + self.p8_other_pupils

    def att8(self) -> float:
        return (self.att8_fsm_sum + self.att8_other_sum) / self.tpup

    def att8_other(self) -> float:
        return self.att8_other_sum / self.tnotfsm

    def p8(self) -> float:
        return (self.p8_fsm_sum + self.p8_other_sum) / self.p8_pupils

    def p8_other(self) -> float:
        return self.p8_other_sum / self.p8_other_pupils


def _banding(score: float, half: float) -> str:
    """P8 banding: 1 well above, 2 above, 3 average, 4 below, 5 well below average."""
    if score - half > 0:
        return "1" if score >= 0.5 else "2"
    if score + half < 0:
        return "5" if score <= -0.5 else "4"
    return "3"


def _group_cells(values: dict[str, str], t: Totals) -> None:
    """Each group's cohort, Attainment 8 and Progress 8 (SUPP for 5 or fewer pupils), and the English and maths
    elements of Attainment 8."""
    for group, (count_col, share_col, att8_col, p8_col) in GROUP_COLUMNS.items():
        pupils, att8_sum, p8_pupils, p8_sum = t.groups.get(group, (0, 0.0, 0, 0.0))
        if count_col:
            values[count_col] = str(pupils)
            values[share_col] = fmt_pct(pupils, t.tpup)
        values[att8_col] = "" if pupils == 0 else ("SUPP" if pupils <= SUPPRESS_AT else fmt_num(att8_sum / pupils, 1))
        values[p8_col] = (
            "" if p8_pupils == 0 else ("SUPP" if p8_pupils <= SUPPRESS_AT else fmt_num(p8_sum / p8_pupils, 2))
        )
    for element, column in (("english", "ATT8SCRENG"), ("maths", "ATT8SCRMAT")):
        pupils, total, _, _ = t.groups.get(element, (0, 0.0, 0, 0.0))
        values[column] = fmt_num(total / pupils, 1) if pupils else ""


def _measures(values: dict[str, str], t: Totals, national: Totals) -> None:
    _group_cells(values, t)
    att8 = t.att8()
    values.update(
        {
            "TOTPUPS": str(t.totpups),
            "NUMBOYS": str(t.boys_roll),
            "NUMGIRLS": str(t.totpups - t.boys_roll),
            "TPUP": str(t.tpup),
            "BPUP": str(t.boys),
            "PBPUP": fmt_pct(t.boys, t.tpup),
            "GPUP": str(t.tpup - t.boys),
            "PGPUP": fmt_pct(t.tpup - t.boys, t.tpup),
            "TFSM6CLA1A": str(t.tfsm),
            "PTFSM6CLA1A": fmt_pct(t.tfsm, t.tpup),
            "TNOTFSM6CLA1A": str(t.tnotfsm),
            "PTNOTFSM6CLA1A": fmt_pct(t.tnotfsm, t.tpup),
            "TOTATT8": fmt_num(att8 * t.tpup, 1),
            "ATT8SCR": fmt_num(att8, 1),
            "PTL2BASICS_94": fmt_pct(t.basics94, t.tpup),
            "PTL2BASICS_95": fmt_pct(t.basics95, t.tpup),
            "TOTEBACCAPS": fmt_num(t.ebacc_fsm_sum + t.ebacc_other_sum, 1),
            "EBACCAPS": fmt_num((t.ebacc_fsm_sum + t.ebacc_other_sum) / t.tpup, 2),
            "TEBACC_E_PTQ_EE": str(t.entered),
            "PTEBACC_E_PTQ_EE": fmt_pct(t.entered, t.tpup),
        }
    )
    m = t.p8_pupils
    if m:
        p8, half = t.p8(), 1.96 * P8_SD / math.sqrt(m)
        values.update(
            {
                "P8PUP": str(m),
                "P8MEACOV": fmt_pct(m, t.tpup),
                "P8MEA": fmt_num(p8, 2),
                "P8CILOW": fmt_num(p8 - half, 2),
                "P8CIUPP": fmt_num(p8 + half, 2),
                "P8_BANDING": _banding(p8, half),
            }
        )
    nat_att8_other = float(fmt_num(national.att8_other(), 1))
    nat_p8_other = float(fmt_num(national.p8_other(), 2))
    if t.tfsm == 0 or t.tnotfsm == 0:
        empty_fsm = t.tfsm == 0
        for col in DISADVANTAGED:
            fsm_side = "_FSM6CLA1A" in col or col.startswith("DIFFN")
            values[col] = "" if fsm_side == empty_fsm else "SUPP"
        return
    if t.tfsm <= SUPPRESS_AT or t.tnotfsm <= SUPPRESS_AT:
        for col in DISADVANTAGED:
            values[col] = "SUPP"
        return
    att8_fsm = t.att8_fsm_sum / t.tfsm
    values.update(
        {
            "EBACCAPS_FSM6CLA1A": fmt_num(t.ebacc_fsm_sum / t.tfsm, 2),
            "EBACCAPS_NFSM6CLA1A": fmt_num(t.ebacc_other_sum / t.tnotfsm, 2),
            "ATT8SCR_FSM6CLA1A": fmt_num(att8_fsm, 1),
            "ATT8SCR_NFSM6CLA1A": fmt_num(t.att8_other(), 1),
            "DIFFN_ATT8": fmt_num(float(fmt_num(att8_fsm, 1)) - nat_att8_other, 1),
            "P8PUP_FSM6CLA1A": str(t.p8_fsm_pupils),
            "P8PUP_NFSM6CLA1A": str(t.p8_other_pupils),
        }
    )
    if t.p8_fsm_pupils > SUPPRESS_AT and t.p8_other_pupils > SUPPRESS_AT:
        p8_fsm = t.p8_fsm_sum / t.p8_fsm_pupils
        values["P8MEA_FSM6CLA1A"] = fmt_num(p8_fsm, 2)
        values["P8MEA_NFSM6CLA1A"] = fmt_num(t.p8_other(), 2)
        values["DIFFN_P8MEA"] = fmt_num(float(fmt_num(p8_fsm, 2)) - nat_p8_other, 2)
    else:
        for col in ("P8MEA_FSM6CLA1A", "P8MEA_NFSM6CLA1A", "DIFFN_P8MEA"):
            values[col] = "SUPP"


def _school_values(school: School, r: KS4Result, national: Totals, world: World) -> dict[str, str]:
    successor = world.school(school.successor_urn) if school.successor_urn else None
    selective = "NSE" if school.is_state_funded else ""
    values = {
        "RECTYPE": "2" if school.is_special else "1",
        "LEA": str(school.la_code),
        "ESTAB": str(school.establishment_number),
        "URN": str(school.urn),
        "SCHNAME": school.name,
        "SCHNAME_AC": successor.name if successor else "",
        "ADDRESS1": school.street,
        "ADDRESS2": "",
        "ADDRESS3": "",
        "TOWN": school.town,
        "PCODE": school.postcode,
        "TELNUM": f"01632{960000 + school.urn % 1000:06d}",
        "PCON_CODE": f"E1499{school.la_code:04d}",
        "PCON_NAME": f"{school.town} and {school.la_name}",
        "CONTFLAG": "0",
        "ICLOSE": "1" if school.closed else "0",
        "NFTYPE": school.nftype,
        "RELDENOM": school.religious_character,
        "ADMPOL": selective if not school.is_special else "NA",
        "ADMPOL_PT": "OTHER NON SEL" if school.is_state_funded and not school.is_special else "NA",
        "EGENDER": school.gender.upper(),
        "FEEDER": "0",
        "TABKS2": "1" if school.low_age <= 7 else "0",
        "TAB1618": "1" if school.high_age >= 18 else "0",
        "AGERANGE": f"{school.low_age}-{school.high_age}",
    }
    t = Totals()
    t.add(r)
    _measures(values, t, national)
    if r.p8_pupils and r.p8_pupils / r.tpup < 0.5:
        for col in ("P8MEA", "P8CILOW", "P8CIUPP", "P8_BANDING"):
            values[col] = "LOWCOV"
    elif r.p8_pupils <= SUPPRESS_AT:
        for col in ("P8MEA", "P8CILOW", "P8CIUPP", "P8_BANDING"):
            values[col] = "SUPP"
    if r.no_entries:
        for col in ENTRIES:
            values[col] = "NE"
    if r.kind == "independent":
        for col in COHORT_SPLIT + DISADVANTAGED + PROGRESS + GROUPS:
            values[col] = "NP"
    elif r.kind == "nmss":
        for col in COHORT_SPLIT + DISADVANTAGED + GROUPS:
            values[col] = "NP"
    if r.tpup <= SUPPRESS_AT:  # whole cohort too small: only the cohort size is published
        for col in MEASURES + ["BPUP", "PBPUP", "GPUP", "PGPUP"]:
            if values.get(col) not in ("NP", "NE"):  # not published at all beats suppressed
                values[col] = "SUPP"
    return values


def rows(world: World, results: Results, year: str) -> Iterable[list[str]]:
    year_results = {urn: r for (y, urn), r in results.ks4.items() if y == year}
    national_all, national_state = Totals(), Totals()
    by_la: dict[int, Totals] = defaultdict(Totals)
    for urn, r in year_results.items():
        national_all.add(r)
        if r.kind == "state":
            national_state.add(r)
            by_la[world.school(urn).la_code].add(r)
    columns = LEADING + MEASURES

    def project(values: dict[str, str], default: str) -> list[str]:
        return [values.get(c, default) for c in columns]

    urns_by_la: dict[int, list[School]] = defaultdict(list)
    for urn in year_results:
        school = world.school(urn)
        urns_by_la[school.la_code].append(school)
    for la in world.las:
        for school in sorted(urns_by_la[la.code], key=lambda s: (s.is_special, s.establishment_number)):
            yield project(_school_values(school, year_results[school.urn], national_state, world), "")
        if by_la[la.code].tpup:
            values = {"RECTYPE": "4", "LEA": str(la.code)}
            _measures(values, by_la[la.code], national_state)
            yield project(values, BLANK)
    all_values = {"RECTYPE": "5"}
    _measures(all_values, national_all, national_state)
    for col in COHORT_SPLIT + DISADVANTAGED + PROGRESS + GROUPS:
        all_values[col] = BLANK  # independent schools have no FSM, prior-attainment or pupil-group data
    yield project(all_values, BLANK)
    state_values = {"RECTYPE": "7"}
    _measures(state_values, national_state, national_state)
    for col in ("P8CILOW", "P8CIUPP", "P8_BANDING", "DIFFN_ATT8", "DIFFN_P8MEA"):
        state_values[col] = BLANK
    yield project(state_values, BLANK)
