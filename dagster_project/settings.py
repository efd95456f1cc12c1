"""Where everything lives, from environment variables with defaults under ``data/``; free of Dagster, so parsers,
rules and reports can read paths and settings without importing it.

Read when resources are built (``Settings.from_env()``), never at import, so tests can point the
whole pipeline at a temporary folder by setting environment variables first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The project's own folders (code, rules and templates; never data).
CONFIG_DIR = REPO_ROOT / "config"
DBT_DIR = REPO_ROOT / "dbt"
SEEDS_DIR = DBT_DIR / "seeds"
DOCS_DIR = REPO_ROOT / "docs"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
REPORTS_DIR = REPO_ROOT / "reports"
DEFAULT_LA_CODE = 991  # Kingsmere, the bundled synthetic LA
# SI7 of the service specification: a desk-top analysis for every school, academies included. Maintained schools
# always get the full booklet; for academies the LA chooses the booklet, a shorter profile, or nothing.
ACADEMY_DESKTOP_ANALYSIS_CHOICES = ("profile", "booklet", "none")
DEFAULT_ACADEMY_DESKTOP_ANALYSIS = "profile"


def academy_desktop_analysis(value: str | None) -> str:
    """The SI_ACADEMY_DESKTOP_ANALYSIS setting, checked: 'profile' (the default when unset), 'booklet' or 'none'."""
    if value is None or not value.strip():
        return DEFAULT_ACADEMY_DESKTOP_ANALYSIS
    choice = value.strip().lower()
    if choice not in ACADEMY_DESKTOP_ANALYSIS_CHOICES:
        raise ValueError(
            f"SI_ACADEMY_DESKTOP_ANALYSIS: expected one of {', '.join(ACADEMY_DESKTOP_ANALYSIS_CHOICES)} (what each "
            f"academy gets as its desk-top analysis: a shorter profile, the full booklet, or none), got {value!r}"
        )
    return choice


# The warehouse writer pool's limit (SI_WAREHOUSE_WRITERS): how many warehouse steps run at once across the
# instance. DuckDB allows one writer process; PostgreSQL takes many, and 4 lets a few analysts' backfills go side
# by side while their dbt builds (4 threads, so 4 connections each: dbt/profiles.yml) stay well inside
# PostgreSQL's default max_connections of 100.
DEFAULT_WAREHOUSE_WRITERS = {"duckdb": 1, "postgres": 4}


def warehouse_engine(warehouse: str | None) -> str:
    """The SI_WAREHOUSE setting, checked: duckdb (the default when unset) or postgres."""
    engine = (warehouse or "").strip().lower() or "duckdb"
    if engine not in DEFAULT_WAREHOUSE_WRITERS:
        raise ValueError(f"SI_WAREHOUSE: expected one of {', '.join(DEFAULT_WAREHOUSE_WRITERS)}, got {warehouse!r}")
    return engine


def warehouse_writers(warehouse: str | None, value: str | None) -> int:
    """The SI_WAREHOUSE_WRITERS setting, checked against SI_WAREHOUSE (unset: duckdb): a whole number from 1, never
    more than 1 on DuckDB; the warehouse's default when unset."""
    engine = warehouse_engine(warehouse)
    if value is None or not value.strip():
        return DEFAULT_WAREHOUSE_WRITERS[engine]
    try:
        writers = int(value)
    except ValueError:
        writers = 0
    if writers < 1:
        raise ValueError(f"SI_WAREHOUSE_WRITERS: expected a whole number from 1, got {value!r}")
    if engine == "duckdb" and writers > 1:
        raise ValueError(
            f"SI_WAREHOUSE_WRITERS={writers}: the DuckDB warehouse allows one writer process, so 1 (or unset); "
            "more writers need SI_WAREHOUSE=postgres"
        )
    return writers


@dataclass(frozen=True)
class Settings:
    """Paths and options for one deployment of the warehouse."""

    data_dir: Path
    sources_dir: Path
    duckdb_path: Path
    archive_dir: Path
    quarantine_dir: Path
    published_dir: Path
    restricted_dir: Path
    returns_dir: Path
    la_code: int
    quarto_path: str | None
    academy_desktop_analysis: str = DEFAULT_ACADEMY_DESKTOP_ANALYSIS
    # The pupil groups the narrowing-the-gap report covers (SI_GAP_REPORT_GROUPS, comma-separated group codes of
    # dbt seed pupil_groups); empty: the seed's in_gap_report_by_default groups.
    gap_report_groups: str = ""
    # SI_WAREHOUSE: where dbt builds the models and the reports read them, duckdb (the file above) or postgres (the
    # server the SI_PG_* settings name; the DuckDB file then only lands the raw files, which each ingest step COPYs
    # across: README "A shared warehouse").
    warehouse: str = "duckdb"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("SI_DATA_DIR", REPO_ROOT / "data")).resolve()

        def path(var: str, default: Path) -> Path:
            return Path(env[var]).resolve() if env.get(var) else default

        return cls(
            data_dir=data_dir,
            sources_dir=path("SI_SOURCES_DIR", data_dir / "sources"),
            duckdb_path=path("SI_DUCKDB_PATH", data_dir / "warehouse.duckdb"),
            archive_dir=path("SI_ARCHIVE_DIR", data_dir / "archive"),
            quarantine_dir=path("SI_QUARANTINE_DIR", data_dir / "quarantine"),
            published_dir=path("SI_PUBLISHED_DIR", data_dir / "published"),
            restricted_dir=path("SI_RESTRICTED_DIR", data_dir / "restricted"),
            returns_dir=path("SI_RETURNS_DIR", data_dir / "returns"),
            la_code=int(env.get("SI_LA_CODE", DEFAULT_LA_CODE)),
            quarto_path=env.get("QUARTO_PATH") or None,
            academy_desktop_analysis=academy_desktop_analysis(env.get("SI_ACADEMY_DESKTOP_ANALYSIS")),
            gap_report_groups=env.get("SI_GAP_REPORT_GROUPS", "").strip(),
            warehouse=warehouse_engine(env.get("SI_WAREHOUSE")),
        )

    @property
    def state_dir(self) -> Path:
        """What was downloaded and which return files were judged (small JSON files the sensors read)."""
        return self.data_dir / "state"
