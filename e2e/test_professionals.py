"""Partners, team leads and the functioneel beheerder in a real Chromium, each as they would do it: households on
their phone, professionals on a tablet.

- Anouk (De Vries) gives an action to MEE; Ruud (MEE) finds it on his start page, says "Wij pakken dit op",
  writes a note and ticks it; Anouk reads his note on the plan and his look in "Wie keek in ons plan".
- Fatima asks the team lead for a doorbraak for Visser; Karin finds it on her start page, reads only the goal
  it is about and grants it with what she arranged; the household's timeline tells it in plain words.
- Fatima books a grant above her mandate in De Vries' gezinsbudget: it waits; Karin approves it on her list
  and then it counts in the totals.
- Bram adds a colleague, who signs in on her own tablet; Bram deactivates her and her open session gets the
  sign-in page on its next request.
- Every demo professional lands on a start page with something to do; the team lead's and the admin's other
  pages are visited.

Every page is checked with axe-core; screenshots of the start pages and the main pages go to /tmp/walk13/.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, CDPSession, Locator, Page, expect

from e2e.conftest import PHONE, TABLET, LiveServer
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

SHOTS = Path("/tmp/walk13")
HOUSEHOLD_URL = re.compile(r"/huishoudens/([0-9a-f-]{36})")
# Passkey sessions of the virtual authenticators, kept alive for as long as the test runs.
_AUTHENTICATORS: list[CDPSession] = []


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(context: BrowserContext, link: str) -> Page:
    """Open a one-time link in ``context``, make a passkey and land on the start page."""
    page = context.new_page()
    cdp, _authenticator = add_virtual_authenticator(context, page)
    _AUTHENTICATORS.append(cdp)
    enrol(page, link)
    return page


def as_demo(context: BrowserContext, live_server: LiveServer, name: str) -> Page:
    return sign_in(context, demo_link(live_server, name))


def click_to(page: Page, target: Locator, path_pattern: str) -> None:
    target.click()
    settle(page, path_pattern)


def household_id_of(link: Locator) -> str:
    href = link.get_attribute("href") or ""
    found = HOUSEHOLD_URL.search(href)
    assert found, href
    return found.group(1)


def on_phone(page: Page) -> None:
    """A household's page does not scroll sideways at 320 px; then the phone is its own width again."""
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(PHONE["viewport"])


def euro(text: str) -> int:
    """ "€ 1.175,00" as cents."""
    digits = re.sub(r"[^0-9,]", "", text)
    whole, _comma, cents = digits.partition(",")
    return int(whole or "0") * 100 + int((cents or "0").ljust(2, "0")[:2])


def granted(page: Page) -> int:
    totals = page.locator(".budget-totals").first
    return euro(totals.locator("div", has_text="Toegekend").locator("dd").inner_text())


