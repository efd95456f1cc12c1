"""Column maps (data, not logic) from DfE's tidy Explore Education Statistics (EES) school-level files, used
for KS2 and KS4 from 2024-25, onto the raw_ks2 / raw_ks4 columns the older performance-table layout fills.

An EES file is long: one row per area (school, LA or England) x filter combination, with one column per
indicator. Headers come from DfE's own file list (../shared/reference/dfe/dfe_sap_public/csv_headers_excerpt.md)
and filter values from its data map (datamap.csv): KS2 `ks2_school_attainment_data` / `ks2_la_nat_attainment_data`,
KS4 `202425_performance_tables_schools_<version>`. One file may hold several geographic levels (the EES
convention), so a year's school, LA and national rows map onto the RECTYPE-equivalent record types.

Every filter value and indicator column a layout knows is listed, mapped or not: anything else is refused with
the file, column and value, so a DfE change is seen rather than silently dropped.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from dagster_project.lib.sources import pupil_groups

# Columns every EES file has that say where and when a row applies (not filters, not indicators).
EES_IDENTIFIERS: tuple[str, ...] = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "version",
    "school_urn",
    "school_laestab",
    "school_name",
    "establishment_type_group",
)

# EES 'version' column -> data_version (the file's release within its year).
VERSIONS: Mapping[str, str] = MappingProxyType({"provisional": "provisional", "revised": "revised", "final": "final"})

# (geographic_level, establishment_type_group) -> record type. Levels not kept (regions) map to None and their
# rows are skipped. School rows are typed by establishment_type_group below.
AREA_RECORD_TYPES: Mapping[tuple[str, str], str | None] = MappingProxyType(
    {
        ("local authority", "all state funded"): "local_authority",
        ("local authority", "all state-funded"): "local_authority",
        ("national", "all state funded"): "national_state_funded",
        ("national", "all state-funded"): "national_state_funded",
        ("national", "all schools"): "national_all_schools",
        ("regional", "all state funded"): None,
        ("regional", "all state-funded"): None,
    }
)
GEOGRAPHIC_LEVELS: tuple[str, ...] = ("school", "local authority", "regional", "national")

# School rows: establishment_type_group -> (record type, NFTYPE-equivalent). Only the types staging needs to
# tell apart carry an NFTYPE (independent and non-maintained special schools are not state-funded).
SCHOOL_TYPES: Mapping[str, tuple[str, str | None]] = MappingProxyType(
    {
        "academies": ("mainstream_school", None),
        "free schools": ("mainstream_school", None),
        "local authority maintained schools": ("mainstream_school", None),
        "special schools": ("special_school", None),
        "independent schools": ("mainstream_school", "IND"),
        "independent special schools": ("special_school", "INDSPEC"),
        "non-maintained special schools": ("special_school", "NMSS"),
    }
)


@dataclass(frozen=True)
class EesLayout:
    """One key stage's tidy layout: its filters, known indicators and the cells that fill raw measures."""

    key_stage: str
    filters: tuple[str, ...]  # filter columns that, together, pick one cell per area and indicator
    filter_values: Mapping[str, frozenset[str]]  # every value each filter column may hold (lower case)
    extra_filters: tuple[str, ...]  # redundant filter columns (KS4 repeats the breakdown per characteristic)
    indicators: tuple[str, ...]  # every indicator column DfE publishes in this file
    # (filter values in `filters` order, indicator) -> raw measure; pupil groups and subjects from seed
    # pupil_group_columns, then the headline measures
    measures: Mapping[tuple[tuple[str, ...], str], str]
    record_types: Mapping[str, int]  # record type -> this key stage's RECTYPE

    @property
    def known_columns(self) -> frozenset[str]:
        return frozenset((*EES_IDENTIFIERS, *self.filters, *self.extra_filters, *self.indicators))


_KS2_ALL = ("all pupils", "total")
_KS2_DIS = ("disadvantaged status", "disadvantaged")
_KS2_OTHER = ("disadvantaged status", "disadvantaged all other")
_RWM = "reading, writing and maths"

