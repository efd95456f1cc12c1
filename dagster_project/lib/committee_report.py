"""The termly committee report: read the rpt_committee__* tables, fill committee_report.qmd, render it.

Published output, so no school is named except in the inspections table (Ofsted reports are public). Every
figure is formatted here (pandas), so the template only places text, and every value is markdown-escaped on
its way into the document: a school called `<script>` prints as text. The same data gives byte-identical HTML
and PDF: the only date in either is the data date (term end), which also fixes the PDF creation date.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pandas as pd

from dagster_project.lib import rendering

TEMPLATE_PATH = rendering.REPORTS_DIR / "committee_report.qmd"
OUTPUT_SUBDIR = "committee_report"

# The only place the report names rpt_ columns: table -> (required columns, ORDER BY).
# Optional `<value column>_reason` columns, where a model provides them, turn a NULL into a reason word.
RPT_TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "rpt_committee__report_context": (
        (
            "la_code",
            "la_name",
            "report_term",
            "term_start",
            "term_end",
            "latest_academic_year",
            "sources",
            "schools_causing_concern_count",
        ),
        "la_code",
    ),
    "rpt_committee__la_headlines": (
        (
            "academic_year",
            "key_stage",
            "measure_code",
            "measure_name",
            "unit",
            "la_value",
            "national_value",
            "la_minus_national",
            "la_value_previous_year",
            "trend",
            "data_version",
        ),
        "key_stage, academic_year, measure_code",
    ),
    "rpt_committee__gap_headline": (
        (
            "academic_year",
            "key_stage",
            "measure_name",
            "la_disadvantaged_value",
            "national_other_value",
            "la_gap",
            "national_gap",
        ),
        "key_stage, academic_year",
    ),
    "rpt_committee__inspections_this_term": (
        (
            "urn",
            "school_name",
            "publication_date",
            "overall_effectiveness_label",
            "previous_effectiveness_label",
            "movement",
        ),
        "publication_date, school_name, urn",
    ),
    "rpt_committee__category_distribution": (
        (
            "support_category",
            "category_name",
            "category_rank",
            "school_count",
            "min_contacts_per_year",
            "planned_contacts_per_term_total",
        ),
        "category_rank, support_category",
    ),
}

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


class ReportDataError(ValueError):
    """An rpt_ table the report reads is missing, lacks a column, or has the wrong number of rows."""


@dataclass(frozen=True)
class CommitteeTables:
    report_context: pd.DataFrame
    la_headlines: pd.DataFrame
    gap_headline: pd.DataFrame
    inspections_this_term: pd.DataFrame
    category_distribution: pd.DataFrame


@dataclass(frozen=True)
class CommitteeReport:
    html: Path
    pdf: Path
    report_term: str
    engine: str


def build_committee_report(
    duckdb_path: Path,
    published_dir: Path,
    *,
    quarto_path: str | None = None,
    engine: rendering.Engine = "auto",
) -> CommitteeReport:
    """Read the warehouse (read-only), render the report and write
    `<published_dir>/committee_report/committee_report_<term-slug>.html` and `.pdf`."""
    tables = load_committee_tables(duckdb_path)
    context = _single_context_row(tables.report_context)
    qmd_text = render_committee_qmd(tables)
    stem = f"committee_report_{term_slug(str(context['report_term']))}"
    with _temporary_qmd(qmd_text, stem) as qmd_path:
        rendered = rendering.render_qmd(
            qmd_path,
            Path(published_dir) / OUTPUT_SUBDIR,
            output_stem=stem,
            pdf_timestamp=_data_timestamp(context["term_end"]),
            engine=engine,
            quarto_path=quarto_path,
        )
    return CommitteeReport(
        html=rendered.html, pdf=rendered.pdf, report_term=str(context["report_term"]), engine=rendered.engine
    )


def load_committee_tables(duckdb_path: Path) -> CommitteeTables:
    """Every rpt_committee__ table as a DataFrame, through a read-only connection (DuckDB has one writer)."""
    frames: dict[str, pd.DataFrame] = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        for table, (required, order_by) in RPT_TABLES.items():
            try:
                frame = connection.execute(f"select * from {table} order by {order_by}").df()
            except duckdb.Error as error:
                raise ReportDataError(f"Committee report cannot read {table} from '{duckdb_path}': {error}") from error
            missing = [column for column in required if column not in frame.columns]
            if missing:
                raise ReportDataError(
                    f"{table} in '{duckdb_path}' lacks column(s) {missing}; expected {list(required)}, "
                    f"found {list(frame.columns)}."
                )
            frames[table.removeprefix("rpt_committee__")] = frame
    return CommitteeTables(**frames)


def render_committee_qmd(tables: CommitteeTables) -> str:
    """The filled-in Quarto document (markdown text)."""
    context = _single_context_row(tables.report_context)
    la_name = _text(context["la_name"])
    template = _jinja_environment().from_string(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return template.render(
        title=f"Termly school improvement report \u2014 {la_name}, {_text(context['report_term'])}",
        data_date=f"Data to {format_date(context['term_end'])}",
        la_name=la_name,
        la_code=_text(context["la_code"]),
        report_term=_text(context["report_term"]),
        term_start=format_date(context["term_start"]),
        term_end=format_date(context["term_end"]),
        latest_academic_year=_text(context["latest_academic_year"]),
        headline_tables=_headline_tables(tables.la_headlines, la_name),
        gap_rows=_gap_rows(tables.gap_headline, la_name),
        **_inspections(tables.inspections_this_term),
        **_categories(tables.category_distribution),
        concern_sentence=_concern_sentence(context["schools_causing_concern_count"]),
        sources=_source_lines(context["sources"]),
    )


def term_slug(report_term: str) -> str:
    """'Summer 2024' -> 'summer-2024' (file names)."""
    slug = re.sub(r"[^a-z0-9]+", "-", report_term.lower()).strip("-")
    if not slug:
        raise ReportDataError(f"report_term {report_term!r} gives an empty file name.")
    return slug


# ---------------------------------------------------------------- formatting


def is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, (str, list, tuple)) and bool(pd.isna(value)))


def reason_word(reason_code: Any) -> str:
    """The word shown instead of a NULL figure."""
    if is_missing(reason_code):
        return NO_DATA
    return REASON_WORDS.get(str(reason_code).strip().upper(), NO_DATA)


def unit_format(unit: Any) -> tuple[int, str]:
    key = re.sub(r"[\s-]+", "_", str(unit).strip().lower()) if not is_missing(unit) else ""
    return UNIT_FORMATS.get(key, DEFAULT_UNIT_FORMAT)


def format_measure(value: Any, unit: Any, reason_code: Any = None) -> str:
    """61.4, 'percent' -> '61%'; 46.14, 'score' -> '46.1'; -0.123, 'progress' -> '−0.12'; NULL -> reason."""
    if is_missing(value):
        return reason_word(reason_code)
    decimals, suffix = unit_format(unit)
    return _signed(float(value), decimals, plus=False) + suffix


def format_difference(value: Any, unit: Any, reason_code: Any = None) -> str:
    """Signed difference at the unit's precision, no '%' (it is in percentage points): '+2', '−3', '0'."""
    if is_missing(value):
        return reason_word(reason_code)
    decimals, _ = unit_format(unit)
    return _signed(float(value), decimals, plus=True)


