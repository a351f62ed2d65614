"""A trajectory from aanmelding to afsluiting in a real Chromium. The regisseur (Fatima) works on a tablet at
the kitchen table and a member of the household on her own phone, side by side: registration, triage, the
integral intake with ratings by both, earlier help, the involvement register and a part left for later with a
reason, the gespreksverslag with the household's correction, the household's akkoord on its plan, uitvoering
with the first evaluation date, the regisseur role handed to a colleague (Joost) who accepts, and at last the
closing with a reason. The household's timeline tells every step in plain words.

The regisseur never types an address: after signing in she goes everywhere through links and buttons. Every
page is checked with axe-core for every role; the phone's pages are checked for sideways scrolling.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Locator, Page, expect

from e2e.conftest import PHONE, TABLET, LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    allow_console_error,
    assert_no_horizontal_scroll,
    check_a11y,
    demo_link,
    enrol,
    settle,
)

SHOTS = Path("/tmp/e2e-shots")
HOUSEHOLD_URL = re.compile(r"/huishoudens/([0-9a-f-]{36})$")
QUESTION = "We willen weer overzicht over de rekeningen en wat rust in huis."
WANTS_FIRST = "Eerst de brieven van de belastingdienst samen openmaken."
PRESENT = "Noor en Fatima (regisseur)"
AGREEMENTS = "Noor zoekt de brieven bij elkaar.\nFatima belt de schuldhulp."
CORRECTION = "Het waren brieven van de gemeente, niet van de belastingdienst."
GOAL = "Ik wil elke week weten welke rekeningen er nog open staan."
ORGANISATION = "Schuldhulp Woerden"
EARLIER_HELPER = "Maatschappelijk werk"
# Scores per leefgebied, in the order of the default set (eleven leefgebieden).
MEMBER_SCORES = [1, 2, 3, 3, 2, 4, 5, 3, 2, 2, 4]
REGISSEUR_SCORES = [2, 2, 3, 3, 2, 4, 4, 3, 2, 3, 4]


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def on_phone(page: Page) -> None:
    """The member's page does not scroll sideways at 320 px; then the phone is its own width again."""
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(PHONE["viewport"])


def click_to(page: Page, target: Locator, path_pattern: str) -> None:
    """Follow a link or press a button, wait for the page it leads to and check that page with axe."""
    target.click()
    settle(page, path_pattern)


def to_start_page(page: Page) -> None:
    """Through the main menu, on every page: "Mijn overzicht"."""
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    click_to(page, menu.get_by_role("link", name="Mijn overzicht"), r"/mijn$")


def phone_to(page: Page, target: Locator, path_pattern: str) -> None:
    """The member's step on her phone: the page it leads to is checked with axe and for sideways scrolling."""
    click_to(page, target, path_pattern)
    on_phone(page)


def household_path(household_id: str, tail: str = "") -> str:
    return rf"/huishoudens/{household_id}{tail}"


def rate_all(page: Page, scores: list[int], shown: Callable[[int], str]) -> None:
    """Tap a score on every leefgebied; each card is swapped in place and shows the score chosen."""
    cards = page.locator("li.rating")
    expect(cards).to_have_count(len(scores))
    for index, score in enumerate(scores):
        page.locator("li.rating").nth(index).locator(f"button[name=score][value='{score}']").first.click()
        card = page.locator("li.rating").nth(index)
        expect(card.locator(f"button[name=score][value='{score}']").first).to_have_attribute("aria-pressed", "true")
        expect(card.locator(".rating__compare")).to_contain_text(shown(score))
    check_a11y(page)


def staff_link(new_context: Callable[..., BrowserContext], live_server: LiveServer, name: str) -> str:
    """The functioneel beheerder (Bram), on his own computer, makes a sign-in link for a colleague in
    "Mensen en toegang", on the colleague's own page. Returns the link's path."""
    context = new_context(bypass_csp=True)
    admin = context.new_page()
    add_virtual_authenticator(context, admin)
    enrol(admin, demo_link(live_server, "Bram"))
    click_to(admin, admin.get_by_role("link", name="Mensen en toegang"), r"/beheer/mensen$")
    click_to(admin, admin.get_by_role("link", name=name, exact=True), r"/beheer/mensen/[0-9a-f-]{36}$")
    click_to(admin, admin.get_by_role("button", name="Nieuwe aanmeldlink maken"), r"/beheer/link$")
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Aanmeldlink voor {name}")
    return urlsplit(admin.locator("[data-enrolment-link]").input_value()).path


