"""Every built-in set speaks the household's language: each step of the scale and each leefgebied has
household words, they are marked for the translators, and a gemeente's own set falls back sensibly."""

from __future__ import annotations

import re

import pytest

from server.domain.errors import InvalidInput
from server.domain.ratings.instruments import built_in, parse_definition
from server.domain.ratings.words import HOUSEHOLD_WORDS

# Words a household member should not have to ask a professional about.
PROFESSIONAL = re.compile(
    r"zelfredzaam|problematiek|ADL|participatie|justitie|psycholog|criminaliteit|openbare orde|dagbesteding"
    r"|huisvesting|nulmeting|tussenevaluatie|eindmeting|maatschappelijk",
    re.IGNORECASE,
)


@pytest.mark.parametrize("key", sorted(built_in()))
def test_every_built_in_step_and_leefgebied_has_household_words(key: str) -> None:
    instrument = built_in()[key]
    for step in instrument.scale:
        assert step.household, f"{key}: step {step.score} has no household label"
        assert not PROFESSIONAL.search(step.household), step.household
    labels = [s.household for s in instrument.scale]
    assert len(set(labels)) == len(labels), "two steps read the same to the household"
    for domain in instrument.domains:
        assert domain.household_name, f"{key}: {domain.key} has no household name"
        assert domain.plain_description, f"{key}: {domain.key} has no one-line explanation"
        for text in (domain.plain_name, domain.plain_description):
            assert not PROFESSIONAL.search(text), f"{key}: {domain.key}: {text!r}"
            assert len(text) <= 80, f"{key}: {domain.key}: more than one short line"


def test_the_household_words_are_marked_for_the_translators() -> None:
    shown = {
        text
        for instrument in built_in().values()
        for text in (
            *(s.household_label for s in instrument.scale),
            *(d.plain_name for d in instrument.domains),
            *(d.plain_description for d in instrument.domains),
        )
    }
    assert shown <= set(HOUSEHOLD_WORDS), sorted(shown - set(HOUSEHOLD_WORDS))


def test_the_scale_reads_from_not_at_all_to_fine() -> None:
    zrm = built_in()["zrm11"]
    assert [s.household for s in zrm.scale] == [
        "Het gaat helemaal niet",
        "Het gaat slecht",
        "Het gaat matig",
        "Het gaat goed",
        "Het gaat prima",
    ]
    adl = zrm.domain("adl")
    assert adl is not None and (adl.name, adl.plain_name) == ("ADL-vaardigheden", "Dagelijkse dingen")
    plain = zrm.in_household_words()
    assert plain.domain_name("participatie") == "Meedoen" and plain.domain_name("justitie") == "Politie en rechter"
    assert plain.step(1) is not None and plain.step(1).label == "Het gaat helemaal niet"  # type: ignore[union-attr]
    # The professional set itself is unchanged.
    assert zrm.domain_name("adl") == "ADL-vaardigheden" and zrm.step(1).label == "acute problematiek"  # type: ignore[union-attr]


def test_a_gemeentes_own_set_may_bring_household_words_and_falls_back_without() -> None:
    own = parse_definition(
        {
            "key": "eigen",
            "name": "Onze set",
            "scale": [
                {"score": 1, "label": "zorgelijk", "household": "  Niet goed "},
                {"score": 2, "label": "stabiel"},
                {"score": 3, "label": "sterk", "household": "Heel goed"},
            ],
            "domains": [
                {
                    "key": "wonen",
                    "name": "Woonsituatie",
                    "household_name": "Je huis",
                    "household_description": "Waar je woont.",
                },
                {"key": "geld", "name": "Financiële situatie", "description": "Inkomen en uitgaven."},
            ],
        }
    )
    assert [s.household_label for s in own.scale] == ["Niet goed", "stabiel", "Heel goed"]
    wonen, geld = own.domains
    assert (wonen.plain_name, wonen.plain_description) == ("Je huis", "Waar je woont.")
    assert (geld.plain_name, geld.plain_description) == ("Financiële situatie", "Inkomen en uitgaven.")
    translated = own.in_household_words(str.upper)
    assert translated.domain_name("wonen") == "JE HUIS" and translated.step(2).label == "STABIEL"  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        parse_definition({"key": "leeg", "name": "Leeg", "scale": [], "domains": []})
