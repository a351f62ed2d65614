"""Server-rendered SVG charts of the ratings: a spider chart and a small progress chart per leefgebied.

Plain SVG 1.1 so that the same markup works in a page and in the PDF. No style attributes or <style>
elements (the Content-Security-Policy forbids inline styles): presentation attributes and classes only.
Readable without colour: series differ by line pattern and marker shape, and numbers are written out.
All visible words come from the caller, escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#1a1a1a"
GRID = "#8a8f98"
SERIES_COLOURS = ("#154273", "#7a4100")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | None]
    dashed: bool = False


def _n(value: float) -> str:
    """A coordinate rounded to one decimal, without a trailing '.0'."""
    rounded = round(value, 1)
    if rounded == 0:
        rounded = 0.0
    text = f"{rounded:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _open(chart_id: str, width: float, height: float, title: str, description: str, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{kind}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def _marker(x: float, y: float, colour: str, square: bool) -> str:
    if square:
        return (
            f'<rect class="chart__marker" x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
        )
    return (
        f'<circle class="chart__marker" cx="{_n(x)}" cy="{_n(y)}" r="4.5" fill="{colour}" '
        'stroke="#ffffff" stroke-width="1"/>'
    )


def _wrap(label: str, width: int = 14) -> list[str]:
    """Split a long leefgebied name over at most two lines, at spaces or slashes."""
    if len(label) <= width:
        return [label]
    words = label.replace("/", "/ ").split()
    first: list[str] = []
    while words and len(" ".join([*first, words[0]])) <= width:
        first.append(words.pop(0))
    if not first:
        first, words = [words[0]], words[1:]
    rest = " ".join(words)
    if len(rest) > width + 4:
        rest = rest[: width + 3].rstrip() + "…"
    return [" ".join(first).replace("/ ", "/"), rest.replace("/ ", "/")] if rest else [" ".join(first)]


def spider_chart(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    scale_max: int,
    title: str,
    description: str,
    chart_id: str,
) -> Markup:
    """A radar chart: one axis per leefgebied, rings for 1..scale_max, one polygon per series, legend below."""
    size, cx, cy, radius = 480.0, 240.0, 200.0, 128.0
    legend_top = cy + radius + 62
    height = legend_top + 22 * len(series) + 8
    parts = _open(chart_id, size, height, title, description, "spider")
    count = max(len(axes), 1)

    def point(index: int, score: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * score / scale_max
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    parts.append('<g class="chart__grid" fill="none">')
    for step in range(1, scale_max + 1):
        ring = [point(i, step) for i in range(count)]
        if count >= 3:
            joined = " ".join(f"{_n(x)},{_n(y)}" for x, y in ring)
            parts.append(f'<polygon points="{joined}" stroke="{GRID}" stroke-width="0.8"/>')
        else:
            ring_radius = _n(radius * step / scale_max)
            parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{ring_radius}" stroke="{GRID}" stroke-width="0.8"/>')
    for index in range(count):
        x, y = point(index, scale_max)
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID}" stroke-width="0.8"/>'
        )
    parts.append("</g>")
    parts.append(f'<g class="chart__scale" font-size="10" fill="{INK}" text-anchor="end">')
    for step in range(1, scale_max + 1):
        _x, y = point(0, step)
        parts.append(f'<text x="{_n(cx - 4)}" y="{_n(y + 3.5)}">{step}</text>')
    parts.append("</g>")

    parts.append(f'<g class="chart__axes" font-size="11.5" fill="{INK}">')
    for index, label in enumerate(axes):
        x, y = point(index, scale_max * 1.13)
        anchor = "middle" if abs(x - cx) < 12 else ("start" if x > cx else "end")
        lines = _wrap(label)
        top = y - 6 * (len(lines) - 1) + (4 if y > cy else 0)
        parts.append(f'<text x="{_n(x)}" y="{_n(top)}" text-anchor="{anchor}">')
        for number, line in enumerate(lines):
            dy = "0" if number == 0 else "13"
            parts.append(f'<tspan x="{_n(x)}" dy="{dy}">{escape(line)}</tspan>')
        parts.append("</text>")
    parts.append("</g>")

    for number, item in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        scored = [(i, v) for i, v in enumerate(item.values[:count]) if v is not None]
        points = [point(i, v) for i, v in scored]
        parts.append(f'<g class="chart__series chart__series--{number + 1}">')
        if len(points) >= 3:
            joined = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            parts.append(
                f'<polygon points="{joined}" fill="{colour}" fill-opacity="0.08" '
                f'stroke="{colour}" stroke-width="2.2"{dash}/>'
            )
        elif len(points) == 2:
            (x1, y1), (x2, y2) = points
            parts.append(
                f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                f'stroke="{colour}" stroke-width="2.2"{dash}/>'
            )
        parts.extend(_marker(x, y, colour, item.dashed) for x, y in points)
        parts.append("</g>")

    parts.append(f'<g class="chart__legend" font-size="12" fill="{INK}">')
    for number, item in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        y = legend_top + 22 * number
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        parts.append(f'<line x1="20" y1="{_n(y)}" x2="52" y2="{_n(y)}" stroke="{colour}" stroke-width="2.2"{dash}/>')
        parts.append(_marker(36, y, colour, item.dashed))
        parts.append(f'<text x="60" y="{_n(y + 4)}">{escape(item.label)}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - every text from callers is escaped above


def progress_chart(
    points: Sequence[tuple[str, int]],
    *,
    scale_min: int,
    scale_max: int,
    title: str,
    description: str,
    chart_id: str,
) -> Markup:
    """One leefgebied over time: a line through the scores, each written beside its marker."""
    width, height = 320.0, 170.0
    left, right, top, bottom = 30.0, 14.0, 16.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = _open(chart_id, width, height, title, description, "progress")
    span = max(scale_max - scale_min, 1)

    def y_of(score: float) -> float:
        return top + plot_h * (1 - (score - scale_min) / span)

    parts.append(f'<g class="chart__grid" font-size="10" fill="{INK}" text-anchor="end">')
    for step in range(scale_min, scale_max + 1):
        y = y_of(step)
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(width - right)}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        parts.append(f'<text x="{_n(left - 6)}" y="{_n(y + 3.5)}">{step}</text>')
    parts.append("</g>")
    if not points:
        parts.append(
            f'<text x="{_n(left + plot_w / 2)}" y="{_n(top + plot_h / 2)}" font-size="12" fill="{INK}" '
            f'text-anchor="middle">{escape(description)}</text></svg>'
        )
        return Markup("".join(parts))  # noqa: S704 - escaped above

    step_x = plot_w / max(len(points) - 1, 1)
    coords = [
        (left + (step_x * i if len(points) > 1 else plot_w / 2), y_of(score))
        for i, (_label, score) in enumerate(points)
    ]
    colour = SERIES_COLOURS[0]
    if len(coords) > 1:
        joined = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
        parts.append(f'<polyline points="{joined}" fill="none" stroke="{colour}" stroke-width="2.2"/>')
    parts.append(f'<g class="chart__points" font-size="11" fill="{INK}">')
    # With many measurements only the first and last dates fit under the line; the caller's table has all.
    dated = {0, len(points) - 1} if len(points) > 4 else set(range(len(points)))
    for index, ((label, score), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(_marker(x, y, colour, square=False))
        label_y = y - 8 if score < scale_max else y + 16
        parts.append(f'<text x="{_n(x)}" y="{_n(label_y)}" text-anchor="middle" font-weight="700">{score}</text>')
        if index not in dated:
            continue
        anchor = "start" if x <= left + 1 else ("end" if x >= width - right - 1 else "middle")
        parts.append(
            f'<text x="{_n(x)}" y="{_n(height - 14)}" text-anchor="{anchor}" font-size="10">{escape(label)}</text>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - escaped above
