"""`download_sources`: fetch the configured national sources into the sources folder, then the raw_* assets read them.

It sits upstream of every raw_* asset, so a run that selects it with some raw_* assets downloads first and
ingests after. With no sources selected (the default, e.g. in `refresh_all` and `make run`) it does nothing and
touches no network: the bundled data and tests never download.
"""

from pathlib import Path

import dagster as dg

from dagster_project.lib.ingest.download import HttpClient
from dagster_project.lib.ingest.source_refresh import RefreshOutcome, refresh_sources
from dagster_project.lib.ingest.source_state import SourceStateStore
from dagster_project.lib.ingest.sources_config import load_sources_config
from dagster_project.resources import WarehouseResource

DOWNLOAD_SOURCES = dg.AssetKey("download_sources")
FAILED_STATUSES = ("failed", "error")


def state_dir(warehouse: WarehouseResource) -> Path:
    """SI_DATA_DIR/state: what was last downloaded from each source."""
    return Path(warehouse.data_dir) / "state"


class DownloadSourcesConfig(dg.Config):
    sources: list[str] = []  # source keys from config/sources.yml (SI_SOURCES_CONFIG); empty: none
    academic_years: list[str] = []  # e.g. ["2024-25"]; empty: each source's watched (latest) years
    all_sources: bool = False  # every enabled source (the nightly check)


@dg.asset(
    key=DOWNLOAD_SOURCES,
    group_name="ingest",
    kinds={"http"},
    description="Downloads the selected national sources (config/sources.yml) into the sources folder: "
    "conditional requests, retries with backoff, only complete files are moved in. Does nothing unless "
    "sources are selected in the run config (the release sensor and nightly schedule select them).",
)
def download_sources(
    context: dg.AssetExecutionContext, config: DownloadSourcesConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    if not config.sources and not config.all_sources:
        context.log.info("no sources selected: nothing downloaded (the sources folder is used as it is)")
        return dg.MaterializeResult(metadata={"sources_checked": 0})
    sources_config = load_sources_config()
    outcomes = refresh_sources(
        sources_config,
        SourceStateStore(state_dir(warehouse)),
        HttpClient(sources_config.http, log=context.log.warning),
        Path(warehouse.sources_dir),
        source_keys=None if config.all_sources else config.sources,
        academic_years=config.academic_years or None,
    )
    for outcome in outcomes:
        context.log.info(outcome.describe())
    metadata = {
        "sources_config": dg.MetadataValue.path(str(sources_config.path)),
        "sources_checked": dg.MetadataValue.int(len(outcomes)),
        "files_downloaded": dg.MetadataValue.int(sum(o.status == "downloaded" for o in outcomes)),
        "outcomes": dg.MetadataValue.md(_outcomes_table(outcomes)),
    }
    failed = [o for o in outcomes if o.status in FAILED_STATUSES]
    if failed:
        raise dg.Failure(
            description=f"{len(failed)} download(s) failed: " + "; ".join(o.describe() for o in failed),
            metadata=metadata,
        )
    return dg.MaterializeResult(metadata=metadata)


def downstream_of_downloads(ingest_assets: list[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The raw_* assets with `download_sources` as an upstream dependency (so downloads run first)."""
    return list(dg.map_asset_specs(lambda spec: spec.merge_attributes(deps=[DOWNLOAD_SOURCES]), ingest_assets))


def _outcomes_table(outcomes: list[RefreshOutcome]) -> str:
    lines = ["| source | academic year | version | check | result | file |", "|---|---|---|---|---|---|"]
    for o in outcomes:
        file = o.result.file if o.result and o.result.file else ""
        version = o.check.release.version if o.check.release else ""
        detail = (o.error or o.check.message or "").replace("|", "/")
        lines.append(
            f"| {o.check.source.key} | {o.check.academic_year or ''} | {version} | {o.check.status} "
            f"| {o.status}{': ' + detail if detail else ''} | {file} |"
        )
    return "\n".join(lines)
