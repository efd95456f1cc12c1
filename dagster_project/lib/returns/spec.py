"""What each LA return holds: its columns, their types, coded values, limits and the checks they get.

This module is the single description of the returns. From it come the blank templates (xlsx + csv), the
GX suites under ``expectations/returns_*.json``, the referential checks and ``docs/returns.md``; tests assert
the committed suites and docs match it.

File naming: ``<return name>_<YYYY-MM-DD>.csv`` or ``.xlsx``, the date being the day the team signed the
return off ("as at"). Each file is the whole return as at that date; the accepted file with the latest date
is in force and every accepted version is kept (history).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dagster_project.settings import SEEDS_DIR

SUPPORT_CATEGORIES_SEED = SEEDS_DIR / "support_categories.csv"
TRADED_ACTIVITIES_SEED = SEEDS_DIR / "traded_activities.csv"

# Kinds of column: how a cell is read and which checks apply.
URN = "urn"  # six-digit GIAS URN of a school of this LA
TEXT = "text"  # short text (names)
FREE_TEXT = "free_text"  # adviser free text: restricted, never published
CODE = "code"  # one of a coded list (data-validation list in the xlsx template)
DATE = "date"  # YYYY-MM-DD (DD/MM/YYYY and Excel dates accepted)
NUMBER = "number"
ACADEMIC_YEAR = "academic_year"  # e.g. 2024-25
ADVISER = "adviser"  # a name on the advisers return in force

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
URN_PATTERN = r"^\d{6}$"
NUMBER_PATTERN = r"^-?\d+(?:\.\d+)?$"
ACADEMIC_YEAR_PATTERN = r"^\d{4}-\d{2}$"


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str
    description: str
    required: bool = True
    codes: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    not_after_as_at: bool = False  # records a past event: must not be after the return's date (nor today)
    school_open_on: bool = False  # the school must be open on this date (GIAS open/close dates)

    @property
    def restricted(self) -> bool:
        return self.kind == FREE_TEXT

    def expected(self) -> str:
        """What a valid cell looks like, in the words the error report and docs use."""
        text = {
            URN: "a six-digit URN of a school in this LA (GIAS)",
            TEXT: "text",
            FREE_TEXT: "free text",
            CODE: "one of: " + ", ".join(self.codes),
            DATE: "a date YYYY-MM-DD (or DD/MM/YYYY)",
            NUMBER: "a number",
            ACADEMIC_YEAR: "an academic year like 2024-25",
            ADVISER: "the name of an adviser on the advisers return in force",
        }[self.kind]
        if self.max_length:
            text += f" of at most {self.max_length} characters"
        if self.minimum is not None and self.maximum is not None:
            text += f" between {self.minimum:g} and {self.maximum:g}"
        return text


@dataclass(frozen=True)
class ReturnSpec:
    name: str
    title: str
    description: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]  # no two rows may share these values (duplicate entries)
    uses_advisers: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def table(self) -> str:
        return f"raw_returns__{self.name}"

    @property
    def suite_name(self) -> str:
        return f"returns_{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def _seed_codes(seed: Path, column: str) -> tuple[str, ...]:
    with seed.open(encoding="utf-8", newline="") as handle:
        return tuple(row[column] for row in csv.DictReader(handle))


@cache
def support_category_codes() -> tuple[str, ...]:
    """Category codes from the dbt seed (Table One): the one list the categorisation also uses."""
    return _seed_codes(SUPPORT_CATEGORIES_SEED, "support_category")


@cache
def traded_activity_codes() -> tuple[str, ...]:
    """Traded activities from the dbt seed (the traded offer): an LA adds one by adding a row there."""
    return _seed_codes(TRADED_ACTIVITIES_SEED, "activity_code")


ADVISER_ROLES = ("link_adviser", "senior_adviser", "learning_network_inspector", "head_of_school_improvement")
CAPACITY = ("secure", "not_secure")
CONCERN_AREAS = (
    "leadership",
    "governance",
    "safeguarding",
    "quality_of_education",
    "attainment",
    "progress",
    "attendance",
    "finance",
    "staffing",
)
VISIT_TYPES = ("core", "additional", "monitoring_meeting")
TARGET_MEASURES = (
    "ks2_rwm_expected_pct",
    "ks2_rwm_higher_pct",
    "ks2_reading_progress_score",
    "ks2_writing_progress_score",
    "ks2_maths_progress_score",
    "ks4_attainment8_score",
    "ks4_progress8_score",
    "ks4_english_maths_grade5_pct",
    "ks4_english_maths_grade4_pct",
    "ks4_ebacc_entry_pct",
)
FREE_TEXT_LIMIT = 1000
SUMMARY_LIMIT = 500
NAME_LIMIT = 100
GROUP_NAME_LIMIT = 60
# Length of a visit, and of a row of traded work, in days (e.g. 0.5): a visit is at most a day; one row of traded
# work may be a package of several days.
VISIT_DAYS = (0.1, 1)
TRADED_DAYS = (0.1, 5)
DAILY_RATE_GBP = (0, 2000)


def _urn() -> ColumnSpec:
    return ColumnSpec("urn", URN, "Unique reference number of the school (GIAS)")


def _free_text(name: str, description: str, *, required: bool = True, limit: int = FREE_TEXT_LIMIT) -> ColumnSpec:
    return ColumnSpec(name, FREE_TEXT, description + " (restricted: never published)", required, max_length=limit)


def _adviser(name: str, description: str) -> ColumnSpec:
    return ColumnSpec(name, ADVISER, description, max_length=NAME_LIMIT)


def _event_date(name: str, description: str, *, required: bool = True) -> ColumnSpec:
    return ColumnSpec(name, DATE, description, required, not_after_as_at=True, school_open_on=True)


def build_specs() -> dict[str, ReturnSpec]:
    specs = (
        ReturnSpec(
            "advisers",
            "School improvement team (advisers)",
            "Everyone who may be named as adviser, lead professional, target setter or approver in the other "
            "returns. Load it first: the other returns are checked against the version in force.",
            (
                ColumnSpec("adviser_name", TEXT, "Full name as used in the other returns", max_length=NAME_LIMIT),
                ColumnSpec("role", CODE, "Role in the service", codes=ADVISER_ROLES),
                ColumnSpec("active_from", DATE, "Date the adviser joined the service", not_after_as_at=True),
                ColumnSpec("active_to", DATE, "Date the adviser left the service (blank while in post)", False),
            ),
            key=("adviser_name",),
            uses_advisers=False,
        ),
        ReturnSpec(
            "capacity_judgements",
            "Adviser judgements of leadership capacity to improve",
            "The latest adviser judgement per school of its leadership's capacity to improve, with the main "
            "concern and the rationale. Feeds the support categorisation (RI schools: capacity secure or not; any "
            "school: a main concern, or capacity not secure, is the adviser's own concern, which makes a good or "
            "outstanding school good but of concern) and intervention identification.",
            (
                _urn(),
                ColumnSpec("capacity_to_improve", CODE, "Leadership capacity to improve", codes=CAPACITY),
                ColumnSpec("main_concern", CODE, "Main concern flagged (blank: none)", False, codes=CONCERN_AREAS),
                _free_text("rationale", "Why the adviser judges capacity so"),
                _event_date("judged_on", "Date of the judgement"),
                _adviser("adviser", "Adviser who made the judgement"),
            ),
            key=("urn",),
        ),
        ReturnSpec(
            "causing_concern_register",
            "Register of schools causing concern",
            "Every school on the register with its concerns, support, progress, next steps and lead "
            "professional. Reviewed twice a term: send the register after each review meeting.",
            (
                _urn(),
                _event_date("date_added", "Date the school was added to the register"),
                _free_text("key_concerns", "Key concerns"),
                _free_text("support_offered", "Support offered by the LA"),
                _free_text("progress_and_actions", "Progress and actions taken since the last review", required=False),
                _free_text("next_steps", "Next steps agreed"),
                _adviser("lead_professional", "Lead professional (adviser) for the school"),
                _event_date("last_reviewed_on", "Date of the latest review of this school", required=False),
                ColumnSpec("next_review_due", DATE, "Date the next review is due (may be in the future)"),
            ),
            key=("urn",),
        ),
        ReturnSpec(
            "visits",
            "Visits log",
            "Every adviser visit or monitoring meeting, the whole log to date each time.",
            (
                _event_date("visit_date", "Date of the visit"),
                _urn(),
                _adviser("adviser", "Adviser who visited"),
                ColumnSpec("visit_type", CODE, "Kind of visit", codes=VISIT_TYPES),
                _free_text("outcome_summary", "Outcome of the visit", required=False, limit=SUMMARY_LIMIT),
                ColumnSpec(
                    "days",
                    NUMBER,
                    "Length of the visit in days, e.g. 0.5 (blank: the default for its visit type, dbt seed "
                    "visit_default_durations; a file without this column is read as all blank)",
                    False,
                    minimum=VISIT_DAYS[0],
                    maximum=VISIT_DAYS[1],
                ),
            ),
            key=("visit_date", "urn", "adviser", "visit_type"),
        ),
        ReturnSpec(
            "traded_work",
            "Traded work",
            "Adviser work a school buys from the traded offer, the whole log to date each time: one row per piece of "
            "work, with its days. Costed at the agreed daily rate when one is given, else at the traded daily rate "
            "in force (dbt seed service_day_rates).",
            (
                _event_date("work_date", "Date of the work (its first day, for work of several days)"),
                _urn(),
                _adviser("adviser", "Adviser who did the work"),
                ColumnSpec(
                    "activity", CODE, "Traded activity (dbt seed traded_activities)", codes=traded_activity_codes()
                ),
                ColumnSpec(
                    "days",
                    NUMBER,
                    "Days of adviser time sold, e.g. 0.5",
                    minimum=TRADED_DAYS[0],
                    maximum=TRADED_DAYS[1],
                ),
                ColumnSpec(
                    "agreed_daily_rate",
                    NUMBER,
                    "Daily rate agreed with the school, in pounds (blank: the traded daily rate in force)",
                    False,
                    minimum=DAILY_RATE_GBP[0],
                    maximum=DAILY_RATE_GBP[1],
                ),
            ),
            key=("work_date", "urn", "adviser", "activity"),
        ),
        ReturnSpec(
            "targets",
            "School targets",
            "Targets agreed with each school, per measure and academic year (for the target-setting booklet).",
            (
                _urn(),
                ColumnSpec("academic_year", ACADEMIC_YEAR, "Academic year the target is for"),
                ColumnSpec("measure_code", CODE, "Measure (codes as in the warehouse)", codes=TARGET_MEASURES),
                ColumnSpec("target_value", NUMBER, "Target value in the measure's unit", minimum=-10, maximum=100),
                _event_date("set_on", "Date the target was agreed"),
                _adviser("set_by", "Adviser who agreed the target"),
            ),
            key=("urn", "academic_year", "measure_code"),
        ),
        ReturnSpec(
            "groupings",
            "School groupings and link advisers",
            "Each school's district (the LA's quadrant), cluster, partnership and network, and its link adviser. "
            "Send the whole return again when a school moves (a later effective_from on its row); unchanged rows are "
            "repeated as they were. Results are summarised by the groupings schools were in on 31 August of each "
            "year (published for partnerships, clusters, networks and districts; link advisers' caseloads stay "
            "restricted).",
            (
                _urn(),
                ColumnSpec(
                    "district", TEXT, "District: the LA's quadrant of the authority", max_length=GROUP_NAME_LIMIT
                ),
                ColumnSpec("cluster", TEXT, "Cluster", False, max_length=GROUP_NAME_LIMIT),
                ColumnSpec("partnership", TEXT, "Partnership", False, max_length=GROUP_NAME_LIMIT),
                ColumnSpec("network", TEXT, "Learning network", False, max_length=GROUP_NAME_LIMIT),
                _adviser("link_adviser", "Link adviser assigned to the school"),
                _event_date("effective_from", "Date these groupings took effect"),
            ),
            key=("urn",),
        ),
        ReturnSpec(
            "category_overrides",
            "Support category overrides",
            "Decisions to place a school in a different support category from the one the rules give. "
            "Overrides win, and are always shown with their rationale.",
            (
                _urn(),
                ColumnSpec(
                    "support_category", CODE, "Category the school is placed in", codes=support_category_codes()
                ),
                _free_text("rationale", "Why the category is overridden (required)"),
                _adviser("approved_by", "Who approved the override"),
                _event_date("decided_on", "Date of the decision"),
            ),
            key=("urn",),
        ),
    )
    return {spec.name: spec for spec in specs}


RETURNS: dict[str, ReturnSpec] = build_specs()
RETURN_ORDER = tuple(RETURNS)  # advisers first: the others are checked against it
