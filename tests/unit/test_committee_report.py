"""The termly committee report: figures from the rpt_committee__* tables reach the HTML and the PDF, formatted
and escaped, with no school named outside the inspections table, and the same data gives the same bytes."""

from __future__ import annotations

import re
import zlib
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.lib.quality.published_scan import scan_published_tree
from dagster_project.lib.reports import committee_report as cr
from dagster_project.lib.reports.disclosure_control import load_rule
from dagster_project.lib.reports.rendering import qmd_to_typst
from dagster_project.lib.reports.report_calendar import reporting_term

HOSTILE_SCHOOL = "<script>alert(1)</script> Primary"
PIPE_SCHOOL = "Hill | Vale Academy"
CONCERN_SCHOOL = "Quietbrook Junior"  # a school causing concern: must never be named in the published report


def _committee_tables() -> dict[str, pd.DataFrame]:
    """Small rpt_committee__* tables with the contract's columns (plus one optional *_reason column)."""
    headline_columns = [
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
        "la_value_reason",
    ]
    headlines = pd.DataFrame(
        [
            (
                "2023-24",
                "KS2",
                "ptrwm_exp",
                "Reading, writing and maths: expected standard",
                "percent",
                61.4,
                59.6,
                1.8,
                58.2,
                "up",
                "revised",
                None,
            ),
            (
                "2023-24",
                "KS2",
                "readprog",
                "Reading progress",
                "progress_score",
                -0.344,
                0.0,
                -0.344,
                None,
                None,
                "revised",
                None,
            ),
            (
                "2022-23",
                "KS2",
                "ptrwm_exp",
                "Reading, writing and maths: expected standard",
                "percent",
                58.2,
                59.4,
                -1.2,
                55.0,
                "up",
                "final",
                None,
            ),
            (
                "2023-24",
                "KS4",
                "att8scr",
                "Attainment 8 average score",
                "score",
                46.14,
                45.9,
                0.24,
                47.03,
                "down",
                "revised",
                None,
            ),
            (
                "2023-24",
                "KS4",
                "p8mea",
                "Progress 8 score",
                "progress_score",
                None,
                -0.03,
                None,
                -0.11,
                None,
                "revised",
                "SUPP",
            ),
        ],
        columns=headline_columns,
    )
    gap = pd.DataFrame(
        [
            ("2023-24", "KS2", "Reading, writing and maths: expected standard", 45.2, 67.8, -22.6, -21.4),
            ("2023-24", "KS4", "Attainment 8 average score", 35.36, 50.1, -14.74, -15.9),
        ],
        columns=[
            "academic_year",
            "key_stage",
            "measure_name",
            "la_disadvantaged_value",
            "national_other_value",
            "la_gap",
            "national_gap",
        ],
    )
    inspections = pd.DataFrame(
        [
            ("2023-24", "summer", 909001, HOSTILE_SCHOOL, date(2024, 5, 9), "Good", "Requires improvement", "improved"),
            ("2023-24", "summer", 909002, PIPE_SCHOOL, date(2024, 6, 20), "Requires improvement", "Good", "declined"),
            ("2023-24", "summer", 909003, "Brookside Infant", date(2024, 7, 2), None, "Outstanding", None),
            # another term's inspection, which this term's report leaves out
            ("2023-24", "spring", 909004, "Old Term Primary", date(2024, 2, 1), "Good", "Good", "unchanged"),
        ],
        columns=[
            "academic_year",
            "term_code",
            "urn",
            "school_name",
            "publication_date",
            "overall_effectiveness_label",
            "previous_effectiveness_label",
            "movement",
        ],
    )
    categories = pd.DataFrame(
        [
            ("A", "Universal support", 1, 71, 1, 24),
            ("B", "Light touch support", 2, 29, 3, 29),
            ("C", "Targeted support", 3, 13, 6, 26),
            ("D", "Intensive support", 4, 4, 9, 12),
        ],
        columns=[
            "support_category",
            "category_name",
            "category_rank",
            "school_count",
            "min_contacts_per_year",
            "planned_contacts_per_term_total",
        ],
    )
    context = pd.DataFrame(
        [
            (
                991,
                "Kingsmere",
                "Summer 2024",
                date(2024, 4, 15),
                date(2024, 8, 31),
                "2023-24",
                "KS2 performance tables 2023-24, revised, published 2024-12-12\n"
                "Ofsted management information, as_at 2024-08-31",
                4,
            )
        ],
        columns=[
            "la_code",
            "la_name",
            "report_term",
            "term_start",
            "term_end",
            "latest_academic_year",
            "sources",
            "schools_causing_concern_count",
        ],
    )
    aims = pd.DataFrame(
        [
            (
                "good_or_outstanding",
                "Every child attends a good or outstanding school",
                1,
                "Schools judged good or outstanding (or the equivalent)",
                "percent",
                "as at 31 August 2024",
                84.2,
                75.2,
                2,
                151,
                16,
                True,
                None,
            ),
            (
                "good_or_outstanding",
                "Every child attends a good or outstanding school",
                2,
                "Pupils in schools judged good or outstanding (or the equivalent)",
                "percent",
                "as at 31 August 2024",
                80.6,
                73.2,
                31,
                151,
                16,
                False,
                None,
            ),
            (
                "top_decile_results",
                "Attainment and progress within the top 10% nationally",
                11,
                "Reading, writing and maths: % meeting the expected standard",
                "percent",
                "KS2 2023-24",
                61.4,
                59.6,
                12,
                151,
                16,
                True,
                None,
            ),
        ],
        columns=[
            "aim_code",
            "aim",
            "aim_order",
            "measure_name",
            "unit",
            "period",
            "la_value",
            "national_value",
            "la_rank",
            "las_ranked",
            "top_decile_rank",
            "is_top_decile",
            "value_reason",
        ],
    )
    support = pd.DataFrame(
        [
            ("tier", "Regional tiered support offer", 1, "Tier 3", 1, "Currently RI and never above RI since 2005"),
            ("tier", "Regional tiered support offer", 3, "Tier 1 (paused)", 6, "Tier 1 support is paused"),
            ("intervention", "Intervention identification", 10, "In an Ofsted category of concern", 2, None),
            (
                "intervention",
                "Intervention identification",
                30,
                "Below the coasting threshold",
                None,
                "Not applied on the report date",
            ),
            (
                "intervention",
                "Intervention identification",
                999,
                "Identified for intervention support (any criterion)",
                9,
                "A school meeting several criteria is counted once",
            ),
        ],
        columns=["summary_group", "group_title", "item_order", "item", "school_count", "note"],
    )
    attendance = pd.DataFrame(
        [
            ("2022-23", "PRI", "primary", 5.6, 6.1, 16.4, 17.7, -1.3, 40, 0, 0, 12.0, 4.0, 1),
            ("2023-24", "PRI", "primary", 5.5, 6.1, 16.1, 17.7, -1.6, 41, 0, 0, 12.0, 4.0, 1),
            ("2023-24", "SEC", "secondary", 8.6, 8.4, 25.04, 24.6, 0.44, 8, 1, 2, 12.0, 4.0, 2),
        ],
        columns=[
            "academic_year",
            "phase_code",
            "phase_name",
            "la_overall_absence_pct",
            "national_overall_absence_pct",
            "la_persistent_absence_pct",
            "national_persistent_absence_pct",
            "persistent_vs_national_pts",
            "schools_with_figures",
            "schools_well_above_national",
            "schools_rising",
            "above_national_threshold_pts",
            "rising_threshold_pts",
            "phase_order",
        ],
    )
    suspensions = pd.DataFrame(
        [
            ("2023-24", "PRI", "primary", 1.42, 1.93, 0.8, 1.0, 0.02, 0.03, 40, 0, 2.0, 1),
            ("2023-24", "SEC", "secondary", 22.64, 20.41, 11.0, 10.2, 0.15, 0.23, 8, 1, 2.0, 2),
        ],
        columns=[
            "academic_year",
            "phase_code",
            "phase_name",
            "la_suspension_rate",
            "national_suspension_rate",
            "la_pupils_suspended_pct",
            "national_pupils_suspended_pct",
            "la_permanent_exclusion_rate",
            "national_permanent_exclusion_rate",
            "schools_with_figures",
            "schools_twice_national",
            "high_ratio",
            "phase_order",
        ],
    )
    ks5 = pd.DataFrame(
        [
            ("2023-24", "A level", 30.72, "C", 310, 31.4, "C", 3, 1, 1),
            ("2023-24", "Applied general", 27.7, "Merit", 120, 27.8, "Merit", 2, 0, 3),
            ("2023-24", "Technical certificate", None, None, None, 25.0, "Merit-", 0, 0, 5),
        ],
        columns=[
            "academic_year",
            "exam_cohort",
            "la_points_per_entry",
            "la_points_per_entry_grade",
            "la_students",
            "national_points_per_entry",
            "national_points_per_entry_grade",
            "schools_with_value_added",
            "schools_significantly_below",
            "cohort_order",
        ],
    )
    return {
        "rpt_committee__la_headlines": headlines,
        "rpt_committee__gap_headline": gap,
        "rpt_committee__attendance": attendance,
        "rpt_committee__suspensions": suspensions,
        "rpt_committee__ks5": ks5,
        "rpt_committee__inspections": inspections,
        "rpt_committee__category_distribution": categories,
        "rpt_committee__la_aims": aims,
        "rpt_committee__support_summary": support,
        "rpt_report__context": context,
        # a restricted-style table in the same warehouse, to show the report does not pick names from it
        "restricted_causing_concern": pd.DataFrame({"school_name": [CONCERN_SCHOOL]}),
        "rpt_report__la_comparisons": _la_comparisons(),
        "rpt_report__comparators": _comparators(),
        "rpt_report__data_sources": pd.DataFrame(
            [
                ("KS2 performance tables", "2023-24", "revised", None, "england_ks2revised.csv"),
                ("Ofsted state-funded school inspections", None, "management information", date(2024, 8, 31), "mi.csv"),
            ],
            columns=["source_name", "academic_year", "data_version", "data_date", "source_file"],
        ),
        **_category_movement(),
    }


