"""Visible text of a rendered HTML report: what its reader sees, for tests that look for sentences and table rows."""

from __future__ import annotations

import re
from pathlib import Path


def visible_text(path: Path) -> str:
    """The page's text without scripts, styles or tags, whitespace collapsed, `&amp;` and `&#39;` decoded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", Path(path).read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#39;", "'").replace("&amp;", "&")
