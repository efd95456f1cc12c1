"""Jobs an analyst launches from the UI (and `make run` executes)."""

import dagster as dg

refresh_all_job = dg.define_asset_job(
    name="refresh_all",
    selection=dg.AssetSelection.all(),
    description="Ingest every source, build every dbt model and test, and publish the reports.",
)
