"""The published site: Excel downloads that repeat byte for byte, an index that links every report, PDF and
download with escaped titles, and a published-tree scan that sees inside workbooks."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dagster_project.lib.published_scan import scan_published_tree
from dagster_project.lib.site_builder import build_site
from dagster_project.lib.xlsx_downloads import workbook_title, write_table_downloads


def test_the_same_table_gives_the_same_workbook_bytes(tmp_path: Path):
    table = {"Inspections this term": pd.DataFrame({"School": ["Brookside Infant"], "Outcome": ["Good"]})}
    first = write_table_downloads(table, tmp_path / "a", "committee_report")[0]
    second = write_table_downloads(table, tmp_path / "b", "committee_report")[0]
    assert first.name == "inspections-this-term.xlsx"
    assert first.read_bytes() == second.read_bytes()
    assert workbook_title(first) == "Inspections this term"


def test_index_links_each_report_pdf_and_download_and_escapes_titles(tmp_path: Path):
    published = tmp_path / "published"
    (published / "committee_report").mkdir(parents=True)
    page = published / "committee_report" / "committee_report_summer-2024.html"
    page.write_text("<html><head><title>Report &lt;b&gt; &amp; more</title></head><body></body></html>")
    page.with_suffix(".pdf").write_bytes(b"%PDF-1.7")
    write_table_downloads({"Support <categories>": pd.DataFrame({"A": [1]})}, published, "committee_report")
    index = build_site(published, "King<s>mere", "31 August 2024").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert links == [
        "data:,",
        "committee_report/committee_report_summer-2024.html",
        "committee_report/committee_report_summer-2024.pdf",
        "downloads/committee_report/support-categories.xlsx",
    ]
    assert "King&lt;s&gt;mere" in index and "<s>" not in index
    assert "Report &lt;b&gt; &amp; more (web page)" in index
    assert "Support &lt;categories&gt; (Excel)" in index
    assert 'lang="en-GB"' in index and "<main>" in index


def test_scan_reads_inside_workbooks(tmp_path: Path):
    write_table_downloads(
        {"Leak": pd.DataFrame({"Lead professional": ["Priya Raman"], "note": ["School X: leadership capacity weak"]})},
        tmp_path,
        "committee_report",
    )
    findings = scan_published_tree(tmp_path, ["School X: leadership capacity weak"])
    assert {(f.kind, f.term) for f in findings} == {
        ("field name", "Lead professional"),
        ("restricted value", "School X: leadership capacity weak"),
    }
