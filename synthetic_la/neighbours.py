"""Statistical neighbours and LA codes for the fictional LAs, in DfE's real layouts (FORMATS.md 5a).

sn_may_2025.xlsx: sheet 'LA SN Groups', two junk rows (column letters, then numbers) above the header
"LA num","LA Name","LA number","GOInd","GOReg","SN1","SNP",...,"SN10","SNP", an empty trailing column,
then a blank row, ',Old SNs:' and one superseded LA. sn_april_2021.csv: the same as a CSV export with the
2021 capitalisation ('Very Close', 'Not Close') and trailing ',,,' rows. la_code_list.csv: "LA Number",
"LA Name","Region","Type" with an England row of 'NA's.
Neighbours are the ten LAs most alike in disadvantage and attainment (the two things the DfE model weighs
most for school outcomes); Kingsmere's ten are therefore among the other fictional LAs.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from .world import World

CLOSENESS = ((0.02, "Extremely close"), (0.05, "Very close"), (0.09, "Close"), (0.15, "Somewhat close"))
NOT_CLOSE = "Not close"
SN_HEADER = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"] + [
    name for rank in range(1, 11) for name in (f"SN{rank}", "SNP")
]
JUNK_ROWS = (
    ["A", "B", "C", "D", "E", *range(3, 23)],
    list(range(1, 26)),
)
LA_TYPES = ("UA", "SC", "MD", "OLB", "ILB")
OLD_LA = (959, "Kingsmere (Pre LG)")


def _distance(a, b) -> float:
    return abs(a.fsm_mean - b.fsm_mean) + 0.25 * abs(a.effect - b.effect)


def _region_number(world: World, name: str) -> int:
    regions = sorted({la.gor_name for la in world.las})
    return regions.index(name) + 1


def neighbour_rows(world: World, *, capitalised: bool) -> list[list[object]]:
    rows: list[list[object]] = []
    for la in world.las:
        others = sorted((o for o in world.las if o.code != la.code), key=lambda o: (_distance(la, o), o.code))[:10]
        cells: list[object] = [la.code, la.name, la.code, _region_number(world, la.gor_name), la.gor_name]
        for other in others:
            label = next((text for limit, text in CLOSENESS if _distance(la, other) < limit), NOT_CLOSE)
            if capitalised:
                label = label.replace(" close", " Close")
            cells += [other.code, label]
        rows.append(cells)
    return rows


def write_sn_xlsx(path: Path, world: World) -> int:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "LA SN Groups"
    for junk in JUNK_ROWS:
        sheet.append(list(junk))
    sheet.append(SN_HEADER)
    rows = neighbour_rows(world, capitalised=False)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([None, "Old SNs:"])
    sheet.append([])
    old = [OLD_LA[0], OLD_LA[1], OLD_LA[0], rows[0][3], rows[0][4], *rows[-1][5:]]
    sheet.append(old)
    _fix_zip_times(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_deterministic_zip(buffer.getvalue()))
    return len(rows) + 1


def _fix_zip_times(workbook) -> None:
    from datetime import datetime

    fixed = datetime(2025, 5, 1, 9, 0, 0)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite the xlsx zip with fixed member timestamps so the same world gives the same bytes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2025, 5, 1, 9, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>2025-05-01T09:00:00Z\g<2>",
                    content,
                )
            target.writestr(member, content)
    return out.getvalue()


def sn_csv_rows(world: World) -> list[list[object]]:
    """The 2021 CSV export: junk rows, header and data (written by write_csv with the header as row 3)."""
    width = len(SN_HEADER) + 1
    body = [[*row, ""] for row in neighbour_rows(world, capitalised=True)]
    return [*body, [""] * width, [""] * width]


def la_code_rows(world: World) -> list[list[object]]:
    rows = [
        [la.code, la.name, la.gor_name, "UA" if la.code == 991 else LA_TYPES[index % len(LA_TYPES)]]
        for index, la in enumerate(world.las)
    ]
    return [*rows, [1000, "England (discontinued)", "NA", "NA"]]
