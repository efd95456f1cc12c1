"""Provisional -> revised -> final: the newest release of a year is what the marts show, while raw keeps every
release with its version and file. Real parts end to end: generated sources, the loader, and dbt run on the
warehouse for the KS2 staging models and fct_ks2_school_year."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.dbt.project import DBT_PROJECT_DIR
from dagster_project.lib.ingest.source_files import discover_source_files
from dagster_project.lib.ingest.warehouse_load import ingest_sources
from synthetic_la import KINGSMERE_CODE, generate
from synthetic_la.writers import write_csv

YEAR = "2024-25"
RWM = ("All pupils", "Total", "Reading, writing and maths")
# The same school's and LA's published RWM % in each release (the revised file keeps the generated figure); each
# stays above the higher-standard %, as the raw_ks2 suite requires.
PROVISIONAL, FINAL = {"school": "31", "la": "32"}, {"school": "77", "la": "66"}


def _release(revised: Path, version: str, figures: dict[str, str], urn: str) -> Path:
    rows = list(csv.reader(io.StringIO(revised.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    at = {name: header.index(name) for name in header}
    for row in body:
        row[at["version"]] = version.capitalize()
        if tuple(row[at[c]] for c in ("breakdown_topic", "breakdown", "subject")) != RWM:
            continue
        if row[at["school_urn"]] == urn:
            row[at["expected_standard_pupil_percent"]] = figures["school"]
        elif row[at["geographic_level"]] == "Local authority" and row[at["old_la_code"]] == str(KINGSMERE_CODE):
            row[at["expected_standard_pupil_percent"]] = figures["la"]
    path = revised.with_name(f"ks2_school_attainment_data_{version}.csv")
    write_csv(path, header, body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> tuple[Path, int, float]:
    root = tmp_path_factory.mktemp("versions")
    sources = root / "sources"
    generate(sources, 20240901, "la", log=lambda _: None)
    revised = sources / "ks2" / YEAR / "ks2_school_attainment_data.csv"
    with revised.open(encoding="utf-8", newline="") as handle:
        school = next(
            r
            for r in csv.DictReader(handle)
            if r["old_la_code"] == str(KINGSMERE_CODE)
            and r["geographic_level"] == "School"
            and (r["breakdown_topic"], r["breakdown"], r["subject"]) == RWM
            and r["expected_standard_pupil_percent"].isdigit()
        )
    urn = school["school_urn"]
    _release(revised, "provisional", PROVISIONAL, urn)
    _release(revised, "final", FINAL, urn)

    database = root / "warehouse.duckdb"
    conn = duckdb.connect(str(database))
    try:
        reports = ingest_sources(
            conn, discover_source_files(sources), archive_dir=root / "archive", quarantine_dir=root / "quarantine"
        )
    finally:
        conn.close()
    assert not any(report.quarantined for report in reports.values())
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [
            str(dbt),
            "build",
            "--quiet",
            "--profiles-dir",
            ".",
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "logs"),
            "--resource-type",
            "model",
            "--resource-type",
            "seed",
            "--select",
            "+fct_ks2_school_year",
            "stg_ks2__la_results",
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "SI_DUCKDB_PATH": str(database)},
        check=True,
    )
    return database, int(urn), float(school["expected_standard_pupil_percent"])


def test_raw_keeps_every_release_with_its_version_and_file(warehouse):
    database, urn, revised = warehouse
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(
            "select data_version, ptrwm_exp, source_file from raw_ks2 where urn = ? and academic_year = ? order by 1",
            [urn, YEAR],
        ).fetchall()
    assert rows == [
        ("final", 77.0, "ks2_school_attainment_data_final.csv"),
        ("provisional", float(PROVISIONAL["school"]), "ks2_school_attainment_data_provisional.csv"),
        ("revised", revised, "ks2_school_attainment_data.csv"),
    ]


def test_the_marts_hold_the_final_release_of_the_year(warehouse):
    database, urn, _ = warehouse
    with duckdb.connect(str(database), read_only=True) as conn:
        school = conn.execute(
            "select rwm_expected_pct, data_version from fct_ks2_school_year where urn = ? and academic_year = ?",
            [urn, YEAR],
        ).fetchall()
        la = conn.execute(
            "select rwm_expected_pct, data_version, source_file from stg_ks2__la_results "
            "where la_code = ? and academic_year = ?",
            [KINGSMERE_CODE, YEAR],
        ).fetchall()
        years = conn.execute(
            "select distinct data_version from stg_ks2__school_results where academic_year = ?", [YEAR]
        ).fetchall()
    assert school == [(77.0, "final")]
    assert la == [(66.0, "final", "ks2_school_attainment_data_final.csv")]
    assert years == [("final",)]


def test_older_years_keep_their_own_newest_release(warehouse):
    database, _, _ = warehouse
    with duckdb.connect(str(database), read_only=True) as conn:
        versions = dict(
            conn.execute(
                "select academic_year, any_value(data_version) from stg_ks2__school_results group by 1"
            ).fetchall()
        )
    assert versions == {"2021-22": "final", "2022-23": "final", "2023-24": "revised", YEAR: "final"}