def _la_comparisons() -> pd.DataFrame:
    """rpt_report__la_comparisons: Kingsmere (991) KS2 RWM over three years beside national and its region (two LAs
    with figures); no statistical-neighbour list."""
    rows = [("2021-22", 55.0, 58.0, 51.25), ("2022-23", 58.2, 59.4, 53.55), ("2023-24", 61.4, 59.6, 55.1)]
    return pd.DataFrame(
        [
            {
                "academic_year": year,
                "key_stage": "KS2",
                "measure_code": "ks2_rwm_expected_pct",
                "pupil_group": "all",
                "measure_name": "RWM expected",
                "unit": "percent",
                "la_value": la_value,
                "la_value_reason": None,
                "la_pupils": 1000.0,
                "data_version": "revised",
                "national_value": national_value,
                "national_value_reason": None,
                "region_value": region_value,
                "region_las": 2,
                "sn_value": None,
                "sn_las": 0,
            }
            for year, la_value, national_value, region_value in rows
        ]
    )


def _comparators(neighbour_count: int | None = None) -> pd.DataFrame:
    """rpt_report__comparators: Kingsmere in the South East; neighbour_count None: no neighbour list loaded."""
    return pd.DataFrame(
        {
            "la_code": [991],
            "region_name": ["South East"],
            "region_la_total": pd.Series([None], dtype="Int64"),
            "region_la_minimum": [2],
            "neighbour_count": pd.Series([neighbour_count], dtype="Int64"),
        }
    )


