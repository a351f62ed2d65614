"""The offline queue under stress, in a real Chromium on a phone: a household member ticks actions off and on
and taps scores while the connection goes off and on a thousand times at random, now and then with a tap
still under way, and goes between the plan and the scores page (read from the device while offline). Then the
connection stays on: every change reaches the server exactly once and in the order it was made, none lost,
none doubled, counted in the database; nothing waits on the device and nothing is shown as a problem.

The worker is told that the browser has no Background Sync, as Safari and Firefox: what waits is sent by
what the product itself does, at the page's "online" event and when a page starts.

What is tapped and when the connection flips come from a seeded generator (the seed is in every message); how
the answers fall between the flips is the browser's and the server's own timing.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from playwright.sync_api import BrowserContext, Locator, Page, expect

from e2e.conftest import LiveServer
from e2e.helpers import add_virtual_authenticator, enrol, on_database, own_household, visit

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

SEED = 15
FLIPS = 1000
ACTIONS = ("De buurvrouw om haar nummer vragen.", "Elke week de post openmaken.", "Naar het spreekuur gaan.")
DOMAINS = ("financien", "huisvesting", "sociaal_netwerk")
DO, UNDO = "Gedaan", "Toch niet gedaan"

# Watches, without changing anything, what became of each form the page sent: every POST htmx makes ends in
# one htmx:afterRequest that reaches the document (from the form, or from its list when the answer replaced
# the form), whether the server answered or the worker kept the change on the device.
ANSWERS = """
window.__posts = [];
document.addEventListener('htmx:afterRequest', (event) => {
  const config = event.detail.requestConfig || {};
  if (String(config.verb || '').toLowerCase() !== 'post') return;
  const xhr = event.detail.xhr;
  window.__posts.push({path: config.path, status: xhr.status, queued: xhr.getResponseHeader('x-onsplan-queued')});
});
"""
# The worker of a browser without Background Sync: it keeps registration.sync undefined, and so relies on the
# page's "online" event and on page starts to send what waits.
NO_BACKGROUND_SYNC = """
Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', {get: () => undefined});
typeof self.registration.sync
"""


@dataclass
class Taps:
    """What the person did, in order; each tap is one change."""

    paths: list[str] = field(default_factory=list)  # where each tap was sent, in order
    ticks: dict[str, list[bool]] = field(default_factory=dict)  # action -> "done?" each tap asked for
    scores: dict[str, list[int]] = field(default_factory=dict)  # leefgebied -> each score tapped


def add_actions(live_server: LiveServer, household_id: str, member_id: str) -> dict[str, str]:
    """Actions for the household to tick, under its goal, made by its member; their ids by their words."""
    from sqlalchemy import select

    from server.domain.models import Person
    from server.domain.plan import service as plan
    from server.domain.plan.model import Goal
    from server.domain.policy import actor_for

    async def work(db: AsyncSession) -> dict[str, str]:
        person = await db.get(Person, uuid.UUID(member_id))
        goal = await db.scalar(select(Goal).where(Goal.household_id == uuid.UUID(household_id)))
        assert person is not None and goal is not None
        ids = {}
        for what in ACTIONS:
            data = plan.ActionInput(what=what, who_type="zelf")
            action = await plan.create_action(db, actor_for(person), goal.household_id, goal.id, data)
            ids[what] = str(action.id)
        return ids

    return on_database(live_server, work)


def kept_on_device(page: Page, paths: list[str]) -> None:
    """Wait until the worker keeps these pages for reading without a connection."""
    page.wait_for_function(
        """async (paths) => {
            for (const name of await caches.keys()) {
                if (!name.startsWith('onsplan-pages-')) continue;
                const cache = await caches.open(name);
                if ((await Promise.all(paths.map((path) => cache.match(path)))).every(Boolean)) return true;
            }
            return false;
        }""",
        arg=paths,
    )


def queue_on_device(page: Page) -> list[dict[str, Any]]:
    """The changes the worker keeps on the device (its IndexedDB queue): id, address and status."""
    return list(
        page.evaluate(
            """() => new Promise((resolve, reject) => {
                const open = indexedDB.open('onsplan');
                open.onerror = () => reject(open.error);
                open.onsuccess = () => {
                    const all = open.result.transaction('queue').objectStore('queue').getAll();
                    all.onsuccess = () => {
                        resolve(all.result.map((entry) => ({id: entry.id, url: entry.url, status: entry.status})));
                        open.result.close();
                    };
                };
            })"""
        )
    )


def server_holds(live_server: LiveServer, household_id: str, member_id: str) -> dict[str, Any]:
    """What the server holds: where each form the member sent went (in the order the changes were made), the
    timeline's tick and score events in order, and each action's and leefgebied's state now."""
    from sqlalchemy import select

    from server.domain.events import EventKind
    from server.domain.models import TimelineEvent
    from server.domain.offline.model import FormSubmission
    from server.domain.plan.model import PlanAction
    from server.domain.ratings import instruments
    from server.domain.ratings.model import Rating

    instrument = instruments.built_in()[instruments.DEFAULT_KEY]
    domain_of = {instrument.domain_name(key): key for key in DOMAINS}
    ticked, unticked, rated = EventKind.ACTION_TICKED.value, EventKind.ACTION_UNTICKED.value, EventKind.RATING_SET.value

    async def work(db: AsyncSession) -> dict[str, Any]:
        household = uuid.UUID(household_id)
        paths = await db.scalars(
            select(FormSubmission.path)
            .where(FormSubmission.person_id == uuid.UUID(member_id))
            .order_by(FormSubmission.created_at)
        )
        events = await db.execute(
            select(TimelineEvent.kind, TimelineEvent.detail)
            .where(TimelineEvent.household_id == household, TimelineEvent.kind.in_((ticked, unticked, rated)))
            .order_by(TimelineEvent.created_at)
        )
        ticks: dict[str, list[bool]] = {}
        scores: dict[str, list[int]] = {}
        for kind, detail in events:
            if kind == rated:
                scores.setdefault(domain_of[detail["domain"]], []).append(int(detail["score"]))
            else:
                ticks.setdefault(detail["action"], []).append(kind == ticked)
        actions = await db.execute(
            select(PlanAction.what, PlanAction.status).where(PlanAction.household_id == household)
        )
        ratings = await db.execute(select(Rating.domain_key, Rating.score).where(Rating.household_id == household))
        return {
            "paths": list(paths),
            "ticks": ticks,
            "scores": scores,
            "done": {what: status == "gedaan" for what, status in actions},
            "rated": dict(ratings.tuples().all()),
        }

    return on_database(live_server, work)


