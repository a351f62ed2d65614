"""The netwerkkaart as server-rendered SVG: the household in the centre, three rings, the people on them.

Informal people (family, friends, neighbours) are circles, formal people (who help from their work or an
organisation) are squares, so the two differ without colour; the legend says so. Names are written beside
each mark; the page lists the same people for screen readers. As with the charts: no inline styles, all
words from the caller, escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from server.domain.models import Household
from server.domain.network.model import NetworkPerson
from server.domain.network.service import RINGS
from server.i18n import gettext as _
from server.views.charts import GRID, INK, SERIES_COLOURS, _n

SIZE = 400.0
CENTRE = SIZE / 2
RING_RADII = (78.0, 128.0, 178.0)
HOME_RADIUS = 36.0
LEGEND_HEIGHT = 84.0
INFORMAL_COLOUR, FORMAL_COLOUR = SERIES_COLOURS
MAX_LABEL = 16
# Rough width of one character at the names' font size, to keep names inside the map.
CHAR_WIDTH = 6.2


@dataclass(frozen=True)
class MapPerson:
    name: str
    ring: int  # 1 closest, 3 farthest
    is_formal: bool


@dataclass(frozen=True)
class MapWords:
    """The visible words of the map, translated by the caller."""

    title: str
    description: str
    centre: str
    informal: str
    formal: str
    rings: str


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1].rstrip() + "…"


def positions(people: Sequence[MapPerson]) -> list[tuple[float, float]]:
    """Where each person goes: on their own ring, and each at an angle of their own, evenly spread from the
    top, so that no two people stand in the same direction from the household."""
    placed = []
    for index, person in enumerate(people):
        radius = RING_RADII[min(max(person.ring, 1), len(RING_RADII)) - 1]
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(people), 1)
        placed.append((CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)))
    return placed


def _label_x(x: float, text: str) -> float:
    """The centre of a name under or above its mark, moved inwards where it would run off the map."""
    half = len(text) * CHAR_WIDTH / 2
    return min(max(x, half + 2), SIZE - half - 2)


def _mark(x: float, y: float, formal: bool) -> str:
    if formal:
        return (
            f'<rect class="map__formal" x="{_n(x - 8)}" y="{_n(y - 8)}" width="16" height="16" '
            f'fill="{FORMAL_COLOUR}" stroke="#ffffff" stroke-width="1.5"/>'
        )
    return (
        f'<circle class="map__informal" cx="{_n(x)}" cy="{_n(y)}" r="8.5" fill="{INFORMAL_COLOUR}" '
        'stroke="#ffffff" stroke-width="1.5"/>'
    )


def network_map(people: Sequence[MapPerson], words: MapWords, *, map_id: str = "netwerkkaart") -> Markup:
    """The map as an ``<svg>`` with a title, a description and a legend."""
    height = SIZE + LEGEND_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-map" viewBox="0 0 {_n(SIZE)} {_n(height)}" '
        f'role="img" aria-labelledby="{escape(map_id)}-title {escape(map_id)}-desc">',
        f'<title id="{escape(map_id)}-title">{escape(words.title)}</title>',
        f'<desc id="{escape(map_id)}-desc">{escape(words.description)}</desc>',
        '<g class="map__rings" fill="none">',
    ]
    parts += [
        f'<circle cx="{_n(CENTRE)}" cy="{_n(CENTRE)}" r="{_n(r)}" stroke="{GRID}" stroke-width="1" '
        'stroke-dasharray="4 4"/>'
        for r in RING_RADII
    ]
    parts.append("</g>")
    parts.append(
        f'<circle cx="{_n(CENTRE)}" cy="{_n(CENTRE)}" r="{_n(HOME_RADIUS)}" fill="#ffffff" stroke="{INK}" '
        'stroke-width="2"/>'
        f'<text x="{_n(CENTRE)}" y="{_n(CENTRE + 4)}" font-size="12" font-weight="700" fill="{INK}" '
        f'text-anchor="middle">{escape(_short(words.centre))}</text>'
    )
    parts.append(f'<g class="map__people" font-size="11" fill="{INK}">')
    for person, (x, y) in zip(people, positions(people), strict=True):
        parts.append(_mark(x, y, person.is_formal))
        name = _short(person.name)
        label_y = y + 22 if y >= CENTRE - 1 else y - 14
        parts.append(f'<text x="{_n(_label_x(x, name))}" y="{_n(label_y)}" text-anchor="middle">{escape(name)}</text>')
    parts.append("</g>")
    top = SIZE + 16
    parts.append(
        f'<g class="map__legend" font-size="12" fill="{INK}">'
        f"{_mark(16, top + 10, False)}"
        f'<text x="32" y="{_n(top + 14)}">{escape(words.informal)}</text>'
        f"{_mark(16, top + 34, True)}"
        f'<text x="32" y="{_n(top + 38)}">{escape(words.formal)}</text>'
        f'<line x1="6" y1="{_n(top + 58)}" x2="26" y2="{_n(top + 58)}" stroke="{GRID}" stroke-dasharray="4 4"/>'
        f'<text x="32" y="{_n(top + 62)}">{escape(words.rings)}</text>'
        "</g></svg>"
    )
    return Markup("".join(parts))  # noqa: S704 - every text from callers is escaped above


def _describe(people: list[NetworkPerson]) -> str:
    if not people:
        return _("Er staat nog niemand op de kaart.")
    counts = {ring: sum(1 for p in people if p.ring == ring) for ring in RINGS}
    return _(
        "Jullie huishouden in het midden. Heel dichtbij: %(one)s, dichtbij: %(two)s, verder weg: %(three)s "
        "mensen. De lijst hieronder noemt iedereen."
    ) % {"one": counts[1], "two": counts[2], "three": counts[3]}


def household_map(household: Household, involved: list[NetworkPerson]) -> Markup:
    """The netwerkkaart of the people the household wants involved; also drawn in the dossier."""
    words = MapWords(
        title=_("Netwerkkaart van %(name)s") % {"name": household.name},
        description=_describe(involved),
        centre=household.name,
        informal=_("rondje: familie, vrienden, buren (informeel)"),
        formal=_("vierkantje: vanuit werk of een organisatie (formeel)"),
        rings=_("ringen: hoe verder van het midden, hoe minder dichtbij"),
    )
    return network_map([MapPerson(p.name, p.ring, p.is_formal) for p in involved], words)