def test_ruud_of_mee_picks_up_what_anouk_gave_to_mee_and_she_sees_his_note_and_his_look(
    phone: BrowserContext, tablet: BrowserContext, live_server: LiveServer
) -> None:
    what = f"Een plek bij de dagbesteding op woensdag ({secrets.token_hex(2)})"
    note = "Woensdag om 9 uur bel ik je, dan gaan we samen kijken."

    # --- Anouk, on her phone, gives an action to MEE: the organisation select of the action form.
    anouk = as_demo(phone, live_server, "Anouk")
    on_phone(anouk)
    shot(anouk, "anouk-start-phone")
    household_id = household_id_of(anouk.get_by_role("link", name="De Vries"))
    visit(anouk, f"/huishoudens/{household_id}/plan")
    on_phone(anouk)
    click_to(anouk, anouk.get_by_role("link", name="Actie toevoegen bij dit doel").first, r"/acties/nieuw$")
    anouk.get_by_label("Wat moet er gebeuren?").fill(what)
    anouk.get_by_label("professional", exact=True).check()
    anouk.get_by_label("Alleen bij een professional: waarom een professional?").fill("MEE weet welke plekken er zijn.")
    anouk.get_by_label("Alleen bij een professional: welke organisatie?").select_option(label="MEE")
    on_phone(anouk)
    click_to(anouk, anouk.get_by_role("button", name="Bewaren"), r"/plan$")
    action = anouk.locator("li.action", has_text=what)
    expect(action).to_contain_text("Wie: professional")
    shot(anouk, "anouk-plan-phone")

    # --- Ruud (MEE), on his tablet, finds it on his start page and says "Wij pakken dit op".
    ruud = as_demo(tablet, live_server, "Ruud")
    expect(ruud.get_by_role("heading", name="Acties voor MEE")).to_be_visible()
    card = ruud.locator("li.partner-action", has_text=what)
    expect(card).to_contain_text("Huishouden De Vries")
    expect(ruud.locator("li.partner-action--overdue").first).to_contain_text("Te laat")
    expect(ruud.locator(".partner-households")).to_contain_text("Huishouden De Vries")
    shot(ruud, "ruud-start-tablet")
    click_to(ruud, card.get_by_role("button", name=re.compile("^Wij pakken dit op")), r"/mijn$")
    card = ruud.locator("li.partner-action", has_text=what)
    expect(card).to_contain_text("opgepakt door Ruud")
    expect(card.get_by_role("button", name=re.compile("^Wij pakken dit op"))).to_have_count(0)

    # He opens the action on the plan (only the goal shared with MEE), writes a note and ticks it.
    click_to(ruud, card.get_by_role("link", name=what), rf"/huishoudens/{household_id}/plan")
    shot(ruud, "ruud-plan-tablet")
    item = ruud.locator("li.action", has_text=what)
    item.get_by_label("Korte notitie voor het huishouden").fill(note)
    click_to(ruud, item.get_by_role("button", name="Notitie opslaan"), rf"/huishoudens/{household_id}/plan")
    item = ruud.locator("li.action", has_text=what)
    expect(item).to_contain_text(f"Notitie: {note}")
    item.get_by_role("button", name="Gedaan").click()
    expect(ruud.locator("li.action", has_text=what).locator(".status")).to_have_text("gedaan")
    check_a11y(ruud)
    # Done, it leaves his list of open actions.
    visit(ruud, "/mijn")
    expect(ruud.locator("li.partner-action", has_text=what)).to_have_count(0)

    # --- Anouk sees his note and the action done, and his look in "Wie keek in ons plan".
    visit(anouk, f"/huishoudens/{household_id}/plan")
    action = anouk.locator("li.action", has_text=what)
    expect(action).to_contain_text(f"Notitie: {note}")
    expect(action.locator(".status")).to_have_text("gedaan")
    on_phone(anouk)
    visit(anouk, f"/huishoudens/{household_id}")
    click_to(anouk, anouk.get_by_role("link", name="Wie keek in ons plan"), r"/inzage$")
    looks = anouk.locator("[data-access-log] li", has_text="Ruud van MEE keek").first
    expect(looks).to_contain_text("jullie plan")
    expect(looks).to_contain_text("jullie deelden het doel")
    on_phone(anouk)
    shot(anouk, "anouk-inzage-phone")


