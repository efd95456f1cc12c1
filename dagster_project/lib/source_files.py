"""Find the source files in the agreed sources-folder layout and read their year and version from the names.

    gias/edubasealldataYYYYMMDD.csv, gias/links_edubasealldataYYYYMMDD.csv      data_version 'YYYY-MM-DD'
    ks2/<YYYY-YY>/england_ks2<final|revised|provisional>.csv (ks4 likewise)      academic_year from the folder
    ks2/<YYYY-YY>/ks2_school_attainment_data[_<version>][_vN.N].csv             EES tidy (2024-25 on); release
    ks4/<YYYY-YY>/YYYYYY_performance_tables_schools_<version>[_vN.N].csv         from the name or `version` column
    census/<YYYY-YY>/england_census.csv                                          data_version 'final'
    ofsted/..._all_inspections_as_at_DD_Mon_YYYY.csv                        data_version 'as_at YYYY-MM-DD'
    ofsted/..._latest_inspections_as_at_DD_Mon_YYYY.csv                     data_version 'latest as_at YYYY-MM-DD'
    absence/<YYYY-YY>/england_abs.csv                                         data_version 'final'
    statistical_neighbours/sn_<month>_<YYYY>.xlsx|.csv                        data_version 'YYYY-MM' (SN release)
    la_codes/la_code_list.csv|.xlsx                                           data_version 'current'

A malformed academic-year folder is an error (it would otherwise mislabel a whole year of data); CSV files
that match no pattern are reported through `log` rather than ignored silently.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dagster_project.lib.errors import SourceLayoutError

DATA_VERSIONS = ("provisional", "revised", "final")
# Census figures are published once per year; 'final' keeps one version vocabulary across sources.
CENSUS_DATA_VERSION = "final"

_ACADEMIC_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_KEY_STAGE_FILE = re.compile(r"^england_(ks[24])(final|revised|provisional)\.csv$", re.IGNORECASE)
# Tidy EES school-level files (2024-25 onwards), named as DfE publishes them, with sap-public's optional
# `_v<version>` suffix. KS2's name carries no release (the `version` column does); KS4's does.
_EES_FILES = {
    "ks2": re.compile(
        r"^ks2_school_attainment_data(?:_(final|revised|provisional))?(?:_v\d+(?:\.\d+)*)?\.csv$", re.IGNORECASE
    ),
    "ks4": re.compile(
        r"^\d{6}_performance_tables_schools_(final|revised|provisional)(?:_v\d+(?:\.\d+)*)?\.csv$", re.IGNORECASE
    ),
}
_CENSUS_FILE = re.compile(r"^england_census\.csv$", re.IGNORECASE)
_GIAS_FILE = re.compile(r"^(links_)?edubasealldata(\d{8})\.csv$", re.IGNORECASE)
_OFSTED_FILE = re.compile(r"(all|latest)_inspections.*_as_at_(\d{1,2})_([A-Za-z]+)_(\d{4})\.csv$", re.IGNORECASE)
_ABSENCE_FILE = re.compile(r"^england_abs\.csv$", re.IGNORECASE)
_SN_FILE = re.compile(r"^sn_([a-z]+)_(\d{4})\.(xlsx|csv)$", re.IGNORECASE)
_LA_CODES_FILE = re.compile(r"^la_code_list\.(xlsx|csv)$", re.IGNORECASE)
LA_CODES_DATA_VERSION = "current"
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


@dataclass(frozen=True)
class SourceFile:
    source: (
        str  # 'ks2', 'ks4', 'gias_*', 'ofsted_inspections', 'census', 'absence', 'statistical_neighbours', 'la_codes'
    )
    path: Path
    academic_year: str | None
    data_version: str | None

    @property
    def name(self) -> str:
        return self.path.name


def validate_academic_year(text: str) -> str:
    """'2023-24' is valid; the second part must be the year after the first."""
    match = _ACADEMIC_YEAR.match(text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise SourceLayoutError(f"{text!r} is not an academic year like '2023-24'")
    return text


def data_version_rank(version: str | None) -> int:
    """Order of a performance-table version within a year (provisional < revised < final)."""
    return DATA_VERSIONS.index(version) if version in DATA_VERSIONS else -1


def ees_file_version(path: Path) -> str | None:
    """The release named in an EES file's `version` column (first data row), for file names without one.

    None when it cannot be read: the parser then refuses the file with the reason.
    """
    with Path(path).open("rb") as handle:
        head = [handle.readline(1 << 16) for _ in range(2)]
    text = b"".join(head).removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return None
    if len(rows) < 2:
        return None
    header = [cell.strip().casefold() for cell in rows[0]]
    if "version" not in header or len(rows[1]) <= header.index("version"):
        return None
    version = rows[1][header.index("version")].strip().casefold()
    return version if version in DATA_VERSIONS else None


def gias_extract_date(file_name: str) -> str:
    """'edubasealldata20240906.csv' -> '2024-09-06'."""
    match = _GIAS_FILE.match(file_name)
    if not match:
        raise SourceLayoutError(f"{file_name!r} is not a GIAS edubasealldataYYYYMMDD.csv file name")
    try:
        return datetime.strptime(match.group(2), "%Y%m%d").date().isoformat()
    except ValueError as error:
        raise SourceLayoutError(f"{file_name!r} has an impossible extract date: {error}") from error


def ofsted_as_at_version(file_name: str) -> str:
    """'..._all_inspections_as_at_31_Aug_2024.csv' -> 'as_at 2024-08-31';
    '..._latest_inspections_as_at_28_Feb_2026.csv' -> 'latest as_at 2026-02-28' (its own slice)."""
    match = _OFSTED_FILE.search(file_name)
    month = _MONTHS.get(match.group(3)[:3].lower()) if match else None
    if not match or month is None:
        raise SourceLayoutError(f"{file_name!r} does not end with _as_at_DD_Mon_YYYY.csv")
    try:
        as_at = date(int(match.group(4)), month, int(match.group(2)))
    except ValueError as error:
        raise SourceLayoutError(f"{file_name!r} has an impossible as-at date: {error}") from error
    prefix = "latest " if match.group(1).lower() == "latest" else ""
    return f"{prefix}as_at {as_at.isoformat()}"


def sn_release_version(file_name: str) -> str:
    """'sn_may_2025.xlsx' -> '2025-05' (the statistical-neighbour model release)."""
    match = _SN_FILE.match(file_name)
    month = _MONTHS.get(match.group(1)[:3].lower()) if match else None
    if not match or month is None:
        raise SourceLayoutError(f"{file_name!r} is not a statistical-neighbour file named sn_<month>_<YYYY>")
    return f"{match.group(2)}-{month:02d}"


def discover_source_files(root: Path, log: Callable[[str], None] | None = None) -> list[SourceFile]:
    """Every recognised source file under `root`, sorted by source, year and version."""
    root = Path(root)
    warn = log or (lambda message: None)
    found: list[SourceFile] = []
    for key_stage in ("ks2", "ks4"):
        for year_dir, csv_file in _year_files(root / key_stage):
            match = _KEY_STAGE_FILE.match(csv_file.name)
            ees = _EES_FILES[key_stage].match(csv_file.name)
            if match and match.group(1).lower() == key_stage:
                found.append(SourceFile(key_stage, csv_file, year_dir, match.group(2).lower()))
            elif ees:
                version = ees.group(1).lower() if ees.group(1) else ees_file_version(csv_file)
                found.append(SourceFile(key_stage, csv_file, year_dir, version))
            else:
                warn(
                    f"ignored {csv_file}: not an england_{key_stage}<final|revised|provisional>.csv file "
                    "or an EES school-level file"
                )
    for year_dir, csv_file in _year_files(root / "census"):
        if _CENSUS_FILE.match(csv_file.name):
            found.append(SourceFile("census", csv_file, year_dir, CENSUS_DATA_VERSION))
        else:
            warn(f"ignored {csv_file}: not an england_census.csv file")
    for csv_file in _csv_files(root / "gias"):
        match = _GIAS_FILE.match(csv_file.name)
        if match:
            source = "gias_links" if match.group(1) else "gias_establishments"
            found.append(SourceFile(source, csv_file, None, gias_extract_date(csv_file.name)))
        else:
            warn(f"ignored {csv_file}: not a GIAS [links_]edubasealldataYYYYMMDD.csv file")
    for csv_file in _csv_files(root / "ofsted"):
        if _OFSTED_FILE.search(csv_file.name):
            found.append(SourceFile("ofsted_inspections", csv_file, None, ofsted_as_at_version(csv_file.name)))
        else:
            warn(f"ignored {csv_file}: not an Ofsted '..._(all|latest)_inspections_as_at_DD_Mon_YYYY.csv' file")
    for year_dir, csv_file in _year_files(root / "absence"):
        if _ABSENCE_FILE.match(csv_file.name):
            found.append(SourceFile("absence", csv_file, year_dir, CENSUS_DATA_VERSION))
        else:
            warn(f"ignored {csv_file}: not an england_abs.csv file")
    for sheet in _files(root / "statistical_neighbours", (".csv", ".xlsx")):
        if _SN_FILE.match(sheet.name):
            found.append(SourceFile("statistical_neighbours", sheet, None, sn_release_version(sheet.name)))
        else:
            warn(f"ignored {sheet}: not a statistical-neighbour sn_<month>_<YYYY>.xlsx|.csv file")
    for sheet in _files(root / "la_codes", (".csv", ".xlsx")):
        if _LA_CODES_FILE.match(sheet.name):
            found.append(SourceFile("la_codes", sheet, None, LA_CODES_DATA_VERSION))
        else:
            warn(f"ignored {sheet}: not an la_code_list.csv|.xlsx file")
    return sorted(found, key=_load_order)


def files_for(source: str, files: Iterable[SourceFile]) -> list[SourceFile]:
    return sorted((f for f in files if f.source == source), key=_load_order)


def _load_order(f: SourceFile) -> tuple[str, str, int, str, str]:
    return (f.source, f.academic_year or "", data_version_rank(f.data_version), f.data_version or "", f.name)


def _csv_files(folder: Path) -> list[Path]:
    return _files(folder, (".csv",))


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes)


def _year_files(folder: Path) -> list[tuple[str, Path]]:
    if not folder.is_dir():
        return []
    pairs: list[tuple[str, Path]] = []
    for year_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        try:
            academic_year = validate_academic_year(year_dir.name)
        except SourceLayoutError as error:
            raise SourceLayoutError(f"{year_dir}: folder name must be the academic year. {error}") from None
        pairs.extend((academic_year, csv_file) for csv_file in _csv_files(year_dir))
    return pairs
