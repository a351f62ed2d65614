"""Passkeys in a real Chromium: enrolling through a one-time link (also as a QR code), signing in and out,
and managing one's passkeys. A virtual platform authenticator (over CDP) plays the phone's fingerprint
sensor."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import LiveServer
from e2e.helpers import (
    ENROLMENT_LINK,
    add_virtual_authenticator,
    allow_console_error,
    credentials,
    demo_link,
    enrol,
    settle,
    visit,
)

LINK = ENROLMENT_LINK


def _unique(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(4)}"


def _new_admin(live_server: LiveServer, name: str) -> str:
    """A functional admin in a gemeente of their own; returns their one-time enrolment link."""
    output = live_server.cli("create-admin", "--gemeente", _unique("Testgemeente"), "--name", name)
    found = LINK.search(output)
    assert found, f"no enrolment link in the output of create-admin:\n{output}"
    return found.group(0)


def _path(url: str) -> str:
    return urlsplit(url).path


def _passkey_items(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("[data-passkey-list] > li").all_inner_texts()]


def test_enrol_through_a_link_on_a_phone(phone: BrowserContext, live_server: LiveServer) -> None:
    link = _new_admin(live_server, "Ellen de Vries")
    page = phone.new_page()
    cdp, authenticator = add_virtual_authenticator(phone, page)

    visit(page, _path(link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Ellen de Vries")
    page.get_by_role("button", name="Passkey maken").click()

    settle(page, r"/mijn\?welkom=1$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo Ellen de Vries")
    expect(page.get_by_role("status")).to_have_text("Je passkey is gemaakt. Voortaan log je daarmee in.")

    stored = credentials(cdp, authenticator)
    assert len(stored) == 1, stored
    assert stored[0]["rpId"] == "localhost"
    assert stored[0]["isResidentCredential"] is True


def test_sign_out_and_sign_in_again_with_the_passkey(phone: BrowserContext, live_server: LiveServer) -> None:
    page = phone.new_page()
    _cdp, _authenticator = add_virtual_authenticator(phone, page)
    enrol(page, _new_admin(live_server, "Joost Bakker"), device_name="Telefoon van Joost")

    page.get_by_role("button", name="Uitloggen").click()
    settle(page, r"/\?uitgelogd=1$")
    expect(page.get_by_role("status")).to_have_text("Je bent uitgelogd.")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)

    # Signed out means signed out: the overview asks to sign in first.
    visit(page, "/mijn")
    assert _path(page.url) == "/inloggen"

    # From the start page, the way a person goes.
    visit(page, "/")
    page.get_by_role("link", name="Inloggen met je passkey").click()
    settle(page, r"/inloggen$")
    page.get_by_role("button", name="Inloggen met passkey").click()
    settle(page, r"/mijn$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo Joost Bakker")

    # The passkey now says when it was last used.
    visit(page, "/mijn/passkeys")
    (item,) = _passkey_items(page)
    assert "Telefoon van Joost" in item
    assert "Laatst gebruikt" in item


def test_add_a_second_passkey_and_remove_both(phone: BrowserContext, live_server: LiveServer) -> None:
    page = phone.new_page()
    cdp, first = add_virtual_authenticator(phone, page)
    enrol(page, _new_admin(live_server, "Mila Jansen"), device_name="Telefoon")

    page.get_by_role("link", name="Mijn passkeys en taal").click()
    settle(page, r"/mijn/passkeys$")
    (item,) = _passkey_items(page)
    assert item.startswith("Telefoon")
    assert "Gemaakt op" in item

    # A second device: another authenticator in the same browser (the phone's own one is put away, since
    # an authenticator that holds a passkey for this person is excluded from making another).
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    cdp, second = add_virtual_authenticator(phone, page)
    page.get_by_label("Naam van dit toestel").fill("Laptop")
    page.get_by_role("button", name="Passkey toevoegen op dit toestel").click()
    # The script reloads this same address, so wait for the list rather than for the URL.
    expect(page.locator("[data-passkey-list] > li")).to_have_count(2)
    settle(page, r"/mijn/passkeys$")
    items = _passkey_items(page)
    assert [i.split("\n")[0] for i in items] == ["Telefoon", "Laptop"], items
    assert len(credentials(cdp, second)) == 1

    # Removing one of two needs no confirmation.
    page.get_by_role("button", name="Verwijderen Telefoon").click()
    settle(page, r"/mijn/passkeys\?verwijderd=1$")
    items = _passkey_items(page)
    assert len(items) == 1 and items[0].startswith("Laptop"), items

    # The last one is not removed without ticking the box: that would lock the person out.
    page.get_by_role("button", name="Verwijderen Laptop").click()
    settle(page, r"/mijn/passkeys\?fout=laatste$")
    expect(page.get_by_role("alert")).to_contain_text("Dit is je laatste passkey")
    assert len(_passkey_items(page)) == 1

    page.get_by_label("Ja, ik wil mijn laatste passkey verwijderen").check()
    page.get_by_role("button", name="Verwijderen Laptop").click()
    settle(page, r"/mijn/passkeys\?verwijderd=1$")
    assert _passkey_items(page) == ["Je hebt nog geen passkey."]


def test_an_enrolment_link_works_only_once(phone: BrowserContext, live_server: LiveServer) -> None:
    link = _new_admin(live_server, "Pieter Smit")
    page = phone.new_page()
    add_virtual_authenticator(phone, page)
    enrol(page, link)

    allow_console_error(page, r"status of 404")
    visit(page, _path(link), expect_status=404)
    expect(page.get_by_text("Deze link werkt niet (meer)")).to_be_visible()
    expect(page.get_by_role("button", name="Passkey maken")).to_have_count(0)


def test_qr_code_on_the_link_page_encodes_the_link(
    tablet: BrowserContext, phone: BrowserContext, live_server: LiveServer, tmp_path: Path
) -> None:
    # Fatima, regisseur in the Woerden demo, signs in on her tablet and registers a household.
    page = tablet.new_page()
    add_virtual_authenticator(tablet, page)
    enrol(page, demo_link(live_server, "Fatima"))
    household = _unique("Familie")
    page.get_by_role("link", name="Huishouden aanmelden").click()
    settle(page, r"/huishoudens/nieuw$")
    page.get_by_label("Naam van het huishouden").fill(household)
    page.get_by_label("Voornaam lid 1").fill("Noor")
    page.get_by_label("Volwassen (18 jaar of ouder)").first.check()
    page.get_by_role("button", name="Aanmelden").click()
    settle(page, r"/huishoudens/[0-9a-f-]+$")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Huishouden {household}")

    page.get_by_role("button", name="Aanmeldlink maken voor Noor").click()
    settle(page, r"/huishoudens/[0-9a-f-]+/link$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmeldlink voor Noor")
    shown = page.get_by_label("De link").input_value()
    assert LINK.fullmatch(shown), shown

    picture = tmp_path / "qr.png"
    page.locator("figure.qr svg").screenshot(path=str(picture))
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(Image.open(picture))]
    assert decoded == [shown]

    # Noor scans it with her own phone and makes her passkey.
    noor = phone.new_page()
    add_virtual_authenticator(phone, noor)
    visit(noor, _path(shown))
    expect(noor.get_by_role("heading", level=1)).to_have_text("Welkom, Noor")
    noor.get_by_role("button", name="Passkey maken").click()
    settle(noor, r"/mijn\?welkom=1$")
    expect(noor.get_by_role("link", name=household)).to_be_visible()


def test_demo_start_page_leads_to_enrolment_as_a_demo_person(phone: BrowserContext, live_server: LiveServer) -> None:
    live_server.cli("demo")
    page = phone.new_page()
    add_virtual_authenticator(phone, page)

    visit(page, "/")
    expect(page.get_by_role("heading", name="Demo: probeer Ons Plan")).to_be_visible()
    page.get_by_role("button", name="Ga verder als Anouk (huishouden)").click()
    settle(page, r"/aanmelden/[A-Za-z0-9_-]+$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Anouk")

    page.get_by_role("button", name="Passkey maken").click()
    settle(page, r"/mijn\?welkom=1$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo Anouk")
