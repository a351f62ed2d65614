"""Every change applied once: a form sent again (a double tap, a retry after a lost answer, a change kept on a
device while offline and sent later) changes nothing again and gets the first answer, byte for byte; a form
sent with other values is a change of its own; a refused change keeps no key; someone else with the same key
is refused. Through the real forms, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from litestar import Litestar, Response, post
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.app import create_app
from server.config import Settings
from server.domain.events import EventKind
from server.domain.models import AccessLogEntry, Person, TimelineEvent, utcnow
from server.domain.offline import service as offline
from server.domain.offline.model import FormSubmission
from server.domain.plan.model import ActionStatus, Goal, PlanAction
from server.domain.policy import Action
from server.domain.ratings.model import Assessment, Rating
from tests.conftest import BACKEND, TEST_ORIGIN, csrf_from
from tests.factories import World, signed_in_as
from tests.forms import FORM_CONTENT, Form, find_form, send
from tests.integration.test_plan import add_action, member_with_plan

REPEAT = "x-onsplan-repeat"
REFUSED_KEY = "Dit formulier is niet goed verstuurd. Laad de pagina opnieuw."
USED_BY_OTHER = "Dit formulier is al eens verstuurd. Laad de pagina opnieuw."

Client = AsyncTestClient[Litestar] | httpx.AsyncClient


# --------------------------------------------------------------------------------------------------------
# A household with one goal and one action, and what the database holds
# --------------------------------------------------------------------------------------------------------


class Plan:
    """Anouk's household with a goal and an open action; Anouk is signed in on ``client``."""

    def __init__(self, world: World, household_id: uuid.UUID, goal_id: uuid.UUID, action_id: uuid.UUID) -> None:
        self.world = world
        self.household_id = household_id
        self.goal_id = goal_id
        self.action_id = action_id
        self.page = f"/huishoudens/{household_id}/plan"
        self.tick = f"{self.page}/acties/{action_id}/afvinken"
        self.goal_edit = f"{self.page}/doelen/{goal_id}/bewerken"
        self.goal = f"{self.page}/doelen/{goal_id}"
        self.scores = f"/huishoudens/{household_id}/scores"

    def rate(self, domain: str) -> str:
        return f"{self.scores}/leefgebied/{domain}"


async def a_plan(client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any) -> Plan:
    world, household, _anouk, goal = await member_with_plan(client, db, submit)
    assert (await add_action(submit, household, goal)).status_code == 303
    action = await db.scalar(select(PlanAction).where(PlanAction.household_id == household.id))
    assert action is not None
    return Plan(world, household.id, goal.id, action.id)


async def form_on(client: Client, page: str, action: str) -> Form:
    """Open ``page`` and take its form for ``action``, as the browser shows it."""
    opened = await client.get(page)
    assert opened.status_code == 200, opened.text
    return find_form(opened, action)


