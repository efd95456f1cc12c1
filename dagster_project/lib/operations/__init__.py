"""Running the pipeline safely: alerts, dead runs, child-process environments, skip-when-unchanged."""
