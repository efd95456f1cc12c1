"""Write every source file in the contract's folder layout, and the .generated.json marker."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from . import absence, census, destinations, ees, gias, ks2, ks4, ks5, neighbours, ofsted, suspensions
from .outcomes import simulate
from .world import (
    ACADEMIC_YEARS,
    DEFAULT_SEED,
    EARLIER_GIAS_EXTRACT_DATE,
    EES_YEARS,
    GENERATOR_VERSION,
    GIAS_EXTRACT_DATE,
    build_world,
)
from .writers import write_csv, write_links_csv

MARKER = ".generated.json"
DATA_VERSIONS = {"2021-22": "final", "2022-23": "final", "2023-24": "revised", "2024-25": "revised"}
CP1252_YEARS = {("ks2", "2023-24")}  # DfE published this one in Windows-1252, the others UTF-8 with BOM


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _marker(seed: int, scale: str) -> dict[str, object]:
    return {"generator_version": GENERATOR_VERSION, "seed": seed, "scale": scale}


def up_to_date(out: Path, seed: int, scale: str) -> bool:
    """True when `out` already holds this generator version's files for (seed, scale), unchanged."""
    marker = out / MARKER
    if not marker.exists():
        return False
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    if any(recorded.get(k) != v for k, v in _marker(seed, scale).items()):
        return False
    files = recorded.get("files", {})
    return bool(files) and all(
        (out / name).exists() and _sha256(out / name) == meta["sha256"] for name, meta in files.items()
    )


