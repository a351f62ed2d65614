"""The plan in the household's own hand, on a phone in a real Chromium: a member writes an action for someone
not yet on the network map and invites her in one flow, reads who looked (grouped per person and day, with
why) and filters it, and strikes a goal out after confirming; every page passes axe-core and fits 320 px."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import BrowserContext, expect

from e2e.conftest import LiveServer
from e2e.helpers import add_virtual_authenticator, assert_no_horizontal_scroll, demo_link, enrol, settle, visit
from e2e.test_household_plan import HOUSEHOLD_URL, register_household

GOAL = "Milan gaat elke dag op tijd naar school."
ACTION = "Op woensdag Milan naar school brengen."


def test_a_member_invites_from_an_action_reads_who_looked_and_strikes_a_goal_out(
    phone: BrowserContext, tablet: BrowserContext, live_server: LiveServer
) -> None:
    suffix = secrets.token_hex(3)
    household_name, member, grandmother = f"Bos {suffix}", "Mira", f"Oma Joke {suffix}"

    regisseur = tablet.new_page()
    add_virtual_authenticator(tablet, regisseur)
    enrol(regisseur, demo_link(live_server, "Fatima"))
    household_id, member_link = register_household(regisseur, household_name, member)

    page = phone.new_page()
    add_virtual_authenticator(phone, page)
    enrol(page, member_link)
    page.get_by_role("link", name=household_name).click()
    settle(page, HOUSEHOLD_URL.pattern)

    # A goal, and an action for someone who is not on the network map yet.
    visit(page, f"/huishoudens/{household_id}/plan/doelen/nieuw")
    page.get_by_label("Bij welk leefgebied hoort dit doel?").select_option(index=1)
    page.get_by_label("Wat willen jullie bereiken?").fill(GOAL)
    page.get_by_role("button", name="Bewaren").click()
    settle(page, r"/plan")
    page.locator("li.goal", has_text=GOAL).get_by_role("link", name="Actie toevoegen bij dit doel").click()
    settle(page, r"/acties/nieuw$")
    assert_no_horizontal_scroll(page)
    page.get_by_label("Wat moet er gebeuren?").fill(ACTION)
    page.get_by_label("iemand uit ons netwerk", exact=True).check()
    page.get_by_label("Wie precies? (naam of organisatie, mag leeg blijven)").fill(grandmother)
    page.get_by_role("button", name="Bewaar en nodig iemand uit ons netwerk uit").click()
    settle(page, r"/netwerk/uitnodigen\?actie=")
    expect(page.get_by_text(f"Voor de actie: {ACTION}")).to_be_visible()
    expect(page.get_by_label("Naam", exact=True)).to_have_value(grandmother)
    assert_no_horizontal_scroll(page)
    page.get_by_label("Wie is dit voor jullie?").select_option(label="familie")
    page.get_by_role("button", name="Link maken").click()
    settle(page, r"/netwerk/link$")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Aanmeldlink voor {grandmother}")

    # The regisseur looks at the plan; the household reads that, with why she may.
    visit(regisseur, f"/huishoudens/{household_id}/plan")
    visit(page, f"/huishoudens/{household_id}/inzage")
    looks = page.locator("[data-access-log] li", has_text="Fatima keek")
    expect(looks.first).to_contain_text("jullie plan")
    expect(looks.first).to_contain_text("Waarom mag dit: jullie regisseur.")
    assert_no_horizontal_scroll(page)
    page.get_by_label("De laatste week").check()
    page.get_by_role("button", name="Laat zien").click()
    settle(page, r"/inzage\?.*periode=week")
    expect(page.locator("[data-access-log] li", has_text="Fatima keek").first).to_be_visible()
    assert_no_horizontal_scroll(page)

    # Striking the goal out, after confirming.
    visit(page, f"/huishoudens/{household_id}/plan")
    page.locator("li.goal", has_text=GOAL).get_by_role("link", name=re.compile(r"^Doel schrappen")).click()
    settle(page, r"/schrappen$")
    assert_no_horizontal_scroll(page)
    page.get_by_label("Ja, we willen dit doel schrappen").check()
    page.get_by_role("button", name="Doel schrappen").click()
    settle(page, r"/plan\?geschrapt=1")
    expect(page.locator(".notice--ok")).to_contain_text("Het doel is geschrapt.")
    expect(page.locator("li.goal", has_text=GOAL)).to_have_count(0)
    visit(page, f"/huishoudens/{household_id}/tijdlijn")
    expect(page.get_by_text(f"Doel geschrapt: \u201c{GOAL}\u201d.")).to_be_visible()
