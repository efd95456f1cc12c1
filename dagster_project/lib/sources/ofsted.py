"""Ofsted state-funded schools inspections management information (MI), in every layout and regime.

Layouts (detected from the header row; anything else is refused naming the file and its columns):
  all_inspections      one row per inspection ("all inspections" / "year to date" files): graded OEIF
                       judgements, 'Not judged' overall effectiveness from 2 September 2024, and from
                       10 November 2025 the report-card columns (Safeguarding standards, Inclusion, ...).
  latest_inspections   one row per school (Feb 2026 layout, FORMATS.md 4c/4e): a report-card block, a
                       'Latest OEIF ...' block (note 'Latest OEIF  safeguarding is effective?' with two spaces)
                       and an ungraded-inspection block; each populated block becomes one inspection row.
  latest_inspections_eif  the pre-2025 latest-inspections layout (FORMATS.md 4a): latest full inspection
                       with 'Overall effectiveness', plus the latest section 8 inspection.

Three regimes, from the inspection start date (FORMATS.md 4d): 'graded' (overall effectiveness 1-4, to
1 September 2024), 'ungraded_sub_judgements' (2 September 2024 - 9 November 2025: 'Not judged' overall,
sub-judgements still 1-4) and 'report_card' (from 10 November 2025: five-point area grades, safeguarding
standards Met / Not met). A graded overall effectiveness dated after 1 September 2024, or report-card grades
before 10 November 2025, is an error: the file and its dates disagree.

Windows-1252 (an en dash in 'Schools – Section 8 conversion'), dates DD/MM/YYYY, literal NULL for missing.
Rows keep the URN the school had at the inspection ('URN at time of ...' in the latest files) and the
current URN in `current_urn`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dagster_project.lib.ingest.dfe_csv import DfeCsv, SourceColumn, header_key, read_dfe_csv, read_records
from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.ingest.special_values import OFSTED_NULL_LITERAL
from dagster_project.lib.sources import _fields as f
from dagster_project.lib.sources._fields import SourceSpec

SOURCE = "ofsted_inspections"
TABLE = "raw_ofsted_inspections"
OFSTED_DATE_FORMAT = "%d/%m/%Y"
NULL_TOKENS = ("", OFSTED_NULL_LITERAL)
NOT_JUDGED = "Not judged"
# Grades stored as integers; 'Not judged' is a deliberate absence of a grade, not an error.
GRADE_NULL_TOKENS = (*NULL_TOKENS, NOT_JUDGED)
GRADES = {str(grade): grade for grade in (1, 2, 3, 4)}
# Early years / sixth form sub-judgements: 9 = not applicable, 0 also appears in the real file (FORMATS 4e).
PROVISION_NULL_TOKENS = (*NULL_TOKENS, "Not judged", "0", "9")
# SM special measures, SWK serious weaknesses (OEIF); RSI requires significant improvement (report cards).
CATEGORIES_OF_CONCERN = {"SM": "SM", "SWK": "SWK", "RSI": "RSI"}
SAFEGUARDING = {"Yes": "Yes", "No": "No"}
SAFEGUARDING_STANDARDS = {"Met": "Met", "Not met": "Not met"}
REPORT_CARD_SCALE = {
    value: value
    for value in ("Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement")
}
REPORT_CARD_NULL_TOKENS = (*NULL_TOKENS, "Not applicable")
UNGRADED_OUTCOMES = {
    value: value
    for value in (
        "School remains Outstanding",
        "School remains Outstanding (Concerns) - S5 Next",
        "School remains Good",
        "School remains Good (Improving) - S5 Next",
        "School remains Good (Concerns) - S5 Next",
        "Standards maintained",
        "Improved significantly",
        "Some aspects not as strong",
        "Standards not maintained",
    )
}

# Regime boundaries (first day of each), FORMATS.md 4b-4d: DfE Education Hub 2024-09-02; report cards 2025-11-10.
UNGRADED_REGIME_FROM = date(2024, 9, 2)
REPORT_CARD_REGIME_FROM = date(2025, 11, 10)
REGIMES = ("graded", "ungraded_sub_judgements", "report_card")

OEIF_GRADE_COLUMNS = (
    "overall_effectiveness",
    "quality_of_education",
    "behaviour_and_attitudes",
    "personal_development",
    "leadership_and_management",
)
PROVISION_COLUMNS = ("early_years_provision", "sixth_form_provision")
REPORT_CARD_COLUMNS = (
    "inclusion",
    "curriculum_and_teaching",
    "achievement",
    "attendance_and_behaviour",
    "personal_development_and_wellbeing",
    "early_years",
    "post_16_provision",
    "leadership_and_governance",
)

SCHEMA: tuple[tuple[str, str], ...] = (
    ("urn", "INTEGER"),
    ("laestab", "INTEGER"),
    ("school_name", "VARCHAR"),
    ("ofsted_phase", "VARCHAR"),
    ("type_of_education", "VARCHAR"),
    ("inspection_number", "VARCHAR"),
    ("inspection_type", "VARCHAR"),
    ("inspection_start_date", "DATE"),
    ("inspection_end_date", "DATE"),
    ("publication_date", "DATE"),
    ("overall_effectiveness", "INTEGER"),
    ("category_of_concern", "VARCHAR"),
    ("quality_of_education", "INTEGER"),
    ("behaviour_and_attitudes", "INTEGER"),
    ("personal_development", "INTEGER"),
    ("leadership_and_management", "INTEGER"),
    ("safeguarding_effective", "VARCHAR"),
    ("early_years_provision", "INTEGER"),
    ("sixth_form_provision", "INTEGER"),
    ("overall_effectiveness_status", "VARCHAR"),  # 'graded' | 'Not judged' | NULL (ungraded visit)
    ("ungraded_outcome", "VARCHAR"),
    ("safeguarding_standards", "VARCHAR"),
    *((name, "VARCHAR") for name in REPORT_CARD_COLUMNS),
    ("inspection_regime", "VARCHAR"),
    ("inspection_block", "VARCHAR"),  # 'inspection' | 'report_card' | 'oeif' | 'ungraded' | 'section_8'
    ("current_urn", "INTEGER"),
    ("source_layout", "VARCHAR"),
) + f.PROVENANCE_SCHEMA


@dataclass(frozen=True)
class Block:
    """One inspection described by a group of columns: canonical name -> accepted headers."""

    name: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    name: str
    signature: tuple[str, ...]  # headers that identify the layout (all present)
    excludes: tuple[str, ...]  # headers that must be absent
    blocks: tuple[Block, ...]


COMMON = {
    "urn": ("URN",),
    "laestab": ("LAESTAB",),
    "school_name": ("School name",),
    "ofsted_phase": ("Ofsted phase",),
    "type_of_education": ("Type of education",),
}
_GRADED_JUDGEMENT_HEADERS = {  # the graded (to August 2024) judgement columns, same in both file layouts
    "overall_effectiveness": ("Overall effectiveness",),
    "category_of_concern": ("Category of concern",),
    "quality_of_education": ("Quality of education",),
    "behaviour_and_attitudes": ("Behaviour and attitudes",),
    "personal_development": ("Personal development",),
    "leadership_and_management": ("Effectiveness of leadership and management",),
    "safeguarding_effective": ("Safeguarding is effective?",),
    "early_years_provision": ("Early years provision (where applicable)",),
    "sixth_form_provision": ("Sixth form provision (where applicable)",),
}
_REPORT_CARD_HEADERS = {
    "safeguarding_standards": ("Safeguarding standards",),
    "inclusion": ("Inclusion",),
    "curriculum_and_teaching": ("Curriculum and teaching",),
    "achievement": ("Achievement",),
    "attendance_and_behaviour": ("Attendance and behaviour",),
    "personal_development_and_wellbeing": ("Personal development and wellbeing",),
    "early_years": ("Early years (where applicable)", "Early years"),
    "post_16_provision": ("Post-16 provision (where applicable)", "Post-16 provision"),
    "leadership_and_governance": ("Leadership and governance",),
}

ALL_INSPECTIONS = Layout(
    name="all_inspections",
    signature=("Inspection number", "Inspection start date", "Overall effectiveness"),
    excludes=("Latest OEIF overall effectiveness",),
    blocks=(
        Block(
            "inspection",
            {
                "inspection_number": ("Inspection number",),
                "inspection_type": ("Inspection type",),
                "inspection_start_date": ("Inspection start date",),
                "inspection_end_date": ("Inspection end date",),
                "publication_date": ("Publication date",),
                **_GRADED_JUDGEMENT_HEADERS,
                "ungraded_outcome": ("Ungraded inspection overall outcome",),
                **_REPORT_CARD_HEADERS,
            },
            required=(
                "inspection_number",
                "inspection_type",
                "inspection_start_date",
                "publication_date",
                "overall_effectiveness",
                "category_of_concern",
            ),
        ),
    ),
)

LATEST_INSPECTIONS = Layout(
    name="latest_inspections",
    signature=("Latest OEIF overall effectiveness", "Inspection number of latest OEIF graded inspection"),
    excludes=(),
    blocks=(
        Block(
            "report_card",
            {
                "inspection_number": ("Inspection number of latest full inspection",),
                "inspection_type": ("Inspection type",),
                "inspection_start_date": ("Inspection start date",),
                "publication_date": ("Publication date",),
                "inspected_urn": ("URN at time of latest full inspection",),
                "category_of_concern": ("Category of concern",),
                **_REPORT_CARD_HEADERS,
            },
            required=("inspection_number", "inspection_start_date", "safeguarding_standards"),
        ),
        Block(
            "oeif",
            {
                "inspection_number": ("Inspection number of latest OEIF graded inspection",),
                "inspection_type": ("Inspection type of latest OEIF graded inspection",),
                "inspection_start_date": ("Inspection start date of latest OEIF graded inspection",),
                "publication_date": ("Publication date of latest OEIF graded inspection",),
                "inspected_urn": ("URN at time of latest OEIF graded inspection",),
                "category_of_concern": ("Latest OEIF category of concern",),
                "overall_effectiveness": ("Latest OEIF overall effectiveness",),
                "quality_of_education": ("Latest OEIF quality of education",),
                "behaviour_and_attitudes": ("Latest OEIF behaviour and attitudes",),
                "personal_development": ("Latest OEIF personal development",),
                "leadership_and_management": ("Latest OEIF effectiveness of leadership and management",),
                "safeguarding_effective": ("Latest OEIF safeguarding is effective?",),  # two spaces in the file
                "early_years_provision": ("Latest OEIF early years provision (where applicable)",),
                "sixth_form_provision": ("Latest OEIF sixth form provision (where applicable)",),
            },
            required=("inspection_number", "inspection_start_date", "overall_effectiveness"),
        ),
        Block(
            "ungraded",
            {
                "inspection_number": ("Latest ungraded inspection number",),
                "inspection_start_date": ("Date of latest ungraded inspection",),
                "publication_date": ("Ungraded inspection publication date",),
                "inspected_urn": ("URN at time of the ungraded inspection",),
                "ungraded_outcome": ("Ungraded inspection overall outcome",),
            },
            required=("inspection_start_date", "ungraded_outcome"),
        ),
    ),
)

LATEST_INSPECTIONS_EIF = Layout(
    name="latest_inspections_eif",
    signature=("Inspection number of latest full inspection", "Overall effectiveness"),
    excludes=("Latest OEIF overall effectiveness",),
    blocks=(
        Block(
            "inspection",
            {
                "inspection_number": ("Inspection number of latest full inspection",),
                "inspection_type": ("Inspection type",),
                "inspection_start_date": ("Inspection start date",),
                "inspection_end_date": ("Inspection end date",),
                "publication_date": ("Publication date",),
                "inspected_urn": ("URN at time of latest full inspection",),
                **_GRADED_JUDGEMENT_HEADERS,
            },
            required=("inspection_number", "inspection_start_date", "overall_effectiveness"),
        ),
        Block(
            "section_8",
            {
                "inspection_start_date": ("Date of latest section 8 inspection",),
                "publication_date": ("Section 8 inspection publication date",),
                "ungraded_outcome": ("Section 8 inspection overall outcome",),
            },
            required=("inspection_start_date",),
        ),
    ),
)

# Order matters: the first layout whose signature matches wins.
LAYOUTS: tuple[Layout, ...] = (LATEST_INSPECTIONS, LATEST_INSPECTIONS_EIF, ALL_INSPECTIONS)


def detect_layout(header: list[str], file_name: str) -> Layout:
    """The layout whose signature headers the file has, or an error naming the file and its columns."""
    keys = {header_key(h) for h in header}
    for layout in LAYOUTS:
        if all(header_key(h) in keys for h in layout.signature) and not any(
            header_key(h) in keys for h in layout.excludes
        ):
            return layout
    wanted = "; ".join(f"{layout.name}: {', '.join(repr(h) for h in layout.signature)}" for layout in LAYOUTS)
    shown = ", ".join(header[:30]) + (f", ... ({len(header) - 30} more)" if len(header) > 30 else "")
    raise SourceFormatError(
        f"unknown Ofsted MI layout: the header matches none of the known layouts ({wanted}). "
        f"Columns found ({len(header)}): {shown}",
        file=file_name,
    )


def regime_for(start: pd.Series) -> pd.Series:
    """'graded' | 'ungraded_sub_judgements' | 'report_card' from the inspection start date."""
    day = pd.to_datetime(start)
    regime = pd.Series("graded", index=start.index, dtype="object")
    regime[day >= pd.Timestamp(UNGRADED_REGIME_FROM)] = "ungraded_sub_judgements"
    regime[day >= pd.Timestamp(REPORT_CARD_REGIME_FROM)] = "report_card"
    return regime.where(day.notna(), None).astype("str")


def _source_columns(layout: Layout) -> tuple[SourceColumn, ...]:
    columns = [SourceColumn(name, headers) for name, headers in COMMON.items()]
    for block in layout.blocks:
        for name, headers in block.columns.items():
            columns.append(SourceColumn(f"{block.name}__{name}", headers, required=name in block.required))
    return tuple(columns)


def parse(path: Path, *, academic_year: str | None = None, data_version: str | None = None) -> pd.DataFrame:
    """An Ofsted MI file (any known layout) as raw_ofsted_inspections rows, one per inspection."""
    path = Path(path)
    records, _, _ = read_records(path)
    header = next(iter(records), None)
    if header is None:
        raise SourceFormatError("file is empty (no header row)", file=path.name)
    layout = detect_layout([h.removeprefix("\ufeff") for h in header], path.name)
    table = read_dfe_csv(path, _source_columns(layout))
    frames = [_block_frame(table, layout, block) for block in layout.blocks]
    frame = pd.concat([b for b in frames if len(b)], ignore_index=True) if any(len(b) for b in frames) else frames[0]
    frame = frame.sort_values(["source_row_number", "_block_order"], kind="stable").reset_index(drop=True)
    _check_unique_inspections(frame, table)
    rows = len(frame)
    frame["academic_year"] = pd.Series([academic_year] * rows, dtype="str")
    frame["data_version"] = pd.Series([data_version] * rows, dtype="str")
    frame["source_file"] = pd.Series([table.file_name] * rows, dtype="str")
    frame["source_sha256"] = pd.Series([table.sha256] * rows, dtype="str")
    frame["source_row_number"] = frame["source_row_number"].astype("Int32")
    return frame[[name for name, _ in SCHEMA]]


def _block_frame(table: DfeCsv, layout: Layout, block: Block) -> pd.DataFrame:
    prefix = f"{block.name}__"
    names = {name: f"{prefix}{name}" for name in block.columns}
    start = f.date(table, names["inspection_start_date"], date_format=OFSTED_DATE_FORMAT, null_tokens=NULL_TOKENS)
    present = start.notna()
    if block.name == "inspection":
        # every row of a per-inspection file is an inspection: a missing start date is an error
        raw = table.frame[names["inspection_start_date"]]
        missing = ~present
        if missing.any():
            first = int(missing.to_numpy().nonzero()[0][0])
            raise SourceFormatError(
                "every inspection needs a start date (DD/MM/YYYY)",
                file=table.file_name,
                row=first + 1,
                column=table.header_for(names["inspection_start_date"]),
                value=str(raw.iloc[first]),
            )

    def text(name: str, null_tokens=NULL_TOKENS) -> pd.Series:
        return f.text(table, names[name], null_tokens=null_tokens) if name in names else _nulls(table, "str")

    def coded(name: str, allowed, null_tokens=NULL_TOKENS, expected: str | None = None) -> pd.Series:
        if name not in names:
            return _nulls(table, "object")
        return f.choice(table, names[name], allowed=allowed, null_tokens=null_tokens, expected=expected)

    current_urn = f.integer(table, "urn", null_tokens=NULL_TOKENS).astype("Int32")
    inspected = (
        f.integer(table, names["inspected_urn"], null_tokens=NULL_TOKENS).astype("Int32")
        if "inspected_urn" in names
        else _nulls(table, "Int32")
    )
    columns: dict[str, pd.Series] = {
        "urn": inspected.fillna(current_urn).astype("Int32"),
        "laestab": f.integer(table, "laestab", null_tokens=NULL_TOKENS).astype("Int32"),
        "school_name": f.text(table, "school_name", null_tokens=NULL_TOKENS),
        "ofsted_phase": f.text(table, "ofsted_phase", null_tokens=NULL_TOKENS),
        "type_of_education": f.text(table, "type_of_education", null_tokens=NULL_TOKENS),
        "inspection_number": text("inspection_number"),
        "inspection_type": text("inspection_type"),
        "inspection_start_date": start,
        "inspection_end_date": (
            f.date(table, names["inspection_end_date"], date_format=OFSTED_DATE_FORMAT, null_tokens=NULL_TOKENS)
            if "inspection_end_date" in names
            else _nulls(table, "datetime64[s]")
        ),
        "publication_date": (
            f.date(table, names["publication_date"], date_format=OFSTED_DATE_FORMAT, null_tokens=NULL_TOKENS)
            if "publication_date" in names
            else _nulls(table, "datetime64[s]")
        ),
    }
    for name in OEIF_GRADE_COLUMNS:
        columns[name] = coded(name, GRADES, GRADE_NULL_TOKENS, "a grade 1-4, 'Not judged', NULL or blank").astype(
            "Int32"
        )
    for name in PROVISION_COLUMNS:
        columns[name] = coded(name, GRADES, PROVISION_NULL_TOKENS, "a grade 1-4, 0, 9, NULL or blank").astype("Int32")
    columns["category_of_concern"] = coded("category_of_concern", CATEGORIES_OF_CONCERN).astype("str")
    columns["safeguarding_effective"] = coded("safeguarding_effective", SAFEGUARDING).astype("str")
    columns["ungraded_outcome"] = coded(
        "ungraded_outcome", UNGRADED_OUTCOMES, expected="a published ungraded-inspection outcome"
    ).astype("str")
    columns["safeguarding_standards"] = coded("safeguarding_standards", SAFEGUARDING_STANDARDS).astype("str")
    for name in REPORT_CARD_COLUMNS:
        columns[name] = coded(
            name, REPORT_CARD_SCALE, REPORT_CARD_NULL_TOKENS, "a report-card grade (Exceptional ... Urgent improvement)"
        ).astype("str")
    if "overall_effectiveness" in names:
        raw_overall = table.frame[names["overall_effectiveness"]].str.strip()
        status = pd.Series(None, index=table.frame.index, dtype="object")
        status[columns["overall_effectiveness"].notna()] = "graded"
        status[raw_overall.str.casefold() == NOT_JUDGED.casefold()] = NOT_JUDGED
        columns["overall_effectiveness_status"] = status.astype("str")
    else:
        columns["overall_effectiveness_status"] = _nulls(table, "str")
    regime = regime_for(start)
    columns["inspection_regime"] = regime
    _check_regime(table, names, columns, regime)
    columns["inspection_block"] = pd.Series(block.name, index=table.frame.index, dtype="str")
    columns["current_urn"] = current_urn
    columns["source_layout"] = pd.Series(layout.name, index=table.frame.index, dtype="str")
    frame = pd.DataFrame(columns)
    frame["source_row_number"] = pd.Series(range(1, len(frame) + 1), index=frame.index)
    frame["_block_order"] = layout.blocks.index(block)
    return frame[present].reset_index(drop=True)


def _check_regime(table: DfeCsv, names: dict[str, str], columns: dict[str, pd.Series], regime: pd.Series) -> None:
    """A judgement that its own inspection date says could not exist means the file is not what it claims."""
    graded_late = columns["overall_effectiveness"].notna() & (regime != "graded")
    card_early = columns["inclusion"].notna() & (regime != "report_card")
    for bad, column, why in (
        (graded_late, "overall_effectiveness", "a graded overall effectiveness after 1 September 2024"),
        (card_early, "inclusion", "report-card grades for an inspection before 10 November 2025"),
    ):
        if bad.fillna(False).any():
            first = int(bad.fillna(False).to_numpy().nonzero()[0][0])
            start = columns["inspection_start_date"].iloc[first]
            raise SourceFormatError(
                f"{why} (inspection start date {start:%d/%m/%Y}): the grade and the date cannot both be right",
                file=table.file_name,
                row=first + 1,
                column=table.header_for(names[column]),
                value=str(table.frame[names[column]].iloc[first]),
            )


def _check_unique_inspections(frame: pd.DataFrame, table: DfeCsv) -> None:
    numbered = frame[frame["inspection_number"].notna()]
    duplicated = numbered["inspection_number"].duplicated(keep="first")
    if duplicated.any():
        row = numbered[duplicated].iloc[0]
        first = numbered[numbered["inspection_number"] == row["inspection_number"]].iloc[0]
        raise SourceFormatError(
            f"inspection number appears twice (data rows {int(first['source_row_number'])} and "
            f"{int(row['source_row_number'])})",
            file=table.file_name,
            row=int(row["source_row_number"]),
            column="Inspection number",
            value=str(row["inspection_number"]),
        )


def _nulls(table: DfeCsv, dtype: str) -> pd.Series:
    return pd.Series(pd.NA if dtype != "datetime64[s]" else pd.NaT, index=table.frame.index, dtype=dtype)


SPEC = SourceSpec(name=SOURCE, table=TABLE, schema=SCHEMA, parse=parse)
