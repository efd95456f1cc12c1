"""Content-addressed archive of every received file, and the quarantine for files that fail checks.

    <archive_dir>/<source>/<sha256>/<original name>       + receipt.json   (kept before parsing, always)
    <quarantine_dir>/<source>/<sha256>/<original name>    + reason.json    (only for rejected files)

The sha256 folder makes re-archiving the same bytes a no-op and lets anyone prove which exact file produced a
published figure. Originals are only ever read: files are copied, never moved or rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dagster_project.lib.ingest.errors import SourceFormatError

RECEIPT_NAME = "receipt.json"
REASON_NAME = "reason.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ArchivedFile:
    sha256: str
    archived_path: Path
    receipt_path: Path
    already_archived: bool


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_file(
    path: Path,
    archive_dir: Path,
    *,
    source: str,
    received_at: datetime,
    sha256: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> ArchivedFile:
    """Copy `path` unchanged to the content-addressed archive with a receipt (skipped if already there)."""
    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    folder = Path(archive_dir) / source / sha256
    target = folder / path.name
    receipt = folder / RECEIPT_NAME
    already = target.exists() and file_sha256(target) == sha256
    if not already:
        _copy_atomically(path, target)
    if not receipt.exists():
        _write_json(
            receipt,
            {
                "source": source,
                "original_name": path.name,
                "original_path": str(path.resolve()),
                "sha256": sha256,
                "size_bytes": path.stat().st_size,
                "received_at": received_at.isoformat(),
                **(metadata or {}),
            },
        )
    return ArchivedFile(sha256=sha256, archived_path=target, receipt_path=receipt, already_archived=already)


def quarantine_file(
    path: Path,
    quarantine_dir: Path,
    *,
    source: str,
    sha256: str,
    error: BaseException,
    received_at: datetime,
    keep_copy: bool = True,
) -> Path:
    """Copy a rejected file aside with reason.json (file, error, column, value, row, received_at).

    ``keep_copy=False`` records only the reason: for what must not be read, such as a link out of the folder."""
    path = Path(path)
    folder = Path(quarantine_dir) / source / sha256
    target = folder / path.name
    if keep_copy and not (target.exists() and file_sha256(target) == sha256):
        _copy_atomically(path, target)
    details = (
        error.as_dict()
        if isinstance(error, SourceFormatError)
        else {
            "file": path.name,
            "error": f"{type(error).__name__}: {error}",
            "column": None,
            "value": None,
            "row": None,
        }
    )
    _write_json(
        folder / REASON_NAME,
        {
            **details,
            "file": details.get("file") or path.name,
            "source": source,
            "sha256": sha256,
            "original_path": str(path.absolute()),
            "received_at": received_at.isoformat(),
        },
    )
    return target


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy via a temporary name so a crash never leaves a half-written file under the real name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(temporary, path)
