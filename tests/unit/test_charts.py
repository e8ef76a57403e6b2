"""planner.charts: server-rendered SVG (no JavaScript, works offline and on paper)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from planner import charts

NS = "{http://www.w3.org/2000/svg}"
maybe = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e12, allow_nan=False, allow_infinity=False))


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == NS + "svg" and root.get("role") == "img"
    return root


def rects(root, cls):
    return [r for r in root.iter(NS + "rect") if r.get("class") == cls]


def test_bullet_draws_realisation_bar_target_marker_and_annual_track():
    root = parse(charts.bullet(50, 50, 100, status="tercapai", width=200, label="Realisasi 50"))
    bar, = rects(root, "bar")
    marker, = rects(root, "marker")
    assert bar.get("fill") == charts.STATUS_COLORS["tercapai"]
    assert abs(float(bar.get("width")) + 1 - (float(marker.get("x")) + 1)) < 2  # the bar ends at the marker
    assert root.find(NS + "title").text == "Realisasi 50"


def test_bullet_without_realisation_draws_no_bar_never_a_zero_bar():
    root = parse(charts.bullet(None, 25, 100))
    assert rects(root, "bar") == [] and len(rects(root, "marker")) == 1


def test_bullet_of_a_range_target_shades_the_band():
    root = parse(charts.bullet(7, None, None, band=(5, 10), width=100))
    assert any(r.get("fill") == "#c9e4d1" for r in root.iter(NS + "rect"))


def test_labels_are_escaped():
    svg = charts.stacked_bar([("<b>Tercapai</b> & co", 2, "#000")], label='"x" <y>')
    parse(svg)
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_line_chart_breaks_at_missing_values_and_marks_every_point():
    root = parse(charts.line_chart(["TW I", "TW II", "TW III"], [("Capaian", [80, None, 95], "#123456", False)]))
    assert len(list(root.iter(NS + "circle"))) == 2
    assert list(root.iter(NS + "polyline")) == []  # no two neighbours: no line across the gap
    root = parse(charts.line_chart(["a", "b"], [("Serapan", [10, 20], "#654321", True)]))
    line, = root.iter(NS + "polyline")
    assert line.get("stroke-dasharray")


def test_scatter_flags_spending_without_results():
    root = parse(charts.scatter([(90, 20, "K1", "boros"), (50, 60, "K2", "baik")], gap=25))
    groups = {g.get("data-label"): g.get("class") for g in root.iter(NS + "g")}
    assert groups == {"K1": "point flagged", "K2": "point"}
    named = [t.text for g in root.iter(NS + "g") for t in g.iter(NS + "text")]
    assert named == ["K1"]  # only the flagged point is labelled; every point keeps its tooltip
    assert [g.find(NS + "title").text for g in root.iter(NS + "g")] == ["boros", "baik"]


def test_stacked_bar_widths_follow_the_counts():
    root = parse(charts.stacked_bar([("a", 1, "#111"), ("b", 0, "#222"), ("c", 3, "#333")], width=400))
    widths = [float(r.get("width")) for r in root.iter(NS + "rect")][1:]
    assert widths == [100, 300]


def test_pair_bars_show_achievement_above_absorption():
    root = parse(charts.pair_bars(40, 95, status="kritis"))
    ach, = rects(root, "achievement")
    absorb, = rects(root, "absorption")
    assert float(ach.get("width")) < float(absorb.get("width")) and float(ach.get("y")) < float(absorb.get("y"))


@given(maybe, maybe, maybe)
def test_bullet_is_always_well_formed_and_inside_its_box(actual, target, annual):
    width = 180
    root = parse(charts.bullet(actual, target, annual, width=width))
    for r in root.iter(NS + "rect"):
        x, w = float(r.get("x")), float(r.get("width"))
        assert 0 <= x and w >= 0 and x + w <= width + 0.5


@given(st.lists(maybe, min_size=1, max_size=12))
def test_line_chart_is_well_formed_for_any_series(values):
    labels = [f"P{i}" for i in range(len(values))]
    svg = charts.line_chart(labels, [("A", values, "#000", False)])
    root = parse(svg)
    assert len(list(root.iter(NS + "circle"))) == sum(v is not None for v in values)
    assert not re.search(r"nan|inf", svg)


@given(st.lists(st.tuples(st.floats(0, 500), st.floats(0, 500)), max_size=20))
def test_scatter_points_stay_in_the_plot(points):
    width, height = 420, 300
    root = parse(charts.scatter([(x, y, "n", "t") for x, y in points], width=width, height=height))
    for c in root.iter(NS + "circle"):
        assert 0 <= float(c.get("cx")) <= width and 0 <= float(c.get("cy")) <= height
