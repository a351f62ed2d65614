"""The language of the pages: households, their network and volunteers in five languages, Arabic from right
to left; professionals in Dutch or English, whatever their browser asks for."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Person
from tests.factories import make_household, make_world, signed_in_as
from tests.forms import submit_form


async def test_arabic_from_the_browser_is_right_to_left(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get("/", headers={"accept-language": "ar-MA,ar;q=0.9,nl;q=0.5"})
    assert '<html lang="ar" dir="rtl">' in page.text
    turkish = await client.get("/", headers={"accept-language": "tr-TR"})
    assert '<html lang="tr" dir="ltr">' in turkish.text


async def test_a_language_chosen_before_signing_in_is_kept_and_can_be_undone(
    client: AsyncTestClient[Litestar],
) -> None:
    chosen = await submit_form(client, "/taal?terug=/", "/taal", {"locale": "pl"})
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/"
    page = await client.get("/", headers={"accept-language": "nl"})
    assert '<html lang="pl" dir="ltr">' in page.text
    # Back to the browser's language.
    await submit_form(client, "/taal", "/taal", {"locale": "browser"})
    page = await client.get("/", headers={"accept-language": "nl"})
    assert '<html lang="nl" dir="ltr">' in page.text


async def test_a_language_page_refuses_to_send_someone_elsewhere(client: AsyncTestClient[Litestar]) -> None:
    chosen = await submit_form(client, "/taal?terug=//elders.example/", "/taal", {"locale": "tr"})
    assert chosen.headers["location"] == "/"


async def test_a_household_member_reads_her_plan_in_her_language_and_the_regisseur_reads_dutch(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    saved = await submit_form(client, "/taal?terug=/mijn", "/taal", {"locale": "ar"})
    assert saved.headers["location"] == "/mijn"
    await db.refresh(anouk)
    assert anouk.locale == "ar"
    plan = await client.get(f"/huishoudens/{household.id}/plan", headers={"accept-language": "nl"})
    assert plan.status_code == 200
    assert '<html lang="ar" dir="rtl">' in plan.text

    await signed_in_as(client, db, world.regisseur)
    plan = await client.get(f"/huishoudens/{household.id}/plan", headers={"accept-language": "ar"})
    assert '<html lang="nl" dir="ltr">' in plan.text
    # Her browser's next choice after Arabic, when it is one of the professionals' languages.
    start = await client.get("/mijn", headers={"accept-language": "ar,en;q=0.5"})
    assert '<html lang="en" dir="ltr">' in start.text
    english = await client.get("/mijn", headers={"accept-language": "en"})
    assert '<html lang="en" dir="ltr">' in english.text


async def test_a_professional_chooses_between_dutch_and_english_only(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.regisseur)
    page = await client.get("/taal")
    assert 'value="en"' in page.text
    assert 'value="ar"' not in page.text
    await submit_form(client, page, "/taal", {"locale": "en"})
    person = await db.get(Person, world.regisseur.id)
    assert person is not None
    await db.refresh(person)
    assert person.locale == "en"
    start = await client.get("/mijn")
    assert '<html lang="en" dir="ltr">' in start.text


async def test_the_language_page_leads_back_to_the_page_it_was_opened_from(
    client: AsyncTestClient[Litestar],
) -> None:
    page = await client.get("/taal", headers={"referer": "http://testserver.local/offline"})
    assert 'name="terug" value="/offline"' in page.text
    elsewhere = await client.get("/taal", headers={"referer": "https://elders.example/mijn"})
    assert 'name="terug" value="/"' in elsewhere.text


async def test_the_households_own_words_keep_their_own_direction_on_an_arabic_page(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (samira,) = await make_household(db, world.regisseur, name="El Amrani", adults=("Samira",))
    await signed_in_as(client, db, samira)
    await submit_form(client, "/taal", "/taal", {"locale": "ar"})
    base = f"/huishoudens/{household.id}/plan/doelen"
    written = "Ik wil rust in huis, voor de kinderen."
    await submit_form(client, f"{base}/nieuw", base, {"text": written, "domain_key": "huiselijke_relaties"})
    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert '<html lang="ar" dir="rtl">' in plan.text
    # A Dutch sentence on a right-to-left page: its full stop stays at its end.
    assert f'<h3 class="goal__text" dir="auto">{written}</h3>' in plan.text
