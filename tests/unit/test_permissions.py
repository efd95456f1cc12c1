"""Restricted trees are owner-only, the published site readable: what lib/quality/permissions.py promises."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dagster_project.lib.quality.permissions import OWNER_ONLY_UMASK, publish_tree, restrict_tree


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_created_under_the_project_umask_are_owner_only_and_published_ones_are_opened_up(tmp_path):
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        data = tmp_path / "data"
        (data / "restricted" / "booklets").mkdir(parents=True)
        (data / "restricted" / "booklets" / "900101.html").write_text("restricted", encoding="utf-8")
        (data / "published" / "narrowing_the_gap").mkdir(parents=True)
        (data / "published" / "narrowing_the_gap" / "gap.html").write_text("public", encoding="utf-8")
    finally:
        os.umask(previous)
    assert _mode(data / "restricted") == 0o700 and _mode(data / "restricted" / "booklets" / "900101.html") == 0o600

    publish_tree(data / "published")
    assert _mode(data / "published") == 0o755 and _mode(data / "published" / "narrowing_the_gap") == 0o755
    assert _mode(data / "published" / "narrowing_the_gap" / "gap.html") == 0o644
    assert _mode(data) & 0o077 == 0o011  # others may pass through the data folder, not list or read it
    assert _mode(data / "restricted") == 0o700


def test_restrict_tree_tightens_what_an_older_version_left_readable_without_following_links(tmp_path):
    archive = tmp_path / "archive" / "returns" / "abc"
    archive.mkdir(parents=True)
    received = archive / "visits_2026-02-26.csv"
    received.write_text("urn\n", encoding="utf-8")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not ours", encoding="utf-8")
    outside.chmod(0o644)
    (archive / "link").symlink_to(outside)
    for path in (tmp_path / "archive", archive.parent, archive):
        path.chmod(0o755)
    received.chmod(0o644)

    restrict_tree(tmp_path / "archive", tmp_path / "missing")

    assert {_mode(p) for p in (tmp_path / "archive", archive.parent, archive)} == {0o700}
    assert _mode(received) == 0o600
    assert _mode(outside) == 0o644
