"""Excel downloads of published tables: one workbook per table, exactly the figures the report shows
(disclosure-controlled, rounded as shown, reasons in words), so a download never reveals more than the page.
Figures are numbers with number formats (66% is 0.66 shown as 66%), so an analyst can sort and sum them; text is
text (lib/reports/spreadsheets.py writes every workbook)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from slugify import slugify

from dagster_project.lib.reports.spreadsheets import write_xlsx

DOWNLOADS_SUBDIR = "downloads"


def table_slug(name: str) -> str:
    slug = slugify(name)
    if not slug:
        raise ValueError(f"Table name {name!r} gives an empty file name.")
    return slug


def workbook_title(path: Path) -> str:
    """The table name a download was written with (falls back to the file name)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return workbook.properties.title or path.stem
    finally:
        workbook.close()


def downloads_folder(published_dir: Path, report_html: Path) -> Path:
    """`<published_dir>/downloads/<report folder>/<report file stem>`: each report (each term, each month) keeps
    its own tables."""
    return Path(published_dir) / DOWNLOADS_SUBDIR / Path(report_html).parent.name / Path(report_html).stem


def write_table_downloads(tables: Mapping[str, pd.DataFrame], published_dir: Path, report_html: Path) -> list[Path]:
    """`<table>.xlsx` for each table of the report `report_html` in its downloads folder; stale workbooks are
    removed."""
    folder = downloads_folder(published_dir, report_html)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        # The title is the table's name: the site index links the download by it.
        written.append(write_xlsx(folder / f"{table_slug(name)}.xlsx", {name: frame}, title=name))
    for stale in set(folder.glob("*.xlsx")) - set(written):
        stale.unlink()
    return written
