"""Excel downloads of published tables: one workbook per table, exactly the figures the report shows
(formatted, disclosure-controlled, reasons in words), so a download never reveals more than the page."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from slugify import slugify

DOWNLOADS_SUBDIR = "downloads"
EXCEL_SHEET_NAME_LIMIT = 31


def table_slug(name: str) -> str:
    slug = slugify(name)
    if not slug:
        raise ValueError(f"Table name {name!r} gives an empty file name.")
    return slug


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_XLSX_DATETIME = "1980-01-01T00:00:00Z"


def _make_reproducible(path: Path) -> None:
    """openpyxl stamps the save time into docProps/core.xml and the zip entries, so unchanged data would give a
    different file each run; fix both so the same table gives the same bytes."""
    with zipfile.ZipFile(path) as original:
        entries = [(info, original.read(info.filename)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w") as rewritten:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + FIXED_XLSX_DATETIME.encode() + rb"\g<3>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            rewritten.writestr(fixed, data)


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
        path = folder / f"{table_slug(name)}.xlsx"
        partial = path.with_name(f".{path.name}.partial")
        sheet = re.sub(r"[\[\]:*?/\\]", " ", name)[:EXCEL_SHEET_NAME_LIMIT]
        with pd.ExcelWriter(partial, engine="openpyxl") as writer:
            frame.astype(str).to_excel(writer, sheet_name=sheet, index=False, freeze_panes=(1, 0))
            writer.book.properties.title = name  # the site index links the download by this title
        _make_reproducible(partial)
        partial.replace(path)
        written.append(path)
    for stale in set(folder.glob("*.xlsx")) - set(written):
        stale.unlink()
    return written
