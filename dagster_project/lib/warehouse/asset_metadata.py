"""Small previews of warehouse tables for Dagster asset metadata (what an analyst sees on the asset page)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 12  # raw tables are wide; the first columns identify the row


def markdown_preview(
    conn: duckdb.DuckDBPyConnection,
    sql: str,
    parameters: Sequence[object] = (),
    *,
    rows: int = PREVIEW_ROWS,
    columns: int = PREVIEW_COLUMNS,
) -> str:
    """The first `rows` rows and `columns` columns of `sql` as a Markdown table ('(no rows)' when empty)."""
    result = conn.execute(f"select * from ({sql}) limit {int(rows)}", list(parameters))
    names = [d[0] for d in result.description][:columns]
    records = [record[:columns] for record in result.fetchall()]
    if not records:
        return "(no rows)"
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for record in records:
        cells = ("" if value is None else str(value).replace("|", "/") for value in record)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