def _category_movement(
    previous_term_end: date | None = None,
    rows: list[tuple] = (),
    moved: tuple[int, int, int] = (0, 0, 0),
    causes: list[tuple[str, int]] = (),
) -> dict[str, pd.DataFrame]:
    """The rpt_committee__category_movement* tables: empty (no earlier term recorded) unless previous_term_end is
    given; rows are (support_category, previous, current, joined, left), moved is (more, less, unchanged)."""
    summary = pd.DataFrame(
        [(previous_term_end, *moved)] if previous_term_end else [],
        columns=["previous_term_end", "moved_to_more_support", "moved_to_less_support", "unchanged"],
    )
    movement = pd.DataFrame(
        [(previous_term_end, category, rank, *counts) for rank, (category, *counts) in enumerate(rows, 1)],
        columns=[
            "previous_term_end",
            "support_category",
            "category_rank",
            "previous_count",
            "current_count",
            "schools_joined",
            "schools_left",
        ],
    )
    return {
        "rpt_committee__category_movement_summary": summary,
        "rpt_committee__category_movement": movement,
        "rpt_committee__category_movement_causes": pd.DataFrame(
            [(order, cause, schools) for order, (cause, schools) in enumerate(causes, 1)],
            columns=["cause_order", "cause", "schools"],
        ),
    }


