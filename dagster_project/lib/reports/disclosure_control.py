"""Disclosure control for published figures: no figure about the configured number of pupils or fewer.

The threshold and the wording are data (reports/disclosure_control.yml, DfE's rule: 5 or fewer suppressed), and so
is the larger cohort a school needs before a published gap table names it (11 disadvantaged pupils).
Two kinds of suppression stay distinguishable in every published table and download: figures DfE itself
suppressed ("suppressed at source (DfE)", special value SUPP) and figures this service suppresses because
they describe too few pupils ("suppressed: 5 or fewer pupils").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dagster_project.lib.reports.report_text import is_missing
from dagster_project.settings import REPORTS_DIR

RULE_FILE = REPORTS_DIR / "disclosure_control.yml"
THRESHOLD_ENV = "SI_SUPPRESSION_MAX_PUPILS"
SOURCE_SUPPRESSION_CODES = frozenset({"SUPP", "SUPP*", "C", "X"})


class DisclosureRuleError(ValueError):
    """The disclosure-control rule file or override is unreadable or out of range."""


@dataclass(frozen=True)
class DisclosureRule:
    max_suppressed_pupils: int
    source: str
    local_label_template: str = "suppressed: {max} or fewer pupils"
    source_label: str = "suppressed at source (DfE)"
    min_pupils_to_name_school: int = 0  # a gap table names a school only with at least this many pupils
    naming_source: str = ""

    @property
    def local_label(self) -> str:
        return self.local_label_template.format(max=self.max_suppressed_pupils)

    def is_disclosive(self, pupils: Any) -> bool:
        """True when a figure about `pupils` pupils must not be published (unknown counts are not disclosive:
        DfE publishes the count whenever it publishes the figure)."""
        if is_missing(pupils):
            return False
        return float(pupils) <= self.max_suppressed_pupils

    def may_name_school(self, pupils: Any) -> bool:
        """True when a school with `pupils` pupils in the group may be named in a published gap table (an
        unknown count may not: the table must show it)."""
        return not is_missing(pupils) and float(pupils) >= self.min_pupils_to_name_school

    def statement(self) -> str:
        return (
            f"Disclosure control: no figure about {self.max_suppressed_pupils} or fewer pupils is published; "
            f"such figures show as '{self.local_label}'. Figures the Department for Education suppressed in its "
            f"own files show as '{self.source_label}'."
        )


@dataclass(frozen=True)
class Controlled:
    """A figure after disclosure control: `value` is None when it may not be shown, and `label` says why."""

    value: float | None
    label: str | None

    @property
    def suppressed(self) -> bool:
        return self.value is None and self.label is not None


def load_rule(path: Path = RULE_FILE, environ: dict[str, str] | None = None) -> DisclosureRule:
    """The rule from `path`; $SI_SUPPRESSION_MAX_PUPILS, if set, overrides the threshold."""
    environ = dict(os.environ) if environ is None else environ
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        threshold = int(data["max_suppressed_pupils"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise DisclosureRuleError(
            f"Disclosure rule file '{path}' must hold an integer 'max_suppressed_pupils': {error}"
        ) from error
    override = environ.get(THRESHOLD_ENV)
    if override not in (None, ""):
        try:
            threshold = int(override)
        except ValueError as error:
            raise DisclosureRuleError(f"{THRESHOLD_ENV}={override!r} is not an integer number of pupils.") from error
    if threshold < 0:
        raise DisclosureRuleError(f"max_suppressed_pupils must be 0 or more, got {threshold} (from '{path}').")
    try:
        naming = int(data.get("min_pupils_to_name_school", threshold + 1))
    except (TypeError, ValueError) as error:
        raise DisclosureRuleError(
            f"Disclosure rule file '{path}': 'min_pupils_to_name_school' must be an integer number of pupils: {error}"
        ) from error
    naming = max(naming, threshold + 1)  # never name a school for a figure that may not be published
    return DisclosureRule(
        max_suppressed_pupils=threshold,
        source=str(data.get("source", "")),
        local_label_template=str(data.get("local_label", DisclosureRule.local_label_template)),
        source_label=str(data.get("source_label", DisclosureRule.source_label)),
        min_pupils_to_name_school=naming,
        naming_source=str(data.get("naming_source", "")),
    )


def control(value: Any, pupils: Any, value_reason: Any, rule: DisclosureRule) -> Controlled:
    """Apply the rule to one figure. Source suppression wins (it is kept and shown as such); then small counts;
    a missing figure with another reason is left to the report's reason words."""
    if not is_missing(value_reason) and str(value_reason).strip().upper() in SOURCE_SUPPRESSION_CODES:
        return Controlled(None, rule.source_label)
    if rule.is_disclosive(pupils):
        return Controlled(None, rule.local_label)
    if is_missing(value):
        return Controlled(None, None)
    return Controlled(float(value), None)


def control_by_count(value: Any, count: Any, value_reason: Any, rule: DisclosureRule) -> Controlled:
    """`control` for a figure built on `count` pupils or events (a suspension rate, the pupils suspended): a count
    of none describes no one, so only 1 to the rule's number holds the figure back."""
    return control(value, None if is_missing(count) or float(count) == 0 else count, value_reason, rule)
