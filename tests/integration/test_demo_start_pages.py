"""Every demo professional lands on a start page with something to do (issue 13, "done when"): the visitor who
becomes Fatima, Ruud, Karin or Bram finds work waiting on /mijn, with a link to it."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.demo import load_demo
from server.domain.demo_people import DEMO_SLUG
from server.domain.models import Municipality, Person
from tests.factories import signed_in_as

# Who, and what each finds waiting on their start page (words of the page, and a link to the work).
WAITING = {
    # Her caseload, and the handover Joost offered her.
    "Fatima": ("Mijn huishoudens", "Overdrachten voor jou", "/overdracht/antwoord"),
    # De Vries' actions given to MEE, one overdue, and what households share with MEE.
    "Ruud": ("Samen twee plekken voor dagbesteding bekijken", "De aanvraag voor dagbesteding indienen", "De Vries"),
    # The open doorbraak of De Vries, the grant above the mandate, the team overview.
    "Karin": ("Huishouden De Vries", "/doorbraak/", "1 boeking wacht op je goedkeuring", 'href="/team"'),
    # Ilse's recovery link waiting for a second person, and the admin's pages.
    "Bram": ("/herstellinks", "/beheer/mensen", "/beheer/instellingen"),
}


@pytest.mark.parametrize("name", sorted(WAITING))
async def test_a_demo_professional_finds_work_on_the_start_page(
    client: AsyncTestClient[Litestar], db: AsyncSession, settings: Settings, name: str
) -> None:
    await load_demo(settings)
    person = await db.scalar(
        select(Person).join(Municipality).where(Municipality.slug == DEMO_SLUG, Person.display_name == name)
    )
    assert person is not None
    await signed_in_as(client, db, person)
    page = await client.get("/mijn")
    assert page.status_code == 200
    for words in WAITING[name]:
        assert words in page.text, (name, words)


# Issue 14, "done when": Sem's offer reaches Anouk as a message, and the evaluation of De Vries within a week
# reaches Fatima (and Anouk); each message leads to its page.
MESSAGES = {
    "Anouk": ("Sem", "boodschappen", "evaluatie", "/mijn/meldingen/"),
    "Fatima": ("De Vries", "evaluatie", "/mijn/meldingen/"),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
async def test_the_demo_has_messages_waiting(
    client: AsyncTestClient[Litestar], db: AsyncSession, settings: Settings, name: str
) -> None:
    await load_demo(settings)
    person = await db.scalar(
        select(Person).join(Municipality).where(Municipality.slug == DEMO_SLUG, Person.display_name == name)
    )
    assert person is not None
    await signed_in_as(client, db, person)
    page = await client.get("/mijn/meldingen")
    assert page.status_code == 200
    text = page.text.lower()
    for words in MESSAGES[name]:
        assert words.lower() in text, (name, words)
