"""Each validation rule of the LA returns: a file breaking it is refused with the row, column and what was expected;
the same file without the fault passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.lib.returns.ingest import validate_return_file
from dagster_project.lib.returns.reading import identify
from dagster_project.lib.returns.spec import FREE_TEXT_LIMIT, RETURNS
from tests.unit.returns_fixtures import (
    CLOSED_URN,
    REFERENCE,
    TODAY,
    override,
    register_row,
    roster_row,
    traded,
    visit,
    write_return,
)


def errors_for(path: Path):
    returned = identify(path)
    _, errors = validate_return_file(returned, RETURNS[returned.return_name], REFERENCE, today=TODAY)
    return errors


def assert_refused(path: Path, column: str, words: str, row: int | None = 2) -> None:
    errors = errors_for(path)
    assert errors, f"{path.name} was accepted"
    assert any(e.column == column and e.row == row and words in e.expected for e in errors), errors
    assert all(e.file == path.name for e in errors)


# Each case: (return, faulty rows, fixed rows, column, words of the expectation, row)
CASES = {
    "unknown_urn": ("category_overrides", [override(urn=999999)], [override()], "urn", "school in LA 991", 2),
    "school_closed_at_the_date": (
        "visits",
        [visit(urn=CLOSED_URN, visit_date="2023-11-01")],
        [visit(urn=CLOSED_URN, visit_date="2022-05-10")],
        "visit_date",
        "was open",
        2,
    ),
    "duplicate_entry": (
        "visits",
        [visit(), visit()],
        [visit(), visit(visit_date="2026-02-11")],
        "urn",
        "no duplicate",
        3,
    ),
    "date_in_the_future": (
        "category_overrides",
        [override(decided_on="2026-03-30")],
        [override(decided_on="2026-02-26")],
        "decided_on",
        "not in the future",
        2,
    ),
    "unknown_category": (
        "category_overrides",
        [override(support_category="VERY_GOOD")],
        [override(support_category="SM_SWK")],
        "support_category",
        "one of: OUTSTANDING",
        2,
    ),
    "unknown_adviser": (
        "causing_concern_register",
        [register_row(lead_professional="Jo Nobody")],
        [register_row(lead_professional="priya raman")],
        "lead_professional",
        "advisers return",
        2,
    ),
    "missing_rationale_on_an_override": (
        "category_overrides",
        [override(), override(urn=CLOSED_URN, decided_on="2022-01-10", rationale="")],
        [override(), override(urn=CLOSED_URN, decided_on="2022-01-10")],
        "rationale",
        "an override must say why",
        3,
    ),
    "free_text_over_its_limit": (
        "causing_concern_register",
        [register_row(key_concerns="x" * (FREE_TEXT_LIMIT + 1))],
        [register_row(key_concerns="x" * FREE_TEXT_LIMIT)],
        "key_concerns",
        f"at most {FREE_TEXT_LIMIT} characters",
        2,
    ),
    "same_adviser_twice_on_the_roster": (
        "advisers",
        [roster_row(), roster_row(adviser_name="priya  RAMAN", role="senior_adviser")],
        [roster_row(), roster_row(adviser_name="Helen Ashworth")],
        "adviser_name",
        "'Priya Raman' (row 2) again",
        3,
    ),
    "malformed_date": (
        "visits",
        [visit(visit_date="31/02/2026x")],
        [visit(visit_date="10/02/2026")],
        "visit_date",
        "a date",
        2,
    ),
    "visit_longer_than_a_day": ("visits", [visit(days="1.5")], [visit(days="0.5")], "days", "between 0.1 and 1", 2),
    "unknown_traded_activity": (
        "traded_work",
        [traded(activity="tea_and_sympathy")],
        [traded(activity="governance_review")],
        "activity",
        "one of: headteacher_performance_management",
        2,
    ),
    "traded_days_out_of_range": (
        "traded_work",
        [traded(days="12")],
        [traded(days="2.5")],
        "days",
        "between 0.1 and 5",
        2,
    ),
    "traded_days_missing": ("traded_work", [traded(days="")], [traded()], "days", "a value (required)", 2),
    "agreed_daily_rate_out_of_range": (
        "traded_work",
        [traded(agreed_daily_rate="-450")],
        [traded(agreed_daily_rate="400")],
        "agreed_daily_rate",
        "between 0 and 2000",
        2,
    ),
    "traded_work_by_an_unknown_adviser": (
        "traded_work",
        [traded(adviser="Jo Nobody")],
        [traded(adviser="helen ashworth")],
        "adviser",
        "advisers return",
        2,
    ),
}


@pytest.mark.parametrize("rule", CASES)
def test_a_file_breaking_the_rule_is_refused_and_the_fixed_file_passes(rule, tmp_path):
    name, bad_rows, good_rows, column, words, row = CASES[rule]
    assert_refused(write_return(tmp_path / "bad", name, bad_rows), column, words, row)
    assert errors_for(write_return(tmp_path / "good", name, good_rows)) == []


def test_a_return_dated_after_today_is_refused(tmp_path):
    assert_refused(
        write_return(tmp_path / "bad", "visits", [visit()], as_at="2026-07-01"), "file name", "not after today", None
    )
    assert errors_for(write_return(tmp_path / "good", "visits", [visit()], as_at="2026-05-31")) == []


def test_a_file_name_without_its_date_is_refused(tmp_path):
    path = write_return(tmp_path, "visits", [visit()])
    undated = path.rename(tmp_path / "visits_latest.csv")
    assert_refused(undated, "file name", "visits_YYYY-MM-DD", None)


def test_a_missing_required_column_and_an_unknown_column_are_refused(tmp_path):
    path = tmp_path / "visits_2026-02-26.csv"
    path.write_text("visit_date,urn,adviser,visit_kind\n2026-02-10,991001,Priya Raman,core\n", encoding="utf-8")
    errors = errors_for(path)
    assert {(e.row, e.column) for e in errors} >= {(1, "visit_type"), (1, "visit_kind")}


def test_each_bad_cell_is_reported_once_with_its_value(tmp_path):
    path = write_return(tmp_path, "category_overrides", [override(urn="12345x")])
    (error,) = errors_for(path)
    assert (error.row, error.column, error.value) == (2, "urn", "12345x")
