"""Every page a household member reads speaks her words: no scale labels, leefgebied names, phases or kinds of
meting that need a professional to explain them. The same pages as the regisseur keep the professional words.

The household here is in the uitvoering, with goals, scores from both sides, someone on its network map and
an evaluation planned (tests/integration/test_evaluation.py: in_uitvoering)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import signed_in_as
from tests.integration.test_evaluation import in_uitvoering, planned_of
from tests.integration.test_network import grandmother_invited, sign_in_grandmother

# Professional words, and the professional names of leefgebieden that have a household name.
PROFESSIONAL = (
    "zelfredzaam",
    "acute problematiek",
    "ADL",
    "nulmeting",
    "tussenevaluatie",
    "eindmeting",
    "Fase:",
    "uitvoering",
    "triage",
    "Triage",
    "Maatschappelijke participatie",
    "Justitie",
    "Dagbesteding",
    "Financiën",
    "Huisvesting",
)


def visible(html: str) -> str:
    """The text a person sees: no scripts, styles or tags (option texts and button texts stay)."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def professional_words_in(text: str) -> list[str]:
    return [word for word in PROFESSIONAL if word in text]


async def test_every_household_page_uses_household_words_and_the_regisseur_keeps_hers(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    h = await in_uitvoering(db)
    base = h.base
    evaluation = await planned_of(db, h.household)
    await signed_in_as(client, db, h.sanne)
    # Scores ahead for the evaluation, and a few more, through the stepper.
    prepared = await submit(
        f"{base}/evaluaties/{evaluation.id}", f"{base}/evaluaties/{evaluation.id}/alvast-scoren", {}
    )
    assert prepared.status_code == 303
    for number, key, score in ((1, "financien", "3"), (8, "adl", "2"), (11, "justitie", "5")):
        stored = await submit(f"{base}/scores/stap/{number}", f"{base}/scores/leefgebied/{key}", {"score": score})
        assert stored.status_code == 303

    pages = [
        "/mijn",
        base,
        f"{base}/plan",
        f"{base}/plan/doelen/nieuw",
        f"{base}/akkoord",
        f"{base}/scores",
        f"{base}/scores/stap/1",
        f"{base}/scores/stap/8",
        f"{base}/scores/stap/10",
        f"{base}/scores/klaar",
        f"{base}/scores/verloop",
        f"{base}/tijdlijn",
        f"{base}/evaluaties",
        f"{base}/evaluaties/{evaluation.id}",
    ]
    for page in pages:
        response = await client.get(page)
        assert response.status_code == 200, page
        text = visible(response.text)
        assert professional_words_in(text) == [], f"{page}: {professional_words_in(text)}"

    # What she does see, in her words.
    scores = visible((await client.get(f"{base}/scores")).text)
    assert "Het gaat helemaal niet" in scores and "Dagelijkse dingen" in scores and "Politie en rechter" in scores
    overview = visible((await client.get(base)).text)
    assert "Waar jullie nu staan: jullie werken aan het plan" in overview
    plan = visible((await client.get(f"{base}/plan")).text)
    assert "Geld" in plan and "Je dag" in plan
    # Scored ahead for the evaluation: the stepper's summary leads back to it.
    done = await client.get(f"{base}/scores/klaar")
    assert f'href="{base}/evaluaties/{evaluation.id}"' in done.text
    history = visible((await client.get(f"{base}/scores/verloop")).text)
    assert "eerste keer scores" in history
    timeline = visible((await client.get(f"{base}/tijdlijn")).text)
    assert "Sanne gaf Dagelijkse dingen een 2." in timeline

    # The regisseur reads the same pages in her professional words.
    await signed_in_as(client, db, h.world.regisseur)
    expected = {
        base: ("Fase: uitvoering",),
        f"{base}/plan": ("Financiën", "Dagbesteding"),
        f"{base}/scores": ("acute problematiek", "volledig zelfredzaam", "ADL-vaardigheden", "Justitie"),
        f"{base}/scores/stap/8": ("ADL-vaardigheden", "acute problematiek"),
        f"{base}/scores/verloop": ("nulmeting", "Maatschappelijke participatie"),
        f"{base}/evaluaties/{evaluation.id}": ("Financiën",),
    }
    for page, words in expected.items():
        text = visible((await client.get(page)).text)
        for word in words:
            assert word in text, f"{page} as the regisseur: {word!r} missing"


async def test_a_network_member_reads_the_household_words_too(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _goal, _action, token = await grandmother_invited(client, db, submit)
    await sign_in_grandmother(client, token)
    for page in ("/mijn", f"/huishoudens/{household.id}", f"/huishoudens/{household.id}/plan"):
        response = await client.get(page)
        assert response.status_code == 200, page
        text = visible(response.text)
        assert professional_words_in(text) == [] and "Sociaal netwerk" not in text, page
    # Her goal's leefgebied, in the household's words.
    assert "Mensen om je heen" in visible((await client.get(f"/huishoudens/{household.id}/plan")).text)
