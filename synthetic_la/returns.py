"""The LA's own returns for Kingsmere, as the school-improvement team would send them in 2023-24.

`build_returns(world)` decides everything from the planted world and records it in `ReturnsTruth`, so tests
can assert what the warehouse must say (who was on the register on 1 February, who missed a review, which
RI school has no capacity judgement yet, who changed a category and why). `write_returns` writes the good
files into the drop folder; `write_bad_returns` writes deliberately wrong files (for tests, elsewhere).

Register versions follow the review meetings, twice a term; each file is the whole return as at its date.
The visits log tells the SI4 core visit (one a year, early in the first term the school's phase sets) from
additional visits and monitoring meetings, and has a yearly keeping-in-touch visit to each academy (SI6, recorded as
core). Planted for the entitlement-against-delivery models: the ri_twice school's link adviser is off all spring
term 2026 (no visits after Christmas: under-delivered in the report term), and one primary with no planted role has
its autumn 2025 core visit recorded as an additional visit (core visit missing). Planted for the grouping summaries: one
academy moves partnership at the start of the spring term 2025 - a second groupings return repeats every other row
unchanged - so its 2023-24 results count in its old partnership and its 2024-25 results in the new one.

For the days-and-money ledger, most visits record their length in days and some leave it blank (the default for the
visit type then applies), and a traded-work return records a handful of traded days at a few schools, some at a daily
rate agreed with the school.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .world import KINGSMERE_CODE, School, World, stream

# Review meetings, twice a term, from autumn 2023 to the spring term of the latest Ofsted snapshot (Feb 2026).
REVIEW_MEETINGS = (
    date(2023, 10, 12),
    date(2023, 12, 7),
    date(2024, 1, 25),
    date(2024, 3, 14),
    date(2024, 5, 16),
    date(2024, 7, 11),
    date(2024, 10, 10),
    date(2024, 12, 5),
    date(2025, 1, 23),
    date(2025, 3, 13),
    date(2025, 5, 15),
    date(2025, 7, 10),
    date(2025, 10, 9),
    date(2025, 12, 4),
    date(2026, 1, 22),
    date(2026, 2, 26),
)
NEXT_MEETING_AFTER_LAST = date(2026, 3, 26)
CAPACITY_ROUND = date(2024, 7, 11)  # the annual capacity judgements, signed off at the summer 2024 meeting
TARGETS_ROUND = date(2025, 7, 10)
YEAR_START = date(2023, 9, 4)
ROSTER_V1 = date(2023, 9, 4)
ROSTER_V2 = date(2024, 4, 15)
HEAD_OF_SERVICE = "Helen Ashworth"
SENIOR_ADVISER = "David Okafor"
LINK_ADVISERS = ("Priya Raman", "Tom Whitfield", "Grace Mbeki", "Sarah Lindqvist")
NEW_ADVISER = "Owen Pritchard"  # joins at Easter 2024: the roster's second version
# SI4: core visits in the autumn term for primary schools, the spring or summer term for secondary schools (dbt seed
# visit_entitlement_rules; nursery and all-through schools follow them; other phases have theirs in any term).
CORE_VISIT_TERMS = {
    "Nursery": ("autumn",),
    "Primary": ("autumn",),
    "Middle deemed primary": ("autumn",),
    "Secondary": ("spring", "summer"),
    "Middle deemed secondary": ("spring", "summer"),
    "All-through": ("spring", "summer"),
}
ANY_TERM = ("autumn", "spring", "summer")
# Earliest day of a core visit in each term, for the academic year starting in `year`.
CORE_VISIT_FROM = {
    "autumn": lambda year: date(year, 9, 11),
    "spring": lambda year: date(year + 1, 1, 11),
    "summer": lambda year: date(year + 1, 4, 22),
}
VISIT_SUMMARY = "Met the headteacher; reviewed the improvement plan; notes to governors."
CORE_VISIT_SUMMARY = "Core visit: reviewed pupils' achievement and the school's progress."
KEEPING_IN_TOUCH_SUMMARY = "Keeping-in-touch visit: achievement and progress discussed."
ADVISER_ABSENT_FROM = date(2026, 1, 1)  # the under-delivered school's link adviser: off sick all spring term 2026
POSTPONED_CORE_VISIT = (2025, "autumn")  # the missed-core-visit school's autumn 2025 core visit: recorded as additional
GROUPINGS_V1 = date(2023, 9, 1)  # the groupings every school starts the 2023-24 year in
PARTNERSHIP_MOVE_ON = date(2025, 1, 6)  # first day of the spring term 2025: the second groupings return
PARTNERSHIP_MOVE_TO = "THE VALE EDUCATION TRUST"
# Lengths a visit of each type is recorded with, in days; about one visit in four leaves its length blank.
VISIT_LENGTHS = {"core": (0.5, 0.5, 0.25), "additional": (0.5, 1.0, 0.5), "monitoring_meeting": (0.25, 0.5)}
BLANK_LENGTH_SHARE = 0.25
# Traded work: (activity of dbt seed traded_activities, days, daily rate agreed with the school or None) at a few
# schools, one piece of work each.
TRADED_WORK = (
    ("safeguarding_audit", 1.0, None),
    ("governance_review", 2.0, 400.0),
    ("headteacher_performance_management", 0.5, None),
    ("sen_pupil_premium_review", 1.0, None),
    ("collaborative_review", 1.5, 425.0),
    ("self_evaluation_quality_assurance", 0.5, None),
)
TRADED_WORK_FROM = date(2024, 9, 9)


@dataclass(frozen=True)
class RegisterEntry:
    urn: int
    date_added: date
    reason: str


@dataclass(frozen=True)
class OverrideDecision:
    urn: int
    support_category: str
    rationale: str
    approved_by: str
    decided_on: date


@dataclass(frozen=True)
class PartnershipMove:
    urn: int
    from_partnership: str
    to_partnership: str
    effective_from: date


@dataclass
class ReturnsTruth:
    """What the generated returns say, for tests."""

    register_versions: dict[date, dict[int, date]] = field(default_factory=dict)  # as at -> urn -> last reviewed
    register_entries: dict[int, RegisterEntry] = field(default_factory=dict)
    missed_review_urn: int | None = None  # its review at the last meeting was postponed
    capacity: dict[int, tuple[str, date, str]] = field(default_factory=dict)  # urn -> (capacity, judged_on, adviser)
    main_concern: dict[int, str] = field(default_factory=dict)  # urn -> the adviser's main concern, when flagged
    ri_without_judgement_urns: tuple[int, ...] = ()
    under_delivered_urn: int | None = None  # no visits in the spring term 2026 (the report term), entitled to six
    core_visit_missed_urn: int | None = None  # no core visit in the autumn term 2025
    override_versions: dict[date, dict[int, OverrideDecision]] = field(default_factory=dict)
    link_adviser: dict[int, str] = field(default_factory=dict)
    partnership_move: PartnershipMove | None = None  # the academy that changed partnership in spring 2025
    files: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # file name -> rows

    def register_on(self, day: date) -> set[int]:
        """URNs on the register version in force on ``day``."""
        in_force = [d for d in self.register_versions if d <= day]
        return set(self.register_versions[max(in_force)]) if in_force else set()

    def overrides_in_force(self) -> dict[int, OverrideDecision]:
        return self.override_versions[max(self.override_versions)]


def _maintained_open(world: World, day: date) -> list[School]:
    return [s for s in world.kingsmere if s.is_maintained and s.is_open_on(day)]


def _latest_published(school: School, day: date):
    graded = [i for i in school.inspections if i.graded and i.publication_date <= day]
    return graded[-1] if graded else None


def _below_good_since(school: School, day: date) -> date | None:
    """Publication date of the first of the trailing run of RI/inadequate judgements published by ``day``."""
    graded = [i for i in school.inspections if i.graded and i.publication_date <= day]
    since = None
    for inspection in reversed(graded):
        if inspection.overall_effectiveness < 3:
            break
        since = inspection.publication_date
    return since


def _declining_school(world: World) -> School:
    return next(s for s in world.kingsmere if "declining_trend" in s.risks and s.is_maintained)


def _override_school(world: World) -> School:
    """An outstanding maintained school with no planted role: leadership upheaval justifies more support."""
    candidates = [
        s
        for s in _maintained_open(world, REVIEW_MEETINGS[-1])
        if not s.roles
        and not s.risks
        and (i := _latest_published(s, REVIEW_MEETINGS[-1])) is not None
        and i.overall_effectiveness == 1
        and i.start_date < date(2024, 1, 1)
    ]
    return min(candidates, key=lambda s: s.urn)


def _postpone_core_visit(world: World, visits: list[dict[str, object]]) -> int:
    """The first maintained primary (by URN) with no planted role or risk, other than the override school, whose
    autumn 2025 core visit the log holds: that visit is recorded as an additional visit instead (the review was put
    off and never rebooked), so the school has visits but no core visit that year. Returns its URN."""
    override = _override_school(world)
    candidates = sorted(
        (
            s
            for s in _maintained_open(world, REVIEW_MEETINGS[-1])
            if s.phase == "Primary" and not s.roles and not s.risks and s.urn != override.urn
        ),
        key=lambda s: s.urn,
    )
    for school in candidates:
        for row in visits:
            when = date.fromisoformat(str(row["visit_date"]))
            if row["urn"] == school.urn and row["visit_type"] == "core" and _term_of(when) == POSTPONED_CORE_VISIT:
                row["visit_type"] = "additional"
                return school.urn
    raise ValueError("no maintained primary without a planted role has an autumn 2025 core visit to postpone")


def _partnership_move(world: World, groupings: list[dict[str, object]]) -> PartnershipMove:
    """The lowest-URN primary with no planted role or risk and a KS2 cohort of at least 11 in the largest
    partnership moves to PARTNERSHIP_MOVE_TO: its results are in both years either side of the move."""
    members: dict[str, list[int]] = {}
    for row in groupings:
        if row["partnership"]:
            members.setdefault(str(row["partnership"]), []).append(int(row["urn"]))
    if PARTNERSHIP_MOVE_TO not in members:
        raise ValueError(f"no school is in the partnership {PARTNERSHIP_MOVE_TO!r} to move to")
    largest = max(sorted(members), key=lambda name: len(members[name]))
    mover = min(
        urn
        for urn in members[largest]
        if (s := world.school(urn)).phase == "Primary"
        and not s.roles
        and not s.risks
        and s.ks2_cohort >= 11
        and s.is_open_on(PARTNERSHIP_MOVE_ON)
    )
    return PartnershipMove(mover, largest, PARTNERSHIP_MOVE_TO, PARTNERSHIP_MOVE_ON)


def build_returns(world: World) -> ReturnsTruth:
    truth = ReturnsTruth()
    rng = stream(world.seed, "returns")
    schools = sorted(world.kingsmere, key=lambda s: s.urn)
    state_funded = [s for s in schools if s.is_state_funded and s.is_open_on(YEAR_START)]
    advisers_cycle = {s.urn: LINK_ADVISERS[i % len(LINK_ADVISERS)] for i, s in enumerate(state_funded)}
    truth.link_adviser = advisers_cycle

    # --- advisers (two versions) --------------------------------------------------------------------------
    roster = [
        {
            "adviser_name": HEAD_OF_SERVICE,
            "role": "head_of_school_improvement",
            "active_from": "2019-09-01",
            "active_to": "",
        },
        {"adviser_name": SENIOR_ADVISER, "role": "senior_adviser", "active_from": "2016-01-04", "active_to": ""},
        *(
            {"adviser_name": name, "role": role, "active_from": start, "active_to": ""}
            for name, role, start in zip(
                LINK_ADVISERS,
                ("link_adviser", "link_adviser", "link_adviser", "learning_network_inspector"),
                ("2018-09-03", "2020-01-06", "2021-09-01", "2017-04-18"),
                strict=True,
            )
        ),
    ]
    truth.files[f"advisers_{ROSTER_V1}.csv"] = roster
    truth.files[f"advisers_{ROSTER_V2}.csv"] = [
        *roster,
        {"adviser_name": NEW_ADVISER, "role": "link_adviser", "active_from": "2024-04-15", "active_to": ""},
    ]

    # --- register of schools causing concern: one version per review meeting ------------------------------
    declining = _declining_school(world)
    missed = world.with_role("ri_persistent")
    truth.missed_review_urn = missed.urn
    last_reviewed: dict[int, date] = {}
    for index, meeting in enumerate(REVIEW_MEETINGS):
        on_register: dict[int, RegisterEntry] = {}
        for school in _maintained_open(world, meeting):
            since = _below_good_since(school, meeting)
            if since is not None:
                grade = _latest_published(school, meeting).overall_effectiveness
                reason = "Ofsted: inadequate" if grade == 4 else "Ofsted: requires improvement"
                on_register[school.urn] = truth.register_entries.get(school.urn) or RegisterEntry(
                    school.urn, since, reason
                )
        if REVIEW_MEETINGS[0] <= meeting < REVIEW_MEETINGS[3]:  # LA concern, resolved at the March meeting
            on_register[declining.urn] = RegisterEntry(declining.urn, REVIEW_MEETINGS[0], "LA: declining results")
        version: dict[int, date] = {}
        rows = []
        for urn, entry in sorted(on_register.items()):
            truth.register_entries.setdefault(urn, entry)
            reviewed = meeting
            if urn == missed.urn and meeting == REVIEW_MEETINGS[-1]:
                reviewed = last_reviewed[urn]  # review postponed: the summer term has one review only
            last_reviewed[urn] = reviewed
            version[urn] = reviewed
            school = world.school(urn)
            following = REVIEW_MEETINGS[index + 1] if index + 1 < len(REVIEW_MEETINGS) else NEXT_MEETING_AFTER_LAST
            rows.append(
                {
                    "urn": urn,
                    "date_added": entry.date_added.isoformat(),
                    "key_concerns": f"{entry.reason}. {school.name}: leadership capacity and outcomes in reading "
                    "and maths below the LA average.",
                    "support_offered": "Fortnightly adviser visits; English and maths consultant support; "
                    "governor training.",
                    "progress_and_actions": (
                        "Review postponed: headteacher absent; to be taken at the next meeting."
                        if reviewed != meeting
                        else f"Reviewed {meeting:%d %B %Y}: action plan on track; monitoring visit held."
                    ),
                    "next_steps": "Continue the action plan; monitoring meeting with governors before the next review.",
                    "lead_professional": advisers_cycle.get(urn, SENIOR_ADVISER)
                    if entry.reason.startswith("Ofsted: requires")
                    else SENIOR_ADVISER,
                    "last_reviewed_on": reviewed.isoformat(),
                    "next_review_due": following.isoformat(),
                }
            )
        truth.register_versions[meeting] = version
        truth.files[f"causing_concern_register_{meeting}.csv"] = rows

    # --- adviser capacity judgements (the summer 2024 round) ----------------------------------------------
    last = CAPACITY_ROUND
    judgements = []
    ri_without = []
    for school in _maintained_open(world, last):
        latest = _latest_published(school, world_as_at(world))
        recently_inspected = latest is not None and latest.publication_date > last
        if recently_inspected:  # judged RI after the last meeting: the adviser has not judged capacity yet
            if latest.overall_effectiveness == 3:
                ri_without.append(school.urn)
            continue
        concern = None
        if "ri_twice" in school.roles:
            capacity = "secure"  # new headteacher since the second RI: the planted secure-capacity case
        elif "adviser_concern" in school.roles:
            capacity, concern = "secure", "attendance"  # a good school the adviser worries about: the LA's own concern
        elif (
            "ri_persistent" in school.roles
            or "special_measures" in school.roles
            or "serious_weaknesses" in school.roles
        ):
            capacity = "not_secure"
        else:
            capacity = "secure" if school.quality + rng.gauss(0, 0.3) > -0.35 else "not_secure"
        judged_on = max(YEAR_START, school.open_date or YEAR_START) + timedelta(days=rng.randint(20, 250))
        adviser = advisers_cycle.get(school.urn, SENIOR_ADVISER)
        truth.capacity[school.urn] = (capacity, judged_on, adviser)
        concern = concern or (None if capacity == "secure" else "leadership")
        if concern:
            truth.main_concern[school.urn] = concern
        judgements.append(
            {
                "urn": school.urn,
                "capacity_to_improve": capacity,
                "main_concern": concern or "",
                "rationale": (
                    "Attendance has fallen this year although leaders have the capacity to turn it round."
                    if concern == "attendance"
                    else "Leaders know the school's weaknesses and the improvement plan is having impact."
                    if capacity == "secure"
                    else "Leadership is stretched; actions have not yet improved outcomes."
                ),
                "judged_on": judged_on.isoformat(),
                "adviser": adviser,
            }
        )
    truth.ri_without_judgement_urns = tuple(sorted(ri_without))
    truth.files[f"capacity_judgements_{last}.csv"] = sorted(judgements, key=lambda r: r["urn"])

    # --- category overrides: two versions, one change of mind ----------------------------------------------
    chosen = _override_school(world)
    first = {
        declining.urn: OverrideDecision(
            declining.urn,
            "GOOD_OF_CONCERN",
            "Outstanding judgement dates from 2013 and KS2 results have declined three years running; "
            "half-termly visits until results recover.",
            HEAD_OF_SERVICE,
            date(2023, 10, 5),
        )
    }
    second = {
        declining.urn: OverrideDecision(
            declining.urn,
            "SECURELY_GOOD",
            "Spring monitoring shows reading and maths recovering; removed from the register; "
            "back to two visits a year.",
            SENIOR_ADVISER,
            date(2024, 3, 12),
        ),
        chosen.urn: OverrideDecision(
            chosen.urn,
            "GOOD_OF_CONCERN",
            "Headteacher and deputy both left at Easter; interim leadership until a permanent appointment.",
            HEAD_OF_SERVICE,
            date(2024, 4, 25),
        ),
    }
    for as_at, decisions in ((REVIEW_MEETINGS[0], first), (REVIEW_MEETINGS[4], second)):
        truth.override_versions[as_at] = decisions
        truth.files[f"category_overrides_{as_at}.csv"] = [
            {
                "urn": d.urn,
                "support_category": d.support_category,
                "rationale": d.rationale,
                "approved_by": d.approved_by,
                "decided_on": d.decided_on.isoformat(),
            }
            for d in sorted(decisions.values(), key=lambda d: d.urn)
        ]

    # --- groupings, visits, targets ------------------------------------------------------------------------
    truth.under_delivered_urn = world.with_role("ri_twice").urn
    groupings = [
        {
            "urn": s.urn,
            "district": f"{'North' if s.urn % 2 else 'South'} Kingsmere",
            "cluster": f"{s.town} cluster",
            "partnership": s.trust_name or "",
            "network": f"{s.phase} network",
            "link_adviser": advisers_cycle[s.urn],
            "effective_from": max(GROUPINGS_V1, s.open_date or GROUPINGS_V1).isoformat(),
        }
        for s in state_funded
    ]
    truth.files[f"groupings_{YEAR_START}.csv"] = groupings
    truth.partnership_move = _partnership_move(world, groupings)
    truth.files[f"groupings_{PARTNERSHIP_MOVE_ON}.csv"] = [
        {**row, "partnership": PARTNERSHIP_MOVE_TO, "effective_from": PARTNERSHIP_MOVE_ON.isoformat()}
        if row["urn"] == truth.partnership_move.urn
        else row
        for row in groupings
    ]
    visits = _visits(world, truth, rng, REVIEW_MEETINGS[-1])
    truth.core_visit_missed_urn = _postpone_core_visit(world, visits)
    _record_visit_lengths(world, visits)
    truth.files[f"visits_{REVIEW_MEETINGS[-1]}.csv"] = visits
    truth.files[f"traded_work_{REVIEW_MEETINGS[-1]}.csv"] = _traded_work(world, truth, REVIEW_MEETINGS[-1])
    truth.files[f"targets_{TARGETS_ROUND}.csv"] = _targets(world, truth, rng, TARGETS_ROUND)
    return truth


def world_as_at(world: World) -> date:
    from .world import OFSTED_AS_AT

    return OFSTED_AS_AT


def _term_of(day: date) -> tuple[int, str]:
    """(first calendar year of the academic year, reporting term) as dbt seed school_terms: autumn September to
    December, spring January to March, summer April to August."""
    if day.month >= 9:
        return day.year, "autumn"
    return day.year - 1, "spring" if day.month <= 3 else "summer"


def _is_school_day(day: date) -> bool:
    return day.weekday() < 5 and not (
        day.month == 8 or (day.month, day.day) >= (12, 20) or (day.month, day.day) < (1, 4)
    )


def _next_school_day(day: date) -> date:
    while not _is_school_day(day):
        day += timedelta(days=1)
    return day


def _visit(day: date, school: School, adviser: str, visit_type: str, summary: str) -> dict[str, object]:
    """One row of the visits return."""
    return {
        "visit_date": day.isoformat(),
        "urn": school.urn,
        "adviser": adviser,
        "visit_type": visit_type,
        "outcome_summary": summary,
    }


def _visits(world: World, truth: ReturnsTruth, rng, as_at: date) -> list[dict[str, object]]:
    rows = []
    for school in _maintained_open(world, as_at):
        adviser = truth.link_adviser.get(school.urn, SENIOR_ADVISER)
        on_register = school.urn in truth.register_entries
        # Table One: about weekly for special measures or serious weaknesses, fortnightly for other schools causing
        # concern; the rest about once a term (their core visit comes on top).
        in_category = {"special_measures", "serious_weaknesses"} & set(school.roles)
        gap = 7 if in_category else 12 if on_register else 120
        day = max(YEAR_START, school.open_date or YEAR_START) + timedelta(days=rng.randint(3, 20))
        while day <= as_at:
            if _is_school_day(day):
                kind = "monitoring_meeting" if on_register and len(rows) % 3 == 0 else "additional"
                rows.append(_visit(day, school, adviser, kind, VISIT_SUMMARY))
            day += timedelta(days=gap + rng.randint(-3, 3))
    rows += _core_visits(world, truth, as_at)
    # The under-delivered school's adviser is off sick: nothing after Christmas (filtered after the loop, so every
    # other school's visits are exactly as before).
    rows = [
        r
        for r in rows
        if not (r["urn"] == truth.under_delivered_urn and r["visit_date"] >= ADVISER_ABSENT_FROM.isoformat())
    ]
    # SI6: one keeping-in-touch visit a year to each academy, on a school day of the year (own stream: the
    # maintained schools' visits and the targets are unchanged).
    keeping_in_touch = stream(world.seed, "returns", "keeping_in_touch")
    for school in sorted((s for s in world.kingsmere if s.is_academy and s.is_open_on(as_at)), key=lambda s: s.urn):
        for year in range(YEAR_START.year, as_at.year):
            day = _next_school_day(date(year, 9, 10) + timedelta(days=keeping_in_touch.randint(0, 270)))
            if (school.open_date or day) <= day <= as_at:
                adviser = truth.link_adviser.get(school.urn, SENIOR_ADVISER)
                rows.append(_visit(day, school, adviser, "core", KEEPING_IN_TOUCH_SUMMARY))
    return sorted(rows, key=lambda r: (r["visit_date"], r["urn"]))


def _core_visits(world: World, truth: ReturnsTruth, as_at: date) -> list[dict[str, object]]:
    """SI4: each maintained school's core visit every year, on a school day early in the first term its phase sets
    (own stream: the other visits are unchanged)."""
    days = stream(world.seed, "returns", "core_visits")
    rows = []
    for school in _maintained_open(world, as_at):
        term = CORE_VISIT_TERMS.get(school.phase, ANY_TERM)[0]
        for year in range(YEAR_START.year, as_at.year + 1):
            day = _next_school_day(CORE_VISIT_FROM[term](year) + timedelta(days=days.randint(0, 50)))
            if max(YEAR_START, school.open_date or YEAR_START) <= day <= as_at:
                adviser = truth.link_adviser.get(school.urn, SENIOR_ADVISER)
                rows.append(_visit(day, school, adviser, "core", CORE_VISIT_SUMMARY))
    return rows


def _record_visit_lengths(world: World, visits: list[dict[str, object]]) -> None:
    """Each visit's length in days, from its own stream (the visits themselves are unchanged); about a quarter are
    left blank, so the ledger takes the default length for their type."""
    lengths = stream(world.seed, "returns", "visit_lengths")
    for row in visits:
        length = lengths.choice(VISIT_LENGTHS[str(row["visit_type"])])
        row["days"] = "" if lengths.random() < BLANK_LENGTH_SHARE else length


def _traded_work(world: World, truth: ReturnsTruth, as_at: date) -> list[dict[str, object]]:
    """A handful of traded days: one piece of work (TRADED_WORK) at each of a few open state-funded schools, on a
    school day between TRADED_WORK_FROM and ``as_at``, done by the school's link adviser."""
    traded = stream(world.seed, "returns", "traded_work")
    schools = sorted(
        (s for s in world.kingsmere if s.is_state_funded and s.is_open_on(TRADED_WORK_FROM) and s.is_open_on(as_at)),
        key=lambda s: s.urn,
    )
    rows = []
    span = (as_at - TRADED_WORK_FROM).days
    chosen = traded.sample(schools, len(TRADED_WORK))
    for school, (activity, days, agreed_rate) in zip(chosen, TRADED_WORK, strict=True):
        day = TRADED_WORK_FROM + timedelta(days=traded.randint(0, span))
        while not _is_school_day(day):
            day -= timedelta(days=1)
        rows.append(
            {
                "work_date": day.isoformat(),
                "urn": school.urn,
                "adviser": truth.link_adviser.get(school.urn, SENIOR_ADVISER),
                "activity": activity,
                "days": days,
                "agreed_daily_rate": "" if agreed_rate is None else agreed_rate,
            }
        )
    return sorted(rows, key=lambda r: (r["work_date"], r["urn"]))


