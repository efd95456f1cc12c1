"""The dbt project as Dagster sees it. The manifest is prepared by `make manifest` and test fixtures."""

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from dagster_project.settings import DBT_DIR

DBT_PROJECT_DIR = DBT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_cli_resource() -> DbtCliResource:
    # The dbt installed beside this interpreter, so `.venv/bin/python -m ...` works without an activated venv.
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(Path(sys.executable).with_name("dbt")),
    )
