"""A real browser over the published site: Debian's chromium, headless, driven by playwright-core (npm), with
axe-core (npm) injected into each page. The index and every published report open with no broken links or
images and no console errors, and axe finds no serious or critical accessibility violation. The restricted
register and one booklet are checked for accessibility too (served from their own folder, never published).
A full-page screenshot of the committee report is saved under test-artifacts/.

Needs chromium and `npm ci` in tests/browser: `make test` installs both (the Makefile's browser-deps target).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dagster_project.settings import REPO_ROOT

BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
BLOCKING_IMPACTS = {"serious", "critical"}
pytestmark = pytest.mark.slow


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's parameter name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free loopback port for the browser; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def run_browser(base_url: str, pages: list[str]) -> list[dict]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make browser-deps` as root does it).")
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail(f"playwright-core and axe-core are not installed: run `npm ci` in {BROWSER_DIR}.")
    node = shutil.which("node")
    assert node, "node is not on PATH"
    completed = subprocess.run(
        [node, str(BROWSER_DIR / "check_site.mjs"), base_url, str(ARTIFACTS_DIR), *pages],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, f"browser run failed:\n{completed.stderr}"
    return json.loads(completed.stdout)


def _published_pages(published_dir: Path) -> list[str]:
    return ["index.html", *sorted(p.relative_to(published_dir).as_posix() for p in published_dir.glob("*/*.html"))]


@pytest.fixture(scope="module")
def published_results(materialized, pipeline_settings) -> list[dict]:
    published = pipeline_settings.published_dir
    pages = _published_pages(published)
    with serve(published) as base_url:
        return run_browser(base_url, pages)


def test_every_published_report_is_opened(published_results, pipeline_settings):
    opened = {result["page"] for result in published_results}
    folders = {page.split("/")[0] for page in opened if "/" in page}
    assert "index.html" in opened
    assert {"committee_report", "inspection_briefing", "narrowing_the_gap", "partnership_summaries"} <= folders
    assert all(result["status"] == 200 for result in published_results)


def test_no_broken_links_or_images_and_every_image_has_alt_text(published_results):
    problems = {
        r["page"]: (r["brokenLinks"], r["brokenImages"], r["imagesWithoutAlt"])
        for r in published_results
        if r["brokenLinks"] or r["brokenImages"] or r["imagesWithoutAlt"]
    }
    assert not problems
    index = next(r for r in published_results if r["page"] == "index.html")
    assert index["links"] >= 6  # each report's page and PDF, and its downloads


def test_no_console_errors(published_results):
    errors = {r["page"]: r["consoleErrors"] for r in published_results if r["consoleErrors"]}
    assert not errors


def test_axe_finds_no_serious_or_critical_violations_on_published_pages(published_results):
    blocking = {r["page"]: [v for v in r["axe"] if v["impact"] in BLOCKING_IMPACTS] for r in published_results}
    assert not {page: v for page, v in blocking.items() if v}


def test_committee_report_screenshot_is_saved_as_a_test_artifact(published_results):
    screenshot = ARTIFACTS_DIR / "committee_report.png"
    assert screenshot.is_file() and screenshot.read_bytes().startswith(b"\x89PNG")
    assert screenshot.stat().st_size > 10_000


def test_pages_show_no_internal_code_and_every_table_is_captioned_and_fits_its_cells(
    published_results, pipeline_settings
):
    """What the browser shows (text and alt text) has no identifier-shaped code (SM_SWK, ks2_rwm_expected_pct,
    not_secure, a dbt model name) beyond the source file names; every report table has a numbered caption; no
    table cell's text overflows its border, and no academic year is broken over two lines."""
    import duckdb

    from tests.integration.test_reader_text import identifiers

    with duckdb.connect(str(pipeline_settings.duckdb_path), read_only=True) as connection:
        files = [
            row[0] for row in connection.execute("select distinct source_file from rpt_report__data_sources").fetchall()
        ]
    reports = [r for r in published_results if r["page"] != "index.html"]
    codes = {r["page"]: identifiers(r["text"] + " " + " ".join(r["altTexts"]), files) for r in reports}
    assert {page: found for page, found in codes.items() if found} == {}
    assert all(r["captions"] for r in reports)
    numbered = re.compile(r"Table \d+: ")
    uncaptioned = {r["page"]: r["captions"] for r in reports if not all(numbered.match(c) for c in r["captions"])}
    assert uncaptioned == {}
    assert {r["page"]: r["overflowingCells"] for r in published_results if r["overflowingCells"]} == {}
    assert {r["page"]: r["brokenFigures"] for r in published_results if r["brokenFigures"]} == {}


def test_restricted_register_and_a_booklet_are_accessible_too(materialized, pipeline_settings):
    restricted = pipeline_settings.restricted_dir
    pages = [
        next(restricted.glob("causing_concern_register/*.html")).relative_to(restricted).as_posix(),
        sorted(restricted.glob("booklets/*/*.html"))[0].relative_to(restricted).as_posix(),
    ]
    with serve(restricted) as base_url:
        results = run_browser(base_url, pages)
    blocking = {r["page"]: [v for v in r["axe"] if v["impact"] in BLOCKING_IMPACTS] for r in results}
    assert not {page: v for page, v in blocking.items() if v}
    assert not [r["consoleErrors"] for r in results if r["consoleErrors"]]
    # the booklet's tables are wide (seven columns of years and figures): its years still read on one line
    assert not {r["page"]: r["brokenFigures"] for r in results if r["brokenFigures"]}