def format_date(value: Any) -> str:
    """A date as '31 August 2024' (no platform-specific strftime flags)."""
    if is_missing(value):
        return NO_DATA
    parsed = pd.Timestamp(value)
    return f"{parsed.day} {parsed:%B %Y}"


def format_count(value: Any) -> str:
    return NO_DATA if is_missing(value) else f"{int(round(float(value))):,}"


def _signed(value: float, decimals: int, *, plus: bool) -> str:
    rounded = round(value, decimals)
    if rounded == 0:
        return f"{0:.{decimals}f}"  # never '−0' or '+0'
    magnitude = f"{abs(rounded):,.{decimals}f}"
    if rounded < 0:
        return MINUS + magnitude
    return ("+" if plus else "") + magnitude


def _rounded(value: Any, unit: Any) -> float | None:
    return None if is_missing(value) else round(float(value), unit_format(unit)[0])


def _text(value: Any) -> str:
    return NO_DATA if is_missing(value) else str(value)


def _reason(row: dict[str, Any], column: str) -> Any:
    return row.get(f"{column}_reason")


# ---------------------------------------------------------------- sections


def _single_context_row(report_context: pd.DataFrame) -> dict[str, Any]:
    if len(report_context) != 1:
        raise ReportDataError(f"rpt_committee__report_context must have exactly one row; it has {len(report_context)}.")
    return report_context.to_dict("records")[0]


