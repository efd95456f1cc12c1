"""PDF tables fit the page: read back from the rendered PDFs (pdfplumber: text and positions), no word leaves its
table cell or the page, header words never run together, and a table too wide for a portrait page is set on a
landscape page. First on documents made to collide, then on every report the pipeline renders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dagster_project.lib.reports import rendering
from tests.pdf_text import layout


@pytest.fixture
def no_quarto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setattr(rendering.shutil, "which", lambda name: None)


def _render(folder: Path, header: list[str], rows: list[list[str]], caption: str = "A table") -> Path:
    lines = [
        "---",
        'title: "Layout"',
        "date: 2026-03-31",
        "---",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(":---" if i == 0 else "---:" for i in range(len(header))) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        f": {caption} {{#tbl-layout}}",
        "",
    ]
    qmd = folder / "layout.qmd"
    qmd.write_text("\n".join(lines), encoding="utf-8")
    return rendering.render_qmd(qmd, folder / "out").pdf


def test_long_headers_and_names_that_used_to_collide_stay_in_their_cells(tmp_path: Path, no_quarto: None):
    header = [
        "Year",
        "Disadvantaged pupils in Kingsmere",
        "Other pupils nationally",
        "Kingsmere 2022-23",
        "Kingsmere 2023-24",
        "Kingsmere 2024-25",
        "Statistical neighbours 2024-25",
    ]
    rows = [["2024-25", "49%", "69%", "not published", "suppressed at source (DfE)", "−20", "−21"]] * 3
    result = layout(_render(tmp_path, header, rows))
    assert result.problems == []
    assert result.tables == 1 and result.landscape_pages == 0
    assert result.header_rows[0] == tuple(header)  # each header whole in its own cell, nothing run together


def test_a_table_too_wide_for_a_portrait_page_is_set_on_a_landscape_page(tmp_path: Path, no_quarto: None):
    header = [f"Measurement{n}" for n in range(9)]
    rows = [[f"Disadvantaged{n}" for n in range(9)]] * 2
    result = layout(_render(tmp_path, header, rows))
    assert result.landscape_pages == 1
    assert result.problems == []
    assert "Table 1: A table" in result.text


# ---------------------------------------------------------------- every report the pipeline renders


def _report_pdfs(published: Path, restricted: Path) -> list[Path]:
    pdfs = sorted(published.glob("*/*.pdf")) + sorted(restricted.glob("causing_concern_register/*.pdf"))
    pdfs += sorted(restricted.glob("service_plan/*.pdf"))
    booklets = sorted(restricted.glob("booklets/*/*.pdf"))
    profiles = sorted(restricted.glob("profiles/*/*.pdf"))
    # four booklets across the LA's schools, and four academy profiles
    return pdfs + booklets[:: max(1, len(booklets) // 4)] + profiles[:: max(1, len(profiles) // 4)]


def _html_headers(html: Path) -> list[tuple[str, ...]]:
    text = html.read_text(encoding="utf-8")
    headers = []
    for head in re.findall(r"<thead>(.*?)</thead>", text, flags=re.S):
        cells = re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)
        headers.append(tuple(" ".join(re.sub(r"<[^>]+>", " ", cell).split()).replace("&amp;", "&") for cell in cells))
    return headers


@pytest.mark.slow
def test_no_text_leaves_its_cell_or_the_page_in_any_report_pdf(materialized, pipeline_settings):
    pdfs = _report_pdfs(pipeline_settings.published_dir, pipeline_settings.restricted_dir)
    assert {p.parent.name for p in pdfs} >= {
        "committee_report",
        "inspection_briefing",
        "narrowing_the_gap",
        "service_plan",
    }
    problems = []
    for pdf in pdfs:
        result = layout(pdf)
        html_headers = _html_headers(pdf.with_suffix(".html"))
        # every table of the page is found in the PDF (so the check is not vacuous), headers whole and apart
        assert result.tables >= len(html_headers), pdf.name
        assert set(html_headers) <= set(result.header_rows), (pdf.name, set(html_headers) - set(result.header_rows))
        problems += result.problems
    assert problems == []
