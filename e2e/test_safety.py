"""Safety around access, walked through as the people it serves, each on a device of their own:

- a professional who lost her passkey gets a recovery link from the functional admin, which works only after
  a second person (the team lead) approves it; using it signs her old device out at once and her passkeys
  page says who made and who approved the link; the admin cannot make such a link for himself;
- a volunteer whose help was accepted does not see who else is involved with the household; a network
  member sees the names only;
- when the regisseur switches off a household member's passkeys (phone lost), the member's open browser is
  signed out at once, and a new link brings her back with the household told what happened.

Screens a person would look at closely are saved in /tmp/walk/*.png.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import DESKTOP, PHONE, TABLET, LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    allow_console_error,
    check_a11y,
    demo_link,
    enrol,
    settle,
    visit,
)

SHOTS = Path("/tmp/walk")
HOUSEHOLD_URL = re.compile(r"/huishoudens/([0-9a-f-]{36})$")
TASK_URL = re.compile(r"/huishoudens/([0-9a-f-]{36})/hulpvragen/[0-9a-f-]{36}/taak$")
TEAM = "Sociaal team Woerden"
LOTTES_RUN = "Een kind van 8 naar school brengen en ophalen, op maandag en dinsdag"
# What the sign-in page says when the server refuses a passkey it no longer knows (a 400, which Chromium logs).
OLD_PASSKEY_REFUSED = "Deze passkey kennen we niet (meer)."


def shot(page: Page, name: str) -> None:
    """Save what the person sees now (the whole page) for a human to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def device(new_context: Callable[..., BrowserContext], profile: dict[str, Any]) -> Page:
    """A fresh browser (its own cookies) with its own platform authenticator, like a new phone or laptop."""
    context = new_context(profile, bypass_csp=True)
    page = context.new_page()
    add_virtual_authenticator(context, page)
    return page


def signed_in(
    new_context: Callable[..., BrowserContext], profile: dict[str, Any], link: str, *, device_name: str = ""
) -> Page:
    page = device(new_context, profile)
    enrol(page, link, device_name=device_name)
    return page


def path_of(url: str) -> str:
    return urlsplit(url).path


def person_id(database_url: str, name: str) -> str:
    """The id of a demo person of Woerden, read from the live server's SQLite file (no page shows it)."""
    path = database_url.split(":///", 1)[1]
    with closing(sqlite3.connect(path)) as db:
        row = db.execute(
            "SELECT person.id FROM person JOIN municipality ON municipality.id = person.municipality_id"
            " WHERE municipality.slug = 'woerden' AND person.display_name = ?",
            (name,),
        ).fetchone()
    assert row is not None, f"no {name} in Woerden"
    value = row[0]
    return str(uuid.UUID(bytes=value) if isinstance(value, bytes) else uuid.UUID(str(value)))


def section(page: Page, heading: str) -> Any:
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def list_items(page: Page, heading: str) -> list[str]:
    return [" ".join(t.split()) for t in section(page, heading).locator("li").all_inner_texts()]


def asks_to_sign_in(page: Page) -> None:
    settle(page, r"/inloggen(\?|$)")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)


def old_passkey_is_refused(page: Page) -> None:
    """On the sign-in page, the passkey still on the device no longer opens anything."""
    allow_console_error(page, r"status of 400")
    page.get_by_role("button", name="Inloggen met passkey").click()
    expect(page.get_by_role("status")).to_have_text(OLD_PASSKEY_REFUSED)
    assert path_of(page.url) == "/inloggen", page.url
    check_a11y(page)


# --------------------------------------------------------------------------------------------------------
# 1. A professional's recovery link needs a second person
# --------------------------------------------------------------------------------------------------------


