"""Downloading: conditional requests, retries with backoff, and no partial file ever reaching the sources folder.

Every test talks to a real HTTP server on 127.0.0.1 (tests/unit/local_http_server.py), never the internet.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from dagster_project.lib.ingest.download import DOWNLOADS_DIR_NAME, DownloadError, HttpClient, download_file
from dagster_project.lib.ingest.source_files import discover_source_files
from dagster_project.lib.ingest.source_state import SourceState
from dagster_project.lib.ingest.sources_config import HttpPolicy
from tests.unit.local_http_server import LocalServer, Route

TARGET = "ks2/2023-24/england_ks2revised.csv"


def ks2_csv(rows: int = 5000, marker: str = "A") -> bytes:
    lines = ["RECTYPE,LEA,URN,SCHNAME,PTRWM_EXP"]
    lines += [f"1,991,{100000 + i},School {marker}{i},{(i * 7) % 100}%" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> HttpClient:
    policy = HttpPolicy(timeout_seconds=10, attempts=4, backoff_seconds=0.5, max_backoff_seconds=30)
    return HttpClient(policy, sleep=sleeps.append)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def as_state(result, url: str) -> SourceState:
    return SourceState(
        url=url, etag=result.etag, last_modified=result.last_modified, sha256=result.sha256, file=result.file
    )


def test_a_complete_download_lands_in_the_sources_layout_that_ingest_reads(server, client, tmp_path):
    body = ks2_csv()
    server.serve("/ks2.csv", Route(body, etag='"v1"'))

    result = download_file(client, f"{server.base_url}/ks2.csv", tmp_path, lambda response: TARGET)

    assert result.status == "downloaded"
    assert (tmp_path / TARGET).read_bytes() == body
    assert files_under(tmp_path / DOWNLOADS_DIR_NAME) == []
    (found,) = discover_source_files(tmp_path)
    assert (found.source, found.academic_year, found.data_version) == ("ks2", "2023-24", "revised")


def test_etag_is_sent_back_and_304_not_modified_leaves_the_file_untouched(server, client, tmp_path):
    url = f"{server.base_url}/ks2.csv"
    server.serve("/ks2.csv", Route(ks2_csv(), etag='"abc123"'))
    first = download_file(client, url, tmp_path, lambda response: TARGET)
    mtime = (tmp_path / TARGET).stat().st_mtime_ns

    second = download_file(client, url, tmp_path, lambda response: TARGET, previous=as_state(first, url))

    assert first.etag == '"abc123"'
    assert second.status == "not_modified"
    assert server.requests_for("/ks2.csv")[-1].headers["If-None-Match"] == '"abc123"'
    assert (tmp_path / TARGET).stat().st_mtime_ns == mtime


def test_last_modified_round_trips_as_if_modified_since(server, client, tmp_path):
    url = f"{server.base_url}/ks2.csv"
    stamp = "Thu, 12 Dec 2024 09:30:00 GMT"
    server.serve("/ks2.csv", Route(ks2_csv(), last_modified=stamp))
    first = download_file(client, url, tmp_path, lambda response: TARGET)

    second = download_file(client, url, tmp_path, lambda response: TARGET, previous=as_state(first, url))

    assert first.last_modified == stamp
    assert server.requests_for("/ks2.csv")[-1].headers["If-Modified-Since"] == stamp
    assert "If-None-Match" not in server.requests_for("/ks2.csv")[-1].headers
    assert second.status == "not_modified"


def test_no_conditional_request_when_the_stored_file_has_gone(server, client, tmp_path):
    url = f"{server.base_url}/ks2.csv"
    server.serve("/ks2.csv", Route(ks2_csv(), etag='"v1"'))
    first = download_file(client, url, tmp_path, lambda response: TARGET)
    (tmp_path / TARGET).unlink()

    again = download_file(client, url, tmp_path, lambda response: TARGET, previous=as_state(first, url))

    assert "If-None-Match" not in server.requests_for("/ks2.csv")[-1].headers
    assert again.status == "downloaded" and (tmp_path / TARGET).exists()


def test_a_changed_file_replaces_the_old_one_and_the_same_bytes_are_reported_unchanged(server, client, tmp_path):
    url = f"{server.base_url}/ks2.csv"
    route = server.serve("/ks2.csv", Route(ks2_csv(marker="A")))
    first = download_file(client, url, tmp_path, lambda response: TARGET)
    same = download_file(client, url, tmp_path, lambda response: TARGET, previous=as_state(first, url))
    route.body = ks2_csv(marker="B")
    changed = download_file(client, url, tmp_path, lambda response: TARGET, previous=as_state(same, url))

    assert same.status == "unchanged"
    assert changed.status == "downloaded" and changed.sha256 != first.sha256
    assert (tmp_path / TARGET).read_bytes() == ks2_csv(marker="B")


def test_retries_after_two_503s_with_exponential_backoff(server, client, sleeps, tmp_path):
    server.serve("/ks2.csv", Route(ks2_csv(), fail_with=[503, 503]))

    result = download_file(client, f"{server.base_url}/ks2.csv", tmp_path, lambda response: TARGET)

    assert result.status == "downloaded"
    assert len(server.requests_for("/ks2.csv", "GET")) == 3
    assert sleeps == [0.5, 1.0]
    assert (tmp_path / TARGET).read_bytes() == ks2_csv()


def test_gives_up_after_the_configured_attempts_naming_the_url(server, client, sleeps, tmp_path):
    server.serve("/ks2.csv", Route(ks2_csv(), fail_with=[502, 503, 500, 504]))

    with pytest.raises(DownloadError, match=r"/ks2\.csv: failed after 4 attempts; last error: .*HTTP 504"):
        download_file(client, f"{server.base_url}/ks2.csv", tmp_path, lambda response: TARGET)

    assert sleeps == [0.5, 1.0, 2.0]
    assert files_under(tmp_path) == []


def test_a_404_is_not_retried(server, client, sleeps, tmp_path):
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_file(client, f"{server.base_url}/missing.csv", tmp_path, lambda response: TARGET)

    assert len(server.requests_for("/missing.csv")) == 1
    assert sleeps == []


def test_a_connection_dropped_mid_body_leaves_nothing_in_the_sources_folder_or_archive(server, client, tmp_path):
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    server.serve("/ks2.csv", Route(ks2_csv(), drop_mid_body=-1))

    with pytest.raises(DownloadError, match="failed after 4 attempts"):
        download_file(client, f"{server.base_url}/ks2.csv", sources, lambda response: TARGET)

    assert len(server.requests_for("/ks2.csv", "GET")) == 4
    assert files_under(sources) == []  # no half file, no leftover .part
    assert discover_source_files(sources) == []  # so the ingest assets have nothing to archive
    assert files_under(archive) == []


def test_a_connection_dropped_once_is_retried_and_the_whole_file_arrives(server, client, tmp_path):
    server.serve("/ks2.csv", Route(ks2_csv(), drop_mid_body=1))

    result = download_file(client, f"{server.base_url}/ks2.csv", tmp_path, lambda response: TARGET)

    assert result.status == "downloaded"
    assert (tmp_path / TARGET).read_bytes() == ks2_csv()
    assert files_under(tmp_path / DOWNLOADS_DIR_NAME) == []


def test_an_html_page_where_a_csv_was_expected_is_refused(server, client, tmp_path):
    server.serve("/ks2.csv", Route(b"<html><body>Sign in</body></html>", content_type="text/html; charset=utf-8"))

    with pytest.raises(DownloadError, match="sent an HTML page .* where ks2/2023-24/england_ks2revised.csv"):
        download_file(client, f"{server.base_url}/ks2.csv", tmp_path, lambda response: TARGET)

    assert files_under(tmp_path) == []


def test_a_gzip_body_is_stored_as_the_csv_inside(server, client, tmp_path):
    body = ks2_csv(200)
    server.serve("/data.csv", Route(gzip.compress(body), content_type="application/gzip"))

    download_file(client, f"{server.base_url}/data.csv", tmp_path, lambda response: TARGET)

    assert (tmp_path / TARGET).read_bytes() == body
