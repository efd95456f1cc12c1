"""Render a Quarto (.qmd) document to published HTML and PDF.

Quarto is used when it is installed (on PATH, or named by QUARTO_PATH). Quarto is a separate binary that
cannot always be installed, so otherwise the same document is rendered with the pandoc bundled in
pypandoc-binary: pandoc -> standalone HTML with the CSS embedded, and pandoc -> typst markup ->
`typst.compile` -> PDF.
Documents therefore keep to features both engines share: YAML front matter, headings, pipe tables with
`: caption` lines, images with alt text; no callouts or executable cells.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pypandoc
import typst

REPORTS_DIR = Path(__file__).resolve().parents[2] / "reports"
STYLES_DIR = REPORTS_DIR / "styles"
HTML_CSS_FILE = "report.css"
TYPST_TEMPLATE_FILE = "report.typ"
DOCUMENT_LANG = "en-GB"
MIN_QUARTO_VERSION = (1, 4)  # first release with the typst format, which the quarto PDF route relies on
QUARTO_INSTALL_HINT = (
    "Install Quarto >= 1.4 from https://quarto.org/docs/get-started/ and put it on PATH or set QUARTO_PATH "
    "to the quarto executable; unset QUARTO_PATH to use the bundled pandoc + typst fallback."
)
SUBPROCESS_TIMEOUT_SECONDS = 600

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
    engine: str  # e.g. "quarto 1.5.57" or "pandoc 3.9 + typst 0.15.2", for asset metadata


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

    The document and its `resources` (images, partials) are copied into a private temporary directory first,
    so parallel renders of one template never share intermediate files. `pdf_timestamp` fixes the PDF creation
    date (derive it from the data) so the same data gives the same bytes; it defaults to 1970-01-01 UTC.
    `quarto_path` defaults to $QUARTO_PATH, read at call time.
    """
    qmd_path = Path(qmd_path)
    if not qmd_path.is_file():
        raise RenderError(f"Cannot render '{qmd_path}': the file does not exist.")
    stem = output_stem or qmd_path.stem
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    quarto = None if engine == "pandoc" else find_quarto(quarto_path)
    if engine == "quarto" and quarto is None:
        raise QuartoNotFoundError(
            f"engine='quarto' was requested for '{qmd_path}' but quarto is not on PATH. {QUARTO_INSTALL_HINT}"
        )

    with tempfile.TemporaryDirectory(prefix=f"render-{stem}-") as tmp:
        workdir = Path(tmp)
        source = workdir / f"{stem}.qmd"
        shutil.copyfile(qmd_path, source)
        _copy_resources(resources, workdir)
        shutil.copytree(styles_dir, workdir / "_styles")
        if quarto is not None:
            html, pdf = _render_with_quarto(quarto, source, workdir, pdf_timestamp)
            engine_label = f"quarto {'.'.join(map(str, quarto.version))}"
        else:
            ast = _pandoc_ast(source, workdir)  # parse the markdown once; both outputs are written from it
            html = _pandoc_html(ast, workdir)
            pdf = _typst_pdf(ast, workdir, pdf_timestamp)
            engine_label = f"pandoc {pypandoc.get_pandoc_version()} + typst {typst.__version__}"
        return RenderedDocument(
            html=_publish(html, output_dir / f"{stem}.html"),
            pdf=_publish(pdf, output_dir / f"{stem}.pdf"),
            engine=engine_label,
        )


def qmd_to_typst(qmd_path: Path, styles_dir: Path = STYLES_DIR) -> str:
    """The typst markup the pandoc fallback compiles to PDF (tests read it: the PDF's text is compressed)."""
    with tempfile.TemporaryDirectory(prefix="typst-source-") as tmp:
        workdir = Path(tmp)
        source = workdir / "document.qmd"
        shutil.copyfile(qmd_path, source)
        shutil.copytree(styles_dir, workdir / "_styles")
        return _pandoc_typst_source(_pandoc_ast(source, workdir), workdir).read_text(encoding="utf-8")


def _copy_resources(resources: Sequence[Path], workdir: Path) -> None:
    for resource in resources:
        resource = Path(resource)
        target = workdir / resource.name
        if resource.is_dir():
            shutil.copytree(resource, target)
        elif resource.is_file():
            shutil.copyfile(resource, target)
        else:
            raise RenderError(f"Render resource '{resource}' does not exist.")