KS2 = EesLayout(
    key_stage="ks2",
    filters=("breakdown_topic", "breakdown", "subject"),
    filter_values=MappingProxyType(
        {
            "breakdown_topic": frozenset(
                {
                    "all pupils",
                    "sex",
                    "disadvantaged status",
                    "first language",
                    "mobility status",
                    "average (2023 to 2025)",
                }
            ),
            "breakdown": frozenset(
                {
                    "total",
                    "boys",
                    "girls",
                    "disadvantaged",
                    "disadvantaged all other",
                    "known or believed to be english",
                    "known or believed to be other than english",
                    "non mobile",
                    "3 year average",
                }
            ),
            "subject": frozenset({"reading", "writing", "maths", "grammar, punctuation and spelling", _RWM}),
        }
    ),
    extra_filters=(),
    # DfE's ks2_*_attainment_data indicators, plus pupil_count: DfE publishes the cohort counts in the
    # companion information file, which a one-file slice cannot join, so the layout accepts them here.
    indicators=(
        "pupil_count",
        "expected_standard_pupil_percent",
        "higher_standard_pupil_percent",
        "average_scaled_score",
        "progress_measure_score",
        "progress_measure_lower_conf_interval",
        "progress_measure_upper_conf_interval",
        "absent_or_not_able_to_access_percent",
        "working_towards_expected_standard_pupil_percent",
        "absent_or_disapplied_percent",
        "progress_measure_unadjusted",
        "progress_measure_description",
    ),
    measures=MappingProxyType(
        {
            **pupil_groups.ees_measures("ks2"),
            ((*_KS2_ALL, _RWM), "pupil_count"): "telig",
            ((*_KS2_ALL, _RWM), "expected_standard_pupil_percent"): "ptrwm_exp",
            ((*_KS2_ALL, _RWM), "higher_standard_pupil_percent"): "ptrwm_high",
            ((*_KS2_DIS, _RWM), "pupil_count"): "tfsm6cla1a",
            ((*_KS2_DIS, _RWM), "expected_standard_pupil_percent"): "ptrwm_exp_fsm6cla1a",
            ((*_KS2_DIS, _RWM), "higher_standard_pupil_percent"): "ptrwm_high_fsm6cla1a",
            ((*_KS2_OTHER, _RWM), "pupil_count"): "tnotfsm6cla1a",
            ((*_KS2_OTHER, _RWM), "expected_standard_pupil_percent"): "ptrwm_exp_notfsm6cla1a",
            ((*_KS2_OTHER, _RWM), "higher_standard_pupil_percent"): "ptrwm_high_notfsm6cla1a",
            ((*_KS2_ALL, "reading"), "average_scaled_score"): "read_average",
            ((*_KS2_ALL, "reading"), "progress_measure_score"): "readprog",
            ((*_KS2_ALL, "reading"), "progress_measure_lower_conf_interval"): "readprog_lower",
            ((*_KS2_ALL, "reading"), "progress_measure_upper_conf_interval"): "readprog_upper",
            ((*_KS2_ALL, "writing"), "progress_measure_score"): "writprog",
            ((*_KS2_ALL, "writing"), "progress_measure_lower_conf_interval"): "writprog_lower",
            ((*_KS2_ALL, "writing"), "progress_measure_upper_conf_interval"): "writprog_upper",
            ((*_KS2_ALL, "maths"), "average_scaled_score"): "mat_average",
            ((*_KS2_ALL, "maths"), "progress_measure_score"): "matprog",
            ((*_KS2_ALL, "maths"), "progress_measure_lower_conf_interval"): "matprog_lower",
            ((*_KS2_ALL, "maths"), "progress_measure_upper_conf_interval"): "matprog_upper",
            ((*_KS2_ALL, "grammar, punctuation and spelling"), "average_scaled_score"): "gps_average",
        }
    ),
    record_types=MappingProxyType(
        {
            "mainstream_school": 1,
            "special_school": 2,
            "local_authority": 3,
            "national_all_schools": 4,
            "national_state_funded": 5,
        }
    ),
)

# DfE's 202425_performance_tables_schools_* indicators, in file order.
_KS4_INDICATORS = """pupil_count pupil_percent attainment8_sum attainment8_average engmath_entering_total
        engmath_entering_percent engmath_95_total engmath_95_percent engmath_94_total engmath_94_percent
        ebacc_entering_total ebacc_entering_percent ebacc_95_total ebacc_95_percent ebacc_94_total ebacc_94_percent
        ebacc_aps_sum ebacc_aps_average progress8_pupil_count progress8_sum progress8_average progress8_lower_95_ci
        progress8_upper_95_ci progress8eng_sum progress8eng_average progress8eng_lower_95_ci
        progress8eng_upper_95_ci progress8mat_sum progress8mat_average progress8mat_lower_95_ci
        progress8mat_upper_95_ci progress8ebacc_sum progress8ebacc_average progress8ebacc_lower_95_ci
        progress8ebacc_upper_95_ci progress8open_sum progress8open_average progress8open_lower_95_ci
        progress8open_upper_95_ci gcse_91_total gcse_91_percent ebacceng_entering_total ebacceng_entering_percent
        ebaccmat_entering_total ebaccmat_entering_percent ebaccsci_entering_total ebaccsci_entering_percent
        ebacchum_entering_total ebacchum_entering_percent ebacclan_entering_total ebacclan_entering_percent
        ebacceng_95_total ebacceng_95_percent ebaccmat_95_total ebaccmat_95_percent ebaccsci_95_total
        ebaccsci_95_percent ebacchum_95_total ebacchum_95_percent ebacclan_95_total ebacclan_95_percent
        ebacceng_94_total ebacceng_94_percent ebaccmat_94_total ebaccmat_94_percent ebaccsci_94_total
        ebaccsci_94_percent ebacchum_94_total ebacchum_94_percent ebacclan_94_total ebacclan_94_percent
        attainment8eng_sum attainment8eng_average attainment8mat_sum attainment8mat_average attainment8ebacc_sum
        attainment8ebacc_average attainment8open_sum attainment8open_average attainment8open_gcse_sum
        attainment8open_gcse_average attainment8open_nongcse_sum attainment8open_nongcse_average
        attainment8ebacc_slotfill_total attainment8ebacc_slotfill_average attainment8open_slotfill_total
        attainment8open_slotfill_average sci_triple_entering_total sci_triple_entering_percent
        lan_multiple_entering_total lan_multiple_entering_percent ebacceng_91_total ebacceng_91_percent
        ebaccmat_91_total ebaccmat_91_percent ebaccsci_91_total ebaccsci_91_percent ebacchum_91_total
        ebacchum_91_percent ebacclan_91_total ebacclan_91_percent ebacc_91_total ebacc_91_percent
        gcse_five_engmath_total gcse_five_engmath_percent progress8_pupil_percent progress8_adjusted_total
        progress8_adjusted_percent progress8original_sum progress8original_average progress8original_lower_95_ci
        progress8original_upper_95_ci valueaddedsci_pupil_count valueaddedsci_pupil_percent valueaddedsci_sum
        valueaddedsci_average valueaddedsci_lower_95_ci valueaddedsci_upper_95_ci valueaddedhum_pupil_count
        valueaddedhum_pupil_percent valueaddedhum_sum valueaddedhum_average valueaddedhum_lower_95_ci
        valueaddedhum_upper_95_ci valueaddedlan_pupil_count valueaddedlan_pupil_percent valueaddedlan_sum
        valueaddedlan_average valueaddedlan_lower_95_ci valueaddedlan_upper_95_ci qual_entries_sum
        qual_entries_average gcse_entries_sum gcse_entries_average qual_entries_without_discounting_sum
        qual_entries_without_discounting_average"""

