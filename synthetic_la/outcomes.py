"""Pupil-level truth per school and year, kept as integer counts and unrounded means.

The performance-table writers round and suppress these; LA and national rows are summed from the same
counts, so they are pupil-weighted exactly as DfE computes them. Results are keyed by (academic_year, urn):
a converted school's results sit under the predecessor URN before conversion and the successor after,
but both draw on the same site's random stream, so the school's trajectory carries across the chain.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

from .world import RESULT_YEARS, School, World, stream

# Published national figures the simulation is calibrated to (state-funded, England).
KS2_BASE_LOGIT = {  # (other, disadvantaged) intercepts for % meeting expected standard in RWM
    "2021-22": (0.73, -0.10),
    "2022-23": (0.77, -0.10),
    "2023-24": (0.82, -0.02),
    "2024-25": (0.84, 0.0),
}
KS4_ATT8_BASE = {"2021-22": (53.4, 39.0), "2022-23": (50.9, 36.5), "2023-24": (50.6, 36.1), "2024-25": (50.9, 36.3)}
KS4_FSM_FACTOR = 0.85  # secondary cohorts are less often disadvantaged than primary ones (27% v 31%)
KS2_PROGRESS_SD = {
    "read": 6.0,
    "writ": 5.6,
    "mat": 5.3,
}  # pupil-level SD: CI half-width = 1.96 * SD / sqrt(n)
P8_SD = 1.26
KS2_PROGRESS_YEARS = (
    "2021-22",
    "2022-23",
)  # no KS1 baseline for the 2024 cohort (2020 assessments cancelled)


def test_day(year: str, key_stage: int) -> date:
    end_year = int(year[:4]) + 1
    return date(end_year, 5, 15) if key_stage == 2 else date(end_year, 6, 15)


@dataclass(frozen=True)
class Progress:
    score: float  # unrounded school progress score
    pupils: int  # pupils with a progress score (coverage numerator)

    def half_width(self, sd: float) -> float:
        return 1.96 * sd / math.sqrt(self.pupils)


@dataclass(frozen=True)
class KS2Result:
    year: str
    urn: int
    totpups: int
    new: bool
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
    read_avg: float | None = None  # None: no pupil sat the test at the expected level (special schools)
    gps_avg: float | None = None
    mat_avg: float | None = None
    read: Progress | None = None  # None: no progress measure this year
    writ: Progress | None = None
    mat: Progress | None = None
    independent: bool = False  # counted in the national all-schools row only
    # pupil group -> (pupils, pupils meeting the expected standard in RWM); prior-attainment bands only in the years
    # with a KS1 baseline. The groups split the cohort's own counts, so they add up to the school's figures.
    groups: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def tnotfsm(self) -> int:
        return self.telig - self.tfsm

    @property
    def exp(self) -> int:
        return self.exp_fsm + self.exp_other

    @property
    def high(self) -> int:
        return self.high_fsm + self.high_other


@dataclass(frozen=True)
class KS4Result:
    year: str
    urn: int
    totpups: int
    tpup: int
    boys_roll: int
    boys: int
    tfsm: int
    att8_fsm: float
    att8_other: float
    p8_fsm_pupils: int
    p8_other_pupils: int
    p8_fsm: float
    p8_other: float
    basics95_fsm: int
    basics95_other: int
    basics94_fsm: int
    basics94_other: int
    ebacc_entered: int
    ebaccaps_fsm: float
    ebaccaps_other: float
    kind: str = "state"  # 'state' | 'independent' | 'nmss'
    no_entries: bool = False  # no pupil entered EBacc / English and maths GCSEs ('NE')
    # pupil group -> (pupils, sum of Attainment 8 scores, pupils with a Progress 8 score, sum of their scores);
    # 'english' / 'maths' -> (pupils, sum of the element's scores, 0, 0). The groups add up to the school's figures.
    groups: Mapping[str, tuple[int, float, int, float]] = field(default_factory=dict)

    @property
    def tnotfsm(self) -> int:
        return self.tpup - self.tfsm

    @property
    def att8(self) -> float:
        return (self.att8_fsm * self.tfsm + self.att8_other * self.tnotfsm) / self.tpup

    @property
    def p8_pupils(self) -> int:
        return self.p8_fsm_pupils + self.p8_other_pupils

    @property
    def p8(self) -> float:
        return (self.p8_fsm * self.p8_fsm_pupils + self.p8_other * self.p8_other_pupils) / self.p8_pupils

    @property
    def ebaccaps(self) -> float:
        return (self.ebaccaps_fsm * self.tfsm + self.ebaccaps_other * self.tnotfsm) / self.tpup

    @property
    def basics95(self) -> int:
        return self.basics95_fsm + self.basics95_other

    @property
    def basics94(self) -> int:
        return self.basics94_fsm + self.basics94_other


@dataclass(frozen=True)
class Results:
    ks2: dict[tuple[str, int], KS2Result]
    ks4: dict[tuple[str, int], KS4Result]


def binomial(rng: random.Random, n: int, p: float) -> int:
    p = min(max(p, 0.0), 1.0)
    if n <= 0:
        return 0
    if n < 60:
        return sum(1 for _ in range(n) if rng.random() < p)
    k = round(n * p + math.sqrt(n * p * (1 - p)) * rng.gauss(0, 1))
    return min(max(k, 0), n)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _cohort(rng: random.Random, base: int) -> int:
    if base <= 12:
        return max(1, base + rng.randint(-2, 2))
    return max(1, round(base * rng.uniform(0.9, 1.1)))


def _year_index(year: str) -> int:
    return RESULT_YEARS.index(year)


def _ks2(seed: int, school: School, year: str) -> KS2Result:
    rng = stream(seed, "ks2", school.site_id, year)
    totpups = round(school.number_of_pupils * rng.uniform(0.96, 1.04))
    if school.new_school and school.open_date is not None and school.open_date.year == int(year[:4]):
        return KS2Result(year, school.urn, totpups, new=True)
    n = _cohort(rng, school.ks2_cohort)
    if "lowcov" in school.risks and year == "2022-23":
        n = max(n, 18)  # enough pupils that low coverage, not small numbers, is the reason
    if "missing_year_decline" in school.risks and year == "2022-23":
        n = 4  # planted: a whole-cohort-suppressed year, so the three-year trend has a missing year
    tfsm = binomial(rng, n, school.fsm_rate)
    boys = binomial(rng, n, 0.51)
    base_other, base_dis = KS2_BASE_LOGIT[year]
    q = school.quality + rng.gauss(0, 0.15)
    dis_shift = 0.0
    yi = _year_index(year)
    if "declining_trend" in school.risks:
        q += (0.9, 0.0, -0.9, -1.5)[yi]  # planted trends carry on into 2024-25
    if "missing_year_decline" in school.risks:
        q += (0.0, 0.0, 0.6, -0.9)[yi]  # a fall of well over 5 points from 2023-24 to 2024-25
    if "widening_gap" in school.risks:
        dis_shift = (0.2, -0.7, -1.5, -2.0)[yi]
    if "ks2_progress_below" in school.risks:
        q -= 1.3
    special = school.is_special
    if special:
        p_other = p_dis = 0.02
    else:
        p_other = sigmoid(base_other + 0.9 * q + rng.gauss(0, 0.12))
        p_dis = sigmoid(base_dis + 0.9 * q + dis_shift + rng.gauss(0, 0.15))
    exp_fsm = binomial(rng, tfsm, p_dis)
    exp_other = binomial(rng, n - tfsm, p_other)
    high_fsm = binomial(rng, exp_fsm, sigmoid(-2.0 + 0.7 * q))
    high_other = binomial(rng, exp_other, sigmoid(-1.3 + 0.7 * q))
    exp = exp_fsm + exp_other
    read_exp = exp + binomial(rng, n - exp, 0.37 if not special else 0.05)
    writ_exp = exp + binomial(rng, n - exp, 0.29 if not special else 0.03)
    mat_exp = exp + binomial(rng, n - exp, 0.34 if not special else 0.05)
    gps_exp = exp + binomial(rng, n - exp, 0.32 if not special else 0.04)
    dis_share = tfsm / n
    noise = 5.5 / math.sqrt(n)
    if special:
        read_avg = gps_avg = mat_avg = None
    else:
        read_avg = 105.4 + 2.4 * q - 4.0 * (dis_share - 0.25) + rng.gauss(0, noise)
        gps_avg = 105.2 + 2.6 * q - 4.0 * (dis_share - 0.25) + rng.gauss(0, noise)
        mat_avg = 104.1 + 2.5 * q - 4.0 * (dis_share - 0.25) + rng.gauss(0, noise)
    read = writ = mat = None
    if year in KS2_PROGRESS_YEARS:
        coverage = rng.uniform(0.86, 1.0) if not special else rng.uniform(0.55, 1.0)
        if "lowcov" in school.risks and year == "2022-23":
            coverage = 0.4
        pupils = max(1, round(n * coverage)) if n > 0 else 0
        base = 1.6 * school.quality + rng.gauss(0, 0.35) + (-1.2 if special else 0.0)
        if "declining_trend" in school.risks:
            base += (1.0, 0.0)[yi]
        scores = {}
        for subject, offset in (("read", 0.0), ("writ", 0.3), ("mat", -0.2)):
            sd = KS2_PROGRESS_SD[subject]
            true = base + offset
            if "ks2_progress_below" in school.risks:
                true = -4.5 if subject != "writ" else -2.5
            score = true + rng.gauss(0, sd / math.sqrt(pupils))
            if "ks2_progress_below" in school.risks and subject != "writ":
                # planted: significantly below average, so the upper confidence limit is below zero
                score = min(score, -1.96 * sd / math.sqrt(pupils) - 0.4)
            scores[subject] = Progress(score, pupils)
        read, writ, mat = scores["read"], scores["writ"], scores["mat"]
    return KS2Result(
        year,
        school.urn,
        totpups,
        False,
        n,
        boys,
        tfsm,
        exp_fsm,
        exp_other,
        high_fsm,
        high_other,
        read_exp,
        writ_exp,
        mat_exp,
        gps_exp,
        read_avg,
        gps_avg,
        mat_avg,
        read,
        writ,
        mat,
    )


def _independent_ks2(seed: int, school: School, year: str) -> KS2Result:
    """Independent schools that enter pupils for KS2 tests count in the national all-schools row only."""
    rng = stream(seed, "ks2ind", school.site_id, year)
    n = _cohort(rng, school.ks2_cohort)
    tfsm = binomial(rng, n, 0.02)
    exp_other = binomial(rng, n - tfsm, 0.78)
    exp_fsm = binomial(rng, tfsm, 0.6)
    exp = exp_fsm + exp_other
    subject = [exp + binomial(rng, n - exp, 0.4) for _ in range(4)]
    return KS2Result(
        year,
        school.urn,
        school.number_of_pupils,
        False,
        n,
        binomial(rng, n, 0.5),
        tfsm,
        exp_fsm,
        exp_other,
        0,
        binomial(rng, exp_other, 0.3),
        *subject,
        independent=True,
    )


def _clip(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def _ks4(seed: int, school: School, year: str) -> KS4Result:
    rng = stream(seed, "ks4", school.site_id, year)
    totpups = round(school.number_of_pupils * rng.uniform(0.97, 1.03))
    n = _cohort(rng, school.ks4_cohort)
    kind = "independent" if school.is_independent else ("nmss" if school.is_nmss else "state")
    fsm_rate = school.fsm_rate * KS4_FSM_FACTOR if kind == "state" else 0.03
    tfsm = binomial(rng, n, fsm_rate)
    other = n - tfsm
    boys = binomial(rng, n, 0.5 if school.gender == "Mixed" else (1.0 if school.gender == "Boys" else 0.0))
    q = school.quality + rng.gauss(0, 0.12)
    base_other, base_dis = KS4_ATT8_BASE[year]
    low_attaining = school.is_special or school.is_nmss
    if low_attaining:
        att_other = rng.uniform(1.5, 20.0)
        att_fsm = _clip(att_other - rng.uniform(0, 4), 0.5, 25)
    elif kind == "independent":
        # many independent schools' IGCSEs do not count towards Attainment 8
        att_other = _clip(47 + 15 * school.quality + rng.gauss(0, 3), 4, 78)
        att_fsm = att_other
    else:
        att_other = _clip(base_other + 6.5 * q + rng.gauss(0, 17 / math.sqrt(max(other, 1))), 5, 85)
        att_fsm = _clip(base_dis + 6.5 * q + rng.gauss(0, 15 / math.sqrt(max(tfsm, 1))), 3, 80)
    yi = _year_index(year)
    p8_true = 0.45 * school.quality + rng.gauss(0, 0.08)
    if low_attaining:
        p8_true = -1.3 + 0.3 * school.quality
    if "p8_below" in school.risks:
        p8_true = (-0.1, -0.65, -0.7, -0.75)[yi]
        att_other -= (1.0, 6.0, 6.5, 7.0)[yi]
        att_fsm -= (1.0, 6.0, 6.5, 7.0)[yi]
    if "serious_weaknesses" in school.roles:
        p8_true -= 0.35
    coverage_other = rng.uniform(0.9, 1.0)
    coverage_fsm = rng.uniform(0.85, 1.0)
    m_fsm = round(tfsm * coverage_fsm)
    m_other = round(other * coverage_other)
    if m_fsm + m_other == 0:
        m_other = max(other, 1)
    p8_other = p8_true + 0.15 + rng.gauss(0, P8_SD / math.sqrt(max(m_other, 1)))
    p8_fsm = p8_true - 0.45 + rng.gauss(0, P8_SD / math.sqrt(max(m_fsm, 1)))
    if low_attaining:
        p8_fsm = p8_true + rng.gauss(0, P8_SD / math.sqrt(max(m_fsm, 1)))
    if "p8_below" in school.risks and yi > 0:
        # planted: whole-school P8 upper confidence limit below zero
        m = m_fsm + m_other
        overall = (p8_fsm * m_fsm + p8_other * m_other) / m
        ceiling = -1.96 * P8_SD / math.sqrt(m) - 0.05
        if overall > ceiling:
            p8_fsm -= overall - ceiling
            p8_other -= overall - ceiling

    def basics(att: float, count: int, centre: float) -> int:
        return binomial(rng, count, sigmoid((att - centre) / 7.0))

    no_entries = "no_entries" in school.risks and year == "2023-24"
    b95_fsm = 0 if no_entries else basics(att_fsm, tfsm, 48)
    b95_other = 0 if no_entries else basics(att_other, other, 48)
    b94_fsm = 0 if no_entries else basics(att_fsm, tfsm, 42)
    b94_other = 0 if no_entries else basics(att_other, other, 42)
    entered = 0 if (no_entries or low_attaining) else binomial(rng, n, sigmoid(-0.45 + 0.8 * q + rng.gauss(0, 0.4)))
    return KS4Result(
        year=year,
        urn=school.urn,
        totpups=totpups,
        tpup=n,
        boys_roll=round(totpups * (boys / n)),
        boys=boys,
        tfsm=tfsm,
        att8_fsm=att_fsm,
        att8_other=att_other,
        p8_fsm_pupils=m_fsm,
        p8_other_pupils=m_other,
        p8_fsm=p8_fsm,
        p8_other=p8_other,
        basics95_fsm=b95_fsm,
        basics95_other=b95_other,
        basics94_fsm=b94_fsm,
        basics94_other=b94_other,
        ebacc_entered=entered,
        ebaccaps_fsm=0.0 if no_entries else _clip(att_fsm / 11.6 + rng.gauss(0, 0.1), 0, 9),
        ebaccaps_other=0.0 if no_entries else _clip(att_other / 11.3 + rng.gauss(0, 0.1), 0, 9),
        kind=kind,
        no_entries=no_entries,
    )


# Pupil groups. Each group's share of the cohort's results comes from its odds (KS2) or score difference (KS4)
# against the rest of the cohort, near DfE's national figures by characteristic: girls ahead of boys, EAL pupils
# level with all pupils at KS2 and ahead at KS4, mobile pupils behind, prior-attainment bands far apart.
KS2_GROUP_ODDS = {"boys": 0.75, "eal": 0.95, "non_mobile": 1.5}
# planted: the boys of a school with 'widening_boys_gap' fall further behind its girls every year
WIDENING_BOYS_ODDS = (0.9, 0.8, 0.35, 0.12)
KS4_ATT8_DIFFERENCE = {"boys": -4.5, "eal": 1.5, "non_mobile": 3.0}
KS4_P8_DIFFERENCE = {"boys": -0.25, "eal": 0.5, "non_mobile": 0.15}
PRIOR_BANDS = ("prior_low", "prior_middle", "prior_high")
PRIOR_ATT8_OFFSET = {"prior_low": -17.0, "prior_middle": 0.0, "prior_high": 14.0}
PRIOR_P8_OFFSET = {"prior_low": -0.15, "prior_middle": 0.0, "prior_high": 0.05}


def _successes_in(rng: random.Random, successes: int, n: int, k: int, odds: float) -> int:
    """How many of `successes` among `n` pupils fall in a group of `k` whose odds of success are `odds` times the
    rest's; always a count the cohort allows."""
    if k <= 0 or n <= 0:
        return 0
    p = successes / n
    p_group = odds * p / (1 - p + odds * p) if 0 < p < 1 else p
    drawn = binomial(rng, k, p_group)
    return min(max(drawn, successes - (n - k), 0), successes, k)


