"""Download one file into the sources folder: conditional, retried, and never partial.

1. conditional GET (If-None-Match / If-Modified-Since from the last complete download of the same URL);
   304 Not Modified -> nothing is written
2. 5xx, 429, timeouts and dropped connections are retried with exponential backoff; other 4xx fail at once
3. the body streams to <sources_dir>/.downloads/<name>.part (same file system, a folder no ingest reads)
4. completeness: bytes received == Content-Length, a gzip body decompresses to its end, an HTML page where a
   CSV was expected is refused
5. only then os.replace() moves it to its place in the sources layout (an atomic rename), so the ingest
   assets, and through them the archive, only ever see complete files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import requests

from dagster_project.lib.ingest.source_state import SourceState
from dagster_project.lib.ingest.sources_config import HttpPolicy

DOWNLOADS_DIR_NAME = ".downloads"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"


class DownloadError(RuntimeError):
    """A download failed for good: names the URL, the attempts made and the last reason."""


class IncompleteDownload(DownloadError):
    """Fewer bytes arrived than the server announced (retryable)."""


class _RetryableStatus(DownloadError):
    pass


@dataclass
class HttpClient:
    """A requests session with the configured timeout and retry policy (`sleep` is replaceable in tests)."""

    policy: HttpPolicy
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    log: Callable[[str], None] = lambda message: None

    def __post_init__(self) -> None:
        self.session.headers.setdefault("User-Agent", self.policy.user_agent)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt `attempt` (1-based): backoff, 2x, 4x ... capped."""
        return min(self.policy.backoff_seconds * 2 ** (attempt - 1), self.policy.max_backoff_seconds)

    def retrying(self, label: str, action: Callable[[int], object]) -> object:
        """Run `action(attempt)` until it succeeds or the attempts are used up."""
        last: Exception | None = None
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return action(attempt)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                    _RetryableStatus, IncompleteDownload, EOFError, gzip.BadGzipFile) as error:  # fmt: skip
                last = error
                if attempt < self.policy.attempts:
                    delay = self.backoff(attempt)
                    self.log(f"{label}: attempt {attempt} failed ({_reason(error)}); retrying in {delay:g}s")
                    self.sleep(delay)
        raise DownloadError(f"{label}: failed after {self.policy.attempts} attempts; last error: {_reason(last)}")

    def request(self, method: str, url: str, headers: dict[str, str] | None = None) -> requests.Response:
        """A small (non-streamed) request with retries: HEAD probes, EES version lists, landing pages."""

        def attempt(_: int) -> requests.Response:
            response = self.session.request(method, url, headers=headers, timeout=self.policy.timeout_seconds)
            if response.status_code in RETRYABLE_STATUS:
                raise _RetryableStatus(f"HTTP {response.status_code}")
            return response

        return self.retrying(f"{method} {url}", attempt)  # type: ignore[return-value]


@dataclass(frozen=True)
class DownloadResult:
    status: str  # 'downloaded' | 'not_modified' | 'unchanged' (200, but the same bytes as the last download)
    url: str
    file: str | None  # relative to the sources folder
    sha256: str | None
    etag: str | None
    last_modified: str | None
    size_bytes: int | None


FileNamer = Callable[[requests.Response], str]


