"""KS4 school performance tables (england_ks4final.csv / ks4revised / ks4provisional)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.sources import _performance_tables as pt
from dagster_project.lib.sources import ees_layouts, pupil_groups
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "ks4"
TABLE = "raw_ks4"

# KS4 RECTYPE (DfE ks4 meta) differs from KS2: LA = 4, national all = 5, national state-funded = 7.
RECORD_TYPES: dict[int, str] = {
    1: "mainstream_school",
    2: "special_school",
    4: "local_authority",
    5: "national_all_schools",
    7: "national_state_funded",
}

# KS4 spells non-disadvantaged 'NFSM6CLA1A' in measure suffixes but 'NOTFSM6CLA1A' in cohort counts.
HEADLINE_MEASURES: tuple[str, ...] = (
    "totpups",
    "tpup",
    "tfsm6cla1a",
    "ptfsm6cla1a",
    "tnotfsm6cla1a",
    "ptnotfsm6cla1a",
    "att8scr",
    "att8scr_fsm6cla1a",
    "att8scr_nfsm6cla1a",
    "p8pup",
    "p8meacov",
    "p8mea",
    "p8cilow",
    "p8ciupp",
    "p8mea_fsm6cla1a",
    "p8mea_nfsm6cla1a",
    "diffn_p8mea",
    "ptl2basics_95",
    "ptl2basics_94",
    "ebaccaps",
    "ptebacc_e_ptq_ee",
)

# Then every pupil-group and subject column of seed pupil_group_columns the headline list does not read.
GROUP_MEASURES: tuple[str, ...] = pupil_groups.extra_measures(SOURCE, HEADLINE_MEASURES)
MEASURES: tuple[str, ...] = HEADLINE_MEASURES + GROUP_MEASURES

SCHEMA = pt.schema(MEASURES)
COLUMNS = pt.source_columns(MEASURES, pupil_groups.aliases(SOURCE), GROUP_MEASURES)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """Every row (all RECTYPEs) of a KS4 file as raw_ks4 columns, without loaded_at."""
    return pt.parse_key_stage_file(
        path,
        key_stage=SOURCE,
        ees_layout=ees_layouts.KS4,
        record_types=RECORD_TYPES,
        measures=MEASURES,
        group_measures=GROUP_MEASURES,
        academic_year=academic_year,
        data_version=data_version,
    )


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
