"""Running the pipeline safely: alerts, dead runs, child-process environments, skip-when-unchanged, the
instance config's writer limit."""
