"""Alert lines for failed runs and refused files: one line each, appended to <data_dir>/alerts/alerts.log.

A scheduled refresh that nobody watches still leaves a trace a person (or a log shipper) can find:

    2026-01-05T07:00:03+00:00 RUN FAILED job=refresh_from_sources run=1a2b3c4d dataset=ks2 academic_year=2024-25
    trigger=source_release_sensor failed_steps=dbt_models error="dbt_models: ..."
    2026-01-05T07:00:03+00:00 FILE REFUSED job=refresh_from_sources run=1a2b3c4d dataset=ks2 asset=raw_ks2
    file=.../england_ks2final.csv quarantined=.../quarantine/ks2/<sha256> reason="england_ks2final.csv, data row 3..."
"""

from __future__ import annotations

import fcntl
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

ALERTS_FILE_NAME = "alerts.log"
_TAGS_IN_ALERT = ("si/trigger", "si/dataset", "si/academic_year", "si/source", "si/release", "dagster/schedule_name",
                  "dagster/sensor_name")  # fmt: skip


def run_failure_alert_line(
    *,
    at: datetime,
    job_name: str,
    run_id: str,
    tags: Mapping[str, str],
    failed_steps: Sequence[tuple[str, str]],
    run_message: str,
) -> str:
    """One line naming the job, run, dataset/year tags, the failed steps and the first error."""
    parts = [at.isoformat(timespec="seconds"), "RUN FAILED", f"job={job_name}", f"run={run_id}"]
    parts += [f"{key.split('/', 1)[-1]}={_clean(tags[key])}" for key in _TAGS_IN_ALERT if tags.get(key)]
    if failed_steps:
        parts.append("failed_steps=" + ",".join(step for step, _ in failed_steps))
        step, message = failed_steps[0]
        parts.append(f'error="{step}: {_clean(message)}"')
    else:
        parts.append(f'error="{_clean(run_message)}"')
    return " ".join(parts)


def refused_file_alert_line(
    *, at: datetime, job_name: str, run_id: str, tags: Mapping[str, str], asset: str, refusal: Mapping[str, str]
) -> str:
    """One line per refused file: the run, the asset, the file, where it was quarantined and why."""
    parts = [at.isoformat(timespec="seconds"), "FILE REFUSED", f"job={job_name}", f"run={run_id}"]
    parts += [f"{key.split('/', 1)[-1]}={_clean(tags[key])}" for key in _TAGS_IN_ALERT if tags.get(key)]
    parts += [f"asset={asset}", f"file={refusal['file']}", f"quarantined={refusal['quarantined']}"]
    parts.append(f'reason="{_clean(refusal["reason"])}"')
    return " ".join(parts)


def append_alert(alerts_dir: Path, line: str) -> Path:
    alerts_dir = Path(alerts_dir)
    alerts_dir.mkdir(parents=True, exist_ok=True)
    path = alerts_dir / ALERTS_FILE_NAME
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line.rstrip("\n") + "\n")
    return path


def _clean(text: str) -> str:
    first_line = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    return first_line.replace('"', "'")[:300]
