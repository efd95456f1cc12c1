"""What `make run` prints while it works: one line per finished step; every Dagster event goes to the run's log.

A Dagster logger (it replaces the default coloured console logger for the run) with two handlers: the log file gets
every record, the terminal one line when a step ends, e.g. ``ok  raw_ks4: 3 files loaded, 1 refused (1s)``.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from typing import TextIO

import dagster as dg

LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"
_STEP_ENDS = {"STEP_SUCCESS": "ok", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}


class StepProgress(logging.Handler):
    """Prints one line per finished step: its outcome, what it did and how long it took."""

    def __init__(self, terminal: TextIO) -> None:
        super().__init__(level=logging.DEBUG)
        self.terminal = terminal
        self._started: dict[str, float] = {}
        self._assets: dict[str, set[str]] = defaultdict(set)
        self._files: dict[str, str] = {}
        self._checked: dict[str, set[str]] = defaultdict(set)  # assets whose checks ran in the step
        self._passed_checks: dict[str, int] = defaultdict(int)
        self._failed_checks: dict[str, list[str]] = defaultdict(list)

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        if event is None or not event.step_key:
            return
        step, kind = event.step_key, event.event_type_value
        if kind == "STEP_START":
            self._started[step] = time.monotonic()
        elif kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            self._assets[step].add(materialization.asset_key.to_user_string())
            self._files.setdefault(step, _files_note(materialization.metadata))
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            self._checked[step].add(evaluation.asset_key.to_user_string())
            if evaluation.passed:
                self._passed_checks[step] += 1
            else:
                self._failed_checks[step].append(evaluation.check_name)
        elif kind in _STEP_ENDS:
            self._print(step, _STEP_ENDS[kind])

    def _print(self, step: str, outcome: str) -> None:
        label, notes = step, [self._files.get(step) or ""]
        if not self._assets[step] and self._checked[step]:  # a step of checks only, e.g. a GX suite
            label = ", ".join(sorted(self._checked[step])) + " checks"
        elif not notes[0] and len(self._assets[step]) > 1:
            notes[0] = f"{len(self._assets[step])} assets"
        if self._passed_checks[step]:
            notes.append(f"{self._passed_checks[step]} check(s) passed")
        if self._failed_checks[step]:
            notes.append("not passed: " + ", ".join(self._failed_checks[step]))
        started = self._started.get(step)
        took = f" ({time.monotonic() - started:.0f}s)" if started is not None else ""
        detail = "; ".join(n for n in notes if n)
        print(f"    {outcome:<8}{label}{': ' + detail if detail else ''}{took}", file=self.terminal, flush=True)


def _files_note(metadata: dict) -> str:
    """'4 files loaded, 1 refused' from a raw_* or returns asset's metadata ('' for other assets)."""
    counts = {
        label: metadata[key].value
        for key, label in (
            ("files_loaded", "loaded"),
            ("files_accepted", "accepted"),
            ("files_unchanged", "unchanged"),
            ("files_quarantined", "refused"),
            ("files_refused", "refused"),
        )
        if key in metadata and metadata[key].value
    }
    if not counts:
        return ""
    return "files " + ", ".join(f"{count} {label}" for label, count in counts.items())


def refresh_logger(log_file: TextIO, terminal: TextIO) -> dg.LoggerDefinition:
    """The logger for one `make run`: everything to `log_file`, a line per finished step to `terminal`."""

    @dg.logger(description="make run: every event to the run's log file, one line per finished step on screen")
    def _refresh_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger("make_run", level=logging.DEBUG)
        to_file = logging.StreamHandler(log_file)
        to_file.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(to_file)
        logger.addHandler(StepProgress(terminal))
        return logger

    return _refresh_logger
