"""The Woerden school run on phones (seed 000): a mother with pain rates how things are one leefgebied at a
time, writes a goal, adds an action for a volunteer and asks for help on set school days, without names (she
is shown her son's name first when she types it); three volunteers each take some of the days, the rota shows
who does which day, and each volunteer reads only what the mother chose to tell her."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import PHONE, LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    allow_console_error,
    assert_no_horizontal_scroll,
    check_a11y,
    enrol,
    on_database,
    own_household,
    settle,
    visit,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

GOAL = "Ik wil een vast netwerk van mensen die ik kan bellen als het niet gaat."
ACTION = "Daan naar school brengen op slechte dagen"
CARD = "Een kind van 7 naar school brengen"
WHEN = "om 8.15 uur"
SCHOOL = "Bij het hek van basisschool De Regenboog"
ADDRESS = "Molenvlietbaan 7, Woerden"
PHONE_NUMBER = "06-98765432"
# The first Monday at least a week ahead: the period starts there, so "the next time" is a known day.
TODAY = dt.date.today()
FIRST_MONDAY = TODAY + dt.timedelta(days=14 - TODAY.weekday())
# Who takes which days of the school week.
ROTA = {"Lotte": ("maandag", "dinsdag"), "Kees": ("woensdag",), "Noor": ("donderdag", "vrijdag")}


@dataclass(frozen=True)
class SchoolRun:
    household_id: str
    mother: str
    mother_link: str
    volunteer_links: dict[str, str]


def school_run(live_server: LiveServer) -> SchoolRun:
    """A household of its own: the mother with her son Daan and grandmother Wil on the network map, and three
    new volunteers of Handje Helpen, each with a one-time link."""
    mother = f"Yasmina {secrets.token_hex(2)}"
    household = own_household(live_server, member=mother)

    async def work(db: AsyncSession) -> dict[str, str]:
        import uuid

        from sqlalchemy import select

        from server.auth import enrolment
        from server.domain.models import Household, Member, Organisation, Role
        from server.domain.network.model import NetworkPerson
        from server.domain.people import create_person

        row = await db.get(Household, uuid.UUID(household.id))
        assert row is not None
        db.add(Member(household_id=row.id, first_name="Daan", is_adult=False))
        db.add(NetworkPerson(household_id=row.id, name="Oma Wil", relation="familie", ring=1))
        handje_helpen = await db.scalar(
            select(Organisation).where(
                Organisation.municipality_id == row.municipality_id, Organisation.name == "Handje Helpen"
            )
        )
        assert handje_helpen is not None
        links = {}
        for name in ROTA:
            person = await create_person(
                db,
                municipality_id=row.municipality_id,
                display_name=name,
                role=Role.VOLUNTEER,
                organisation_id=handje_helpen.id,
            )
            link = await enrolment.issue(db, person=person, created_by=None, origin=live_server.base_url)
            links[name] = urlsplit(link.url).path
        return links

    return SchoolRun(household.id, mother, household.link, on_database(live_server, work))


def phone_signed_in(new_context: Callable[..., BrowserContext], link: str) -> Page:
    context = new_context(PHONE, bypass_csp=True)
    page = context.new_page()
    add_virtual_authenticator(context, page)
    enrol(page, link)
    return page


def rate_with_the_stepper(mother: Page, household_id: str) -> None:
    """One leefgebied a page: a tap on a choice stores it and opens the next, up to the summary."""
    visit(mother, f"/huishoudens/{household_id}/scores/stap/1")
    progress = mother.locator(".stepper__progress label").inner_text()
    found = re.fullmatch(r"1 van (\d+)", progress.strip())
    assert found, progress
    total = int(found.group(1))
    for number in range(1, total + 1):
        expect(mother.locator(".stepper__progress label")).to_have_text(f"{number} van {total}")
        # Her social network is where it hurts; the rest goes reasonably.
        score = "2" if "netwerk" in mother.locator("#stap-titel").inner_text().lower() else "3"
        mother.locator(f".stepper__choice[value='{score}']").click()
        settle(mother, rf"/scores/(stap/{number + 1}|klaar)")
    expect(mother.get_by_role("heading", level=1)).to_have_text("Klaar met de scores")
    expect(mother.locator("main")).to_contain_text(f"Je gaf bij {total} van de {total} onderwerpen een score.")


def write_goal_and_action(mother: Page, household_id: str) -> None:
    visit(mother, f"/huishoudens/{household_id}/plan/doelen/nieuw")
    mother.get_by_label("Bij welk leefgebied hoort dit doel?").select_option("sociaal_netwerk")
    mother.get_by_label("Wat willen jullie bereiken?").fill(GOAL)
    mother.get_by_label("over 3 maanden").check()
    mother.get_by_role("button", name="Bewaren", exact=True).click()
    settle(mother, r"/plan")
    mother.locator("li.goal", has_text=GOAL).get_by_role("link", name="Actie toevoegen bij dit doel").click()
    settle(mother, r"/acties/nieuw$")
    mother.get_by_label("Wat moet er gebeuren?").fill(ACTION)
    mother.get_by_label("vrijwilliger", exact=True).check()
    mother.get_by_role("button", name="Bewaren", exact=True).click()
    settle(mother, r"/plan")
    expect(mother.locator("li.action", has_text=ACTION)).to_contain_text("Wie: vrijwilliger")


def ask_for_the_school_run(mother: Page) -> None:
    """The request in her own words, for the school days; her son's name is pointed out first."""
    mother.locator("li.action", has_text=ACTION).get_by_role("link", name=re.compile("^Vraag een vrijwilliger")).click()
    settle(mother, r"/hulpvraag$")
    text = mother.get_by_label("Waarbij zoeken jullie hulp?")
    expect(text).to_have_value("")  # not the action's words, which name Daan
    text.fill("Daan naar school brengen")
    mother.get_by_label("Hoe laat? (mag leeg blijven)").fill(WHEN)
    mother.get_by_label("Op vaste dagen, een tijd lang").check()
    for day in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"):
        mother.get_by_label(day, exact=True).check()
    mother.get_by_label("Vanaf welke dag?").fill(FIRST_MONDAY.isoformat())
    mother.get_by_label("Tot en met welke dag? (mag leeg blijven)").fill(
        (FIRST_MONDAY + dt.timedelta(weeks=10)).isoformat()
    )
    assert_no_horizontal_scroll(mother)
    mother.set_viewport_size(PHONE["viewport"])
    # The names are pointed out in a form that is sent back (400), as any refused form is.
    allow_console_error(mother, r"status of 400")
    mother.get_by_role("button", name="Zet op het takenbord").click()

    warning = mother.locator(".name-warning")
    expect(warning).to_contain_text(
        "In je tekst staat ‘Daan’. Dat is de naam van iemand uit jullie huishouden.", use_inner_text=True
    )
    expect(warning).to_contain_text("Vrijwilligers zien deze tekst voordat jullie ze kennen.")
    check_a11y(mother)
    mother.get_by_label("Waarbij zoeken jullie hulp?").fill(CARD)
    mother.get_by_role("button", name="Opnieuw kijken en op het takenbord zetten").click()
    settle(mother, r"/hulpvragen\?gepubliceerd=1$")
    expect(mother.locator(".notice--ok")).to_have_text("De hulpvraag staat op het takenbord.")
    expect(mother.locator("table.rota")).to_contain_text("nog open")


