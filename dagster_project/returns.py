"""`python -m dagster_project.returns templates --out DIR | suites | docs`: what the LA returns need on disk.

- templates: a blank xlsx (drop-down lists on coded columns) and csv per return, into DIR;
- suites: rewrite expectations/returns_*.json from the spec (commit the result);
- docs: rewrite docs/returns.md from the spec (commit the result).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagster_project.lib.quality.expectations import suite_path
from dagster_project.lib.returns.docs import returns_markdown
from dagster_project.lib.returns.spec import RETURNS
from dagster_project.lib.returns.suites import suite_json
from dagster_project.lib.returns.templates import write_templates
from dagster_project.settings import DOCS_DIR

DOCS_PATH = DOCS_DIR / "returns.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.returns", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    templates = commands.add_parser("templates", help="write blank xlsx + csv templates")
    templates.add_argument("--out", type=Path, required=True, help="folder to write the templates into")
    commands.add_parser("suites", help="rewrite expectations/returns_*.json from the spec")
    commands.add_parser("docs", help="rewrite docs/returns.md from the spec")
    args = parser.parse_args(argv)
    if args.command == "templates":
        for path in write_templates(args.out):
            print(f"wrote {path}")
    elif args.command == "suites":
        for spec in RETURNS.values():
            suite_path(spec.suite_name).write_text(suite_json(spec), encoding="utf-8")
            print(f"wrote {suite_path(spec.suite_name)}")
    else:
        DOCS_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOCS_PATH.write_text(returns_markdown(), encoding="utf-8")
        print(f"wrote {DOCS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
