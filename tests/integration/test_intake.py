"""The integral intake at the kitchen table, the gespreksverslag made from it and the household's earlier help,
through the pages' own forms: the regisseur fills the intake, a missing part refuses "Intake afronden" (unless it
is left open with a reason), the household reads the report on its own phone and adds a correction, and nobody
else opens any of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Household, Person, Role, TimelineEvent
from server.domain.people import create_person
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.workspace.model import ConversationReport, HistoryItem, Intake, Involvement, ReportCorrection
from tests.conftest import csrf_from
from tests.factories import World, make_household, make_world, signed_in_as
from tests.integration.test_network import add_person


def url(household: Household, tail: str = "") -> str:
    return f"/huishoudens/{household.id}{tail}"


async def household_in_intake(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> tuple[World, Household, Person]:
    """A household whose regisseur triaged it to "regisseur coördineert"; she is signed in."""
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await signed_in_as(client, db, world.regisseur)
    triage = url(household, "/triage")
    response = await submit(triage, triage, {"outcome": "regisseur", "reason": "Zeven instanties"})
    assert response.status_code == 303
    return world, household, anouk


async def rate_everything(db: AsyncSession, household: Household, anouk: Person, fatima: Person) -> None:
    """Both perspectives on every leefgebied (arranged through the domain; the scores page has its own tests):
    the household gives 2 everywhere, the regisseur 3, and on the last leefgebied 4 against 2."""
    instrument = await instruments.for_municipality(db, household.municipality_id)
    await db.refresh(fatima, ["roles"])
    await db.refresh(anouk, ["roles"])
    last = instrument.domains[-1].key
    for domain in instrument.domains:
        mine, theirs = ("4", "2") if domain.key == last else ("2", "3")
        await ratings.rate(db, actor_for(anouk), Relation.MEMBER, household.id, instrument, domain.key, mine)
        await ratings.rate(db, actor_for(fatima), Relation.REGISSEUR, household.id, instrument, domain.key, theirs)
    await db.commit()


async def the_intake(db: AsyncSession, household: Household) -> Intake:
    row = await db.scalar(
        select(Intake).where(Intake.household_id == household.id).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def count(db: AsyncSession, model: Any, household: Household) -> int:
    return int(await db.scalar(select(func.count()).select_from(model).where(model.household_id == household.id)) or 0)


CONVERSATION = {
    "held_on": "2026-11-20",
    "present": "Anouk en Fatima (regisseur)",
    "question": "We willen weer rust, de brieven stapelen zich op.",
    "wants_first": "Eerst de brieven van de belasting.",
    "agreements": "Fatima belt Schuldhulp.\nAnouk zoekt de brieven op.",
}
EARLIER_HELP = {
    "helper": "Maatschappelijk werk",
    "period": "2023",
    "helped": "Iemand die luisterde.",
    "not_helped": "Steeds nieuwe formulieren.",
}


async def completed_intake(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> tuple[World, Household, Person]:
    world, household, anouk = await household_in_intake(client, db, submit)
    intake = url(household, "/intake")
    await rate_everything(db, household, anouk, world.regisseur)
    assert (await add_person(submit, household)).status_code == 303
    db.add(
        Involvement(
            household_id=household.id,
            organisation_name="Schuldhulp",
            professional_name="Karin de Boer",
            contact="06 11112222",
            from_on=dt.date(2026, 3, 2),
        )
    )
    await db.commit()
    assert (await submit(intake, intake, CONVERSATION)).status_code == 303
    assert (await submit(intake, url(household, "/intake/eerdere-hulp"), EARLIER_HELP)).status_code == 303

    page = await client.get(intake)
    assert "Alles is besproken of bewust overgeslagen." in page.text
    response = await submit(page, url(household, "/intake/afronden"))
    assert response.status_code == 303 and response.headers["location"].startswith(url(household, "/gespreksverslag"))
    return world, household, anouk


async def test_the_regisseur_fills_the_intake_and_the_report_shows_both_perspectives(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk = await completed_intake(client, db, submit)
    row = await the_intake(db, household)
    assert row.completed_at is not None and row.held_on == dt.date(2026, 11, 20)

    report = await client.get(url(household, "/gespreksverslag"))
    assert report.status_code == 200
    for text in (
        "Aanwezig: Anouk en Fatima (regisseur)",
        "Datum: 20 november 2026",
        "Eerst de brieven van de belasting.",
        "We willen weer rust, de brieven stapelen zich op.",
        "Financiën: Jullie: 2 · regisseur: 3",
        "Maatschappelijk werk (2023). Wat hielp: Iemand die luisterde. Wat niet hielp: Steeds nieuwe formulieren.",
        "Schuldhulp, Karin de Boer, sinds 2 maart 2026 (06 11112222)",
        "Fatima belt Schuldhulp.",
        "Anouk zoekt de brieven op.",
    ):
        assert text in report.text, text
    assert ": Jullie: 4 · regisseur: 2 (hier kijken jullie er anders naar" in report.text
    # The regisseur reads it, the household corrects it: she has no form for that.
    assert "/gespreksverslag/correctie" not in report.text

    # Done is done: the page says so, with no forms left; the phase stays intake until the plan's akkoord.
    intake = await client.get(url(household, "/intake"))
    assert "De intake is afgerond op" in intake.text and "/intake/afronden" not in intake.text
    overview = await client.get(url(household))
    assert "Fase: intake" in overview.text and f'href="{url(household, "/gespreksverslag")}"' in overview.text

    timeline = (await client.get(url(household, "/tijdlijn"))).text
    assert "Fatima en jullie rondden het intakegesprek af. Het gespreksverslag staat klaar." in timeline
    assert "Fatima schreef eerdere hulp op: Maatschappelijk werk." in timeline
    assert "Fatima schreef op wat jullie vertelden in het intakegesprek." in timeline


async def test_a_missing_part_refuses_completing_until_it_is_left_open_with_a_reason(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk = await household_in_intake(client, db, submit)
    intake = url(household, "/intake")
    overview = await client.get(url(household))
    assert f'href="{intake}"' in overview.text

    page = await client.get(intake)
    assert page.status_code == 200
    assert "Nog 7 onderdelen te doen voordat het plan gemaakt kan worden." in page.text
    before = (await the_intake(db, household)).version
    response = await submit(page, url(household, "/intake/afronden"))
    assert response.status_code == 400
    assert "De intake is nog niet compleet." in response.text
    for part in ("Scores van het huishouden", "Netwerkkaart", "Eerdere hulp", "Wat het huishouden eerst wil"):
        assert part in response.text
    row = await the_intake(db, household)
    assert row.completed_at is None and row.version == before
    assert await count(db, ConversationReport, household) == 0
    assert "intake.completed" not in await db.scalars(
        select(TimelineEvent.kind).where(TimelineEvent.household_id == household.id)
    )

    # "Niet nu" needs a reason; then the part counts as left open on purpose.
    skip = url(household, "/intake/niet-nu")
    refused = await submit(intake, skip, {"reason": ""}, button="Netwerkkaart")
    assert refused.status_code == 400 and "Schrijf kort waarom dit nu niet kan." in refused.text
    assert (await the_intake(db, household)).skipped == {}
    reasons = {
        "De vraag van het huishouden": "Komt in het volgende gesprek",
        "Scores van het huishouden": "Anouk doet dit morgen op haar telefoon",
        "Scores van de regisseur": "Na het tweede gesprek",
        "Netwerkkaart": "Anouk wil eerst nadenken",
        "Wie al betrokken zijn": "Nog niemand",
        "Eerdere hulp": "Te zwaar voor nu",
        "Wat het huishouden eerst wil": "Nog niet duidelijk",
    }
    for title, reason in reasons.items():
        response = await submit(intake, skip, {"reason": reason}, button=title)
        assert response.status_code == 303, response.text
    page = await client.get(intake)
    assert "niet nu (Anouk wil eerst nadenken)" in page.text
    # Taken back, and left open again.
    assert (await submit(page, skip, button="Toch bespreken: Netwerkkaart")).status_code == 303
    assert "network" not in (await the_intake(db, household)).skipped
    assert (
        await submit(intake, skip, {"reason": "Anouk wil eerst nadenken"}, button="Netwerkkaart")
    ).status_code == 303

    response = await submit(intake, url(household, "/intake/afronden"))
    assert response.status_code == 303
    report = (await client.get(url(household, "/gespreksverslag"))).text
    assert "Nu niet besproken. Waarom: Te zwaar voor nu" in report
    assert "Scores van het huishouden: Nu niet besproken. Waarom: Anouk doet dit morgen op haar telefoon" in report


async def test_bad_input_comes_back_with_what_was_typed_and_nothing_is_kept(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk = await household_in_intake(client, db, submit)
    intake = url(household, "/intake")
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    response = await submit(intake, intake, {**CONVERSATION, "held_on": tomorrow})
    assert response.status_code == 400
    assert "Het gesprek kan niet in de toekomst liggen." in response.text
    assert "Eerst de brieven van de belasting." in response.text
    assert (await the_intake(db, household)).wants_first == ""
    response = await submit(intake, url(household, "/intake/eerdere-hulp"), {**EARLIER_HELP, "helper": " "})
    assert response.status_code == 400 and "Vul in wie er hielp" in response.text
    assert "Steeds nieuwe formulieren." in response.text
    assert await count(db, HistoryItem, household) == 0


async def test_the_household_reads_the_report_and_adds_a_correction_in_its_own_words(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk = await completed_intake(client, db, submit)
    body = await db.scalar(select(ConversationReport.body).where(ConversationReport.household_id == household.id))
    await signed_in_as(client, db, anouk)
    overview = await client.get(url(household))
    assert f'href="{url(household, "/gespreksverslag")}"' in overview.text
    report = url(household, "/gespreksverslag")
    page = await client.get(report)
    assert page.status_code == 200 and "Financiën: Jullie: 2 · regisseur: 3" in page.text

    refused = await submit(page, f"{report}/correctie", {"text": "  "})
    assert refused.status_code == 400 and "Schrijf wat er anders moet" in refused.text
    response = await submit(
        page, f"{report}/correctie", {"text": "Daan was er ook bij.\nDe brieven zijn van de gemeente."}
    )
    assert response.status_code == 303
    page = await client.get(report)
    assert "Anouk schreef op" in page.text and "Daan was er ook bij." in page.text
    assert await count(db, ReportCorrection, household) == 1
    # The report itself is as it was made.
    assert (
        await db.scalar(select(ConversationReport.body).where(ConversationReport.household_id == household.id)) == body
    )
    timeline = (await client.get(url(household, "/tijdlijn"))).text
    assert "Anouk schreef een correctie bij het gespreksverslag." in timeline

    # The household's own earlier help, in its own voice.
    history = url(household, "/eerdere-hulp")
    page = await client.get(history)
    assert "Welke hulp hebben jullie eerder gehad?" in page.text and "Maatschappelijk werk" in page.text
    assert "Opgeschreven door de regisseur" in page.text
    response = await submit(page, history, {"helper": "MEE", "period": "2021", "helped": "Uitleg over geld"})
    assert response.status_code == 303
    page = await client.get(history)
    assert "MEE" in page.text and "Wat hielp: Uitleg over geld" in page.text
    item = await db.scalar(select(HistoryItem).where(HistoryItem.helper == "MEE"))
    assert item is not None and item.written_by_role == "household"
    # The intake itself is the regisseur's page.
    assert (await client.get(url(household, "/intake"))).status_code == 404


async def test_nobody_else_opens_the_intake_the_report_or_the_earlier_help(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk = await completed_intake(client, db, submit)
    partner = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Piet",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    friend = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Ria",
        role=Role.NETWORK_MEMBER,
        household_id=household.id,
    )
    await db.commit()
    for person in (world.colleague, world.team_lead, world.other_regisseur, partner, friend):
        await signed_in_as(client, db, person)
        for tail in ("/intake", "/gespreksverslag", "/eerdere-hulp"):
            response = await client.get(url(household, tail))
            assert response.status_code == 404, (person.display_name, tail)
            assert "Anouk" not in response.text and "Maatschappelijk werk" not in response.text


async def test_a_household_in_another_phase_gets_a_clear_refusal(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur, "Bakker", ("Sanne",))
    await signed_in_as(client, db, world.regisseur)
    page = await client.get(url(household, "/intake"))
    assert page.status_code == 200
    assert "De intake hoort bij de fase intake" in page.text and "aanmelding" in page.text
    assert "/intake/afronden" not in page.text
    token = csrf_from(page.text)
    for tail, data in (
        ("/intake", {"wants_first": "Rust"}),
        ("/intake/afronden", {}),
        ("/intake/niet-nu", {"part": "network", "reason": "Later"}),
    ):
        response = await client.post(url(household, tail), data={**data, "_csrf_token": token})
        assert response.status_code == 409, (tail, response.status_code)
        assert "De intake hoort bij de fase intake" in response.text
    assert await count(db, Intake, household) == 0
    # No report yet: the household's page says so.
    report = await client.get(url(household, "/gespreksverslag"))
    assert report.status_code == 200 and "Er is nog geen gespreksverslag." in report.text