def _headline_tables(la_headlines: pd.DataFrame, la_name: str) -> list[dict[str, Any]]:
    """One table per key stage, for that key stage's latest academic year."""
    tables = []
    for key_stage, rows in la_headlines.groupby("key_stage", sort=True):
        latest_year = rows["academic_year"].max()
        latest = rows[rows["academic_year"] == latest_year].to_dict("records")
        table_rows = [_headline_row(row) for row in latest]
        tables.append(
            {
                "key_stage": key_stage,
                "academic_year": latest_year,
                "data_version": ", ".join(sorted({_text(row["data_version"]) for row in latest})),
                "summary": _headline_summary(latest, la_name, str(key_stage)),
                "rows": table_rows,
            }
        )
    return tables


def _headline_row(row: dict[str, Any]) -> dict[str, str]:
    unit = row["unit"]
    trend = row["trend"]
    # A difference is NULL because one of its sides is: show that side's reason (e.g. 'suppressed').
    difference_reason = next(
        (
            r
            for r in (_reason(row, c) for c in ("la_minus_national", "la_value", "national_value"))
            if not is_missing(r)
        ),
        None,
    )
    return {
        "measure": _text(row["measure_name"]),
        "la_value": format_measure(row["la_value"], unit, _reason(row, "la_value")),
        "national_value": format_measure(row["national_value"], unit, _reason(row, "national_value")),
        "difference": format_difference(row["la_minus_national"], unit, difference_reason),
        "previous_value": format_measure(row["la_value_previous_year"], unit, _reason(row, "la_value_previous_year")),
        "trend": "no comparison" if is_missing(trend) else TREND_WORDS.get(str(trend).lower(), str(trend)),
    }


def _headline_summary(rows: list[dict[str, Any]], la_name: str, key_stage: str) -> str:
    differences = [_rounded(row["la_minus_national"], row["unit"]) for row in rows]
    compared = [d for d in differences if d is not None]
    if not compared:
        return f"No {key_stage} measure can be compared with national this year."
    above = sum(d > 0 for d in compared)
    below = sum(d < 0 for d in compared)
    level = len(compared) - above - below
    return (
        f"{la_name} was above national on {above} of {len(compared)} {key_stage} measures, "
        f"below on {below} and in line on {level}."
    )


def _gap_unit(row: dict[str, Any]) -> str:
    """rpt_committee__gap_headline has no unit column in the contract: use one if present, else infer."""
    if not is_missing(row.get("unit")):
        return str(row["unit"])
    if "progress" in _text(row["measure_name"]).lower():
        return "progress"
    return "percent" if str(row["key_stage"]).upper() == "KS2" else "score"


def _gap_rows(gap_headline: pd.DataFrame, la_name: str) -> list[dict[str, str]]:
    rows = []
    for row in gap_headline.to_dict("records"):
        unit = _gap_unit(row)
        formatted = {
            "key_stage": _text(row["key_stage"]),
            "academic_year": _text(row["academic_year"]),
            "measure": _text(row["measure_name"]),
            "la_disadvantaged_value": format_measure(
                row["la_disadvantaged_value"], unit, _reason(row, "la_disadvantaged_value")
            ),
            "national_other_value": format_measure(
                row["national_other_value"], unit, _reason(row, "national_other_value")
            ),
            "la_gap": format_difference(row["la_gap"], unit, _reason(row, "la_gap")),
            "national_gap": format_difference(row["national_gap"], unit, _reason(row, "national_gap")),
        }
        formatted["sentence"] = _gap_sentence(row, formatted, unit, la_name)
        rows.append(formatted)
    return rows


def _gap_sentence(row: dict[str, Any], formatted: dict[str, str], unit: str, la_name: str) -> str:
    points = " percentage points" if unit_format(unit)[1] == "%" else ""
    opening = (
        f"{formatted['key_stage']} {formatted['academic_year']}, {formatted['measure']}: "
        f"disadvantaged pupils in "
        f"{la_name} {formatted['la_disadvantaged_value']}, other pupils nationally "
        f"{formatted['national_other_value']}; {la_name} gap {formatted['la_gap']}{points}, "
        f"national gap {formatted['national_gap']}{points}."
    )
    la_gap, national_gap = _rounded(row["la_gap"], unit), _rounded(row["national_gap"], unit)
    if la_gap is None or national_gap is None:
        return opening
    difference = round(abs(la_gap) - abs(national_gap), unit_format(unit)[0])
    if difference == 0:
        return f"{opening} The {la_name} gap is the same size as the national gap."
    size = _signed(abs(difference), unit_format(unit)[0], plus=False)
    direction = "narrower" if difference < 0 else "wider"
    return f"{opening} The {la_name} gap is {size}{points} {direction} than the national gap."