async def count(db: AsyncSession, model: Any, *where: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def events(db: AsyncSession, plan: Plan, kind: EventKind) -> int:
    return await count(db, TimelineEvent, TimelineEvent.household_id == plan.household_id, TimelineEvent.kind == kind)


async def submissions(db: AsyncSession, path: str | None = None) -> int:
    """Form keys kept (of forms sent to ``path``)."""
    return await count(db, FormSubmission, *([FormSubmission.path == path] if path else []))


async def status_of(db: AsyncSession, plan: Plan) -> ActionStatus:
    status = await db.scalar(select(PlanAction.status).where(PlanAction.id == plan.action_id))
    assert status is not None
    return ActionStatus(status)


async def rating_of(db: AsyncSession, plan: Plan, domain: str) -> list[int]:
    return list(
        await db.scalars(
            select(Rating.score).where(Rating.household_id == plan.household_id, Rating.domain_key == domain)
        )
    )


def assert_same_answer(first: httpx.Response, again: httpx.Response) -> None:
    """The repeat is the first answer again: status, body, type and where it leads, marked as a repeat."""
    assert REPEAT not in first.headers
    assert again.headers.get(REPEAT) == "1"
    assert again.status_code == first.status_code
    assert again.content == first.content
    assert again.headers.get("content-type") == first.headers.get("content-type")
    assert again.headers.get("location") == first.headers.get("location")


# --------------------------------------------------------------------------------------------------------
# 1. The same form twice: one change, the first answer twice
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "form"])
async def test_a_tick_sent_twice_ticks_once_and_answers_the_same_twice(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, htmx: bool
) -> None:
    plan = await a_plan(client, db, submit)
    form = await form_on(client, plan.page, plan.tick)

    first = await send(client, form, {"gedaan": "ja"}, htmx=htmx)
    again = await send(client, form, {"gedaan": "ja"}, htmx=htmx)

    if htmx:
        assert first.status_code == 200
        assert "Toch niet gedaan" in first.text and "<html" not in first.text
        assert first.headers["content-type"].startswith("text/html")
    else:
        assert first.status_code == 303
        assert first.headers["location"].endswith(f"#actie-{plan.action_id}")
    assert_same_answer(first, again)
    assert await status_of(db, plan) == ActionStatus.GEDAAN
    assert await events(db, plan, EventKind.ACTION_TICKED) == 1
    assert await submissions(db, plan.tick) == 1

    # The tick is undone with the form shown now; the first form arriving late (a phone that was offline)
    # is the same change as before, not a new tick.
    undo = await form_on(client, plan.page, plan.tick)
    assert (await send(client, undo, {"gedaan": "nee"}, htmx=htmx)).status_code == first.status_code
    assert await status_of(db, plan) == ActionStatus.OPEN
    late = await send(client, form, {"gedaan": "ja"}, htmx=htmx)
    assert_same_answer(first, late)
    assert await status_of(db, plan) == ActionStatus.OPEN
    assert await events(db, plan, EventKind.ACTION_TICKED) == 1
    assert await events(db, plan, EventKind.ACTION_UNTICKED) == 1
    assert await submissions(db, plan.tick) == 2


async def test_a_change_kept_offline_is_applied_once_after_signing_in_again(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    """Signed in again, the CSRF token is another one: the kept change is still the same change, sent as the
    service worker sends it (the body as it was, the new token in a header) or with the new token in it."""
    plan = await a_plan(client, db, submit)
    form = await form_on(client, plan.page, plan.tick)
    first = await send(client, form, {"gedaan": "ja"}, htmx=True)
    assert first.status_code == 200
    anouk = await db.scalar(select(FormSubmission.person_id).where(FormSubmission.path == plan.tick))
    person = await db.get(Person, anouk)
    assert person is not None

    client.cookies.clear()
    await signed_in_as(client, db, person)
    page = await client.get(plan.page)
    token = csrf_from(page.text)
    assert token != form.value("_csrf_token")
    kept = form.fill({"gedaan": "ja"})
    headers = {"content-type": FORM_CONTENT, "hx-request": "true"}
    replayed = await client.post(plan.tick, content=urlencode(kept), headers={**headers, "x-csrftoken": token})
    assert_same_answer(first, replayed)
    new_token = [(name, token if name == "_csrf_token" else value) for name, value in kept]
    again = await client.post(plan.tick, content=urlencode(new_token), headers=headers)
    assert_same_answer(first, again)
    assert await events(db, plan, EventKind.ACTION_TICKED) == 1
    assert await submissions(db, plan.tick) == 1


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "form"])
async def test_a_rating_sent_twice_is_one_rating(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, htmx: bool
) -> None:
    plan = await a_plan(client, db, submit)
    form = await form_on(client, plan.scores, plan.rate("financien"))

    first = await send(client, form, {"score": "2", "note": "De huur is te hoog."}, htmx=htmx)
    again = await send(client, form, {"score": "2", "note": "De huur is te hoog."}, htmx=htmx)

    assert first.status_code == (200 if htmx else 303)
    if htmx:
        assert 'id="lg-financien"' in first.text and "De huur is te hoog." in first.text
    assert_same_answer(first, again)
    assert await rating_of(db, plan, "financien") == [2]
    assert await events(db, plan, EventKind.RATING_SET) == 1
    assert await count(db, Assessment, Assessment.household_id == plan.household_id) == 1
    assert await submissions(db, plan.rate("financien")) == 1

    # Another score with the form on the page now; the first form sent late changes nothing back.
    newer = await form_on(client, plan.scores, plan.rate("financien"))
    assert (await send(client, newer, {"score": "4"}, htmx=htmx)).status_code == first.status_code
    late = await send(client, form, {"score": "2", "note": "De huur is te hoog."}, htmx=htmx)
    assert_same_answer(first, late)
    assert await rating_of(db, plan, "financien") == [4]
    assert await events(db, plan, EventKind.RATING_SET) == 2


