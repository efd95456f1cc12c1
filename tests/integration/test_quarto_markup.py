"""The Quarto route, tested with what runs here: every report's filled .qmd is parsed by pandoc (which reads
Quarto's markdown extensions) and must carry what Quarto needs - an ISO `date`, a `{#tbl-…}` label and caption
on every table, a label and fig-alt on every chart - and the fallback's HTML and PDF must carry the same title
block, numbered captions and alt text."""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape
from pathlib import Path

import pypandoc
import pytest

from dagster_project.lib.reports import (
    booklets,
    causing_concern_register,
    committee_report,
    gap_report,
    inspection_briefing,
    partnership_summaries,
    rendering,
)
from tests.pdf_text import layout

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered_reports(materialized, pipeline_settings, tmp_path_factory) -> list[tuple[str, rendering.RenderedDocument]]:
    """Every kind of report rendered from the pipeline's warehouse by the fallback, with the .qmd each was
    rendered from (a spy on rendering.render_documents keeps the text; rendering itself is real)."""
    sources: dict[str, str] = {}
    original = rendering.render_documents

    def keeping_sources(documents, *args, **kwargs):
        for document in documents:
            sources[document.stem] = Path(document.source).read_text(encoding="utf-8")
        return original(documents, *args, **kwargs)

    warehouse = pipeline_settings.duckdb_path
    out = tmp_path_factory.mktemp("quarto-markup")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rendering, "render_documents", keeping_sources)
        built = [
            committee_report.build_committee_report(warehouse, out, engine="pandoc"),
            inspection_briefing.build_inspection_briefing(warehouse, out, engine="pandoc"),
            gap_report.build_gap_report(warehouse, out, engine="pandoc"),
            partnership_summaries.build_partnership_summaries(warehouse, out, engine="pandoc"),
            causing_concern_register.build_register(warehouse, out, engine="pandoc"),
            *booklets.build_booklets(warehouse, out, engine="pandoc", urns=_booklet_urns(warehouse)),
        ]
    return [(sources[report.html.stem], report) for report in built]


def _booklet_urns(warehouse: Path) -> list[int]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select min(urn) from rpt_booklet__measures where value is not null group by key_stage order by 1"
        ).fetchall()
    return [int(urn) for (urn,) in rows]


def _ast(qmd: str, folder: Path) -> dict:
    source = folder / "document.qmd"
    source.write_text(qmd, encoding="utf-8")
    completed = subprocess.run(
        [pypandoc.get_pandoc_path(), str(source), "--from=markdown", "--to=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def _walk(node, kind: str):
    if isinstance(node, dict):
        if node.get("t") == kind:
            yield node
        for value in node.values():
            yield from _walk(value, kind)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, kind)


def _plain(inlines) -> str:
    words = []
    for inline in _walk(inlines, "Str"):
        words.append(inline["c"])
    return " ".join(words)


def test_front_matter_date_is_an_iso_date_and_free_text_is_elsewhere(rendered_reports, tmp_path):
    for qmd, report in rendered_reports:
        meta = _ast(qmd, tmp_path)["meta"]
        assert "title" in meta, report.html.name
        if "date" in meta:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", _plain(meta["date"])), (report.html.name, meta["date"])
        if "date-format" in meta:  # Quarto (dayjs) tokens with any words escaped in brackets
            assert re.fullmatch(r"(\[[^\]]*\] )?D MMMM YYYY", " ".join(_plain(meta["date-format"]).split()))


def test_every_table_is_captioned_and_labelled_and_every_chart_has_a_label_and_alt_text(rendered_reports, tmp_path):
    for qmd, report in rendered_reports:
        ast = _ast(qmd, tmp_path)
        tables = list(_walk(ast["blocks"], "Table"))
        assert tables, report.html.name
        labels = [table["c"][0][0] for table in tables]
        assert all(label.startswith("tbl-") for label in labels), (report.html.name, labels)
        assert all(_plain(table["c"][1]) for table in tables), f"{report.html.name}: a table has no caption"
        figures = list(_walk(ast["blocks"], "Figure"))
        for figure in figures:
            assert figure["c"][0][0].startswith("fig-"), report.html.name
            (image,) = list(_walk(figure["c"][2], "Image"))
            alt = dict(image["c"][0][2]).get("fig-alt", "")
            assert len(alt) > 40 and alt != _plain(figure["c"][1]), (report.html.name, alt)
        assert len(set(labels + [f["c"][0][0] for f in figures])) == len(labels) + len(figures), "labels repeat"


def test_html_and_pdf_carry_the_same_title_block_numbered_captions_and_alt_text(rendered_reports):
    for _, report in rendered_reports:
        html = report.html.read_text(encoding="utf-8")
        assert len(html.encode()) < 200_000, report.html.name  # one self-contained page: CSS and charts only
        pdf = layout(report.pdf)
        pdf_text = " ".join(pdf.text.split())
        header = re.search(r'<header id="title-block-header">(.*?)</header>', html, flags=re.S).group(1)
        for line in re.findall(r"<(?:h1|p)[^>]*>(.*?)</(?:h1|p)>", header, flags=re.S):
            words = " ".join(re.sub(r"<[^>]+>", " ", line).replace("&amp;", "&").split())
            assert words in pdf_text, (report.pdf.name, words)
        captions = re.findall(r"<caption>(Table \d+: .*?)</caption>", html, flags=re.S)
        assert captions and len(captions) == html.count("<table")
        for caption in captions:
            start = " ".join(re.sub(r"<[^>]+>", " ", caption).replace("&amp;", "&").split()[:6])
            assert start in pdf_text, (report.pdf.name, start)
        html_alt = [unescape(alt) for alt in re.findall(r'<img [^>]*alt="([^"]+)"', html)]
        assert html_alt == pdf.alt_texts, report.pdf.name  # the same alt text, in the tagged PDF
