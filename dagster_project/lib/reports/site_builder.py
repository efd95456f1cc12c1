"""The published site: an index page linking every published report (HTML and PDF) and an Excel download of
each published table. The site is the published folder itself; nothing is ever copied into it from the
restricted folder, and `published_scan` checks that nothing restricted reached it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.xlsx_downloads import downloads_folder, workbook_title

INDEX_FILE = "index.html"
# Report folder -> heading on the index, in the order shown.
REPORT_SECTIONS = {
    "committee_report": "Termly committee report",
    "inspection_briefing": "Monthly inspection briefing",
    "narrowing_the_gap": "Narrowing the gap",
    "partnership_summaries": "Partnership summaries",
}


@dataclass(frozen=True)
class PublishedReport:
    section: str
    title: str
    html: Path
    pdf: Path | None
    downloads: tuple[tuple[str, Path], ...]


def published_reports(published_dir: Path) -> list[PublishedReport]:
    """Every report in the published folder, newest period first: file names end with the period
    ('2025-26-autumn', '2026-01', '2024-25'), which sort in time order."""
    published_dir = Path(published_dir)
    reports = []
    for folder, section in REPORT_SECTIONS.items():
        for page in sorted((published_dir / folder).glob("*.html"), key=lambda p: p.name, reverse=True):
            downloads = tuple(
                (workbook_title(path), path)
                for path in sorted(downloads_folder(published_dir, page).glob("*.xlsx"))
                if not path.name.startswith(".")
            )
            pdf = page.with_suffix(".pdf")
            reports.append(PublishedReport(section, _title(page), page, pdf if pdf.is_file() else None, downloads))
    return reports


def _title(page: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(match.group(1)).strip() if match else page.stem


def build_site(published_dir: Path, la_name: str, data_date: str) -> Path:
    """Write `<published_dir>/index.html` and return its path."""
    published_dir = Path(published_dir)
    reports = published_reports(published_dir)
    css = (rendering.STYLES_DIR / rendering.HTML_CSS_FILE).read_text(encoding="utf-8")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{html.escape(la_name)} school improvement: published reports</title>",
        f"<style>\n{css}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{html.escape(la_name)} school improvement: published reports</h1>",
        f"<p>Reports published from data dated {html.escape(data_date)}. Each report is available as a web page "
        "and as a PDF, and each of its tables as an Excel workbook. Restricted reports (the register of schools "
        "causing concern, school booklets before release) are not published here.</p>",
        "</header>",
        "<main>",
    ]
    if not reports:
        parts.append("<p>No reports have been published yet.</p>")
    for section in REPORT_SECTIONS.values():
        in_section = [report for report in reports if report.section == section]
        if not in_section:
            continue
        parts.append(f"<h2>{html.escape(section)}</h2>")
        for report in in_section:
            parts.append(f"<h3>{html.escape(report.title)}</h3>")
            parts.append("<ul>")
            parts.append(
                f'<li><a href="{_href(report.html, published_dir)}">{html.escape(report.title)} (web page)</a></li>'
            )
            if report.pdf:
                parts.append(
                    f'<li><a href="{_href(report.pdf, published_dir)}">{html.escape(report.title)} (PDF)</a></li>'
                )
            parts.append("</ul>")
            if report.downloads:
                parts.append("<p>Tables from this report as Excel workbooks:</p>")
                parts.append("<ul>")
                for name, path in report.downloads:
                    parts.append(f'<li><a href="{_href(path, published_dir)}">{html.escape(name)} (Excel)</a></li>')
                parts.append("</ul>")
    parts += ["</main>", "</body>", "</html>", ""]
    index = published_dir / INDEX_FILE
    partial = index.with_name(f".{INDEX_FILE}.partial")
    partial.write_text("\n".join(parts), encoding="utf-8")
    partial.replace(index)
    return index


def _href(path: Path, root: Path) -> str:
    return html.escape(path.relative_to(root).as_posix(), quote=True)