def _ks2_groups(seed: int, school: School, r: KS2Result) -> dict[str, tuple[int, int]]:
    rng = stream(seed, "ks2groups", school.site_id, r.year)
    n, exp = r.telig, r.exp
    boys_odds = KS2_GROUP_ODDS["boys"]
    if "widening_boys_gap" in school.risks:
        boys_odds = WIDENING_BOYS_ODDS[_year_index(r.year)]
    boys_exp = _successes_in(rng, exp, n, r.boys, boys_odds)
    groups = {"boys": (r.boys, boys_exp), "girls": (n - r.boys, exp - boys_exp)}
    eal = binomial(rng, n, school.eal_rate)
    groups["eal"] = (eal, _successes_in(rng, exp, n, eal, KS2_GROUP_ODDS["eal"]))
    non_mobile = n - binomial(rng, n, 0.07)
    groups["non_mobile"] = (non_mobile, _successes_in(rng, exp, n, non_mobile, KS2_GROUP_ODDS["non_mobile"]))
    if r.year in KS2_PROGRESS_YEARS:  # the bands need a KS1 baseline
        low = binomial(rng, n, 0.18)
        high = binomial(rng, n - low, 0.3)
        low_exp = _successes_in(rng, exp, n, low, 0.05)
        high_exp = _successes_in(rng, exp - low_exp, n - low, high, 8.0)
        groups["prior_low"] = (low, low_exp)
        groups["prior_high"] = (high, high_exp)
        groups["prior_middle"] = (n - low - high, exp - low_exp - high_exp)
    return groups


