"""Render Quarto (.qmd) documents to published HTML and PDF, with Quarto when it is installed and otherwise with the
pandoc and typst bundled in the Python environment, so that both give the same document.

One source of truth for both engines: `reports/_quarto.yml` (the Quarto project file: language, date format, the
HTML css, the Lua filters, the typst template partials) and `reports/styles/` (copied into each render folder as
`_styles/`). Quarto reads them natively. The fallback reads the same project file and does what Quarto does:
pandoc parses the markdown once (with Quarto's markdown extensions: `{#tbl-…}` captions, `fig-alt`), `date` is
printed in `date-format`, `quarto-fallback.lua` numbers captions and sets image alt text as Quarto does, and the
typst template includes Quarto's partials; then pandoc writes standalone HTML with the css embedded, and typst
markup that `typst.compile` turns into the PDF.

Several documents (the booklets) render as one Quarto project: one `quarto render` call for all of them, not one
process each. Each document sits in its own folder of a private temporary project, so parallel renders never
share files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import pypandoc
import typst
import yaml

from dagster_project.settings import REPORTS_DIR

STYLES_DIR = REPORTS_DIR / "styles"
PROJECT_FILE = "_quarto.yml"
STYLES_FOLDER = "_styles"  # reports/styles as it sits in a render folder (the paths in _quarto.yml)
HTML_CSS_FILE = "report.css"
FALLBACK_TYPST_TEMPLATE = "report.typ"
FALLBACK_FILTER = "quarto-fallback.lua"
MIN_QUARTO_VERSION = (1, 4)  # first release with the typst format and typst template-partials
QUARTO_INSTALL_HINT = (
    "Install Quarto >= 1.4 (the reports are written against Quarto 1.10) from https://quarto.org/docs/get-started/ "
    "and put it on PATH or set QUARTO_PATH to the quarto executable; unset QUARTO_PATH to use the bundled "
    "pandoc + typst fallback."
)
SUBPROCESS_TIMEOUT_SECONDS = 1800  # one quarto call renders every booklet
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Engine = Literal["auto", "quarto", "pandoc"]


class RenderError(RuntimeError):
    """A document failed to render; the message names the document and carries the tool's stderr."""


class QuartoNotFoundError(RenderError):
    """Quarto was requested (QUARTO_PATH or engine='quarto') but no usable quarto binary was found."""


@dataclass(frozen=True)
class QuartoBinary:
    path: Path
    version: tuple[int, ...]


@dataclass(frozen=True)
class RenderedDocument:
    html: Path
    pdf: Path
    engine: str  # e.g. "quarto 1.10.2" or "pandoc 3.9 + typst 0.15.2", for asset metadata


@dataclass(frozen=True)
class Document:
    """One filled .qmd to render to `<output_dir>/<stem>.html` and `.pdf`, with the images it shows."""

    source: Path
    stem: str
    resources: Sequence[Path] = ()


@dataclass(frozen=True)
class ProjectSettings:
    """What the fallback reads from reports/_quarto.yml (Quarto reads the file itself)."""

    css: tuple[str, ...]
    filters: tuple[str, ...]
    typst_partials: tuple[str, ...]
    date_format: str


def project_settings(project_file: Path = REPORTS_DIR / PROJECT_FILE) -> ProjectSettings:
    config = yaml.safe_load(Path(project_file).read_text(encoding="utf-8"))
    html, typst_format = config["format"]["html"], config["format"]["typst"]
    css = html.get("css", [])
    return ProjectSettings(
        css=tuple([css] if isinstance(css, str) else css),
        filters=tuple(config.get("filters", [])),
        typst_partials=tuple(typst_format.get("template-partials", [])),
        date_format=str(config.get("date-format", "D MMMM YYYY")),
    )


# ---------------------------------------------------------------- dates, as Quarto prints them

_DATE_TOKENS = re.compile(r"\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd")


def format_date(value: date, date_format: str) -> str:
    """`value` in a Quarto `date-format` string (the tokens the reports use: D DD M MM MMM MMMM YY YYYY dddd and
    [escaped text]): '2026-03-31' in 'D MMMM YYYY' -> '31 March 2026'."""
    tokens = {
        "YYYY": f"{value.year:04d}",
        "YY": f"{value.year % 100:02d}",
        "MMMM": f"{value:%B}",
        "MMM": f"{value:%b}",
        "MM": f"{value.month:02d}",
        "M": str(value.month),
        "DD": f"{value.day:02d}",
        "D": str(value.day),
        "dddd": f"{value:%A}",
    }
    return _DATE_TOKENS.sub(lambda m: m.group(1) if m.group(1) is not None else tokens[m.group(0)], date_format)