def _write_warehouse(path: Path, tables: dict[str, pd.DataFrame] | None = None) -> Path:
    with duckdb.connect(str(path)) as connection:
        for name, frame in (tables or _committee_tables()).items():
            connection.register("frame", frame)
            connection.execute(f"create table {name} as select * from frame")
            connection.unregister("frame")
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_warehouse(tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def report(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> cr.CommitteeReport:
    return cr.build_committee_report(warehouse, tmp_path_factory.mktemp("published"), engine="pandoc")


EXPECTED_FIGURES = [
    "Kingsmere",
    "Termly school improvement report — Kingsmere, Summer 2024",
    "61%",
    "60%",
    "+2",
    "58%",
    "Up",  # KS2 RWM: LA, national, difference, previous year, trend in words
    "−0.34",
    "no comparison",  # KS2 reading progress, 2 dp with a real minus; no previous year
    "46.1",
    "45.9",
    "+0.2",
    "47.0",
    "Down",  # KS4 Attainment 8, 1 dp
    "suppressed",  # Progress 8 la_value NULL with reason SUPP
    "45%",
    "68%",
    "−23",
    "−21",  # KS2 gap
    "35.4",
    "50.1",
    "−14.7",
    "−15.9",  # KS4 gap
    "4 schools causing concern",
    "117 schools are placed in 4 support categories",
    "Intensive support",
    "91",  # total planned contacts this term: 24 + 29 + 26 + 12
    "england_ks2revised.csv",  # data sources table: file, version and date of the data
    "management information",
    "31 August 2024",
    "22.6",  # secondary suspensions per 100 pupils, 1 dp; permanent exclusions to 2 dp
    "20.4",
    "0.15",
    "one school had at least twice England",
]


def _visible_text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&amp;", "&")


def test_report_is_written_to_the_published_committee_report_folder_named_by_term(report: cr.CommitteeReport):
    assert report.html.name == "committee_report_2023-24-summer.html"
    assert report.pdf.name == "committee_report_2023-24-summer.pdf"
    assert report.html.parent.name == "committee_report"
    assert report.report_term == "Summer 2024"


def test_html_states_la_name_and_figures_from_the_rpt_tables(report: cr.CommitteeReport):
    text = _visible_text(report.html.read_text(encoding="utf-8"))
    missing = [figure for figure in EXPECTED_FIGURES if figure not in text]
    assert not missing, f"not in the HTML: {missing}"


def _table_rows(html: str, caption_start: str) -> list[list[str]]:
    """Cell texts of the body rows of the table whose caption starts with `caption_start`."""
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        caption = re.search(r"<caption>(.*?)</caption>", table, flags=re.S)
        words = _visible_text("<body>" + caption.group(1)).strip() if caption else ""
        if re.sub(r"^Table \d+: ", "", words).startswith(caption_start):
            body = table.split("<tbody>", 1)[1]
            return [
                [_visible_text("<body>" + cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
            ]
    raise AssertionError(f"no table captioned {caption_start!r}")


def test_16_to_18_results_give_the_la_against_england_and_count_sixth_forms_below(report: cr.CommitteeReport):
    html = report.html.read_text(encoding="utf-8")
    assert _table_rows(html, "Average points per entry of Kingsmere") == [
        ["2023-24", "A level", "30.7 (C)", "31.4 (C)", "3", "1"],
        ["2023-24", "Applied general", "27.7 (Merit)", "27.8 (Merit)", "2", "0"],
        ["2023-24", "Technical certificate", "no data", "25.0 (Merit-)", "0", "0"],
    ]
    text = _visible_text(html)
    assert (
        "In 2023-24, Kingsmere\u2019s A level students averaged 30.7 points per entry against 31.4 in England; value "
        "added was significantly below average at 1 of the 3 school sixth forms with a published figure." in text
    )
    # A cohort without an LA figure, or without sixth forms, gets no sentence.
    assert "Technical certificate students averaged" not in text


def test_attendance_gives_the_la_against_england_by_phase_and_counts_the_flagged_schools(report: cr.CommitteeReport):
    html = report.html.read_text(encoding="utf-8")
    rows = _table_rows(html, "Absence in Kingsmere")
    assert rows == [
        ["2022-23", "Primary", "5.6%", "6.1%", "16.4%", "17.7%"],
        ["2023-24", "Primary", "5.5%", "6.1%", "16.1%", "17.7%"],
        ["2023-24", "Secondary", "8.6%", "8.4%", "25.0%", "24.6%"],
    ]
    text = _visible_text(html)
    # One sentence per phase for the latest year; schools are counted, never named.
    assert (
        "persistent absence in Kingsmere\u2019s secondary schools was 25.0% against 24.6% in England; one school at "
        "least 12 points above England and 2 schools where it rose by at least 4 points in each of the last two years."
        in text
    )
    assert "primary schools was 16.1% against 17.7% in England." in text


def test_headline_tables_show_only_each_key_stages_latest_year(report: cr.CommitteeReport):
    rows = _table_rows(report.html.read_text(encoding="utf-8"), "KS2 headline measures, 2023-24")
    rwm = next(row for row in rows if row[0].startswith("Reading, writing and maths"))
    assert rwm == ["Reading, writing and maths: expected standard", "61%", "60%", "+2", "58%", "Up"]
    assert "−1" not in " ".join(" ".join(r) for r in rows)  # the 2022-23 difference of −1.2 is not shown


def test_trends_show_three_years_with_the_latest_national_and_region_and_say_neighbours_are_not_loaded(
    report: cr.CommitteeReport,
):
    html = report.html.read_text(encoding="utf-8")
    rows = _table_rows(html, "KS2: Kingsmere over 2021-22 to 2023-24")
    # Kingsmere 3 years; national and region (rpt_report__la_comparisons) for 2023-24; no neighbour list
    assert rows == [["RWM expected", "55%", "58%", "61%", "60%", "55%", "not available"]]
    assert "statistical neighbours list has not been loaded" in html


def test_trend_chart_is_an_image_with_alt_text_stating_the_figures(report: cr.CommitteeReport):
    html = report.html.read_text(encoding="utf-8")
    alt = re.search(r'<img[^>]*alt="(Line chart of RWM expected for KS2[^"]*)"', html)
    assert alt, "the KS2 trend chart has no alt text"
    assert "Kingsmere: 2021-22 55%, 2022-23 58%, 2023-24 61%" in alt.group(1)
    assert "National: 2021-22 58%, 2022-23 59%, 2023-24 60%" in alt.group(1)


def test_every_table_has_a_header_row(report: cr.CommitteeReport):
    html = report.html.read_text(encoding="utf-8")
    assert html.count("<table") == html.count("<thead>") >= 7  # KS2, KS4, trend, gap, inspections, categories, sources


def test_hostile_school_name_is_printed_as_text_not_markup(report: cr.CommitteeReport):
    html = report.html.read_text(encoding="utf-8")
    assert "<script" not in html
    assert ">&lt;script&gt;alert(1)&lt;/script&gt; Primary</td>" in html


def test_a_pipe_in_a_school_name_stays_inside_its_table_cell(report: cr.CommitteeReport):
    assert ">Hill | Vale Academy</td>" in report.html.read_text(encoding="utf-8")


def test_schools_causing_concern_are_counted_not_named(report: cr.CommitteeReport):
    assert CONCERN_SCHOOL not in report.html.read_text(encoding="utf-8")


def test_html_declares_language_and_title(report: cr.CommitteeReport):
    html = report.html.read_text(encoding="utf-8")
    assert 'lang="en-GB"' in html
    assert "<title>Termly school improvement report — Kingsmere, Summer 2024</title>" in html


def test_pdf_is_a_pdf_with_the_report_title_and_text(report: cr.CommitteeReport):
    pdf = report.pdf.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "Termly school improvement report — Kingsmere, Summer 2024".encode() in pdf  # XMP metadata title
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S)
    page_text_operators = [s for s in (_inflate(s) for s in streams) if b"TJ" in s or b"Tj" in s]
    assert page_text_operators, "the PDF has no text-showing content stream"


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


def test_pdf_source_states_the_same_figures(warehouse: Path, tmp_path: Path):
    # pypdf is not installed, so check the typst markup that the PDF is compiled from.
    qmd = tmp_path / "committee_report.qmd"
    document = cr.committee_document(cr.load_committee_tables(warehouse), load_rule())
    qmd.write_text(document.text, encoding="utf-8")
    typst_source = qmd_to_typst(qmd)
    text = typst_source.replace("\\", "").replace("---", "—")
    missing = [figure for figure in EXPECTED_FIGURES if figure not in text]
    assert not missing, f"not in the typst source: {missing}"


def test_same_data_gives_byte_identical_html_and_pdf(warehouse: Path, report: cr.CommitteeReport, tmp_path: Path):
    again = cr.build_committee_report(warehouse, tmp_path, engine="pandoc")
    assert again.html.read_bytes() == report.html.read_bytes()
    assert again.pdf.read_bytes() == report.pdf.read_bytes()
    assert b"D:20240831" in again.pdf.read_bytes()  # creation date is the data date (term end), not the clock


def test_report_reads_the_warehouse_through_a_read_only_connection(warehouse: Path, tmp_path: Path):
    # DuckDB refuses a second connection to one file with a different configuration in the same process,
    # so this only succeeds if the report also connects read-only.
    with duckdb.connect(str(warehouse), read_only=True):
        built = cr.build_committee_report(warehouse, tmp_path, engine="pandoc")
    assert built.html.is_file()


def test_missing_rpt_column_is_reported_with_table_and_column(tmp_path: Path):
    tables = _committee_tables()
    tables["rpt_committee__gap_headline"] = tables["rpt_committee__gap_headline"].drop(columns="national_gap")
    warehouse = _write_warehouse(tmp_path / "broken.duckdb", tables)
    with pytest.raises(cr.ReportDataError, match=r"rpt_committee__gap_headline.*national_gap"):
        cr.load_committee_tables(warehouse)


def test_empty_term_says_no_inspections_and_still_renders(tmp_path: Path):
    tables = _committee_tables()
    tables["rpt_committee__inspections"] = tables["rpt_committee__inspections"].iloc[0:0]
    warehouse = _write_warehouse(tmp_path / "quiet.duckdb", tables)
    built = cr.build_committee_report(warehouse, tmp_path / "published", engine="pandoc")
    assert "No inspection reports were published this term." in built.html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "unit", "reason", "expected"),
    [
        (61.4, "percent", None, "61%"),
        (61.5, "pct", None, "62%"),
        (46.14, "score", None, "46.1"),
        (-0.344, "progress_score", None, "−0.34"),
        (None, "percent", "SUPP", "suppressed"),
        (None, "score", "NP", "not published"),
        (None, "score", None, "no data"),
        (float("nan"), "score", None, "no data"),
    ],
)
def test_measures_are_formatted_by_unit_and_nulls_show_the_reason(value, unit, reason, expected):
    assert cr.format_measure(value, unit, reason) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (2.4, "percent", "+2"),
        (-3.2, "percent", "−3"),
        (-0.2, "percent", "0"),
        (0.24, "score", "+0.2"),
        (None, "percent", "no data"),
    ],
)
def test_differences_are_signed_and_never_minus_zero(value, unit, expected):
    assert cr.format_difference(value, unit) == expected


