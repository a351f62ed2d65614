"""A household member on a phone starts at "Begin hier" and scores one leefgebied at a time: big choices
with smiley, number, colour and her own words, a progress bar, Vorige and Overslaan, and a summary that
leads to the plan. The same stepper in Arabic (right to left) passes axe-core and does not scroll sideways
at 320 px."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    assert_no_horizontal_scroll,
    check_a11y,
    demo_link,
    enrol,
    settle,
    visit,
)
from e2e.test_household_plan import register_household


def choose(page: Page, label: str, next_path: str) -> None:
    page.get_by_role("button", name=re.compile(re.escape(label))).click()
    settle(page, next_path)


def test_a_member_starts_at_begin_hier_and_scores_one_leefgebied_at_a_time(
    phone: BrowserContext, tablet: BrowserContext, live_server: LiveServer
) -> None:
    regisseur = tablet.new_page()
    add_virtual_authenticator(tablet, regisseur)
    enrol(regisseur, demo_link(live_server, "Fatima"))
    household_id, member_link = register_household(regisseur, f"Yilmaz {secrets.token_hex(3)}", "Derya")
    base = f"/huishoudens/{household_id}/scores"

    page = phone.new_page()
    add_virtual_authenticator(phone, page)
    enrol(page, member_link)
    welcome = page.locator("#begin-hier")
    expect(welcome.get_by_role("heading", name="Begin hier")).to_be_visible()
    expect(welcome).to_contain_text("Stap 1: Hoe gaat het?")
    welcome.get_by_role("link", name="Ja, begin").click()
    settle(page, rf"{base}/stap/1$")

    expect(page.get_by_role("heading", level=1)).to_have_text("Geld")
    expect(page.locator("label[for=stap-voortgang]")).to_have_text("1 van 11")
    expect(page.locator("progress#stap-voortgang")).to_have_attribute("value", "1")
    for label in ("Het gaat helemaal niet", "Het gaat slecht", "Het gaat matig", "Het gaat goed", "Het gaat prima"):
        button = page.get_by_role("button", name=re.compile(label))
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44, f"{label}: too small to tap ({box})"
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 390, "height": 844})

    choose(page, "Het gaat slecht", rf"{base}/stap/2\?opgeslagen=financien$")
    expect(page.locator(".stepper__saved[role=status]")).to_have_text("Bewaard: Geld, 2 (Het gaat slecht).")
    expect(page.locator("label[for=stap-voortgang]")).to_have_text("2 van 11")
    # Focus is on the new step's heading, and the live region says what was stored.
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.locator("#aankondiging")).to_have_text("Bewaard: Geld, 2 (Het gaat slecht).")
    page.get_by_role("link", name=re.compile("^Overslaan")).click()
    settle(page, rf"{base}/stap/3$")
    page.get_by_role("link", name="Vorige").click()
    settle(page, rf"{base}/stap/2$")
    choose(page, "Het gaat goed", rf"{base}/stap/3\?opgeslagen=dagbesteding$")
    for number in range(3, 12):
        nxt = rf"{base}/stap/{number + 1}" if number < 11 else rf"{base}/klaar"
        choose(page, "Het gaat matig", nxt + r"\?opgeslagen=")

    expect(page.get_by_role("heading", level=1)).to_have_text("Klaar met de scores")
    expect(page.locator("main")).to_contain_text("Je gaf bij 11 van de 11 onderwerpen een score.")
    expect(page.locator(".stepper-summary__item", has_text="Dagelijkse dingen")).to_contain_text("Het gaat matig")
    page.get_by_role("link", name="Naar ons plan").click()
    settle(page, r"/plan$")

    # Back on her start page, step 1 is done and the card goes on with step 2; she skips the rest.
    visit(page, "/mijn")
    expect(page.locator("#begin-hier")).to_contain_text("Stap 1: Hoe gaat het? (gedaan)")
    page.get_by_role("button", name="Niet meer tonen").click()
    settle(page, r"/mijn\?begin-hier=klaar$")
    expect(page.locator("#begin-hier")).to_have_count(0)

    # The same stepper in Arabic, on a 320 px phone.
    visit(page, f"/taal?terug={base}/stap/8")
    page.locator("input[name=locale][value=ar]").check()
    page.locator("form[action='/taal'] button[type=submit]").click()
    settle(page, rf"{base}/stap/8$")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("progress#stap-voortgang")).to_have_attribute("value", "8")
    assert_no_horizontal_scroll(page)
    check_a11y(page)