def document_date(text: str, document: str) -> date:
    """The front matter's `date`, which must be an ISO date: Quarto parses `date` as a date ('Invalid Date'
    otherwise), so free text belongs in `subtitle`."""
    if not ISO_DATE.fullmatch(text.strip()):
        raise RenderError(
            f"'{document}': front matter date {text!r} is not an ISO date (YYYY-MM-DD). Quarto reads `date` as a "
            "date; put words such as 'Data to …' in `subtitle`."
        )
    return date.fromisoformat(text.strip())


# ---------------------------------------------------------------- finding quarto


def find_quarto(quarto_path: str | None = None) -> QuartoBinary | None:
    """The quarto to use: `quarto_path` (else $QUARTO_PATH) if set, and it must work; else quarto on PATH."""
    configured = quarto_path if quarto_path is not None else os.environ.get("QUARTO_PATH")
    if configured:
        candidate = Path(configured).expanduser()
        if not candidate.is_file() or not os.access(candidate, os.X_OK):
            raise QuartoNotFoundError(
                f"QUARTO_PATH is set to '{configured}', which is not an executable file. {QUARTO_INSTALL_HINT}"
            )
        return _checked_quarto(candidate)
    on_path = shutil.which("quarto")
    return _checked_quarto(Path(on_path)) if on_path else None


def _checked_quarto(path: Path) -> QuartoBinary:
    try:
        completed = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise QuartoNotFoundError(f"Could not run '{path} --version': {error}. {QUARTO_INSTALL_HINT}") from error
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", completed.stdout)
    if match is None:
        raise QuartoNotFoundError(
            f"'{path} --version' printed {completed.stdout.strip()!r}, not a Quarto version. {QUARTO_INSTALL_HINT}"
        )
    version = tuple(int(part) for part in match.groups() if part is not None)
    if version < MIN_QUARTO_VERSION:
        raise QuartoNotFoundError(
            f"Quarto at '{path}' is version {'.'.join(map(str, version))}; "
            f"{'.'.join(map(str, MIN_QUARTO_VERSION))} or later is needed. {QUARTO_INSTALL_HINT}"
        )
    return QuartoBinary(path=path, version=version)


# ---------------------------------------------------------------- rendering


def render_qmd(
    qmd_path: Path,
    output_dir: Path,
    *,
    output_stem: str | None = None,
    resources: Sequence[Path] = (),
    pdf_timestamp: datetime | None = None,
    engine: Engine = "auto",
    quarto_path: str | None = None,
    styles_dir: Path = STYLES_DIR,
) -> RenderedDocument:
    """Render `qmd_path` to `<output_dir>/<output_stem>.html` and `.pdf`; returns both paths.

    `pdf_timestamp` fixes the PDF creation date (derive it from the data) so the same data gives the same bytes;
    it defaults to 1970-01-01 UTC. `quarto_path` defaults to $QUARTO_PATH, read at call time.
    """
    qmd_path = Path(qmd_path)
    document = Document(qmd_path, output_stem or qmd_path.stem, tuple(resources))
    (rendered,) = render_documents(
        [document],
        output_dir,
        pdf_timestamp=pdf_timestamp,
        engine=engine,
        quarto_path=quarto_path,
        styles_dir=styles_dir,
    )
    return rendered


def render_documents(
    documents: Sequence[Document],
    output_dir: Path,
    *,
    pdf_timestamp: datetime | None = None,
    engine: Engine = "auto",
    quarto_path: str | None = None,
    styles_dir: Path = STYLES_DIR,
    workers: int = 1,
    progress: Callable[[RenderedDocument], None] | None = None,
) -> list[RenderedDocument]:
    """Render every document to `<output_dir>/<stem>.html` and `.pdf`, in the order given.

    With Quarto, one `quarto render` call renders them all (a Quarto project of one folder per document); with
    the fallback, `workers` documents render at a time."""
    for document in documents:
        if not Path(document.source).is_file():
            raise RenderError(f"Cannot render '{document.source}': the file does not exist.")
    if not documents:
        return []
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    quarto = None if engine == "pandoc" else find_quarto(quarto_path)
    if engine == "quarto" and quarto is None:
        raise QuartoNotFoundError(
            f"engine='quarto' was requested for '{documents[0].source}' but quarto is not on PATH. "
            f"{QUARTO_INSTALL_HINT}"
        )
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        project = Path(tmp)
        shutil.copyfile(REPORTS_DIR / PROJECT_FILE, project / PROJECT_FILE)
        shutil.copytree(styles_dir, project / STYLES_FOLDER)
        sources = [_place(document, project) for document in documents]
        if quarto is not None:
            label = f"quarto {'.'.join(map(str, quarto.version))}"
            _render_project_with_quarto(quarto, project, sources, pdf_timestamp)

            def produce(source: Path) -> tuple[Path, Path]:
                return source.with_suffix(".html"), source.with_suffix(".pdf")

        else:
            label = f"pandoc {pypandoc.get_pandoc_version()} + typst {typst.__version__}"
            settings = project_settings(project / PROJECT_FILE)

            def produce(source: Path) -> tuple[Path, Path]:
                return _render_with_pandoc(source, project, settings, pdf_timestamp)

        def publish(source: Path, document: Document) -> RenderedDocument:
            html, pdf = produce(source)
            for produced in (html, pdf):
                if not produced.is_file():
                    raise RenderError(f"Rendering '{source.name}' with {label} did not produce '{produced.name}'.")
            rendered = RenderedDocument(
                html=_publish(html, output_dir / f"{document.stem}.html"),
                pdf=_publish(pdf, output_dir / f"{document.stem}.pdf"),
                engine=label,
            )
            if progress:
                progress(rendered)
            return rendered

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(publish, sources, documents))


