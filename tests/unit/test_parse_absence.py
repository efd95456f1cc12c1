"""england_abs.csv: both persistent-absence definitions, national rows, special values, year agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.lib.errors import SourceFormatError
from dagster_project.lib.sources import absence


def _file(tmp_path: Path, header: str, rows: list[str]) -> Path:
    path = tmp_path / "england_abs.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


ROWS = ["991,2001,900001,4.3,11", "991,2002,900002,SUPP,SUPP", "NAT,PRI,,4,8.2", "NAT,SEC,,5.5,13.7"]


def test_ten_percent_file_with_national_rows(tmp_path: Path) -> None:
    frame = absence.parse(_file(tmp_path, "LA,ESTAB,URN,PERCTOT,PPERSABS10", ROWS), academic_year="2018-19")
    assert list(frame["record_type"]) == ["school", "school", "national", "national"]
    assert frame.loc[0, "ppersabs"] == 11 and frame.loc[0, "persistent_absence_threshold_pct"] == 10
    assert frame.loc[1, "perctot_reason"] == "SUPP" and frame["perctot"].isna().iloc[1]
    assert frame.loc[2, "estab"] == "PRI" and frame["urn"].isna().iloc[2] and frame["la"].isna().iloc[2]


def test_fifteen_percent_file_before_2015_16(tmp_path: Path) -> None:
    frame = absence.parse(_file(tmp_path, "LA,ESTAB,URN,PERCTOT,PPERSABS15", ROWS), academic_year="2012-13")
    assert set(frame["persistent_absence_threshold_pct"]) == {15}


@pytest.mark.parametrize(("header", "year"), [("PPERSABS15", "2018-19"), ("PPERSABS10", "2014-15")])
def test_a_definition_that_does_not_match_the_year_is_refused(tmp_path: Path, header: str, year: str) -> None:
    with pytest.raises(SourceFormatError, match="persistent-absence definition") as caught:
        absence.parse(_file(tmp_path, f"LA,ESTAB,URN,PERCTOT,{header}", ROWS), academic_year=year)
    assert caught.value.column == header


def test_neither_or_both_persistent_absence_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="exactly one persistent-absence column"):
        absence.parse(_file(tmp_path, "LA,ESTAB,URN,PERCTOT,PPERSABS20", ROWS), academic_year="2018-19")
