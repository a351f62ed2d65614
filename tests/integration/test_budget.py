"""The gezinsbudget through its real forms: the regisseur books within the mandate (it counts) and above it (it
waits for the team lead), the household reads its ledger, the team lead approves or refuses with a reason, and
nobody else books or decides."""

from __future__ import annotations

import io
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.budget.model import BudgetEntry, EntryKind, EntryStatus
from server.domain.models import AccessLogEntry, Household, Municipality, Person, Phase, Role, Trajectory
from server.domain.people import create_person
from tests.conftest import csrf_from
from tests.factories import World, make_household, make_world, signed_in_as

NBSP = "\xa0"


def euro(text: str) -> str:
    """An amount as the page shows it: "€ 12,50" with a non-breaking space."""
    return text.replace("€ ", "€" + NBSP)


def main_text(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def ledger_url(household_id: object) -> str:
    return f"/huishoudens/{household_id}/budget"


async def entries_of(db: AsyncSession, household_id: object) -> list[BudgetEntry]:
    await db.commit()
    found = await db.scalars(
        select(BudgetEntry)
        .where(BudgetEntry.household_id == household_id)
        .order_by(BudgetEntry.created_at)
        .execution_options(populate_existing=True)
    )
    return list(found)


async def regisseur_with_household(
    client: AsyncTestClient[Litestar], db: AsyncSession, mandate_cents: int = 500_00
) -> tuple[World, Household, Person]:
    world = await make_world(db)
    municipality = await db.get(Municipality, world.municipality.id)
    assert municipality is not None
    municipality.budget_mandate_cents = mandate_cents
    await db.commit()
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await signed_in_as(client, db, world.regisseur)
    return world, household, anouk


async def book(submit: Any, household_id: object, kind: str, purpose: str, amount: str, **more: str) -> Any:
    url = ledger_url(household_id)
    return await submit(url, url, {"kind": kind, "purpose": purpose, "amount": amount, **more})


async def sign_in_as(client: AsyncTestClient[Litestar], db: AsyncSession, person: Person) -> None:
    client.cookies.clear()
    await signed_in_as(client, db, person)


async def test_within_the_mandate_it_counts_at_once_with_cents_exact(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk = await regisseur_with_household(client, db)
    url = ledger_url(household.id)
    overview = await client.get(f"/huishoudens/{household.id}")
    assert f'href="{url}"' in overview.text

    granted = await book(submit, household.id, "grant", "Schoolspullen en kleding", "€ 400")
    assert granted.status_code == 303 and granted.headers["location"] == f"{url}?geboekt=1"
    for amount in ("0,10", "0.20"):
        answer = await book(submit, household.id, "spending", "Bus naar school", amount)
        assert answer.status_code == 303
    entries = await entries_of(db, household.id)
    assert [(e.kind, e.amount_cents, e.status) for e in entries] == [
        (EntryKind.GRANT, 400_00, EntryStatus.COUNTS),
        (EntryKind.SPENDING, 10, EntryStatus.COUNTS),
        (EntryKind.SPENDING, 20, EntryStatus.COUNTS),
    ]
    assert {e.decided_by_name for e in entries} == {"Fatima"}
    page = main_text((await client.get(f"{url}?geboekt=1")).text)
    assert "Het telt meteen mee" in page
    assert euro("€ 400,00") in page and euro("€ 0,30") in page and euro("€ 399,70") in page
    assert "Tot en met " + euro("€ 500,00") + " beslis je zelf" in page

    # The household reads the same ledger in its own words, without the form.
    await sign_in_as(client, db, anouk)
    own = main_text((await client.get(url)).text)
    assert "Jullie gezinsbudget" in own and "Jullie regisseur houdt het bij" in own
    assert euro("€ 399,70") in own and "Bus naar school" in own and "<form" not in own
    timeline = (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text
    assert "Fatima heeft " + euro("€ 400,00") + " toegekend voor: Schoolspullen en kleding." in timeline
    assert "Fatima heeft " + euro("€ 0,10") + " uitgegeven aan: Bus naar school." in timeline

    # The household cannot book: the policy refuses as if the page did not exist.
    refused = await client.post(
        url,
        data={"_csrf_token": client.cookies["onsplan_csrf"], "kind": "grant", "purpose": "Zelf", "amount": "10"},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    assert len(await entries_of(db, household.id)) == 3


async def test_bad_input_comes_back_with_what_was_typed_and_nothing_is_booked(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk = await regisseur_with_household(client, db)
    answer = await book(submit, household.id, "grant", "Schoolreis", "twaalf euro")
    assert answer.status_code == 400
    page = main_text(answer.text)
    assert "Typ alleen cijfers" in page and 'value="twaalf euro"' in page and 'value="Schoolreis"' in page
    for amount, message in (
        ("-12,50", "altijd positief"),
        ("0,00", "meer dan"),
        ("12,505", "hoogstens twee cijfers"),
        ("100.000,01", "te hoog"),
    ):
        answer = await book(submit, household.id, "grant", "Schoolreis", amount)
        assert answer.status_code == 400 and message in answer.text, amount
    # Spending more than is left: refused, with what is left.
    await book(submit, household.id, "grant", "Schoolreis", "50")
    answer = await book(submit, household.id, "spending", "Schoolreis", "50,01")
    assert answer.status_code == 400
    assert "Er is nog " + euro("€ 50,00") + " over" in answer.text
    assert [e.amount_cents for e in await entries_of(db, household.id)] == [50_00]


async def test_above_the_mandate_it_waits_and_the_team_lead_approves(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk = await regisseur_with_household(client, db)
    url = ledger_url(household.id)
    await book(submit, household.id, "grant", "Budget voor het plan", "500,00")
    waiting = await book(submit, household.id, "spending", "Een wasmachine", "€ 1.234,56")
    # Only 500 is left: the spending is refused before the mandate is even asked.
    assert waiting.status_code == 400
    await book(submit, household.id, "grant", "Aanvulling", "450")
    waiting = await book(submit, household.id, "spending", "Een wasmachine", "650")
    assert waiting.status_code == 303 and waiting.headers["location"] == f"{url}?wacht=1"
    *_, entry = await entries_of(db, household.id)
    assert entry.status == EntryStatus.AWAITING
    # While it waits, a spending may not take what it holds: 950 granted, 650 waiting, 300 free.
    assert (await book(submit, household.id, "spending", "Fiets", "300,01")).status_code == 400

    await sign_in_as(client, db, anouk)
    own = main_text((await client.get(url)).text)
    assert "wacht op goedkeuring van de teamleider" in own
    assert "Over</dt><dd><strong>" + euro("€ 950,00") in own
    assert (
        "Fatima wil " + euro("€ 650,00") + " uitgeven aan: Een wasmachine."
        in (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text
    )

    await sign_in_as(client, db, world.team_lead)
    start = await client.get("/team/budget")
    assert start.status_code == 200
    listed = main_text(start.text)
    approval = f"{url}/{entry.id}/goedkeuren"
    assert "De Vries" in listed and "Fatima" in listed and f'href="{approval}"' in listed
    # The list told the household that the team lead saw its name and the entry.
    await db.commit()
    looks = await db.scalars(
        select(AccessLogEntry.resource).where(
            AccessLogEntry.household_id == household.id, AccessLogEntry.actor_id == world.team_lead.id
        )
    )
    assert list(looks) == ["budget_approvals"]
    page = main_text((await client.get(approval)).text)
    assert "Een wasmachine" in page and euro("€ 650,00") in page and euro("€ 950,00") in page
    assert "Budget voor het plan" not in page  # the entry and the totals, nothing else
    approved = await submit(approval, approval, {})
    assert approved.status_code == 303 and approved.headers["location"] == "/team/budget?goedgekeurd=1"
    *_, entry = await entries_of(db, household.id)
    assert entry.status == EntryStatus.COUNTS and entry.approved_by_name == "Karin"
    assert entry.approved_by_id == world.team_lead.id and entry.approved_at is not None
    assert "Er wacht niets op je goedkeuring" in (await client.get("/team/budget")).text
    # A second click changes nothing.
    again = await client.post(approval, data={"_csrf_token": csrf_from(page)}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/team/budget?al_besloten=1"

    await sign_in_as(client, db, anouk)
    own = main_text((await client.get(url)).text)
    assert "goedgekeurd door Karin" in own and "Over</dt><dd><strong>" + euro("€ 300,00") in own
    assert (
        "Karin (teamleider) keurde goed: " + euro("€ 650,00") + " voor Een wasmachine."
        in (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text
    )


async def test_the_team_lead_refuses_with_a_reason_the_household_reads(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk = await regisseur_with_household(client, db, mandate_cents=100_00)
    await book(submit, household.id, "grant", "Een nieuwe koelkast", "600")
    (entry,) = await entries_of(db, household.id)
    assert entry.status == EntryStatus.AWAITING

    await sign_in_as(client, db, world.team_lead)
    refuse = f"{ledger_url(household.id)}/{entry.id}/afwijzen"
    approval = f"{ledger_url(household.id)}/{entry.id}/goedkeuren"
    empty = await submit(approval, refuse, {"reason": "  "})
    assert empty.status_code == 400 and "Schrijf op waarom je dit niet goedkeurt" in empty.text
    assert (await entries_of(db, household.id))[0].status == EntryStatus.AWAITING
    answer = await submit(approval, refuse, {"reason": "Eerst een offerte van de woningcorporatie vragen."})
    assert answer.status_code == 303 and answer.headers["location"] == "/team/budget?afgewezen=1"
    (entry,) = await entries_of(db, household.id)
    assert entry.status == EntryStatus.REFUSED and entry.refusal.startswith("Eerst een offerte")

    await sign_in_as(client, db, anouk)
    own = main_text((await client.get(ledger_url(household.id))).text)
    assert "niet goedgekeurd door Karin" in own and "Waarom: Eerst een offerte" in own
    assert "Toegekend</dt><dd>" + euro("€ 0,00") in own
    assert (
        "Karin (teamleider) keurde niet goed: " + euro("€ 600,00")
        in (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text
    )


async def test_a_team_lead_of_another_team_cannot_approve(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk = await regisseur_with_household(client, db, mandate_cents=100_00)
    await book(submit, household.id, "grant", "Een nieuwe koelkast", "600")
    (entry,) = await entries_of(db, household.id)
    other_lead = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Henk",
        role=Role.TEAM_LEAD,
        team_id=world.other_team.id,
    )
    await db.commit()
    await sign_in_as(client, db, other_lead)
    listed = await client.get("/team/budget")
    assert listed.status_code == 200 and "De Vries" not in listed.text
    approval = f"{ledger_url(household.id)}/{entry.id}/goedkeuren"
    assert (await client.get(approval)).status_code == 404
    refused = await client.post(approval, data={"_csrf_token": client.cookies["onsplan_csrf"]}, follow_redirects=False)
    assert refused.status_code == 404
    assert (await entries_of(db, household.id))[0].status == EntryStatus.AWAITING
    # Nor does a regisseur read someone else's budget or the team lead's list.
    await sign_in_as(client, db, world.colleague)
    assert (await client.get(ledger_url(household.id))).status_code == 404
    assert (await client.get("/team/budget")).status_code == 403


async def test_a_closed_trajectory_keeps_its_ledger_for_the_household_and_takes_nothing_more(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk = await regisseur_with_household(client, db)
    await book(submit, household.id, "grant", "Schoolspullen", "25")
    page = await client.get(ledger_url(household.id))
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None
    trajectory.phase = Phase.AFGESLOTEN
    trajectory.closed_on = trajectory.started_on
    await db.commit()
    # Closing ends the regisseur's relation to the household: the booking is refused like any other.
    answer = await client.post(
        ledger_url(household.id),
        data={"_csrf_token": csrf_from(page.text), "kind": "grant", "purpose": "Later", "amount": "10"},
        follow_redirects=False,
    )
    assert answer.status_code == 404
    assert [e.purpose for e in await entries_of(db, household.id)] == ["Schoolspullen"]
    await sign_in_as(client, db, anouk)
    own = main_text((await client.get(ledger_url(household.id))).text)
    assert "Traject van " in own and "Schoolspullen" in own and euro("€ 25,00") in own


async def test_the_dossier_holds_the_ledger_in_both_downloads(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk = await regisseur_with_household(client, db, mandate_cents=100_00)
    await book(submit, household.id, "grant", "Schoolspullen", "80")
    await book(submit, household.id, "spending", "Gymschoenen", "24,95")
    await book(submit, household.id, "grant", "Een nieuwe koelkast", "600")
    await sign_in_as(client, db, anouk)
    dossier = (await client.get(f"/huishoudens/{household.id}/dossier.json")).json()
    (part,) = dossier["gezinsbudget"]
    assert (part["toegekend_centen"], part["uitgegeven_centen"], part["over_centen"]) == (80_00, 24_95, 55_05)
    assert part["over"] == euro("€ 55,05")
    assert [(r["soort"], r["waarvoor"], r["bedrag_centen"], r["status"]) for r in part["regels"]] == [
        ("toekenning", "Een nieuwe koelkast", 600_00, "wacht op goedkeuring van de teamleider"),
        ("uitgave", "Gymschoenen", 24_95, "telt mee"),
        ("toekenning", "Schoolspullen", 80_00, "telt mee"),
    ]
    assert {r["geboekt_door"] for r in part["regels"]} == {"Fatima"}
    pdf = (await client.get(f"/huishoudens/{household.id}/dossier.pdf")).content
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Gezinsbudget" in text and "Gymschoenen" in text and "Een nieuwe koelkast" in text
    assert "wacht op goedkeuring van de teamleider" in text