def generate(
    out: Path, seed: int, scale: str, log: Callable[[str], None] = print, returns_dir: Path | None = None
) -> dict[str, int]:
    """Write all files under `out` and the LA's returns into `returns_dir` (default: `returns/` beside `out`);
    returns {relative path: data rows}."""
    world = build_world(seed, scale)
    results = simulate(world)
    extract = GIAS_EXTRACT_DATE.strftime("%Y%m%d")
    jobs: list[tuple[str, Callable[[Path], int]]] = [
        *(
            (
                f"gias/edubasealldata{day:%Y%m%d}.csv",
                lambda p, d=day: write_csv(
                    p, gias.HEADER, gias.establishments(world, d), encoding="cp1252", quoting=csv.QUOTE_ALL
                ),
            )
            for day in (EARLIER_GIAS_EXTRACT_DATE, GIAS_EXTRACT_DATE)
        ),
        (
            f"gias/links_edubasealldata{extract}.csv",
            lambda p: write_links_csv(p, gias.LINKS_HEADER, gias.links(world)),
        ),
        (
            f"ofsted/{ofsted.FILE_NAME}",
            lambda p: write_csv(p, ofsted.HEADER, ofsted.rows(world), encoding="cp1252"),
        ),
        *_national_jobs(world),
    ]
    for year in ACADEMIC_YEARS:
        version = DATA_VERSIONS[year]
        for stage, module in (("ks2", ks2), ("ks4", ks4)):
            encoding = "cp1252" if (stage, year) in CP1252_YEARS else "utf-8-sig"
            jobs.append(
                (
                    f"{stage}/{year}/england_{stage}{version}.csv",
                    lambda p, m=module, y=year, e=encoding: write_csv(
                        p, m.header(y), m.rows(world, results, y), encoding=e
                    ),
                )
            )
        jobs.append(
            (
                f"census/{year}/england_census.csv",
                lambda p, y=year: write_csv(p, census.HEADER, census.rows(world, y), encoding="utf-8-sig"),
            )
        )
    for year in destinations.years(results):
        jobs.append(
            (
                f"ks4_destinations/{year}/england_ks4-pupdest.csv",
                lambda p, y=year: write_csv(
                    p, destinations.header(y), destinations.rows(world, results, y), encoding="utf-8-sig"
                ),
            )
        )
    for year in EES_YEARS:  # 2024-25 onwards: KS2 and KS4 only in the tidy EES layout
        version = DATA_VERSIONS[year]
        for stage in ("ks2", "ks4"):
            jobs.append(
                (
                    f"{stage}/{year}/{ees.file_name(stage, year, version)}",
                    lambda p, s=stage, y=year, v=version: write_csv(
                        p, ees.header(s), ees.rows(s, world, results, y, v), encoding="utf-8"
                    ),
                )
            )
    written: dict[str, int] = {}
    files: dict[str, dict[str, object]] = {}
    for relative, job in jobs:
        path = out / relative
        count = job(path)
        written[relative] = count
        files[relative] = {"rows": count, "sha256": _sha256(path)}
        log(f"wrote {relative} ({count} rows)")
    from .returns import write_returns

    write_returns(world, returns_dir or Path(out).resolve().parent / "returns", log)
    marker = {**_marker(seed, scale), "files": files}
    (out / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return written


def _national_jobs(world) -> list[tuple[str, Callable[[Path], int]]]:
    """Ofsted after the graded era, absence, statistical neighbours and LA codes (issue 4 sources)."""
    from datetime import date

    jobs: list[tuple[str, Callable[[Path], int]]] = [
        (
            f"ofsted/{ofsted.YTD_2025_FILE_NAME}",
            lambda p: write_csv(
                p,
                ofsted.YTD_2025_HEADER,
                ofsted.ytd_rows(world, date(2024, 9, 1), date(2025, 8, 31), report_cards=False),
                encoding="cp1252",
            ),
        ),
        (
            f"ofsted/{ofsted.YTD_2026_FILE_NAME}",
            lambda p: write_csv(
                p,
                ofsted.YTD_2026_HEADER,
                ofsted.ytd_rows(world, date(2025, 9, 1), date(2026, 2, 28), report_cards=True),
                encoding="cp1252",
            ),
        ),
        (
            f"ofsted/{ofsted.LATEST_FILE_NAME}",
            lambda p: write_csv(p, ofsted.LATEST_HEADER, ofsted.latest_rows(world), encoding="cp1252"),
        ),
        ("statistical_neighbours/sn_may_2025.xlsx", lambda p: neighbours.write_sn_xlsx(p, world)),
        (
            "statistical_neighbours/sn_april_2021.csv",
            lambda p: write_csv(
                p,
                [*neighbours.JUNK_ROWS[0], ""],
                [[*neighbours.JUNK_ROWS[1], ""], [*neighbours.SN_HEADER, ""], *neighbours.sn_csv_rows(world)],
                encoding="utf-8",
            ),
        ),
        (
            "la_codes/la_code_list.csv",
            lambda p: write_csv(
                p, ["LA Number", "LA Name", "Region", "Type"], neighbours.la_code_rows(world), encoding="utf-8"
            ),
        ),
    ]
    for year in absence.YEARS:
        jobs.append(
            (
                f"absence/{year}/england_abs.csv",
                lambda p, y=year: write_csv(p, absence.header(y), absence.rows(world, y), encoding="utf-8-sig"),
            )
        )
    for year in absence.EES_YEARS:
        jobs.append(
            (
                f"absence/{year}/{absence.EES_FILE_NAME}",
                lambda p, y=year: write_csv(p, absence.EES_HEADER, absence.ees_school_rows(world, y), encoding="utf-8"),
            )
        )
        jobs.append(
            (
                f"absence/{year}/{absence.EES_AREA_FILE_NAME}",
                lambda p, y=year: write_csv(p, absence.EES_HEADER, absence.ees_area_rows(world, y), encoding="utf-8"),
            )
        )
    for year in suspensions.YEARS:
        jobs.append(
            (
                f"suspensions/{year}/{suspensions.FILE_NAME}",
                lambda p, y=year: write_csv(p, suspensions.HEADER, suspensions.rows(world, y), encoding="utf-8"),
            )
        )
    for year in ks5.YEARS:
        institution, national = ks5.file_names(year)
        jobs.append(
            (
                f"ks5/{year}/{institution}",
                lambda p, y=year: write_csv(
                    p, ks5.INSTITUTION_HEADER, ks5.institution_rows(world, y), encoding="utf-8"
                ),
            )
        )
        jobs.append(
            (
                f"ks5/{year}/{national}",
                lambda p, y=year: write_csv(p, ks5.NATIONAL_HEADER, ks5.national_rows(world, y), encoding="utf-8"),
            )
        )
    return jobs


def ensure_generated(
    out: Path,
    seed: int = DEFAULT_SEED,
    scale: str = "la",
    log: Callable[[str], None] = print,
    returns_dir: Path | None = None,
) -> bool:
    """Generate unless `out` already holds this generator's output for `seed` and `scale`; True if written."""
    if up_to_date(out, seed, scale):
        log(f"{out} already holds generator {GENERATOR_VERSION} output for seed {seed}, scale {scale}: skipped")
        return False
    generate(out, seed, scale, log, returns_dir)
    return True
