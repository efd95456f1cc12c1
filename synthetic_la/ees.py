"""KS2 and KS4 school-level files in DfE's tidy Explore Education Statistics layout (2024-25 onwards).

The figures are the same ones the legacy writers (ks2.py, ks4.py) would publish for the year, melted into one
row per area x breakdown, so school, LA and national rows stay pupil-weighted exactly as before. Which legacy
column fills which tidy cell is read from the parser's own map (lib/sources/ees_layouts.py), inverted; the tests
check the tidy cells against the simulated results, not against that map. Special values become EES symbols
(no blanks in EES files).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dagster_project.lib.sources.ees_layouts import KS2 as KS2_LAYOUT
from dagster_project.lib.sources.ees_layouts import KS4 as KS4_LAYOUT
from dagster_project.lib.sources.ees_layouts import EesLayout

from . import ks2, ks4
from .outcomes import Results
from .world import World

# Legacy special values -> EES symbols (c confidential, z not applicable, x not available).
SYMBOLS = {"SUPP": "c", "NA": "z", "NE": "z", "NEW": "z", "NP": "x", "LOWCOV": "c", "": "z"}
# No KS2 2020 teacher assessments, so no Progress 8 for the 2025 KS4 cohort (FORMATS.md, 2024-25 files).
NO_PROGRESS8_YEARS = ("2024-25",)
PROGRESS8 = frozenset({"p8pup", "p8meacov", "p8mea", "p8cilow", "p8ciupp", "p8mea_fsm6cla1a", "p8mea_nfsm6cla1a"})
# Nor any KS2 prior-attainment bands for that cohort: the group's Progress 8 and every prior-attainment cell.
NO_BASELINE = frozenset({column.lower() for column in ks4.GROUP_PROGRESS}) | frozenset(
    column.lower()
    for band in ("prior_low", "prior_middle", "prior_high")
    for column in ks4.GROUP_COLUMNS[band]
    if column
)

LEADING = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "version",
    "old_la_code",
    "new_la_code",
    "la_name",
    "school_urn",
    "school_laestab",
    "school_name",
    "establishment_type_group",
]
KS2_INDICATORS = [
    "pupil_count",
    "expected_standard_pupil_percent",
    "higher_standard_pupil_percent",
    "average_scaled_score",
    "progress_measure_score",
    "progress_measure_lower_conf_interval",
    "progress_measure_upper_conf_interval",
]
KS4_INDICATORS = [
    "pupil_count",
    "pupil_percent",
    "attainment8_average",
    "engmath_entering_percent",
    "engmath_95_percent",
    "engmath_94_percent",
    "ebacc_entering_percent",
    "ebacc_aps_average",
    "progress8_pupil_count",
    "progress8_average",
    "progress8_lower_95_ci",
    "progress8_upper_95_ci",
    "progress8_pupil_percent",
    "attainment8eng_average",
    "attainment8mat_average",
]
RWM = "Reading, writing and maths"
OTHER_THAN_ENGLISH = "Known or believed to be other than English"
# Breakdowns written per area, in display case.
KS2_BREAKDOWNS = [
    ("All pupils", "Total", RWM),
    ("Disadvantaged status", "Disadvantaged", RWM),
    ("Disadvantaged status", "Disadvantaged all other", RWM),
    ("Sex", "Boys", RWM),
    ("Sex", "Girls", RWM),
    ("First language", OTHER_THAN_ENGLISH, RWM),
    ("Mobility status", "Non mobile", RWM),
    ("All pupils", "Total", "Reading"),
    ("All pupils", "Total", "Writing"),
    ("All pupils", "Total", "Maths"),
    ("All pupils", "Total", "Grammar, punctuation and spelling"),
]
KS4_BREAKDOWNS = [
    ("Total", "Total"),
    ("Disadvantage status", "Disadvantaged"),
    ("Disadvantage status", "Not known to be disadvantaged"),
    ("Sex", "Boys"),
    ("Sex", "Girls"),
    ("First language", OTHER_THAN_ENGLISH),
    ("Prior attainment", "Low"),
    ("Prior attainment", "Middle"),
    ("Prior attainment", "High"),
    ("Mobility", "Non mobile"),
]
KS4_EXTRA_FILTERS = ["sex", "disadvantage_status", "first_language", "prior_attainment", "mobility"]


def file_name(stage: str, year: str, version: str) -> str:
    """KS2 keeps DfE's version-less name (the release is in the `version` column); KS4 names its release."""
    if stage == "ks2":
        return "ks2_school_attainment_data.csv"
    return f"{year.replace('-', '')}_performance_tables_schools_{version}.csv"