def tick_events(asked: list[bool]) -> list[bool]:
    """The events a row of taps on one action makes: a tap that asks for the state the action has changes
    nothing (a page read from the device may show an older state), every other tap is one event."""
    done, events = False, []
    for wants_done in asked:
        if wants_done != done:
            events.append(wants_done)
            done = wants_done
    return events


class Person:
    """The household member on her phone: taps what the page shows and goes between plan and scores."""

    def __init__(self, page: Page, household_id: str, actions: dict[str, str], rng: random.Random) -> None:
        self.page = page
        self.household_id = household_id
        self.actions = actions
        self.rng = rng
        self.on_plan = True
        self.sent = 0
        self.taps = Taps()
        self.under_way: tuple[Locator, str | None] | None = None

    def tap(self, *, wait: bool = True) -> None:
        """One tap: a tick (the button says what it does) or a score. With ``wait`` false the tap may still be
        under way when the connection flips; ``settle`` waits for it then."""
        self.settle()
        if self.on_plan:
            what = self.rng.choice(ACTIONS)
            path = f"/huishoudens/{self.household_id}/plan/acties/{self.actions[what]}/afvinken"
            button = self.page.locator(f"#actie-{self.actions[what]} button.tick")
            wants_done = button.inner_text().strip() == DO
            # Enter on the focused button, as a keyboard does: a finger's tap lands wherever the button is at
            # that moment, and the notice of what waits moves the page up and down.
            button.press("Enter")
            self.taps.ticks.setdefault(what, []).append(wants_done)
            self.under_way = (button, UNDO if wants_done else DO)
        else:
            domain, score = self.rng.choice(DOMAINS), self.rng.randint(1, 5)
            path = f"/huishoudens/{self.household_id}/scores/leefgebied/{domain}"
            button = self.page.locator(f"#lg-{domain} button.score[value='{score}']")
            button.press("Enter")
            self.taps.scores.setdefault(domain, []).append(score)
            self.under_way = (button, None)
        self.taps.paths.append(path)
        self.sent += 1
        if wait:
            self.settle()

    def settle(self) -> None:
        """Wait for the answer to the last tap (from the server or the worker) and for htmx to be done with it
        (a form swapped in is live only after settling); the tick or score shows what was tapped."""
        if self.under_way is None:
            return
        self.page.wait_for_function(
            """(n) => window.__posts.length >= n
                && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')""",
            arg=self.sent,
            polling=5,
        )
        button, label = self.under_way
        if label is None:
            expect(button).to_have_attribute("aria-pressed", "true")
        else:
            expect(button).to_have_text(label)
        self.under_way = None

    def switch_page(self) -> None:
        self.settle()
        if self.on_plan:
            self.page.get_by_role("link", name="Hoe gaat het? (scores)").click()
            expect(self.page.locator(f"#lg-{DOMAINS[-1]} button.score").first).to_be_visible()
        else:
            self.page.locator("nav.crumbs").get_by_role("link", name="Ons plan").click()
            expect(self.page.locator(f"#actie-{self.actions[ACTIONS[-1]]} button.tick")).to_be_visible()
        self.page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
        self.on_plan = not self.on_plan


