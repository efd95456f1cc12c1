"""Has a source published something we have not downloaded? One cheap request per release stream.

    ees                 GET /v1/data-sets/{id}/versions (all pages): the newest Published version by `published`
    performance_tables  HEAD the year's download URL: file name (Content-Disposition), ETag, Last-Modified, length
    gias                HEAD edubasealldata<YYYYMMDD>.csv from today back `lookback_days`: the newest extract date
    ofsted              GET the landing page: the newest 'all inspections ... as at DD Mon YYYY' file it links

Each gives a signature; a release is 'new' when it differs from the one stored after the last complete download
(lib/ingest/source_state.py), 'unchanged' when equal. A server that answers with nothing to compare (no name, ETag,
Last-Modified or length) is 'unverifiable' (the nightly download catches those); 'not_published' and 'error'
are reported per stream so one failing service never hides another's release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import requests

from dagster_project.lib.ingest.download import DownloadError, HttpClient, content_disposition_file_name
from dagster_project.lib.ingest.errors import SourceLayoutError
from dagster_project.lib.ingest.source_files import ofsted_as_at_version, validate_academic_year
from dagster_project.lib.ingest.source_state import SourceState, SourceStateStore, state_key
from dagster_project.lib.ingest.sources_config import SourceConfig, SourcesConfig, year_span

LONDON = ZoneInfo("Europe/London")
STATUSES = ("new", "unchanged", "unverifiable", "not_published", "error")
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class Release:
    """What a source offers now for one release stream (a source, and a year for year-based sources)."""

    source: SourceConfig
    academic_year: str | None
    url: str  # where the file is downloaded from
    signature: str | None  # compared with the stored one; None when the server gives nothing to compare
    version: str  # label for logs and run tags: EES version, file name, extract date
    target: str | None = None  # path in the sources folder when known before downloading

    @property
    def state_key(self) -> str:
        return state_key(self.source.key, self.academic_year)

    @property
    def dataset(self) -> str:
        return self.source.dataset


@dataclass(frozen=True)
class ReleaseCheck:
    source: SourceConfig
    academic_year: str | None
    status: str  # one of STATUSES
    release: Release | None = None
    stored: SourceState | None = None
    message: str = ""

    @property
    def state_key(self) -> str:
        return state_key(self.source.key, self.academic_year)

    def describe(self) -> str:
        year = f" {self.academic_year}" if self.academic_year else ""
        version = f" ({self.release.version})" if self.release else ""
        detail = f": {self.message}" if self.message else ""
        return f"{self.source.key}{year}{version} {self.status}{detail}"


def check_releases(
    config: SourcesConfig,
    store: SourceStateStore,
    client: HttpClient,
    *,
    source_keys: Iterable[str] | None = None,
    academic_years: Iterable[str] | None = None,
    today: date | None = None,
) -> list[ReleaseCheck]:
    """Check every enabled source (or `source_keys`) for the watched years (or `academic_years`)."""
    today = today or datetime.now(LONDON).date()
    wanted = set(source_keys) if source_keys is not None else None
    sources = [config.get(k) for k in sorted(wanted)] if wanted is not None else config.enabled()
    years = set(academic_years) if academic_years else None
    checks: list[ReleaseCheck] = []
    for source in sources:
        for academic_year in _years_to_check(source, years):
            checks.append(_check_one(source, academic_year, store, client, today))
    return checks


def detect_release(source: SourceConfig, academic_year: str | None, client: HttpClient, today: date) -> Release | None:
    """The release a source offers now, or None when nothing is published (yet) for that stream."""
    detector = {
        "ees": _detect_ees,
        "performance_tables": _detect_performance_tables,
        "gias": _detect_gias,
        "ofsted": _detect_ofsted,
    }[source.kind]
    return detector(source, academic_year, client, today)


def ees_academic_year(time_period: str) -> str:
    """EES time periods to an academic year: '2024/25' -> '2024-25', '202425' -> '2024-25'."""
    digits = re.sub(r"\D", "", time_period)
    if len(digits) == 6:
        return validate_academic_year(f"{digits[:4]}-{digits[4:]}")
    raise SourceLayoutError(f"EES time period {time_period!r} is not an academic year like '2024/25' or '202425'")


def _years_to_check(source: SourceConfig, years: set[str] | None) -> list[str | None]:
    if source.kind in ("gias", "ofsted"):
        return [None]
    if source.kind == "ees" and not source.academic_year:
        return [None]  # the year comes from the version's time periods
    candidates = list(source.academic_years or ((source.academic_year,) if source.academic_year else ()))
    chosen = [y for y in candidates if y in years] if years else list(source.watched_years)
    return chosen


def _check_one(
    source: SourceConfig, academic_year: str | None, store: SourceStateStore, client: HttpClient, today: date
) -> ReleaseCheck:
    try:
        release = detect_release(source, academic_year, client, today)
    except (DownloadError, requests.RequestException, SourceLayoutError, ValueError, KeyError) as error:
        return ReleaseCheck(source, academic_year, "error", message=f"{type(error).__name__}: {error}"[:500])
    if release is None:
        return ReleaseCheck(source, academic_year, "not_published", message="nothing published at the source yet")
    stored = store.get(release.state_key)
    if release.signature is None:
        status = "unverifiable"
    elif stored is None or stored.signature != release.signature:
        status = "new"
    else:
        status = "unchanged"
    return ReleaseCheck(source, release.academic_year, status, release, stored)


def _detect_ees(source: SourceConfig, academic_year: str | None, client: HttpClient, today: date) -> Release | None:
    versions_url = f"{source.base_url}/v1/data-sets/{source.data_set_id}/versions"
    published = [v for v in _ees_versions(client, versions_url) if v.get("status") == "Published"]
    if not published:
        return None
    newest = max(published, key=lambda v: _timestamp(v.get("published"), versions_url))
    version = str(newest["version"])
    year = academic_year or source.academic_year or ees_academic_year(str(newest["timePeriods"]["end"]))
    return Release(
        source=source,
        academic_year=year,
        url=f"{source.base_url}/v1/data-sets/{source.data_set_id}/csv?dataSetVersion={version}",
        signature=f"ees:{source.data_set_id}|version:{version}",
        version=version,
        target=source.target.format(academic_year=year, file_name=source.file_name, version=version),
    )


def _ees_versions(client: HttpClient, versions_url: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    page, total_pages = 1, 1
    while page <= total_pages:
        response = client.request("GET", f"{versions_url}?page={page}&pageSize=20")
        if response.status_code == 404:
            raise DownloadError(f"GET {versions_url}: HTTP 404 - is the data set id right (or withdrawn)?")
        response.raise_for_status()
        body = response.json()
        results.extend(body.get("results") or [])
        total_pages = int((body.get("paging") or {}).get("totalPages") or 1)
        page += 1
    return results


def _detect_performance_tables(
    source: SourceConfig, academic_year: str | None, client: HttpClient, today: date
) -> Release | None:
    assert academic_year is not None
    url = source.url.format(base_url=source.base_url, year_span=year_span(academic_year))
    response = _probe(client, url)
    if response is None:
        return None
    file_name = content_disposition_file_name(response)
    parts = [
        f"file:{file_name}" if file_name else None,
        f"etag:{response.headers['ETag']}" if response.headers.get("ETag") else None,
        f"lm:{response.headers['Last-Modified']}" if response.headers.get("Last-Modified") else None,
        f"len:{response.headers['Content-Length']}" if response.headers.get("Content-Length") else None,
    ]
    signature = "|".join(p for p in parts if p) or None
    return Release(source, academic_year, url, signature, file_name or "unnamed file")


def _detect_gias(source: SourceConfig, academic_year: str | None, client: HttpClient, today: date) -> Release | None:
    for days_back in range(source.lookback_days + 1):
        extract_date = (today - timedelta(days=days_back)).strftime("%Y%m%d")
        url = source.url.format(base_url=source.base_url, extract_date=extract_date)
        if _probe(client, url) is not None:
            label = datetime.strptime(extract_date, "%Y%m%d").date().isoformat()
            target = source.target.format(extract_date=extract_date)
            return Release(source, None, url, f"gias_extract:{extract_date}", label, target)
    return None


def _detect_ofsted(source: SourceConfig, academic_year: str | None, client: HttpClient, today: date) -> Release | None:
    page_url = source.url.format(base_url=source.base_url)
    response = client.request("GET", page_url)
    response.raise_for_status()
    pattern = re.compile(source.link_pattern or "", re.IGNORECASE)
    links: dict[str, str] = {}
    for href in _HREF.findall(response.text):
        url = urljoin(page_url, unescape(href))
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        if pattern.search(name):
            links[name] = url
    if not links:
        return None
    newest = max(links, key=lambda name: (ofsted_as_at_version(name), name))
    return Release(
        source=source,
        academic_year=None,
        url=links[newest],
        signature=f"file:{newest}",
        version=ofsted_as_at_version(newest),
        target=source.target.format(file_name=newest),
    )


def _probe(client: HttpClient, url: str) -> requests.Response | None:
    """Headers of `url` without its body: HEAD, or a one-byte ranged GET where HEAD is not allowed."""
    response = client.request("HEAD", url)
    if response.status_code in (405, 501):
        response = client.request("GET", url, headers={"Range": "bytes=0-0"})
    if response.status_code in (404, 410):
        return None
    if response.status_code >= 400:
        raise DownloadError(f"HEAD {url}: HTTP {response.status_code} {response.reason}")
    return response


def _timestamp(value: Any, where: str) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise SourceLayoutError(f"{where}: 'published' {value!r} is not an ISO date-time") from None
