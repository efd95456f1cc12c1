"""Fill a report template and render it: the one way every report (published or restricted) becomes HTML + PDF.

A report module computes its figures and charts in Python, then calls `render_report` with the template name,
the template values and its charts (SVG text by file name). The filled document and its charts are written to
a private temporary folder, so parallel renders of one template never share files. Many documents of one
template (the booklets) are written with `write_document` and rendered together (rendering.render_documents).
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from dagster_project.lib.reports import rendering
from dagster_project.lib.reports.report_text import jinja_environment
from dagster_project.settings import REPORTS_DIR


@functools.cache  # one environment, so each template is compiled once per process, not once per document
def template_environment() -> jinja2.Environment:
    """The escaping environment of report_text, able to `{% include "_partials/..." %}` from reports/."""
    environment = jinja_environment()
    environment.loader = jinja2.FileSystemLoader(str(REPORTS_DIR))
    return environment


def fill_template(template_name: str, values: Mapping[str, Any]) -> str:
    return template_environment().get_template(template_name).render(**values)


def write_document(
    template_name: str, values: Mapping[str, Any], folder: Path, stem: str, charts: Mapping[str, str] | None = None
) -> rendering.Document:
    """Fill `reports/<template_name>` into `<folder>/<stem>.qmd` with its charts beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    qmd = folder / f"{stem}.qmd"
    qmd.write_text(fill_template(template_name, values), encoding="utf-8")
    resources = []
    for name, svg in (charts or {}).items():
        chart = folder / name
        chart.write_text(svg, encoding="utf-8")
        resources.append(chart)
    return rendering.Document(qmd, stem, tuple(resources))


def render_report(
    template_name: str,
    values: Mapping[str, Any],
    output_dir: Path,
    stem: str,
    *,
    charts: Mapping[str, str] | None = None,
    pdf_timestamp: datetime | None = None,
    engine: rendering.Engine = "auto",
    quarto_path: str | None = None,
) -> rendering.RenderedDocument:
    """Fill `reports/<template_name>` with `values` and render `<output_dir>/<stem>.html` and `.pdf`."""
    with tempfile.TemporaryDirectory(prefix=f"{stem}-") as tmp:
        document = write_document(template_name, values, Path(tmp), stem, charts)
        (rendered,) = rendering.render_documents(
            [document], output_dir, pdf_timestamp=pdf_timestamp, engine=engine, quarto_path=quarto_path
        )
        return rendered
