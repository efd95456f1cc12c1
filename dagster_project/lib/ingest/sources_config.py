"""Read config/sources.yml: every place a national source is downloaded from, validated once.

    SI_SOURCES_CONFIG    another configuration file (tests use one pointing at 127.0.0.1)
    SI_SOURCES_BASE_URL  replaces every service's base URL (run the real configuration against a local mirror)

Errors name the file, the source and the field, and say what was expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dagster_project.lib.ingest.errors import SourceLayoutError
from dagster_project.lib.ingest.source_files import validate_academic_year
from dagster_project.settings import CONFIG_DIR

DEFAULT_SOURCES_CONFIG = CONFIG_DIR / "sources.yml"
KINDS = ("performance_tables", "ees", "gias", "ofsted")


class SourcesConfigError(SourceLayoutError):
    """config/sources.yml (or SI_SOURCES_CONFIG) is missing a field or holds an impossible value."""


@dataclass(frozen=True)
class HttpPolicy:
    timeout_seconds: float = 120.0
    attempts: int = 4
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 60.0
    user_agent: str = "school-improvement-warehouse"


@dataclass(frozen=True)
class SourceConfig:
    """One file stream: a performance-tables dataset, an EES data set, a GIAS extract or the Ofsted MI file."""

    key: str
    dataset: str
    kind: str
    base_url: str
    url: str  # template: {base_url}, {year_span}, {extract_date}, {data_set_id}
    target: str  # template under the sources folder: {academic_year}, {file_name}, {extract_date}, {version}
    assets: tuple[str, ...]
    enabled: bool = True
    academic_years: tuple[str, ...] = ()
    watch_latest_years: int = 1
    file_name_pattern: str | None = None
    lookback_days: int = 30
    link_pattern: str | None = None
    data_set_id: str | None = None
    academic_year: str | None = None
    file_name: str | None = None

    @property
    def watched_years(self) -> tuple[str, ...]:
        """The academic years the release sensor polls (the latest few; older years no longer change)."""
        if not self.academic_years:
            return (self.academic_year,) if self.academic_year else ()
        return tuple(sorted(self.academic_years)[-self.watch_latest_years :])


@dataclass(frozen=True)
class SourcesConfig:
    path: Path
    http: HttpPolicy
    sensor_interval_seconds: int
    sources: tuple[SourceConfig, ...] = field(default_factory=tuple)

    def enabled(self) -> list[SourceConfig]:
        return [s for s in self.sources if s.enabled]

    def get(self, key: str) -> SourceConfig:
        for source in self.sources:
            if source.key == key:
                return source
        known = ", ".join(s.key for s in self.sources)
        raise SourcesConfigError(f"{self.path}: no source with key {key!r} (configured: {known})")


def sources_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env["SI_SOURCES_CONFIG"]) if env.get("SI_SOURCES_CONFIG") else DEFAULT_SOURCES_CONFIG


def load_sources_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> SourcesConfig:
    """Load and validate the sources configuration (SI_SOURCES_CONFIG, else config/sources.yml)."""
    env = os.environ if env is None else env
    path = Path(path) if path else sources_config_path(env)
    if not path.is_file():
        raise SourcesConfigError(f"{path}: sources configuration not found (set SI_SOURCES_CONFIG or restore it)")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    services = _mapping(document, "services", path)
    base_override = env.get("SI_SOURCES_BASE_URL") or None
    http = HttpPolicy(**{k: v for k, v in (document.get("http") or {}).items()})
    sensor = document.get("release_sensor") or {}
    sources = tuple(
        _source(entry, index, services, base_override, path)
        for index, entry in enumerate(document.get("sources") or [], start=1)
    )
    keys = [s.key for s in sources]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise SourcesConfigError(f"{path}: source keys must be unique; repeated: {', '.join(duplicates)}")
    return SourcesConfig(
        path=path,
        http=http,
        sensor_interval_seconds=int(float(sensor.get("minimum_interval_minutes", 60)) * 60),
        sources=sources,
    )


def year_span(academic_year: str) -> str:
    """'2023-24' -> '2023-2024' (the performance-tables service's year parameter)."""
    start = int(validate_academic_year(academic_year)[:4])
    return f"{start}-{start + 1}"


def _source(entry: Any, index: int, services: Mapping[str, Any], base_override: str | None, path: Path) -> SourceConfig:
    where = f"{path}: sources[{index}]"
    if not isinstance(entry, Mapping):
        raise SourcesConfigError(f"{where} must be a mapping with key, dataset, kind, service, url, target")
    for name in ("key", "dataset", "kind", "service", "target", "url"):
        if name == "url" and entry.get("kind") == "ees":
            continue  # built from the data set id: {base_url}/v1/data-sets/{data_set_id}/...
        if not entry.get(name):
            raise SourcesConfigError(f"{where} ({entry.get('key', '?')}): missing field {name!r}")
    where = f"{path}: source {entry['key']!r}"
    kind = entry["kind"]
    if kind not in KINDS:
        raise SourcesConfigError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    service = entry["service"]
    if service not in services:
        raise SourcesConfigError(f"{where}: service {service!r} is not under 'services' ({', '.join(services)})")
    base_url = str(base_override or services[service]).rstrip("/")
    try:
        years = tuple(validate_academic_year(str(y)) for y in entry.get("academic_years") or ())
        year = validate_academic_year(str(entry["academic_year"])) if entry.get("academic_year") else None
    except SourceLayoutError as error:
        raise SourcesConfigError(f"{where}: {error}") from None
    source = SourceConfig(
        key=str(entry["key"]),
        dataset=str(entry["dataset"]),
        kind=kind,
        base_url=base_url,
        url=str(entry.get("url") or ""),
        target=str(entry["target"]),
        assets=tuple(str(a) for a in entry.get("assets") or ()),
        enabled=bool(entry.get("enabled", True)),
        academic_years=years,
        watch_latest_years=int(entry.get("watch_latest_years", 1)),
        file_name_pattern=entry.get("file_name_pattern"),
        lookback_days=int(entry.get("lookback_days", 30)),
        link_pattern=entry.get("link_pattern"),
        data_set_id=entry.get("data_set_id"),
        academic_year=year,
        file_name=entry.get("file_name"),
    )
    _check_kind_fields(source, where)
    return source


def _check_kind_fields(source: SourceConfig, where: str) -> None:
    required = {
        "performance_tables": ("academic_years", "file_name_pattern"),
        "ees": ("data_set_id", "file_name"),
        "gias": (),
        "ofsted": ("link_pattern",),
    }[source.kind]
    for name in required:
        if not getattr(source, name):
            raise SourcesConfigError(f"{where}: a {source.kind} source needs {name!r}")
    for name in ("file_name_pattern", "link_pattern"):
        pattern = getattr(source, name)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                raise SourcesConfigError(f"{where}: {name} is not a valid regular expression: {error}") from None
    if source.kind == "gias" and "{extract_date}" not in source.url:
        raise SourcesConfigError(f"{where}: a gias url must contain {{extract_date}} (YYYYMMDD)")


def _mapping(document: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    value = document.get(name)
    if not isinstance(value, Mapping) or not value:
        raise SourcesConfigError(f"{path}: {name!r} must be a mapping of name -> base URL")
    return value
