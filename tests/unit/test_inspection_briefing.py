"""The monthly briefing's Ofsted-readiness section, from rows shaped like rpt_inspection_briefing__readiness: the
schools whose next inspection is overdue or due within two terms, soonest due first, said in words - or a sentence
that none is due - and a note when the briefing is for a month before the data's date."""

from __future__ import annotations

import pandas as pd

from dagster_project.lib.reports.inspection_briefing import READINESS_REQUIRED, readiness_values


def _school(urn: int, name: str, due_by: str, **overrides) -> dict:
    row = {
        "forecast_as_at": pd.Timestamp("2026-02-28"),
        "urn": urn,
        "school_name": name,
        "has_own_inspection": True,
        "last_inspection_date": pd.Timestamp("2023-06-20"),
        "last_inspection_kind_label": "graded inspection",
        "outcome_in_force_label": "Good",
        "is_below_good": False,
        "due_timing": "due within two terms",
        "likely_from": pd.Timestamp("2025-01-01"),
        "due_by": pd.Timestamp(due_by),
        "due_soon_by": pd.Timestamp("2026-08-31"),
        "readiness_reasons": "Due within two terms (by the end of Summer 2026).",
        "interval_reason": "Ofsted's interval: a good school has an ungraded inspection about every four years.",
        "has_new_headteacher": False,
        "has_acting_headteacher": False,
    }
    row.update(overrides)
    return row


def _frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(READINESS_REQUIRED))


def test_readiness_list_is_sorted_by_due_date_and_counts_overdue_below_good_and_new_schools():
    frame = _frame(
        _school(3, "Cedar Primary", "2026-08-31"),
        _school(
            1,
            "Ash Primary",
            "2025-01-25",
            due_timing="overdue",
            is_below_good=True,
            outcome_in_force_label="Requires improvement",
            readiness_reasons="Overdue; last outcome below good.",
        ),
        _school(
            2,
            "Birch Academy",
            "2026-04-01",
            has_own_inspection=False,
            last_inspection_date=pd.Timestamp("2022-03-08"),
            outcome_in_force_label="Requires improvement",
            is_below_good=True,
        ),
    )
    values = readiness_values(frame, "February 2026", "2026-02-28", "2026-02-28")

    assert [row["school_name"] for row in values["readiness_rows"]] == ["Ash Primary", "Birch Academy", "Cedar Primary"]
    ash, birch, _ = values["readiness_rows"]
    assert ash["due_by"] == "25 January 2025"
    assert ash["last_inspection"] == "20 June 2023, graded inspection"
    assert ash["below_good"] == "Yes"
    assert ash["reasons"].startswith("Overdue; last outcome below good. Ofsted's interval:")
    assert birch["last_inspection"] == "Not yet inspected"
    assert birch["judgement"] == "Requires improvement (the school it replaced)"
    assert values["readiness_sentence"] == (
        "3 schools are on the list as at 28 February 2026: 1 overdue and 2 due within two terms (by 31 August 2026). "
        "2 of them were last judged below good, and 1 has not been inspected since opening."
    )
    assert values["readiness_as_at_note"] == ""
    assert list(values["readiness_table"]["School"]) == ["Ash Primary", "Birch Academy", "Cedar Primary"]
    assert list(values["readiness_table"]["Due by"]) == ["25 January 2025", "1 April 2026", "31 August 2026"]


def test_new_and_acting_headteachers_on_the_list_are_counted_in_the_sentence():
    frame = _frame(
        _school(1, "Ash Primary", "2025-01-25", has_new_headteacher=True),
        _school(2, "Birch Primary", "2025-02-25", has_new_headteacher=True, has_acting_headteacher=True),
        _school(3, "Cedar Primary", "2026-08-31"),
    )
    sentence = readiness_values(frame, "February 2026", "2026-02-28", "2026-02-28")["readiness_sentence"]
    assert sentence.endswith(
        "GIAS shows that 2 have a new headteacher since their last inspection and 1 has an acting headteacher."
    )
    one_new = _frame(_school(1, "Ash Primary", "2025-01-25", has_new_headteacher=True))
    sentence = readiness_values(one_new, "February 2026", "2026-02-28", "2026-02-28")["readiness_sentence"]
    assert sentence.endswith("GIAS shows that 1 has a new headteacher since its last inspection.")


def test_no_school_due_is_said_in_a_sentence_and_the_table_is_empty():
    values = readiness_values(_frame(), "February 2026", "2026-02-28", "2026-02-28")

    assert values["readiness_rows"] == []
    assert values["readiness_sentence"] == (
        "As at 28 February 2026, no school's next Ofsted inspection is overdue or due within two terms."
    )
    assert values["readiness_table"].empty
    assert "Due by" in values["readiness_table"].columns


def test_a_briefing_for_an_earlier_month_says_the_list_is_from_the_latest_data():
    values = readiness_values(
        _frame(_school(3, "Cedar Primary", "2026-08-31")), "January 2026", "2026-01-31", "2026-02-28"
    )

    assert values["readiness_as_at_note"] == (
        "The list is worked out from the latest data, as at 28 February 2026, not from the end of January 2026."
    )
