"""The published site: Excel downloads that repeat byte for byte, an index that links every report, PDF and
download with escaped titles, and a published-tree scan that sees inside workbooks."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.quality.published_scan import restricted_values, scan_published_tree
from dagster_project.lib.reports.site_builder import build_site, published_reports
from dagster_project.lib.reports.xlsx_downloads import workbook_title, write_table_downloads


def test_the_same_table_gives_the_same_workbook_bytes(tmp_path: Path):
    table = {"Inspections this term": pd.DataFrame({"School": ["Brookside Infant"], "Outcome": ["Good"]})}
    page = Path("committee_report/committee_report_2023-24-summer.html")
    first = write_table_downloads(table, tmp_path / "a", page)[0]
    second = write_table_downloads(table, tmp_path / "b", page)[0]
    assert first.name == "inspections-this-term.xlsx"
    assert first.read_bytes() == second.read_bytes()
    assert workbook_title(first) == "Inspections this term"


def _page(published: Path, name: str, title: str) -> Path:
    page = published / "committee_report" / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<html><head><title>{title}</title></head><body></body></html>")
    page.with_suffix(".pdf").write_bytes(b"%PDF-1.7")
    return page


def test_index_links_each_report_pdf_and_download_and_escapes_titles(tmp_path: Path):
    published = tmp_path / "published"
    page = _page(published, "committee_report_2023-24-summer.html", "Report &lt;b&gt; &amp; more")
    write_table_downloads({"Support <categories>": pd.DataFrame({"A": [1]})}, published, page)
    index = build_site(published, "King<s>mere", "31 August 2024").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert links == [
        "data:,",
        "committee_report/committee_report_2023-24-summer.html",
        "committee_report/committee_report_2023-24-summer.pdf",
        "downloads/committee_report/committee_report_2023-24-summer/support-categories.xlsx",
    ]
    assert "King&lt;s&gt;mere" in index and "<s>" not in index
    assert "Report &lt;b&gt; &amp; more (web page)" in index
    assert "Support &lt;categories&gt; (Excel)" in index
    assert 'lang="en-GB"' in index and "<main>" in index


def test_each_terms_report_keeps_its_own_downloads_and_the_latest_term_is_listed_first(tmp_path: Path):
    published = tmp_path / "published"
    # rendered out of order, as a backfill of an earlier term after the current one would be
    summer = _page(published, "committee_report_2023-24-summer.html", "Summer 2024")
    autumn = _page(published, "committee_report_2023-24-autumn.html", "Autumn 2023")
    spring = _page(published, "committee_report_2023-24-spring.html", "Spring 2024")
    for page in (summer, autumn, spring):
        write_table_downloads({f"Inspections {page.stem[-6:]}": pd.DataFrame({"A": [1]})}, published, page)
    reports = published_reports(published)
    assert [r.title for r in reports] == ["Summer 2024", "Spring 2024", "Autumn 2023"]
    assert [[name for name, _ in r.downloads] for r in reports] == [
        ["Inspections summer"],
        ["Inspections spring"],
        ["Inspections autumn"],
    ]


def test_scan_reads_inside_workbooks(tmp_path: Path):
    write_table_downloads(
        {"Leak": pd.DataFrame({"Lead professional": ["Priya Raman"], "note": ["School X: leadership capacity weak"]})},
        tmp_path,
        Path("committee_report/committee_report_2023-24-summer.html"),
    )
    findings = scan_published_tree(tmp_path, ["School X: leadership capacity weak"])
    assert {(f.kind, f.term) for f in findings} == {
        ("field name", "Lead professional"),
        ("restricted value", "School X: leadership capacity weak"),
    }


def test_restricted_names_are_found_at_any_length_as_whole_words(tmp_path: Path):
    """An adviser's name is restricted however short; it is matched as whole words, so a name inside a longer word
    is not a finding, and short free text ('secure') is an ordinary word, not looked for."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create table rpt_grouping__caseloads as select 'Ann Lee' as adviser_name")
        connection.execute(
            "create table int_adviser_capacity_judgements as select 'Al Roe' as adviser_name, 'secure' as main_concern"
        )
    values = restricted_values(warehouse)
    assert values == {"Ann Lee", "Al Roe"}
    site = tmp_path / "published"
    site.mkdir()
    (site / "leak.html").write_text("<p>Visited by Ann Lee. Leaders are secure.</p>", encoding="utf-8")
    (site / "fine.html").write_text("<p>Ann Leeds Academy; Al Roeburn Primary.</p>", encoding="utf-8")
    findings = scan_published_tree(site, values)
    assert [(f.path.name, f.term) for f in findings] == [("leak.html", "Ann Lee")]