async def test_a_goal_saved_twice_is_saved_once_and_leads_to_the_same_place(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    form = await form_on(client, plan.goal_edit, plan.goal)
    version = form.value("version")

    first = await send(client, form, {"text": "Elke week iemand om mee te praten"})
    # Without the key this would be a conflict: the goal's version moved on with the first save.
    again = await send(client, form, {"text": "Elke week iemand om mee te praten"})

    assert first.status_code == 303
    assert first.headers["location"].endswith(f"#doel-{plan.goal_id}")
    assert_same_answer(first, again)
    goal = await db.get(Goal, plan.goal_id, populate_existing=True)
    assert goal is not None and goal.text == "Elke week iemand om mee te praten"
    assert str(goal.version) == str(int(version or 0) + 1)
    assert await events(db, plan, EventKind.GOAL_UPDATED) == 1
    assert await submissions(db, plan.goal) == 1


# --------------------------------------------------------------------------------------------------------
# 2. The same form with other values: a change of its own
# --------------------------------------------------------------------------------------------------------


async def test_the_same_form_with_other_values_is_a_change_of_its_own(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    form = await form_on(client, plan.page, plan.tick)
    ticked = await send(client, form, {"gedaan": "ja"})
    # The hidden field says "ja"; the same form (same key) sent with "nee".
    undone = await send(client, form, {"gedaan": "nee"}, hostile=True)
    assert ticked.status_code == undone.status_code == 303
    assert REPEAT not in undone.headers
    assert await status_of(db, plan) == ActionStatus.OPEN
    assert await events(db, plan, EventKind.ACTION_TICKED) == 1
    assert await events(db, plan, EventKind.ACTION_UNTICKED) == 1

    # A score form left on the page: tapping 2 and then 4 with it is two ratings, the last one counts.
    rate = await form_on(client, plan.scores, plan.rate("huisvesting"))
    assert (await send(client, rate, {"score": "2"})).status_code == 303
    four = await send(client, rate, {"score": "4"})
    assert four.status_code == 303 and REPEAT not in four.headers
    assert await rating_of(db, plan, "huisvesting") == [4]
    assert await events(db, plan, EventKind.RATING_SET) == 2
    assert await submissions(db, plan.tick) == 2
    assert await submissions(db, plan.rate("huisvesting")) == 2


# --------------------------------------------------------------------------------------------------------
# 3. Two sends of one form at the same moment
# --------------------------------------------------------------------------------------------------------


@asynccontextmanager
async def one_process(settings: Settings, cookies: httpx.Cookies) -> AsyncIterator[tuple[httpx.AsyncClient, ...]]:
    """Two connections of the same browser to one app process, served on this event loop: their requests run
    side by side (the test client runs each request to its end before the next starts)."""
    app = create_app(settings)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url=TEST_ORIGIN, cookies=cookies) as one,
            httpx.AsyncClient(transport=transport, base_url=TEST_ORIGIN, cookies=cookies) as two,
        ):
            yield one, two