def offer_days(volunteer: Page, name: str, mother: str) -> None:
    visit(volunteer, "/taken")
    card = volunteer.locator("li.help-card", has_text=CARD)
    expect(card).to_contain_text("Vaste dagen: maandag, dinsdag, woensdag, donderdag en vrijdag")
    board = volunteer.locator("main").inner_text()
    for identifying in ("Daan", mother, ADDRESS, PHONE_NUMBER, "Oma Wil"):
        assert identifying not in board, f"{name} reads {identifying!r} on the task board"
    for day in ROTA[name]:
        card.get_by_label(day, exact=True).check()
    card.get_by_role("button", name=re.compile(rf"^Ik wil helpen\W+{re.escape(CARD)}$")).click()
    settle(volunteer, r"/taken\?aangeboden=1$")
    expect(volunteer.locator("li.help-card", has_text=CARD)).to_contain_text("Je hebt hulp aangeboden op")


def accept_and_choose(mother: Page, household_id: str, name: str, choice: Callable[[Page], None]) -> None:
    visit(mother, f"/huishoudens/{household_id}/hulpvragen")
    mother.get_by_role("button", name=re.compile(rf"^Ja, graag\W+hulp van {name}$")).click()
    settle(mother, r"/delen\?aangenomen=1$")
    expect(mother.get_by_role("heading", level=1)).to_have_text(f"Wat mag {name} weten?")
    choice(mother)
    mother.get_by_role("button", name="Opslaan").click()
    settle(mother, r"/hulpvragen\?gedeeld=1")


