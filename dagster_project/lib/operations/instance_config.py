"""DAGSTER_HOME's dagster.yaml: one of config/'s instance files with the warehouse writer pool's limit from
SI_WAREHOUSE_WRITERS (settings.warehouse_writers) and, when SI_COMPUTE_LOG_DIR is set, the folder every step's
stdout/stderr is kept in. Dagster reads `concurrency.pools.default_limit` as a plain number, never `{env: ...}`,
so `make run` and `make dev` write the values in:

    python -m dagster_project.lib.operations.instance_config config/dagster.yaml > "$DAGSTER_HOME/dagster.yaml"

A setting DuckDB cannot take stops here, with the reason, before anything starts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import yaml

from dagster_project.settings import warehouse_writers


def instance_config(template: Path, env: Mapping[str, str]) -> str:
    """The instance config `template` with the pool limit and compute-log folder the environment's settings give."""
    config = yaml.safe_load(template.read_text(encoding="utf-8"))
    config["concurrency"]["pools"]["default_limit"] = warehouse_writers(
        env.get("SI_WAREHOUSE"), env.get("SI_WAREHOUSE_WRITERS")
    )
    if folder := env.get("SI_COMPUTE_LOG_DIR", "").strip():
        config["compute_logs"] = compute_logs_in(folder)
    header = (
        f"# Written by `make` from config/{template.name} (edit that), the pool limit from SI_WAREHOUSE_WRITERS "
        "and the compute-log folder from SI_COMPUTE_LOG_DIR.\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False)


def compute_logs_in(folder: str) -> dict[str, object]:
    """Dagster's local compute-log manager in `folder`: on a shared instance, a folder every machine mounts (the
    webserver shows the logs of steps that ran on the daemon's or another analyst's machine). Object stores need
    their own manager (dagster-aws's S3ComputeLogManager and the like) in config/dagster_postgres.yaml."""
    path = Path(folder).expanduser()
    if not path.is_absolute():
        raise ValueError(f"SI_COMPUTE_LOG_DIR: expected an absolute path (the same on every machine), got {folder!r}")
    return {
        "module": "dagster._core.storage.local_compute_log_manager",
        "class": "LocalComputeLogManager",
        "config": {"base_dir": str(path)},
    }


def main(argv: list[str]) -> int:
    try:
        sys.stdout.write(instance_config(Path(argv[0]), os.environ))
    except ValueError as error:
        print(f"!! {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
