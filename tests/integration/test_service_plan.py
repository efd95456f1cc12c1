"""The restricted service plan on the synthetic LA: the schools the generator planted short of their entitlement
are named with what is missing, the caseloads add up to the school rows, the Ofsted-readiness list is the
forecast's, numbers in the spreadsheet are numbers, and nothing of it reaches the published site.

Expectations come from the generated returns (`build_returns`) and the warehouse rows, never hard-coded."""

from __future__ import annotations

import duckdb
import openpyxl
import pytest

from synthetic_la import DEFAULT_SEED, build_world
from synthetic_la.returns import build_returns
from tests.pdf_text import layout

pytestmark = pytest.mark.slow
FIRST_HEADINGS = {"School", "Link adviser", "Partnership", "Adviser"}  # the first heading of each sheet's table


@pytest.fixture(scope="module")
def world():
    return build_world(DEFAULT_SEED, "la")


@pytest.fixture(scope="module")
def truth(world):
    return build_returns(world)


@pytest.fixture(scope="module")
def plan(materialized, pipeline_settings):
    folder = pipeline_settings.restricted_dir / "service_plan"
    (html,) = sorted(folder.glob("service_plan_*.html"))
    return html, html.with_suffix(".pdf"), html.with_suffix(".xlsx")


def _sheet(xlsx, name: str) -> list[dict]:
    sheet = openpyxl.load_workbook(xlsx, read_only=True)[name]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] in FIRST_HEADINGS)
    header = rows[header_at]
    return [dict(zip(header, row, strict=False)) for row in rows[header_at + 1 :] if any(row)]


def test_the_planted_under_delivered_and_missed_core_visit_schools_are_named_with_what_is_missing(plan, truth):
    html, pdf, xlsx = plan
    shortfalls = {row["URN"]: row for row in _sheet(xlsx, "Shortfalls")}
    under = shortfalls[truth.under_delivered_urn]
    assert "contacts" in under["What is missing"].lower()
    assert under["Contacts counted"] < under["Contacts due so far"]
    assert "core visit" in shortfalls[truth.core_visit_missed_urn]["What is missing"].lower()
    text = layout(pdf).text
    for urn in (truth.under_delivered_urn, truth.core_visit_missed_urn):
        assert str(urn) in text


def test_every_school_is_listed_once_and_the_caseloads_add_up_to_them(plan, pipeline_settings):
    html, pdf, xlsx = plan
    schools = _sheet(xlsx, "Every school")
    caseloads = _sheet(xlsx, "Caseloads")
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        expected = connection.execute(
            "select count(*), sum(contacts_counted), count(*) filter (where under_delivered) from rpt_service__delivery"
        ).fetchone()
    assert len({row["URN"] for row in schools}) == len(schools) == expected[0]
    assert sum(row["Contacts counted"] or 0 for row in schools) == expected[1]
    assert sum(row["Schools"] for row in caseloads) == expected[0]
    assert sum(row["Contacts counted"] for row in caseloads) == expected[1]
    assert sum(row["Short of contacts"] for row in caseloads) == expected[2]
    assert all(isinstance(row["Schools"], int) for row in caseloads)  # numbers, not text, so analysts can sum


def test_days_and_costs_by_partnership_and_adviser_add_up_to_the_ledger(plan, pipeline_settings):
    html, pdf, xlsx = plan
    amounts = {"Days delivered": "delivered_days", "Cost, year to date (£)": "delivered_cost_gbp_year_to_date"}
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        ledger = connection.execute(
            "select sum(delivered_days), count(distinct urn) from rpt_service__days_and_costs where is_report_term"
        ).fetchone()
        year_cost = connection.execute(
            "select sum(delivered_cost_gbp) from rpt_service__days_and_costs where academic_year = "
            "(select any_value(academic_year) from rpt_service__days_and_costs where is_report_term)"
        ).fetchone()[0]
    assert ledger[0] > 0, "the synthetic visits log delivers days in the report term"
    for sheet in ("Days by partnership", "Days by adviser"):
        rows = _sheet(xlsx, sheet)
        named, (total,) = rows[:-1], rows[-1:]
        assert total[next(iter(total))] == "All"
        for heading in amounts:
            assert all(isinstance(row[heading], (int, float)) for row in rows)  # numbers, so analysts can sum
            assert sum(row[heading] for row in named) == pytest.approx(total[heading], abs=len(named))
        assert total["Days delivered"] == pytest.approx(ledger[0])
        assert total["Cost, year to date (£)"] == pytest.approx(year_cost, abs=1)
    assert sum(row["Schools"] for row in _sheet(xlsx, "Days by partnership")[:-1]) == ledger[1]