def test_category_movement_since_last_term_shows_dbts_counts_by_category_name(tmp_path: Path):
    """The counts come from rpt_committee__category_movement* (dbt, under its own unit tests); the report names
    each category and states the term compared with. Only counts are published."""
    tables = _committee_tables()
    tables.update(
        _category_movement(
            date(2024, 3, 28),
            [("A", 1, 1, 0, 0), ("B", 1, 1, 1, 1), ("C", 1, 0, 0, 1), ("D", 0, 1, 1, 0)],
            moved=(1, 1, 1),
        )
    )
    built = cr.build_committee_report(
        _write_warehouse(tmp_path / "moving.duckdb", tables), tmp_path / "published", engine="pandoc"
    )
    html = built.html.read_text(encoding="utf-8")
    text = _visible_text(html)
    assert "term ending 28 March 2024, 1 school moved to a category with more support, 1 to a category" in text
    rows = _table_rows(html, "Schools in each support category last term and this term")
    assert rows == [
        ["Universal support", "1", "1", "0", "0"],
        ["Light touch support", "1", "1", "1", "1"],
        ["Targeted support", "1", "0", "0", "1"],
        ["Intensive support", "0", "1", "1", "0"],
    ]
    assert "urn" not in built.tables["Category movement"].columns  # no school-level data in the download


