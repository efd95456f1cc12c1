"""Errors raised while reading source files.

Every error names the file, the data row, the column and the offending value, because the person fixing a
rejected download needs to find the exact cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(eq=False)
class SourceFormatError(ValueError):
    """A source file does not have the layout or values the parser expects."""

    message: str
    file: str | None = None
    row: int | None = None  # 1-based data row (the header is not counted)
    column: str | None = None  # the column name as written in the source file
    value: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ValueError.__init__(self, str(self))

    def __str__(self) -> str:
        where = [
            part
            for part in (
                self.file,
                f"data row {self.row}" if self.row is not None else None,
                f"column {self.column!r}" if self.column is not None else None,
            )
            if part
        ]
        value = f" (value {self.value!r})" if self.value is not None else ""
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}{value}" if prefix else f"{self.message}{value}"

    def with_context(
        self, *, file: str | None = None, row: int | None = None, column: str | None = None
    ) -> SourceFormatError:
        """Fill in location details the raising code did not know (keeps any already set)."""
        return replace(
            self,
            file=self.file or file,
            row=self.row if self.row is not None else row,
            column=self.column or column,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "error": str(self),
            "column": self.column,
            "value": self.value,
            "row": self.row,
            **self.extra,  # e.g. the failed expectation(s) of a refused file
        }


class SourceLayoutError(ValueError):
    """The sources folder does not follow the agreed layout (e.g. a malformed academic-year folder)."""