def register_and_triage(regisseur: Page, name: str, member: str) -> tuple[str, str]:
    """From her start page the regisseur registers the household, makes the member's link and does the
    triage: she coordinates. Returns the household id and the link's path."""
    click_to(regisseur, regisseur.get_by_role("link", name="Huishouden aanmelden"), r"/huishoudens/nieuw$")
    regisseur.get_by_label("Naam van het huishouden").fill(name)
    regisseur.get_by_label("Wijk").fill("Schilderskwartier")
    regisseur.get_by_label("Hoe kwam het huishouden bij ons?").select_option("netwerk")
    regisseur.get_by_label("Aangemeld door (mag leeg)").fill("de buurvrouw")
    regisseur.get_by_label("De vraag van het huishouden (mag leeg)").fill(QUESTION)
    regisseur.get_by_label("Voornaam lid 1").fill(member)
    regisseur.locator("input[name=member_0_adult]").check()
    click_to(regisseur, regisseur.get_by_role("button", name="Aanmelden"), HOUSEHOLD_URL.pattern)
    found = HOUSEHOLD_URL.search(urlsplit(regisseur.url).path)
    assert found
    household_id = found.group(1)
    expect(regisseur.get_by_text(re.compile("^Fase: aanmelding"))).to_be_visible()

    click_to(regisseur, regisseur.get_by_role("button", name=f"Aanmeldlink maken voor {member}"), r"/link$")
    link = regisseur.locator("[data-enrolment-link]").input_value()
    click_to(regisseur, regisseur.get_by_role("link", name="Terug", exact=True), HOUSEHOLD_URL.pattern)

    click_to(regisseur, regisseur.get_by_role("link", name="Triage: is regie nodig?"), r"/triage$")
    expect(regisseur.get_by_text(QUESTION)).to_be_visible()
    regisseur.get_by_label(re.compile("^Regisseur coördineert")).check()
    regisseur.get_by_label("Waarom? (kort)").fill("Veel rekeningen en drie instanties, niemand houdt het overzicht.")
    click_to(regisseur, regisseur.get_by_role("button", name="Triage vastleggen"), HOUSEHOLD_URL.pattern)
    expect(regisseur.get_by_text(re.compile("^Fase: intake"))).to_be_visible()
    return household_id, urlsplit(link).path