def test_the_planted_partnership_move_costs_the_school_to_each_partnership_in_turn(plan, pipeline_settings, truth):
    html, pdf, xlsx = plan
    move = truth.partnership_move
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        terms = connection.execute(
            "select judged_to, partnership from rpt_service__days_and_costs where urn = ? and is_link_adviser",
            [move.urn],
        ).fetchall()
    assert {partnership for judged_to, partnership in terms if judged_to < move.effective_from} == {
        move.from_partnership
    }
    assert {partnership for judged_to, partnership in terms if judged_to >= move.effective_from} == {
        move.to_partnership
    }
    text = " ".join(layout(pdf).text.split())
    assert f"(URN {move.urn}) moved from {move.from_partnership} to {move.to_partnership} on" in text


def test_the_readiness_list_is_the_inspection_forecasts(plan, pipeline_settings):
    html, pdf, xlsx = plan
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        due = {row[0] for row in connection.execute("select urn from rpt_inspection_briefing__readiness").fetchall()}
    assert due, "the synthetic LA has schools due an inspection"
    listed = {int(row["URN"]) for row in _sheet(xlsx, "Ofsted readiness")}
    assert listed == due
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        (before_term_end,) = connection.execute(
            "select count(*) from rpt_inspection_briefing__readiness where likely_from <= "
            "(select term_end from rpt_report__context)"
        ).fetchone()
    text = " ".join(layout(pdf).text.split())
    assert f"{before_term_end} of them are likely to be inspected before" in text


def test_the_planted_schools_long_judged_requires_improvement_are_due_and_named(plan, world):
    """The generator plants two primaries whose last inspections (2022) judged them requires improvement: Ofsted's
    30-month window has passed, so the plan lists both as due, below good, by name and URN."""
    html, pdf, xlsx = plan
    readiness = {int(row["URN"]): row for row in _sheet(xlsx, "Ofsted readiness")}
    text = " ".join(layout(pdf).text.split())
    for role in ("ri_twice", "ri_persistent"):
        school = world.with_role(role)
        assert readiness[school.urn]["Below good"] == "Yes"
        assert "Requires improvement" in readiness[school.urn]["Judgement in force"]
        assert str(school.urn) in text


def test_the_planted_headteacher_changes_are_reasons_on_the_readiness_list(plan, pipeline_settings, world):
    """The generator's two GIAS extracts name a different headteacher at Hartfield (March and September 2024, after
    its 2022 inspection) and Stanmere's headteacher is acting: the briefing gives each as a reason without a name,
    and the service plan counts them; no other school on the list has a new headteacher."""
    html, pdf, xlsx = plan
    new_head, acting = world.with_role("new_headteacher"), world.with_role("acting_headteacher")
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        rows = connection.execute(
            "select urn, readiness_reasons, has_new_headteacher, has_acting_headteacher "
            "from rpt_inspection_briefing__readiness"
        ).fetchall()
        names = {
            name
            for (name,) in connection.execute(
                "select head_name from stg_gias__headteachers where urn = ?", [new_head.urn]
            ).fetchall()
        }
    reasons = {urn: reason for urn, reason, *_ in rows}
    assert {urn for urn, _, new, _ in rows if new} == {new_head.urn}
    assert {urn for urn, _, _, acting_now in rows if acting_now} == {acting.urn}
    first_listed = "first listed by GIAS on 6 September 2024"
    assert f"new headteacher since the last inspection ({first_listed})" in reasons[new_head.urn]
    assert "acting headteacher" in reasons[acting.urn]
    (briefing,) = (pipeline_settings.published_dir / "inspection_briefing").glob("inspection_briefing_*.html")
    published = briefing.read_text(encoding="utf-8")
    assert "new headteacher since the last inspection" in published and "acting headteacher (GIAS)" in published
    assert len(names) == 2 and not any(name in published for name in names)
    text = " ".join(layout(pdf).text.split())
    assert "GIAS shows that 1 has a new headteacher since its last inspection and 1 has an acting headteacher." in text


def test_the_service_plan_is_restricted_and_never_published(plan, pipeline_settings, truth):
    html, pdf, xlsx = plan
    assert html.read_text(encoding="utf-8").count("Restricted") >= 1
    assert not list(pipeline_settings.published_dir.rglob("service_plan*"))
    published = " ".join(
        p.read_text(encoding="utf-8", errors="ignore") for p in pipeline_settings.published_dir.rglob("*.html")
    )
    for adviser in set(truth.link_adviser.values()):
        assert adviser not in published