def _split_mean(mean: float, n: int, k: int, difference: float) -> tuple[float, float]:
    """Means of a group of k and the rest of n whose pupil-weighted mean is `mean` and whose gap is `difference`."""
    return mean + difference * (n - k) / n, mean - difference * k / n


def _ks4_groups(seed: int, school: School, r: KS4Result) -> dict[str, tuple[int, float, int, float]]:
    rng = stream(seed, "ks4groups", school.site_id, r.year)
    n, m = r.tpup, r.p8_pupils
    att8, p8 = r.att8, (r.p8 if m else 0.0)
    groups: dict[str, tuple[int, float, int, float]] = {}

    def binary(name: str, k: int, complement: str | None = None) -> None:
        group_att8, rest_att8 = _split_mean(att8, n, k, KS4_ATT8_DIFFERENCE[name])
        k_p8 = round(m * k / n)
        group_p8, rest_p8 = _split_mean(p8, m, k_p8, KS4_P8_DIFFERENCE[name]) if m else (0.0, 0.0)
        groups[name] = (k, group_att8 * k, k_p8, group_p8 * k_p8)
        if complement:
            groups[complement] = (n - k, rest_att8 * (n - k), m - k_p8, rest_p8 * (m - k_p8))

    binary("boys", r.boys, "girls")
    binary("eal", binomial(rng, n, school.eal_rate))
    binary("non_mobile", n - binomial(rng, n, 0.05))
    low = binomial(rng, n, 0.22)
    high = binomial(rng, n - low, 0.3)
    bands = {"prior_low": low, "prior_middle": n - low - high, "prior_high": high}
    centre = sum(PRIOR_ATT8_OFFSET[b] * k for b, k in bands.items()) / n
    p8_bands = {b: round(m * k / n) for b, k in bands.items()}
    p8_bands["prior_middle"] = m - p8_bands["prior_low"] - p8_bands["prior_high"]
    p8_centre = sum(PRIOR_P8_OFFSET[b] * k for b, k in p8_bands.items()) / m if m else 0.0
    for band, k in bands.items():
        k_p8 = p8_bands[band]
        band_att8 = att8 + PRIOR_ATT8_OFFSET[band] - centre
        band_p8 = p8 + PRIOR_P8_OFFSET[band] - p8_centre
        groups[band] = (k, band_att8 * k, k_p8, band_p8 * k_p8)
    for element, share in (("english", 0.205), ("maths", 0.19)):
        groups[element] = (n, _clip(att8 * share + rng.gauss(0, 0.3), 0, 18) * n, 0, 0.0)
    return groups


