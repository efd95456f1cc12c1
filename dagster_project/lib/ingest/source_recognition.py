"""Recognise one downloaded file: which source it is, its academic year and release, from its name, its header
and DfE's metadata files beside it.

Real downloads are named by the service they came from, not by this project: `england_ks4final.csv` (the
national zip), `815_ks4provisional.csv` (one LA), `2018-2019/815_ks2.csv` (no release in the name), an EES
`202425_performance_tables_schools_final_v1.0.1.csv`, GIAS `edubasealldata20250422.csv`. Each fact is taken from
the strongest evidence available and that evidence is kept, so the onboarding table can say how it knew:

    source   the name; else the header (RECTYPE + ATT8SCR is KS4, URN + NOR is the census, ...). When both speak
             they must agree: a file named ks2 with KS4 columns is refused.
    year     the folder ('2018-19', or DfE's own '2018-2019'); else the name ('2018-2019_...', EES '202425_...',
             or a bare exam year: '815_2019_ks4final.csv' is 2018-19, the year whose summer exams are 2019); else
             the prior-year columns of a KS2/KS4 header (newest suffix _18 means 2018-19). Disagreement refuses.
    release  the name; else a DfE metadata file beside it (`ks4provisional_meta.xlsx`, `2018_2019_ks4_final_meta.csv`);
             else the layout (DfE published the 25-column KS4 headline layout only as provisional); else an EES
             file's `version` column. Census, absence and school information have one release a year ('final').

A file that cannot be pinned down raises RecognitionError with the reason and what would fix it; nothing is
guessed. With `strict=False` (files already in the sources layout) the name and the folder win and the file's
contents are left to its parser, so a file whose columns contradict its name or folder is archived and quarantined
with the parser's reason rather than passed over.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dagster_project.lib.ingest.errors import SourceLayoutError

DATA_VERSIONS = ("provisional", "revised", "final")
# Census, absence, KS4 destinations and school information come once a year; 'final' keeps one version vocabulary.
CENSUS_DATA_VERSION = "final"
LA_CODES_DATA_VERSION = "current"

# Sources the warehouse reads (the manifest's source names), with words for people.
SOURCE_NAMES: dict[str, str] = {
    "ks2": "KS2 performance tables",
    "ks4": "KS4 performance tables",
    "census": "School census",
    "absence": "Pupil absence",
    "ks4_destinations": "KS4 destination measures",
    "suspensions": "Suspensions and permanent exclusions",
    "ks5": "16 to 18 results (KS5), schools and colleges",
    "ks5_national": "16 to 18 results (KS5), England and LAs",
    "school_information": "School information (performance tables spine)",
    "gias_establishments": "GIAS establishments",
    "gias_links": "GIAS links",
    "ofsted_inspections": "Ofsted inspections (management information)",
    "statistical_neighbours": "Statistical neighbours",
    "la_codes": "LA and region codes",
}
YEARLY_SOURCES = (
    "ks2",
    "ks4",
    "census",
    "absence",
    "ks4_destinations",
    "suspensions",
    "ks5",
    "ks5_national",
    "school_information",
)
# EES time series: one file holds several years, and its name gives their span, not its year.
_TIME_SERIES = ("suspensions", "ks5", "ks5_national")
# Recognised, but not read by the warehouse.
METADATA = "metadata"
NOT_USED = "not_used"

_ACADEMIC_YEAR = re.compile(r"^(\d{4})-(\d{2}|\d{4})$")
_YEAR_PAIR = re.compile(r"(?<!\d)(20\d{2})[-_](20\d{2}|\d{2})(?!\d)")
_EES_YEAR = re.compile(r"^(20\d{2})(\d{2})_")
_EXAM_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}

# Name patterns, matched on the lower-cased file name. A prefix may hold 'england', an LA code and/or a year.
_PREFIX = r"^(?:(?P<prefix>[a-z0-9 _.-]*?)[ _-])?"
_CSCP = re.compile(_PREFIX + r"(?P<stage>ks[24])[ _-]?(?P<version>final|revised|provisional)?\.csv$")
_CENSUS = re.compile(_PREFIX + r"census\.csv$")
_ABSENCE = re.compile(_PREFIX + r"(?:abs|absence)\.csv$")
# EES pupil-absence school file: '1a_absence_3term_school.csv', DfE's sap-public 'manual_1a_Absence_3term_school.csv'.
_EES_ABSENCE = re.compile(r"absence_3term[a-z0-9_ .-]*\.csv$")
# EES school-level suspensions and permanent exclusions, under the sensor's name or a catalogue download's.
_SUSPENSIONS = re.compile(r"(?:suspension|exclusion|exc)[a-z0-9_ .-]*school[a-z0-9_ .-]*\.csv$")
# EES 16 to 18 results: DfE's 'institution_performance_202225_API' (schools and colleges) and
# 'national_performance_202225_API' (England and LAs), or the release sensor's 'national_performance_v1.0'.
_KS5 = re.compile(r"(?P<file>institution|national)_performance(?:_\d{6}[a-z0-9_ .-]*|_v[\d.]+)\.csv$")
_KS4_DESTINATIONS = re.compile(_PREFIX + r"ks4[ _-]?pupdest\.csv$")
_SCHOOL_INFORMATION = re.compile(_PREFIX + r"(?:spine|school_information)\.csv$")
_EES = {
    "ks2": re.compile(
        r"^ks2_school_attainment_data(?:_(?P<version>final|revised|provisional))?(?:_v\d+(?:\.\d+)*)?\.csv$"
    ),
    "ks4": re.compile(
        r"^\d{6}_performance_tables_schools_(?P<version>final|revised|provisional)(?:_v\d+(?:\.\d+)*)?\.csv$"
    ),
}
_GIAS = re.compile(r"^(?P<links>links_)?edubase[a-z]*?(?P<date>\d{8})\.csv$")
_OFSTED = re.compile(r"(all|latest)_inspections.*_as_at_(\d{1,2})_([a-z]+)_(\d{4})\.csv$")
_SN = re.compile(r"^sn_([a-z]+)_(\d{4})\.(xlsx|csv)$")
_LA_CODES = re.compile(r"^la_code_list\.(xlsx|csv)$")
_METADATA = re.compile(r"(?:_meta(?:_methodology)?|^abbreviations(?:_[a-z0-9-]+)?|data-guidance)\.(?:csv|xlsx|txt)$")
_META_RELEASE = re.compile(r"(?P<stage>ks[24])[ _-]?(?P<version>final|revised|provisional)[ _-]?meta")
# DfE files the warehouse does not read, with what they are.
_NOT_USED = (
    (re.compile(r"ks[245][ _-]?mats[ _-]?performance"), "multi-academy trust performance (not read)"),
    (
        re.compile(r"(?:^|[ _-])ks5"),
        "16 to 18 (KS5) performance tables, download-service layout (not read; the EES files are)",
    ),
    (re.compile(r"underlying|vaqual|vasubj|maths[ _-]science"), "performance-tables supporting data (not read)"),
    (
        re.compile(r"information_about_schools|school_information_data"),
        "EES school-information file (not read: the performance-tables file carries the cohort counts)",
    ),
    (re.compile(r"la_nat_|_local_authority_|_national_"), "EES LA/national file (not read: combine it first)"),
    (
        re.compile(r"absence_3term_nat_reg_la"),
        "EES absence for England, regions and LAs (not read: the warehouse recomputes them exactly from the school "
        "file's session and enrolment counts)",
    ),
)


class RecognitionError(ValueError):
    """The file cannot be placed: what it is, or its year, release or date, is not known. The message says why;
    `kind` is the source it was recognised as, when that much is known."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Recognised:
    path: Path
    kind: str  # a source name (SOURCE_NAMES), METADATA or NOT_USED
    academic_year: str | None
    data_version: str | None
    evidence: tuple[str, ...]  # how each fact was found, in words
    what: str  # the file in words, e.g. 'KS4 performance tables'

    @property
    def is_source(self) -> bool:
        return self.kind in SOURCE_NAMES


