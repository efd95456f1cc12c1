"""Which measures each KS2 / KS4 performance-table layout publishes, from performance_table_layouts.yml (data).

A measure a layout never published (EBACCAPS before 2017-18; disadvantaged breakdowns in the 25-column provisional
headline file) is "not published that year", loaded as NULL with reason NP, not a reason to refuse the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml

LAYOUTS_FILE = Path(__file__).with_name("performance_table_layouts.yml")
NOT_PUBLISHED_REASON = "NP"


@dataclass(frozen=True)
class Layout:
    key_stage: str
    name: str
    description: str
    first_year: str | None
    last_year: str | None
    data_versions: tuple[str, ...]
    not_published: Mapping[str, str]  # raw measure column -> why DfE did not publish it in this layout
    source: str

    def covers(self, academic_year: str | None) -> bool:
        if academic_year is None:
            return True
        return (self.first_year is None or academic_year >= self.first_year) and (
            self.last_year is None or academic_year <= self.last_year
        )


@cache
def layouts(path: Path = LAYOUTS_FILE) -> dict[str, tuple[Layout, ...]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out: dict[str, tuple[Layout, ...]] = {}
    for key_stage, entries in data.items():
        out[key_stage] = tuple(
            Layout(
                key_stage=key_stage,
                name=entry["layout"],
                description=entry["description"],
                first_year=entry.get("first_year") or None,
                last_year=entry.get("last_year") or None,
                data_versions=tuple(entry.get("data_versions") or ()),
                not_published=MappingProxyType(_not_published(key_stage, entry)),
                source=entry["source"],
            )
            for entry in entries
        )
    return out


def _not_published(key_stage: str, entry: Mapping) -> dict[str, str]:
    """The entry's `not_published` columns, plus every pupil-group column when `not_published_pupil_groups` says
    why the layout has no group breakdowns (seed pupil_group_columns, beyond the headline measures)."""
    not_published = dict(entry.get("not_published") or {})
    reason = entry.get("not_published_pupil_groups")
    if reason:
        for column in _group_columns(key_stage):
            not_published.setdefault(column, reason)
    return not_published


def _group_columns(key_stage: str) -> tuple[str, ...]:
    from dagster_project.lib.sources import ks2, ks4  # they import this module

    return {"ks2": ks2, "ks4": ks4}[key_stage].GROUP_MEASURES


def full_layout(key_stage: str) -> Layout:
    """The last layout of a key stage: every measure the warehouse reads."""
    return layouts()[key_stage][-1]


def match_layout(
    key_stage: str,
    header: Sequence[str],
    academic_year: str | None,
    data_version: str | None = None,
    *,
    measures: Sequence[str] | None = None,
) -> Layout | None:
    """The first layout whose years and release cover the file and whose measures are exactly those in the header.

    Only the wide (RECTYPE) layout is judged here; EES tidy files have their own column maps. None when no layout
    fits: the caller then reads the file as the full layout, which names every missing column.
    """
    keys = {" ".join(h.split()).casefold() for h in header}
    if key_stage not in layouts() or "rectype" not in keys:
        return None
    from dagster_project.lib.sources import ks2, ks4, pupil_groups  # they import this module

    if measures is None:
        measures = {"ks2": ks2.HEADLINE_MEASURES, "ks4": ks4.HEADLINE_MEASURES}[key_stage]
    aliases = pupil_groups.aliases(key_stage)
    for layout in layouts()[key_stage]:
        if not layout.covers(academic_year):
            continue
        if data_version is not None and layout.data_versions and data_version not in layout.data_versions:
            continue
        absent = set(layout.not_published)
        if keys & absent:
            continue
        if all(keys & {measure, *aliases.get(measure, ())} for measure in measures if measure not in absent):
            return layout
    return None
