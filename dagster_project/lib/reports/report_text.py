"""Text shared by every report: figures formatted by unit, reasons shown for missing figures, and markdown /
YAML escaping so school names and free text print literally (a school called `<script>` renders as text).

Reports format every figure here (pandas), so templates only place text; the Jinja environment escapes every
`{{ }}` on output.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

# DfE special-value codes (see the raw table contract) as words a committee member understands.
REASON_WORDS: dict[str, str] = {
    "SUPP": "suppressed",
    "SUPP*": "suppressed",
    "NP": "not published",
    "NE": "no entries",
    "NA": "not applicable",
    "LOWCOV": "low coverage",
    "NEW": "new school",
    "SP": "below 0.5%",
    "RE": "redacted",
    "DNS": "did not sit",
    "LOW": "low coverage",
    "BLANK": "no data",
}
NO_DATA = "no data"
NOT_PUBLISHED = "not published"  # REASON_WORDS["NP"]: DfE did not publish the measure that year (for everyone)
MINUS = "\u2212"  # a real minus sign: clearer than a hyphen and read as "minus" by screen readers

# unit (normalised) -> (decimal places, suffix). Unknown units fall back to one decimal place.
UNIT_FORMATS: dict[str, tuple[int, str]] = {
    "percent": (0, "%"),
    "pct": (0, "%"),
    "percentage": (0, "%"),
    "%": (0, "%"),
    "score": (1, ""),
    "average_score": (1, ""),
    "scaled_score": (1, ""),
    "points": (1, ""),
    "average_point_score": (1, ""),
    "aps": (1, ""),
    "progress": (2, ""),
    "progress_score": (2, ""),
    "value_added": (2, ""),
    "count": (0, ""),
    "number": (0, ""),
    "pupils": (0, ""),
}
DEFAULT_UNIT_FORMAT = (1, "")
TREND_WORDS = {"up": "Up", "down": "Down", "same": "No change"}

# ---------------------------------------------------------------- formatting


def is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, (str, list, tuple)) and bool(pd.isna(value)))


def reason_word(reason_code: Any) -> str:
    """The word shown instead of a NULL figure."""
    if is_missing(reason_code):
        return NO_DATA
    return REASON_WORDS.get(str(reason_code).strip().upper(), NO_DATA)


def is_not_published(reason_code: Any) -> bool:
    """The reason code says DfE did not publish the figure (a fact about the measure and year, not the area)."""
    return not is_missing(reason_code) and str(reason_code).strip().upper() == "NP"


def unit_format(unit: Any) -> tuple[int, str]:
    key = re.sub(r"[\s-]+", "_", str(unit).strip().lower()) if not is_missing(unit) else ""
    return UNIT_FORMATS.get(key, DEFAULT_UNIT_FORMAT)


class Figure(str):
    """A figure as a report prints it ('66%', '+3', '−0.15') that keeps its number, so a spreadsheet gets a number:
    `value` in Excel's terms (66% is 0.66), rounded as shown, and an Excel `number_format` that prints it alike."""

    value: float
    number_format: str

    def __new__(cls, text: str, value: float, number_format: str) -> Figure:
        figure = super().__new__(cls, text)
        figure.value = value
        figure.number_format = number_format
        return figure


def excel_number_format(decimals: int, *, percent: bool = False, plus: bool = False) -> str:
    """'0%', '#,##0.0', '+0;-0;0': the Excel format that shows a number as format_measure/format_difference do."""
    digits = "0" + ("." + "0" * decimals if decimals else "")
    if percent:
        return digits + "%"
    grouped = "#,##" + digits
    return f"+{grouped};-{grouped};{digits}" if plus else grouped


def format_measure(value: Any, unit: Any, reason_code: Any = None, *, decimals: int | None = None) -> str:
    """61.4, 'percent' -> '61%'; 46.14, 'score' -> '46.1'; -0.123, 'progress' -> '−0.12'; NULL -> reason.
    `decimals` overrides the unit's precision (e.g. census percentages to one place)."""
    if is_missing(value):
        return reason_word(reason_code)
    unit_decimals, suffix = unit_format(unit)
    decimals = unit_decimals if decimals is None else decimals
    shown = round(float(value), decimals)
    percent = suffix == "%"
    return Figure(
        signed(shown, decimals, plus=False) + suffix,
        shown / 100 if percent else shown,
        excel_number_format(decimals, percent=percent),
    )


def format_difference(value: Any, unit: Any, reason_code: Any = None, *, decimals: int | None = None) -> str:
    """Signed difference at the unit's precision, no '%' (it is in percentage points): '+2', '−3', '0'.
    `decimals` overrides the unit's precision (e.g. absence changes to one place)."""
    if is_missing(value):
        return reason_word(reason_code)
    decimals = unit_format(unit)[0] if decimals is None else decimals
    shown = round(float(value), decimals)
    return Figure(signed(shown, decimals, plus=True), shown, excel_number_format(decimals, plus=True))