_KS4_ALL = ("total", "total")
_KS4_DIS = ("disadvantage status", "disadvantaged")
_KS4_OTHER = ("disadvantage status", "not known to be disadvantaged")

KS4 = EesLayout(
    key_stage="ks4",
    filters=("breakdown_topic", "breakdown"),
    filter_values=MappingProxyType(
        {
            "breakdown_topic": frozenset(
                {"total", "sex", "disadvantage status", "first language", "prior attainment", "mobility"}
            ),
            "breakdown": frozenset(
                {
                    "total",
                    "boys",
                    "girls",
                    "disadvantaged",
                    "not known to be disadvantaged",
                    "known or believed to be english",
                    "known or believed to be other than english",
                    "non mobile",
                    "low",
                    "middle",
                    "high",
                }
            ),
        }
    ),
    extra_filters=("sex", "disadvantage_status", "first_language", "prior_attainment", "mobility"),
    indicators=tuple(_KS4_INDICATORS.split()),
    measures=MappingProxyType(
        {
            **pupil_groups.ees_measures("ks4"),
            (_KS4_ALL, "pupil_count"): "tpup",
            (_KS4_ALL, "attainment8_average"): "att8scr",
            (_KS4_ALL, "progress8_pupil_count"): "p8pup",
            (_KS4_ALL, "progress8_pupil_percent"): "p8meacov",
            (_KS4_ALL, "progress8_average"): "p8mea",
            (_KS4_ALL, "progress8_lower_95_ci"): "p8cilow",
            (_KS4_ALL, "progress8_upper_95_ci"): "p8ciupp",
            (_KS4_ALL, "engmath_95_percent"): "ptl2basics_95",
            (_KS4_ALL, "engmath_94_percent"): "ptl2basics_94",
            (_KS4_ALL, "ebacc_aps_average"): "ebaccaps",
            (_KS4_ALL, "ebacc_entering_percent"): "ptebacc_e_ptq_ee",
            (_KS4_DIS, "pupil_count"): "tfsm6cla1a",
            (_KS4_DIS, "pupil_percent"): "ptfsm6cla1a",
            (_KS4_DIS, "attainment8_average"): "att8scr_fsm6cla1a",
            (_KS4_DIS, "progress8_average"): "p8mea_fsm6cla1a",
            (_KS4_OTHER, "pupil_count"): "tnotfsm6cla1a",
            (_KS4_OTHER, "pupil_percent"): "ptnotfsm6cla1a",
            (_KS4_OTHER, "attainment8_average"): "att8scr_nfsm6cla1a",
            (_KS4_OTHER, "progress8_average"): "p8mea_nfsm6cla1a",
        }
    ),
    record_types=MappingProxyType(
        {
            "mainstream_school": 1,
            "special_school": 2,
            "local_authority": 4,
            "national_all_schools": 5,
            "national_state_funded": 7,
        }
    ),
)

LAYOUTS: Mapping[str, EesLayout] = MappingProxyType({"ks2": KS2, "ks4": KS4})


def is_ees_file(path: Path) -> bool:
    """EES files carry time_period and geographic_level; the legacy layout starts with RECTYPE.

    Only the first line is read. Anything unreadable answers False, so the legacy parser explains the problem.
    """
    with Path(path).open("rb") as handle:
        first = handle.readline(1 << 16)
    text = first.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")
    try:
        headers = next(csv.reader([text]), [])
    except csv.Error:  # binary, UTF-16, a workbook: the legacy reader says what the file is
        return False
    keys = {" ".join(h.split()).casefold() for h in headers}
    return {"time_period", "geographic_level"} <= keys