def _targets(world: World, truth: ReturnsTruth, rng, as_at: date) -> list[dict[str, object]]:
    rows = []
    for school in _maintained_open(world, as_at):
        measures = []
        if school.ks2_cohort >= 11:
            measures += [("ks2_rwm_expected_pct", 62), ("ks2_rwm_higher_pct", 9)]
        if school.ks4_cohort >= 11:
            measures += [("ks4_attainment8_score", 47), ("ks4_english_maths_grade5_pct", 46)]
        for year, set_in in (("2024-25", 2024), ("2025-26", 2025)):
            for code, base in measures:
                rows.append(
                    {
                        "urn": school.urn,
                        "academic_year": year,
                        "measure_code": code,
                        "target_value": round(base + 8 * school.quality + rng.uniform(-2, 2), 1),
                        "set_on": date(set_in, 7, rng.randint(1, 9)).isoformat(),
                        "set_by": truth.link_adviser.get(school.urn, SENIOR_ADVISER),
                    }
                )
    return rows


def _csv_bytes(rows: list[dict[str, object]], header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_returns(world: World, folder: Path, log: Callable[[str], None] = print) -> dict[str, int]:
    """Write the good returns into ``folder`` (the drop folder); returns {file name: rows}."""
    from dagster_project.lib.returns.spec import RETURNS

    if not any(s.la_code == KINGSMERE_CODE for s in world.schools):
        return {}
    truth = build_returns(world)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, rows in truth.files.items():
        spec = RETURNS[name.rsplit("_", 1)[0]]
        (folder / name).write_bytes(_csv_bytes(rows, spec.column_names))
        written[name] = len(rows)
        log(f"wrote returns/{name} ({len(rows)} rows)")
    return written


# --- deliberately bad files (tests only; never written to the default drop folder) --------------------------
def write_bad_returns(world: World, folder: Path) -> dict[str, tuple[str, str]]:
    """One refused file per rule; returns {file name: (column, words the expected text must contain)}."""
    from dagster_project.lib.returns.spec import RETURNS

    truth = build_returns(world)
    closed = world.with_role("closed_school")
    register = [dict(r) for r in truth.files[f"causing_concern_register_{REVIEW_MEETINGS[-1]}.csv"]]
    overrides = [dict(r) for r in truth.files[f"category_overrides_{REVIEW_MEETINGS[4]}.csv"]]
    visits = [dict(r) for r in truth.files[f"visits_{REVIEW_MEETINGS[-1]}.csv"]][:20]
    cases: dict[str, tuple[str, list[dict[str, object]], str, str]] = {}
    late = "2026-03-05"

    def bad(name: str, rows: list[dict[str, object]], column: str, expected: str, *, as_at: str = late) -> None:
        cases[f"{name}_{as_at}.csv"] = (name, rows, column, expected)

    bad("causing_concern_register", [{**register[0], "urn": 999999}, *register[1:]], "urn", "school in LA")
    bad("visits", [{**visits[0], "urn": closed.urn, "visit_date": "2023-11-01"}, *visits[1:]], "visit_date", "was open")
    bad("visits", [*visits, dict(visits[0])], "urn", "no duplicate entry", as_at="2026-03-06")
    bad(
        "category_overrides",
        [{**overrides[0], "decided_on": "2026-03-30"}, *overrides[1:]],
        "decided_on",
        "not in the future",
    )
    bad(
        "category_overrides",
        [{**overrides[0], "support_category": "VERY_GOOD"}, *overrides[1:]],
        "support_category",
        "one of",
        as_at="2026-03-07",
    )
    bad(
        "category_overrides",
        [{**overrides[0], "rationale": ""}, *overrides[1:]],
        "rationale",
        "an override must say why",
        as_at="2026-03-08",
    )
    bad(
        "causing_concern_register",
        [{**register[0], "lead_professional": "Jo Nobody"}, *register[1:]],
        "lead_professional",
        "advisers return",
        as_at="2026-03-06",
    )
    bad(
        "causing_concern_register",
        [{**register[0], "key_concerns": "Concern. " * 150}, *register[1:]],
        "key_concerns",
        "at most 1000",
        as_at="2026-03-07",
    )
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for file_name, (name, rows, column, words) in cases.items():
        (folder / file_name).write_bytes(_csv_bytes(rows, RETURNS[name].column_names))
        expected[file_name] = (column, words)
    return expected
