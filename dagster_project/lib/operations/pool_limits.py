"""Pools in Dagster's storage kept at the instance's default limit (SI_WAREHOUSE_WRITERS, written by `make`).

Dagster moves a pool created from the default to a new default itself, with an insert that conflicts and then an
update. On PostgreSQL storage the conflict aborts the transaction, so the update fails, and so does the step that
was claiming a slot (dagster 1.13: `initialize_concurrency_limit_to_default`). So before a run, a pool whose limit
came from another default is dropped while no run holds a slot in it, and Dagster creates it again from the new
default at the next claim: an insert with nothing to conflict with.
"""

from __future__ import annotations

import dagster as dg


def reset_pools_from_another_default(instance: dg.DagsterInstance) -> list[str]:
    """Drop each idle pool whose limit came from a default other than the instance's; their names."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    default = instance.global_op_concurrency_default_limit
    reset = []
    for pool in storage.get_pool_limits():
        stale = pool.from_default and pool.limit != default
        if stale and not storage.get_concurrency_info(pool.name).claimed_slots:
            storage.delete_concurrency_limit(pool.name)
            reset.append(pool.name)
    return reset
