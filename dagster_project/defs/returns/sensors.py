"""The drop-folder sensor: a return file that is new or changed (by sha256) since it was last judged starts a run
of that return's asset and everything downstream of it (staging, categorisation, register). A tick with nothing
new requests nothing, so opening the UI after `make run` rebuilds nothing."""

import json
from pathlib import Path

import dagster as dg

from dagster_project.defs.reports.assets import periodic_reports
from dagster_project.defs.returns.assets import RETURNS_GROUP
from dagster_project.lib.returns.judged import judged_files
from dagster_project.lib.returns.reading import discover_return_files
from dagster_project.lib.returns.spec import RETURNS
from dagster_project.settings import Settings

returns_refresh_job = dg.define_asset_job(
    name="returns_refresh",
    selection=dg.AssetSelection.groups(RETURNS_GROUP).downstream() - periodic_reports,
    description="Judge the LA returns in the drop folder and rebuild what depends on them (the termly and monthly "
    "reports follow on their schedules).",
)


def changed_files(
    folder: Path, seen: dict[str, str], judged: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str], list[str]]:
    """(current {file name: sha256}, returns with a file that is neither judged nor already requested in that
    version, names matching no return)."""
    judged = judged or {}
    current: dict[str, str] = {}
    changed: set[str] = set()
    unknown: list[str] = []
    for returned in discover_return_files(folder):
        name = returned.path.name
        if returned.return_name is None:
            unknown.append(name)
            continue
        current[name] = returned.fingerprint()
        if current[name] not in (seen.get(name), judged.get(name)):
            changed.add(returned.return_name)
    return current, sorted(changed, key=list(RETURNS).index), unknown


@dg.sensor(
    job=returns_refresh_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Watches the returns drop folder (SI_RETURNS_DIR, default $SI_DATA_DIR/returns) for files that are "
    "new or changed (by sha256) since they were last judged, by this sensor, `make run` or a run from the UI. "
    "Off until switched on in Automation.",
)
def returns_drop_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    settings = Settings.from_env()
    folder = settings.returns_dir
    seen = json.loads(context.cursor) if context.cursor else {}
    judged = judged_files(settings.state_dir)
    current, changed, unknown = changed_files(folder, seen, judged)
    for name in unknown:
        context.log.warning(f"{folder / name}: not a return file name (<return>_<YYYY-MM-DD>.csv|xlsx); ignored")
    if not changed:
        return dg.SkipReason(f"no return file in {folder} is new or changed since it was judged")
    new = sorted(n for n in current if current[n] not in (seen.get(n), judged.get(n)))
    run_key = "returns:" + ",".join(f"{n}={current[n][:16]}" for n in new)
    selection = dg.AssetSelection.assets(*(RETURNS[name].table for name in changed)).downstream() - periodic_reports
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=run_key,
                asset_selection=list(selection.resolve(context.repository_def.asset_graph)),
                tags={"returns": ",".join(changed)},
            )
        ],
        cursor=json.dumps(current, sort_keys=True),
    )
