"""Statistical-neighbour files: junk rows, repeated SNP header, old-SN section, '-' for no neighbours, xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.lib.ingest.errors import SourceFormatError
from dagster_project.lib.sources import la_codes, statistical_neighbours

JUNK = ["A,B,C,D,E," + ",".join(str(i) for i in range(3, 23)) + ",", ",".join(str(i) for i in range(1, 26)) + ","]
HEADER = "LA num,LA Name,LA number,GOInd,GOReg," + ",".join(f"SN{r},SNP" for r in range(1, 11)) + ","


def _row(code: int, name: str, neighbours: list[int], label: str = "Very close") -> str:
    cells = [str(code), name, str(code), "6", "South East"]
    for neighbour in neighbours:
        cells += [str(neighbour), label]
    return ",".join(cells) + ","


def _file(tmp_path: Path, rows: list[str], name: str = "sn_may_2025.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([*JUNK, HEADER, *rows, "," * 25]) + "\r\n", encoding="utf-8")
    return path


NEIGHBOURS = list(range(960, 970))


def test_ten_neighbours_per_la_in_rank_order_with_closeness(tmp_path: Path) -> None:
    frame = statistical_neighbours.parse(_file(tmp_path, [_row(991, "Kingsmere", NEIGHBOURS)]), data_version="2025-05")
    assert frame["neighbour_rank"].tolist() == list(range(1, 11))
    assert frame["neighbour_la_code"].tolist() == NEIGHBOURS and set(frame["closeness"]) == {"Very close"}
    assert set(frame["source_row_number"]) == {1} and set(frame["data_version"]) == {"2025-05"}


def test_old_section_and_la_without_neighbours(tmp_path: Path) -> None:
    rows = [
        _row(991, "Kingsmere", NEIGHBOURS, "Very Close"),
        "942,Cumberland,942,5,North West," + ",".join(["-"] * 20) + ",",
        "," * 25,
        ",Old SNs:" + "," * 24,
        _row(959, "Kingsmere (Pre LG)", NEIGHBOURS),
    ]
    frame = statistical_neighbours.parse(_file(tmp_path, rows))
    assert 942 not in set(frame["la_code"])
    assert frame.loc[frame["la_code"] == 959, "sn_section"].unique().tolist() == ["old"]
    assert "Very Close" in set(frame["closeness"])  # case kept as written


def test_an_unknown_closeness_label_names_row_column_and_value(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError) as caught:
        statistical_neighbours.parse(_file(tmp_path, [_row(991, "Kingsmere", NEIGHBOURS, "Nearby")]))
    assert (caught.value.row, caught.value.column, caught.value.value) == (1, "SNP after SN1", "Nearby")


def test_an_la_as_its_own_neighbour_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="its own neighbour"):
        statistical_neighbours.parse(_file(tmp_path, [_row(991, "Kingsmere", [991, *NEIGHBOURS[1:]])]))


def test_the_xlsx_layout_reads_like_the_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "LA SN Groups"
    for line in [*JUNK, HEADER, _row(991, "Kingsmere", NEIGHBOURS)]:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in line.split(",")])
    workbook.save(tmp_path / "sn_may_2025.xlsx")
    from_xlsx = statistical_neighbours.parse(tmp_path / "sn_may_2025.xlsx")
    from_csv = statistical_neighbours.parse(_file(tmp_path, [_row(991, "Kingsmere", NEIGHBOURS)]))
    columns = ["la_code", "neighbour_rank", "neighbour_la_code", "closeness"]
    assert from_xlsx[columns].to_dict("records") == from_csv[columns].to_dict("records")


def test_la_code_list_region_rows_have_no_type(tmp_path: Path) -> None:
    path = tmp_path / "la_code_list.csv"
    path.write_text(
        'LA Number,LA Name,Region,Type\r\n991,Kingsmere,South East,UA\r\n839,"Bournemouth, Christchurch and Poole",'
        "South West,UA\r\n989,South East,NA,NA\r\n",
        encoding="utf-8",
    )
    frame = la_codes.parse(path).set_index("la_code")
    assert frame.loc[839, "la_name"] == "Bournemouth, Christchurch and Poole"
    assert frame.loc[991, "la_type"] == "UA" and frame["la_type"].isna().loc[989]