def lotte_knows(page: Page) -> None:
    page.get_by_label(re.compile(r"\bDaan\b")).check()
    page.get_by_label("Alleen een plek, bijvoorbeeld de school:").check()
    page.get_by_label("De plek", exact=True).fill(SCHOOL)
    page.get_by_label(f"Ons telefoonnummer: {PHONE_NUMBER}").check()


def kees_knows(page: Page) -> None:
    page.get_by_label(re.compile(r"\bDaan\b")).check()
    page.get_by_label(f"Ons adres: {ADDRESS}").check()


def noor_knows(page: Page) -> None:
    page.get_by_label("Alleen een plek, bijvoorbeeld de school:").check()
    page.get_by_label("De plek", exact=True).fill(SCHOOL)
    page.get_by_label("Een kort briefje (mag leeg blijven)").fill("Hij heeft een blauwe jas.")


# What each volunteer reads on her task page, and what she must not read there.
SEES = {
    "Lotte": (("Daan", SCHOOL, PHONE_NUMBER), (ADDRESS,)),
    "Kees": (("Daan", ADDRESS), (SCHOOL, PHONE_NUMBER)),
    "Noor": ((SCHOOL, "Hij heeft een blauwe jas."), ("Daan", ADDRESS, PHONE_NUMBER)),
}


def test_three_volunteers_share_the_school_run_and_each_reads_only_what_the_mother_chose(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    run = school_run(live_server)
    mother = phone_signed_in(new_context, run.mother_link)
    rate_with_the_stepper(mother, run.household_id)
    write_goal_and_action(mother, run.household_id)
    ask_for_the_school_run(mother)

    volunteers = {name: phone_signed_in(new_context, link) for name, link in run.volunteer_links.items()}
    for name, page in volunteers.items():
        offer_days(page, name, run.mother)

    for name, choice in (("Lotte", lotte_knows), ("Kees", kees_knows), ("Noor", noor_knows)):
        accept_and_choose(mother, run.household_id, name, choice)

    # The rota: who does which day; every day has its volunteer, so the request is off the board.
    visit(mother, f"/huishoudens/{run.household_id}/hulpvragen")
    rota = mother.locator("table.rota")
    for name, days in ROTA.items():
        for day in days:
            expect(rota.locator("tr", has=mother.get_by_role("rowheader", name=day, exact=True))).to_contain_text(name)
    expect(rota).not_to_contain_text("nog open")
    assert_no_horizontal_scroll(mother)

    for name, page in volunteers.items():
        # Her start page: her days and the task, and the next date.
        visit(page, "/mijn")
        days = ROTA[name]
        line = (" en ".join([", ".join(days[:-1]), days[-1]]) if len(days) > 1 else days[0]).capitalize()
        mine = page.locator(".my-days")
        expect(mine).to_contain_text(f"{line}: {CARD}, {WHEN}")
        expect(mine).to_contain_text("De volgende keer:")
        mine.get_by_role("link", name=re.compile(rf"^{re.escape(line)}")).click()
        settle(page, r"/taak$")
        told = page.locator("section", has_text="Wat het huishouden je vertelt")
        shown, hidden = SEES[name]
        for text in shown:
            expect(told).to_contain_text(text)
        main = page.locator("main").inner_text()
        for text in (*hidden, run.mother, "Oma Wil"):
            assert text not in main, f"{name} reads {text!r} on her task page"
        assert_no_horizontal_scroll(page)

    # The mother sees in "Wie keek in ons plan" that the volunteers read their task.
    visit(mother, f"/huishoudens/{run.household_id}/inzage")
    for name in ROTA:
        expect(mother.locator("main")).to_contain_text(name)
