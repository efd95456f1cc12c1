"""The generated Kingsmere returns pass every check; the deliberately bad ones are refused for their planted fault;
the drop-folder sensor asks for a run only when a file is new or changed."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import dagster as dg
import pytest

from dagster_project.defs.returns.sensors import changed_files, returns_drop_folder_sensor
from dagster_project.lib.ingest.archive import file_sha256
from dagster_project.lib.returns.ingest import validate_return_file
from dagster_project.lib.returns.reading import discover_return_files
from dagster_project.lib.returns.references import ReferenceData, SchoolDates, roster
from dagster_project.lib.returns.spec import RETURNS
from dagster_project.settings import REPO_ROOT
from synthetic_la import KINGSMERE_CODE, build_world
from synthetic_la.returns import (
    LINK_ADVISERS,
    NEW_ADVISER,
    REVIEW_MEETINGS,
    build_returns,
    write_bad_returns,
    write_returns,
)
from tests.unit.returns_fixtures import TODAY


@pytest.fixture(scope="module")
def world():
    return build_world()


@pytest.fixture(scope="module")
def reference(world):
    advisers = ["Helen Ashworth", "David Okafor", NEW_ADVISER, *LINK_ADVISERS]
    schools = {s.urn: SchoolDates(s.name, s.open_date, s.close_date) for s in world.kingsmere}
    return ReferenceData(KINGSMERE_CODE, schools, roster(advisers))


def test_generated_returns_are_all_accepted(world, reference, tmp_path):
    write_returns(world, tmp_path, log=lambda _: None)
    files = discover_return_files(tmp_path)
    assert {f.return_name for f in files} == set(RETURNS)
    for returned in files:
        _, errors = validate_return_file(returned, RETURNS[returned.return_name], reference, today=TODAY)
        assert errors == [], returned.path.name


def test_each_deliberately_bad_return_is_refused_for_its_planted_fault(world, reference, tmp_path):
    expected = write_bad_returns(world, tmp_path)
    assert len(expected) >= 8
    for returned in discover_return_files(tmp_path):
        column, words = expected[returned.path.name]
        _, errors = validate_return_file(returned, RETURNS[returned.return_name], reference, today=TODAY)
        assert any(e.column == column and words in e.expected for e in errors), (returned.path.name, errors)


def test_the_generator_plants_the_history_cases(world):
    truth = build_returns(world)
    assert truth.ri_without_judgement_urns, "an RI school with no capacity judgement yet"
    assert truth.capacity[world.with_role("ri_twice").urn][0] == "secure"
    declining = next(s for s in world.kingsmere if "declining_trend" in s.risks)
    assert declining.urn in truth.register_on(date(2024, 2, 1))
    assert declining.urn not in truth.register_on(date(2024, 3, 14))


def test_the_visits_log_plants_an_under_delivered_school_and_a_missed_core_visit(world):
    """SI4/SI6/Table One cases for the entitlement-against-delivery models: the ri_twice school (entitled to about a
    visit a fortnight) has no visit after Christmas 2025, so it is under-delivered in the spring term 2026; a primary
    was visited in the autumn term 2025 but not for its core visit; academies have keeping-in-touch visits (core)
    and no school has more than one core visit a year."""
    truth = build_returns(world)
    visits = truth.files[f"visits_{REVIEW_MEETINGS[-1]}.csv"]

    under = [r for r in visits if r["urn"] == truth.under_delivered_urn]
    assert truth.under_delivered_urn == world.with_role("ri_twice").urn
    assert under and max(str(r["visit_date"]) for r in under) < "2026-01-01"

    autumn_2025 = [
        r
        for r in visits
        if r["urn"] == truth.core_visit_missed_urn and "2025-09-01" <= str(r["visit_date"]) <= "2025-12-31"
    ]
    assert autumn_2025 and {r["visit_type"] for r in autumn_2025} == {"additional"}
    assert world.school(truth.core_visit_missed_urn).phase == "Primary"

    academies = {s.urn for s in world.kingsmere if s.is_academy}
    assert any(r["urn"] in academies and r["visit_type"] == "core" for r in visits)
    core_per_year = Counter(
        (r["urn"], int(str(r["visit_date"])[:4]) - (str(r["visit_date"])[5:7] < "09"))
        for r in visits
        if r["visit_type"] == "core"
    )
    assert max(core_per_year.values()) == 1


def test_the_groupings_return_plants_one_partnership_move_and_repeats_every_other_row(world):
    truth = build_returns(world)
    first, second = (rows for name, rows in sorted(truth.files.items()) if name.startswith("groupings_"))
    move = truth.partnership_move
    changed = [(before, after) for before, after in zip(first, second, strict=True) if before != after]
    assert len(changed) == 1
    ((before, after),) = changed
    assert before["urn"] == after["urn"] == move.urn and world.school(move.urn).is_academy
    assert (before["partnership"], after["partnership"]) == (move.from_partnership, move.to_partnership)
    assert after["effective_from"] == move.effective_from.isoformat() == "2025-01-06"
    assert {k: v for k, v in before.items() if k not in ("partnership", "effective_from")} == {
        k: v for k, v in after.items() if k not in ("partnership", "effective_from")
    }


def test_changed_files_reports_new_and_changed_returns_by_sha256(tmp_path):
    (tmp_path / "visits_2026-02-26.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "visits_2026-02-26.csv.errors.csv").write_text("file\n", encoding="utf-8")
    current, changed, unknown = changed_files(tmp_path, {})
    assert changed == ["visits"] and unknown == ["notes.csv"] and list(current) == ["visits_2026-02-26.csv"]
    assert changed_files(tmp_path, current)[1] == []
    (tmp_path / "visits_2026-02-26.csv").write_text("b\n", encoding="utf-8")
    assert changed_files(tmp_path, current)[1] == ["visits"]


def test_the_sensor_requests_the_changed_return_and_its_downstream_once(tmp_path, monkeypatch, dbt_manifest):
    from dagster_project.definitions import build_definitions
    from tests.conftest import settings_for

    monkeypatch.setenv("SI_DATA_DIR", str(tmp_path))
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "category_overrides_2026-02-26.csv").write_text("urn\n", encoding="utf-8")
    definitions = build_definitions(settings_for(tmp_path))
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=definitions)
        result = returns_drop_folder_sensor(context)
        (request,) = result.run_requests
        keys = {k.to_user_string() for k in request.asset_selection}
        assert "raw_returns__category_overrides" in keys and "fct_school_support_category" in keys
        assert "raw_returns__visits" not in keys
        again = dg.build_sensor_context(instance=instance, definitions=definitions, cursor=result.cursor)
        assert isinstance(returns_drop_folder_sensor(again), dg.SkipReason)
        assert list(json.loads(result.cursor)) == ["category_overrides_2026-02-26.csv"]


def test_a_tick_finds_nothing_to_do_for_files_already_judged_and_the_sensor_starts_switched_off(
    tmp_path, monkeypatch, dbt_manifest
):
    """Opening the UI after `make run` (a first tick, no cursor) must not rebuild anything: every file in the
    folder was judged by that run. A changed file is still picked up. Like every automation but the failure alert,
    the sensor is off until switched on (README, Keeping data fresh)."""
    from dagster_project.definitions import build_definitions
    from dagster_project.lib.returns.judged import record_judged
    from tests.conftest import settings_for

    monkeypatch.setenv("SI_DATA_DIR", str(tmp_path))
    settings = settings_for(tmp_path)
    drop = tmp_path / "returns"
    drop.mkdir()
    judged = drop / "category_overrides_2026-02-26.csv"
    judged.write_text("urn\n", encoding="utf-8")
    record_judged(settings.state_dir, "category_overrides", {judged.name: file_sha256(judged)})
    definitions = build_definitions(settings)
    with dg.instance_for_test() as instance:
        first_tick = returns_drop_folder_sensor(dg.build_sensor_context(instance=instance, definitions=definitions))
        assert isinstance(first_tick, dg.SkipReason) and "judged" in first_tick.skip_message

        judged.write_text("urn\n991001\n", encoding="utf-8")
        changed = returns_drop_folder_sensor(dg.build_sensor_context(instance=instance, definitions=definitions))
        assert [r.tags["returns"] for r in changed.run_requests] == ["category_overrides"]

    assert returns_drop_folder_sensor.default_status == dg.DefaultSensorStatus.STOPPED
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "`returns_drop_folder_sensor`" in readme and "all of them start switched off" in readme
