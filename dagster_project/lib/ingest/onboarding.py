"""Onboard an LA's own downloads: recognise every file in a folder, check it, and place it in the sources layout.

    python -m dagster_project onboard ~/Downloads/north-yorkshire          (links into $SI_SOURCES_DIR)
    python -m dagster_project onboard ~/Downloads/north-yorkshire --copy   (copies instead)

Each file is recognised by its name, its header and DfE's metadata beside it (source_recognition), read with its
parser (the same one the pipeline uses, so a refusal here names the file, row, column and reason it would get
there), and linked or copied, under the name it came with, to `<sources>/<source>/<year>/`. One table then says
what was found, for which year, release and layout, what was refused and why, and which downloads each report
still lacks. Zip archives (DfE's downloads come zipped) are unpacked into the sources layout. Nothing is placed
over a different file already there.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.lib.ingest.errors import SourceLayoutError
from dagster_project.lib.ingest.source_recognition import (
    METADATA,
    NOT_USED,
    SOURCE_NAMES,
    YEARLY_SOURCES,
    Recognised,
    RecognitionError,
    recognise,
    validate_academic_year,
)

# Source -> folder under the sources root (the layout discovery reads).
SOURCE_FOLDER = {
    "ks2": "ks2",
    "ks4": "ks4",
    "census": "census",
    "absence": "absence",
    "ks4_destinations": "ks4_destinations",
    "suspensions": "suspensions",
    "ks5": "ks5",
    "ks5_national": "ks5",
    "school_information": "school_information",
    "gias_establishments": "gias",
    "gias_links": "gias",
    "ofsted_inspections": "ofsted",
    "statistical_neighbours": "statistical_neighbours",
    "la_codes": "la_codes",
}

_REGISTER = (("gias_establishments", "school_information"), "GIAS establishment extract or the school information file")

# What each report needs, in the words of the download pages: (report, [(any of these sources, what to download)]).
REPORT_NEEDS: tuple[tuple[str, tuple[tuple[tuple[str, ...], str], ...]], ...] = (
    (
        "committee report",
        (
            (("ks2", "ks4"), "KS2 or KS4 performance tables (Compare school performance: download data)"),
            (("ofsted_inspections",), "Ofsted state-funded schools inspections management information"),
            _REGISTER,
            (("la_codes",), "DfE LA code list (region of each LA)"),
            (("statistical_neighbours",), "DfE statistical neighbours"),
        ),
    ),
    ("inspection briefing", ((("ofsted_inspections",), "Ofsted management information"),)),
    (
        "narrowing the gap",
        (
            (("ks2", "ks4"), "KS2 or KS4 performance tables with disadvantaged breakdowns (final or revised)"),
            (("la_codes",), "DfE LA code list"),
        ),
    ),
    (
        "school booklets",
        (
            (("ks2", "ks4"), "KS2 or KS4 performance tables"),
            (("census",), "school census (performance tables)"),
            _REGISTER,
        ),
    ),
    (
        "support categories",
        (
            (("ofsted_inspections",), "Ofsted management information"),
            _REGISTER,
        ),
    ),
)


CELL_WIDTH = 75  # longer cells (file names, reasons) are cut in the table; reasons are printed in full below it


@dataclass
class OnboardedFile:
    """One file found in the folder and what became of it."""

    path: Path  # where it was found (inside a zip: the zip and member)
    shown_name: str
    recognised: Recognised | None = None
    kind_if_refused: str | None = None  # the source a file refused before placing was recognised as, if known
    layout: str = ""
    rows: int | None = None
    status: str = ""  # 'placed', 'already in place', 'refused', 'not read'
    reason: str = ""
    destination: Path | None = None

    @property
    def refused(self) -> bool:
        return self.status == "refused"


@dataclass
class Onboarding:
    sources_dir: Path
    files: list[OnboardedFile] = field(default_factory=list)

    @property
    def placed(self) -> list[OnboardedFile]:
        return [f for f in self.files if f.status in ("placed", "already in place", "would be placed")]

    @property
    def refused(self) -> list[OnboardedFile]:
        return [f for f in self.files if f.refused]

    def missing(self) -> list[tuple[str, str]]:
        """(report, what to download) for every need no placed file meets."""
        have = {f.recognised.kind for f in self.placed if f.recognised}
        have |= _already_in_sources(self.sources_dir)
        return [(report, what) for report, needs in REPORT_NEEDS for sources, what in needs if not have & set(sources)]

    def table(self) -> str:
        """The one table the command prints, then the refusals in full and what is missing for which report."""
        header = ("file", "what it is", "year", "release", "layout", "rows", "status")
        rows = [
            (
                f.shown_name,
                f.recognised.what if f.recognised else SOURCE_NAMES.get(f.kind_if_refused or "", "not recognised"),
                (f.recognised.academic_year or "") if f.recognised else "",
                (f.recognised.data_version or "") if f.recognised else "",
                f.layout,
                "" if f.rows is None else f"{f.rows:,}",
                f.status + (f" -> {f.destination.relative_to(self.sources_dir)}" if f.destination else ""),
            )
            for f in self.files
        ]
        lines = [*_aligned([header, *rows])]
        problems = [f for f in self.files if f.reason and f.status in ("refused", "not read")]
        if problems:
            lines += ["", "Refused or not read, and why:"]
            lines += [f"  {f.shown_name}: {f.reason}" for f in problems]
        missing = self.missing()
        lines += ["", "Missing for the reports:" if missing else "Every report has the sources it needs."]
        lines += [f"  {report}: {what}" for report, what in missing]
        return "\n".join(lines)


def onboard(
    inbox: Path, sources_dir: Path, *, copy: bool = False, check: bool = True, dry_run: bool = False
) -> Onboarding:
    """Recognise, check and place every file under `inbox` (zips unpacked) into `sources_dir`."""
    inbox, sources_dir = Path(inbox).resolve(), Path(sources_dir)
    result = Onboarding(sources_dir)
    with tempfile.TemporaryDirectory(prefix="onboard-") as scratch:
        for path, shown, folder_year in _files(inbox, Path(scratch)):
            entry = _onboard_one(path, shown, folder_year, sources_dir, copy=copy, check=check, dry_run=dry_run)
            result.files.append(entry)
        _place_metadata(result, sources_dir, dry_run=dry_run)
    return result


def _onboard_one(
    path: Path, shown: str, folder_year: str | None, sources_dir: Path, *, copy: bool, check: bool, dry_run: bool
) -> OnboardedFile:
    entry = OnboardedFile(path, shown)
    if path.suffix.lower() == ".zip":
        entry.status, entry.reason = "refused", "a zip archive that cannot be opened (damaged or not a zip)"
        return entry
    try:
        entry.recognised = recognise(path, folder_year=folder_year)
    except (RecognitionError, SourceLayoutError) as error:
        entry.status, entry.reason = "refused", str(error)
        entry.kind_if_refused = getattr(error, "kind", None)
        return entry
    found = entry.recognised
    if found.kind in (METADATA, NOT_USED):
        entry.status, entry.reason = "not read", found.what
        return entry
    entry.layout = _layout(found)
    if check:
        try:
            entry.rows = _check(found)
        except Exception as error:  # the parser's refusal, exactly as the pipeline would give it
            entry.status, entry.reason = "refused", str(error)
            return entry
    destination = _destination(found, sources_dir)
    entry.destination = destination
    if destination.exists() or destination.is_symlink():
        if _same_file(destination, path):
            entry.status = "already in place"
            return entry
        entry.status, entry.reason = "refused", f"a different file is already at {destination}; move it away first"
        entry.destination = None
        return entry
    entry.status = "placed" if not dry_run else "would be placed"
    if not dry_run:
        _put(path, destination, copy=copy or _is_scratch(path))
    return entry


def _check(found: Recognised) -> int:
    from dagster_project.lib.sources import SOURCES

    frame = SOURCES[found.kind].parse(found.path, academic_year=found.academic_year, data_version=found.data_version)
    return len(frame)


def _layout(found: Recognised) -> str:
    """The layout the file's parser will read it with, in words (KS2/KS4: which measures it publishes)."""
    from dagster_project.lib.ingest.source_recognition import read_header
    from dagster_project.lib.sources import layouts, ofsted

    header = read_header(found.path)
    if found.kind in ("ks2", "ks4"):
        if {"time_period", "geographic_level"} <= {h.casefold() for h in header}:
            return "EES tidy (2024-25 on)"
        layout = layouts.match_layout(found.kind, header, found.academic_year, found.data_version)
        if layout is None:
            return f"unknown ({len(header)} columns)"
        count = len(layout.not_published)
        absent = f", {count} measure{'s' if count > 1 else ''} not published" if count else ""
        return f"{layout.description}{absent}"
    if found.kind == "ofsted_inspections":
        try:
            return ofsted.detect_layout(header, found.path.name).name.replace("_", " ")
        except Exception:  # the check step reports the refusal
            return "unknown"
    return f"{len(header)} columns" if header else ""


