"""Charts as small, self-contained SVG files (no plotting library): trend lines and confidence intervals.

Accessibility: each SVG carries <title> and <desc> stating what it shows with the figures; the report gives
the same text as the image's alt text and the figures in a table beside it. Nothing is shown by colour alone:
every series has its own line style and marker shape and is labelled in words at the end of its line, and an
interval is drawn as a line between its limits with a point at the estimate.

Honest scales: a trend's vertical axis spans at least the unit's minimum span (MINIMUM_AXIS_SPAN: 20 percentage
points for percentages), so a difference of 3 points never fills the chart; gaps and other differences keep zero
on the axis; an axis that does not start at zero shows a break mark at its foot.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

# (stroke colour, dash pattern, marker shape): colours are distinguishable in greyscale, and dash + marker
# carry the distinction on their own.
SERIES_STYLES: tuple[tuple[str, str, str], ...] = (
    ("#1d3f72", "", "circle"),
    ("#b35806", "6 4", "square"),
    ("#4d4d4d", "2 3", "triangle"),
    ("#2d6a4f", "10 3 2 3", "diamond"),
)
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 190, 30, 50
LABEL_FONT_SIZE = 12
CHARACTER_WIDTH = 0.62  # of the font size: a safe average for DejaVu Sans / Arial, so labels stay inside
# Smallest vertical span of a trend axis, by unit (axis_label's units): small differences look small.
MINIMUM_AXIS_SPAN = {"percent": 20.0, "points": 10.0, "scaled score": 6.0, "progress score": 1.0}
DEFAULT_AXIS_SPAN = 1.0
AXIS_LIMITS = {"percent": (0.0, 100.0)}  # an axis of percentages stays within 0 to 100
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per x label; None = no figure (the line breaks)


@dataclass(frozen=True)
class Interval:
    label: str
    estimate: float
    lower: float
    upper: float


def _text(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _scale(low: float, high: float, top: float, bottom: float):
    span = (high - low) or 1.0
    return lambda value: bottom - (value - low) / span * (bottom - top)


def _nice_bounds(values: Sequence[float], pad_fraction: float = 0.1) -> tuple[float, float]:
    low, high = min(values), max(values)
    pad = (high - low) * pad_fraction or max(abs(high), 1.0) * pad_fraction
    return low - pad, high + pad


def _unit_key(unit: object) -> str:
    return str(unit or "").replace("_", " ").strip().lower()


def axis_ticks(
    values: Sequence[float], unit: object = None, *, include_zero: bool = False, minimum_span: float | None = None
) -> list[float]:
    """Evenly spaced round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering the values, spanning at
    least the unit's MINIMUM_AXIS_SPAN (or `minimum_span`), within its AXIS_LIMITS and, with `include_zero`,
    reaching zero. The first and last ticks are the axis ends."""
    span = minimum_span if minimum_span is not None else MINIMUM_AXIS_SPAN.get(_unit_key(unit), DEFAULT_AXIS_SPAN)
    floor_limit, ceiling_limit = AXIS_LIMITS.get(_unit_key(unit), (-math.inf, math.inf))
    low, high = min(values), max(values)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high - low < span:
        middle = (low + high) / 2
        low, high = middle - span / 2, middle + span / 2
        if min(values) >= 0 > low:  # widening never takes an all-positive axis below zero
            low, high = 0.0, span
        if max(values) <= 0 < high:
            low, high = -span, 0.0
        if high > ceiling_limit:
            low, high = ceiling_limit - span, ceiling_limit
        if low < floor_limit:
            low, high = floor_limit, floor_limit + span
    raw_step = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next((s * magnitude for s in NICE_STEPS if s * magnitude >= raw_step), 10 * magnitude)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step)
    return [round(first + index * step, 10) for index in range(count + 1)]


def wrap_label(name: str, value: str, width_pixels: float, font_size: int = LABEL_FONT_SIZE) -> list[str]:
    """A line-end label 'name: value' in at most two lines that fit `width_pixels` (estimated with
    CHARACTER_WIDTH); a name too long for two lines is shortened, never the value."""
    per_line = max(8, int(width_pixels / (font_size * CHARACTER_WIDTH)))
    lines = textwrap.wrap(f"{name}: {value}", per_line)
    if len(lines) > 2:
        short = textwrap.shorten(name, max(per_line * 2 - len(value) - 4, 4), placeholder="…")
        lines = textwrap.wrap(f"{short}: {value}", per_line)[:2]
    return lines


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}" fill="{colour}"/>'
        )
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def axis_label(unit: object) -> str:
    """A short axis title for a unit: 'percent' -> 'Per cent'; others as written ('scaled score', 'points')."""
    words = str(unit or "").replace("_", " ").strip()
    return "Per cent" if words.lower() in {"percent", "pct", "%"} else words.capitalize() or "Value"


def _label(x: float, y: float, words: str, *, anchor: str = "start", size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} font-size="{size}"{extra}>{_text(words)}</text>'
    )


LABEL_GAP = 15  # vertical distance between lines of line-end labels, in pixels


def _spread(labels: list[tuple[float, float, list[str]]], gap: float) -> list[tuple[float, float, list[str]]]:
    """Move line-end labels apart vertically (keeping their order) so none overlaps another; a label of two
    lines takes two gaps."""
    placed: list[tuple[float, float, list[str]]] = []
    for label_y, x, lines in sorted(labels, key=lambda label: label[0]):
        if placed and label_y - placed[-1][0] < gap * len(placed[-1][2]):
            label_y = placed[-1][0] + gap * len(placed[-1][2])
        placed.append((label_y, x, lines))
    return placed


def _multiline_label(x: float, y: float, lines: list[str]) -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if index == 0 else LABEL_GAP}">{_text(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{LABEL_FONT_SIZE}">{spans}</text>'


def _axis_break(x: float, y: float) -> str:
    """Two short slanted strokes across the axis: the axis does not start at zero."""
    return (
        "".join(
            f'<line x1="{x - 6:.1f}" y1="{y + offset + 3:.1f}" x2="{x + 6:.1f}" y2="{y + offset - 3:.1f}" '
            'stroke="#000" stroke-width="1.5"/>'
            for offset in (-4, 2)
        )
        + f'<rect x="{x - 7:.1f}" y="{y - 2:.1f}" width="14" height="2" fill="#ffffff"/>'
    )


def _svg(title: str, description: str, body: list[str], height: int = HEIGHT) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-title chart-desc">',
            f'<title id="chart-title">{_text(title)}</title>',
            f'<desc id="chart-desc">{_text(description)}</desc>',
            f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def line_chart(
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    value_format=lambda value: f"{value:g}",
    *,
    unit: object = None,
    include_zero: bool = False,
) -> str:
    """A trend chart: one line per series across `x_labels` (e.g. academic years). The vertical axis spans at least
    the unit's minimum span (axis_ticks) and, with `include_zero` (gaps, differences), reaches zero."""
    present = [v for s in series for v in s.values if v is not None]
    body: list[str] = []
    plot_bottom = HEIGHT - BOTTOM
    if not present:
        body.append(_label(WIDTH / 2, HEIGHT / 2, "No figures to chart", anchor="middle", size=14))
        return _svg(title, description, body)
    ticks = axis_ticks(present, unit, include_zero=include_zero)
    low, high = ticks[0], ticks[-1]
    y = _scale(low, high, TOP, plot_bottom)
    step = (WIDTH - LEFT - RIGHT) / max(len(x_labels) - 1, 1)
    xs = [LEFT + index * step if len(x_labels) > 1 else (LEFT + WIDTH - RIGHT) / 2 for index in range(len(x_labels))]
    body.append(f'<line x1="{LEFT}" y1="{plot_bottom}" x2="{WIDTH - RIGHT}" y2="{plot_bottom}" stroke="#000"/>')
    body.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{plot_bottom}" stroke="#000"/>')
    for tick in ticks:
        body.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" stroke="#d0d0d0"/>')
        body.append(_label(LEFT - 6, y(tick) + 4, value_format(tick), anchor="end", size=11))
    if low > 0 or high < 0:
        body.append(_axis_break(LEFT, plot_bottom - 8))
    for x, label in zip(xs, x_labels, strict=True):
        body.append(
            f'<text x="{x:.1f}" y="{plot_bottom + 18}" text-anchor="middle" {FONT} font-size="12">{_text(label)}</text>'
        )
    body.append(
        f'<text x="14" y="{(TOP + plot_bottom) / 2:.1f}" transform="rotate(-90 14 {(TOP + plot_bottom) / 2:.1f})" '
        f'text-anchor="middle" {FONT} font-size="12">{_text(y_label)}</text>'
    )
    end_labels: list[tuple[float, float, list[str]]] = []  # (y, x, lines) at the end of each line
    for index, one in enumerate(series):
        colour, dash, shape = SERIES_STYLES[index % len(SERIES_STYLES)]
        points = [(x, y(v)) for x, v in zip(xs, one.values, strict=True) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        body.extend(_marker(shape, px, py, colour) for px, py in points)
        if points:
            last_value = [v for v in one.values if v is not None][-1]
            x = points[-1][0] + 10
            end_labels.append((points[-1][1], x, wrap_label(one.label, value_format(last_value), WIDTH - x - 4)))
    body.extend(_multiline_label(x, label_y + 4, lines) for label_y, x, lines in _spread(end_labels, LABEL_GAP))
    return _svg(title, description, body)


def interval_chart(
    title: str,
    description: str,
    intervals: Sequence[Interval],
    reference: float = 0.0,
    reference_label: str = "national average (0)",
) -> str:
    """Confidence intervals: one row per measure, a line from lower to upper limit with a point at the estimate,
    and a dashed reference line (0 = national average for progress scores)."""
    row_height = 42
    height = TOP + BOTTOM + row_height * max(len(intervals), 1)
    body: list[str] = []
    if not intervals:
        body.append(_label(WIDTH / 2, height / 2, "No progress scores to chart", anchor="middle", size=14))
        return _svg(title, description, body, height)
    left = 170
    right = WIDTH - 40
    low, high = _nice_bounds([reference, *(i.lower for i in intervals), *(i.upper for i in intervals)])
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return left + (value - low) / span * (right - left)

    plot_bottom = height - BOTTOM
    body.append(
        f'<line x1="{x(reference):.1f}" y1="{TOP - 10}" x2="{x(reference):.1f}" y2="{plot_bottom}" '
        'stroke="#000" stroke-dasharray="4 3"/>'
    )
    body.append(_label(x(reference), plot_bottom + 30, reference_label, anchor="middle", size=11))
    for tick in (low, high):
        body.append(_label(x(tick), plot_bottom + 14, f"{tick:+.1f}", anchor="middle", size=11))
    for index, interval in enumerate(intervals):
        row_y = TOP + row_height * index + row_height / 2
        body.append(_label(left - 10, row_y + 4, interval.label, anchor="end"))
        body.append(
            f'<line x1="{x(interval.lower):.1f}" y1="{row_y:.1f}" x2="{x(interval.upper):.1f}" y2="{row_y:.1f}" '
            'stroke="#1d3f72" stroke-width="3"/>'
        )
        for limit in (interval.lower, interval.upper):
            body.append(
                f'<line x1="{x(limit):.1f}" y1="{row_y - 6:.1f}" x2="{x(limit):.1f}" y2="{row_y + 6:.1f}" '
                'stroke="#1d3f72" stroke-width="2"/>'
            )
        body.append(_marker("circle", x(interval.estimate), row_y, "#000000"))
        # a white outline keeps the figures legible where they cross the reference line
        body.append(
            f'<text x="{x(interval.estimate):.1f}" y="{row_y - 10:.1f}" text-anchor="middle" {FONT} font-size="11" '
            'stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f"{interval.estimate:+.2f} ({interval.lower:+.2f} to {interval.upper:+.2f})</text>"
        )
    return _svg(title, description, body, height)