def qmd_to_typst(qmd_path: Path, styles_dir: Path = STYLES_DIR) -> str:
    """The typst markup the fallback compiles to PDF (tests read it beside the PDF's text)."""
    with tempfile.TemporaryDirectory(prefix="typst-source-") as tmp:
        project = Path(tmp)
        shutil.copyfile(REPORTS_DIR / PROJECT_FILE, project / PROJECT_FILE)
        shutil.copytree(styles_dir, project / STYLES_FOLDER)
        source = _place(Document(Path(qmd_path), "document"), project)
        settings = project_settings(project / PROJECT_FILE)
        ast = _pandoc_ast(source, project, settings)
        return _pandoc_typst_source(ast, project, settings).read_text(encoding="utf-8")


def _place(document: Document, project: Path) -> Path:
    """Copy the document and its images into `<project>/<stem>/`; returns the copied .qmd."""
    folder = project / document.stem
    folder.mkdir()
    source = folder / f"{document.stem}.qmd"
    shutil.copyfile(document.source, source)
    for resource in document.resources:
        resource = Path(resource)
        if resource.is_dir():
            shutil.copytree(resource, folder / resource.name)
        elif resource.is_file():
            shutil.copyfile(resource, folder / resource.name)
        else:
            raise RenderError(f"Render resource '{resource}' does not exist.")
    return source


def _publish(produced: Path, destination: Path) -> Path:
    """Move into place via a temporary name so readers never see a half-written report."""
    partial = destination.with_name(f".{destination.name}.partial")
    shutil.copyfile(produced, partial)
    os.replace(partial, destination)
    return destination


# pypandoc-binary's pandoc asks its runtime for a 64 MB heap up front (-with-rtsopts -H64m), and touching it costs
# more than parsing a booklet: a 1 MB hint cut 125 booklets from 36 s to 32 s (bench/booklets.py). A pandoc built
# without RTS options ignores the variable with a warning.
PANDOC_ENV = {"GHCRTS": "-H1m"}


def _run(command: list[str], document: Path, step: str, cwd: Path, extra_env: dict[str, str] | None = None) -> None:
    env = {**os.environ, **extra_env} if extra_env else None
    try:
        completed = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RenderError(f"Rendering '{document.name}' failed at {step}: {error}") from error
    if completed.returncode != 0:
        raise RenderError(
            f"Rendering '{document.name}' failed at {step} (exit code {completed.returncode}).\n"
            f"stderr:\n{completed.stderr.strip()}\nstdout:\n{completed.stdout.strip()}"
        )


def _fixed_timestamp(pdf_timestamp: datetime | None) -> datetime:
    if pdf_timestamp is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    if pdf_timestamp.tzinfo is None:
        return pdf_timestamp.replace(tzinfo=UTC)
    return pdf_timestamp


# ---------------------------------------------------------------- quarto


def _render_project_with_quarto(
    quarto: QuartoBinary, project: Path, sources: list[Path], pdf_timestamp: datetime | None
) -> None:
    """`quarto render` of the whole project: every document, both formats of _quarto.yml, one process.
    SOURCE_DATE_EPOCH is how typst (run by quarto) fixes the PDF creation date."""
    epoch = str(int(_fixed_timestamp(pdf_timestamp).timestamp()))
    names = ", ".join(source.name for source in sources[:3]) + (", …" if len(sources) > 3 else "")
    _run(
        [str(quarto.path), "render", str(project)],
        Path(names),
        f"quarto render of {len(sources)} document(s)",
        project,
        extra_env={"SOURCE_DATE_EPOCH": epoch},
    )


# ---------------------------------------------------------------- pandoc + typst fallback


