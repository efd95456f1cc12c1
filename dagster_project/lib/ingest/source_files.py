"""Find the source files in the sources folder and say, for every other file, why it is not read.

    gias/edubasealldataYYYYMMDD.csv, gias/links_edubasealldataYYYYMMDD.csv      data_version 'YYYY-MM-DD'
    ks2/<2023-24 or 2023-2024>/<any DfE KS2 name>.csv (ks4 likewise)            academic_year from the folder;
        england_ks2final.csv, 815_ks2revised.csv, 815_ks2.csv + ks2_meta ...    release from the name, DfE's
        ks2_school_attainment_data.csv, 202425_performance_tables_schools_*     metadata beside it or the layout
    census/<year>/england_census.csv, 815_census.csv                            data_version 'final'
    absence/<year>/england_abs.csv, 815_abs.csv                                 data_version 'final'
    ks4_destinations/<year>/england_ks4-pupdest.csv, 815_ks4-pupdest.csv       data_version 'final'
    suspensions/<year>/suspensions_school_level_v*.csv (EES, all years; the folder's is read)  'final'
    ks5/<year>/institution_performance_202225_API.csv, national_performance_* (EES, 3 years; the folder's)  'final'
    school_information/<year>/815_spine.csv, england_school_information.csv     data_version 'final'
    ofsted/..._all_inspections_as_at_DD_Mon_YYYY.csv                            data_version 'as_at YYYY-MM-DD'
    ofsted/..._latest_inspections_as_at_DD_Mon_YYYY.csv                         data_version 'latest as_at YYYY-MM-DD'
    statistical_neighbours/sn_<month>_<YYYY>.xlsx|.csv                          data_version 'YYYY-MM' (SN release)
    la_codes/la_code_list.csv|.xlsx                                             data_version 'current'

What each file is comes from source_recognition (name, header, DfE metadata). A file that is not what its folder
holds, a year folder that is not an academic year, a file whose release cannot be told: each is a SkippedFile with
the reason, affecting that file alone. DfE metadata beside the data is recognised and noted, not read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.lib.ingest.errors import SourceLayoutError
from dagster_project.lib.ingest.source_recognition import (
    CENSUS_DATA_VERSION,
    DATA_VERSIONS,
    LA_CODES_DATA_VERSION,
    METADATA,
    NOT_USED,
    SOURCE_NAMES,
    YEARLY_SOURCES,
    Recognised,
    RecognitionError,
    data_version_rank,
    gias_extract_date,
    ofsted_as_at_version,
    recognise,
    sn_release_version,
    validate_academic_year,
)

__all__ = [
    "CENSUS_DATA_VERSION",
    "DATA_VERSIONS",
    "LA_CODES_DATA_VERSION",
    "SOURCE_FOLDERS",
    "SkippedFile",
    "SourceFile",
    "SourceScan",
    "data_version_rank",
    "discover_source_files",
    "ees_file_version",
    "files_for",
    "gias_extract_date",
    "ofsted_as_at_version",
    "scan_sources",
    "sn_release_version",
    "validate_academic_year",
]

# Folder under the sources root -> the sources it holds.
SOURCE_FOLDERS: dict[str, tuple[str, ...]] = {
    "gias": ("gias_establishments", "gias_links"),
    "ks2": ("ks2",),
    "ks4": ("ks4",),
    "census": ("census",),
    "absence": ("absence",),
    "ks4_destinations": ("ks4_destinations",),
    "suspensions": ("suspensions",),
    "ks5": ("ks5", "ks5_national"),
    "school_information": ("school_information",),
    "ofsted": ("ofsted_inspections",),
    "statistical_neighbours": ("statistical_neighbours",),
    "la_codes": ("la_codes",),
}
# Files considered: what sources come as, and the archives and old workbooks they are sometimes mistaken for.
_DATA_SUFFIXES = (".csv", ".xlsx", ".xls", ".zip")


@dataclass(frozen=True)
class SourceFile:
    source: str  # 'ks2', 'ks4', 'gias_*', 'ofsted_inspections', 'census', 'absence', 'school_information', ...
    path: Path
    academic_year: str | None
    data_version: str | None
    evidence: tuple[str, ...] = field(default=(), compare=False)  # how the source, year and release were told

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class SkippedFile:
    """A file in the sources folder that is not read, and why. `source` is the source its folder holds."""

    path: Path
    reason: str
    source: str | None = None
    expected: bool = False  # True for DfE metadata and files the project knowingly does not read

    def message(self) -> str:
        return f"not read {self.path}: {self.reason}"


@dataclass(frozen=True)
class SourceScan:
    files: list[SourceFile]
    skipped: list[SkippedFile]

    def skipped_for(self, source: str) -> list[SkippedFile]:
        return [s for s in self.skipped if s.source == source]


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


def scan_sources(root: Path) -> SourceScan:
    """Every file under `root`: the source files recognised, and every other file with the reason it is not read."""
    root = Path(root)
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    if not root.is_dir():
        return SourceScan([], [])
    for entry in sorted(_visible(root)):
        if entry.is_dir() and entry.name in SOURCE_FOLDERS:
            _scan_folder(entry, SOURCE_FOLDERS[entry.name], files, skipped)
        elif entry.is_dir():
            for path in _data_files_below(entry):
                skipped.append(SkippedFile(path, f"'{entry.name}' is not a source folder ({_folders()})"))
        elif entry.suffix.lower() in _DATA_SUFFIXES:
            skipped.append(
                SkippedFile(
                    entry, f"not in a source folder ({_folders()}); `python -m dagster_project onboard` sorts it"
                )
            )
    return SourceScan(sorted(files, key=_load_order), skipped)


def discover_source_files(root: Path, log: Callable[[str], None] | None = None) -> list[SourceFile]:
    """Every recognised source file under `root`, sorted by source, year and version; the rest go to `log`."""
    scan = scan_sources(root)
    if log is not None:
        for skipped in scan.skipped:
            log(skipped.message())
    return scan.files


def files_for(source: str, files: Iterable[SourceFile]) -> list[SourceFile]:
    return sorted((f for f in files if f.source == source), key=_load_order)


def _scan_folder(folder: Path, sources: tuple[str, ...], files: list[SourceFile], skipped: list[SkippedFile]) -> None:
    """One source folder: its files, and (for yearly sources) its academic-year folders' files."""
    yearly = any(source in YEARLY_SOURCES for source in sources)
    owner = sources[0] if len(sources) == 1 else None
    for entry in sorted(_visible(folder)):
        if entry.is_dir():
            if not yearly:
                for path in _data_files_below(entry):
                    skipped.append(SkippedFile(path, f"{folder.name}/ has no sub-folders", owner))
                continue
            try:
                year = validate_academic_year(entry.name)
            except SourceLayoutError as error:
                for path in _data_files_below(entry):
                    skipped.append(SkippedFile(path, f"its folder name must be the academic year: {error}", owner))
                continue
            for path in _data_files_below(entry):
                if path.parent == entry:
                    _add(path, year, sources, files, skipped)
                else:
                    skipped.append(SkippedFile(path, "files in sub-folders of a year folder are not read", owner))
        elif entry.suffix.lower() in _DATA_SUFFIXES:
            _add(entry, None, sources, files, skipped)