# ---------------------------------------------------------------- names


def validate_academic_year(text: str) -> str:
    """'2023-24' (or DfE's folder spelling '2023-2024') -> '2023-24'; the second year must follow the first."""
    match = _ACADEMIC_YEAR.match(text.strip())
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if (len(match.group(2)) == 2 and (first + 1) % 100 == second) or second == first + 1:
            return f"{first}-{(first + 1) % 100:02d}"
    raise SourceLayoutError(f"{text!r} is not an academic year like '2023-24' or '2023-2024'")


def data_version_rank(version: str | None) -> int:
    """Order of a performance-table version within a year (provisional < revised < final)."""
    return DATA_VERSIONS.index(version) if version in DATA_VERSIONS else -1


def gias_extract_date(file_name: str) -> str:
    """'edubasealldata20240906.csv' -> '2024-09-06'."""
    match = _GIAS.match(file_name.lower())
    if not match:
        raise SourceLayoutError(f"{file_name!r} is not a GIAS edubasealldataYYYYMMDD.csv file name")
    try:
        return datetime.strptime(match.group("date"), "%Y%m%d").date().isoformat()
    except ValueError as error:
        raise SourceLayoutError(f"{file_name!r} has an impossible extract date: {error}") from error


def ofsted_as_at_version(file_name: str) -> str:
    """'..._all_inspections_as_at_31_Aug_2024.csv' -> 'as_at 2024-08-31';
    '..._latest_inspections_as_at_28_Feb_2026.csv' -> 'latest as_at 2026-02-28' (its own slice)."""
    match = _OFSTED.search(file_name.lower())
    month = _MONTHS.get(match.group(3)[:3]) if match else None
    if not match or month is None:
        raise SourceLayoutError(f"{file_name!r} does not end with _as_at_DD_Mon_YYYY.csv")
    try:
        as_at = date(int(match.group(4)), month, int(match.group(2)))
    except ValueError as error:
        raise SourceLayoutError(f"{file_name!r} has an impossible as-at date: {error}") from error
    prefix = "latest " if match.group(1) == "latest" else ""
    return f"{prefix}as_at {as_at.isoformat()}"


