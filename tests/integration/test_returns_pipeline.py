"""The LA returns through the whole pipeline: the history answers the team's questions on the generated returns,
overrides and capacity judgements reach the categorisation, free text stays restricted, and a refused file changes
nothing. Expectations come from what the returns generator planted (`build_returns`)."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.lib.returns.spec import RETURNS
from dagster_project.settings import REPO_ROOT
from synthetic_la import DEFAULT_SEED, build_world
from synthetic_la.returns import REVIEW_MEETINGS, build_returns, write_bad_returns

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world():
    return build_world(DEFAULT_SEED, "la")


@pytest.fixture(scope="module")
def truth(world):
    return build_returns(world)


@pytest.fixture(scope="module")
def warehouse(materialized, pipeline_settings):
    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as conn:
        yield conn


def test_every_generated_return_is_accepted_and_its_check_passes(materialized, warehouse, truth):
    statuses = dict(warehouse.execute("select original_name, status from returns_file_manifest").fetchall())
    assert statuses == {name: "accepted" for name in truth.files}
    checks = {
        e.check_name: e.passed
        for e in materialized.refresh.get_asset_check_evaluations()
        if e.check_name.endswith("_files_accepted")
    }
    assert {f"{name}_files_accepted" for name in RETURNS} <= checks.keys() and all(checks.values())


@pytest.mark.parametrize("day", [date(2024, 2, 1), date(2025, 2, 1), date(2026, 2, 1)])
def test_the_history_says_what_the_register_said_on_1_february(warehouse, truth, day):
    urns = {
        urn
        for (urn,) in warehouse.execute(
            """select urn from stg_returns__causing_concern_register_history
               where valid_from <= ? and (valid_to is null or valid_to > ?)""",
            [day, day],
        ).fetchall()
    }
    assert urns == truth.register_on(day)


def test_register_gives_months_on_register_and_reviews_this_term(warehouse, truth):
    report_date, term_start, term_end = warehouse.execute(
        "select report_date, term_start, term_end from int_report_term"
    ).fetchone()
    rows = warehouse.execute(
        """select urn, date_added, months_on_register, reviews_this_term, is_reviewed_twice_this_term
           from fct_causing_concern_register"""
    ).fetchall()
    in_force = truth.register_versions[max(truth.register_versions)]
    assert {r[0] for r in rows} == set(in_force)
    for urn, date_added, months, reviews, twice in rows:
        entry = truth.register_entries[urn]
        assert date_added == entry.date_added
        whole_months = (report_date.year - date_added.year) * 12 + report_date.month - date_added.month
        assert months == whole_months - (1 if report_date.day < date_added.day else 0)
        reviewed = {
            version[urn]
            for version in truth.register_versions.values()
            if urn in version and term_start <= version[urn] <= min(term_end, report_date)
        }
        assert (reviews, twice) == (len(reviewed), len(reviewed) >= 2)
    missed = next(r for r in rows if r[0] == truth.missed_review_urn)
    assert missed[4] is False, "the planted postponed review leaves one school reviewed once this term"


def test_history_says_who_changed_a_category_and_why(warehouse, truth):
    changes = warehouse.execute(
        """select urn, return_as_at, change_type, previous_support_category, support_category, approved_by, rationale
           from int_category_override_changes order by return_as_at, urn"""
    ).fetchall()
    expected = []
    previous: dict = {}
    for as_at in sorted(truth.override_versions):
        decisions = truth.override_versions[as_at]
        for urn in sorted(set(decisions) | set(previous)):
            now, before = decisions.get(urn), previous.get(urn)
            if now == before:
                continue
            kind = "added" if before is None else "withdrawn" if now is None else "changed"
            expected.append(
                (
                    urn,
                    as_at,
                    kind,
                    before and before.support_category,
                    now and now.support_category,
                    now and now.approved_by,
                    now and now.rationale,
                )
            )
        previous = decisions
    assert changes == expected
    assert any(c[2] == "changed" for c in changes)


def test_overrides_win_and_are_shown_with_their_rationale(warehouse, truth):
    for urn, decision in truth.overrides_in_force().items():
        category, reasons = warehouse.execute(
            "select support_category, reasons from fct_school_support_category where urn = ?", [urn]
        ).fetchone()
        assert category == decision.support_category
        assert decision.rationale in reasons and decision.approved_by in reasons


def test_capacity_judgements_decide_the_ri_categories(warehouse, truth, world):
    secure = world.with_role("ri_twice")
    assert truth.capacity[secure.urn][0] == "secure"
    assert warehouse.execute(
        "select support_category, capacity_state from fct_school_support_category where urn = ?", [secure.urn]
    ).fetchone() == ("RI_CAPACITY_SECURE", "secure")


def _traded_rates() -> dict[str, float]:
    """The traded daily rate by governance, as the rule seed holds it (one version in the bundled seed)."""
    with (REPO_ROOT / "dbt" / "seeds" / "service_day_rates.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["rate_code"] == "traded"]
    return {r["governance_condition"]: float(r["daily_rate_gbp"]) for r in rows}


def test_the_ledgers_traded_income_is_each_pieces_days_times_its_agreed_or_traded_rate(warehouse, truth, world):
    """Traded work is costed at the rate agreed with the school, else the traded daily rate for its governance; the
    generated return holds both kinds, so the ledger's income is the sum of days x rate over the return's rows."""
    rows = truth.files[f"traded_work_{REVIEW_MEETINGS[-1]}.csv"]
    rates = _traded_rates()
    expected = {}
    for row in rows:
        governance = "academy" if world.school(row["urn"]).is_academy else "maintained"
        rate = float(row["agreed_daily_rate"]) if row["agreed_daily_rate"] != "" else rates[governance]
        expected[row["urn"]] = expected.get(row["urn"], 0.0) + float(row["days"]) * rate
    assert any(r["agreed_daily_rate"] == "" for r in rows) and any(r["agreed_daily_rate"] != "" for r in rows)

    ledger = dict(
        warehouse.execute(
            "select urn, sum(traded_income_gbp) from fct_service_days where traded_days > 0 group by urn"
        ).fetchall()
    )
    assert ledger == pytest.approx(expected)
    ((days, income),) = warehouse.execute(
        "select sum(traded_days), sum(traded_income_gbp) from rpt_service__days_and_costs"
    ).fetchall()
    assert days == pytest.approx(sum(float(r["days"]) for r in rows))
    assert income == pytest.approx(sum(expected.values()))


def test_the_ledger_counts_every_visit_once_and_a_blank_length_at_its_types_default(warehouse, truth):
    visits = truth.files[f"visits_{REVIEW_MEETINGS[-1]}.csv"]
    with (REPO_ROOT / "dbt" / "seeds" / "visit_default_durations.csv").open(encoding="utf-8", newline="") as handle:
        defaults = {r["visit_type"]: float(r["default_days"]) for r in csv.DictReader(handle)}
    ((counted, at_default, delivered),) = warehouse.execute(
        """select sum(core_visits + additional_visits + monitoring_meetings), sum(visits_at_default_duration),
                  sum(delivered_days)
           from fct_service_days"""
    ).fetchall()
    assert counted == len(visits)
    assert at_default == sum(1 for r in visits if r["days"] == "") > 0
    assert delivered == pytest.approx(
        sum(float(r["days"]) if r["days"] != "" else defaults[str(r["visit_type"])] for r in visits)
    )


def test_adviser_free_text_never_reaches_a_published_output(materialized, pipeline_settings, truth):
    published = "".join(
        p.read_text(encoding="utf-8", errors="ignore")
        for p in pipeline_settings.published_dir.rglob("*")
        if p.is_file() and p.suffix in (".html", ".csv", ".md", ".json", ".txt")
    )
    free_text = {
        str(row[column])
        for rows in truth.files.values()
        for row in rows
        for column in (
            "rationale",
            "key_concerns",
            "support_offered",
            "progress_and_actions",
            "next_steps",
            "outcome_summary",
        )
        if row.get(column)
    }
    assert free_text and not [text for text in free_text if text in published]


def test_a_refused_register_leaves_the_accepted_version_in_force(materialized, pipeline_settings, world, tmp_path):
    from dagster_project.definitions import build_definitions
    from dagster_project.lib.returns.errors import error_report_path
    from tests.conftest import settings_for

    settings = settings_for(tmp_path / "data")
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(pipeline_settings.duckdb_path, settings.duckdb_path)
    shutil.copytree(pipeline_settings.data_dir / "returns", settings.data_dir / "returns")
    bad = [n for n in write_bad_returns(world, tmp_path / "bad") if n.startswith("causing_concern_register")][0]
    shutil.copyfile(tmp_path / "bad" / bad, settings.data_dir / "returns" / bad)

    def register(conn):
        return conn.execute(
            "select return_version, urn, key_concerns from raw_returns__causing_concern_register order by all"
        ).fetchall()

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        before = register(conn)
    definitions = build_definitions(settings)
    asset = next(
        a for a in definitions.assets if dg.AssetKey("raw_returns__causing_concern_register") in getattr(a, "keys", ())
    )
    result = dg.materialize(
        [asset], resources=definitions.resources, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )

    assert result.success  # the run carries on with the accepted version
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed and bad in check.metadata["refused_files"].value
    assert error_report_path(settings.data_dir / "returns" / bad).exists()
    # the same file, reason and quarantine folder `make run`'s summary lists for any refused file
    (refused,) = check.metadata["refused"].value
    assert refused["file"] == str(settings.data_dir / "returns" / bad)
    assert f"listed in {error_report_path(settings.data_dir / 'returns' / bad)}" in refused["reason"]
    assert (Path(refused["quarantined"]) / bad).is_file()
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        assert register(conn) == before
        (status,) = conn.execute("select status from returns_file_manifest where original_name = ?", [bad]).fetchone()
    assert status == "refused"


def test_the_school_that_moved_partnership_counts_in_its_old_one_before_the_move_and_its_new_one_after(
    warehouse, truth
):
    """The generator moves one academy to another partnership from 6 January 2025 (a second groupings return that
    repeats every other row). Its spells meet on the day of the move, the repeated rows add no spell, and the
    grouping summaries count it in its old partnership for 2023-24 results and its new one for 2024-25."""
    move = truth.partnership_move
    spells = warehouse.execute(
        "select grouping_name, valid_from, valid_to from int_school_grouping_history "
        "where urn = ? and grouping_type = 'partnership' order by valid_from",
        [move.urn],
    ).fetchall()
    assert spells == [
        (move.from_partnership, date(2023, 9, 1), move.effective_from),
        (move.to_partnership, move.effective_from, None),
    ]
    repeated = warehouse.execute(
        "select count(*) from int_school_grouping_history where recorded_in_version > 1 and urn <> ?", [move.urn]
    ).fetchone()[0]
    assert repeated == 0
    members = dict(
        warehouse.execute(
            "select academic_year, grouping_name from int_grouping_year_members "
            "where urn = ? and grouping_type = 'partnership'",
            [move.urn],
        ).fetchall()
    )
    assert members["2023-24"] == move.from_partnership and members["2024-25"] == move.to_partnership
    # the mart's membership counts follow: the old partnership loses the school, the new one gains it
    counts = {
        (name, year): schools
        for name, year, schools in warehouse.execute(
            "select grouping_name, academic_year, member_schools from fct_grouping_year "
            "where grouping_type = 'partnership' and academic_year in ('2023-24', '2024-25')"
        ).fetchall()
    }
    assert counts[(move.from_partnership, "2024-25")] == counts[(move.from_partnership, "2023-24")] - 1
    assert counts[(move.to_partnership, "2024-25")] == counts[(move.to_partnership, "2023-24")] + 1