def test_first_term_without_a_recorded_term_says_movement_starts_next_term(warehouse: Path, tmp_path: Path):
    built = cr.build_committee_report(warehouse, tmp_path / "published", engine="pandoc")
    assert "movement since last term cannot be shown yet" in _visible_text(built.html.read_text(encoding="utf-8"))


def test_a_measure_dfe_did_not_publish_reads_not_published_in_every_column_with_the_reason(tmp_path: Path):
    """KS2 progress in 2023-24 (seed performance_table_availability: no KS1 baseline) is NP for the LA and national
    alike (rpt models); the headline and trend tables say 'not published' everywhere, never 'not applicable',
    'no data' or 'not available', and the reason is stated beside the table."""
    reason = "No progress measures: no KS1 baseline (KS1 assessments cancelled in 2020)"
    tables = _committee_tables()
    headlines = tables["rpt_committee__la_headlines"]
    is_progress = headlines["measure_code"] == "readprog"
    headlines.loc[is_progress, ["la_value", "national_value", "la_minus_national"]] = None
    headlines.loc[is_progress, "la_value_reason"] = "NP"
    headlines["national_value_reason"] = headlines["la_value_reason"]
    headlines["not_published_reason"] = [reason if flag else None for flag in is_progress]
    comparisons = tables["rpt_report__la_comparisons"]
    progress = comparisons[comparisons["academic_year"] == "2023-24"].assign(
        measure_code="readprog",
        measure_name="Reading progress",
        unit="progress_score",
        la_value=None,
        la_value_reason="NP",
        national_value=None,
        national_value_reason="NP",
        region_value=None,
        region_las=None,
    )
    tables["rpt_report__la_comparisons"] = pd.concat([comparisons, progress], ignore_index=True)
    tables["rpt_report__comparators"] = _comparators(neighbour_count=1)
    built = cr.build_committee_report(
        _write_warehouse(tmp_path / "warehouse.duckdb", tables), tmp_path / "published", engine="pandoc"
    )
    html = built.html.read_text(encoding="utf-8")
    headline = next(r for r in _table_rows(html, "KS2 headline measures, 2023-24") if r[0] == "Reading progress")
    assert headline[1:4] == ["not published"] * 3
    trend = next(r for r in _table_rows(html, "KS2: Kingsmere over") if r[0] == "Reading progress")
    assert trend[-4:] == ["not published"] * 4  # Kingsmere 2023-24, national, region, statistical neighbours
    assert f"Reading progress (2023-24): not published by the Department for Education. {reason}." in _visible_text(
        html
    )