def _add(
    path: Path, year: str | None, sources: tuple[str, ...], files: list[SourceFile], skipped: list[SkippedFile]
) -> None:
    owner = sources[0] if len(sources) == 1 else None
    try:
        found: Recognised = recognise(path, folder_year=year, strict=False)
    except (RecognitionError, SourceLayoutError) as error:
        skipped.append(SkippedFile(path, str(error), owner))
        return
    if found.kind in (METADATA, NOT_USED):
        skipped.append(SkippedFile(path, found.what, owner, expected=True))
    elif found.kind not in sources:
        skipped.append(SkippedFile(path, f"it is {SOURCE_NAMES[found.kind]}, not what this folder holds", owner))
    else:
        files.append(SourceFile(found.kind, path, found.academic_year, found.data_version, found.evidence))


def _visible(folder: Path) -> list[Path]:
    """Entries not hidden: '.generated.json', '.downloads/' (download staging) and the like are the project's own."""
    return [p for p in folder.iterdir() if not p.name.startswith(".")]


def _data_files_below(folder: Path, depth: int = 3) -> list[Path]:
    found: list[Path] = []
    for entry in sorted(_visible(folder)):
        if entry.is_file() and entry.suffix.lower() in _DATA_SUFFIXES:
            found.append(entry)
        elif entry.is_dir() and depth > 1:
            found.extend(_data_files_below(entry, depth - 1))
    return found


def _folders() -> str:
    return ", ".join(f"{name}/" for name in SOURCE_FOLDERS)


def _load_order(f: SourceFile) -> tuple[str, str, int, str, str]:
    return (f.source, f.academic_year or "", data_version_rank(f.data_version), f.data_version or "", f.name)
