"""Reader text is plain English: no internal code (a support-category code such as SM_SWK, a measure code such as
ks2_rwm_expected_pct, a capacity state such as not_secure, a dbt model name) in the rendered text of any report,
HTML or PDF, including image alt text. The only underscores a reader sees are in the names of the source files
the report lists."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import duckdb
import pytest

from tests.pdf_text import layout

pytestmark = pytest.mark.slow

# snake_case or UPPER_SNAKE: letters/digits joined by underscores (ks2_rwm_expected_pct, SM_SWK, not_secure,
# rpt_committee__la_headlines).
IDENTIFIER = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*[A-Za-z0-9]")


def identifiers(text: str, allowed: list[str]) -> set[str]:
    """Identifier-shaped tokens that are not part of an allowed name (a listed source file; a file name wraps
    across lines in a PDF cell, so any piece of it is allowed)."""
    return {token for token in IDENTIFIER.findall(text) if not any(token in name for name in allowed)}


def reader_text(html: Path) -> str:
    """What a reader (or a screen reader) gets: the body's text, the title and every image's alt text."""
    page = html.read_text(encoding="utf-8")
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page.split("<body", 1)[1], flags=re.S)
    alts = " ".join(re.findall(r'\balt="([^"]*)"', body))
    title = re.search(r"<title>(.*?)</title>", page, flags=re.S)
    return unescape(" ".join([title.group(1) if title else "", re.sub(r"<[^>]+>", " ", body), alts]))


@pytest.fixture(scope="module")
def source_files(materialized, pipeline_settings) -> list[str]:
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        return [
            row[0] for row in connection.execute("select distinct source_file from rpt_report__data_sources").fetchall()
        ]


def test_the_identifier_pattern_finds_the_codes_that_reached_reports_and_spares_file_names():
    text = "Category SM_SWK; ks2_rwm_expected_pct target 62.0; capacity not_secure; from rpt_committee__la_headlines"
    assert identifiers(text, []) == {"SM_SWK", "ks2_rwm_expected_pct", "not_secure", "rpt_committee__la_headlines"}
    assert identifiers("File england_ks2revised.csv and Management_information_-", ["england_ks2revised.csv"]) == {
        "Management_information"
    }
    assert identifiers("Attainment 8: average score, 2024-25, KS2 (revised)", []) == set()


def _pages(published: Path, restricted: Path) -> list[Path]:
    return [
        *sorted(published.glob("*/*.html")),
        *sorted(restricted.glob("causing_concern_register/*.html")),
        *sorted(restricted.glob("service_plan/*.html")),
        *sorted(restricted.glob("booklets/*/*.html")),
        *sorted(restricted.glob("profiles/*/*.html")),
    ]


def test_no_internal_code_in_the_html_of_any_report(materialized, pipeline_settings, source_files):
    pages = _pages(pipeline_settings.published_dir, pipeline_settings.restricted_dir)
    assert len(pages) > 10
    found = {page.name: identifiers(reader_text(page), source_files) for page in pages}
    assert {name: codes for name, codes in found.items() if codes} == {}


def test_no_internal_code_in_the_text_of_any_report_pdf(materialized, pipeline_settings, source_files):
    pages = _pages(pipeline_settings.published_dir, pipeline_settings.restricted_dir)
    pdfs = [p.with_suffix(".pdf") for p in pages if p.parent.parent.name not in ("booklets", "profiles")]
    for folder in ("booklets", "profiles"):  # a sample of the per-school documents
        school_pdfs = [p.with_suffix(".pdf") for p in pages if p.parent.parent.name == folder]
        pdfs += school_pdfs[:: max(1, len(school_pdfs) // 6)]
    found = {}
    for pdf in pdfs:
        result = layout(pdf)
        found[pdf.name] = identifiers(result.text + " " + " ".join(result.alt_texts), source_files)
    assert {name: codes for name, codes in found.items() if codes} == {}


def test_booklet_targets_name_each_measure_and_show_percentages_as_percentages(materialized, pipeline_settings):
    """A target of 62 for a percentage measure reads '62%' beside the measure's dictionary name."""
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        rows = connection.execute(
            """
            select targets.urn, targets.academic_year, dictionary.measure_name, targets.target_value
            from stg_returns__targets as targets
            join measure_dictionary as dictionary using (measure_code)
            where dictionary.unit = 'percent' and targets.is_in_force
            order by targets.urn, targets.academic_year desc
            limit 1
            """
        ).fetchall()
    assert rows, "the bundled LA has percentage targets"
    urn, year, name, target = rows[0]
    (page,) = pipeline_settings.restricted_dir.glob(f"booklets/*/{urn}_*.html")
    text = " ".join(reader_text(page).split())
    assert f"{year} {name} {round(target):.0f}%" in text


MISSING_COMPARED = re.compile(
    r"(was|of|gap) (no data|not published|not available)\b[^.]*\b(against|than)|against [^.]*\bof no data"
)


def test_no_sentence_compares_a_missing_figure(materialized, pipeline_settings):
    """'…was no data, against a national gap of no data' is never generated: a missing figure is explained."""
    pages = _pages(pipeline_settings.published_dir, pipeline_settings.restricted_dir)
    found = {page.name: MISSING_COMPARED.findall(reader_text(page)) for page in pages}
    assert {name: hits for name, hits in found.items() if hits} == {}
    assert MISSING_COMPARED.search("the gap was no data, against a national gap of no data")