def test_the_report_lists_only_the_inspections_published_in_its_term(report: cr.CommitteeReport):
    text = _visible_text(report.html.read_text(encoding="utf-8"))
    assert "Brookside Infant" in text
    assert "Old Term Primary" not in text  # published in spring: in the spring report only


def test_a_report_for_an_earlier_term_shows_that_terms_inspections_and_not_todays_movement(tmp_path: Path):
    tables = _committee_tables()
    tables.update(_category_movement(date(2024, 3, 28), [("A", 1, 1, 0, 0)], moved=(0, 0, 1)))
    built = cr.build_committee_report(
        _write_warehouse(tmp_path / "warehouse.duckdb", tables),
        tmp_path / "published",
        term=reporting_term("2023-24-spring"),
        engine="pandoc",
    )
    text = _visible_text(built.html.read_text(encoding="utf-8"))
    assert built.html.name == "committee_report_2023-24-spring.html" and built.report_term == "Spring 2024"
    assert "It covers Spring 2024 (1 January 2024 to 31 March 2024)" in text
    assert "Old Term Primary" in text and "Brookside Infant" not in text
    assert "produced after the term, from data to Summer 2024" in text
    # today's movement is since the latest data's previous term, not spring's
    assert "shown only in the report for the term of the latest data (Summer 2024)" in text
    assert "term ending 28 March 2024" not in text


def test_a_report_for_a_term_after_the_latest_data_is_refused(warehouse: Path, tmp_path: Path):
    with pytest.raises(cr.ReportDataError, match=r"Autumn 2024: the warehouse holds data to Summer 2024 only"):
        cr.build_committee_report(warehouse, tmp_path, term=reporting_term("2024-25-autumn"), engine="pandoc")
    assert not list(tmp_path.rglob("*.html"))


