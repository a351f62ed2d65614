"""Draw the PNG icons of the web app manifest from the design of web/static/icons/icon.svg.

Run ``.venv/bin/python tools/make_icons.py`` after changing the SVG; the PNG files are committed, so the
server needs no image library. The shapes below are the SVG's, in its own 64x64 units: a dark blue
rounded square, a white arc (a cubic curve with round caps) and a yellow sun. Pillow has no SVG reader, so
they are drawn again here; each image is drawn four times larger and scaled down, for smooth edges.

- ``icon-192.png`` and ``icon-512.png``: the SVG as it is, rounded corners transparent;
- ``icon-maskable-512.png``: a full square of the background with the motif shrunk into the safe zone
  (the circle of 40% of the width round the centre that every mask keeps);
- ``apple-touch-icon.png`` (180x180): a full square, as iOS rounds the corners itself and shows
  transparency as black.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "web" / "static" / "icons"

# From icon.svg (the background is --basis-color-primary in web/static/css/tokens.css).
VIEWBOX = 64.0
BACKGROUND = "#154273"
CORNER_RADIUS = 14.0
ARC = ((14.0, 40.0), (20.0, 30.0), (26.0, 26.0), (32.0, 26.0), (38.0, 26.0), (44.0, 30.0), (50.0, 40.0))
ARC_COLOUR = "#ffffff"
ARC_WIDTH = 5.0
SUN_CENTRE = (32.0, 20.0)
SUN_RADIUS = 7.0
SUN_COLOUR = "#ffdd00"

SUPERSAMPLE = 4
# Shrinking the motif by this much round the centre keeps its farthest point (the arc's ends) well inside
# the maskable safe zone: about 18 of the 25.6 units allowed.
MASKABLE_MOTIF_SCALE = 0.8

Point = tuple[float, float]


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int) -> list[Point]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return points


def draw_icon(size: int, *, full_bleed: bool, motif_scale: float = 1.0) -> Image.Image:
    canvas = size * SUPERSAMPLE
    unit = canvas / VIEWBOX
    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, canvas, canvas), fill=BACKGROUND)
    else:
        draw.rounded_rectangle((0, 0, canvas - 1, canvas - 1), radius=CORNER_RADIUS * unit, fill=BACKGROUND)

    def place(point: Point) -> Point:
        centre = VIEWBOX / 2
        return (
            (centre + (point[0] - centre) * motif_scale) * unit,
            (centre + (point[1] - centre) * motif_scale) * unit,
        )

    # A stroke with round caps and joins is the union of discs along the curve.
    stroke_radius = ARC_WIDTH / 2 * motif_scale * unit
    curve = _bezier(*ARC[0:4], steps=400) + _bezier(*ARC[3:7], steps=400)
    for x, y in map(place, curve):
        draw.ellipse((x - stroke_radius, y - stroke_radius, x + stroke_radius, y + stroke_radius), fill=ARC_COLOUR)
    sun_x, sun_y = place(SUN_CENTRE)
    sun_radius = SUN_RADIUS * motif_scale * unit
    draw.ellipse((sun_x - sun_radius, sun_y - sun_radius, sun_x + sun_radius, sun_y + sun_radius), fill=SUN_COLOUR)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    icons = {
        "icon-192.png": draw_icon(192, full_bleed=False),
        "icon-512.png": draw_icon(512, full_bleed=False),
        "icon-maskable-512.png": draw_icon(512, full_bleed=True, motif_scale=MASKABLE_MOTIF_SCALE),
        "apple-touch-icon.png": draw_icon(180, full_bleed=True).convert("RGB"),
    }
    for name, image in icons.items():
        # Three colours and their soft edges fit in a palette of 64: a third of the bytes of full colour, and
        # no difference to see (the apple-touch-icon is part of every page's first load).
        image = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        image.save(ICONS / name, optimize=True)
        print(f"{ICONS / name}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