def _inspections(inspections: pd.DataFrame) -> dict[str, Any]:
    rows = [
        {
            "school_name": _text(row["school_name"]),
            "urn": format_count(row["urn"]).replace(",", ""),
            "publication_date": format_date(row["publication_date"]),
            "outcome": "not graded"
            if is_missing(row["overall_effectiveness_label"])
            else str(row["overall_effectiveness_label"]),
            "previous_outcome": "no previous inspection"
            if is_missing(row["previous_effectiveness_label"])
            else str(row["previous_effectiveness_label"]),
            "movement": "not applicable" if is_missing(row["movement"]) else str(row["movement"]),
        }
        for row in inspections.to_dict("records")
    ]
    if not rows:
        return {
            "inspections_summary": "No inspection reports were published this term.",
            "inspection_rows": [],
        }
    movements = inspections["movement"].fillna("not applicable").astype(str).value_counts()
    breakdown = ", ".join(f"{movement}: {count}" for movement, count in sorted(movements.items()))
    noun = "report was" if len(rows) == 1 else "reports were"
    return {
        "inspections_summary": f"{len(rows)} inspection {noun} published this term (movement {breakdown}).",
        "inspection_rows": rows,
    }


def _categories(category_distribution: pd.DataFrame) -> dict[str, Any]:
    records = category_distribution.to_dict("records")
    rows = [
        {
            "support_category": _text(row["support_category"]),
            "category_name": _text(row["category_name"]),
            "school_count": format_count(row["school_count"]),
            "min_contacts_per_year": format_count(row["min_contacts_per_year"]),
            "planned_contacts": format_count(row["planned_contacts_per_term_total"]),
        }
        for row in records
    ]
    school_total = int(category_distribution["school_count"].fillna(0).sum())
    contact_total = int(category_distribution["planned_contacts_per_term_total"].fillna(0).sum())
    if not rows:
        summary = "No schools have been placed in a support category."
    else:
        summary = (
            f"{school_total:,} schools are placed in {len(rows)} support categories; "
            f"{contact_total:,} school improvement contacts are planned this term."
        )
    return {
        "category_summary": summary,
        "category_rows": rows,
        "category_totals": {"school_count": f"{school_total:,}", "planned_contacts": f"{contact_total:,}"},
    }


def _concern_sentence(count: Any) -> str:
    if is_missing(count):
        return "The number of schools causing concern is not available."
    number = int(count)
    if number == 1:
        return "There is 1 school causing concern."
    return f"There are {number} schools causing concern."


def _source_lines(sources: Any) -> list[str]:
    """`sources` is free text, one source per line (or separated by ';')."""
    if is_missing(sources):
        return []
    text = str(sources).strip()
    parts = text.splitlines() if "\n" in text else text.split(";")
    return [part.strip().lstrip("-*").strip() for part in parts if part.strip().lstrip("-*").strip()]


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


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    return markdown_escape(value)


def _jinja_environment() -> jinja2.Environment:
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
    return environment


def _data_timestamp(term_end: Any) -> datetime:
    """PDF creation date = the data date, so re-rendering unchanged data gives an identical PDF."""
    if is_missing(term_end):
        return datetime(1970, 1, 1, tzinfo=UTC)
    day: date = pd.Timestamp(term_end).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@contextmanager
def _temporary_qmd(text: str, stem: str) -> Iterator[Path]:
    """The filled document in its own temporary directory (render_qmd then copies it to a private workdir)."""
    with tempfile.TemporaryDirectory(prefix=f"{stem}-") as tmp:
        path = Path(tmp) / f"{stem}.qmd"
        path.write_text(text, encoding="utf-8")
        yield path


__all__ = [
    "CommitteeReport",
    "CommitteeTables",
    "RPT_TABLES",
    "ReportDataError",
    "build_committee_report",
    "format_date",
    "format_difference",
    "format_measure",
    "load_committee_tables",
    "markdown_escape",
    "render_committee_qmd",
    "term_slug",
]
