"""'Meldingen': a person's messages, unread first, each a plain sentence of what it is about; the count of
unread ones in the header of every page; opening one marks it read and leads to its page; "Alles gelezen".
Someone else's message is as absent as one that does not exist. A professional who reads a household's name
here is written in that household's access log; the household's own members are not."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from babel.dates import format_date
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.events import EventKind
from server.domain.models import AccessLogEntry, Role, utcnow
from server.domain.notifications.model import Notification
from server.domain.notifications.queries import PAGE_SIZE
from server.domain.people import create_person
from tests.factories import make_household, make_world, signed_in_as
from tests.integration.notifications.messages import (
    header_link,
    message,
    messages_in_order,
    offer_of_help,
    planned_evaluation,
)


async def read_at(db: AsyncSession, notification_id: uuid.UUID) -> dt.datetime | None:
    row = await db.scalar(
        select(Notification).where(Notification.id == notification_id).execution_options(populate_existing=True)
    )
    assert row is not None
    return row.read_at


async def test_unread_first_each_in_a_sentence_and_the_count_in_the_header(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    sem = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Sem",
        role=Role.VOLUNTEER,
        organisation_id=world.volunteer_org.id,
    )
    offer = await offer_of_help(db, household, anouk, sem, "Boodschappen doen")
    # An old message still unread, a newer one read, and the newest unread: unread first, newest first.
    await message(db, anouk, EventKind.ACCOUNT_RECOVERED, minutes_ago=600)
    await message(db, anouk, EventKind.NETWORK_JOINED, household_id=household.id, minutes_ago=60, read=True)
    await message(
        db,
        anouk,
        EventKind.HELP_OFFERED,
        household_id=household.id,
        subject_id=offer.id,
        url=f"/huishoudens/{household.id}",
    )
    await db.commit()

    await signed_in_as(client, db, anouk)
    start = await client.get("/mijn")
    # A screen reader reads the link as "Meldingen, 2 ongelezen".
    assert header_link(start.text) == "Meldingen, 2 ongelezen"
    page = await client.get("/mijn/meldingen")
    assert page.status_code == 200
    assert messages_in_order(page.text) == [
        "Nieuw: Sem bood hulp aan bij: Boodschappen doen",
        "Nieuw: Er is een herstellink gebruikt voor jouw account. Was jij dat niet? Neem dan contact op met je "
        "regisseur of de gemeente.",
        "Iemand doet nu mee met jullie plan.",
    ]
    assert "Je hebt 2 ongelezen meldingen." in page.text
    # The household's own member reading her messages is no look from outside.
    looks = await db.scalar(select(AccessLogEntry).where(AccessLogEntry.household_id == household.id))
    assert looks is None


async def test_opening_a_message_marks_it_read_and_leads_to_its_page(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur, "Bakker", ("Sanne",))
    _other, (ahmed,) = await make_household(db, world.regisseur, "Jansen", ("Ahmed",))
    mine = await message(db, sanne, EventKind.ACCOUNT_RECOVERED, url="/mijn/passkeys")
    other = await message(db, sanne, EventKind.ACCOUNT_RECOVERED, url="/mijn/passkeys", minutes_ago=5)
    theirs = await message(db, ahmed, EventKind.ACCOUNT_RECOVERED, url="/mijn/passkeys")
    await db.commit()
    await signed_in_as(client, db, sanne)
    assert header_link((await client.get("/mijn")).text) == "Meldingen, 2 ongelezen"

    opened = await client.get(f"/mijn/meldingen/{mine.id}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/mijn/passkeys"
    assert await read_at(db, mine.id) is not None
    assert header_link((await client.get("/mijn")).text) == "Meldingen, 1 ongelezen"
    # Opening it again leads to the same page and keeps the moment it was first read.
    first = await read_at(db, mine.id)
    again = await client.get(f"/mijn/meldingen/{mine.id}", follow_redirects=False)
    assert again.status_code == 303 and await read_at(db, mine.id) == first

    # Someone else's message: the same answer as one that does not exist, and it stays unread.
    refused = await client.get(f"/mijn/meldingen/{theirs.id}", follow_redirects=False)
    unknown = await client.get(f"/mijn/meldingen/{uuid.uuid4()}", follow_redirects=False)
    assert refused.status_code == unknown.status_code == 404
    assert refused.text == unknown.text
    assert await read_at(db, theirs.id) is None
    assert await read_at(db, other.id) is None


async def test_a_stored_address_elsewhere_is_never_followed(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    odd = await message(db, sanne, EventKind.ACCOUNT_RECOVERED, url="//evil.example/")
    await db.commit()
    await signed_in_as(client, db, sanne)
    opened = await client.get(f"/mijn/meldingen/{odd.id}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/mijn/meldingen"


async def test_all_read(client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    _other, (ahmed,) = await make_household(db, world.regisseur, "Jansen", ("Ahmed",))
    rows = [await message(db, sanne, EventKind.ACCOUNT_RECOVERED, minutes_ago=n) for n in range(3)]
    theirs = await message(db, ahmed, EventKind.ACCOUNT_RECOVERED)
    await db.commit()
    await signed_in_as(client, db, sanne)

    page = await client.get("/mijn/meldingen")
    assert "Je hebt 3 ongelezen meldingen." in page.text
    done = await submit(page, "/mijn/meldingen/gelezen", {})
    assert done.status_code == 303
    after = await client.get(done.headers["location"])
    assert "Alle meldingen zijn gelezen." in after.text
    assert "ongelezen" not in header_link(after.text) and header_link(after.text) == "Meldingen"
    assert "Alles gelezen" not in after.text
    assert [await read_at(db, row.id) is not None for row in rows] == [True, True, True]
    assert await read_at(db, theirs.id) is None


async def test_older_messages_are_a_page_further(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    for n in range(PAGE_SIZE + 2):
        await message(db, sanne, EventKind.ACCOUNT_RECOVERED, minutes_ago=n, read=n % 2 == 0)
    await db.commit()
    await signed_in_as(client, db, sanne)
    first = await client.get("/mijn/meldingen")
    assert len(messages_in_order(first.text)) == PAGE_SIZE and "Oudere meldingen" in first.text
    second = await client.get("/mijn/meldingen?pagina=2")
    assert len(messages_in_order(second.text)) == 2 and "Nieuwere meldingen" in second.text
    assert "Oudere meldingen" not in second.text


async def test_the_regisseur_reads_the_household_name_and_the_household_reads_that_she_did(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    evaluation = await planned_evaluation(db, household, utcnow().date() + dt.timedelta(days=7))
    url = f"/huishoudens/{household.id}/evaluaties/{evaluation.id}"
    for person in (world.regisseur, anouk):
        await message(
            db, person, EventKind.EVALUATION_DUE_WEEK, household_id=household.id, subject_id=evaluation.id, url=url
        )
    await db.commit()
    day = format_date(evaluation.planned_on, "d MMMM", locale="nl")

    await signed_in_as(client, db, world.regisseur)
    page = await client.get("/mijn/meldingen")
    assert messages_in_order(page.text) == [f"Nieuw: De evaluatie met de familie De Vries is over een week, op {day}."]
    entries = list(await db.scalars(select(AccessLogEntry).where(AccessLogEntry.household_id == household.id)))
    assert [(e.actor_name, e.actor_role, e.resource) for e in entries] == [("Fatima", "regisseur", "notifications")]

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    page = await client.get("/mijn/meldingen")
    assert messages_in_order(page.text) == [f"Nieuw: Jullie evaluatie is over een week, op {day}."]
    log = await client.get(f"/huishoudens/{household.id}/inzage")
    assert "Fatima keek 1 keer op" in log.text and "Bekeken: jullie naam in een melding." in log.text
