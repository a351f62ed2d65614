"""Working without a connection, in a real Chromium with the service worker in charge of the pages.

- Fatima (regisseur, tablet) makes De Vries "beschikbaar voor huisbezoek"; offline she reads the plan (a copy,
  "Bijgewerkt om ..."), finds the Dutch offline page for a page she never opened, ticks an action, saves a
  note (a full-page form: "Bewaard op dit apparaat") and rates a leefgebied with a toelichting; every change
  is marked as kept on the device and counted. Online again, each arrives once, with the device's time, also
  the score whose first answer was lost on the way back (sent again, known to the server by its key).
- Anouk (household, phone) reads her own plan offline after opening it online, ticks, and it is saved once.
- A goal edited offline while someone else changed it: the conflict is listed with "Bekijken", shows both
  versions as the page does online, and nothing was overwritten.
- A tick on an action that was removed meanwhile is refused: listed with "Opnieuw proberen" and "Weggooien",
  never dropped unseen.
- Signing out with a change waiting warns first; signing out with nothing waiting wipes the kept pages and
  the queue, and the next person on the device finds none of the first person's pages.

Every page visited is checked with axe-core, the copies kept for reading and the offline pages included.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from e2e.conftest import LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    check_a11y,
    from_start_page,
    on_database,
    own_household,
    settle,
    visit,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

PENDING = "Bewaard op dit apparaat, wordt verstuurd"
SENT = "Verstuurd en bewaard."
ONE_WAITS = "1 wijziging is bewaard op dit apparaat en wordt verstuurd zodra er verbinding is."
COPY_NOTICE = re.compile(r"^Bijgewerkt om \d{2}:\d{2}\. Je hebt nu geen verbinding")


def waiting(count: int) -> str:
    return f"{count} wijzigingen zijn bewaard op dit apparaat en worden verstuurd zodra er verbinding is."


# --------------------------------------------------------------------------------------------------------
# What the browser keeps: asked in the page, polled until it holds or a deadline passes
# --------------------------------------------------------------------------------------------------------

# page.wait_for_function does not wait for a promise, and the caches and IndexedDB answer only with one: the
# check is polled in the page itself.
POLL = """async ([source, arg, timeout]) => {
  const check = (0, eval)(source);
  const end = Date.now() + timeout;
  for (;;) {
    if (await check(arg)) return true;
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}"""

PAGES_KEPT = """async (paths) => {
  const names = (await caches.keys()).filter((name) => name.startsWith("onsplan-pages-"));
  if (!names.length) return false;
  const cache = await caches.open(names[0]);
  for (const path of paths) if (!(await cache.match(path, { ignoreVary: true }))) return false;
  return true;
}"""

KEPT_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("onsplan-pages-")) continue;
    for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""

PAGE_CACHES = """async () => (await caches.keys()).filter((name) => name.startsWith("onsplan-pages-"))"""

# Opening the worker's database only when it exists: opening it here first would make it without its stores.
QUEUE_LENGTH = """async () => {
  if (!(await indexedDB.databases()).some((db) => db.name === "onsplan")) return 0;
  return new Promise((resolve, reject) => {
    const opened = indexedDB.open("onsplan");
    opened.onerror = () => reject(opened.error);
    opened.onsuccess = () => {
      const db = opened.result;
      const count = db.transaction("queue").objectStore("queue").count();
      count.onsuccess = () => { db.close(); resolve(count.result); };
      count.onerror = () => reject(count.error);
    };
  });
}"""


QUEUE_EMPTY = f"async () => (await ({QUEUE_LENGTH})()) === 0"


def poll(page: Page, check: str, arg: Any = None, timeout_ms: int = 15_000) -> bool:
    return bool(page.evaluate(POLL, [check, arg, timeout_ms]))


def under_worker(page: Page) -> None:
    """Wait until the service worker answers this page's requests (it claims the page once it is active)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def signed_in(context: BrowserContext, name: str, label: str) -> Page:
    page = context.new_page()
    add_virtual_authenticator(context, page)
    from_start_page(page, name, label)
    under_worker(page)
    return page


def keep_for_visit(page: Page, household_id: str) -> None:
    """The household's page, its button "Beschikbaar maken voor huisbezoek", and the wait until the household's
    pages are on the device."""
    home = f"/huishoudens/{household_id}"
    visit(page, home)
    page.get_by_role("button", name="Beschikbaar maken voor huisbezoek").click()
    settle(page, r"\?huisbezoek=1$")
    expect(page.get_by_role("status").filter(has_text="worden nu op dit apparaat gezet")).to_be_visible()
    kept = [home, f"{home}/plan", f"{home}/scores", f"{home}/netwerk"]
    assert poll(page, PAGES_KEPT, kept), f"the service worker did not keep {kept}"


def urlpath(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def queue_count(page: Page) -> Locator:
    return page.locator("[data-queue-count]")


def problems(page: Page) -> Locator:
    return page.locator("[data-queue-problems]")


@pytest.fixture(autouse=True)
def _no_visits_left(live_server: LiveServer) -> Iterator[None]:
    """The households a test made "beschikbaar voor huisbezoek" are not kept after it: every later page of
    Fatima's, in any test, would otherwise fetch their pages for her device too."""
    from sqlalchemy import delete

    from server.domain.offline.model import VisitMark

    started = dt.datetime.now(dt.UTC)
    yield

    async def work(db: AsyncSession) -> None:
        await db.execute(delete(VisitMark).where(VisitMark.marked_at >= started))

    on_database(live_server, work)


# --------------------------------------------------------------------------------------------------------
# Data of a test's own
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    household_id: str
    id: str
    text: str
    actions: tuple[str, ...]
    action_ids: tuple[str, ...]


def person_id(live_server: LiveServer, name: str) -> uuid.UUID:
    from sqlalchemy import select

    from server.domain.models import Person

    async def work(db: AsyncSession) -> uuid.UUID:
        found = await db.scalar(select(Person.id).where(Person.display_name == name))
        assert found is not None, f"no {name}"
        return found

    return on_database(live_server, work)


def de_vries(live_server: LiveServer) -> str:
    """The demo household De Vries, not (yet) kept by Fatima for a home visit."""
    from sqlalchemy import delete, select

    from server.domain.models import Household
    from server.domain.offline.model import VisitMark

    live_server.cli("demo")
    fatima = person_id(live_server, "Fatima")

    async def work(db: AsyncSession) -> str:
        household = await db.scalar(select(Household.id).where(Household.name == "De Vries"))
        assert household is not None
        await db.execute(delete(VisitMark).where(VisitMark.person_id == fatima, VisitMark.household_id == household))
        return str(household)

    return on_database(live_server, work)


def add_goal(live_server: LiveServer, household_id: str, actions: tuple[str, ...], *, assign_last_to: str = "") -> Goal:
    """A goal written by Fatima with actions of the household's own ("zelf"); the last one may be given to a
    person, who then writes its note."""
    from sqlalchemy import select

    from server.domain.models import Person
    from server.domain.plan import service as plan
    from server.domain.policy import Relation, actor_for
    from server.domain.ratings import instruments

    text = f"Elke week samen de post openmaken ({secrets.token_hex(2)})."

    async def work(db: AsyncSession) -> Goal:
        fatima = await db.scalar(select(Person).where(Person.display_name == "Fatima"))
        assert fatima is not None
        actor = actor_for(fatima)
        household = uuid.UUID(household_id)
        instrument = instruments.built_in()[instruments.DEFAULT_KEY]
        goal = await plan.create_goal(
            db, actor, Relation.REGISSEUR, household, instrument,
            plan.GoalInput(domain_key="financien", text=text, horizon="drie_maanden"),
        )  # fmt: skip
        made = [
            await plan.create_action(db, actor, household, goal.id, plan.ActionInput(what=what, who_type="zelf"))
            for what in actions
        ]
        if assign_last_to:
            made[-1].assigned_person_id = await db.scalar(
                select(Person.id).where(Person.display_name == assign_last_to)
            )
        return Goal(household_id, str(goal.id), text, actions, tuple(str(action.id) for action in made))

    return on_database(live_server, work)


@dataclass(frozen=True)
class Stored:
    """What the database holds about one action: its status and note, and how often its timeline tells that
    it was ticked off and that a note was written."""

    status: str
    note: str
    ticked: int
    noted: int


def stored_action(live_server: LiveServer, action_id: str) -> Stored:
    from sqlalchemy import select

    from server.domain.events import EventKind
    from server.domain.models import TimelineEvent
    from server.domain.plan.model import PlanAction

    async def work(db: AsyncSession) -> Stored:
        action = await db.get(PlanAction, uuid.UUID(action_id))
        assert action is not None
        events = list(
            await db.scalars(
                select(TimelineEvent).where(
                    TimelineEvent.household_id == action.household_id,
                    TimelineEvent.kind.in_([EventKind.ACTION_TICKED.value, EventKind.ACTION_NOTED.value]),
                )
            )
        )
        about = [event for event in events if event.detail.get("action") == action.what]
        return Stored(
            status=str(action.status),
            note=action.note,
            ticked=sum(event.kind == EventKind.ACTION_TICKED.value for event in about),
            noted=sum(event.kind == EventKind.ACTION_NOTED.value for event in about),
        )

    return on_database(live_server, work)


def ratings_since(live_server: LiveServer, household_id: str, since: dt.datetime) -> list[tuple[str, int]]:
    """The scores set in the household's timeline since ``since``: (leefgebied, score)."""
    from sqlalchemy import select

    from server.domain.events import EventKind
    from server.domain.models import TimelineEvent

    async def work(db: AsyncSession) -> list[tuple[str, int]]:
        events = await db.scalars(
            select(TimelineEvent)
            .where(
                TimelineEvent.household_id == uuid.UUID(household_id),
                TimelineEvent.kind == EventKind.RATING_SET.value,
                TimelineEvent.created_at >= since,
            )
            .order_by(TimelineEvent.created_at)
        )
        return [(event.detail["domain"], event.detail["score"]) for event in events]

    return on_database(live_server, work)


def applied_offline(
    live_server: LiveServer, person: uuid.UUID, path: str, since: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(device time, server time) of each form this person sent to ``path`` since ``since`` that was kept on a
    device first (the service worker sends the time it was made on the device along)."""
    from sqlalchemy import select

    from server.domain.offline.model import FormSubmission

    async def work(db: AsyncSession) -> list[tuple[dt.datetime, dt.datetime]]:
        rows = await db.scalars(
            select(FormSubmission).where(
                FormSubmission.person_id == person,
                FormSubmission.path == path,
                FormSubmission.device_at.is_not(None),
                FormSubmission.created_at >= since,
            )
        )
        return [(row.device_at, row.created_at) for row in rows if row.device_at is not None]

    return on_database(live_server, work)


def assert_applied_once_offline(live_server: LiveServer, person: uuid.UUID, path: str, since: dt.datetime) -> None:
    applied = applied_offline(live_server, person, path, since)
    assert len(applied) == 1, f"{path} was applied {len(applied)} times from a device's queue"
    device_at, created_at = applied[0]
    assert device_at <= created_at, "the change was made on the device before the server applied it"


# --------------------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------------------


def test_a_regisseur_reads_and_writes_on_a_home_visit_without_internet(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    household_id = de_vries(live_server)
    tag = secrets.token_hex(2)
    goal = add_goal(
        live_server,
        household_id,
        (f"De rekeningen op een stapel leggen ({tag}).", f"De bank bellen over de achterstand ({tag})."),
        assign_last_to="Fatima",
    )
    ticked, noted = goal.actions
    note = f"De bank belt dinsdag terug ({tag})."
    explanation = f"De huur is betaald, de energie nog niet ({tag})."
    home = f"/huishoudens/{household_id}"
    fatima = signed_in(tablet, "Fatima", "regisseur")
    keep_for_visit(fatima, household_id)
    fatima_started = dt.datetime.now(dt.UTC)

    tablet.set_offline(True)
    # The plan is the copy kept on the device, saying when it was fetched; axe checks it as every page.
    visit(fatima, f"{home}/plan")
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Plan van De Vries")
    expect(fatima.locator("[data-offline-copy]")).to_have_text(COPY_NOTICE)
    expect(fatima.locator("li.goal", has_text=goal.text)).to_be_visible()

    # A page never opened: the offline page, in Dutch, with what can be read on this device.
    visit(fatima, f"{home}/evaluaties")
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Je hebt nu geen verbinding")
    readable = fatima.get_by_role("region", name="Dit kun je wel lezen")
    for path, title in (
        (home, "De Vries"),
        (f"{home}/plan", "Plan van De Vries"),
        (f"{home}/scores", "Scores van De Vries"),
        (f"{home}/netwerk", "Netwerkkaart van De Vries"),
    ):
        expect(readable.locator(f'a[href="{path}"]')).to_have_text(title)
    expect(readable.locator(f'a[href="{home}/evaluaties"]')).to_have_count(0)
    # Her start page lists her whole caseload: it is not kept on a device that goes along on visits.
    expect(readable.locator('a[href="/mijn"]')).to_have_count(0)
    check_a11y(fatima)
    readable.get_by_role("link", name="Plan van De Vries").click()
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Plan van De Vries")
    expect(fatima.locator("[data-offline-copy]")).to_be_visible()

    # A tick: it shows at once, marked as kept on the device, and counted.
    action = fatima.locator("li.action", has_text=ticked)
    action.get_by_role("button", name="Gedaan").click()
    expect(action.locator(".pending-mark")).to_have_text(PENDING)
    expect(action.get_by_role("button", name="Toch niet gedaan")).to_be_visible()
    expect(queue_count(fatima)).to_have_text(ONE_WAITS)
    check_a11y(fatima)

    # A note: a form of its own page, answered with the page that says it is kept.
    item = fatima.locator("li.action", has_text=noted)
    item.get_by_label("Korte notitie voor het huishouden").fill(note)
    item.get_by_role("button", name="Notitie opslaan").click()
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Bewaard op dit apparaat")
    expect(fatima.get_by_text("Je wijziging is bewaard op dit apparaat")).to_be_visible()
    check_a11y(fatima)

    # A score with a toelichting, on the kept scores page.
    visit(fatima, f"{home}/scores")
    expect(fatima.locator("[data-offline-copy]")).to_be_visible()
    expect(queue_count(fatima)).to_have_text(waiting(2))
    card = fatima.locator("li.rating", has_text="Financiën")
    card.get_by_label("Toelichting in je eigen woorden (mag leeg blijven)").fill(explanation)
    card.locator("button.score[value='3']").click()
    expect(card.locator(".pending-mark")).to_have_text(PENDING)
    expect(card.locator("button.score[value='3']")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("button.score[aria-pressed=true]")).to_have_count(1)
    expect(queue_count(fatima)).to_have_text(waiting(3))
    check_a11y(fatima)

    # Online again, the score is sent and applied, but its answer is lost on the way back: the tablet keeps it
    # and sends it again when the next page opens, and the server knows it by its key.
    rating = f"{home}/scores/leefgebied/financien"
    first_answer: list[int] = []

    def answer_lost(route: Route) -> None:
        if first_answer:
            route.continue_()
        else:
            first_answer.append(route.fetch().status)
            route.abort("connectionreset")

    tablet.route(f"**{rating}", answer_lost)
    with tablet.expect_event("requestfailed", lambda request: request.url.endswith(rating)):
        tablet.set_offline(False)
    assert first_answer == [200]
    visit(fatima, f"{home}/scores")
    expect(queue_count(fatima)).to_be_hidden()
    assert poll(fatima, QUEUE_EMPTY), "the queue on the device is not empty"

    # Each change arrived once, with the time it was made on the tablet beside the server's.
    assert ratings_since(live_server, household_id, fatima_started) == [("Financiën", 3)]
    ticked_row = stored_action(live_server, goal.action_ids[0])
    assert (ticked_row.status, ticked_row.ticked) == ("gedaan", 1)
    noted_row = stored_action(live_server, goal.action_ids[1])
    assert (noted_row.note, noted_row.noted) == (note, 1)
    fatima_id = person_id(live_server, "Fatima")
    for path in (
        f"{home}/plan/acties/{goal.action_ids[0]}/afvinken",
        f"{home}/plan/acties/{goal.action_ids[1]}/notitie",
        f"{home}/scores/leefgebied/financien",
    ):
        assert_applied_once_offline(live_server, fatima_id, path, fatima_started)

    visit(fatima, f"{home}/plan")
    expect(fatima.locator("[data-offline-copy]")).to_be_hidden()
    expect(fatima.locator("li.action", has_text=ticked).locator(".status")).to_have_text("gedaan")
    expect(fatima.locator("li.action", has_text=noted)).to_contain_text(f"Notitie: {note}")
    visit(fatima, f"{home}/scores")
    card = fatima.locator("li.rating", has_text="Financiën")
    expect(card.get_by_role("textbox")).to_have_value(explanation)
    expect(card.locator(".rating__compare")).to_contain_text("Regisseur: 3")
    expect(queue_count(fatima)).to_be_hidden()


def test_a_household_member_reads_her_plan_on_the_train_and_ticks_an_action(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    household_id = de_vries(live_server)
    goal = add_goal(
        live_server, household_id, (f"Het formulier van de huurtoeslag invullen ({secrets.token_hex(2)}).",)
    )
    plan = f"/huishoudens/{household_id}/plan"
    started = dt.datetime.now(dt.UTC)
    anouk = signed_in(phone, "Anouk", "huishouden")
    visit(anouk, plan)
    expect(anouk.locator("li.goal", has_text=goal.text)).to_be_visible()
    assert poll(anouk, PAGES_KEPT, ["/mijn", plan]), "her start page and plan are not on the phone"

    phone.set_offline(True)
    visit(anouk, plan)
    expect(anouk.get_by_role("heading", level=1)).to_have_text("Ons plan")
    expect(anouk.locator("[data-offline-copy]")).to_have_text(COPY_NOTICE)
    action = anouk.locator("li.action", has_text=goal.actions[0])
    action.get_by_role("button", name="Gedaan").tap()
    expect(action.locator(".pending-mark")).to_have_text(PENDING)
    expect(action.get_by_role("button", name="Toch niet gedaan")).to_be_visible()
    expect(queue_count(anouk)).to_have_text(ONE_WAITS)
    check_a11y(anouk)

    phone.set_offline(False)
    expect(action.locator(".pending-mark")).to_have_text(SENT)
    expect(queue_count(anouk)).to_be_hidden()
    stored = stored_action(live_server, goal.action_ids[0])
    assert (stored.status, stored.ticked) == ("gedaan", 1)
    anouk_id = person_id(live_server, "Anouk")
    assert_applied_once_offline(live_server, anouk_id, f"{plan}/acties/{goal.action_ids[0]}/afvinken", started)
    visit(anouk, plan)
    expect(anouk.locator("li.action", has_text=goal.actions[0]).locator(".status")).to_have_text("gedaan")


def change_goal(live_server: LiveServer, goal: Goal, text: str, *, by: str) -> None:
    """Someone else saves the goal in new words (a new version), as the goal form does."""
    from server.domain.models import Person
    from server.domain.plan import service as plan
    from server.domain.policy import actor_for
    from server.domain.ratings import instruments

    writer = person_id(live_server, by)

    async def work(db: AsyncSession) -> None:
        person = await db.get(Person, writer)
        assert person is not None
        household, goal_id = uuid.UUID(goal.household_id), uuid.UUID(goal.id)
        current = await plan.get_goal(db, household, goal_id)
        await plan.update_goal(
            db, actor_for(person), household, goal_id, instruments.built_in()[instruments.DEFAULT_KEY],
            plan.GoalInput(domain_key=current.domain_key, text=text, horizon=str(current.horizon),
                           version=str(current.version)),
        )  # fmt: skip

    on_database(live_server, work)


def goal_text(live_server: LiveServer, goal: Goal) -> str:
    from server.domain.plan.model import Goal as GoalRow

    async def work(db: AsyncSession) -> str:
        row = await db.get(GoalRow, uuid.UUID(goal.id))
        assert row is not None
        return row.text

    return on_database(live_server, work)


def test_a_goal_changed_offline_and_meanwhile_by_someone_else_shows_both_versions(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    member = f"Noor {secrets.token_hex(2)}"
    household = own_household(live_server, member=member)
    goal = add_goal(live_server, household.id, ())
    mine = "Elke maandag samen de post openmaken en de rekeningen betalen."
    theirs = "Ik maak de post zelf open; op maandag kijken we samen naar wat overblijft."
    plan = f"/huishoudens/{household.id}/plan"
    fatima = signed_in(tablet, "Fatima", "regisseur")
    keep_for_visit(fatima, household.id)
    visit(fatima, plan)
    fatima.locator("li.goal", has_text=goal.text).get_by_role("link", name="Doel aanpassen").click()
    settle(fatima, r"/bewerken$")
    edit = urlpath(fatima)
    assert poll(fatima, PAGES_KEPT, [edit]), "the goal's form opened online is not on the device"

    tablet.set_offline(True)
    fatima.get_by_label("Wat willen jullie bereiken?").fill(mine)
    fatima.get_by_role("button", name="Bewaren").click()
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Bewaard op dit apparaat")
    check_a11y(fatima)
    # Meanwhile the household changes the same goal.
    change_goal(live_server, goal, theirs, by=member)

    tablet.set_offline(False)
    visit(fatima, plan)
    listed = problems(fatima).get_by_role("listitem")
    expect(listed).to_have_text(
        re.compile(r"^Doel aanpassen: Iemand anders heeft dit intussen veranderd\. Bekijk beide versies en kies\.")
    )
    expect(listed.get_by_role("button", name="Opnieuw proberen")).to_have_count(0)
    expect(listed.get_by_role("button", name="Weggooien")).to_be_visible()
    expect(queue_count(fatima)).to_be_hidden()
    check_a11y(fatima)
    assert goal_text(live_server, goal) == theirs, "the change made offline overwrote the other one"
    expect(fatima.locator("li.goal h3")).to_have_text([theirs])

    # "Bekijken" shows the goal's form as it comes back online after a conflict: their words, and hers.
    listed.get_by_role("link", name="Bekijken").click()
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Doel aanpassen")
    conflict = fatima.get_by_role("alert")
    expect(conflict.get_by_role("heading", level=2)).to_have_text(
        "Iemand anders heeft dit intussen veranderd. Kies welke versie je wilt houden."
    )
    expect(conflict.locator("dd").nth(1)).to_have_text(theirs)
    expect(fatima.get_by_label("Wat willen jullie bereiken?")).to_have_value(mine)
    check_a11y(fatima)
    assert goal_text(live_server, goal) == theirs

    # She keeps hers, on purpose now: the form of that page is saved as any other.
    fatima.get_by_role("button", name="Bewaar mijn versie").click()
    settle(fatima, r"/plan$")
    expect(fatima.locator("li.goal h3")).to_have_text([mine])
    expect(problems(fatima)).to_be_hidden()
    assert goal_text(live_server, goal) == mine


def remove_action(live_server: LiveServer, action_id: str) -> None:
    from server.domain.plan.model import PlanAction

    async def work(db: AsyncSession) -> None:
        action = await db.get(PlanAction, uuid.UUID(action_id))
        assert action is not None
        await db.delete(action)

    on_database(live_server, work)


def test_a_tick_refused_by_the_server_is_shown_with_retry_and_discard(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    household = own_household(live_server, member=f"Iris {secrets.token_hex(2)}")
    goal = add_goal(live_server, household.id, (f"Een afspraak maken met de woningbouw ({secrets.token_hex(2)}).",))
    fatima = signed_in(tablet, "Fatima", "regisseur")
    keep_for_visit(fatima, household.id)

    tablet.set_offline(True)
    visit(fatima, f"/huishoudens/{household.id}/plan")
    action = fatima.locator("li.action", has_text=goal.actions[0])
    action.get_by_role("button", name="Gedaan").click()
    expect(action.locator(".pending-mark")).to_have_text(PENDING)
    # Meanwhile the action is taken out of the plan.
    remove_action(live_server, goal.action_ids[0])

    tablet.set_offline(False)
    listed = problems(fatima).get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed.locator("span")).to_have_text(f"Afvinken: {goal.actions[0]}: Dit kon niet worden bewaard.")
    expect(listed.get_by_role("link", name="Bekijken")).to_have_count(0)
    expect(queue_count(fatima)).to_be_hidden()
    check_a11y(fatima)

    # Trying again is refused again: it stays in the list, nothing is dropped unseen.
    tick = f"/plan/acties/{goal.action_ids[0]}/afvinken"
    with tablet.expect_event("response", lambda r: r.request.method == "POST" and r.url.endswith(tick)) as sent:
        listed.get_by_role("button", name="Opnieuw proberen").click()
    assert sent.value.status == 404
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("button", name="Opnieuw proberen")).to_be_focused()
    visit(fatima, f"/huishoudens/{household.id}")
    expect(problems(fatima).get_by_role("listitem")).to_have_count(1)
    assert fatima.evaluate(QUEUE_LENGTH) == 1

    problems(fatima).get_by_role("button", name="Weggooien").click()
    expect(problems(fatima)).to_be_hidden()
    expect(fatima.locator("#main")).to_be_focused()
    assert poll(fatima, QUEUE_EMPTY), "the discarded change is still on the device"


def test_sign_out_warns_about_changes_not_sent_and_wipes_the_device(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    household = own_household(live_server, member=f"Sara {secrets.token_hex(2)}")
    goal = add_goal(live_server, household.id, (f"De brief van de gemeente beantwoorden ({secrets.token_hex(2)}).",))
    home = f"/huishoudens/{household.id}"
    fatima = signed_in(tablet, "Fatima", "regisseur")
    keep_for_visit(fatima, household.id)

    tablet.set_offline(True)
    visit(fatima, f"{home}/plan")
    fatima.locator("li.action", has_text=goal.actions[0]).get_by_role("button", name="Gedaan").click()
    expect(queue_count(fatima)).to_have_text(ONE_WAITS)
    fatima.get_by_role("button", name="Uitloggen").click()
    warning = fatima.get_by_role("alert").filter(has_text="niet verstuurd")
    expect(warning).to_contain_text(
        "Er staat nog 1 wijziging op dit apparaat die niet verstuurd is. Als je nu uitlogt, gaat die verloren."
    )
    expect(warning.get_by_role("button", name="Niet uitloggen")).to_be_focused()
    check_a11y(fatima)
    warning.get_by_role("button", name="Niet uitloggen").click()
    expect(warning).to_be_hidden()
    expect(fatima.locator("#main")).to_be_focused()
    expect(fatima.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(queue_count(fatima)).to_have_text(ONE_WAITS)

    tablet.set_offline(False)
    expect(queue_count(fatima)).to_be_hidden()
    assert stored_action(live_server, goal.action_ids[0]).status == "gedaan"

    # Nothing waits: she signs out at once, and what was kept on the tablet goes with her.
    fatima.get_by_role("button", name="Uitloggen").click()
    settle(fatima, r"/\?uitgelogd=1$")
    expect(fatima.get_by_role("button", name="Uitloggen")).to_have_count(0)
    assert fatima.evaluate(PAGE_CACHES) == []
    assert fatima.evaluate(QUEUE_LENGTH) == 0

    # Someone else signs in on the same tablet: none of Fatima's pages can be read offline.
    from_start_page(fatima, "Anouk", "huishouden")
    under_worker(fatima)
    assert poll(fatima, PAGES_KEPT, ["/mijn"]), "Anouk's start page is not on the device"
    assert not [path for path in fatima.evaluate(KEPT_PATHS) if path.startswith(home)]
    tablet.set_offline(True)
    visit(fatima, "/mijn")
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Hallo Anouk")
    expect(fatima.locator("[data-offline-copy]")).to_be_visible()
    visit(fatima, f"{home}/plan")
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Je hebt nu geen verbinding")
    readable = fatima.get_by_role("region", name="Dit kun je wel lezen").get_by_role("link")
    expect(readable.filter(has_text="Mijn overzicht")).to_be_visible()
    expect(readable.filter(has_text=household.name)).to_have_count(0)
