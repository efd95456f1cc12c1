"""A raw_* asset with a refused file still materialises: the refusal is a warning check, not a failed run.

Real parts: the generated KS4 files, the real raw_ks4 asset and DuckDB file, materialised by Dagster over every
academic year as a backfill of all years does. Also: a year with no file says so in its own partition's metadata.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.ingest.assets import NO_FILE, RAW_TABLES, build_raw_table_asset
from dagster_project.defs.operations.sensors import refused_file_alert
from dagster_project.defs.partitions import academic_year_partitions, range_tags
from dagster_project.lib.ingest.archive import REASON_NAME
from dagster_project.resources import build_resources
from dagster_project.settings import Settings

REFUSED = "ks4/2023-24/england_ks4revised.csv"
YEARS = academic_year_partitions.get_partition_keys()  # a backfill of every year, files or not


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from synthetic_la.generate import generate

    out = tmp_path_factory.mktemp("generated") / "sources"
    generate(out, 20240901, "la", log=lambda message: None)
    return out


def _raw_ks4(settings: Settings, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    (spec,) = [s for s in RAW_TABLES if s.table == "raw_ks4"]
    return dg.materialize(
        [build_raw_table_asset(spec)],
        resources=build_resources(settings),
        instance=instance,
        tags=range_tags(YEARS[0], YEARS[-1]),
        raise_on_error=False,
    )


def _set_cell(path: Path, column: str, value: str, row: int) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")


@pytest.fixture(scope="module")
def run_with_a_refused_file(generated: Path, tmp_path_factory: pytest.TempPathFactory):
    settings = Settings.from_env({"SI_DATA_DIR": str(tmp_path_factory.mktemp("data"))})
    shutil.copytree(generated / "ks4", settings.sources_dir / "ks4")
    _set_cell(settings.sources_dir / REFUSED, "PTL2BASICS_94", "250", 2)
    instance = dg.DagsterInstance.ephemeral()
    return settings, _raw_ks4(settings, instance), instance


def _partition_metadata(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, object]]:
    return {
        event.partition: {name: value.value for name, value in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }


def test_a_refused_file_leaves_the_run_green_and_fails_a_warning_check_naming_it(run_with_a_refused_file) -> None:
    settings, result, _ = run_with_a_refused_file
    assert result.success
    (check,) = result.get_asset_check_evaluations()
    assert (check.check_name, check.passed, check.severity) == (
        "raw_ks4_files_accepted",
        False,
        dg.AssetCheckSeverity.WARN,
    )
    (refused,) = check.metadata["refused"].value
    assert refused["file"] == str(settings.sources_dir / REFUSED)
    assert refused["reason"] == (
        "england_ks4revised.csv, data row 2, column 'ptl2basics_94': failed the data check "
        "'a percentage lies between 0 and 100': 1 row(s), value 250.0"
    )
    reason = json.loads((Path(refused["quarantined"]) / REASON_NAME).read_text(encoding="utf-8"))
    assert (reason["expectation"], reason["row"], reason["value"]) == ("expect_column_values_to_be_between", 2, "250.0")
    assert (Path(refused["quarantined"]) / "england_ks4revised.csv").read_bytes() == (
        settings.sources_dir / REFUSED
    ).read_bytes()


def test_the_other_years_load_and_the_refused_year_holds_nothing(run_with_a_refused_file) -> None:
    settings, result, _ = run_with_a_refused_file
    per_year = _partition_metadata(result)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        rows = dict(conn.execute("select academic_year, count(*) from raw_ks4 group by 1").fetchall())
    assert set(rows) == {"2021-22", "2022-23", "2024-25"}
    assert per_year["2023-24"]["status"] == "england_ks4revised.csv quarantined"
    assert per_year["2023-24"]["dagster/row_count"] == 0
    for year, count in rows.items():
        assert per_year[year]["dagster/row_count"] == count
        assert per_year[year]["status"].endswith(" loaded")


def test_a_year_without_a_file_says_so_in_its_partition_and_an_observation(run_with_a_refused_file) -> None:
    _, result, _ = run_with_a_refused_file
    per_year = _partition_metadata(result)
    assert per_year["2019-20"] == {**per_year["2019-20"], "status": NO_FILE, "dagster/row_count": 0}
    observed = {
        event.event_specific_data.asset_observation.partition
        for event in result.all_events
        if event.event_type_value == "ASSET_OBSERVATION"
    }
    assert "2019-20" in observed and "2023-24" not in observed
    assert observed == {year for year, metadata in per_year.items() if metadata["status"] == NO_FILE}


def test_the_refused_file_alert_writes_one_line_for_the_successful_run_that_refused_it(run_with_a_refused_file):
    settings, result, instance = run_with_a_refused_file
    (success,) = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)
    context = dg.build_run_status_sensor_context(
        sensor_name="refused_file_alert",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=success.dagster_event,
        resources={"warehouse": build_resources(settings)["warehouse"]},
    )

    refused_file_alert(context)

    (line,) = (settings.data_dir / "alerts" / "alerts.log").read_text(encoding="utf-8").splitlines()
    assert f"FILE REFUSED job={result.dagster_run.job_name} run={result.run_id} asset=raw_ks4 " in line
    assert f"file={settings.sources_dir / REFUSED} quarantined={settings.quarantine_dir / 'ks4'}/" in line
    assert line.endswith(
        "reason=\"england_ks4revised.csv, data row 2, column 'ptl2basics_94': failed the data check "
        "'a percentage lies between 0 and 100': 1 row(s), value 250.0\""
    )