def sn_release_version(file_name: str) -> str:
    """'sn_may_2025.xlsx' -> '2025-05' (the statistical-neighbour model release)."""
    match = _SN.match(file_name.lower())
    month = _MONTHS.get(match.group(1)[:3]) if match else None
    if not match or month is None:
        raise SourceLayoutError(f"{file_name!r} is not a statistical-neighbour file named sn_<month>_<YYYY>")
    return f"{match.group(2)}-{month:02d}"


def year_from_name(file_name: str) -> tuple[str, str] | None:
    """(academic year, how) from a name: '2018-2019_936_ks4final.csv', '202425_...', '815_2019_ks4final.csv'."""
    name = file_name.lower()
    if ees := _EES_YEAR.match(name):
        first, second = int(ees.group(1)), int(ees.group(2))
        if (first + 1) % 100 == second:
            return f"{first}-{second:02d}", f"year {first}-{second:02d} from the name"
    pairs = [m for m in _YEAR_PAIR.finditer(name)]
    for pair in pairs:
        try:
            return validate_academic_year(f"{pair.group(1)}-{pair.group(2)}"), "year from the name"
        except SourceLayoutError:
            continue
    singles = _EXAM_YEAR.findall(name)
    if len(singles) == 1:
        exam = int(singles[0])
        return f"{exam - 1}-{exam % 100:02d}", f"exam year {exam} in the name, so {exam - 1}-{exam % 100:02d}"
    return None


# ---------------------------------------------------------------- headers


def read_header(path: Path, *, max_bytes: int = 1 << 20) -> list[str]:
    """The first line of a CSV as cells (BOM removed; Windows-1252 tolerated); [] for anything unreadable."""
    if Path(path).suffix.lower() != ".csv":
        return []
    try:
        with Path(path).open("rb") as handle:
            first = handle.readline(max_bytes)
    except OSError:
        return []
    if b"\x00" in first:
        return []
    text = first.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    try:
        return [cell.strip() for cell in next(csv.reader(io.StringIO(text)), [])]
    except csv.Error:
        return []


def _keys(header: Sequence[str]) -> set[str]:
    return {" ".join(h.split()).casefold() for h in header}


def kind_from_header(header: Sequence[str]) -> str | None:
    """The source (or METADATA / NOT_USED) a header belongs to; None when it matches nothing known."""
    keys = _keys(header)
    if {"time_period", "geographic_level"} <= keys:
        if "expected_standard_pupil_percent" in keys:
            return "ks2"
        if "attainment8_average" in keys:
            return "ks4"
        if "sess_overall_percent" in keys:
            return "absence"
        if {"susp_rate", "perm_excl"} <= keys and "school_urn" in keys:
            return "suspensions"
        if {"exam_cohort", "disadvantage_status", "aps_per_entry"} <= keys:
            return "ks5" if "school_urn" in keys else "ks5_national"
        return NOT_USED
    if "rectype" in keys:
        if {"cohort", "overall_dest"} <= keys:
            return "ks4_destinations"
        if keys & {"tpup", "att8scr"}:
            return "ks4"
        if keys & {"telig", "ptrwm_exp"}:
            return "ks2"
        return NOT_USED  # e.g. KS5 or MAT performance
    if {"urn", "linkurn", "linktype"} <= keys:
        return "gias_links"
    if {"urn", "establishmentname"} <= keys and any(k.startswith("establishmentstatus") for k in keys):
        return "gias_establishments"
    if {"urn", "laestab", "schname", "iclose"} <= keys and keys & {"opendate", "minorgroup"}:
        return "school_information"
    if {"urn", "la", "estab", "nor"} <= keys:
        return "census"
    if {"urn", "la", "estab", "perctot"} <= keys:
        return "absence"
    if {"la number", "la name", "region"} <= keys:
        return "la_codes"
    if "urn" in keys and keys & {"overall effectiveness", "latest oeif overall effectiveness", "inspection start date"}:
        return "ofsted_inspections"
    if keys & {"metafile heading", "field reference", "variable"} or {"lea", "la name", "region name"} <= keys:
        return METADATA
    return None


