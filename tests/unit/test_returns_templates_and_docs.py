"""Templates (xlsx with drop-down lists, csv), the committed GX suites and docs/returns.md all follow the spec."""

from __future__ import annotations

import csv
import re
from datetime import datetime

from openpyxl import load_workbook

from dagster_project.lib.quality.expectations import suite_path
from dagster_project.lib.returns.docs import returns_markdown
from dagster_project.lib.returns.ingest import validate_return_file
from dagster_project.lib.returns.reading import identify
from dagster_project.lib.returns.spec import CODE, RETURNS
from dagster_project.lib.returns.suites import suite_json
from dagster_project.returns import DOCS_PATH, main
from tests.unit.returns_fixtures import OPEN_URN, REFERENCE, TODAY


def test_templates_have_a_drop_down_list_for_every_coded_column_and_a_csv_twin(tmp_path):
    assert main(["templates", "--out", str(tmp_path)]) == 0
    for spec in RETURNS.values():
        workbook = load_workbook(tmp_path / f"{spec.name}_template.xlsx")
        sheet = workbook[spec.name[:31]]
        assert [c.value for c in sheet[1]] == spec.column_names
        lists = {
            re.match(r"[A-Z]+", str(v.sqref)).group(): v
            for v in sheet.data_validations.dataValidation
            if v.type == "list"
        }
        for index, column in enumerate(spec.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            if column.kind == CODE:
                validation = lists[letter]
                listed = [workbook["lists"].cell(row=r, column=index).value for r in range(1, len(column.codes) + 1)]
                assert listed == list(column.codes)
                assert f"lists!${letter}$1" in validation.formula1
            else:
                assert letter not in lists
        with (tmp_path / f"{spec.name}_template.csv").open(encoding="utf-8-sig") as handle:
            assert next(csv.reader(handle)) == spec.column_names


def test_a_filled_in_xlsx_template_is_read_and_accepted(tmp_path):
    main(["templates", "--out", str(tmp_path)])
    workbook = load_workbook(tmp_path / "category_overrides_template.xlsx")
    sheet = workbook["category_overrides"]
    for index, value in enumerate(
        [OPEN_URN, "GOOD_OF_CONCERN", "Interim leadership.", "Helen Ashworth", datetime(2026, 1, 20)], start=1
    ):
        sheet.cell(row=2, column=index, value=value)
    path = tmp_path / "category_overrides_2026-02-26.xlsx"
    workbook.save(path)
    frame, errors = validate_return_file(identify(path), RETURNS["category_overrides"], REFERENCE, today=TODAY)
    assert errors == []
    assert frame.loc[2, "decided_on"] == "2026-01-20"


def test_committed_gx_suites_match_the_spec():
    for spec in RETURNS.values():
        assert suite_path(spec.suite_name).read_text(encoding="utf-8") == suite_json(spec), (
            f"{suite_path(spec.suite_name)} is stale: run `python -m dagster_project.returns suites`"
        )


def test_docs_document_every_column_of_every_return_and_match_the_spec():
    text = DOCS_PATH.read_text(encoding="utf-8")
    assert text == returns_markdown(), "docs/returns.md is stale: run `python -m dagster_project.returns docs`"
    for spec in RETURNS.values():
        assert f"## `{spec.name}`" in text
        for column in spec.columns:
            assert f"| `{column.name}` |" in text