def _destination(found: Recognised, sources_dir: Path) -> Path:
    folder = Path(sources_dir) / SOURCE_FOLDER[found.kind]
    if found.kind in YEARLY_SOURCES:
        folder = folder / str(found.academic_year)
    return folder / found.path.name


def _place_metadata(result: Onboarding, sources_dir: Path, *, dry_run: bool) -> None:
    """A DfE metadata file that told a file's release goes beside it, so the pipeline reads the same release."""
    by_name = {f.path.name: f for f in result.files if f.recognised and f.recognised.kind == METADATA}
    for entry in result.placed:
        for how in entry.recognised.evidence if entry.recognised else ():
            name = how.rsplit(" ", 1)[-1]
            if "metadata file" in how and name in by_name and entry.destination is not None:
                meta = by_name[name]
                target = entry.destination.parent / name
                if not (target.exists() or target.is_symlink()) and not dry_run:
                    _put(meta.path, target, copy=_is_scratch(meta.path))
                meta.status, meta.destination = "placed", target
                meta.reason = f"{meta.reason}; beside {entry.shown_name}"


def _files(inbox: Path, scratch: Path) -> Iterable[tuple[Path, str, str | None]]:
    """(path, name shown, academic year of the nearest year folder) for every file; zips unpacked into scratch."""
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() and not _hidden(p, inbox)):
        shown = str(path.relative_to(inbox))
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    target = scratch / path.stem
                    archive.extractall(target)
            except zipfile.BadZipFile:
                yield path, shown, None  # refused as an unreadable archive
                continue
            for member in sorted(p for p in target.rglob("*") if p.is_file()):
                yield member, f"{shown}:{member.relative_to(target)}", _year_of(member, target)
            continue
        yield path, shown, _year_of(path, inbox)


def _year_of(path: Path, root: Path) -> str | None:
    for folder in path.relative_to(root).parents:
        try:
            return validate_academic_year(folder.name)
        except SourceLayoutError:
            continue
    return None


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _is_scratch(path: Path) -> bool:
    return Path(tempfile.gettempdir()) in path.parents and any(p.name.startswith("onboard-") for p in path.parents)


def _put(path: Path, destination: Path, *, copy: bool) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if copy:
        shutil.copy2(path, destination)
    else:
        destination.symlink_to(path.resolve())


def _same_file(destination: Path, path: Path) -> bool:
    try:
        return destination.resolve() == path.resolve() or destination.read_bytes() == path.read_bytes()
    except OSError:
        return False


def _already_in_sources(sources_dir: Path) -> set[str]:
    from dagster_project.lib.ingest.source_files import scan_sources

    return {f.source for f in scan_sources(sources_dir).files}


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [min(max(len(str(row[i])) for row in rows), CELL_WIDTH) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        cells = [str(cell) if len(str(cell)) <= CELL_WIDTH else str(cell)[: CELL_WIDTH - 3] + "..." for cell in row]
        out.append("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip())
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    return out


__all__ = ["REPORT_NEEDS", "Onboarding", "OnboardedFile", "onboard"]