def _publish(produced: Path, destination: Path) -> Path:
    """Move into place via a temporary name so readers never see a half-written report."""
    partial = destination.with_name(f".{destination.name}.partial")
    shutil.copyfile(produced, partial)
    os.replace(partial, destination)
    return destination


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


def _pandoc_base_command(source: Path, from_format: str) -> list[str]:
    # --fail-if-warnings turns e.g. a missing image or an unreadable table into an error, not a silent gap.
    return [
        pypandoc.get_pandoc_path(),
        source.name,
        f"--from={from_format}",
        "--standalone",
        "--fail-if-warnings",
        "--wrap=none",  # no hard line breaks inside sentences or table cells
        f"--metadata=lang:{DOCUMENT_LANG}",
    ]


def _pandoc_ast(source: Path, workdir: Path) -> Path:
    """The document parsed once into pandoc's JSON AST (markdown parsing is most of pandoc's time)."""
    output = workdir / f"{source.stem}.json"
    command = _pandoc_base_command(source, "markdown") + ["--to=json", f"--output={output.name}"]
    _run(command, source, "pandoc markdown -> AST", workdir)
    return output


def _pandoc_html(ast: Path, workdir: Path) -> Path:
    output = workdir / f"{ast.stem}.html"
    command = _pandoc_base_command(ast, "json") + [
        "--to=html5",
        "--embed-resources",
        f"--css=_styles/{HTML_CSS_FILE}",
        "--variable=document-css:false",
        f"--output={output.name}",
    ]
    _run(command, ast.with_suffix(".qmd"), "pandoc -> HTML", workdir)
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


def _pandoc_typst_source(ast: Path, workdir: Path) -> Path:
    output = workdir / f"{ast.stem}.typ"
    command = _pandoc_base_command(ast, "json") + [
        "--to=typst",
        f"--template=_styles/{TYPST_TEMPLATE_FILE}",
        f"--output={output.name}",
    ]
    _run(command, ast.with_suffix(".qmd"), "pandoc -> typst markup", workdir)
    return output


def _typst_pdf(ast: Path, workdir: Path, pdf_timestamp: datetime | None) -> Path:
    source = ast.with_suffix(".qmd")
    typst_source = _pandoc_typst_source(ast, workdir)
    output = workdir / f"{source.stem}.pdf"
    try:
        typst.compile(
            str(typst_source),
            output=str(output),
            root=str(workdir),
            ignore_system_fonts=True,
            timestamp=_fixed_timestamp(pdf_timestamp),
        )
    except typst.TypstError as error:
        details = "\n".join(filter(None, [error.message, error.diagnostic, *error.hints, *error.trace]))
        raise RenderError(f"Rendering '{source.name}' failed at typst -> PDF.\nstderr:\n{details}") from error
    return output


def _fixed_timestamp(pdf_timestamp: datetime | None) -> datetime:
    if pdf_timestamp is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    if pdf_timestamp.tzinfo is None:
        return pdf_timestamp.replace(tzinfo=UTC)
    return pdf_timestamp


def _render_with_quarto(
    quarto: QuartoBinary, source: Path, workdir: Path, pdf_timestamp: datetime | None
) -> tuple[Path, Path]:
    common = [str(quarto.path), "render", source.name, "--metadata", f"lang:{DOCUMENT_LANG}"]
    _run(
        common
        + [
            "--to",
            "html",
            "--metadata",
            "embed-resources:true",
            "--metadata",
            f"css:_styles/{HTML_CSS_FILE}",
        ],
        source,
        "quarto render --to html",
        workdir,
    )
    # SOURCE_DATE_EPOCH is how typst (run by quarto) fixes the PDF creation date.
    epoch = str(int(_fixed_timestamp(pdf_timestamp).timestamp()))
    _run(
        common + ["--to", "typst"],
        source,
        "quarto render --to typst (PDF)",
        workdir,
        extra_env={"SOURCE_DATE_EPOCH": epoch},
    )
    html, pdf = workdir / f"{source.stem}.html", workdir / f"{source.stem}.pdf"
    for produced in (html, pdf):
        if not produced.is_file():
            raise RenderError(f"Rendering '{source.name}' with quarto did not produce '{produced.name}'.")
    return html, pdf