def test_la_aims_show_the_good_or_outstanding_figures_and_ranks_from_the_mart(report: cr.CommitteeReport):
    """rpt_committee__la_aims (from fct_la_good_or_outstanding and fct_la_measure_comparison): the LA's % of
    schools and pupils in good or outstanding schools with its rank among all LAs, and whether each is in the top
    10% of LAs (the LA's stated aim)."""
    html = report.html.read_text(encoding="utf-8")
    rows = _table_rows(html, "Kingsmere against its aims")
    assert rows == [
        [
            "Schools judged good or outstanding (or the equivalent)",
            "as at 31 August 2024",
            "84%",
            "75%",
            "2 of 151",
            "Yes",
        ],
        [
            "Pupils in schools judged good or outstanding (or the equivalent)",
            "as at 31 August 2024",
            "81%",
            "73%",
            "31 of 151",
            "No (top 10%: rank 16 or better)",
        ],
        [
            "Reading, writing and maths: % meeting the expected standard",
            "KS2 2023-24",
            "61%",
            "60%",
            "12 of 151",
            "Yes",
        ],
    ]
    text = _visible_text(html)
    assert "1 of the 1 headline measures ranked place Kingsmere in the top 10% of local authorities" in text
    assert list(report.tables["LA aims"]["Rank among local authorities"]) == ["2 of 151", "31 of 151", "12 of 151"]


def test_tiers_and_intervention_criteria_are_counted_and_a_paused_tier_or_criterion_says_so(
    report: cr.CommitteeReport,
):
    html = report.html.read_text(encoding="utf-8")
    assert _table_rows(html, "Maintained schools and academies meeting each tier") == [
        ["Tier 3", "1", "Currently RI and never above RI since 2005"],
        ["Tier 1 (paused)", "6", "Tier 1 support is paused"],
    ]
    assert _table_rows(html, "Maintained schools and academies meeting each criterion") == [
        ["In an Ofsted category of concern", "2", ""],
        ["Below the coasting threshold", "not applied", "Not applied on the report date"],
        [
            "Identified for intervention support (any criterion)",
            "9",
            "A school meeting several criteria is counted once",
        ],
    ]
    assert CONCERN_SCHOOL not in _visible_text(html)


def test_category_movement_says_how_many_schools_each_input_moved_counted_not_named(tmp_path: Path):
    """rpt_committee__category_movement_causes counts the schools each cause explains (a new inspection, the LA's
    own assessment, an override, new results, new rules); the report words them and no URN reaches its tables."""
    tables = _committee_tables()
    tables.update(
        _category_movement(
            date(2024, 3, 28),
            [("A", 1, 1, 0, 0), ("B", 2, 1, 0, 1), ("C", 1, 1, 1, 1), ("D", 0, 1, 1, 0)],
            moved=(2, 1, 1),
            causes=[
                ("a new inspection", 1),
                ("a new local authority assessment", 1),
                ("an override", 1),
                ("new results", 0),
                ("new categorisation rules", 0),
            ],
        )
    )
    built = cr.build_committee_report(
        _write_warehouse(tmp_path / "moving.duckdb", tables), tmp_path / "published", engine="pandoc"
    )
    html = built.html.read_text(encoding="utf-8")
    assert _table_rows(html, "Why schools changed category") == [
        ["A new inspection", "1"],
        ["A new local authority assessment", "1"],
        ["An override", "1"],
        ["New results", "0"],
        ["New categorisation rules", "0"],
    ]
    assert "urn" not in built.tables["Why schools moved"].columns
    assert not scan_published_tree(tmp_path / "published"), "the published report must pass the restricted-data scan"


def test_no_internal_code_reaches_the_published_report(tmp_path: Path):
    """Reader-facing text shows category names, never codes such as SM_SWK or RI_CAPACITY_NOT_SECURE."""
    tables = _committee_tables()
    tables["rpt_committee__category_distribution"] = pd.DataFrame(
        [
            ("OUTSTANDING", "Outstanding", "Outstanding", 1, 14, 1, 4.6),
            (
                "SM_SWK",
                "Schools that are deemed to require special measures",
                "Special measures or serious weaknesses",
                6,
                3,
                39,
                39.0,
            ),
        ],
        columns=[
            "support_category",
            "category_name",
            "category_short_name",
            "category_rank",
            "school_count",
            "min_contacts_per_year",
            "planned_contacts_per_term_total",
        ],
    )
    built = cr.build_committee_report(
        _write_warehouse(tmp_path / "codes.duckdb", tables), tmp_path / "pub", engine="pandoc"
    )
    text = _visible_text(built.html.read_text(encoding="utf-8"))
    assert "Special measures or serious weaknesses" in text
    assert not re.search(r"\b[A-Z0-9]+_[A-Z0-9_]+\b", text), re.findall(r"\b[A-Z0-9]+_[A-Z0-9_]+\b", text)
    assert "not_secure" not in text
