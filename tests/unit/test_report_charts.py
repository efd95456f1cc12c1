"""Charts are small SVG files: a title and a description that state the figures, series told apart by line
style, marker and label as well as colour, and intervals drawn as a line between the limits with a point."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dagster_project.lib.reports.report_charts import (
    CHARACTER_WIDTH,
    WIDTH,
    Interval,
    Series,
    axis_ticks,
    interval_chart,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_line_chart_has_title_description_and_a_labelled_distinct_line_per_series():
    svg = line_chart(
        "KS2 RWM",
        "Kingsmere 55%, 58%, 61%",
        ["2021-22", "2022-23", "2023-24"],
        [Series("Kingsmere", [55, 58, 61]), Series("National", [58, 59, None])],
        "% meeting the expected standard",
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "KS2 RWM"
    assert root.find(f"{SVG}desc").text == "Kingsmere 55%, 58%, 61%"
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")  # not colour alone
    labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Kingsmere: 61" in labels and "National: 59" in labels  # each line named in words at its end


def test_interval_chart_draws_each_interval_as_a_line_with_a_point_at_the_estimate():
    svg = interval_chart("Progress", "Reading −2.0 (−3.4 to −0.6)", [Interval("Reading", -2.0, -3.4, -0.6)])
    root = ET.fromstring(svg)
    interval_lines = [line for line in root.findall(f"{SVG}line") if line.get("stroke-width") == "3"]
    assert len(interval_lines) == 1
    x1, x2 = float(interval_lines[0].get("x1")), float(interval_lines[0].get("x2"))
    point = root.find(f"{SVG}circle")
    assert x1 < float(point.get("cx")) < x2
    assert any("−2.00" in (t.text or "") or "-2.00" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_chart_text_is_escaped():
    svg = line_chart("<script>", "a & b", ["2024"], [Series("<b>School</b>", [1.0])], "y")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed
    assert re.search(r"&lt;b&gt;School&lt;/b&gt;", svg)


def _tick_values(svg: str) -> list[float]:
    """The y-axis tick labels (right-aligned text left of the axis)."""
    root = ET.fromstring(svg)
    return [
        float(t.text.rstrip("%").replace("\u2212", "-"))
        for t in root.iter(f"{SVG}text")
        if t.get("text-anchor") == "end" and t.text
    ]


def test_a_few_points_difference_is_not_stretched_to_fill_the_chart():
    svg = line_chart(
        "KS2 RWM",
        "d",
        ["2022-23", "2023-24", "2024-25"],
        [Series("Kingsmere", [68, 66, 66]), Series("Region", [61, 62, 62])],
        "Per cent",
        lambda v: f"{v:.0f}%",
        unit="percent",
    )
    ticks = _tick_values(svg)
    assert max(ticks) - min(ticks) >= 20  # 61% to 68% no longer spans the whole axis
    assert min(ticks) <= 61 and max(ticks) >= 68 and max(ticks) <= 100
    slanted = [
        line
        for line in ET.fromstring(svg).findall(f"{SVG}line")
        if line.get("y1") != line.get("y2") and line.get("x1") != line.get("x2")
    ]
    assert len(slanted) == 2, "an axis that does not start at zero shows a break mark"


def test_an_axis_that_starts_at_zero_has_no_break_mark_and_gaps_keep_zero_on_the_axis():
    svg = line_chart(
        "Gap", "d", ["2023-24", "2024-25"], [Series("Kingsmere", [-21, -20])], "Gap", unit="percent", include_zero=True
    )
    assert max(_tick_values(svg)) == 0
    lines = ET.fromstring(svg).findall(f"{SVG}line")
    assert not [line for line in lines if line.get("y1") != line.get("y2") and line.get("x1") != line.get("x2")]
    assert axis_ticks([95, 99], "percent")[-1] == 100


def test_line_end_labels_stay_inside_the_chart_even_for_a_long_school_name():
    name = "Linmere Church of England Voluntary Controlled Primary School and Nursery"
    svg = line_chart(
        "KS2 RWM",
        "d",
        ["2022-23", "2023-24", "2024-25"],
        [Series(name, [70, 72, 74]), Series("Statistical neighbours", [62, 63, 63]), Series("National", [61, 62, 63])],
        "Per cent",
        lambda v: f"{v:.0f}%",
        unit="percent",
    )
    root = ET.fromstring(svg)
    for text in root.iter(f"{SVG}text"):
        if text.get("transform"):
            continue
        size = float(text.get("font-size"))
        for piece in [text, *text.findall(f"{SVG}tspan")]:
            if piece.text:
                x = float(piece.get("x"))
                anchor = text.get("text-anchor", "start")
                width = len(piece.text) * size * CHARACTER_WIDTH
                right = x + (width if anchor == "start" else width / 2 if anchor == "middle" else 0)
                assert right <= WIDTH, (piece.text, right)
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "74%" in words and "Linmere" in words