def header(stage: str) -> list[str]:
    if stage == "ks2":
        return [*LEADING, "breakdown_topic", "breakdown", "subject", *KS2_INDICATORS]
    return [*LEADING, "breakdown_topic", "breakdown", *KS4_EXTRA_FILTERS, *KS4_INDICATORS]


def _symbol(cell: str) -> str:
    text = cell.strip()
    if text in SYMBOLS:
        return SYMBOLS[text]
    return text.removesuffix("%")


def _area(stage: str, legacy: dict[str, str], world: World) -> tuple[str, str, str, str, str, str, str, str]:
    """(geographic_level, old_la_code, new_la_code, la_name, urn, laestab, school_name, establishment_type_group)."""
    rectype = legacy["RECTYPE"]
    la_rectype, national_all, national_state = ("3", "4", "5") if stage == "ks2" else ("4", "5", "7")
    state = "All state funded" if stage == "ks2" else "All state-funded"
    if rectype == la_rectype:
        code = int(legacy["LEA"])
        la_name = next(la.name for la in world.las if la.code == code)
        return ("Local authority", str(code), f"E0{code + 6000000}", la_name, "", "", "", state)
    if rectype == national_all:
        return ("National", "", "", "", "", "", "", "All schools")
    if rectype == national_state:
        return ("National", "", "", "", "", "", "", state)
    code = int(legacy["LEA"])
    la_name = next(la.name for la in world.las if la.code == code)
    laestab = str(code * 10000 + int(legacy["ESTAB"]))
    return (
        "School",
        str(code),
        f"E0{code + 6000000}",
        la_name,
        legacy["URN"],
        laestab,
        legacy["SCHNAME"],
        _school_group(rectype, legacy["NFTYPE"]),
    )


def _school_group(rectype: str, nftype: str) -> str:
    if nftype in ("IND",):
        return "Independent schools"
    if nftype == "INDSPEC":
        return "Independent special schools"
    if nftype == "NMSS":
        return "Non-maintained special schools"
    if rectype == "2":
        return "Special schools"
    if nftype in ("F",):
        return "Free schools"
    if nftype.startswith("AC"):
        return "Academies"
    return "Local authority maintained schools"


def rows(stage: str, world: World, results: Results, year: str, version: str) -> Iterable[list[str]]:
    module, layout = (ks2, KS2_LAYOUT) if stage == "ks2" else (ks4, KS4_LAYOUT)
    legacy_header = [name.upper() for name in module.header(year)]
    breakdowns = KS2_BREAKDOWNS if stage == "ks2" else KS4_BREAKDOWNS
    indicators = KS2_INDICATORS if stage == "ks2" else KS4_INDICATORS
    for legacy_row in module.rows(world, results, year):
        legacy = dict(zip(legacy_header, legacy_row, strict=True))
        level, old_la, new_la, la_name, urn, laestab, name, group = _area(stage, legacy, world)
        leading = [
            year.replace("-", ""),
            "Academic year",
            level,
            "E92000001",
            "England",
            version.capitalize(),
            old_la,
            new_la,
            la_name,
            urn,
            laestab,
            name,
            group,
        ]
        for breakdown in breakdowns:
            cells = [_cell(layout, breakdown, indicator, legacy, year) for indicator in indicators]
            yield [*leading, *breakdown, *_extra_filters(stage, breakdown), *cells]


def _extra_filters(stage: str, breakdown: Sequence[str]) -> list[str]:
    """KS4 repeats the breakdown in one column per characteristic ('Total' where it is not the one split)."""
    if stage == "ks2":
        return []
    topic, value = breakdown
    column = {
        "Sex": "sex",
        "Disadvantage status": "disadvantage_status",
        "First language": "first_language",
        "Prior attainment": "prior_attainment",
        "Mobility": "mobility",
    }.get(topic)
    return [value if name == column else "Total" for name in KS4_EXTRA_FILTERS]


def _cell(layout: EesLayout, breakdown: Sequence[str], indicator: str, legacy: dict[str, str], year: str) -> str:
    measure = layout.measures.get((tuple(v.casefold() for v in breakdown), indicator))
    if measure is None:
        return "x"  # published by DfE but not generated here
    if year in NO_PROGRESS8_YEARS and (measure in PROGRESS8 or measure in NO_BASELINE):
        return "z"
    return _symbol(legacy.get(measure.upper(), ""))
