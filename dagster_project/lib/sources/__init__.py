"""One module per source file type; each exposes `parse(path, *, academic_year, data_version)` and a SPEC.

`SOURCES` maps the manifest's source name to its spec (raw table, column types, parser).
"""

from __future__ import annotations

from dagster_project.lib.sources import (
    absence,
    census,
    gias,
    ks2,
    ks4,
    ks4_destinations,
    ks5,
    la_codes,
    ofsted,
    school_information,
    statistical_neighbours,
    suspensions,
)
from dagster_project.lib.sources._fields import SourceSpec

SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        ks2.SPEC,
        ks4.SPEC,
        gias.ESTABLISHMENTS_SPEC,
        gias.LINKS_SPEC,
        ofsted.SPEC,
        census.SPEC,
        absence.SPEC,
        ks4_destinations.SPEC,
        suspensions.SPEC,
        ks5.SPEC,
        ks5.NATIONAL_SPEC,
        school_information.SPEC,
        statistical_neighbours.SPEC,
        la_codes.SPEC,
    )
}

__all__ = ["SOURCES", "SourceSpec"]
