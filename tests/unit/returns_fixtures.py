"""Small hand-made returns for the returns tests: a two-school LA register and a roster, no warehouse needed."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from dagster_project.lib.returns.ingest import ingest_return
from dagster_project.lib.returns.reading import discover_return_files
from dagster_project.lib.returns.references import ReferenceData, SchoolDates, roster
from dagster_project.lib.returns.spec import RETURNS

OPEN_URN = 991001
CLOSED_URN = 991002  # closed 31 August 2022
TODAY = date(2026, 6, 1)
REFERENCE = ReferenceData(
    la_code=991,
    schools={
        OPEN_URN: SchoolDates("Ashcombe Primary School", date(1970, 9, 1), None),
        CLOSED_URN: SchoolDates("Upwell Village Primary School", date(1967, 9, 1), date(2022, 8, 31)),
    },
    advisers=roster(["Priya Raman", "Helen Ashworth"]),
)


def write_return(folder: Path, name: str, rows: list[dict[str, object]], *, as_at: str = "2026-02-26") -> Path:
    """Write rows (missing columns blank) as ``<name>_<as_at>.csv`` with the return's header."""
    path = folder / f"{name}_{as_at}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=RETURNS[name].column_names, extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)
    return path


def override(**changes: object) -> dict[str, object]:
    row = {
        "urn": OPEN_URN,
        "support_category": "GOOD_OF_CONCERN",
        "rationale": "Headteacher and deputy both left at Easter.",
        "approved_by": "Helen Ashworth",
        "decided_on": "2026-01-20",
    }
    return {**row, **changes}


def register_row(**changes: object) -> dict[str, object]:
    row = {
        "urn": OPEN_URN,
        "date_added": "2025-10-09",
        "key_concerns": "Outcomes in reading below the LA average.",
        "support_offered": "Fortnightly adviser visits.",
        "progress_and_actions": "",
        "next_steps": "Monitoring meeting with governors.",
        "lead_professional": "Priya Raman",
        "last_reviewed_on": "2026-02-26",
        "next_review_due": "2026-03-26",
    }
    return {**row, **changes}


def visit(**changes: object) -> dict[str, object]:
    row = {
        "visit_date": "2026-02-10",
        "urn": OPEN_URN,
        "adviser": "Priya Raman",
        "visit_type": "core",
        "outcome_summary": "Reviewed the improvement plan.",
    }
    return {**row, **changes}


def traded(**changes: object) -> dict[str, object]:
    row = {
        "work_date": "2026-02-12",
        "urn": OPEN_URN,
        "adviser": "Priya Raman",
        "activity": "safeguarding_audit",
        "days": "1",
        "agreed_daily_rate": "",
    }
    return {**row, **changes}


def roster_row(**changes: object) -> dict[str, object]:
    row = {"adviser_name": "Priya Raman", "role": "link_adviser", "active_from": "2021-09-01", "active_to": ""}
    return {**row, **changes}


def ingest(conn, name: str, tmp_path: Path):
    """Ingest the return `name` from `<tmp_path>/returns` with the fixtures' reference data and date."""
    return ingest_return(
        conn,
        RETURNS[name],
        discover_return_files(tmp_path / "returns"),
        reference=lambda: REFERENCE,
        archive_dir=tmp_path / "archive",
        quarantine_dir=tmp_path / "quarantine",
        today=TODAY,
    )