async def lock_waiter(db: AsyncSession) -> bool:
    """Whether a statement on PostgreSQL waits for another transaction's lock (the second INSERT of a key)."""
    # The activity is read once per transaction unless the snapshot is let go.
    await db.execute(text("SELECT pg_stat_clear_snapshot()"))
    waiting = await db.scalar(
        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
    )
    return bool(waiting)


def held_open_until_both_claim(monkeypatch: pytest.MonkeyPatch, db: AsyncSession) -> list[bool]:
    """Keep the first request's transaction open after it took the key until the second request is taking
    it too (on PostgreSQL: until it waits for the first one's row). The list it returns says, for the
    request that took the key, whether that happened."""
    real_claim = offline.claim
    entered: list[int] = []
    second_in = asyncio.Event()
    overlapped: list[bool] = []

    async def claim(session: AsyncSession, **kwargs: Any) -> offline.Earlier | None:
        entered.append(1)
        if len(entered) == 2:
            second_in.set()
        earlier = await real_claim(session, **kwargs)
        if earlier is None:
            try:
                await asyncio.wait_for(second_in.wait(), timeout=10)
                if BACKEND == "postgresql":
                    for _ in range(200):
                        if await lock_waiter(db):
                            break
                        await asyncio.sleep(0.02)
                    else:
                        raise TimeoutError
                else:
                    # SQLite shows no waiting writer; give the second one the moment to reach the lock.
                    await asyncio.sleep(0.1)
                overlapped.append(True)
            except TimeoutError:
                overlapped.append(False)
        return earlier

    monkeypatch.setattr(offline, "claim", claim)
    return overlapped


@pytest.mark.parametrize("what", ["tick", "rating"])
async def test_two_sends_of_one_form_at_the_same_moment_change_things_once(
    client: AsyncTestClient[Litestar],
    db: AsyncSession,
    submit: Any,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
) -> None:
    plan = await a_plan(client, db, submit)
    before = await submissions(db)
    if what == "tick":
        form, data = await form_on(client, plan.page, plan.tick), {"gedaan": "ja"}
    else:
        form, data = await form_on(client, plan.scores, plan.rate("financien")), {"score": "3"}
    overlapped = held_open_until_both_claim(monkeypatch, db)

    async with one_process(settings, client.cookies) as (one, two):
        answers = await asyncio.gather(send(one, form, data, htmx=True), send(two, form, data, htmx=True))

    assert overlapped == [True], "the second send did not arrive while the first was under way"
    assert [a.status_code for a in answers] == [200, 200]
    if what == "tick":
        assert await status_of(db, plan) == ActionStatus.GEDAAN
        assert await events(db, plan, EventKind.ACTION_TICKED) == 1
    else:
        assert await rating_of(db, plan, "financien") == [3]
        assert await events(db, plan, EventKind.RATING_SET) == 1
        assert await count(db, Assessment, Assessment.household_id == plan.household_id) == 1
    assert await submissions(db) == before + 1
    first, again = sorted(answers, key=lambda answer: REPEAT in answer.headers)
    assert_same_answer(first, again)


# --------------------------------------------------------------------------------------------------------
# 4. A refused change keeps no key
# --------------------------------------------------------------------------------------------------------


