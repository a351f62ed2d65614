"""Notifications in a real Chromium: in the app ("Meldingen", the count in the header) and by web push.

- Anouk (De Vries) turns push on for her phone from "Mijn meldingen": the browser asks for permission only
  when she taps the button. Sem offers help on her new request; one round of the worker (`onsplan worker
  --once`) routes the outbox and sends the push through pywebpush to a push service on loopback
  (tests/push_receiver.py), which checks the VAPID signature and decrypts the message: a neutral title and an
  address, nothing personal. That payload, delivered to her service worker through CDP, shows a notification;
  its address opens Sem's offer for her and marks the message read. She turns the device off again.
- A household member reads her messages: unread first, the count in the header, "Alles gelezen".
- Fatima (regisseur, tablet) reads that an evaluation of one of her households is due within a week, and its
  message leads to the evaluation.

Every page is checked with axe-core; screenshots go to /tmp/e2e14/.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, CDPSession, Page, expect

from e2e.conftest import PHONE, TABLET, LiveServer
from e2e.helpers import (
    OwnHousehold,
    add_virtual_authenticator,
    assert_no_horizontal_scroll,
    check_a11y,
    enrol,
    from_start_page,
    on_database,
    own_household,
    settle,
    unread_in_header,
    visit,
)
from tests.push_receiver import PushReceiver, Subscription

SHOTS = Path("/tmp/e2e14")
NEUTRAL_TITLE = "Er is iets nieuws in Ons Plan"
MESSAGE_URL = re.compile(r"^/mijn/meldingen/[0-9a-f-]{36}$")
HOUSEHOLD_URL = re.compile(r"/huishoudens/([0-9a-f-]{36})")
# Passkey sessions of the virtual authenticators, kept alive for as long as the test runs.
_AUTHENTICATORS: list[CDPSession] = []

# Chromium on this machine reaches no push service: pushManager.subscribe() fails with "AbortError: Registration
# failed - permission denied" even with the notifications permission granted. So the browser gets, in its
# place, a subscription the loopback push service of the test made (its endpoint and keys; the private key
# stays with that service, which decrypts what reaches it). getSubscription() answers it once subscribe() made
# it, and unsubscribe() ends it, as the browser would. Everything else is real: the permission question, the
# page's script that posts the subscription to the server, the worker that encrypts and signs with pywebpush,
# and the service worker that shows what the push service received. The script also counts the calls, so that
# the test can tell that no page asked for permission when it opened.
FAKE_PUSH_SUBSCRIPTION = """
(() => {
  if (typeof PushManager === "undefined" || typeof Notification === "undefined") return;
  const made = __SUBSCRIPTION__;
  const KEY = "e2e-push-subscription";
  const count = (name) => {
    const calls = JSON.parse(localStorage.getItem("e2e-push-calls") || "{}");
    calls[name] = (calls[name] || 0) + 1;
    localStorage.setItem("e2e-push-calls", JSON.stringify(calls));
  };
  const b64url = (bytes) =>
    btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const unb64url = (text) => {
    const s = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(s + "=".repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
  };
  const subscription = (serverKey) => ({
    endpoint: made.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: unb64url(serverKey).buffer },
    getKey: (name) => (made.keys[name] ? unb64url(made.keys[name]).buffer : null),
    toJSON: () => ({ endpoint: made.endpoint, expirationTime: null, keys: { ...made.keys } }),
    unsubscribe: () => {
      count("unsubscribe");
      localStorage.removeItem(KEY);
      return Promise.resolve(true);
    },
  });
  PushManager.prototype.subscribe = function (options) {
    count("subscribe");
    const key = options && options.applicationServerKey;
    const serverKey = typeof key === "string" ? key : b64url(new Uint8Array(key.buffer || key));
    localStorage.setItem(KEY, serverKey);
    return Promise.resolve(subscription(serverKey));
  };
  PushManager.prototype.getSubscription = function () {
    const serverKey = localStorage.getItem(KEY);
    return Promise.resolve(serverKey ? subscription(serverKey) : null);
  };
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    count("requestPermission");
    return ask(...args);
  };
})();
"""


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def device_page(context: BrowserContext) -> Page:
    page = context.new_page()
    cdp, _authenticator = add_virtual_authenticator(context, page)
    _AUTHENTICATORS.append(cdp)
    return page


def on_phone(page: Page) -> None:
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(PHONE["viewport"])


def named(prefix: str, name: str) -> re.Pattern[str]:
    """A control's accessible name: its visible text, then hidden words naming what it is about."""
    return re.compile(rf"^{re.escape(prefix)}\W+{re.escape(name)}$")


def calls(page: Page) -> dict[str, int]:
    """How often the page's scripts called requestPermission, subscribe and unsubscribe, on any page so far."""
    return dict(json.loads(page.evaluate("localStorage.getItem('e2e-push-calls') || '{}'")))