def test_a_regisseurs_recovery_link_works_only_after_the_team_lead_approves_it(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    regisseur = f"Yasmin {secrets.token_hex(3)}"

    # Bram, the functional admin, adds a new regisseur to Fatima's team. Her first link is not a recovery.
    bram = signed_in(new_context, DESKTOP, demo_link(live_server, "Bram"))
    bram.get_by_role("link", name="Mensen en toegang").click()
    settle(bram, r"/beheer/mensen$")
    bram.get_by_label("Naam", exact=True).fill(regisseur)
    bram.get_by_label("Rol").select_option(label="regisseur")
    bram.get_by_label("Team of organisatie").select_option(label=TEAM)
    bram.get_by_role("button", name="Toevoegen en link maken").click()
    settle(bram, r"/beheer/link$")
    expect(bram.get_by_role("heading", level=1)).to_have_text(f"Aanmeldlink voor {regisseur}")
    expect(bram.get_by_text("herstellink")).to_have_count(0)
    first_link = bram.locator("[data-enrolment-link]").input_value()

    # She enrols on her work tablet.
    old_tablet = signed_in(new_context, TABLET, first_link, device_name="Tablet van het werk")
    expect(old_tablet.get_by_role("heading", level=1)).to_have_text(f"Hallo {regisseur}")

    # Her passkey is gone (tablet wiped); Bram makes a new link. It says it is a recovery link that waits.
    visit(bram, "/beheer/mensen")
    bram.get_by_role("link", name=regisseur, exact=True).click()
    settle(bram, r"/beheer/mensen/[0-9a-f-]{36}$")
    bram.get_by_role("button", name="Nieuwe aanmeldlink maken").click()
    settle(bram, r"/beheer/link$")
    expect(bram.get_by_role("heading", level=1)).to_have_text(f"Aanmeldlink voor {regisseur}")
    notice = bram.get_by_role("status")
    expect(notice).to_contain_text(f"Dit is een herstellink: {regisseur} had al een passkey.")
    expect(notice).to_contain_text("werkt pas als een teamleider of een tweede beheerder hem goedkeurt")
    expect(notice).to_contain_text(f"werken de oude passkeys van {regisseur} niet meer")
    recovery_link = path_of(bram.locator("[data-enrolment-link]").input_value())
    assert recovery_link != path_of(first_link)
    shot(bram, "01_recovery_link_page")

    # Bram may approve recovery links, but not one he made himself.
    visit(bram, "/mijn")
    bram.get_by_role("link", name="Herstellinks goedkeuren").click()
    settle(bram, r"/herstellinks$")
    expect(bram.locator("main li", has_text=regisseur)).to_have_count(0)
    expect(bram.get_by_role("button", name=f"Goedkeuren voor {regisseur}")).to_have_count(0)

    # On her new tablet the link does not work yet, and says why.
    new_tablet = device(new_context, TABLET)
    allow_console_error(new_tablet, r"status of 403")
    visit(new_tablet, recovery_link, expect_status=403)
    expect(new_tablet.get_by_role("heading", level=1)).to_have_text("Deze link wacht op goedkeuring")
    expect(new_tablet.get_by_role("main")).to_contain_text("je teamleider of een tweede beheerder")
    expect(new_tablet.get_by_role("button", name="Passkey maken")).to_have_count(0)
    shot(new_tablet, "02_recovery_link_before_approval")
    # Nothing happened to her yet: the old tablet is still signed in, and already tells her a link was made.
    visit(old_tablet, "/mijn/passkeys")
    expect(old_tablet.locator("[data-passkey-list] > li")).to_have_count(1)
    expect(old_tablet.locator("main")).to_contain_text("Bram maakte een herstellink voor je.")
    visit(old_tablet, "/mijn")
    expect(old_tablet.get_by_role("heading", level=1)).to_have_text(f"Hallo {regisseur}")

    # Karin, the team lead, approves it from her own page.
    karin = signed_in(new_context, DESKTOP, demo_link(live_server, "Karin"))
    karin.get_by_role("link", name="Herstellinks goedkeuren").click()
    settle(karin, r"/herstellinks$")
    expect(karin.get_by_role("heading", level=1)).to_have_text("Herstellinks goedkeuren")
    waiting = karin.locator("main li", has_text=regisseur)
    expect(waiting).to_contain_text(f"Voor {regisseur}, gemaakt door Bram op ")
    shot(karin, "03_approval_page")
    waiting.get_by_role("button", name=f"Goedkeuren voor {regisseur}").click()
    settle(karin, r"/herstellinks\?goedgekeurd=1$")
    expect(karin.get_by_role("status")).to_have_text("De herstellink is goedgekeurd. Hij werkt nu.")
    expect(karin.locator("main li", has_text=regisseur)).to_have_count(0)
    shot(karin, "04_approval_done")

    # Now the link works on the new tablet.
    visit(new_tablet, recovery_link)
    expect(new_tablet.get_by_role("heading", level=1)).to_have_text(f"Welkom, {regisseur}")
    new_tablet.get_by_label("Naam van dit toestel").fill("Nieuwe tablet")
    new_tablet.get_by_role("button", name="Passkey maken").click()
    settle(new_tablet, r"/mijn\?welkom=1$")
    expect(new_tablet.get_by_role("heading", level=1)).to_have_text(f"Hallo {regisseur}")

    # The old tablet, still showing her overview, is signed out: its next page asks to sign in, and the
    # passkey on it opens nothing any more.
    old_tablet.get_by_role("link", name="Mijn passkeys en taal").click()
    asks_to_sign_in(old_tablet)
    old_passkey_is_refused(old_tablet)
    shot(old_tablet, "05_old_tablet_refused")

    # Her passkeys page: only the new passkey, and who made and who approved the link.
    new_tablet.get_by_role("link", name="Mijn passkeys en taal").click()
    settle(new_tablet, r"/mijn/passkeys$")
    keys = [" ".join(t.split()) for t in new_tablet.locator("[data-passkey-list] > li").all_inner_texts()]
    assert len(keys) == 1 and keys[0].startswith("Nieuwe tablet"), keys
    expect(new_tablet.get_by_role("heading", name="Wat er met je toegang gebeurde")).to_be_visible()
    events = new_tablet.locator("h2:has-text('Wat er met je toegang gebeurde') + ul > li")
    expect(events).to_have_count(3)
    texts = events.all_inner_texts()
    assert any("Bram maakte een herstellink voor je." in t for t in texts), texts
    assert any("Karin keurde de herstellink voor je goed." in t for t in texts), texts
    assert any("de herstellink van Bram is gebruikt" in t and "overal uitgelogd" in t for t in texts), texts
    # The newest first: the use, then the approval, then the link.
    assert "gebruikt" in texts[0] and "keurde" in texts[1] and "maakte" in texts[2], texts
    shot(new_tablet, "06_passkeys_with_events")

    # The link worked once.
    allow_console_error(new_tablet, r"status of 404")
    visit(new_tablet, recovery_link, expect_status=404)
    expect(new_tablet.get_by_text("Deze link werkt niet (meer)")).to_be_visible()


def test_the_admin_cannot_make_a_recovery_link_for_himself(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, database_url: str
) -> None:
    bram = signed_in(new_context, DESKTOP, demo_link(live_server, "Bram"))
    bram_id = person_id(database_url, "Bram")
    # His own page says how to add a device, and offers no link.
    visit(bram, f"/beheer/mensen/{bram_id}")
    access = bram.locator("section").filter(has=bram.get_by_role("heading", name="Toegang"))
    expect(access).to_contain_text("Dat ben jij. Een nieuw apparaat voeg je toe bij Mijn passkeys.")
    expect(access.get_by_role("link", name="Mijn passkeys")).to_have_attribute("href", "/mijn/passkeys")
    expect(access.get_by_role("button")).to_have_count(0)
    shot(bram, "07_admin_own_row")

    # A colleague's page has the form for a new link.
    visit(bram, f"/beheer/mensen/{person_id(database_url, 'Joost')}")
    # A form copied and changed by hand to point at himself is refused by the server, in plain Dutch.
    bram.locator("main form[action$='/link']").first.evaluate(
        """(original, id) => {
            const forged = original.cloneNode(true);
            forged.setAttribute("action", `/beheer/mensen/${id}/link`);
            forged.setAttribute("data-forged", "");
            original.after(forged);
        }""",
        bram_id,
    )
    allow_console_error(bram, r"status of 403")
    with bram.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/link")) as answer:
        bram.locator("form[data-forged] button").click()
    assert answer.value.url.endswith(f"/beheer/mensen/{bram_id}/link"), answer.value.url
    assert answer.value.status == 403
    alert = bram.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("Dit mag je niet doen")
    expect(alert).to_contain_text("Je kunt geen herstellink voor jezelf maken.")
    expect(bram.locator("[data-enrolment-link]")).to_have_count(0)
    check_a11y(bram)
    shot(bram, "08_admin_link_for_himself_refused")

    # And he is still signed in: his own passkey was not touched.
    visit(bram, "/mijn")
    expect(bram.get_by_role("heading", level=1)).to_have_text("Hallo Bram")


# --------------------------------------------------------------------------------------------------------
# 2. Who is involved: nothing for a volunteer, names only for the network
# --------------------------------------------------------------------------------------------------------


def test_a_volunteer_sees_nobody_else_and_a_network_member_sees_names_only(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    # Lotte already takes Milan to school on Monday and Tuesday; Ria, her coordinator, gives her a link.
    ria = signed_in(new_context, DESKTOP, demo_link(live_server, "Ria"))
    ria.get_by_role("link", name="Vrijwilligers aanmelden").click()
    settle(ria, r"/vrijwilligers$")
    ria.get_by_role("button", name="Nieuwe link voor Lotte", exact=True).click()
    settle(ria, r"/vrijwilligers/link$")
    expect(ria.get_by_role("heading", level=1)).to_have_text("Aanmeldlink voor Lotte")
    lotte = signed_in(new_context, PHONE, ria.locator("[data-enrolment-link]").input_value())

    lotte.get_by_role("link", name="Naar het takenbord").click()
    settle(lotte, r"/taken$")
    lotte.locator("section", has_text="Mijn taken").get_by_role("link", name=LOTTES_RUN).click()
    settle(lotte, TASK_URL.pattern)
    found = TASK_URL.search(path_of(lotte.url))
    assert found
    household_id = found.group(1)

    # The household's own page names everyone in it: not for her (her task page shows what the household chose
    # to tell her). She gets what a stranger gets.
    allow_console_error(lotte, r"status of 404")
    visit(lotte, f"/huishoudens/{household_id}", expect_status=404)
    main = " ".join(lotte.locator("main").inner_text().split())
    for other in ("De Vries", "Anouk", "Fatima", "Henk", "Oma Ineke", "MEE", "regisseur", "vrijwilliger"):
        assert other not in main, f"the volunteer sees {other!r} on the household page:\n{main}"
    expect(lotte.locator("main").get_by_role("link", name=re.compile("^(Ons plan|Plan van )"))).to_have_count(0)
    shot(lotte, "09_volunteer_household_page")

    # Anouk sees who helps, with roles and since when.
    anouk = signed_in(new_context, PHONE, demo_link(live_server, "Anouk"))
    visit(anouk, f"/huishoudens/{household_id}")
    seen_by_household = list_items(anouk, "Wie helpen mee")
    assert f"Fatima, regisseur bij {TEAM}" in seen_by_household, seen_by_household
    assert any(i.startswith("Lotte (vrijwilliger) sinds ") for i in seen_by_household), seen_by_household

    # Oma Ineke, from the plan she helps with, goes to the household's page: the same people, names only, and
    # no organisations (a name like MEE or a GGZ would say what help the household gets).
    oma = signed_in(new_context, PHONE, demo_link(live_server, "Oma Ineke"))
    oma.get_by_role("link", name="Plan van De Vries").click()
    settle(oma, r"/plan$")
    oma.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Huishouden De Vries").click()
    settle(oma, HOUSEHOLD_URL.pattern)
    names = list_items(oma, "Wie helpen mee")
    for name in ("Fatima", "Lotte", "Henk", "Oma Ineke"):
        assert name in names, f"{name} is missing from what Oma Ineke sees: {names}"
    # Each line the household reads starts with who it is: a person or an organisation (the demo has several).
    leading = [re.split(r",| \(| sinds ", item)[0] for item in seen_by_household]
    organisations = [who for who in leading if who not in names]
    assert "MEE" in organisations and not set(organisations) & set(names), (names, seen_by_household)
    assert len(names) == len(leading) - len(organisations), (names, seen_by_household)
    for item in names:
        for detail in ("regisseur", "vrijwilliger", "professional", "netwerk", "sinds", TEAM, "("):
            assert detail not in item, f"Oma Ineke sees {detail!r} in {item!r}"
    shot(oma, "10_network_member_household_page")


# --------------------------------------------------------------------------------------------------------
# 3. Phone lost: the regisseur switches the member's passkeys off
# --------------------------------------------------------------------------------------------------------


def test_switching_off_a_members_passkeys_signs_her_open_browser_out_at_once(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    household = f"Familie {secrets.token_hex(3)}"
    fatima = signed_in(new_context, TABLET, demo_link(live_server, "Fatima"))
    fatima.get_by_role("link", name="Huishouden aanmelden").click()
    settle(fatima, r"/huishoudens/nieuw$")
    fatima.get_by_label("Naam van het huishouden").fill(household)
    fatima.get_by_label("Voornaam lid 1").fill("Noor")
    fatima.locator("input[name=member_0_adult]").check()
    fatima.get_by_role("button", name="Aanmelden").click()
    settle(fatima, HOUSEHOLD_URL.pattern)
    household_path = path_of(fatima.url)
    fatima.get_by_role("button", name="Aanmeldlink maken voor Noor").click()
    settle(fatima, r"/link$")
    link = fatima.locator("[data-enrolment-link]").input_value()

    # Noor enrols on her phone and keeps her household's page open.
    noor = signed_in(new_context, PHONE, link, device_name="Telefoon van Noor")
    noor.get_by_role("link", name=household).click()
    settle(noor, HOUSEHOLD_URL.pattern)

    # Her phone is stolen. Fatima switches its passkeys off.
    visit(fatima, household_path)
    member = fatima.locator("section", has_text="Wie horen erbij").locator("li", has_text="Noor")
    expect(member).to_contain_text("1 passkey")
    member.get_by_role("button", name="Passkeys uitzetten (telefoon kwijt) voor Noor").click()
    expect(fatima.get_by_role("status")).to_have_text("De passkeys zijn uitgezet. Maak een nieuwe aanmeldlink.")
    fatima.wait_for_load_state("load")
    assert path_of(fatima.url) == household_path, fatima.url
    check_a11y(fatima)
    member = fatima.locator("section", has_text="Wie horen erbij").locator("li", has_text="Noor")
    expect(member).to_contain_text("0 passkeys")
    expect(member.get_by_role("button", name=re.compile("^Passkeys uitzetten"))).to_have_count(0)

    # Whoever holds the phone: the next tap asks to sign in, and the passkey on it no longer works.
    noor.locator("main").get_by_role("link", name="Ons plan", exact=True).click()
    asks_to_sign_in(noor)
    expect(noor.get_by_text(household)).to_have_count(0)
    old_passkey_is_refused(noor)
    shot(noor, "11_member_signed_out")

    # A new link brings Noor back (a household member's recovery needs no second person), and the
    # household's timeline says who switched the passkeys off and who made the new link.
    visit(fatima, household_path)
    fatima.get_by_role("button", name="Aanmeldlink maken voor Noor").click()
    settle(fatima, r"/link$")
    expect(fatima.get_by_text("goedkeurt")).to_have_count(0)
    new_phone = signed_in(new_context, PHONE, fatima.locator("[data-enrolment-link]").input_value())
    new_phone.get_by_role("link", name=household).click()
    settle(new_phone, HOUSEHOLD_URL.pattern)
    new_phone.get_by_role("link", name="Tijdlijn: wat er veranderde").click()
    settle(new_phone, r"/tijdlijn$")
    timeline = new_phone.locator("main")
    expect(timeline).to_contain_text("Fatima zette de passkeys van Noor uit.")
    expect(timeline).to_contain_text("Noor gebruikte een herstellink van Fatima.")


# --------------------------------------------------------------------------------------------------------
# 4. Nothing is read back after signing out
# --------------------------------------------------------------------------------------------------------


def test_after_signing_out_the_back_button_shows_nothing_of_the_plan(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    anouk = signed_in(new_context, PHONE, demo_link(live_server, "Anouk"))
    anouk.get_by_role("link", name="De Vries").first.click()
    settle(anouk, HOUSEHOLD_URL.pattern)
    household = path_of(anouk.url)
    visit(anouk, f"{household}/plan")
    goal = anouk.locator(".goal").first.inner_text().split("\n")[0]
    assert goal
    visit(anouk, f"{household}/scores")
    anouk.get_by_role("button", name="Uitloggen").click()
    settle(anouk, r"/\?uitgelogd=1$")
    for _ in range(2):
        anouk.go_back(wait_until="load")
        # The browser asks again instead of showing the page from its cache, and the server asks to sign in.
        expect(anouk.get_by_role("heading", level=1)).to_have_text("Inloggen")
        expect(anouk.get_by_text(goal)).to_have_count(0)
        expect(anouk.get_by_role("button", name="Uitloggen")).to_have_count(0)