async def test_a_refused_change_is_tried_again_and_applied_once_its_values_are_good(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    before = await submissions(db)
    form = await form_on(client, plan.goal_edit, plan.goal)

    empty = await send(client, form, {"text": "   "})
    again = await send(client, form, {"text": "   "})
    for refused in (empty, again):
        assert refused.status_code == 400
        assert "Schrijf op wat jullie willen bereiken." in refused.text
        assert REPEAT not in refused.headers
    assert await submissions(db) == before

    good = await send(client, form, {"text": "Vrienden om mee te sporten"})
    assert good.status_code == 303 and REPEAT not in good.headers
    goal = await db.get(Goal, plan.goal_id, populate_existing=True)
    assert goal is not None and goal.text == "Vrienden om mee te sporten"
    assert await events(db, plan, EventKind.GOAL_UPDATED) == 1
    assert await submissions(db) == before + 1


async def test_a_version_conflict_keeps_no_key_and_is_shown_each_time(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    early = await form_on(client, plan.goal_edit, plan.goal)
    later = await form_on(client, plan.goal_edit, plan.goal)
    assert (await send(client, later, {"text": "Versie uit het andere tabblad"})).status_code == 303
    before = await submissions(db)

    for _ in range(2):
        conflict = await send(client, early, {"text": "Versie van dit tabblad"})
        assert conflict.status_code == 409
        assert REPEAT not in conflict.headers
        assert "Iemand anders heeft dit intussen veranderd" in conflict.text
        assert "Versie uit het andere tabblad" in conflict.text
    assert await submissions(db) == before

    kept = await send(client, find_form(conflict, plan.goal), button="Bewaar mijn versie")
    assert kept.status_code == 303
    goal = await db.get(Goal, plan.goal_id, populate_existing=True)
    assert goal is not None and goal.text == "Versie van dit tabblad"
    assert await events(db, plan, EventKind.GOAL_UPDATED) == 2


# --------------------------------------------------------------------------------------------------------
# 5. Someone else with the same key
# --------------------------------------------------------------------------------------------------------


async def test_someone_else_sending_the_same_key_is_refused_and_sees_nothing_of_the_first_answer(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    form = await form_on(client, plan.page, plan.tick)
    first = await send(client, form, {"gedaan": "ja"}, htmx=True)
    assert first.status_code == 200
    undo = await form_on(client, plan.page, plan.tick)
    assert (await send(client, undo, {"gedaan": "nee"}, htmx=True)).status_code == 200
    before = await submissions(db)

    client.cookies.clear()
    await signed_in_as(client, db, plan.world.regisseur)
    page = await client.get(plan.page)
    assert page.status_code == 200
    pairs = [
        (name, csrf_from(page.text) if name == "_csrf_token" else value) for name, value in form.fill({"gedaan": "ja"})
    ]
    for htmx in (True, False):
        headers = {"content-type": FORM_CONTENT, **({"hx-request": "true"} if htmx else {})}
        other = await client.post(plan.tick, content=urlencode(pairs), headers=headers)
        assert other.status_code == 409
        assert USED_BY_OTHER in other.text
        assert REPEAT not in other.headers
        assert first.content not in other.content
        assert "Toch niet gedaan" not in other.text and "Milan naar school" not in other.text
    assert await status_of(db, plan) == ActionStatus.OPEN
    assert await events(db, plan, EventKind.ACTION_TICKED) == 1
    assert await submissions(db) == before


# --------------------------------------------------------------------------------------------------------
# 6. The time of the change on the device
# --------------------------------------------------------------------------------------------------------


async def test_the_device_time_of_a_change_is_stored_beside_the_server_time(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    made_offline = (utcnow() - dt.timedelta(hours=3)).replace(microsecond=0)
    local = made_offline.astimezone(dt.timezone(dt.timedelta(hours=2)))
    sent: dict[str, str] = {
        "huisvesting": local.isoformat(),
        "financien": "gisteren om drie uur",
        "dagbesteding": (utcnow() - dt.timedelta(days=400)).isoformat(),
        "lichamelijke_gezondheid": (utcnow() + dt.timedelta(days=60)).isoformat(),
    }
    for domain, device_time in sent.items():
        form = await form_on(client, plan.scores, plan.rate(domain))
        answer = await send(client, form, {"score": "3"}, htmx=True, headers={"X-Device-Time": device_time})
        assert answer.status_code == 200, answer.text

    stored = {
        path.rsplit("/", 1)[1]: (created, device)
        for path, created, device in await db.execute(
            select(FormSubmission.path, FormSubmission.created_at, FormSubmission.device_at).where(
                FormSubmission.path.like(f"{plan.scores}/leefgebied/%")
            )
        )
    }
    assert set(stored) == set(sent)
    created, device = stored["huisvesting"]
    assert device == made_offline
    assert device.utcoffset() == dt.timedelta(0)
    assert created > made_offline + dt.timedelta(hours=2)
    for domain in ("financien", "dagbesteding", "lichamelijke_gezondheid"):
        created, device = stored[domain]
        assert device is None and created is not None


# --------------------------------------------------------------------------------------------------------
# 7. A key that is not ours
# --------------------------------------------------------------------------------------------------------


NOT_OURS = ("x", "a" * 200, "", "drie woorden hier, en meer", "a" * 65, "a" * 22 + "\n", "sleutel/../../x" * 2)


async def test_a_key_that_is_not_ours_is_refused_in_dutch_and_changes_nothing(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    before = await submissions(db)
    form = await form_on(client, plan.page, plan.tick)
    for key in NOT_OURS:
        for htmx in (True, False):
            refused = await send(client, form, {"gedaan": "ja", "_sleutel": key}, hostile=True, htmx=htmx)
            assert refused.status_code == 400, repr(key)
            assert REFUSED_KEY in refused.text
            assert ("<html" in refused.text) is not htmx
    assert await status_of(db, plan) == ActionStatus.OPEN
    assert await events(db, plan, EventKind.ACTION_TICKED) == 0
    assert await submissions(db) == before

    # The page's own key, of 22 characters, and the service worker's, a UUID: both are ours.
    assert (await send(client, form, {"gedaan": "ja"})).status_code == 303
    again = await form_on(client, plan.page, plan.tick)
    offline_key = str(uuid.uuid4())
    assert (await send(client, again, {"gedaan": "nee", "_sleutel": offline_key}, hostile=True)).status_code == 303
    assert await status_of(db, plan) == ActionStatus.OPEN


# --------------------------------------------------------------------------------------------------------
# 8. The first answer shown again is logged as any look
# --------------------------------------------------------------------------------------------------------


async def looks_of(db: AsyncSession, person_id: uuid.UUID) -> list[tuple[uuid.UUID, str, str]]:
    rows = await db.execute(
        select(AccessLogEntry.household_id, AccessLogEntry.actor_role, AccessLogEntry.resource)
        .where(AccessLogEntry.actor_id == person_id)
        .order_by(AccessLogEntry.created_at)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def regisseur_at_the_tick(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> tuple[Plan, uuid.UUID, Form, list[tuple[uuid.UUID, str, str]]]:
    """The household's regisseur signed in with the plan's tick form open, and her looks so far."""
    plan = await a_plan(client, db, submit)
    client.cookies.clear()
    await signed_in_as(client, db, plan.world.regisseur)
    form = await form_on(client, plan.page, plan.tick)
    return plan, plan.world.regisseur.id, form, await looks_of(db, plan.world.regisseur.id)


async def test_the_first_answer_shown_again_to_a_regisseur_is_logged_like_the_first(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan, regisseur, form, before = await regisseur_at_the_tick(client, db, submit)

    first = await send(client, form, {"gedaan": "ja"}, htmx=True)
    assert first.status_code == 200 and "Toch niet gedaan" in first.text
    after_first = await looks_of(db, regisseur)
    assert len(after_first) == len(before) + 1
    look = after_first[-1]
    assert look[0] == plan.household_id and look[1] == "regisseur"

    again = await send(client, form, {"gedaan": "ja"}, htmx=True)
    assert_same_answer(first, again)
    assert await looks_of(db, regisseur) == [*after_first, look]


async def test_a_redirect_given_again_is_no_look_as_the_first_was_none(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _plan, regisseur, form, before = await regisseur_at_the_tick(client, db, submit)

    first = await send(client, form, {"gedaan": "ja"})
    assert first.status_code == 303
    assert await looks_of(db, regisseur) == before
    again = await send(client, form, {"gedaan": "ja"})
    assert_same_answer(first, again)
    assert await looks_of(db, regisseur) == before


# --------------------------------------------------------------------------------------------------------
# The first answer is the handler's whole answer
# --------------------------------------------------------------------------------------------------------


async def test_a_change_whose_answer_sets_cookies_keeps_them_with_a_key(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    """Signing out answers with a new session cookie; sent with a key (as a form kept on a device would be),
    the browser still gets it, and is signed out."""
    plan = await a_plan(client, db, submit)
    signed_in = client.cookies["onsplan_session"]
    out = await submit("/mijn", "/uitloggen", {"_sleutel": str(uuid.uuid4())}, hostile=True)
    assert out.status_code == 303
    assert "onsplan_session" in " ".join(out.headers.get_list("set-cookie"))
    assert client.cookies["onsplan_session"] != signed_in
    assert (await client.get(plan.page, follow_redirects=False)).status_code == 303


async def test_what_an_answer_asks_of_htmx_reaches_the_page_with_a_key_the_first_time_and_again(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, app: Litestar
) -> None:
    """A change whose answer asks htmx for more than a swap (an event after settling, a full refresh) keeps
    asking it with a key, however the header is named."""

    @post("/proef/met-sleutel", opt={"policy": Action.SIGNED_IN}, status_code=200)
    async def answer_for_htmx() -> Response[str]:
        headers = {"HX-Trigger-After-Settle": "bewaard", "HX-Refresh": "true", "HX-Replace-Url": "/mijn"}
        return Response("<p>Bewaard</p>", media_type="text/html", headers=headers)

    app.register(answer_for_htmx)
    plan = await a_plan(client, db, submit)
    token = csrf_from((await client.get(plan.page)).text)
    body = urlencode({"_csrf_token": token, "_sleutel": str(uuid.uuid4()), "tekst": "ja"})
    headers = {"content-type": FORM_CONTENT, "hx-request": "true"}

    first = await client.post("/proef/met-sleutel", content=body, headers=headers)
    again = await client.post("/proef/met-sleutel", content=body, headers=headers)

    assert first.status_code == 200 and first.text == "<p>Bewaard</p>"
    assert_same_answer(first, again)
    for answer in (first, again):
        assert answer.headers.get("hx-trigger-after-settle") == "bewaard"
        assert answer.headers.get("hx-refresh") == "true"
        assert answer.headers.get("hx-replace-url") == "/mijn"


# --------------------------------------------------------------------------------------------------------
# 9. A change kept on a device goes for the person who made it only
# --------------------------------------------------------------------------------------------------------


async def test_a_change_kept_for_someone_else_is_refused_before_anything_changes(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    plan = await a_plan(client, db, submit)
    opened = await client.get(plan.page)
    mine = opened.headers["x-onsplan-person"]
    form = find_form(opened, plan.tick)
    # The service worker sends the maker's tag along: another tag (someone else made it on this device and
    # this person signed in since) is refused, in Dutch, and nothing is ticked or kept.
    refused = await send(client, form, {"gedaan": "ja"}, headers={"x-onsplan-person": "0" * 24})
    assert refused.status_code == 409
    assert "gemaakt door iemand anders op dit apparaat" in refused.text
    assert await status_of(db, plan) == ActionStatus.OPEN
    assert await submissions(db, plan.tick) == 0
    # Sent for its maker, it is made.
    made = await send(client, form, {"gedaan": "ja"}, headers={"x-onsplan-person": mine})
    assert made.status_code == 303
    db.expire_all()
    assert await status_of(db, plan) == ActionStatus.GEDAAN
