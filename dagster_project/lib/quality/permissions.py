"""Who may read what the project writes: restricted data owner-only, the published site readable by everyone.

`make run` and `make dev` run with umask 077, so every folder and file the project creates - the warehouse, the
archive, the quarantine, return error reports, restricted outputs, the state files, Dagster's run storage - is
born owner-only (folders 0700, files 0600), with no moment when another account could read it. The published site
is the one tree meant for others: the report assets open it up explicitly (folders 0755, files 0644).
``restrict_tree`` tightens what an older version created readable, at the start of every `make run`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

OWNER_ONLY_UMASK = 0o077
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
PUBLIC_DIR, PUBLIC_FILE = 0o755, 0o644


def restrict_tree(*roots: Path) -> None:
    """Make each root, and everything under it, owner-only (links are left alone, never followed)."""
    _chmod_tree(roots, PRIVATE_DIR, PRIVATE_FILE)


def publish_tree(root: Path) -> None:
    """Make the published site readable by everyone (it holds nothing restricted: `published_scan` checks).

    Its parent (the data folder, created owner-only) gets only the right to pass through: others can open
    `data/published/...` but not list or read the data folder's restricted neighbours."""
    root = Path(root)
    _chmod_tree([root], PUBLIC_DIR, PUBLIC_FILE)
    parent = root.parent
    if parent.exists() and parent.stat().st_mode & 0o011 != 0o011:
        os.chmod(parent, (parent.stat().st_mode & 0o7777) | 0o011)


def _chmod_tree(roots: Iterable[Path], dir_mode: int, file_mode: int) -> None:
    for root in map(Path, roots):
        if not root.exists() or root.is_symlink():
            continue
        paths = [root, *root.rglob("*")] if root.is_dir() else [root]
        for path in paths:
            if path.is_symlink():
                continue
            mode = dir_mode if path.is_dir() else file_mode
            if path.stat().st_mode & 0o7777 != mode:
                os.chmod(path, mode)