def test_a_regisseur_takes_a_household_from_its_registration_to_its_closing_on_a_tablet(
    phone: BrowserContext,
    tablet: BrowserContext,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
) -> None:
    suffix = secrets.token_hex(3)
    name, member = f"Bakker {suffix}", "Noor"
    intake_url = household_path(r"[0-9a-f-]{36}", "/intake")

    # --- Fatima signs in on her tablet (a fresh one-time link: the start of this context).
    regisseur = tablet.new_page()
    _cdp_r, _auth_r = add_virtual_authenticator(tablet, regisseur)
    enrol(regisseur, demo_link(live_server, "Fatima"))
    household_id, member_link = register_and_triage(regisseur, name, member)
    overview = household_path(household_id) + "$"

    # --- The intake at the kitchen table: Fatima opens the guided page from the household's overview.
    click_to(regisseur, regisseur.get_by_role("link", name="Intake met het huishouden"), intake_url + "$")
    expect(regisseur.get_by_role("heading", level=1)).to_have_text(f"Intake met huishouden {name}")
    check = regisseur.locator(".intake-check")
    expect(check.locator("li", has_text="Scores van het huishouden")).to_contain_text("nog niet gedaan")
    expect(check.locator("li", has_text="De vraag van het huishouden")).to_contain_text("klaar")
    shot(regisseur, "intake-tablet-start")

    # --- Meanwhile Noor, on her own phone, signs in with the link Fatima made (the link is the phone's
    # start: in real life she scans it), rates every leefgebied and writes her earlier help.
    page = phone.new_page()
    _cdp_m, _auth_m = add_virtual_authenticator(phone, page)
    enrol(page, member_link)
    on_phone(page)
    phone_to(page, page.get_by_role("link", name=name), HOUSEHOLD_URL.pattern)
    phone_to(page, page.get_by_role("link", name="Hoe gaat het? (scores)").first, r"/scores$")
    rate_all(page, MEMBER_SCORES, lambda score: f"Huishouden: {score}")
    on_phone(page)
    phone_to(page, page.get_by_role("link", name="Ons plan", exact=True), r"/plan$")
    phone_to(page, page.get_by_role("link", name=f"Huishouden {name}"), HOUSEHOLD_URL.pattern)
    phone_to(page, page.get_by_role("link", name="Eerdere hulp"), r"/eerdere-hulp$")
    page.get_by_label("Wie hielp jullie?").fill(EARLIER_HELPER)
    page.get_by_label("Wanneer?").fill("2023 tot 2024")
    page.get_by_label("Wat hielp?").fill("Iemand die meeging naar de afspraken.")
    page.get_by_label("Wat hielp niet?").fill("Steeds een andere hulpverlener.")
    phone_to(page, page.get_by_role("button", name="Toevoegen"), r"/eerdere-hulp\?toegevoegd=1$")
    expect(page.locator("li", has_text=EARLIER_HELPER)).to_contain_text("Wat hielp: Iemand die meeging")

    # --- Fatima sees both on her page after a reload, and rates too (the scores page, through its button).
    regisseur.reload()
    check_a11y(regisseur)
    check = regisseur.locator(".intake-check")
    expect(check.locator("li", has_text="Scores van het huishouden")).to_contain_text("klaar")
    expect(check.locator("li", has_text="Eerdere hulp")).to_contain_text("klaar")
    expect(regisseur.locator("#deel-history")).to_contain_text(EARLIER_HELPER)
    click_to(regisseur, regisseur.get_by_role("link", name="Naar de scores"), r"/scores$")
    rate_all(regisseur, REGISSEUR_SCORES, lambda score: f"Regisseur: {score}")
    expect(regisseur.locator("li.rating").first.locator(".rating__compare")).to_contain_text("Huishouden: 1")
    click_to(regisseur, regisseur.get_by_role("link", name=f"Plan van {name}"), r"/plan$")
    click_to(regisseur, regisseur.get_by_role("link", name=f"Huishouden {name}"), overview)

    # Who is already involved: a row in the involvement register.
    click_to(regisseur, regisseur.get_by_role("link", name="Betrokken organisaties bijhouden"), r"/betrokkenen$")
    regisseur.get_by_label("Organisatie", exact=True).fill(ORGANISATION)
    regisseur.get_by_label("Naam van de hulpverlener (mag leeg blijven)").fill("Ria de Boer")
    regisseur.get_by_label("Telefoonnummer of e-mailadres (mag leeg blijven)").fill("0348 123 456")
    since = dt.date.today() - dt.timedelta(days=60)
    regisseur.get_by_label("Helpt mee sinds").fill(since.isoformat())
    click_to(regisseur, regisseur.get_by_role("button", name="Toevoegen"), r"/betrokkenen\?toegevoegd=1$")
    expect(regisseur.locator("li.involvement", has_text=ORGANISATION)).to_contain_text("Ria de Boer")
    click_to(regisseur, regisseur.get_by_role("link", name=f"Terug naar huishouden {name}"), overview)
    click_to(regisseur, regisseur.get_by_role("link", name="Intake met het huishouden"), intake_url + "$")

    # The conversation itself: who was there, what they want first, the agreements.
    regisseur.get_by_label("Wie waren er?").fill(PRESENT)
    expect(regisseur.get_by_label("De vraag van het huishouden, in hun eigen woorden")).to_have_value(QUESTION)
    regisseur.get_by_label("Wat willen ze als eerste aanpakken?").fill(WANTS_FIRST)
    regisseur.get_by_label("Afspraken").fill(AGREEMENTS)
    click_to(regisseur, regisseur.get_by_role("button", name="Bewaren", exact=True), intake_url + r"\?opgeslagen=1$")
    expect(regisseur.get_by_label("Wat willen ze als eerste aanpakken?")).to_have_value(WANTS_FIRST)

    # The network map is for a later conversation: "niet nu", with a reason.
    network = regisseur.locator("#deel-network")
    network.get_by_text("Niet nu?").click()
    network.get_by_label("Waarom kan dit nu niet? (kort)").fill("Noor wil eerst zelf nadenken wie erop komt.")
    not_now = network.get_by_role("button", name=re.compile(r"^Niet nu\W+Netwerkkaart$"))
    click_to(regisseur, not_now, intake_url + r"\?niet_nu=1")
    check = regisseur.locator(".intake-check")
    expect(check.locator("li", has_text="Netwerkkaart")).to_contain_text("niet nu (Noor wil eerst zelf nadenken")
    expect(check.locator("li", has_text="Wie al betrokken zijn")).to_contain_text("klaar")
    expect(check.locator("li", has_text="Scores van de regisseur")).to_contain_text("klaar")
    expect(check).to_contain_text("Alles is besproken of bewust overgeslagen.")
    shot(regisseur, "intake-tablet")

    click_to(regisseur, regisseur.get_by_role("button", name="Intake afronden"), r"/gespreksverslag\?afgerond=1$")
    expect(regisseur.get_by_text("De intake is afgerond.", exact=False)).to_be_visible()
    expect(regisseur.locator(".report")).to_contain_text(WANTS_FIRST)

    # --- Noor reads the gespreksverslag on her phone and adds a correction in her own words.
    phone_to(page, page.get_by_role("link", name="Terug naar het overzicht"), HOUSEHOLD_URL.pattern)
    phone_to(page, page.get_by_role("link", name="Gespreksverslag"), r"/gespreksverslag$")
    report = page.locator(".report")
    expect(report).to_contain_text(f"Aanwezig: {PRESENT}")
    expect(report).to_contain_text(WANTS_FIRST)
    expect(report).to_contain_text(QUESTION)
    expect(report).to_contain_text("Jullie: 1 · regisseur: 2")
    expect(report).to_contain_text(f"{ORGANISATION}, Ria de Boer")
    expect(report).to_contain_text(EARLIER_HELPER)
    expect(report).to_contain_text("Nu niet besproken. Waarom: Noor wil eerst zelf nadenken wie erop komt.")
    expect(report).to_contain_text("Fatima belt de schuldhulp.")
    shot(page, "gespreksverslag-phone")
    page.get_by_label("Jullie correctie of aanvulling").fill(CORRECTION)
    phone_to(page, page.get_by_role("button", name="Correctie toevoegen"), r"/gespreksverslag\?gecorrigeerd=1")
    expect(page.locator("#correcties")).to_contain_text(CORRECTION)

    # --- Noor writes a goal and says akkoord on her phone.
    phone_to(page, page.get_by_role("link", name="Terug naar het overzicht"), HOUSEHOLD_URL.pattern)
    phone_to(page, page.get_by_role("link", name="Ons plan", exact=True), r"/plan$")
    phone_to(page, page.get_by_role("link", name="Doel toevoegen"), r"/plan/doelen/nieuw$")
    page.get_by_label("Bij welk leefgebied hoort dit doel?").select_option(label="Geld")
    page.get_by_label("Wat willen jullie bereiken?").fill(GOAL)
    page.get_by_label("over 3 maanden").check()
    phone_to(page, page.get_by_role("button", name="Bewaren"), r"/plan")
    expect(page.locator("li.goal", has_text=GOAL)).to_be_visible()
    phone_to(page, page.get_by_role("link", name=f"Huishouden {name}"), HOUSEHOLD_URL.pattern)
    expect(page.get_by_text("Het plan is klaar om af te spreken.", exact=False)).to_be_visible()
    phone_to(page, page.get_by_role("link", name="Bekijk het plan en zeg akkoord"), r"/akkoord$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akkoord op ons plan")
    expect(page.locator(".agreement-goal")).to_contain_text(GOAL)
    phone_to(page, page.get_by_role("button", name="Wij zijn akkoord"), r"/akkoord\?akkoord=1$")
    expect(page.get_by_role("status")).to_contain_text(f"{member} zei op")

    # --- Fatima: the plan is vastgesteld; she starts the uitvoering with the first evaluation date.
    click_to(regisseur, regisseur.get_by_role("link", name="Terug naar het overzicht"), overview)
    expect(regisseur.get_by_text(re.compile("^Fase: plan vastgesteld", re.IGNORECASE))).to_be_visible()
    click_to(regisseur, regisseur.get_by_role("link", name="Uitvoering starten"), r"/uitvoering$")
    evaluation = dt.date.today() + dt.timedelta(days=75)
    regisseur.get_by_label("Eerste evaluatie op").fill(evaluation.isoformat())
    click_to(regisseur, regisseur.get_by_role("button", name="Uitvoering starten"), overview)
    expect(regisseur.get_by_text(re.compile("^Fase: uitvoering", re.IGNORECASE))).to_be_visible()
    expect(regisseur.get_by_text(re.compile("^Volgende evaluatie: "))).to_be_visible()

    # --- She hands the regisseur role to Joost, her colleague in the team; until he says yes, it waits.
    click_to(regisseur, regisseur.get_by_role("link", name="Overdragen", exact=True), r"/overdracht$")
    regisseur.get_by_label("Een collega uit het team wordt de regisseur").check()
    regisseur.get_by_label("Collega (als die regisseur wordt)").select_option(label="Joost")
    regisseur.get_by_label("Toelichting voor wie het overneemt (kort)").fill("Ik ga minder uren werken.")
    click_to(regisseur, regisseur.get_by_role("button", name="Overdracht vragen"), r"/overdracht\?gevraagd=1$")
    expect(regisseur.locator(".handover-pending")).to_contain_text("Wacht op Joost")
    click_to(regisseur, regisseur.get_by_role("link", name=f"Terug naar huishouden {name}"), overview)
    expect(regisseur.get_by_text(re.compile(r"^Overdracht: wacht op Joost"))).to_be_visible()

    # Her start page (its link is in the main menu of every page) lists the household with the handover waiting.
    to_start_page(regisseur)
    card = regisseur.locator("li.caseload-card", has_text=name)
    expect(card).to_contain_text("Fase: uitvoering")
    shot(regisseur, "mijn-fatima")

    # --- Joost signs in on his own tablet, with a link from the functioneel beheerder (the demo start page
    # offers only the first regisseur), and finds the handover on his start page.
    joost_context = new_context(TABLET, bypass_csp=True)
    joost = joost_context.new_page()
    _cdp_j, _auth_j = add_virtual_authenticator(joost_context, joost)
    enrol(joost, staff_link(new_context, live_server, "Joost"))
    offers = joost.locator("section", has=joost.get_by_role("heading", name="Overdrachten voor jou"))
    expect(offers).to_contain_text("Fatima vraagt je om")
    click_to(joost, offers.get_by_role("link", name=f"Huishouden {name}"), r"/overdracht/antwoord$")
    expect(joost.get_by_text("Ik ga minder uren werken.")).to_be_visible()
    # He is the regisseur now: straight to the household's overview, and it is in his list.
    click_to(joost, joost.get_by_role("button", name="Ja, ik neem het over"), overview)
    expect(joost.get_by_text(re.compile("^Fase: uitvoering"))).to_be_visible()
    to_start_page(joost)
    expect(joost.locator("li.caseload-card", has_text=name)).to_contain_text("Fase: uitvoering")

    # --- Fatima is now refused the household: reloading the page she had open answers "not found".
    response = regisseur.reload()
    assert response is not None
    check_a11y(regisseur)
    expect(regisseur.locator("li.caseload-card", has_text=name)).to_have_count(0)
    # The address she had open a minute ago (typed here only to prove the refusal); Chromium logs the 404.
    allow_console_error(regisseur, r"status of 404")
    response = regisseur.goto(household_path(household_id))
    assert response is not None and response.status == 404, "the former regisseur still reaches the household"
    check_a11y(regisseur)

    # --- Later Joost closes the trajectory: the household moved away; no eindmeting.
    click_to(joost, joost.locator("li.caseload-card", has_text=name).get_by_role("link", name=name), overview)
    click_to(joost, joost.get_by_role("link", name="Traject afsluiten"), r"/afsluiten$")
    expect(joost.get_by_role("heading", name="Eerst een eindmeting?")).to_be_visible()
    joost.get_by_label("Verhuisd").check()
    click_to(joost, joost.get_by_role("button", name="Zonder eindmeting afsluiten"), r"/mijn$")
    expect(joost.locator("li.caseload-card", has_text=name)).to_have_count(0)

    # --- Noor reads every step in her timeline, in plain words.
    phone_to(page, page.get_by_role("link", name="Terug naar ons overzicht"), HOUSEHOLD_URL.pattern)
    expect(page.get_by_text(re.compile("^Waar jullie nu staan: de hulp is klaar"))).to_be_visible()
    phone_to(page, page.get_by_role("link", name="Tijdlijn: wat er veranderde"), r"/tijdlijn$")
    timeline = page.locator("main")
    for sentence in (
        "Fatima is jullie regisseur en houdt het overzicht.",
        f"{member} schreef eerdere hulp op: {EARLIER_HELPER}.",
        "Fatima en jullie rondden het intakegesprek af. Het gespreksverslag staat klaar.",
        f"{member} schreef een correctie bij het gespreksverslag.",
        f"{member} zei op ",
        "Jullie plan is vastgesteld.",
        "Fatima zette het plan in gang: jullie zijn begonnen.",
        "De eerste evaluatie van het plan is op ",
        "Fatima vraagt Joost om jullie regisseur te worden.",
        " is Joost jullie regisseur.",
        "Joost sloot het traject af, omdat jullie verhuisd zijn.",
    ):
        expect(timeline).to_contain_text(sentence)
    shot(page, "tijdlijn-phone")
