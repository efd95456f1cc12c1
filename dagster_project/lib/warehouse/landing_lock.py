"""One process at a time in the DuckDB file the raw files land in.

DuckDB lets one process write a file and refuses every other process meanwhile, readers included. On the DuckDB
warehouse the writer pool (limit 1) already keeps warehouse steps apart. On PostgreSQL the pool allows several steps
at once (SI_WAREHOUSE_WRITERS), but the ingest steps and the raw-table checks still share the DuckDB landing file, so
they take turns through this lock: an OS lock on a file beside it (filelock's fcntl lock), which the kernel releases
when its process ends, so a killed step never leaves the next one waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

WAIT_SECONDS = 30 * 60  # a whole national ingest step takes well under this


@contextmanager
def landing_lock(duckdb_path: Path | str, log: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    lock = FileLock(f"{duckdb_path}.landing.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"waiting for another step to finish with the landing file {duckdb_path}")
        started = time.monotonic()
        try:
            lock.acquire(timeout=WAIT_SECONDS)
        except Timeout:
            raise TimeoutError(
                f"another step has held the landing file {duckdb_path} for over {WAIT_SECONDS // 60} minutes"
            ) from None
        log(f"landing file free after {time.monotonic() - started:.0f}s")
    try:
        yield
    finally:
        lock.release()
