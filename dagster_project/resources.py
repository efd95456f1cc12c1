"""The Dagster resources, bound from the deployment's ``Settings`` (dagster_project/settings.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.defs.dbt.project import dbt_cli_resource
from dagster_project.lib.warehouse.reader import Warehouse
from dagster_project.settings import DEFAULT_ACADEMY_DESKTOP_ANALYSIS, Settings


class WarehouseResource(dg.ConfigurableResource):
    """The deployment's folders and LA, as a Dagster resource (values resolved from ``Settings``)."""

    data_dir: str
    sources_dir: str
    duckdb_path: str
    archive_dir: str
    quarantine_dir: str
    published_dir: str
    restricted_dir: str
    returns_dir: str
    la_code: int
    quarto_path: str | None = None
    academy_desktop_analysis: str = DEFAULT_ACADEMY_DESKTOP_ANALYSIS
    gap_report_groups: str = ""
    warehouse: str = "duckdb"  # SI_WAREHOUSE: duckdb or postgres (settings.py)

    @property
    def location(self) -> Warehouse:
        """What the reports and the published scan read: the DuckDB file or the PostgreSQL warehouse."""
        return Warehouse(self.warehouse, Path(self.duckdb_path))

    @property
    def on_postgres(self) -> bool:
        return self.warehouse == "postgres"

    def dbt_env(self) -> dict[str, str]:
        """Variables dbt's profiles.yml reads, so dbt and Dagster open the same DuckDB file."""
        return {"SI_DUCKDB_PATH": self.duckdb_path, "SI_LA_CODE": str(self.la_code), "SI_WAREHOUSE": self.warehouse}

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        return cls(
            data_dir=str(settings.data_dir),
            sources_dir=str(settings.sources_dir),
            duckdb_path=str(settings.duckdb_path),
            archive_dir=str(settings.archive_dir),
            quarantine_dir=str(settings.quarantine_dir),
            published_dir=str(settings.published_dir),
            restricted_dir=str(settings.restricted_dir),
            returns_dir=str(settings.returns_dir),
            la_code=settings.la_code,
            quarto_path=settings.quarto_path,
            academy_desktop_analysis=settings.academy_desktop_analysis,
            gap_report_groups=settings.gap_report_groups,
            warehouse=settings.warehouse,
        )


def build_resources(settings: Settings) -> dict[str, object]:
    """All resources, bound once; keys are the parameter names assets ask for."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(settings.duckdb_path)),
        "warehouse": WarehouseResource.from_settings(settings),
        "dbt": dbt_cli_resource(),
    }