def format_date(value: Any) -> str:
    """A date as '31 August 2024' (no platform-specific strftime flags)."""
    if is_missing(value):
        return NO_DATA
    parsed = pd.Timestamp(value)
    return f"{parsed.day} {parsed:%B %Y}"


def format_count(value: Any) -> str:
    if is_missing(value):
        return NO_DATA
    count = int(round(float(value)))
    return Figure(f"{count:,}", count, excel_number_format(0))


def with_grade(shown: str, grade: Any, *, held_back: bool = False) -> str:
    """A figure as shown with DfE's grade for it in brackets ('33.0 (C)'); without one when there is no grade or
    the figure itself is held back or missing."""
    return shown if held_back or is_missing(grade) else f"{shown} ({grade})"


def signed(value: float, decimals: int, *, plus: bool) -> str:
    rounded = round(value, decimals)
    if rounded == 0:
        return f"{0:.{decimals}f}"  # never '−0' or '+0'
    magnitude = f"{abs(rounded):,.{decimals}f}"
    if rounded < 0:
        return MINUS + magnitude
    return ("+" if plus else "") + magnitude


def rounded(value: Any, unit: Any) -> float | None:
    return None if is_missing(value) else round(float(value), unit_format(unit)[0])


def text(value: Any) -> str:
    return NO_DATA if is_missing(value) else str(value)


def reason_of(row: dict[str, Any], column: str) -> Any:
    return row.get(f"{column}_reason")


# ---------------------------------------------------------------- template plumbing


class Markdown(str):
    """Text that is already markdown (or YAML) and must not be escaped again."""


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#+\-!|~^$@&\"])")


def markdown_escape(value: Any) -> Markdown:
    """Backslash-escape markdown syntax so values print literally (pandoc lets any punctuation be escaped).

    Newlines become spaces: a value must never break a table row or start a block.
    """
    if isinstance(value, Markdown):
        return value
    text = " ".join(str(value).split())
    return Markdown(_MARKDOWN_SPECIALS.sub(r"\\\1", text))


def yaml_text(value: Any) -> Markdown:
    """A markdown-escaped value as a YAML double-quoted scalar (front matter is parsed as markdown too)."""
    return Markdown(json.dumps(str(markdown_escape(value)), ensure_ascii=False))


def iso_date(value: Any) -> Markdown:
    """A front-matter `date`: ISO (2026-03-31), which Quarto parses and prints in `date-format`."""
    return Markdown(pd.Timestamp(value).date().isoformat())


def date_format(words: Any) -> Markdown:
    """A front-matter `date-format` printing the date after `words`: 'Data to' -> "[Data to] D MMMM YYYY"
    ('Data to 31 March 2026'). Quarto prints bracketed text as it stands; so does the fallback."""
    return Markdown(json.dumps(f"[{' '.join(str(words).split())}] D MMMM YYYY", ensure_ascii=False))


def _label(kind: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    if not slug:
        raise ValueError(f"{kind} label {name!r} has no letters or digits")
    return f"{kind}-{slug}"


def table_caption(caption: str, label: str) -> Markdown:
    """A table's caption line with its Quarto cross-reference label: ': Caption {#tbl-label}'.

    Used as a filter block so the caption's values are escaped as usual:
    `{% filter table_caption("headlines-" ~ key_stage) %}…{% endfilter %}`. Quarto drops the caption of an
    unlabelled table from the PDF, so every table gets one."""
    return Markdown(f": {' '.join(caption.split())} {{#{_label('tbl', label)}}}")


def _attribute(value: Any) -> str:
    return '"' + " ".join(str(value).split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def figure(caption: Any, file: str, label: str, alt: Any) -> Markdown:
    """A chart: short caption, image, cross-reference label and the full description as alt text (`fig-alt`,
    which Quarto gives the image while the caption stays the caption; the fallback does the same)."""
    return Markdown(f"![{markdown_escape(caption)}]({file}){{#{_label('fig', label)} fig-alt={_attribute(alt)}}}")


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    return markdown_escape(value)


def jinja_environment() -> jinja2.Environment:
    # autoescape=False because HTML escaping is wrong for markdown; `finalize` escapes every {{ }} instead.
    environment = jinja2.Environment(
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown_escape
    environment.filters["yaml_text"] = yaml_text
    environment.filters["iso_date"] = iso_date
    environment.filters["date_format"] = date_format
    environment.filters["table_caption"] = table_caption
    environment.globals["figure"] = figure
    return environment


def data_timestamp(data_date: Any) -> datetime:
    """PDF creation date = the data date, so re-rendering unchanged data gives an identical PDF."""
    if is_missing(data_date):
        return datetime(1970, 1, 1, tzinfo=UTC)
    day: date = pd.Timestamp(data_date).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@contextmanager
def temporary_qmd(text: str, stem: str) -> Iterator[Path]:
    """The filled document in its own temporary directory (render_qmd then copies it to a private workdir)."""
    with tempfile.TemporaryDirectory(prefix=f"{stem}-") as tmp:
        path = Path(tmp) / f"{stem}.qmd"
        path.write_text(text, encoding="utf-8")
        yield path
