"""The netwerkkaart SVG: people on their ring, informal and formal told apart by shape, names escaped."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from server.views.network_map import CENTRE, RING_RADII, MapPerson, MapWords, network_map, positions

SVG = "{http://www.w3.org/2000/svg}"
WORDS = MapWords(
    title="Netwerkkaart",
    description="Uitleg",
    centre="De Vries",
    informal="rondje: informeel",
    formal="vierkantje: formeel",
    rings="ringen",
)
PEOPLE = [
    MapPerson("Oma Ineke", 1, False),
    MapPerson("Fleur", 1, False),
    MapPerson("Juf Mirjam", 2, True),
    MapPerson("Huisarts", 3, True),
    MapPerson("Voetbalclub", 3, False),
]


def draw(people: list[MapPerson]) -> ET.Element:
    return ET.fromstring(str(network_map(people, WORDS)))


def test_everyone_stands_on_their_own_ring() -> None:
    for person, (x, y) in zip(PEOPLE, positions(PEOPLE), strict=True):
        distance = math.hypot(x - CENTRE, y - CENTRE)
        assert math.isclose(distance, RING_RADII[person.ring - 1], abs_tol=0.01), person.name


def test_people_on_one_ring_do_not_overlap() -> None:
    crowd = [MapPerson(f"Buur {i}", 2, False) for i in range(8)]
    spots = positions(crowd)
    closest = min(math.dist(a, b) for i, a in enumerate(spots) for b in spots[i + 1 :])
    assert closest > 40


def test_informal_people_are_circles_and_formal_people_squares_with_a_legend() -> None:
    root = draw(PEOPLE)
    people = root.find(f"{SVG}g[@class='map__people']")
    assert people is not None
    assert len(people.findall(f"{SVG}circle[@class='map__informal']")) == 3
    assert len(people.findall(f"{SVG}rect[@class='map__formal']")) == 2
    texts = [t.text for t in people.iter(f"{SVG}text")]
    assert texts == ["Oma Ineke", "Fleur", "Juf Mirjam", "Huisarts", "Voetbalclub"]
    legend = root.find(f"{SVG}g[@class='map__legend']")
    assert legend is not None
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["rondje: informeel", "vierkantje: formeel", "ringen"]


def test_the_map_is_an_accessible_image_without_inline_styles_and_escapes_names() -> None:
    root = draw([MapPerson('<script>"x"</script>', 2, False)])
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Netwerkkaart"  # type: ignore[union-attr]
    assert all(el.get("style") is None for el in root.iter())
    assert root.find(f".//{SVG}script") is None
    long_names = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any(name.startswith("<script>") and name.endswith("…") for name in long_names)


def test_an_empty_map_shows_the_household_and_the_rings() -> None:
    root = draw([])
    rings = root.find(f"{SVG}g[@class='map__rings']")
    assert rings is not None and len(rings.findall(f"{SVG}circle")) == 3
    assert "De Vries" in [t.text for t in root.iter(f"{SVG}text")]
