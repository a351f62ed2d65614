"""The SVG charts: accessible, no inline styles, readable without colour, drawn to scale."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from server.views.charts import Series, progress_chart, spider_chart

SVG = "{http://www.w3.org/2000/svg}"
AXES = ["Financiën", "Dagbesteding", "Huisvesting", "Maatschappelijke participatie", "Sociaal netwerk"]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def spider(series: list[Series], axes: list[str] = AXES) -> ET.Element:
    return parse(spider_chart(axes, series, scale_max=5, title="Scores", description="Uitleg", chart_id="t"))


def test_spider_chart_is_an_accessible_image_without_inline_styles() -> None:
    root = spider([Series("Nu", [1, 2, 3, 4, 5])])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").text == "Scores"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Uitleg"  # type: ignore[union-attr]
    assert root.get("width") is None and root.get("viewBox")
    assert all(el.get("style") is None for el in root.iter())
    assert root.find(f".//{SVG}style") is None
    # A long name is wrapped over two lines (tspans); the words are all there.
    texts = " ".join(" ".join(el.itertext()) for el in root.iter(f"{SVG}text"))
    for word in ("Financiën", "Dagbesteding", "Huisvesting", "Maatschappelijke", "participatie", "Sociaal", "netwerk"):
        assert word in texts


def test_series_differ_by_pattern_and_marker_shape_and_unscored_axes_get_no_marker() -> None:
    root = spider([Series("Nu", [1, 2, None, 4, 5]), Series("Begin", [1, 1, 1, 1, 1], dashed=True)])
    solid, dashed = (
        root.findall(f".//{SVG}g[@class='chart__series chart__series--1']"),
        root.findall(f".//{SVG}g[@class='chart__series chart__series--2']"),
    )
    assert len(solid[0].findall(f"{SVG}circle")) == 4
    assert solid[0].findall(f"{SVG}rect") == []
    assert len(dashed[0].findall(f"{SVG}rect")) == 5
    assert dashed[0].find(f"{SVG}polygon").get("stroke-dasharray")  # type: ignore[union-attr]
    assert solid[0].find(f"{SVG}polygon").get("stroke-dasharray") is None  # type: ignore[union-attr]
    legend = " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))
    assert "Nu" in legend and "Begin" in legend


def _markers(root: ET.Element) -> list[tuple[float, float]]:
    group = root.find(f".//{SVG}g[@class='chart__series chart__series--1']")
    assert group is not None
    return [(float(c.get("cx", 0)), float(c.get("cy", 0))) for c in group.findall(f"{SVG}circle")]


def test_higher_scores_lie_farther_from_the_centre_and_the_maximum_on_the_outer_ring() -> None:
    root = spider([Series("Nu", [1, 2, 3, 4, 5])])
    centre_x = float(root.find(f".//{SVG}line").get("x1", 0))  # type: ignore[union-attr]
    centre_y = float(root.find(f".//{SVG}line").get("y1", 0))  # type: ignore[union-attr]
    distances = [math.dist((centre_x, centre_y), p) for p in _markers(root)]
    assert distances == sorted(distances)
    outer = root.findall(f".//{SVG}g[@class='chart__grid']/{SVG}polygon")[-1]
    first_corner = outer.get("points", "").split()[4]
    corner = tuple(float(v) for v in first_corner.split(","))
    assert math.isclose(distances[-1], math.dist((centre_x, centre_y), corner), abs_tol=0.2)


def test_text_from_callers_is_escaped_and_output_is_deterministic() -> None:
    markup = spider_chart(
        ["<script>x</script>", "A & B", "C"],
        [Series("<b>nu</b>", [1, 2, 3])],
        scale_max=5,
        title="T & T",
        description="<desc>",
        chart_id="x",
    )
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "A &amp; B" in markup
    parse(markup)
    again = spider_chart(
        ["<script>x</script>", "A & B", "C"],
        [Series("<b>nu</b>", [1, 2, 3])],
        scale_max=5,
        title="T & T",
        description="<desc>",
        chart_id="x",
    )
    assert markup == again


def test_progress_chart_writes_each_score_and_draws_higher_scores_higher() -> None:
    root = parse(
        progress_chart(
            [("3 maart", 1), ("2 juni", 3), ("1 sept", 2)],
            scale_min=1,
            scale_max=5,
            title="Sociaal netwerk",
            description="Scores",
            chart_id="p",
        )
    )
    assert root.get("role") == "img"
    points = root.find(f".//{SVG}g[@class='chart__points']")
    assert points is not None
    ys = [float(c.get("cy", 0)) for c in points.findall(f"{SVG}circle")]
    assert ys[1] < ys[2] < ys[0]
    labels = [t.text for t in points.findall(f"{SVG}text") if t.get("font-weight") == "700"]
    assert labels == ["1", "3", "2"]
    assert all(el.get("style") is None for el in root.iter())


def test_an_empty_progress_chart_says_so_and_is_valid_svg() -> None:
    root = parse(
        progress_chart([], scale_min=1, scale_max=5, title="Leeg", description="Nog geen scores.", chart_id="e")
    )
    assert "Nog geen scores." in "".join(root.itertext())
    assert root.findall(f".//{SVG}circle") == []