def _pandoc_command(source: Path, from_format: str, project: Path, settings: ProjectSettings) -> list[str]:
    # --fail-if-warnings turns e.g. a missing image or an unreadable table into an error, not a silent gap.
    return [
        pypandoc.get_pandoc_path(),
        source.name,
        f"--from={from_format}",
        "--standalone",
        "--fail-if-warnings",
        "--wrap=none",  # no hard line breaks inside sentences or table cells
        *(f"--lua-filter={project / path}" for path in settings.filters),
        f"--lua-filter={project / STYLES_FOLDER / FALLBACK_FILTER}",
    ]


def _render_with_pandoc(
    source: Path, project: Path, settings: ProjectSettings, pdf_timestamp: datetime | None
) -> tuple[Path, Path]:
    ast = _pandoc_ast(source, project, settings)  # parse the markdown once; both outputs are written from it
    return _pandoc_html(ast, project, settings), _typst_pdf(ast, project, settings, pdf_timestamp)


def _pandoc_ast(source: Path, project: Path, settings: ProjectSettings) -> Path:
    """The document parsed once into pandoc's JSON AST, with the project's metadata (as Quarto merges it) and
    `date` printed in `date-format` as Quarto prints it."""
    output = source.with_suffix(".json")
    command = [
        pypandoc.get_pandoc_path(),
        source.name,
        "--from=markdown",
        "--to=json",
        f"--metadata-file={project / PROJECT_FILE}",  # the document's own front matter wins, as in Quarto
        f"--output={output.name}",
    ]
    _run(command, source, "pandoc markdown -> AST", source.parent, PANDOC_ENV)
    ast = json.loads(output.read_text(encoding="utf-8"))
    meta = ast["meta"]
    if "date" in meta:
        # a document's own date-format (e.g. "[Data to] D MMMM YYYY") wins over the project's, as in Quarto
        date_format = _meta_text(meta["date-format"]) if "date-format" in meta else settings.date_format
        shown = format_date(document_date(_meta_text(meta["date"]), source.name), date_format)
        meta["date"] = {"t": "MetaString", "c": shown}
    output.write_text(json.dumps(ast), encoding="utf-8")
    return output


def _meta_text(value: dict[str, Any]) -> str:
    """The plain text of a pandoc metadata value (MetaString or MetaInlines of Str/Space)."""
    if value["t"] == "MetaString":
        return value["c"]
    if value["t"] == "MetaInlines":
        return "".join(inline.get("c", " ") if inline["t"] == "Str" else " " for inline in value["c"])
    raise RenderError(f"front matter value {value['t']} is not text")


def _pandoc_html(ast: Path, project: Path, settings: ProjectSettings) -> Path:
    output = ast.with_suffix(".html")
    command = _pandoc_command(ast, "json", project, settings) + [
        "--to=html5",
        "--embed-resources",
        *(f"--css={project / path}" for path in settings.css),
        "--variable=document-css:false",
        f"--output={output.name}",
    ]
    _run(command, ast.with_suffix(".qmd"), "pandoc -> HTML", ast.parent, PANDOC_ENV)
    _add_landmark_and_icon(output)
    return output


def _add_landmark_and_icon(html_file: Path) -> None:
    """Pandoc's standalone HTML has no <main> landmark, and browsers then ask the server for /favicon.ico:
    wrap the body in <main> (screen-reader navigation) and declare an empty inline icon (no failed request)."""
    html = html_file.read_text(encoding="utf-8")
    html = html.replace("</head>", '<link rel="icon" href="data:,">\n</head>', 1)
    body_start = html.index("<body>") + len("<body>")
    body_end = html.rindex("</body>")
    html = html[:body_start] + "\n<main>" + html[body_start:body_end] + "</main>\n" + html[body_end:]
    html_file.write_text(html, encoding="utf-8")


def _pandoc_typst_source(ast: Path, project: Path, settings: ProjectSettings) -> Path:
    output = ast.with_suffix(".typ")
    command = _pandoc_command(ast, "json", project, settings) + [
        "--to=typst",
        f"--template={project / STYLES_FOLDER / FALLBACK_TYPST_TEMPLATE}",
        f"--output={output.name}",
    ]
    _run(command, ast.with_suffix(".qmd"), "pandoc -> typst markup", ast.parent, PANDOC_ENV)
    return output


def _typst_pdf(ast: Path, project: Path, settings: ProjectSettings, pdf_timestamp: datetime | None) -> Path:
    source = ast.with_suffix(".qmd")
    typst_source = _pandoc_typst_source(ast, project, settings)
    output = ast.with_suffix(".pdf")
    try:
        typst.compile(
            str(typst_source),
            output=str(output),
            root=str(project),
            ignore_system_fonts=True,
            timestamp=_fixed_timestamp(pdf_timestamp),
        )
    except typst.TypstError as error:
        details = "\n".join(filter(None, [error.message, error.diagnostic, *error.hints, *error.trace]))
        raise RenderError(f"Rendering '{source.name}' failed at typst -> PDF.\nstderr:\n{details}") from error
    return output