def test_karin_grants_the_doorbraak_fatima_asked_for_and_the_timeline_tells_it(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    blocked = f"De kinderopvang na school heeft een wachtlijst van een half jaar ({secrets.token_hex(2)})."
    arranged = "De opvang heeft vanaf maandag een plek; ik sprak het af met de directeur."

    # --- Fatima, on her tablet, asks for a doorbraak from Visser's overview.
    fatima = as_demo(new_context(TABLET, bypass_csp=True), live_server, "Fatima")
    expect(fatima.locator(".caseload-card")).not_to_have_count(0)
    expect(fatima.get_by_role("heading", name="Overdrachten voor jou")).to_be_visible()
    shot(fatima, "fatima-start-tablet")
    visser = fatima.locator(".caseload-list").get_by_role("link", name="Visser", exact=True)
    household_id = household_id_of(visser)
    click_to(fatima, visser, rf"/huishoudens/{household_id}$")
    shot(fatima, "fatima-household-tablet")
    click_to(fatima, fatima.get_by_role("link", name="Doorbraak vragen aan de teamleider"), r"/doorbraak$")
    fatima.get_by_label("Wat zit vast?").fill(blocked)
    fatima.get_by_label("Wie of wat houdt het tegen? (organisatie of regel)").fill("Kinderopvang De Regenboog")
    fatima.get_by_label("Wat is er nodig?").fill("Een plek met voorrang, zodat Rob kan blijven werken.")
    goal_select = fatima.get_by_label("Over welk doel gaat het?")
    options = goal_select.locator("option").all()
    goals = [o.inner_text().strip() for o in options if o.get_attribute("value")]
    goal = next((text for text in goals if text != "Het plan als geheel"), "")
    assert goal, "Visser has no goal to choose"
    goal_select.select_option(label=goal)
    shot(fatima, "fatima-doorbraak-form-tablet")
    click_to(fatima, fatima.get_by_role("button", name="Doorbraak vragen"), rf"/huishoudens/{household_id}")
    expect(fatima.locator(".escalation-summary")).to_contain_text("wacht op de teamleider")

    # --- Karin, the team lead, finds it on her start page, opens it and reads only that goal.
    karin = as_demo(new_context(TABLET, bypass_csp=True), live_server, "Karin")
    expect(karin.get_by_role("heading", name="Doorbraken die wachten op je besluit")).to_be_visible()
    expect(karin.get_by_role("link", name="Huishouden Visser", exact=True)).to_be_visible()
    expect(
        karin.get_by_role("link", name=re.compile(r"(boeking wacht|boekingen wachten) op je goedkeuring"))
    ).to_be_visible()
    shot(karin, "karin-start-tablet")
    click_to(karin, karin.get_by_role("link", name="Naar het teamoverzicht"), r"/team$")
    click_to(karin, karin.get_by_role("link", name="Doorbraken").first, r"/team/doorbraken$")
    open_ones = karin.locator("section[aria-labelledby=open-title]")
    expect(open_ones.locator("li.card", has_text=blocked)).to_contain_text("Regisseur: Fatima")
    shot(karin, "karin-doorbraken-tablet")
    click_to(
        karin,
        open_ones.locator("li.card", has_text=blocked).get_by_role("link", name="Huishouden Visser", exact=True),
        rf"/huishoudens/{household_id}/doorbraak/[0-9a-f-]{{36}}$",
    )
    expect(karin.get_by_role("heading", level=1)).to_have_text("Doorbraak voor huishouden Visser")
    plan_part = karin.locator("section[aria-labelledby=plan-title]")
    expect(plan_part.get_by_role("heading", level=2)).to_have_text("Het doel en de acties")
    expect(plan_part.get_by_role("heading", level=3)).to_have_count(1)
    expect(plan_part.get_by_role("heading", level=3)).to_have_text(goal)
    shot(karin, "karin-doorbraak-tablet")
    karin.get_by_label(re.compile("^Toekennen")).check()
    karin.get_by_label("Bij toekennen: wat heb je geregeld?").fill(arranged)
    click_to(karin, karin.get_by_role("button", name="Besluit vastleggen"), r"/team/doorbraken")
    expect(karin.get_by_role("status")).to_contain_text("Je besluit is vastgelegd.")
    expect(karin.locator("section[aria-labelledby=decided-title]")).to_contain_text(blocked)
    # Decided, the plan is closed to her again.
    allow_console_error(karin, r"status of 404")
    visit(karin, f"/huishoudens/{household_id}/plan", expect_status=404)

    # --- The household's timeline (Fatima reads it as the household does) tells the decision in plain words.
    visit(fatima, f"/huishoudens/{household_id}")
    expect(fatima.locator(".escalation-summary")).to_contain_text("Karin heeft de doorbraak op")
    visit(fatima, f"/huishoudens/{household_id}/tijdlijn")
    expect(fatima.get_by_text(f"Karin (teamleider) heeft de doorbraak toegekend: {arranged}")).to_be_visible()
    expect(fatima.get_by_text(re.compile(r"Fatima heeft de teamleider om een doorbraak gevraagd"))).not_to_have_count(0)
    shot(fatima, "visser-tijdlijn-tablet")


def test_a_grant_above_the_mandate_waits_for_karin_and_counts_once_she_approves_it(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    purpose = f"Een fiets voor Milan ({secrets.token_hex(2)})"

    fatima = as_demo(new_context(TABLET, bypass_csp=True), live_server, "Fatima")
    de_vries = fatima.locator(".caseload-list").get_by_role("link", name="De Vries", exact=True)
    household_id = household_id_of(de_vries)
    click_to(fatima, de_vries, rf"/huishoudens/{household_id}$")
    click_to(fatima, fatima.get_by_role("link", name="Gezinsbudget"), r"/budget$")
    before = granted(fatima)
    expect(fatima.get_by_text("Tot en met € 500,00 beslis je zelf.", exact=False)).to_be_visible()
    fatima.locator("input[name=kind][value=grant]").check()
    fatima.get_by_label("Waarvoor").fill(purpose)
    fatima.get_by_label("Bedrag in euro").fill("725,00")
    fatima.get_by_label("Datum").fill(dt.date.today().isoformat())
    click_to(fatima, fatima.get_by_role("button", name="Boeken"), r"/budget")
    expect(fatima.get_by_role("status")).to_contain_text("het wacht op goedkeuring van de teamleider")
    row = fatima.locator("table.ledger tr", has_text=purpose)
    expect(row).to_contain_text("wacht op goedkeuring van de teamleider")
    assert granted(fatima) == before, "a grant above the mandate counted before it was approved"
    shot(fatima, "de-vries-budget-tablet")

    # --- Karin approves it from her list; then it counts.
    karin = as_demo(new_context(TABLET, bypass_csp=True), live_server, "Karin")
    click_to(
        karin,
        karin.get_by_role("link", name=re.compile(r"(boeking wacht|boekingen wachten) op je goedkeuring")),
        r"/team/budget$",
    )
    row = karin.locator("tr", has_text=purpose)
    expect(row).to_contain_text("De Vries")
    expect(row).to_contain_text("Fatima")
    expect(row).to_contain_text("€ 725,00")
    shot(karin, "karin-budget-tablet")
    click_to(karin, row.get_by_role("link"), r"/goedkeuren$")
    shot(karin, "karin-budget-approve-tablet")
    click_to(karin, karin.get_by_role("button", name="Goedkeuren", exact=True), r"/team/budget")
    expect(karin.get_by_role("status")).to_contain_text("Goedgekeurd. Het telt nu mee")
    expect(karin.locator("tr", has_text=purpose)).to_have_count(0)

    visit(fatima, f"/huishoudens/{household_id}/budget")
    row = fatima.locator("table.ledger tr", has_text=purpose)
    expect(row).to_contain_text("goedgekeurd door Karin")
    assert granted(fatima) == before + 72500


def test_bram_deactivates_a_colleague_whose_open_session_then_meets_the_sign_in_page(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    name = f"Lotte {secrets.token_hex(2)}"

    bram = as_demo(new_context(TABLET, bypass_csp=True), live_server, "Bram")
    expect(bram.get_by_role("heading", name="Beheer van de gemeente")).to_be_visible()
    expect(
        bram.get_by_role("link", name=re.compile(r"(herstellink wacht|herstellinks wachten) op jouw goedkeuring"))
    ).to_be_visible()
    shot(bram, "bram-start-tablet")
    click_to(bram, bram.get_by_role("link", name="Mensen en toegang"), r"/beheer/mensen$")
    bram.get_by_label("Naam").fill(name)
    bram.get_by_label("Rol").select_option(label="regisseur")
    bram.get_by_label("Team of organisatie").select_option(label="Sociaal team Woerden")
    click_to(bram, bram.get_by_role("button", name="Toevoegen en link maken"), r"/beheer/link$")
    link = urlsplit(bram.locator("[data-enrolment-link]").input_value()).path

    # --- Lotte signs in on her own tablet and starts working.
    lotte = sign_in(new_context(TABLET, bypass_csp=True), link)
    expect(lotte.get_by_role("heading", level=1)).to_have_text(f"Hallo {name}")

    # --- Bram opens her page and deactivates her, after the confirmation page.
    visit(bram, "/beheer/mensen")
    click_to(bram, bram.get_by_role("link", name=name), r"/beheer/mensen/[0-9a-f-]{36}$")
    expect(bram.get_by_role("heading", level=1)).to_have_text(name)
    expect(bram.locator("section[aria-labelledby=roles-title]")).to_contain_text("Sociaal team Woerden")
    shot(bram, "bram-person-tablet")
    click_to(bram, bram.get_by_role("link", name="Deactiveren"), r"/deactiveren$")
    expect(bram.get_by_role("heading", level=1)).to_have_text(f"{name} deactiveren?")
    click_to(bram, bram.get_by_role("button", name="Ja, deactiveren"), r"/beheer/mensen/[0-9a-f-]{36}")
    expect(bram.get_by_role("button", name="Weer toegang geven")).to_be_visible()

    # --- Her open session: the next request meets the sign-in page.
    lotte.reload()
    settle(lotte, r"/inloggen(\?|$)")
    expect(lotte.get_by_role("heading", level=1)).to_have_text("Inloggen")
    visit(lotte, "/mijn", expect_status=None)
    assert urlsplit(lotte.url).path == "/inloggen", lotte.url


def test_the_team_leads_and_the_admins_pages(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    karin = as_demo(new_context(TABLET, bypass_csp=True), live_server, "Karin")
    visit(karin, "/team")
    expect(karin.get_by_role("heading", level=1)).to_have_text("Teamoverzicht")
    households = karin.locator("section[aria-labelledby=households-title] table")
    de_vries = households.locator("tr", has=karin.locator("th[scope=row]", has_text=re.compile(r"^De Vries$")))
    expect(de_vries).to_contain_text("Fatima")
    shot(karin, "karin-team-tablet")
    visit(karin, "/team/waarneming")
    expect(karin.locator("tr", has_text="Fatima")).to_contain_text("Joost")
    shot(karin, "karin-waarneming-tablet")

    bram = as_demo(new_context(TABLET, bypass_csp=True), live_server, "Bram")
    visit(bram, "/beheer/teams")
    expect(bram.get_by_role("link", name="Sociaal team Harmelen")).to_be_visible()
    shot(bram, "bram-teams-tablet")
    visit(bram, "/beheer/organisaties")
    expect(bram.get_by_role("link", name="MEE", exact=True)).to_be_visible()
    shot(bram, "bram-organisaties-tablet")
    visit(bram, "/beheer/instellingen")
    expect(bram.get_by_label("Mandaat van de regisseur voor het gezinsbudget (euro)")).to_have_value(
        re.compile(r"^500")
    )
    shot(bram, "bram-instellingen-tablet")
    visit(bram, "/beheer/mensen")
    click_to(bram, bram.get_by_role("link", name="Ruud", exact=True), r"/beheer/mensen/[0-9a-f-]{36}$")
    expect(bram.locator("section[aria-labelledby=roles-title]")).to_contain_text("MEE")
    shot(bram, "bram-ruud-tablet")
