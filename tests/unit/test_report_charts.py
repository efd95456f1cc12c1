"""Charts are small SVG files: a title and a description that state the figures, series told apart by line
style, marker and label as well as colour, and intervals drawn as a line between the limits with a point."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dagster_project.lib.report_charts import Interval, Series, interval_chart, line_chart

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
    labels = [t.text for t in root.iter(f"{SVG}text")]
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
