"""Release detection against a local server standing in for the EES API, the performance-tables service, GIAS
and the Ofsted landing page (tests/unit/local_http_server.py; never the internet)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from dagster_project.lib.ingest.download import HttpClient
from dagster_project.lib.ingest.release_detection import check_releases, ees_academic_year
from dagster_project.lib.ingest.source_files import discover_source_files
from dagster_project.lib.ingest.source_refresh import refresh_sources
from dagster_project.lib.ingest.source_state import SourceStateStore
from dagster_project.lib.ingest.sources_config import DEFAULT_SOURCES_CONFIG, HttpPolicy, load_sources_config
from tests.unit.local_http_server import LocalServer, Route

EES_ID = "0190aaaa-1111-7000-8000-000000000001"
VERSIONS_PATH = f"/v1/data-sets/{EES_ID}/versions?page=1&pageSize=20"
PT_KS2_PATH = "/download-data?download=true&regions=0&filters=KS2&fileformat=csv&year=2024-2025&meta=false"
OFSTED_PAGE = "/government/statistical-data-sets/monthly-management-information-ofsteds-school-inspections-outcomes"


def ees_versions(*versions: tuple[str, str, str]) -> bytes:
    """EES DataSetVersionPaginatedListViewModel with (version, status, published) entries."""
    results = [
        {
            "version": version,
            "type": "Minor",
            "status": status,
            "published": published,
            "timePeriods": {"start": "2024/25", "end": "2024/25"},
            "release": {"title": "2024/25", "slug": "2024-25"},
        }
        for version, status, published in versions
    ]
    paging = {"page": 1, "pageSize": 20, "totalResults": len(results), "totalPages": 1}
    return json.dumps({"paging": paging, "results": results}).encode()


def write_config(path: Path, base_url: str, sources: list[dict]) -> Path:
    document = {
        "services": {"local": base_url},
        "http": {"timeout_seconds": 10, "attempts": 2, "backoff_seconds": 0.01, "max_backoff_seconds": 0.01},
        "release_sensor": {"minimum_interval_minutes": 1},
        "sources": sources,
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


EES_KS2 = {
    "key": "ks2_ees",
    "dataset": "ks2",
    "kind": "ees",
    "service": "local",
    "data_set_id": EES_ID,
    "file_name": "ks2_school_attainment_data",
    "target": "ks2/{academic_year}/{file_name}_v{version}.csv",
    "assets": ["raw_ks2"],
}
PT_KS2 = {
    "key": "ks2_performance_tables",
    "dataset": "ks2",
    "kind": "performance_tables",
    "service": "local",
    "url": "{base_url}/download-data?download=true&regions=0&filters=KS2&fileformat=csv&year={year_span}&meta=false",
    "academic_years": ["2023-24", "2024-25"],
    "watch_latest_years": 1,
    "file_name_pattern": r"^england_ks2(final|revised|provisional)\.csv$",
    "target": "ks2/{academic_year}/{file_name}",
    "assets": ["raw_ks2"],
}


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.fixture
def client() -> HttpClient:
    return HttpClient(HttpPolicy(timeout_seconds=10, attempts=2, backoff_seconds=0.01), sleep=lambda s: None)


def test_ees_newest_published_version_is_new_until_downloaded_then_unchanged(server, client, tmp_path):
    config = load_sources_config(write_config(tmp_path / "sources.yml", server.base_url, [EES_KS2]))
    store = SourceStateStore(tmp_path / "state")
    server.serve(
        VERSIONS_PATH,
        Route(
            ees_versions(
                ("1.0", "Published", "2025-01-10T09:30:00Z"),
                ("1.1", "Published", "2025-03-04T09:30:00Z"),
                ("2.0", "Withdrawn", "2025-04-01T09:30:00Z"),
            ),
            content_type="application/json",
        ),
    )
    server.serve(f"/v1/data-sets/{EES_ID}/csv?dataSetVersion=1.1", Route(b"time_period,school_urn\n202425,100001\n"))

    (before,) = check_releases(config, store, client)
    outcomes = refresh_sources(config, store, client, tmp_path / "sources")
    (after,) = check_releases(config, store, client)

    assert (before.status, before.release.version, before.academic_year) == ("new", "1.1", "2024-25")
    assert outcomes[0].status == "downloaded"
    assert (tmp_path / "sources/ks2/2024-25/ks2_school_attainment_data_v1.1.csv").exists()
    assert store.get("ks2_ees/2024-25").signature == f"ees:{EES_ID}|version:1.1"
    assert after.status == "unchanged"


def test_a_newly_published_ees_version_is_detected_against_the_stored_one(server, client, tmp_path):
    config = load_sources_config(write_config(tmp_path / "sources.yml", server.base_url, [EES_KS2]))
    store = SourceStateStore(tmp_path / "state")
    route = server.serve(
        VERSIONS_PATH, Route(ees_versions(("1.0", "Published", "2025-01-10T09:30:00Z")), "application/json")
    )
    server.serve(f"/v1/data-sets/{EES_ID}/csv?dataSetVersion=1.0", Route(b"time_period,school_urn\n202425,1\n"))
    refresh_sources(config, store, client, tmp_path / "sources")

    route.body = ees_versions(
        ("1.0", "Published", "2025-01-10T09:30:00Z"), ("1.0.1", "Published", "2025-02-01T09:30:00Z")
    )
    (check,) = check_releases(config, store, client)

    assert (check.status, check.release.version, check.stored.version) == ("new", "1.0.1", "1.0")


def test_performance_tables_head_finds_the_file_name_and_a_new_version_of_the_year(server, client, tmp_path):
    config = load_sources_config(write_config(tmp_path / "sources.yml", server.base_url, [PT_KS2]))
    store, sources = SourceStateStore(tmp_path / "state"), tmp_path / "sources"
    route = server.serve(
        PT_KS2_PATH,
        Route(
            b"RECTYPE,URN\r\n1,100001\r\n",
            etag='"p1"',
            content_disposition='attachment; filename="2024-2025/england_ks2provisional.csv"',
        ),
    )
    refresh_sources(config, store, client, sources)
    (unchanged,) = check_releases(config, store, client)

    route.body, route.etag = b"RECTYPE,URN\r\n1,100001\r\n1,100002\r\n", '"r1"'
    route.content_disposition = 'attachment; filename="2024-2025/england_ks2revised.csv"'
    (revised,) = check_releases(config, store, client)
    refresh_sources(config, store, client, sources)

    assert unchanged.status == "unchanged"
    assert (revised.status, revised.release.version, revised.academic_year) == (
        "new",
        "england_ks2revised.csv",
        "2024-25",
    )
    assert server.requests_for(PT_KS2_PATH, "HEAD")
    found = [(f.source, f.academic_year, f.data_version) for f in discover_source_files(sources)]
    assert found == [("ks2", "2024-25", "provisional"), ("ks2", "2024-25", "revised")]


def test_gias_finds_the_newest_dated_extract_within_the_lookback(server, client, tmp_path):
    today = date(2024, 9, 9)
    gias = {
        "key": "gias_establishments",
        "dataset": "gias_establishments",
        "kind": "gias",
        "service": "local",
        "url": "{base_url}/edubase/downloads/public/edubasealldata{extract_date}.csv",
        "lookback_days": 5,
        "target": "gias/edubasealldata{extract_date}.csv",
        "assets": ["raw_gias_establishments"],
    }
    config = load_sources_config(write_config(tmp_path / "sources.yml", server.base_url, [gias]))
    for day in (date(2024, 9, 2), date(2024, 9, 6)):
        name = f"/edubase/downloads/public/edubasealldata{day:%Y%m%d}.csv"
        server.serve(name, Route(b'"URN","LA (code)"\r\n"100001","991"\r\n'))

    outcomes = refresh_sources(config, SourceStateStore(tmp_path / "state"), client, tmp_path / "sources", today=today)

    assert outcomes[0].check.release.version == "2024-09-06"
    (found,) = discover_source_files(tmp_path / "sources")
    assert (found.source, found.data_version) == ("gias_establishments", "2024-09-06")
    probed = [r.path for r in server.requests if r.method == "HEAD"]
    assert probed[0].endswith(f"edubasealldata{today:%Y%m%d}.csv") and len(probed) == 4


def test_ofsted_takes_the_newest_all_inspections_file_linked_from_the_landing_page(server, client, tmp_path):
    ofsted = {
        "key": "ofsted_all_inspections",
        "dataset": "ofsted_inspections",
        "kind": "ofsted",
        "service": "local",
        "url": "{base_url}" + OFSTED_PAGE,
        # the shipped configuration's pattern for the file name
        "link_pattern": load_sources_config(DEFAULT_SOURCES_CONFIG, env={}).get("ofsted_all_inspections").link_pattern,
        "target": "ofsted/{file_name}",
        "assets": ["raw_ofsted_inspections"],
    }
    config = load_sources_config(write_config(tmp_path / "sources.yml", server.base_url, [ofsted]))
    older = "Management_information_-_state-funded_schools_-_all_inspections_-_year_to_date_as_at_31_Dec_2025.csv"
    newer = "Management_information_-_state-funded_schools_-_all_inspections_-_year_to_date_as_at_31_Jan_2026.csv"
    latest = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Jan_2026.csv"
    page = "".join(f'<a href="/media/{i}/{name}">{name}</a>' for i, name in enumerate((older, newer, latest)))
    server.serve(OFSTED_PAGE, Route(f"<html><body>{page}</body></html>".encode(), content_type="text/html"))
    server.serve(f"/media/1/{newer}", Route(b"URN,Inspection start date\r\n100001,10/01/2026\r\n"))

    (outcome,) = refresh_sources(config, SourceStateStore(tmp_path / "state"), client, tmp_path / "sources")

    assert outcome.check.release.version == "as_at 2026-01-31"
    assert outcome.status == "downloaded"
    (found,) = discover_source_files(tmp_path / "sources")
    assert (found.source, found.name) == ("ofsted_inspections", newer)


def test_one_failing_source_is_reported_and_does_not_hide_another_release(server, client, tmp_path):
    broken = {**EES_KS2, "key": "ks4_ees", "dataset": "ks4", "data_set_id": "not-there", "assets": ["raw_ks4"]}
    config = load_sources_config(write_config(tmp_path / "sources.yml", server.base_url, [EES_KS2, broken]))
    server.serve(VERSIONS_PATH, Route(ees_versions(("1.0", "Published", "2025-01-10T09:30:00Z")), "application/json"))

    checks = {c.source.key: c for c in check_releases(config, SourceStateStore(tmp_path / "state"), client)}

    assert checks["ks2_ees"].status == "new"
    assert checks["ks4_ees"].status == "error" and "HTTP 404" in checks["ks4_ees"].message


def test_the_real_configuration_runs_against_a_local_mirror_via_the_base_url_override(server, client, tmp_path):
    config = load_sources_config(DEFAULT_SOURCES_CONFIG, env={"SI_SOURCES_BASE_URL": server.base_url})
    server.serve(
        PT_KS2_PATH,
        Route(b"RECTYPE,URN\r\n1,1\r\n", content_disposition='attachment; filename="2024-2025/england_ks2revised.csv"'),
    )

    checks = check_releases(
        config, SourceStateStore(tmp_path / "state"), client, source_keys=["ks2_performance_tables"]
    )

    assert all(source.base_url == server.base_url for source in config.sources)
    by_year = {c.academic_year: c.status for c in checks}
    assert by_year == {"2023-24": "not_published", "2024-25": "new"}
    assert all(r.path.startswith("/download-data?") for r in server.requests)


def test_the_shipped_configuration_is_valid_and_every_enabled_source_names_its_raw_assets():
    config = load_sources_config(DEFAULT_SOURCES_CONFIG, env={})

    enabled = config.enabled()
    assert {s.kind for s in enabled} == {"performance_tables", "gias", "ofsted", "ees"}
    assert all(s.assets and all(a.startswith("raw_") for a in s.assets) for s in enabled)
    assert all(s.base_url.startswith("https://") for s in config.sources)


def test_ees_time_periods_become_academic_years():
    assert ees_academic_year("2024/25") == "2024-25"
    assert ees_academic_year("202324") == "2023-24"
    with pytest.raises(ValueError, match="2024"):
        ees_academic_year("2024")


def test_watched_years_are_the_latest_of_the_configured_years():
    config = load_sources_config(DEFAULT_SOURCES_CONFIG, env={})
    assert config.get("ks2_performance_tables").watched_years == ("2023-24", "2024-25")