def test_a_thousand_flips_of_the_connection_lose_double_and_reorder_no_change(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    household = own_household(live_server, member="Noor", goals=(("financien", "Grip op de rekeningen."),))
    actions = add_actions(live_server, household.id, household.member_id)
    plan_path, scores_path = f"/huishoudens/{household.id}/plan", f"/huishoudens/{household.id}/scores"
    phone.add_init_script(ANSWERS)
    page = phone.new_page()
    add_virtual_authenticator(phone, page)
    enrol(page, household.link)

    # The worker controls the page and keeps the plan and the scores page for reading without a connection.
    visit(page, plan_path)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    kept_on_device(page, [plan_path, scores_path])
    assert phone.service_workers[0].evaluate(NO_BACKGROUND_SYNC) == "undefined"

    rng = random.Random(SEED)
    person = Person(page, household.id, actions, rng)
    offline = False
    for _flip in range(FLIPS):
        offline = not offline
        phone.set_offline(offline)
        person.settle()
        for _change in range(rng.choice((0, 1, 1, 2))):
            if rng.random() < 0.06:
                person.switch_page()
            else:
                person.tap(wait=rng.random() > 0.2)
    person.settle()
    assert not offline, "the last flip brings the connection back"

    # Right after the connection is back, with what was kept offline still being sent: taps join the queue
    # behind it and go along.
    phone.set_offline(True)
    for _change in range(12):
        person.tap()
    phone.set_offline(False)
    for _change in range(6):
        person.tap()

    count = page.locator("[data-queue-count]")
    expect(count, f"seed {SEED}: changes still wait on the device while online").to_be_hidden()
    assert queue_on_device(page) == [], f"seed {SEED}: the queue on the device is not empty"
    expect(page.locator("[data-queue-problems]"), f"seed {SEED}: a change is shown as a problem").to_be_hidden()
    marks = page.locator(".pending-mark[data-queued-id]")
    expect(marks, f"seed {SEED}: a change sent is still marked as waiting").to_have_count(0)
    posts = page.evaluate("window.__posts")
    assert len(posts) == person.sent, f"seed {SEED}: {person.sent} taps, {len(posts)} answers"
    assert all(post["status"] in (200, 202) for post in posts), f"seed {SEED}: a tap was refused"
    queued = sum(1 for post in posts if post["queued"])
    assert 0 < queued < len(posts), f"seed {SEED}: {queued} of {len(posts)} changes were kept on the device"

    # Every change arrived once, in the order it was made; the timeline has each change of state once.
    held = server_holds(live_server, household.id, household.member_id)
    taps = person.taps
    assert len(held["paths"]) == len(taps.paths), (
        f"seed {SEED}: {len(taps.paths)} changes made, {len(held['paths'])} arrived"
    )
    assert held["paths"] == taps.paths, f"seed {SEED}: the changes arrived in another order than they were made"
    for what in ACTIONS:
        asked = taps.ticks.get(what, [])
        assert held["ticks"].get(what, []) == tick_events(asked), f"seed {SEED}: the ticks of {what!r}"
        assert held["done"][what] == (asked[-1] if asked else False), f"seed {SEED}: the state of {what!r}"
    for domain in DOMAINS:
        tapped = taps.scores.get(domain, [])
        assert held["scores"].get(domain, []) == tapped, f"seed {SEED}: the scores of {domain}"
        assert held["rated"].get(domain) == (tapped[-1] if tapped else None), f"seed {SEED}: the score of {domain}"

    # The pages, loaded from the server, show what was tapped last.
    visit(page, plan_path)
    expect(page.locator("[data-offline-copy]")).to_be_hidden()
    for what, ident in actions.items():
        label = UNDO if held["done"][what] else DO
        expect(page.locator(f"#actie-{ident} button.tick"), f"seed {SEED}: {what}").to_have_text(label)
    visit(page, scores_path)
    for domain in DOMAINS:
        if domain in held["rated"]:
            pressed = page.locator(f"#lg-{domain} button.score[aria-pressed='true']")
            expect(pressed, f"seed {SEED}: {domain}").to_have_attribute("value", str(held["rated"][domain]))