def download_file(
    client: HttpClient,
    url: str,
    sources_dir: Path,
    name_file: FileNamer,
    previous: SourceState | None = None,
) -> DownloadResult:
    """Fetch `url` into `sources_dir` at the relative path `name_file(response)` returns (see module doc)."""
    sources_dir = Path(sources_dir)
    headers = conditional_headers(url, previous, sources_dir)

    def attempt(_: int) -> DownloadResult:
        with client.session.get(url, headers=headers, stream=True, timeout=client.policy.timeout_seconds) as response:
            if response.status_code == 304:
                return DownloadResult("not_modified", url, previous.file if previous else None,
                                      previous.sha256 if previous else None, _etag(response, previous),
                                      _last_modified(response, previous), None)  # fmt: skip
            if response.status_code in RETRYABLE_STATUS:
                raise _RetryableStatus(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise DownloadError(f"GET {url}: HTTP {response.status_code} {response.reason} (not retried)")
            relative = name_file(response)
            _refuse_html(response, url, relative)
            part = _receive(response, sources_dir, url)
        try:
            return _place(part, sources_dir, relative, url, response, previous)
        finally:
            part.unlink(missing_ok=True)

    return client.retrying(f"GET {url}", attempt)  # type: ignore[return-value]


def conditional_headers(url: str, previous: SourceState | None, sources_dir: Path) -> dict[str, str]:
    """Validators of the last complete download of this URL, if its file is still in the sources folder."""
    if not previous or previous.url != url or not previous.file or not (Path(sources_dir) / previous.file).exists():
        return {}
    headers = {}
    if previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    return headers


def content_disposition_file_name(response: requests.Response) -> str | None:
    """The server's file name, last path part only ('2023-2024/england_ks2final.csv' -> 'england_ks2final.csv')."""
    header = response.headers.get("Content-Disposition", "")
    match = re.search(r"filename\*=(?:UTF-8'')?([^;]+)", header, re.IGNORECASE) or re.search(
        r'filename="?([^";]+)"?', header, re.IGNORECASE
    )
    if not match:
        return None
    return unquote(match.group(1).strip().strip('"')).replace("\\", "/").rsplit("/", 1)[-1]


def _receive(response: requests.Response, sources_dir: Path, url: str) -> Path:
    """Stream the body to a .part file and check it is complete; the .part file is removed on any failure."""
    staging = sources_dir / DOWNLOADS_DIR_NAME
    staging.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=staging, suffix=".part")
    part = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in response.iter_content(_CHUNK):  # errors arrive as requests exceptions (retried)
                out.write(chunk)
        expected = response.headers.get("Content-Length")
        received = response.raw.tell()  # bytes read off the wire (before any Content-Encoding is undone)
        if expected is not None and received != int(expected):
            raise IncompleteDownload(f"GET {url}: received {received} of {expected} bytes")
        if part.stat().st_size == 0:
            raise IncompleteDownload(f"GET {url}: empty body")
        return _gunzip_if_needed(part)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _gunzip_if_needed(part: Path) -> Path:
    """EES /csv answers with a gzip file: keep the CSV inside (a truncated gzip raises EOFError, retried)."""
    with part.open("rb") as handle:
        if handle.read(2) != _GZIP_MAGIC:
            return part
    unpacked = part.with_suffix(".unpacked")
    try:
        with gzip.open(part, "rb") as source, unpacked.open("wb") as out:
            shutil.copyfileobj(source, out)
    except BaseException:
        unpacked.unlink(missing_ok=True)
        raise
    finally:
        part.unlink(missing_ok=True)
    return unpacked


def _place(
    part: Path,
    sources_dir: Path,
    relative: str,
    url: str,
    response: requests.Response,
    previous: SourceState | None,
) -> DownloadResult:
    sha256 = _sha256(part)
    size = part.stat().st_size
    target = (sources_dir / relative).resolve()
    if sources_dir.resolve() not in target.parents:
        raise DownloadError(f"GET {url}: target {relative!r} is outside the sources folder {sources_dir}")
    etag, last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if previous and previous.sha256 == sha256 and previous.file == relative and target.exists():
        return DownloadResult("unchanged", url, relative, sha256, etag, last_modified, size)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, target)
    return DownloadResult("downloaded", url, relative, sha256, etag, last_modified, size)


def _refuse_html(response: requests.Response, url: str, relative: str) -> None:
    content_type = response.headers.get("Content-Type", "").lower()
    if "text/html" in content_type and not relative.lower().endswith((".html", ".htm")):
        raise DownloadError(
            f"GET {url}: the server sent an HTML page (Content-Type {content_type!r}) where {relative} was expected"
            " - usually an error or sign-in page; nothing was saved"
        )


def _etag(response: requests.Response, previous: SourceState | None) -> str | None:
    return response.headers.get("ETag") or (previous.etag if previous else None)


def _last_modified(response: requests.Response, previous: SourceState | None) -> str | None:
    return response.headers.get("Last-Modified") or (previous.last_modified if previous else None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _reason(error: BaseException | None) -> str:
    if error is None:
        return "unknown"
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:300]


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
