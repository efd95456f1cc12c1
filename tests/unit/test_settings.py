"""Settings read from the environment: the LA's choice of desk-top analysis for academies (SI7)."""

from __future__ import annotations

import json

import pytest

from dagster_project.lib.warehouse.academic_years import dbt_academic_years_env, dbt_vars
from dagster_project.resources import WarehouseResource
from dagster_project.settings import Settings


@pytest.mark.parametrize("value", ["profile", "booklet", "none", " Booklet "])
def test_academy_desktop_analysis_accepts_profile_booklet_or_none(value, tmp_path):
    settings = Settings.from_env({"SI_DATA_DIR": str(tmp_path), "SI_ACADEMY_DESKTOP_ANALYSIS": value})
    assert settings.academy_desktop_analysis == value.strip().lower()


@pytest.mark.parametrize("env", [{}, {"SI_ACADEMY_DESKTOP_ANALYSIS": ""}])
def test_academies_get_the_shorter_profile_when_the_setting_is_unset(env, tmp_path):
    settings = Settings.from_env({"SI_DATA_DIR": str(tmp_path), **env})
    assert settings.academy_desktop_analysis == "profile"


def test_a_bad_academy_desktop_analysis_names_the_setting_the_choices_and_the_value(tmp_path):
    with pytest.raises(ValueError) as error:
        Settings.from_env({"SI_DATA_DIR": str(tmp_path), "SI_ACADEMY_DESKTOP_ANALYSIS": "booklets"})
    message = str(error.value)
    assert "SI_ACADEMY_DESKTOP_ANALYSIS" in message and "'booklets'" in message
    assert all(choice in message for choice in ("profile", "booklet", "none"))


def test_the_setting_reaches_the_resource_and_dbt_as_the_academy_desktop_analysis_var(tmp_path):
    settings = Settings.from_env({"SI_DATA_DIR": str(tmp_path), "SI_ACADEMY_DESKTOP_ANALYSIS": "none"})
    warehouse = WarehouseResource.from_settings(settings)
    assert warehouse.academy_desktop_analysis == "none"
    variables = json.loads(dbt_vars(991, academy_desktop_analysis=warehouse.academy_desktop_analysis))
    assert variables == {"la_code": 991, "academy_desktop_analysis": "none"}
    assert "academy_desktop_analysis" not in json.loads(dbt_vars(991))  # dbt's own default applies
    # the years a build replaces travel in the environment, so every build of a deployment has the same vars
    assert dbt_academic_years_env(["2023-24", "2024-25"]) == {"SI_DBT_ACADEMIC_YEARS": "2023-24,2024-25"}
    assert dbt_academic_years_env(None) == {"SI_DBT_ACADEMIC_YEARS": "*"}
