"""KS2 school performance tables (england_ks2final.csv / ks2revised / ks2provisional)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dagster_project.lib.sources import _performance_tables as pt
from dagster_project.lib.sources import ees_layouts, pupil_groups
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "ks2"
TABLE = "raw_ks2"

# KS2 RECTYPE (DfE ks2_meta): note the LA row is 3 here but 4 in KS4.
RECORD_TYPES: dict[int, str] = {
    1: "mainstream_school",
    2: "special_school",
    3: "local_authority",
    4: "national_all_schools",
    5: "national_state_funded",
}

HEADLINE_MEASURES: tuple[str, ...] = (
    "totpups",
    "telig",
    "tfsm6cla1a",
    "ptfsm6cla1a",
    "tnotfsm6cla1a",
    "ptnotfsm6cla1a",
    "ptrwm_exp",
    "ptrwm_high",
    "ptrwm_exp_fsm6cla1a",
    "ptrwm_exp_notfsm6cla1a",
    "ptrwm_high_fsm6cla1a",
    "ptrwm_high_notfsm6cla1a",
    "diffn_rwm_exp",
    "read_average",
    "gps_average",
    "mat_average",
    "readprog",
    "readprog_lower",
    "readprog_upper",
    "readcov",
    "writprog",
    "writprog_lower",
    "writprog_upper",
    "writcov",
    "matprog",
    "matprog_lower",
    "matprog_upper",
    "matcov",
)

# Then every pupil-group and subject column of seed pupil_group_columns the headline list does not read.
GROUP_MEASURES: tuple[str, ...] = pupil_groups.extra_measures(SOURCE, HEADLINE_MEASURES)
MEASURES: tuple[str, ...] = HEADLINE_MEASURES + GROUP_MEASURES

SCHEMA = pt.schema(MEASURES)
COLUMNS = pt.source_columns(MEASURES, pupil_groups.aliases(SOURCE), GROUP_MEASURES)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """Every row (all RECTYPEs) of a KS2 file as raw_ks2 columns, without loaded_at."""
    return pt.parse_key_stage_file(
        path,
        key_stage=SOURCE,
        ees_layout=ees_layouts.KS2,
        record_types=RECORD_TYPES,
        measures=MEASURES,
        group_measures=GROUP_MEASURES,
        academic_year=academic_year,
        data_version=data_version,
    )


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