def simulate(world: World) -> Results:
    """Every school-year result the performance tables publish (plus independents' national-only KS2)."""
    ks2: dict[tuple[str, int], KS2Result] = {}
    ks4: dict[tuple[str, int], KS4Result] = {}
    for year in RESULT_YEARS:
        ks2_day, ks4_day = test_day(year, 2), test_day(year, 4)
        for school in world.schools:
            if school.ks2_cohort > 0 and school.is_open_on(ks2_day):
                if school.is_independent:
                    ks2[(year, school.urn)] = _independent_ks2(world.seed, school, year)
                elif school.is_state_funded:
                    ks2[(year, school.urn)] = _ks2(world.seed, school, year)
            elif school.new_school and school.is_open_on(ks2_day) and school.low_age <= 7 <= 11 <= school.high_age:
                ks2[(year, school.urn)] = _ks2(world.seed, school, year)
            if (year, school.urn) in ks2 and not ks2[(year, school.urn)].new:
                result = ks2[(year, school.urn)]
                ks2[(year, school.urn)] = replace(
                    result, groups=MappingProxyType(_ks2_groups(world.seed, school, result))
                )
            if school.ks4_cohort > 0 and school.is_open_on(ks4_day):
                result = _ks4(world.seed, school, year)
                ks4[(year, school.urn)] = replace(
                    result, groups=MappingProxyType(_ks4_groups(world.seed, school, result))
                )
    return Results(ks2=ks2, ks4=ks4)
