"""Bad-input corpus: every way a received file can be wrong is refused whole, with nothing lost.

Each case starts from a good synthetic file (the bundled generator, written into tmp_path), loads it, then
receives a damaged version of the same file (same folder, so loading it would replace the same slice) and
asserts three things: the error names the file and the column / value / row at fault (and, for a value the
parser reads but the publisher's range forbids, the GX expectation of expectations/<table>.json that refused
it); the file sits in the quarantine with a reason.json and a manifest row with status 'quarantined'; and the
raw table still holds exactly the rows of the last good file. One case (a file ten times larger) must load.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.ingest.archive import REASON_NAME, file_sha256
from dagster_project.lib.ingest.source_files import discover_source_files
from dagster_project.lib.ingest.warehouse_load import MANIFEST_TABLE, ingest_source
from dagster_project.lib.sources import SOURCES
from synthetic_la import ofsted as synthetic_ofsted

KS2 = "ks2/2023-24/england_ks2revised.csv"
KS4 = "ks4/2023-24/england_ks4revised.csv"
CENSUS = "census/2023-24/england_census.csv"
GIAS = "gias/edubasealldata20240906.csv"
GIAS_LINKS = "gias/links_edubasealldata20240906.csv"
OFSTED_2024 = f"ofsted/{synthetic_ofsted.FILE_NAME}"
OFSTED_2025 = f"ofsted/{synthetic_ofsted.YTD_2025_FILE_NAME}"
OFSTED_2026 = f"ofsted/{synthetic_ofsted.YTD_2026_FILE_NAME}"
OFSTED_LATEST = f"ofsted/{synthetic_ofsted.LATEST_FILE_NAME}"
ABSENCE = "absence/2022-23/england_abs.csv"
SN_CSV = "statistical_neighbours/sn_april_2021.csv"
SN_XLSX = "statistical_neighbours/sn_may_2025.xlsx"
LA_CODES = "la_codes/la_code_list.csv"

SOURCE_OF = {
    KS2: "ks2",
    KS4: "ks4",
    CENSUS: "census",
    GIAS: "gias_establishments",
    GIAS_LINKS: "gias_links",
    OFSTED_2024: "ofsted_inspections",
    OFSTED_2025: "ofsted_inspections",
    OFSTED_2026: "ofsted_inspections",
    OFSTED_LATEST: "ofsted_inspections",
    ABSENCE: "absence",
    SN_CSV: "statistical_neighbours",
    SN_XLSX: "statistical_neighbours",
    LA_CODES: "la_codes",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from synthetic_la.generate import generate

    out = tmp_path_factory.mktemp("generated") / "sources"
    generate(out, 20240901, "la", log=lambda message: None)
    return out


# --- damage helpers: bytes of the good file -> bytes of the bad one -------------------------------------


def _encoding(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"


def _lines(data: bytes) -> tuple[list[str], str]:
    encoding = _encoding(data)
    return data.decode(encoding).split("\r\n"), encoding


def _join(lines: list[str], encoding: str) -> bytes:
    return "\r\n".join(lines).encode(encoding)


def _edit_cell(column: str, value: str, row: int = 1) -> Callable[[bytes], bytes]:
    """Set one cell (data row `row`, 1-based) by header name, via the csv module so quoting stays right."""

    def damage(data: bytes) -> bytes:
        import csv

        encoding = _encoding(data)
        rows = list(csv.reader(io.StringIO(data.decode(encoding), newline="")))
        header = [h.removeprefix("\ufeff") for h in rows[0]]
        position = header.index(column)
        rows[row][position] = value
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        return buffer.getvalue().encode(encoding)

    return damage


def _rename_header(old: str, new: str) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        lines, encoding = _lines(data)
        cells = lines[0].split(",")
        cells = [new if c.strip('"\ufeff') == old else c for c in cells]
        lines[0] = ",".join(cells)
        return _join(lines, encoding)

    return damage


def _drop_column(name: str) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        import csv

        encoding = _encoding(data)
        rows = list(csv.reader(io.StringIO(data.decode(encoding), newline="")))
        position = [h.removeprefix("\ufeff") for h in rows[0]].index(name)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([r[:position] + r[position + 1 :] for r in rows])
        return buffer.getvalue().encode(encoding)

    return damage


def _add_column(name: str, value: str) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        lines, encoding = _lines(data)
        return _join(
            [f"{line},{name if i == 0 else value}" if line else line for i, line in enumerate(lines)], encoding
        )

    return damage


def _truncate(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


def _cut_mid_row(row: int, before_column: str) -> Callable[[bytes], bytes]:
    """The file ends inside data row `row` (1-based), just before the field `before_column`: a download cut short."""

    def damage(data: bytes) -> bytes:
        import csv

        lines, encoding = _lines(data)
        header = next(csv.reader([lines[0]]))
        fields = next(csv.reader([lines[row]]))
        kept = fields[: header.index(before_column)]
        cut = ",".join(f'"{value}"' if "," in value else value for value in kept) + ","
        return _join([*lines[:row], cut], encoding)

    return damage


def _insert_line(at: int, text: str) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        lines, encoding = _lines(data)
        lines.insert(at, text)
        return _join(lines, encoding)

    return damage


def _append_line(text: str) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        lines, encoding = _lines(data)
        while lines and lines[-1] == "":
            lines.pop()
        return _join([*lines, text, ""], encoding)

    return damage


def _duplicate_row(row: int) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        lines, encoding = _lines(data)
        lines.insert(row + 1, lines[row])
        return _join(lines, encoding)

    return damage


def _replace(old: str, new: str, count: int = 1) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        encoding = _encoding(data)
        text = data.decode(encoding)
        assert old in text, f"{old!r} not in the good file"
        return text.replace(old, new, count).encode(encoding)

    return damage


def _utf16(data: bytes) -> bytes:
    return data.decode(_encoding(data)).encode("utf-16")


def _undecodable(data: bytes) -> bytes:
    lines, encoding = _lines(data)
    encoded = bytearray(_join(lines, encoding))
    encoded[len(encoded) // 2] = 0x81  # invalid UTF-8 and undefined in Windows-1252
    return bytes(encoded)


def _xlsx_bytes(data: bytes) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for line in data.decode(_encoding(data)).split("\r\n")[:20]:
        workbook.active.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HTML_PAGE = (
    b"<!DOCTYPE html>\r\n<html lang='en'><head><title>Service unavailable</title></head>"
    b"<body><h1>Sorry, there is a problem with the service</h1></body></html>\r\n"
)


def _sn_closeness(old: str, new: str) -> Callable[[bytes], bytes]:
    return _replace(old, new)


# --- the corpus ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    path: str
    damage: Callable[[bytes], bytes]
    message: tuple[str, ...]  # fragments the error must contain (besides the file name)
    column: str | None = None
    value: str | None = None
    row: int | None = None  # 1-based data row named in reason.json
    expectation: str | None = None  # the GX expectation type that refused the file


BETWEEN = "expect_column_values_to_be_between"
NOT_NULL = "expect_column_values_to_not_be_null"

CASES = [
    Case("truncated_ks2", KS2, _truncate(0.6), ("no national row", "truncated"), column="RECTYPE"),
    Case("truncated_census", CENSUS, _truncate(0.5), ("no national rows", "truncated"), column="URN"),
    Case("truncated_absence", ABSENCE, _truncate(0.7), ("no national rows", "truncated"), column="LA"),
    Case("utf16_encoding", KS2, _utf16, ("UTF-16",)),
    Case("undecodable_byte_in_a_bom_file", KS4, _undecodable, ("not valid UTF-8", "0x81")),
    Case("undecodable_byte_in_a_cp1252_file", OFSTED_2024, _undecodable, ("neither UTF-8 nor Windows-1252", "0x81")),
    Case("duplicated_urn_ks2", KS2, _duplicate_row(1), ("appears on more than one data row",), column="URN"),
    Case("duplicated_urn_census", CENSUS, _duplicate_row(3), ("appears on more than one data row",), column="URN"),
    Case("duplicated_urn_gias", GIAS, _duplicate_row(2), ("appears on more than one data row",), column="URN"),
    Case("duplicated_urn_absence", ABSENCE, _duplicate_row(4), ("appears on more than one data row",), column="URN"),
    Case("renamed_urn_column", KS2, _rename_header("URN", "URN_NUMBER"), ("required column(s) missing", "'urn'")),
    Case("missing_rectype_column", KS4, _drop_column("RECTYPE"), ("required column(s) missing", "'rectype'")),
    Case("missing_la_number_column", LA_CODES, _drop_column("LA Number"), ("required column(s) missing",)),
    Case(
        "unknown_special_value",
        KS2,
        _edit_cell("PTRWM_EXP", "XSUPP", 3),
        ("not a known special value",),
        column="PTRWM_EXP",
        value="XSUPP",
    ),
    Case(
        "unknown_rectype",
        KS4,
        _edit_cell("RECTYPE", "9", 2),
        ("RECTYPE this key stage uses",),
        column="RECTYPE",
        value="9",
    ),
    Case(
        "unknown_category_of_concern",
        OFSTED_2024,
        _edit_cell("Category of concern", "XYZ", 5),
        ("one of SM, SWK, RSI",),
        column="Category of concern",
        value="XYZ",
    ),
    Case(
        "unknown_report_card_grade",
        OFSTED_2026,
        _replace(",Expected standard,", ",Good,"),
        ("report-card grade",),
        value="Good",
    ),
    Case(
        "unknown_closeness_label",
        SN_CSV,
        _sn_closeness(",Close,", ",Quite close,"),
        ("unknown closeness label",),
        value="Quite close",
    ),
    Case(
        "unknown_la_type",
        LA_CODES,
        _edit_cell("Type", "XX", 2),
        ("ILB, OLB, MD, UA, SC or NA",),
        column="Type",
        value="XX",
    ),
    Case(
        "header_junk_row",
        KS2,
        _insert_line(0, "Key stage 2 performance tables 2023-24"),
        ("header is on line 2", "junk line"),
    ),
    Case(
        "footer_junk_row",
        CENSUS,
        _append_line("Source: Department for Education"),
        ("a note, footer or truncated line",),
    ),
    Case("blank_line_inside_data", KS4, _insert_line(5, ""), ("blank line inside the data",)),
    Case(
        "row_with_extra_fields",
        ABSENCE,
        _insert_line(3, "991,2001,900001,4.1,10.2,99,98"),
        ("fields but the header has",),
    ),
    Case("empty_file", KS2, lambda data: b"", ("file is empty",)),
    Case("header_only", CENSUS, lambda data: data.split(b"\r\n")[0] + b"\r\n", ("header but no data rows",)),
    Case("html_error_page", KS4, lambda data: HTML_PAGE, ("HTML page",)),
    Case("html_error_page_for_sn", SN_CSV, lambda data: HTML_PAGE, ("HTML page",)),
    Case("xlsx_where_csv_expected", KS2, _xlsx_bytes, ("Excel workbook",)),
    Case(
        "csv_where_xlsx_expected",
        SN_XLSX,
        lambda data: b"LA num,LA Name\r\n991,Kingsmere\r\n",
        ("not an Excel workbook",),
    ),
    Case(
        "ks2_prior_year_columns_of_another_year",
        KS2,
        _add_column("PTRWM_EXP_21", "60%"),
        ("prior-year columns are for 2021", "2023-24"),
        column="PTRWM_EXP_21",
    ),
    Case(
        "absence_15pct_definition_in_a_2022_23_folder",
        ABSENCE,
        _rename_header("PPERSABS10", "PPERSABS15"),
        ("15% persistent-absence definition", "2022-23"),
        column="PPERSABS15",
    ),
    Case(
        "ofsted_graded_after_grades_were_removed",
        OFSTED_2025,
        _replace(",Not judged,", ",2,"),
        ("graded overall effectiveness after 1 September 2024",),
        column="Overall effectiveness",
        value="2",
    ),
    Case(
        "ofsted_unknown_layout",
        OFSTED_LATEST,
        _rename_header("Latest OEIF overall effectiveness", "OEIF grade"),
        ("unknown Ofsted MI layout", "Latest OEIF overall effectiveness"),
    ),
    Case(
        "ofsted_us_date",
        OFSTED_2024,
        _edit_cell("Inspection start date", "05/31/2019", 4),
        ("DD/MM/YYYY",),
        column="Inspection start date",
        value="05/31/2019",
    ),
    Case(
        "gias_bad_date",
        GIAS,
        _edit_cell("OpenDate", "2019-09-01", 3),
        ("DD-MM-YYYY",),
        column="OpenDate",
        value="2019-09-01",
    ),
    Case("ks2_school_row_without_urn", KS2, _edit_cell("URN", "", 2), ("has no URN",), column="URN"),
    Case("ambiguous_duplicate_header", KS4, _add_column("ATT8SCR", "40"), ("ambiguous",)),
    # Values the parser reads but the publisher's ranges forbid: refused by the table's GX suite before loading.
    Case(
        "ks4_percentage_of_250",
        KS4,
        _edit_cell("PTL2BASICS_94", "250", 2),
        ("failed the data check 'a percentage lies between 0 and 100': 1 row(s), value 250.0",),
        column="ptl2basics_94",
        value="250.0",
        row=2,
        expectation=BETWEEN,
    ),
    Case(
        "ks4_negative_cohort",
        KS4,
        _edit_cell("TPUP", "-5", 4),
        ("'a pupil count is not negative': 1 row(s), value -5.0",),
        column="tpup",
        value="-5.0",
        row=4,
        expectation=BETWEEN,
    ),
    Case(
        "census_fsm_percentage_of_180_5",
        CENSUS,
        _edit_cell("PNUMFSMEVER", "180.5", 3),
        ("a percentage of pupils (FSM at any time in the last 6 years) lies between 0 and 100", "value 180.5"),
        column="pnumfsmever",
        value="180.5",
        row=3,
        expectation=BETWEEN,
    ),
    Case(
        "ks2_scaled_score_of_150",
        KS2,
        _edit_cell("READ_AVERAGE", "150", 5),
        ("'KS2 scaled scores run from 80 to 120': 1 row(s), value 150.0",),
        column="read_average",
        value="150.0",
        row=5,
        expectation=BETWEEN,
    ),
    Case(
        "absence_rate_over_100",
        ABSENCE,
        _edit_cell("PERCTOT", "104.2", 6),
        ("'overall absence is a percentage of sessions': 1 row(s), value 104.2",),
        column="perctot",
        value="104.2",
        row=6,
        expectation=BETWEEN,
    ),
    # The GIAS file cut mid-row: 641 rows parse, the last one with blank status and phase.
    Case(
        "gias_cut_mid_row",
        GIAS,
        _cut_mid_row(641, "EstablishmentStatus (name)"),
        (
            "data row 641, column 'establishment_status': failed the data check 'GIAS gives every establishment a "
            "status (EstablishmentStatus (name)); blank means the row was cut short': 1 row(s), value blank",
            "column 'phase_of_education'",
            "open establishments that the last good extract nearest in date held",
            "were expected",
        ),
        column="establishment_status",
        value="blank",
        row=641,
        expectation=NOT_NULL,
    ),
    Case(
        "gias_links_cut_short",
        GIAS_LINKS,
        _cut_mid_row(347, "LinkType"),
        ("every link has a type; blank means the row was cut short", "were expected"),
        column="link_type",
        value="blank",
        row=347,
        expectation=NOT_NULL,
    ),
]


def _ingest(conn: duckdb.DuckDBPyConnection, root: Path, source: str):
    return ingest_source(
        conn,
        source,
        discover_source_files(root / "sources"),
        archive_dir=root / "archive",
        quarantine_dir=root / "quarantine",
    )


def _table_rows(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return conn.execute(f"SELECT * EXCLUDE (loaded_at) FROM {table} ORDER BY ALL").fetchall()


def _only(generated: Path, root: Path, relative: str) -> Path:
    """A sources folder holding just the good file at `relative`."""
    target = root / "sources" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(generated / relative, target)
    return target


def test_the_corpus_is_at_least_25_cases() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_file_is_refused_named_quarantined_and_the_last_good_data_stays(
    case: Case, generated: Path, tmp_path: Path
) -> None:
    source = SOURCE_OF[case.path]
    table = SOURCES[source].table
    path = _only(generated, tmp_path, case.path)
    conn = duckdb.connect(":memory:")
    first = _ingest(conn, tmp_path, source)
    assert [o.status for o in first.outcomes] == ["loaded"], first.outcomes
    good_rows = _table_rows(conn, table)
    assert good_rows

    path.write_bytes(case.damage(path.read_bytes()))
    bad_sha = file_sha256(path)
    report = _ingest(conn, tmp_path, source)

    (outcome,) = report.outcomes
    assert outcome.status == "quarantined", f"{case.id} was not refused"
    reason = outcome.reason
    assert path.name in reason
    for fragment in case.message:
        assert fragment in reason, f"{fragment!r} not in {reason!r}"
    quarantined = tmp_path / "quarantine" / source / bad_sha
    assert (quarantined / path.name).read_bytes() == path.read_bytes()
    details = json.loads((quarantined / REASON_NAME).read_text(encoding="utf-8"))
    assert details["file"] == path.name and details["sha256"] == bad_sha and details["error"] == reason
    if case.column is not None:
        assert details["column"] == case.column
    if case.value is not None:
        assert details["value"] == case.value
    if case.row is not None:
        assert details["row"] == case.row
    if case.expectation is not None:
        assert details["expectation"] == case.expectation
        assert details["suite"] == f"expectations/{table}.json"
    status = conn.execute(f"SELECT status, reason FROM {MANIFEST_TABLE} WHERE sha256 = ?", [bad_sha]).fetchall()
    assert status == [("quarantined", reason)]
    assert _table_rows(conn, table) == good_rows, "the last good data changed"
    conn.close()


def test_a_file_ten_times_larger_loads_rather_than_being_refused(generated: Path, tmp_path: Path) -> None:
    """Scale is not an error: ten copies of every school row (new URNs) load and replace the slice."""
    path = _only(generated, tmp_path, KS2)
    conn = duckdb.connect(":memory:")
    _ingest(conn, tmp_path, "ks2")
    lines, encoding = _lines(path.read_bytes())
    header, body = lines[0], [line for line in lines[1:] if line]
    schools = [line for line in body if line.split(",", 1)[0] in ("1", "2")]
    others = [line for line in body if line.split(",", 1)[0] not in ("1", "2")]
    columns = header.removeprefix("\ufeff").split(",")
    urn_at = columns.index("URN")
    bigger = []
    for copy in range(10):
        for line in schools:
            cells = line.split(",")
            if cells[urn_at].isdigit():
                cells[urn_at] = str(int(cells[urn_at]) + copy * 1_000_000)
            bigger.append(",".join(cells))
    path.write_bytes(_join([header, *bigger, *others, ""], encoding))
    report = _ingest(conn, tmp_path, "ks2")
    assert [o.status for o in report.outcomes] == ["loaded"], report.outcomes[0].reason
    (count,) = conn.execute("SELECT count(*) FROM raw_ks2 WHERE rectype IN (1, 2)").fetchone()
    assert count == 10 * len(schools)
    conn.close()