def worker_round(live_server: LiveServer) -> None:
    """One round of the notification worker: the scheduler, routing of the outbox, sending."""
    live_server.cli("worker", "--once")


def service_worker_registration(context: BrowserContext, page: Page, scope: str) -> tuple[CDPSession, str]:
    """The id of the page's service worker registration for ``scope``, as CDP names it."""
    cdp = context.new_cdp_session(page)
    registrations: dict[str, dict[str, Any]] = {}

    def updated(event: dict[str, Any]) -> None:
        for registration in event["registrations"]:
            registrations[registration["registrationId"]] = registration

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    # The registrations come as events after enable; every CDP answer lets them through.
    for _attempt in range(200):
        found = [r for r in registrations.values() if r["scopeURL"] == scope and not r.get("isDeleted")]
        if found:
            return cdp, str(found[0]["registrationId"])
        cdp.send("ServiceWorker.enable")
    raise AssertionError(f"no service worker registration for {scope}: {registrations}")


NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  for (;;) {
    const shown = await registration.getNotifications();
    if (shown.length) {
      return shown.map((n) => ({ title: n.title, body: n.body, data: n.data, tag: n.tag, icon: n.icon }));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}"""


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as service:
        yield service


def test_anouk_turns_push_on_and_sems_offer_reaches_her_phone_as_a_neutral_notification(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, base_url: str, receiver: PushReceiver
) -> None:
    what = f"Boodschappen van de markt mee naar huis dragen ({secrets.token_hex(2)})"
    server_key = live_server.cli("vapid").strip()
    device: Subscription = receiver.subscribe(application_server_key=server_key)
    live_server.cli("demo")
    # Messages from earlier tests are routed before Anouk's phone has push on: only what comes after reaches it.
    worker_round(live_server)

    phone = new_context(PHONE, bypass_csp=True)
    phone.add_init_script(FAKE_PUSH_SUBSCRIPTION.replace("__SUBSCRIPTION__", json.dumps(device.as_json())))
    anouk = device_page(phone)
    from_start_page(anouk, "Anouk", "huishouden")
    household_link = anouk.get_by_role("link", name="De Vries")
    found = HOUSEHOLD_URL.search(household_link.get_attribute("href") or "")
    assert found
    household_id = found.group(1)

    # --- "Mijn meldingen": the explanation first; the browser has asked nothing yet.
    anouk.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=re.compile("^Meldingen")).click()
    settle(anouk, r"/mijn/meldingen$")
    anouk.get_by_role("link", name="Mijn meldingen: pushberichten en keuzes").click()
    settle(anouk, r"/mijn/meldingen/instellingen$")
    on_phone(anouk)
    main = anouk.locator("main")
    expect(main).to_contain_text("In een pushbericht staat alleen: “Er is iets nieuws in Ons Plan”.")
    expect(main).to_contain_text("Er staan geen namen of andere gegevens in.")
    expect(main).to_contain_text("Op geen enkel apparaat staan pushberichten aan.")
    assert anouk.evaluate("Notification.permission") == "default"
    assert calls(anouk) == {}, "a page asked for permission or subscribed before the tap"
    shot(anouk, "anouk-push-explained-phone")

    # --- She taps the button; Chromium grants what it is asked (as a person tapping "Toestaan" would).
    phone.grant_permissions(["notifications"], origin=base_url)
    anouk.get_by_role("button", name="Pushberichten aanzetten op dit apparaat").click()
    settle(anouk, r"/mijn/meldingen/instellingen\?aangezet=1$")
    assert calls(anouk) == {"requestPermission": 1, "subscribe": 1}
    # The page subscribed with the server's VAPID public key (the push service only takes messages it signed).
    assert anouk.evaluate("localStorage.getItem('e2e-push-subscription')") == server_key
    expect(anouk.get_by_role("status")).to_have_text("Pushberichten staan aan op dit apparaat.")
    devices = anouk.locator("[data-push-devices] li")
    expect(devices).to_have_count(1)
    expect(devices.first).to_have_attribute("data-push-endpoint", device.endpoint)
    expect(devices.first.get_by_text("(dit apparaat)")).to_be_visible()
    # Push is on here: the page no longer offers to turn it on.
    expect(anouk.get_by_role("button", name="Pushberichten aanzetten op dit apparaat")).to_be_hidden()
    on_phone(anouk)
    shot(anouk, "anouk-push-on-phone")

    # --- A new request on the task board, and Sem offers help on his own phone.
    visit(anouk, f"/huishoudens/{household_id}/plan")
    anouk.get_by_role("link", name="Actie toevoegen bij dit doel").first.click()
    settle(anouk, r"/acties/nieuw$")
    anouk.get_by_label("Wat moet er gebeuren?").fill(what)
    anouk.get_by_label("vrijwilliger", exact=True).check()
    anouk.get_by_role("button", name="Bewaren").click()
    settle(anouk, r"/plan$")
    anouk.get_by_role("link", name=named("Vraag een vrijwilliger", what)).click()
    settle(anouk, r"/hulpvraag$")
    # The card's text is the household's own, written for volunteers who do not know them yet.
    anouk.get_by_label("Waarbij zoeken jullie hulp?").fill(what)
    anouk.get_by_role("button", name="Zet op het takenbord").click()
    settle(anouk, r"/hulpvragen\?gepubliceerd=1$")

    sem = device_page(new_context(PHONE, bypass_csp=True))
    from_start_page(sem, "Sem", "vrijwilliger")
    visit(sem, "/taken")
    sem.locator("li", has_text=what).get_by_role("button", name=named("Ik wil helpen", what)).click()
    settle(sem, r"/taken\?aangeboden=1$")

    # --- One round of the worker: exactly one message reached the push service, and it says nothing personal.
    worker_round(live_server)
    assert receiver.rejected == []
    received = receiver.received(device)
    assert len(received) == 1, [message.payload for message in received]
    payload = received[0].payload
    assert set(payload) == {"title", "url"}
    assert payload["title"] == NEUTRAL_TITLE
    assert MESSAGE_URL.match(payload["url"]), payload
    for personal in ("Anouk", "De Vries", "Sem", "Milan", "Boodschappen", household_id):
        assert personal not in json.dumps(payload), f"the push message holds {personal!r}"
    assert received[0].ttl > 0
    assert received[0].vapid_subject.startswith("mailto:")

    # --- Delivered to her phone's service worker, exactly as the push service decrypted it: a notification.
    visit(anouk, "/mijn")
    before = unread_in_header(anouk)
    assert before >= 1
    cdp, registration_id = service_worker_registration(phone, anouk, f"{base_url}/")
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base_url, "registrationId": registration_id, "data": json.dumps(payload)},
    )
    shown = anouk.evaluate(NOTIFICATIONS)
    assert len(shown) == 1, shown
    notification = shown[0]
    assert notification["title"] == NEUTRAL_TITLE
    assert notification["body"] == ""
    assert notification["data"] == {"url": f"{base_url}{payload['url']}"}

    # --- Its address opens Sem's offer for her, and the message is read.
    visit(anouk, urlsplit(notification["data"]["url"]).path)
    assert urlsplit(anouk.url).path == f"/huishoudens/{household_id}/hulpvragen"
    request = anouk.locator("li", has=anouk.get_by_role("heading", name=what))
    expect(request).to_contain_text("Sem van Handje Helpen wil helpen.")
    assert unread_in_header(anouk) == before - 1
    on_phone(anouk)
    shot(anouk, "anouk-offer-from-push-phone")
    visit(anouk, "/mijn/meldingen")
    message = anouk.locator("li.message", has_text=f"Sem bood hulp aan bij: {what}")
    expect(message).to_have_count(1)
    expect(message).not_to_have_class(re.compile("message--unread"))

    # --- She turns push off on this phone: the browser's subscription ends and the device is gone.
    visit(anouk, "/mijn/meldingen/instellingen")
    label = devices.first.locator("strong").inner_text()
    anouk.get_by_role("button", name=named("Uitzetten", f"op {label}")).click()
    settle(anouk, r"/mijn/meldingen/instellingen\?uitgezet=1$")
    expect(anouk.get_by_role("status")).to_have_text("Pushberichten staan uit op dat apparaat.")
    expect(anouk.locator("[data-push-devices] li")).to_have_count(0)
    expect(anouk.locator("main")).to_contain_text("Op geen enkel apparaat staan pushberichten aan.")
    assert calls(anouk).get("unsubscribe") == 1


def test_the_meldingen_page_shows_unread_first_counts_them_in_the_header_and_marks_all_read(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    household = own_household(
        live_server, member="Sanne", goals=(("sociaal_netwerk", "Ik wil iemand die mee kan naar de markt."),)
    )
    cards = (
        f"Mee naar de markt op zaterdag ({secrets.token_hex(2)})",
        f"Een kast in elkaar zetten ({secrets.token_hex(2)})",
    )
    # Sem's offer is told first, Lotte's in a later round: hers is the newer message.
    offer_help(live_server, household, cards[0], "Sem")
    worker_round(live_server)
    offer_help(live_server, household, cards[1], "Lotte")
    worker_round(live_server)

    sanne = device_page(new_context(PHONE, bypass_csp=True))
    enrol(sanne, household.link)
    assert unread_in_header(sanne) == 2
    sanne.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=re.compile("^Meldingen")).click()
    settle(sanne, r"/mijn/meldingen$")
    on_phone(sanne)
    expect(sanne.locator("main")).to_contain_text("Je hebt 2 ongelezen meldingen.")
    messages = sanne.locator("li.message")
    expect(messages).to_have_count(2)
    expect(sanne.locator("li.message--unread")).to_have_count(2)
    # Both unread: the newest first.
    expect(messages.nth(0)).to_contain_text(f"Lotte bood hulp aan bij: {cards[1]}")
    expect(messages.nth(1)).to_contain_text(f"Sem bood hulp aan bij: {cards[0]}")
    shot(sanne, "sanne-meldingen-unread-phone")

    # Opening the newest reads it: it goes below the one still unread.
    messages.nth(0).get_by_role("link").click()
    settle(sanne, rf"/huishoudens/{household.id}/hulpvragen$")
    assert unread_in_header(sanne) == 1
    sanne.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=re.compile("^Meldingen")).click()
    settle(sanne, r"/mijn/meldingen$")
    expect(sanne.locator("main")).to_contain_text("Je hebt 1 ongelezen melding.")
    expect(messages.nth(0)).to_have_class(re.compile("message--unread"))
    expect(messages.nth(0)).to_contain_text(cards[0])
    expect(messages.nth(0)).to_contain_text("Nieuw")
    expect(messages.nth(1)).not_to_have_class(re.compile("message--unread"))
    expect(messages.nth(1)).to_contain_text(cards[1])

    sanne.get_by_role("button", name="Alles gelezen").click()
    settle(sanne, r"/mijn/meldingen\?gelezen=1$")
    expect(sanne.get_by_role("status")).to_have_text("Alle meldingen zijn gelezen.")
    expect(sanne.locator("li.message--unread")).to_have_count(0)
    expect(messages).to_have_count(2)
    expect(sanne.get_by_role("button", name="Alles gelezen")).to_have_count(0)
    assert unread_in_header(sanne) == 0
    on_phone(sanne)
    shot(sanne, "sanne-meldingen-read-phone")


def test_fatima_reads_on_her_tablet_that_an_evaluation_is_due_within_a_week(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    household = own_household(
        live_server,
        member="Ilona",
        goals=(("financien", "We willen elke week weten welke rekeningen er open staan."),),
        evaluation_in_days=5,
    )
    assert household.evaluation_on is not None
    worker_round(live_server)

    fatima = device_page(new_context(TABLET, bypass_csp=True))
    from_start_page(fatima, "Fatima", "regisseur")
    fatima.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=re.compile("^Meldingen")).click()
    settle(fatima, r"/mijn/meldingen$")
    day = f"{household.evaluation_on.day} {DUTCH_MONTHS[household.evaluation_on.month - 1]}"
    message = fatima.locator(
        "li.message", has_text=f"De evaluatie met de familie {household.name} is over een week, op {day}."
    )
    expect(message).to_have_count(1)
    expect(message).to_have_class(re.compile("message--unread"))
    shot(fatima, "fatima-meldingen-tablet")
    before = unread_in_header(fatima)

    message.get_by_role("link").click()
    settle(fatima, rf"/huishoudens/{household.id}/evaluaties/{household.evaluation_id}$")
    expect(fatima.get_by_role("heading", level=1)).to_contain_text("Evaluatie")
    assert unread_in_header(fatima) == before - 1
    shot(fatima, "fatima-evaluation-from-message-tablet")
    check_a11y(fatima)


DUTCH_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def offer_help(live_server: LiveServer, household: OwnHousehold, what: str, volunteer_name: str) -> None:
    """The household puts ``what`` on the task board, for an action of its first goal, and the demo volunteer
    offers help on it (domain code, as their own phones would)."""
    import uuid

    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from server.domain.models import Municipality, Person
    from server.domain.plan import service as plan
    from server.domain.plan.model import Goal
    from server.domain.policy import actor_for
    from server.domain.volunteering import service as volunteering

    household_id = uuid.UUID(household.id)

    async def work(db: AsyncSession) -> None:
        member = await db.get(Person, uuid.UUID(household.member_id))
        volunteer = await db.scalar(
            select(Person)
            .join(Municipality, Municipality.id == Person.municipality_id)
            .where(Municipality.slug == "woerden", Person.display_name == volunteer_name)
        )
        goal = await db.scalar(select(Goal).where(Goal.household_id == household_id).order_by(Goal.created_at))
        assert member is not None and volunteer is not None and goal is not None
        await db.refresh(member, ["roles"])
        await db.refresh(volunteer, ["roles"])
        action = await plan.create_action(
            db, actor_for(member), household_id, goal.id, plan.ActionInput(what=what, who_type="vrijwilliger")
        )
        card = await volunteering.publish(
            db, actor_for(member), household_id, action.id, volunteering.HelpRequestInput(what=what)
        )
        await volunteering.offer(db, actor_for(volunteer), card.id)

    on_database(live_server, work)
