"""The people around the De Vries household in a real Chromium, each on a phone of their own: Anouk invites
someone from her netwerkkaart for one action, he signs in with a passkey, sees only that action, ticks it
and leaves a note, and loses access when she withdraws it; and a volunteer takes the open school run."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import PHONE, LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    allow_console_error,
    assert_no_horizontal_scroll,
    check_a11y,
    demo_link,
    enrol,
    settle,
    visit,
)

HOUSEHOLD_URL = re.compile(r"/huishoudens/([0-9a-f-]{36})$")
NETWORK_GOAL = "Ik wil een vast netwerk van mensen die ik kan bellen als het niet gaat."
OTHER_GOAL = "Ik wil weten wat ik aan de pijn kan doen."
FRIDAY_CARD = "Een kind van 8 naar school brengen en ophalen, op vrijdag"


def phone_with_passkey(new_context: Callable[..., BrowserContext]) -> Page:
    context = new_context(PHONE, bypass_csp=True)
    page = context.new_page()
    add_virtual_authenticator(context, page)
    return page


def anouk_at_home(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> tuple[Page, str]:
    """Anouk signed in on her phone; returns her page and the household's id."""
    page = phone_with_passkey(new_context)
    enrol(page, demo_link(live_server, "Anouk"))
    page.get_by_role("link", name="De Vries").click()
    settle(page, HOUSEHOLD_URL.pattern)
    found = HOUSEHOLD_URL.search(urlsplit(page.url).path)
    assert found
    return page, found.group(1)


def named(prefix: str, name: str) -> re.Pattern[str]:
    """A control's accessible name: its visible text, then hidden words naming what it is about."""
    return re.compile(rf"^{re.escape(prefix)}\W+{re.escape(name)}$")


