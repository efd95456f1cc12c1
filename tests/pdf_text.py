"""Text and positions of rendered PDFs (pdfplumber), for the layout and reader-text tests: what a committee clerk
would see on the page, and whether any of it runs out of its table cell or off the page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

TOLERANCE = 0.6  # points: a glyph may touch its cell's border, not cross it
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass(frozen=True)
class Layout:
    text: str  # every page's text, pages joined by newlines
    tables: int  # tables found (a table continued on a new page counts again)
    header_rows: list[tuple[str, ...]]  # each table's first row, cell texts with whitespace collapsed
    problems: list[str]  # words leaving their cell, glyphs off the page
    landscape_pages: int
    alt_texts: list[str]  # alt text of each figure in the PDF's structure tree (tagged PDF)


def _inside(box: tuple[float, float, float, float], word: dict) -> bool:
    x0, top, x1, bottom = box
    return (
        x0 - TOLERANCE <= word["x0"]
        and word["x1"] <= x1 + TOLERANCE
        and top - TOLERANCE <= word["top"]
        and word["bottom"] <= bottom + TOLERANCE
    )


def _overlaps(box: tuple[float, float, float, float], word: dict) -> bool:
    x0, top, x1, bottom = box
    return not (word["x1"] < x0 or word["x0"] > x1 or word["bottom"] < top or word["top"] > bottom)


def _alt_texts(elements: list[dict]) -> list[str]:
    found = []
    for element in elements:
        if element.get("alt_text"):
            found.append(element["alt_text"])
        found += _alt_texts(element.get("children", []))
    return found


def layout(pdf: Path) -> Layout:
    """Words are glyphs closer than 1.5pt (a space at 9pt is about 2.5pt), so text from neighbouring cells that
    touches or overlaps reads as one word ('2024-25neighbours') and lies in no single cell."""
    texts, headers, problems = [], [], []
    tables = landscape = 0
    with pdfplumber.open(pdf) as document:
        alt_texts = _alt_texts(document.structure_tree)
        for number, page in enumerate(document.pages, start=1):
            landscape += page.width > page.height
            texts.append(page.extract_text() or "")
            for char in page.chars:
                if char["x0"] < 0 or char["x1"] > page.width or char["top"] < 0 or char["bottom"] > page.height:
                    problems.append(f"{pdf.name} page {number}: {char['text']!r} is off the page")
            words = page.extract_words(x_tolerance=1.5)
            for table in page.find_tables(TABLE_SETTINGS):
                tables += 1
                rows = table.extract()
                if rows:
                    headers.append(tuple(" ".join((cell or "").split()) for cell in rows[0]))
                for word in words:
                    if _overlaps(table.bbox, word) and not any(_inside(cell, word) for cell in table.cells):
                        problems.append(f"{pdf.name} page {number}: {word['text']!r} leaves its table cell")
    return Layout("\n".join(texts), tables, headers, problems, landscape, alt_texts)
