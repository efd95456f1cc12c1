"""Data-quality gates: a file failing its GX suite is refused at the door and the refresh goes on; the blocking
asset check on the table still stops the dbt models downstream when bad rows reach the table another way."""

from __future__ import annotations

import csv
import io
import shutil

import dagster as dg
import duckdb
import pytest

from tests.conftest import settings_for

pytestmark = pytest.mark.slow

PLANTED_SCORE = "150"  # a KS2 reading scaled score; the scale runs from 80 to 120
KS2_FILE = "ks2/2022-23/england_ks2final.csv"


def _plant_impossible_reading_score(ks2_file) -> tuple[str, int]:
    """Give the first school with a reading score an impossible one; returns its URN and data row."""
    rows = list(csv.reader(io.StringIO(ks2_file.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    rectype, urn, score = header.index("RECTYPE"), header.index("URN"), header.index("READ_AVERAGE")
    row = next(i for i, r in enumerate(rows[1:], start=1) if r[rectype] == "1" and r[score].replace(".", "").isdigit())
    rows[row][score] = PLANTED_SCORE
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    ks2_file.write_text(out.getvalue(), encoding="utf-8-sig")
    return rows[row][urn], row


def _materialize_ks2(settings) -> dg.ExecuteInProcessResult:
    from dagster_project.definitions import build_definitions
    from dagster_project.defs.partitions import range_tags

    definitions = build_definitions(settings)
    return dg.materialize(
        assets=[*definitions.assets, *definitions.asset_checks],
        selection=dg.AssetSelection.assets("raw_ks2", "stg_ks2__school_results"),
        resources=definitions.resources,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        tags=range_tags("2022-23", "2022-23"),
    )


def _check(result: dg.ExecuteInProcessResult, name: str) -> dg.AssetCheckEvaluation:
    (evaluation,) = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    return evaluation


def _materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_a_file_failing_its_suite_is_refused_at_the_door_and_the_models_downstream_still_build(
    pipeline_settings, dbt_manifest, tmp_path
):
    settings = settings_for(tmp_path / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    urn, row = _plant_impossible_reading_score(settings.sources_dir / KS2_FILE)

    result = _materialize_ks2(settings)

    assert result.success
    refusal = _check(result, "raw_ks2_files_accepted")
    assert not refusal.passed and refusal.severity == dg.AssetCheckSeverity.WARN
    (refused,) = refusal.metadata["refused"].value
    assert refused["file"] == str(settings.sources_dir / KS2_FILE)
    assert f"data row {row}, column 'read_average'" in refused["reason"]
    assert "'KS2 scaled scores run from 80 to 120': 1 row(s), value 150.0" in refused["reason"]
    # The file never reached the table, so the table's own gate passes and dbt reads what is there.
    assert _check(result, "raw_ks2_expectations").passed
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        assert conn.execute("select count(*) from raw_ks2 where urn = ?", [int(urn)]).fetchall() == [(0,)]
    assert {"raw_ks2", "stg_ks2__school_results"} <= _materialized(result)


def test_bad_rows_that_reach_the_table_another_way_stop_the_models_downstream(
    pipeline_settings, dbt_manifest, tmp_path
):
    settings = settings_for(tmp_path / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    assert _materialize_ks2(settings).success
    with duckdb.connect(str(settings.duckdb_path)) as conn:  # e.g. a hand edit of the warehouse
        (urn,) = conn.execute(
            "update raw_ks2 set read_average = ? where rectype = 1 and read_average is not null "
            "and urn = (select min(urn) from raw_ks2 where rectype = 1 and read_average is not null) returning urn",
            [float(PLANTED_SCORE)],
        ).fetchall()[0]

    result = _materialize_ks2(settings)

    gate = _check(result, "raw_ks2_expectations")
    assert not gate.passed
    reading = [f for f in gate.metadata["failed_expectations"].value if f["column"] == "read_average"]
    assert reading and [float(v) for v in reading[0]["sample_values"]] == [float(PLANTED_SCORE)]
    assert any(row.get("urn") == urn for row in reading[0]["sample_rows"])
    assert "raw_ks2" in _materialized(result)
    assert "stg_ks2__school_results" not in _materialized(result)
    assert not result.success