def test_a_grandfather_is_invited_from_the_map_does_his_action_and_loses_access_when_withdrawn(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    opa = f"Opa Kees {secrets.token_hex(3)}"
    task = f"{opa} vragen of hij op zaterdag kookt."
    note = "Lukt elke zaterdag, ik neem soep mee."
    message = "Hoi pa, wil je op zaterdag koken? Met deze link zie je wat we vragen."
    anouk, household_id = anouk_at_home(new_context, live_server)

    visit(anouk, f"/huishoudens/{household_id}/netwerk")
    expect(anouk.get_by_role("img", name=re.compile("^Netwerkkaart van De Vries"))).to_be_visible()
    expect(anouk.locator("section", has_text="Liever niet betrokken")).to_contain_text("Vader van Milan")
    assert_no_horizontal_scroll(anouk)
    anouk.set_viewport_size({"width": 390, "height": 844})
    anouk.get_by_role("link", name="Iemand toevoegen").click()
    settle(anouk, r"/netwerk/nieuw$")
    anouk.get_by_label("Naam", exact=True).fill(opa)
    anouk.get_by_label("Wie is dit voor jullie?").select_option(label="familie")
    anouk.get_by_label("Informeel: familie, vriend, buur, iemand van de club").check()
    anouk.get_by_label("dichtbij", exact=True).check()
    anouk.get_by_label("Waarmee kan deze persoon helpen? (mag leeg)").fill("koken")
    anouk.get_by_role("button", name="Opslaan").click()
    settle(anouk, r"/netwerk\?toegevoegd=1$")
    expect(anouk.get_by_role("status")).to_have_text("De persoon staat op de kaart.")
    expect(anouk.locator(".network-list li", has_text=opa)).to_contain_text("familie · informeel · dichtbij")
    expect(anouk.locator("svg.network-map")).to_contain_text(opa[:15])

    # An action for someone from the network, and from it the invitation.
    visit(anouk, f"/huishoudens/{household_id}/plan")
    anouk.locator("li.goal", has_text=NETWORK_GOAL).get_by_role("link", name="Actie toevoegen bij dit doel").click()
    settle(anouk, r"/acties/nieuw$")
    anouk.get_by_label("Wat moet er gebeuren?").fill(task)
    anouk.get_by_label("iemand uit ons netwerk").check()
    anouk.get_by_role("button", name="Bewaren").click()
    settle(anouk, r"/plan")
    anouk.get_by_role("link", name=named("Uitnodigen", task)).click()
    settle(anouk, r"/netwerk/uitnodigen\?actie=")
    expect(anouk.get_by_label("Voor welke actie? (mag leeg)")).to_have_value(re.compile(".+"))
    anouk.get_by_label("Wie nodigen jullie uit?").select_option(label=opa)
    anouk.get_by_label("Een kort bericht erbij").fill(message)
    anouk.get_by_role("button", name="Link maken").click()
    settle(anouk, r"/netwerk/link$")
    expect(anouk.get_by_role("heading", level=1)).to_have_text(f"Aanmeldlink voor {opa}")
    expect(anouk.get_by_label("Bericht om te sturen, met de link")).to_have_value(re.compile(re.escape(message)))
    link = urlsplit(anouk.locator("[data-enrolment-link]").input_value()).path

    # Opa opens the link on his own phone.
    grandpa = phone_with_passkey(new_context)
    visit(grandpa, link)
    expect(grandpa.get_by_role("heading", level=1)).to_have_text(f"Welkom, {opa}")
    expect(grandpa.locator("figure.invitation")).to_contain_text(message)
    expect(grandpa.locator("figure.invitation")).to_contain_text("Bericht van Anouk")
    grandpa.get_by_role("button", name="Passkey maken").click()
    settle(grandpa, r"/mijn\?welkom=1$")
    grandpa.get_by_role("link", name="Plan van De Vries").click()
    settle(grandpa, r"/plan$")
    mine = grandpa.locator("li.action", has_text=task)
    expect(mine).to_be_visible()
    expect(grandpa.get_by_text(NETWORK_GOAL)).to_be_visible()
    expect(grandpa.get_by_text(OTHER_GOAL)).to_have_count(0)
    expect(grandpa.get_by_role("link", name="Doel toevoegen")).to_have_count(0)
    mine.get_by_role("button", name="Gedaan").click()
    expect(mine.get_by_role("button", name="Toch niet gedaan")).to_be_visible()
    check_a11y(grandpa)
    grandpa.locator("li.action", has_text=task).get_by_label("Korte notitie voor het huishouden").fill(note)
    grandpa.locator("li.action", has_text=task).get_by_role("button", name="Notitie opslaan").click()
    settle(grandpa, r"/plan")
    expect(grandpa.locator("li.action", has_text=task)).to_contain_text(f"Notitie: {note}")

    # Anouk sees it done, with his note, and who looked; then she withdraws his access.
    visit(anouk, f"/huishoudens/{household_id}/plan")
    done = anouk.locator("li.action", has_text=task)
    expect(done.locator(".status")).to_have_text("gedaan")
    expect(done).to_contain_text(f"Notitie: {note}")
    visit(anouk, f"/huishoudens/{household_id}/inzage")
    expect(anouk.locator("[data-access-log] li", has_text=f"{opa} keek").first).to_contain_text("jullie plan")
    visit(anouk, f"/huishoudens/{household_id}/netwerk")
    expect(anouk.locator(".network-list li", has_text=opa)).to_contain_text("Kijkt mee met jullie plan")
    anouk.get_by_role("button", name=named("Toegang intrekken", opa)).click()
    settle(anouk, r"/netwerk\?ingetrokken=1$")
    expect(anouk.get_by_role("status")).to_contain_text("De toegang is ingetrokken.")

    # His session ended with his access: the plan's address now asks him to sign in, and nothing of it shows.
    visit(grandpa, f"/huishoudens/{household_id}/plan")
    expect(grandpa.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(grandpa.get_by_text(task)).to_have_count(0)


def test_a_volunteer_takes_the_open_school_run_and_the_household_confirms_it(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    sem = phone_with_passkey(new_context)
    enrol(sem, demo_link(live_server, "Sem"))
    visit(sem, "/taken")
    card = sem.locator("li", has_text=FRIDAY_CARD)
    expect(card).to_contain_text("Wijk: Schilderskwartier")
    board = sem.locator("main").inner_text()
    for identifying in ("Anouk", "De Vries", "Milan", "Van Oldenbarneveltlaan", "06-12345678"):
        assert identifying not in board, f"the task board shows {identifying!r} before the household accepted"
    assert_no_horizontal_scroll(sem)
    sem.set_viewport_size({"width": 390, "height": 844})
    card.get_by_label("Een kort bericht (mag leeg blijven)").fill("Ik woon vlakbij de school.")
    card.get_by_role("button", name=named("Ik wil helpen", FRIDAY_CARD)).click()
    settle(sem, r"/taken\?aangeboden=1$")
    expect(sem.locator("li", has_text=FRIDAY_CARD)).to_contain_text("Je hebt hulp aangeboden. Het huishouden beslist.")

    anouk, household_id = anouk_at_home(new_context, live_server)
    visit(anouk, f"/huishoudens/{household_id}/hulpvragen")
    request = anouk.locator("li", has=anouk.get_by_role("heading", name=FRIDAY_CARD))
    expect(request).to_contain_text("Sem van Handje Helpen wil helpen.")
    expect(request).to_contain_text("Ik woon vlakbij de school.")
    request.get_by_role("button", name=re.compile(r"^Ja, graag\W+hulp van Sem$")).click()
    # Next she chooses what Sem gets to know: her first name, the address and the phone number.
    settle(anouk, r"/delen\?aangenomen=1$")
    expect(anouk.get_by_role("heading", level=1)).to_have_text("Wat mag Sem weten?")
    anouk.get_by_label("Anouk", exact=True).check()
    anouk.get_by_label("Ons adres: Van Oldenbarneveltlaan 12, Woerden").check()
    anouk.get_by_label("Ons telefoonnummer: 06-12345678").check()
    anouk.get_by_role("button", name="Opslaan").click()
    settle(anouk, r"/hulpvragen\?gedeeld=1")
    request = anouk.locator("li", has=anouk.get_by_role("heading", name=FRIDAY_CARD))
    expect(request).to_contain_text("Vrijwilliger: Sem")
    expect(request).to_contain_text("Status: een vrijwilliger helpt")

    visit(sem, "/taken")
    sem.locator("section", has_text="Mijn taken").get_by_role("link", name=FRIDAY_CARD).click()
    settle(sem, r"/taak$")
    task_path = urlsplit(sem.url).path
    details = sem.locator("dl")
    expect(details).to_contain_text("Anouk")
    expect(details).to_contain_text("Van Oldenbarneveltlaan 12, Woerden")
    expect(details.get_by_role("link", name="06-12345678")).to_be_visible()
    sem.get_by_role("button", name="Het is gedaan").click()
    settle(sem, r"/taken\?klaar=1$")
    expect(sem.get_by_role("status")).to_have_text("Dank je wel! Het huishouden bevestigt dat het gedaan is.")

    visit(anouk, f"/huishoudens/{household_id}/hulpvragen")
    request = anouk.locator("li", has=anouk.get_by_role("heading", name=FRIDAY_CARD))
    expect(request).to_contain_text("Status: de vrijwilliger meldt: gedaan")
    request.get_by_role("button", name="Klopt, het is gedaan").click()
    settle(anouk, r"/hulpvragen\?bevestigd=1$")
    expect(anouk.get_by_role("status")).to_have_text("Bevestigd. De actie staat op gedaan.")
    expect(anouk.locator("li", has=anouk.get_by_role("heading", name=FRIDAY_CARD))).to_contain_text("Status: klaar")

    # Once the task is confirmed, the volunteer no longer sees the household's address.
    allow_console_error(sem, r"status of 404")
    visit(sem, task_path, expect_status=404)
