"""Data-quality gates: a failed GX suite on a raw table stops the dbt models downstream and says why."""

from __future__ import annotations

import csv
import io
import shutil

import dagster as dg
import pytest

from tests.conftest import settings_for

pytestmark = pytest.mark.slow

PLANTED_SCORE = "150"  # a KS2 reading scaled score; the scale runs from 80 to 120


def _plant_impossible_reading_score(ks2_file) -> str:
    """Give the first school with a reading score an impossible one; returns its URN."""
    rows = list(csv.reader(io.StringIO(ks2_file.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    rectype, urn, score = header.index("RECTYPE"), header.index("URN"), header.index("READ_AVERAGE")
    school = next(r for r in rows[1:] if r[rectype] == "1" and r[score].replace(".", "").isdigit())
    school[score] = PLANTED_SCORE
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    ks2_file.write_text(out.getvalue(), encoding="utf-8-sig")
    return school[urn]


def test_a_failed_expectation_stops_the_models_downstream_and_shows_the_bad_rows(
    pipeline_settings, dbt_manifest, tmp_path
):
    from dagster_project.definitions import build_definitions
    from dagster_project.defs.partitions import range_tags

    settings = settings_for(tmp_path / "data")
    shutil.copytree(pipeline_settings.sources_dir, settings.sources_dir)
    urn = _plant_impossible_reading_score(settings.sources_dir / "ks2" / "2022-23" / "england_ks2final.csv")
    definitions = build_definitions(settings)

    result = dg.materialize(
        assets=[*definitions.assets, *definitions.asset_checks],
        selection=dg.AssetSelection.assets("raw_ks2", "stg_ks2__school_results"),
        resources=definitions.resources,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        tags=range_tags("2022-23", "2022-23"),
    )

    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "raw_ks2_expectations"]
    assert not check.passed
    failures = check.metadata["failed_expectations"].value
    reading = [f for f in failures if f["column"] == "read_average"]
    assert reading and [float(v) for v in reading[0]["sample_values"]] == [float(PLANTED_SCORE)]
    assert any(str(row.get("urn")) == urn for row in reading[0]["sample_rows"])
    # The file itself parsed, so raw_ks2 was written; the gate stopped dbt from reading it.
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "raw_ks2" in materialized
    assert "stg_ks2__school_results" not in materialized
    assert not result.success
