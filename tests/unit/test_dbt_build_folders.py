"""What each dbt build leaves in dbt/target: its parse for the next build, and not its own build folder."""

from __future__ import annotations

from pathlib import Path

from dagster_project.defs.dbt import assets


def test_a_finished_build_removes_its_own_folder_and_no_other_build_s(tmp_path: Path) -> None:
    target = tmp_path / "target"
    folders = [target / name for name in ("dbt_models-0cd6ff8-1923314", "dbt_models-2822422-d7af67f")]
    for folder in folders:  # the second: another process's build, still running beside this one
        (folder / "compiled").mkdir(parents=True)
        (folder / "run_results.json").write_text("{}", encoding="utf-8")
    assets._remove_build_folder(folders[0])
    assert [p.name for p in target.iterdir()] == ["dbt_models-2822422-d7af67f"]


def test_a_builds_parse_is_left_where_the_deployments_next_build_starts(tmp_path: Path) -> None:
    build = tmp_path / "target" / "dbt_models-0cd6ff8-1923314"
    build.mkdir(parents=True)
    (build / assets.PARTIAL_PARSE_FILE).write_bytes(b"parsed with this run's vars")
    kept = tmp_path / "data" / "state" / "dbt_partial_parse.msgpack"
    assets._keep_partial_parse(build, kept)
    assert kept.read_bytes() == b"parsed with this run's vars"
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no temporary copy left