def year_from_prior_columns(header: Sequence[str]) -> str | None:
    """A KS2/KS4 header's own year from its prior-year columns: the newest suffix _18 means 2018-19."""
    from dagster_project.lib.sources._performance_tables import newest_prior_year_suffix

    newest = newest_prior_year_suffix(header)
    if newest is None:
        return None
    return f"20{newest:02d}-{(newest + 1) % 100:02d}"


# ---------------------------------------------------------------- recognition


def recognise(path: Path, *, folder_year: str | None = None, strict: bool = True) -> Recognised:
    """What `path` is, with its year and release; RecognitionError when that cannot be established."""
    path = Path(path)
    name = path.name.lower()
    if path.suffix.lower() in (".zip", ".xls"):
        raise RecognitionError(
            "a zip archive: unzip it first (the onboarding command does)"
            if path.suffix.lower() == ".zip"
            else "a legacy Excel .xls workbook: save it as CSV"
        )
    header = read_header(path)
    by_header = kind_from_header(header) if header else None
    evidence: list[str] = []

    if match := _GIAS.match(name):
        kind = "gias_links" if match.group("links") else "gias_establishments"
        _agree(kind, by_header, strict)
        return Recognised(
            path, kind, None, gias_extract_date(path.name), ("extract date from the name",), SOURCE_NAMES[kind]
        )
    if _OFSTED.search(name):
        _agree("ofsted_inspections", by_header, strict)
        version = ofsted_as_at_version(path.name)
        return Recognised(
            path, "ofsted_inspections", None, version, ("as-at date from the name",), SOURCE_NAMES["ofsted_inspections"]
        )
    if _SN.match(name):
        return Recognised(
            path,
            "statistical_neighbours",
            None,
            sn_release_version(path.name),
            ("release from the name",),
            SOURCE_NAMES["statistical_neighbours"],
        )
    if _LA_CODES.match(name):
        return Recognised(
            path, "la_codes", None, LA_CODES_DATA_VERSION, ("recognised by its name",), SOURCE_NAMES["la_codes"]
        )
    if _METADATA.search(name) or by_header == METADATA:
        what = "DfE metadata (not data; may tell the release of the file beside it)"
        return Recognised(path, METADATA, None, None, ("DfE metadata",), what)
    for pattern, what in _NOT_USED:
        if pattern.search(name):
            return Recognised(path, NOT_USED, None, None, ("recognised by its name",), what)

    kind, name_version = _kind_from_name(name)
    if kind is None:
        if by_header is None:
            raise RecognitionError(
                "not a file this project recognises, by its name or its columns"
                + (f" (first columns: {', '.join(header[:6])})" if header else "")
            )
        if by_header == NOT_USED:
            return Recognised(
                path, NOT_USED, None, None, ("recognised by its columns",), "a DfE file this project does not read"
            )
        if by_header in ("gias_establishments", "gias_links"):
            raise RecognitionError(
                "a GIAS extract, but its name has no extract date: keep the name GIAS gives it "
                "(edubasealldataYYYYMMDD.csv, links_edubasealldataYYYYMMDD.csv) so the date of the data is known",
                kind=by_header,
            )
        if by_header == "ofsted_inspections":
            raise RecognitionError(
                "an Ofsted management-information file, but its name has no as-at date: keep the name Ofsted "
                "gives it (..._as_at_DD_Mon_YYYY.csv)",
                kind=by_header,
            )
        kind = by_header
        evidence.append("recognised by its columns")
    else:
        _agree(kind, by_header, strict)
        evidence.append("recognised by its name")

    year = _academic_year(path, kind, header, folder_year, evidence, strict) if kind in YEARLY_SOURCES else None
    version = _data_version(path, kind, header, year, name_version, evidence)
    return Recognised(path, kind, year, version, tuple(evidence), SOURCE_NAMES[kind])


