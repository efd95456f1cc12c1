"""`make run` executes its runs in its own process but records them against the jobs of the code location `make dev`
serves, so the UI lists them on the job's page and the timeline; and tags each with the process running it."""

import os

import dagster as dg
from dagster._core.storage.tags import REPOSITORY_LABEL_TAG

from dagster_project.full_run import execute_job
from dagster_project.lib.operations.dead_runs import PID_TAG

MAKE_DEV_LOCATION = "__repository__@dagster_project.definitions"  # `dagster dev -m dagster_project.definitions`
TERMS = dg.StaticPartitionsDefinition(["2025-26-autumn", "2025-26-spring"])


@dg.asset(partitions_def=TERMS)
def term_asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"pid": os.getpid(), "term": context.partition_key})


def test_a_run_is_recorded_in_the_make_dev_code_location_with_its_partition_and_process():
    definitions = dg.Definitions(
        assets=[term_asset], jobs=[dg.define_asset_job("termly_job", selection=[term_asset], partitions_def=TERMS)]
    )
    with dg.instance_for_test() as instance:
        result = execute_job(definitions, "termly_job", instance, partition_key="2025-26-spring")

        assert result.success
        (event,) = result.get_asset_materialization_events()
        assert event.partition == "2025-26-spring"
        assert event.materialization.metadata["pid"].value == os.getpid()  # in this process, as make run prints it
        run = instance.get_run_by_id(result.run_id)
        assert run.remote_job_origin.repository_origin.get_label() == MAKE_DEV_LOCATION
        assert run.remote_job_origin.job_name == "termly_job"
        assert run.tags[PID_TAG] == str(os.getpid())
        # the filter the UI's job page uses
        listed = instance.get_runs(
            filters=dg.RunsFilter(job_name="termly_job", tags={REPOSITORY_LABEL_TAG: MAKE_DEV_LOCATION})
        )
        assert [r.run_id for r in listed] == [result.run_id]
