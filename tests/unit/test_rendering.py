"""Rendering a .qmd to published HTML and PDF: the pandoc + typst fallback used when Quarto is not installed (which
reads Quarto's project file and markup and gives the same title block, captions and alt text), the Quarto
discovery rules, one Quarto call for many documents, and errors that name the document."""

from __future__ import annotations

import re
import stat
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.committee_report import markdown_escape
from dagster_project.settings import REPORTS_DIR

HOSTILE_SCHOOL = "<script>alert(1)</script>"


def _tiny_png() -> bytes:
    """A valid 1x1 grey PNG, made here so the test ships no binary file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


def _write_document(folder: Path, body_extra: str = "") -> Path:
    (folder / "dot.png").write_bytes(_tiny_png())
    qmd = folder / "tiny.qmd"
    qmd.write_text(
        "---\n"
        'title: "Tiny report for Kingsmere"\n'
        'subtitle: "Data to the end of August"\n'
        "date: 2024-08-31\n"
        "---\n\n"
        "## Inspection outcomes\n\n"
        f"The school {markdown_escape(HOSTILE_SCHOOL)} was inspected.\n\n"
        "| School | Outcome |\n"
        "|:-------|:--------|\n"
        f"| {markdown_escape(HOSTILE_SCHOOL)} | Good |\n"
        "| Brookside Infant | Outstanding |\n\n"
        ": Inspections published this term {#tbl-inspections}\n\n"
        '![A grey dot](dot.png){#fig-dot fig-alt="A grey dot standing in for a chart"}\n'
        f"{body_extra}",
        encoding="utf-8",
    )
    return qmd


@pytest.fixture
def no_quarto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setattr(rendering.shutil, "which", lambda name: None)


@pytest.fixture
def rendered(tmp_path: Path, no_quarto: None) -> rendering.RenderedDocument:
    qmd = _write_document(tmp_path)
    return rendering.render_qmd(qmd, tmp_path / "out", resources=[tmp_path / "dot.png"])


def test_without_quarto_the_pandoc_fallback_writes_html_and_pdf(rendered: rendering.RenderedDocument, tmp_path):
    assert rendered.html == tmp_path / "out" / "tiny.html"
    assert rendered.pdf == tmp_path / "out" / "tiny.pdf"
    assert rendered.engine.startswith("pandoc ")


def test_html_has_title_language_heading_and_table_with_header_row(rendered: rendering.RenderedDocument):
    html = rendered.html.read_text(encoding="utf-8")
    assert "<title>Tiny report for Kingsmere</title>" in html
    assert 'lang="en-GB"' in html
    assert re.search(r"<h2[^>]*>Inspection outcomes</h2>", html)
    assert re.search(r"<thead>\s*<tr[^>]*>\s*<th[^>]*>School</th>", html)
    assert ">Brookside Infant</td>" in html
    assert "<caption>Table 1: Inspections published this term</caption>" in html


def test_html_is_self_contained_with_the_report_css_and_image_alt_text(rendered: rendering.RenderedDocument):
    html = rendered.html.read_text(encoding="utf-8")
    assert "border-collapse: collapse" in html  # from reports/styles/report.css, embedded
    assert '<link rel="stylesheet"' not in html
    assert 'alt="A grey dot standing in for a chart"' in html
    assert "<figcaption>Figure 1: A grey dot</figcaption>" in html
    assert 'src="data:image/png;base64,' in html


def test_escaped_hostile_school_name_renders_as_text_not_a_tag(rendered: rendering.RenderedDocument):
    html = rendered.html.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "The school &lt;script&gt;alert(1)&lt;/script&gt; was inspected." in html
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html


def test_pdf_is_a_pdf_with_text_and_the_title(rendered: rendering.RenderedDocument):
    pdf = rendered.pdf.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"Tiny report for Kingsmere" in pdf  # document metadata
    assert b"Inspection outcomes" in pdf  # the heading, as a bookmark
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S)
    assert any(b"TJ" in _inflate(s) or b"Tj" in _inflate(s) for s in streams), "no text on any page"


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


def test_typst_source_carries_the_escaped_name_as_text(tmp_path: Path):
    typst_source = rendering.qmd_to_typst(_write_document(tmp_path))
    assert "Brookside Infant" in typst_source
    assert "\\<script\\>alert(1)\\</script\\>" in typst_source  # escaped for typst, printed literally


def test_pdf_creation_date_is_the_given_data_date_so_renders_repeat_exactly(tmp_path: Path, no_quarto: None):
    qmd = _write_document(tmp_path)
    data_date = datetime(2024, 8, 31, tzinfo=UTC)
    first = rendering.render_qmd(qmd, tmp_path / "a", resources=[tmp_path / "dot.png"], pdf_timestamp=data_date)
    second = rendering.render_qmd(qmd, tmp_path / "b", resources=[tmp_path / "dot.png"], pdf_timestamp=data_date)
    assert b"D:20240831000000" in first.pdf.read_bytes()
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    assert first.html.read_bytes() == second.html.read_bytes()


def test_parallel_renders_of_one_qmd_do_not_interfere(tmp_path: Path, no_quarto: None):
    qmd = _write_document(tmp_path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda n: rendering.render_qmd(qmd, tmp_path / f"out{n}", resources=[tmp_path / "dot.png"]),
                range(4),
            )
        )
    htmls = {result.html.read_bytes() for result in results}
    assert len(htmls) == 1 and all(result.pdf.stat().st_size > 1000 for result in results)


def test_a_failed_render_names_the_document_and_shows_pandoc_stderr(tmp_path: Path, no_quarto: None):
    qmd = _write_document(tmp_path, body_extra="\n![Missing chart](no_such_chart.png)\n")
    with pytest.raises(rendering.RenderError, match=r"'tiny\.qmd'[\s\S]*no_such_chart\.png"):
        rendering.render_qmd(qmd, tmp_path / "out", resources=[tmp_path / "dot.png"])
    assert not (tmp_path / "out" / "tiny.html").exists()


def test_quarto_path_to_a_missing_file_is_a_clear_error_with_an_install_hint(tmp_path: Path, monkeypatch):
    missing = tmp_path / "no" / "quarto"
    monkeypatch.setenv("QUARTO_PATH", str(missing))
    with pytest.raises(rendering.QuartoNotFoundError) as raised:
        rendering.render_qmd(_write_document(tmp_path), tmp_path / "out")
    assert str(missing) in str(raised.value)
    assert "Install Quarto" in str(raised.value)


def _fake_quarto(folder: Path, version: str) -> Path:
    """A stand-in quarto (the real one cannot be installed here): prints a version and, for `quarto render
    <project>`, writes an .html and a .pdf beside every .qmd of the project, logging each call to calls.log."""
    script = folder / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo {version}; exit 0; fi\n'
        f'echo "$*" >> "{folder}/calls.log"\n'
        'for doc in "$2"/*/*.qmd; do\n'
        '  echo "<html>quarto $* $(grep -c template-partials "$2/_quarto.yml")</html>" > "${doc%.qmd}.html"\n'
        '  echo "%PDF-1.7 epoch=$SOURCE_DATE_EPOCH" > "${doc%.qmd}.pdf"\n'
        "done\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_quarto_named_by_quarto_path_renders_html_and_pdf(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("QUARTO_PATH", str(_fake_quarto(tmp_path, "1.5.57")))
    data_date = datetime(2024, 8, 31, tzinfo=UTC)
    result = rendering.render_qmd(_write_document(tmp_path), tmp_path / "out", pdf_timestamp=data_date)
    assert result.engine == "quarto 1.5.57"
    assert result.html.read_text().strip().endswith(" 1</html>")  # rendered with the project file
    assert result.pdf.read_text().strip() == f"%PDF-1.7 epoch={int(data_date.timestamp())}"


def test_quarto_older_than_1_4_is_refused_with_an_install_hint(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("QUARTO_PATH", str(_fake_quarto(tmp_path, "1.3.450")))
    with pytest.raises(rendering.QuartoNotFoundError, match=r"1\.3\.450.*Install Quarto"):
        rendering.render_qmd(_write_document(tmp_path), tmp_path / "out")


def test_engine_pandoc_ignores_quarto_path(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "missing-quarto"))
    result = rendering.render_qmd(
        _write_document(tmp_path), tmp_path / "out", resources=[tmp_path / "dot.png"], engine="pandoc"
    )
    assert result.engine.startswith("pandoc ")


# ---------------------------------------------------------------- both engines, one document


def test_title_block_is_title_subtitle_and_the_iso_date_in_quarto_date_format(rendered: rendering.RenderedDocument):
    html = rendered.html.read_text(encoding="utf-8")
    assert re.search(
        r'<header id="title-block-header">\s*<h1 class="title">Tiny report for Kingsmere</h1>\s*'
        r'<p class="subtitle">Data to the end of August</p>\s*<p class="date">31 August 2024</p>',
        html,
    )
    lines = _pdf_lines(rendered.pdf)
    assert lines[:3] == ["Tiny report for Kingsmere", "Data to the end of August", "31 August 2024"]


def test_pdf_carries_the_same_numbered_captions_and_the_image_alt_text(rendered: rendering.RenderedDocument):
    lines = _pdf_lines(rendered.pdf)
    assert "Table 1: Inspections published this term" in lines
    assert "Figure 1: A grey dot" in lines
    assert b"A grey dot standing in for a chart" in rendered.pdf.read_bytes()  # typst writes image alt text


def _pdf_lines(pdf: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return [line.strip() for page in document.pages for line in page.extract_text().splitlines()]


def test_a_free_text_date_is_refused_as_quarto_would_misread_it(tmp_path: Path, no_quarto: None):
    qmd = _write_document(tmp_path)
    qmd.write_text(qmd.read_text().replace("date: 2024-08-31", 'date: "Data to 31 August 2024"'))
    with pytest.raises(rendering.RenderError, match=r"'tiny\.qmd'.*'Data to 31 August 2024' is not an ISO date"):
        rendering.render_qmd(qmd, tmp_path / "out", resources=[tmp_path / "dot.png"])


@pytest.mark.parametrize(
    ("date_format", "expected"),
    [("D MMMM YYYY", "9 February 2026"), ("DD/MM/YY", "09/02/26"), ("[Data to] D MMM YYYY", "Data to 9 Feb 2026")],
)
def test_dates_print_in_quarto_date_format_tokens(date_format: str, expected: str):
    from datetime import date

    assert rendering.format_date(date(2026, 2, 9), date_format) == expected


def test_one_quarto_call_renders_every_document_of_a_project(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("QUARTO_PATH", str(_fake_quarto(tmp_path, "1.10.2")))
    documents = []
    for number in range(5):
        folder = tmp_path / f"doc{number}"
        folder.mkdir()
        documents.append(rendering.Document(_write_document(folder), f"booklet_{number}", (folder / "dot.png",)))
    rendered = rendering.render_documents(documents, tmp_path / "out")
    assert [r.html.name for r in rendered] == [f"booklet_{n}.html" for n in range(5)]
    assert all(r.pdf.is_file() and r.engine == "quarto 1.10.2" for r in rendered)
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert len(calls) == 1 and calls[0].startswith("render ")


# ---------------------------------------------------------------- the Quarto project file both engines read


def test_quarto_project_file_uses_the_house_css_and_typst_partials_with_no_bootstrap():
    import yaml

    config = yaml.safe_load((REPORTS_DIR / rendering.PROJECT_FILE).read_text(encoding="utf-8"))
    html, typst_format = config["format"]["html"], config["format"]["typst"]
    assert config["lang"] == "en-GB" and config["date-format"] == "D MMMM YYYY"
    assert html["theme"] == "none" and html["minimal"] is True and html["embed-resources"] is True
    assert html["title-block-style"] == "none"  # pandoc's title block, as the fallback writes it
    settings = rendering.project_settings()
    styles = rendering.STYLES_DIR
    for path in (*settings.css, *settings.filters, *settings.typst_partials):
        assert path.startswith(rendering.STYLES_FOLDER + "/") and (styles / Path(path).name).is_file(), path
    # the fallback's typst template includes exactly the partials Quarto is given
    template = (styles / rendering.FALLBACK_TYPST_TEMPLATE).read_text(encoding="utf-8")
    included = re.findall(r"^\$([\w.-]+)\(\)\$$", template, flags=re.M)
    assert included == [Path(p).name for p in typst_format["template-partials"]]


def test_fallback_html_is_small_and_self_contained(rendered: rendering.RenderedDocument):
    html = rendered.html.read_text(encoding="utf-8")
    assert len(html.encode()) < 30_000  # the CSS and one image; no theme or script bundle
    assert "<script" not in html and "bootstrap" not in html.lower()