def _kind_from_name(name: str) -> tuple[str | None, str | None]:
    for stage, pattern in _EES.items():
        if match := pattern.match(name):
            return stage, match.group("version")
    if match := _CSCP.match(name):
        return match.group("stage"), match.group("version")
    if _EES_ABSENCE.search(name):
        return "absence", None
    if _SUSPENSIONS.search(name):
        return "suspensions", None
    if match := _KS5.search(name):
        return ("ks5" if match.group("file") == "institution" else "ks5_national"), None
    for kind, pattern in (
        ("census", _CENSUS),
        ("absence", _ABSENCE),
        ("ks4_destinations", _KS4_DESTINATIONS),
        ("school_information", _SCHOOL_INFORMATION),
    ):
        if pattern.match(name):
            return kind, None
    return None, None


def _newest_time_period(path: Path) -> str | None:
    """The newest academic year among an EES file's rows ('202425' -> '2024-25'); None when unreadable."""
    try:
        with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            periods = {re.sub(r"\D", "", str(row.get("time_period") or "")) for row in csv.DictReader(handle)}
    except (OSError, csv.Error):
        return None
    period = max(periods, default="")
    if len(period) != 6:
        return None
    try:
        return validate_academic_year(f"{period[:4]}-{period[4:]}")
    except SourceLayoutError:
        return None


def _agree(kind: str, by_header: str | None, strict: bool) -> None:
    if strict and by_header is not None and by_header not in (kind, NOT_USED, METADATA):
        raise RecognitionError(
            f"named as {SOURCE_NAMES[kind]} but its columns are those of {SOURCE_NAMES.get(by_header, by_header)}"
        )


def _academic_year(
    path: Path, kind: str, header: list[str], folder_year: str | None, evidence: list[str], strict: bool
) -> str:
    found: list[tuple[str, str]] = []
    if folder_year:
        found.append((folder_year, f"year {folder_year} from the folder"))
        if not strict:
            evidence.append(found[0][1])
            return folder_year
    # A time series's name gives its span, not its year: without a folder it is the release of its newest year.
    if kind in _TIME_SERIES:
        if not found and (newest := _newest_time_period(path)):
            found.append((newest, f"year {newest} from its newest rows"))
    elif named := year_from_name(path.name):
        found.append(named)
    if kind in ("ks2", "ks4") and (from_columns := year_from_prior_columns(header)):
        found.append((from_columns, f"year {from_columns} from its prior-year columns"))
    years = {year for year, _ in found}
    if len(years) > 1:
        raise RecognitionError("the evidence for its academic year disagrees: " + "; ".join(how for _, how in found))
    if not found:
        raise RecognitionError(
            "its academic year is not in the folder, the name or the columns: put it in a folder named after the "
            "year (e.g. 2018-2019, as DfE's download names it)"
        )
    evidence.append(found[0][1])
    return found[0][0]


def _data_version(
    path: Path, kind: str, header: list[str], year: str | None, name_version: str | None, evidence: list[str]
) -> str | None:
    if kind in ("census", "absence", "ks4_destinations", "suspensions", "ks5", "ks5_national", "school_information"):
        return CENSUS_DATA_VERSION
    if kind not in ("ks2", "ks4"):
        return None
    if name_version:
        evidence.append(f"release '{name_version}' from the name")
        return name_version
    if meta := metadata_release(path.parent, kind):
        version, meta_name = meta
        evidence.append(f"release '{version}' from DfE's metadata file {meta_name}")
        return version
    if {"time_period", "geographic_level"} <= _keys(header):
        from dagster_project.lib.ingest.source_files import ees_file_version

        if version := ees_file_version(path):
            evidence.append(f"release '{version}' from its version column")
            return version
    from dagster_project.lib.sources.layouts import match_layout

    layout = match_layout(kind, header, year)
    if layout is not None and len(layout.data_versions) == 1:
        version = layout.data_versions[0]
        evidence.append(f"release '{version}': DfE published the {layout.description} only as {version}")
        return version
    raise RecognitionError(
        f"its release (provisional, revised or final) is not in the name and no DfE metadata file beside it says: "
        f"keep DfE's name (e.g. england_{kind}final.csv) or put the {kind}_meta file of the download beside it"
    )


def metadata_release(folder: Path, key_stage: str) -> tuple[str, str] | None:
    """The release a DfE metadata file in `folder` names for `key_stage` ('ks4provisional_meta.xlsx'), if just one."""
    if not folder.is_dir():
        return None
    releases = {}
    for sibling in sorted(folder.iterdir()):
        match = _META_RELEASE.search(sibling.name.lower())
        if match and match.group("stage") == key_stage:
            releases.setdefault(match.group("version"), sibling.name)
    if len(releases) == 1:
        return next(iter(releases.items()))
    return None
