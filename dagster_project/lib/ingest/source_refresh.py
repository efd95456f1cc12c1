"""Bring the sources folder up to date: check each release stream, download what is new, record it.

The one path both the `download_sources` asset and the scheduled check use: release detection
(lib/ingest/release_detection.py) says what each source offers, lib/ingest/download.py fetches it conditionally into the
sources folder, and only a complete download is recorded in the state store (lib/ingest/source_state.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests

from dagster_project.lib.ingest.download import (
    DownloadError,
    DownloadResult,
    HttpClient,
    content_disposition_file_name,
    utc_now_iso,
)
from dagster_project.lib.ingest.download import download_file as _download_file
from dagster_project.lib.ingest.release_detection import Release, ReleaseCheck, check_releases
from dagster_project.lib.ingest.source_state import SourceState, SourceStateStore
from dagster_project.lib.ingest.sources_config import SourcesConfig


@dataclass(frozen=True)
class RefreshOutcome:
    check: ReleaseCheck
    result: DownloadResult | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.result:
            return self.result.status
        return self.check.status

    def describe(self) -> str:
        detail = self.error or (self.result.file if self.result and self.result.file else self.check.message)
        return f"{self.check.describe()} -> {self.status}" + (f" ({detail})" if detail else "")


def refresh_sources(
    config: SourcesConfig,
    store: SourceStateStore,
    client: HttpClient,
    sources_dir: Path,
    *,
    source_keys: Iterable[str] | None = None,
    academic_years: Iterable[str] | None = None,
    today: date | None = None,
) -> list[RefreshOutcome]:
    """Check and download the selected sources; one failure is reported and does not stop the others."""
    outcomes = []
    checks = check_releases(config, store, client, source_keys=source_keys, academic_years=academic_years, today=today)
    for check in checks:
        if check.release is None or _already_have(check, sources_dir):
            outcomes.append(RefreshOutcome(check))
            continue
        try:
            result = download_release(check.release, client, sources_dir, store)
            outcomes.append(RefreshOutcome(check, result))
        except (DownloadError, requests.RequestException, OSError) as error:
            outcomes.append(RefreshOutcome(check, error=f"{type(error).__name__}: {error}"[:500]))
    return outcomes


def download_release(
    release: Release, client: HttpClient, sources_dir: Path, store: SourceStateStore
) -> DownloadResult:
    """Download one release (conditionally) and record it once its file is complete and in place."""
    previous = store.get(release.state_key)
    result = _download_file(client, release.url, sources_dir, file_namer(release), previous)
    store.put(
        release.state_key,
        SourceState(
            signature=release.signature,
            version=release.version,
            url=release.url,
            etag=result.etag,
            last_modified=result.last_modified,
            sha256=result.sha256,
            file=result.file,
            downloaded_at=utc_now_iso() if result.status == "downloaded" else (previous and previous.downloaded_at),
        ),
    )
    return result


def file_namer(release: Release) -> Callable[[requests.Response], str]:
    """Where the file goes in the sources folder: known in advance, or from the server's file name."""
    source = release.source

    def name(response: requests.Response) -> str:
        if release.target:
            return release.target
        file_name = content_disposition_file_name(response)
        if not file_name:
            raise DownloadError(f"GET {release.url}: no file name in Content-Disposition; cannot place the file")
        if source.file_name_pattern and not re.search(source.file_name_pattern, file_name, re.IGNORECASE):
            raise DownloadError(
                f"GET {release.url}: file name {file_name!r} does not match {source.file_name_pattern!r} "
                f"(source {source.key!r} in the sources configuration)"
            )
        return source.target.format(academic_year=release.academic_year, file_name=file_name)

    return name


def _already_have(check: ReleaseCheck, sources_dir: Path) -> bool:
    stored = check.stored
    return (
        check.status == "unchanged"
        and stored is not None
        and stored.file is not None
        and (Path(sources_dir) / stored.file).exists()
    )
