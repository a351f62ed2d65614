"""Instruments are data: the shipped sets, a gemeente's own set, and the scale shown as number, smiley, light."""

from __future__ import annotations

import pytest

from server.domain.errors import InvalidInput
from server.domain.ratings.instruments import built_in, parse_definition


def test_the_three_shipped_sets_have_their_leefgebieden_and_the_five_step_scale() -> None:
    sets = built_in()
    assert [len(sets[key].domains) for key in ("zrm11", "team16", "stade5")] == [11, 5, 5]
    zrm = sets["zrm11"]
    assert zrm.domain_name("sociaal_netwerk") == "Sociaal netwerk"
    assert [s.label for s in zrm.scale] == [
        "acute problematiek",
        "niet zelfredzaam",
        "beperkt zelfredzaam",
        "voldoende zelfredzaam",
        "volledig zelfredzaam",
    ]
    assert sets["team16"].domain_name("inkomen_schulden") == "Inkomen/Schulden"


def test_the_scale_runs_from_red_to_green_and_from_sad_to_happy() -> None:
    scale = built_in()["zrm11"].scale
    assert [s.light for s in scale] == ["rood", "oranje", "geel", "lichtgroen", "groen"]
    assert [s.mood for s in scale] == [0, 1, 2, 3, 4]


def test_a_scale_of_another_length_still_spans_the_whole_light() -> None:
    three = parse_definition(
        {
            "key": "kort",
            "name": "Lukt het een beetje?",
            "scale": [{"score": 1, "label": "nee"}, {"score": 2, "label": "een beetje"}, {"score": 3, "label": "ja"}],
            "domains": [{"key": "thuis", "name": "Thuis"}],
        }
    )
    assert [s.light for s in three.scale] == ["rood", "geel", "groen"]
    assert three.has_score(3) and not three.has_score(4)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "Met Hoofdletters"}, "key"),
        ({"name": ""}, "name"),
        ({"scale": [{"score": 1, "label": "alleen"}]}, "scale"),
        ({"scale": [{"score": 1, "label": "a"}, {"score": 1, "label": "b"}]}, "scale"),
        ({"domains": []}, "domains"),
        ({"domains": [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}]}, "domains"),
    ],
)
def test_an_incomplete_set_is_refused_with_a_dutch_message(change: dict[str, object], field: str) -> None:
    data: dict[str, object] = {
        "key": "eigen",
        "name": "Eigen set",
        "scale": [{"score": 1, "label": "slecht"}, {"score": 2, "label": "goed"}],
        "domains": [{"key": "wonen", "name": "Wonen"}],
    }
    data.update(change)
    with pytest.raises(InvalidInput) as refused:
        parse_definition(data)
    assert field in refused.value.errors
