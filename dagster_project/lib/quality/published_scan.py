"""Proof that nothing restricted reached the published site: scan every published file for restricted field
names and for the restricted values themselves (register and categorisation free text, adviser names).

HTML is read as its visible text and attributes, Excel workbooks as their cell and sheet XML, other files as
text. PDFs carry the same text as their HTML page (both are rendered from one document) in compressed,
font-encoded streams, so their readable parts (metadata, bookmarks) are scanned as bytes.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.warehouse.reader import Warehouse, open_reader

# Field names of restricted data (LA returns, register, categorisation reasons) as stored and as headed.
RESTRICTED_FIELD_NAMES = (
    "key_concerns",
    "support_offered",
    "progress_and_actions",
    "next_steps",
    "lead_professional",
    "months_on_register",
    "reviews_this_term",
    "capacity_to_improve",
    "capacity_state",
    "risk_flags",
    "exclusion_reason",
    "adviser",
    "Key concerns",
    "Lead professional",
    "Progress and actions taken",
    "Months on register",
    "Capacity to improve",
    "Data risk flags",
)
# Restricted columns whose values must never be published: (table, column, kind). A 'text' value is looked for when
# it is at least MIN_TEXT_LENGTH long (shorter ones, e.g. 'secure' or 'attendance', are ordinary words); a 'name' (a
# person: adviser, lead professional) at any length. Every value is matched as whole words, so a short name is not
# found inside a longer word.
RESTRICTED_VALUE_COLUMNS = (
    ("fct_school_support_category", "reasons", "text"),
    ("fct_school_intervention", "intervention_reasons", "text"),
    ("fct_causing_concern_register", "key_concerns", "text"),
    ("fct_causing_concern_register", "support_offered", "text"),
    ("fct_causing_concern_register", "progress_and_actions", "text"),
    ("fct_causing_concern_register", "next_steps", "text"),
    ("fct_causing_concern_register", "lead_professional", "name"),
    ("int_adviser_capacity_judgements", "adviser_name", "name"),
    ("int_adviser_capacity_judgements", "main_concern", "text"),
    ("stg_returns__category_overrides", "rationale", "text"),
    ("stg_returns__visits", "outcome_summary", "text"),
    ("rpt_grouping__caseloads", "adviser_name", "name"),
    ("rpt_service__days_and_costs", "adviser", "name"),
)
MIN_TEXT_LENGTH = 12


@dataclass(frozen=True)
class Finding:
    path: Path
    term: str
    kind: str  # 'field name' or 'restricted value'

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} {self.term!r}"


def restricted_values(warehouse: Warehouse | Path) -> set[str]:
    """Every restricted value the scan looks for, read with a role that sees the restricted tables."""
    values: set[str] = set()
    with open_reader(warehouse) as connection:
        for table, column, kind in RESTRICTED_VALUE_COLUMNS:
            if not connection.has_table(table):
                continue
            if column not in connection.columns(table):  # a renamed column must not quietly drop out of the scan
                raise ValueError(f"published scan: {table} has no column {column!r} (RESTRICTED_VALUE_COLUMNS)")
            found = connection.frame(f"select distinct trim(cast({column} as varchar)) as value from {table}")
            shortest = 1 if kind == "name" else MIN_TEXT_LENGTH
            values |= {value for value in found["value"] if isinstance(value, str) and len(value) >= shortest}
    return values


def _contains_words(text: str, value: str) -> bool:
    """`value` occurs in `text` and is not part of a longer word ('Ann Lee' is not in 'Ann Leeds')."""
    return value in text and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def published_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as workbook:
            return "\n".join(
                html.unescape(workbook.read(name).decode("utf-8", "replace"))
                for name in workbook.namelist()
                if name.endswith(".xml")
            )
    raw = path.read_bytes()
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if path.suffix in {".html", ".htm", ".svg"} else text


def scan_published_tree(
    published_dir: Path, values: Iterable[str] = (), field_names: Iterable[str] = RESTRICTED_FIELD_NAMES
) -> list[Finding]:
    findings = []
    values = sorted(set(values))
    field_names = tuple(field_names)
    for path in sorted(p for p in Path(published_dir).rglob("*") if p.is_file()):
        text = published_text(path)
        findings += [Finding(path, name, "field name") for name in field_names if name in text]
        findings += [Finding(path, value[:80], "restricted value") for value in values if _contains_words(text, value)]
    return findings
