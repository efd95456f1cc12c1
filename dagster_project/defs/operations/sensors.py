"""Sensors: DfE/Ofsted release detection, and an alert for every failed run and every refused file.

`source_release_sensor` polls each configured source (lib/ingest/release_detection.py) and asks for one run per new
release stream - a dataset and, for year-based sources, an academic year - selecting `download_sources`, the
raw_* assets that read that dataset and everything downstream of them. Run tags name the dataset and year; the
run key (stream + signature) stops a release being requested twice while its run is queued. A year-based release
(KS2, KS4, census, absence) runs for exactly that academic-year partition; the unpartitioned models downstream
are rebuilt in the same run. A release for a year with no partition (not yet in dbt/seeds/academic_years.csv)
requests nothing and says so.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from dagster_project.defs.operations.downloads import DOWNLOAD_SOURCES, DownloadSourcesConfig, state_dir
from dagster_project.defs.operations.jobs import refresh_from_sources_job
from dagster_project.defs.partitions import academic_year_partitions
from dagster_project.defs.reports.assets import periodic_reports
from dagster_project.lib.ingest.download import HttpClient
from dagster_project.lib.ingest.release_detection import Release, ReleaseCheck, check_releases
from dagster_project.lib.ingest.source_state import SourceStateStore
from dagster_project.lib.ingest.sources_config import load_sources_config
from dagster_project.lib.operations.alerts import append_alert, refused_file_alert_line, run_failure_alert_line
from dagster_project.resources import WarehouseResource

DEFAULT_RELEASE_POLL_SECONDS = 3600


def release_run_request(
    release: Release, asset_keys: Sequence[dg.AssetKey], partitioned: bool = False
) -> dg.RunRequest:
    """One run for one release: download it, then refresh exactly the assets that read that dataset.

    `partitioned`: the selection holds academic-year-partitioned assets, so the run is for the release's year.
    """
    tags = {
        "si/trigger": "source_release_sensor",
        "si/dataset": release.dataset,
        "si/source": release.source.key,
        "si/release": release.version,
    }
    if release.academic_year:
        tags["si/academic_year"] = release.academic_year
    download = DownloadSourcesConfig(
        sources=[release.source.key], academic_years=[release.academic_year] if release.academic_year else []
    )
    return dg.RunRequest(
        run_key=f"{release.state_key}@{release.signature}",
        asset_selection=list(asset_keys),
        run_config=dg.RunConfig(ops={DOWNLOAD_SOURCES.to_python_identifier(): download}),
        tags=tags,
        partition_key=release.academic_year if partitioned else None,
    )


def affected_asset_keys(release: Release, repository_def: dg.RepositoryDefinition | None = None) -> list[dg.AssetKey]:
    """`download_sources` + the dataset's raw_* assets + everything downstream of them (when the graph is known),
    except the termly and monthly reports, which follow on their schedules."""
    raw_keys = [dg.AssetKey(name) for name in release.source.assets]
    if repository_def is None:
        return [DOWNLOAD_SOURCES, *raw_keys]
    graph = repository_def.asset_graph
    missing = [key.to_user_string() for key in raw_keys if not graph.has(key)]
    if missing:
        raise KeyError(
            f"source {release.source.key!r} lists asset(s) {', '.join(missing)} that are not defined; "
            "fix `assets` in the sources configuration"
        )
    downstream = (dg.AssetSelection.assets(*raw_keys).downstream() - periodic_reports).resolve(graph)
    return [DOWNLOAD_SOURCES, *sorted(downstream, key=lambda key: key.to_user_string())]


def _is_partitioned(keys: Sequence[dg.AssetKey], repository_def: dg.RepositoryDefinition | None) -> bool:
    if repository_def is None:
        return False
    graph = repository_def.asset_graph
    return any(graph.get(key).partitions_def is not None for key in keys if graph.has(key))


def release_sensor_result(
    checks: list[ReleaseCheck], repository_def: dg.RepositoryDefinition | None, log
) -> dg.SensorResult | dg.SkipReason:
    for check in checks:
        if check.status == "error":
            log.warning(f"release check failed: {check.describe()}")
        elif check.status == "unverifiable":
            log.warning(f"release check cannot compare (no file name, ETag, date or length): {check.describe()}")
    requests, refused = [], []
    for check in checks:
        if check.status != "new" or check.release is None:
            continue
        try:
            keys = affected_asset_keys(check.release, repository_def=repository_def)
        except KeyError as error:
            log.error(str(error))
            continue
        partitioned = _is_partitioned(keys, repository_def)
        year = check.release.academic_year
        if partitioned and not academic_year_partitions.has_partition_key(year or ""):
            refused.append(
                f"{check.describe()} is for academic year {year}, which has no partition: "
                "add it to dbt/seeds/academic_years.csv"
            )
            log.error(refused[-1])
            continue
        log.info(f"new release: {check.describe()}")
        requests.append(release_run_request(check.release, keys, partitioned=partitioned))
    if refused and not requests:
        return dg.SkipReason("new release(s) not run: " + "; ".join(refused))
    if not requests:
        summary = "; ".join(check.describe() for check in checks) or "no enabled sources"
        return dg.SkipReason(f"no new releases ({summary})")
    return dg.SensorResult(run_requests=requests)


def build_source_release_sensor(minimum_interval_seconds: int = DEFAULT_RELEASE_POLL_SECONDS) -> dg.SensorDefinition:
    @dg.sensor(
        name="source_release_sensor",
        job=refresh_from_sources_job,
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Polls DfE (performance tables, EES API), GIAS and Ofsted for new releases "
        "(config/sources.yml) and refreshes exactly the affected dataset and academic year.",
    )
    def source_release_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        config = load_sources_config()
        client = HttpClient(config.http, log=context.log.warning)
        checks = check_releases(config, SourceStateStore(state_dir(warehouse)), client)
        return release_sensor_result(checks, context.repository_def, context.log)

    return source_release_sensor


@dg.run_failure_sensor(
    name="run_failure_alert",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes one line per failed run to SI_DATA_DIR/alerts/alerts.log and the Dagster log.",
)
def run_failure_alert(context: dg.RunFailureSensorContext, warehouse: WarehouseResource) -> None:
    run = context.dagster_run
    failed_steps = []
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error if event.step_failure_data else None
        while error is not None and error.cause is not None:  # the user's exception, not Dagster's wrapper
            error = error.cause
        failed_steps.append((event.step_key or "?", error.message if error else event.message or ""))
    line = run_failure_alert_line(
        at=datetime.now(UTC),
        job_name=run.job_name,
        run_id=run.run_id,
        tags=run.tags,
        failed_steps=failed_steps,
        run_message=context.failure_event.message or "",
    )
    path = append_alert(Path(warehouse.data_dir) / "alerts", line)
    context.log.error(f"{line} (written to {path})")


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="refused_file_alert",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A refused file does not fail its run (the last good data stays in use): writes one line per file "
    "refused in a successful run to SI_DATA_DIR/alerts/alerts.log and the Dagster log.",
)
def refused_file_alert(context: dg.RunStatusSensorContext, warehouse: WarehouseResource) -> None:
    run = context.dagster_run
    for entry in context.instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        refused = evaluation.metadata.get("refused")
        if evaluation.passed or refused is None:
            continue
        for refusal in refused.value:
            line = refused_file_alert_line(
                at=datetime.now(UTC),
                job_name=run.job_name,
                run_id=run.run_id,
                tags=run.tags,
                asset=evaluation.asset_key.to_user_string(),
                refusal=refusal,
            )
            path = append_alert(Path(warehouse.data_dir) / "alerts", line)
            context.log.warning(f"{line} (written to {path})")


def build_sensors() -> list[dg.SensorDefinition]:
    interval = load_sources_config().sensor_interval_seconds
    return [build_source_release_sensor(interval), run_failure_alert, refused_file_alert]
