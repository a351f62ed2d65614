"""The dossier of a household with a long history: the PDF stays readable and quick to make, the JSON keeps
everything, and the server goes on answering while a PDF is made."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import anyio.to_thread
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import export
from server.domain.events import EventKind
from server.domain.models import AccessLogEntry, Household, Person, Role, TimelineEvent
from server.domain.people import create_person
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.routes import export as export_routes
from tests.factories import TEST_ORIGIN, World, make_household, make_world, signed_in_as

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = dt.datetime(2024, 1, 1, 7, 0, tzinfo=dt.UTC)
LOOKS = 3000
EVENTS = 1000
# Looks just before midnight in Dutch time at a month's end: in UTC they are in another month or not.
BOUNDARY_LOOKS = (
    dt.datetime(2024, 3, 31, 22, 30, tzinfo=dt.UTC),  # 00:30 on 1 April (summer time)
    dt.datetime(2024, 10, 31, 22, 30, tzinfo=dt.UTC),  # 23:30 on 31 October (winter time)
    dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC),  # 00:30 on 1 January 2025
)
RESOURCES = ("plan.read", "ratings.read", "help_requests")
PHRASES = {"plan.read": "jullie plan", "ratings.read": "jullie scores", "help_requests": "jullie hulpvragen"}
MONTHS_NL = [
    *("januari", "februari", "maart", "april", "mei", "juni"),
    *("juli", "augustus", "september", "oktober", "november", "december"),
]


@dataclass
class History:
    household: Household
    member: Person
    looks: list[tuple[dt.datetime, str, str]]  # when, who as the PDF names them, resource
    events: list[dt.datetime]


def month_nl(moment: dt.datetime) -> str:
    local = moment.astimezone(AMSTERDAM)
    return f"{MONTHS_NL[local.month - 1]} {local.year}"


async def long_history(db: AsyncSession, looks: int = LOOKS, events: int = EVENTS) -> History:
    """A household that three outsiders looked at ``looks`` times in a year, with ``events`` timeline events."""
    world: World = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    mo = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Mo",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    lookers = [
        (world.regisseur, Role.REGISSEUR, "", "Fatima (regisseur)"),
        (mo, Role.PARTNER_PROFESSIONAL, world.partner.name, f"Mo (professional, {world.partner.name})"),
        (world.team_lead, Role.TEAM_LEAD, "", "Karin (teamleider)"),
    ]
    times = [START + dt.timedelta(minutes=173 * i) for i in range(looks - len(BOUNDARY_LOOKS))]
    history = History(household, anouk, [], [])
    for i, when in enumerate([*times, *BOUNDARY_LOOKS][:looks]):
        person, role, organisation, named = lookers[i % 3]
        resource = RESOURCES[(i // 3) % 3] if person is not mo else "plan.read"
        db.add(
            AccessLogEntry(
                household_id=household.id,
                actor_id=person.id,
                actor_name=person.display_name,
                actor_role=str(role),
                organisation_name=organisation,
                resource=resource,
                created_at=when,
                prev_hash="",
                entry_hash=hashlib.sha256(str(i).encode()).hexdigest(),
            )
        )
        history.looks.append((when, named, resource))
    for i in range(events):
        when = START + dt.timedelta(minutes=511 * i)
        db.add(
            TimelineEvent(
                household_id=household.id,
                actor_id=world.regisseur.id,
                kind=str(EventKind.ACTION_TICKED),
                detail={"actor_name": "Fatima", "action": f"Actie {i}"},
                created_at=when,
            )
        )
        history.events.append(when)
    await db.commit()
    return history


async def printed_html(app: Litestar, db: AsyncSession, history: History) -> str:
    await db.refresh(history.member, ["roles"])
    instrument = await instruments.for_municipality(db, history.household.municipality_id)
    dossier = await export.collect_for_print(
        db, history.household.id, instrument, actor_for(history.member), Relation.MEMBER, local_tz=AMSTERDAM
    )
    return export_routes.dossier_html(export_routes.dossier_template(app), dossier)


def table_rows(page: str, css_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="{css_class}">(.*?)</table>', page, re.S)
    assert table is not None, f"no table {css_class}"
    body = table.group(1).split("</thead>")[1]
    return [
        [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


async def test_the_pdf_counts_the_looks_per_person_and_month(
    app: Litestar, client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    history = await long_history(db)
    page = await printed_html(app, db, history)

    # Months are Dutch calendar months: the looks at BOUNDARY_LOOKS count in the month of their Dutch date.
    expected_times = Counter((month_nl(when), who) for when, who, _resource in history.looks)
    expected_what = Counter((month_nl(when), who, resource) for when, who, resource in history.looks)
    rows = table_rows(page, "looks")
    assert {(month, who): int(times) for month, who, times, _what in rows} == expected_times
    assert len(rows) == len(expected_times) < 60
    for month, who, _times, what in rows:
        resources = [r for (m, w, r) in expected_what if (m, w) == (month, who)]
        if len(resources) == 1:
            assert what == PHRASES[resources[0]]
        else:
            for resource in resources:
                assert f"{PHRASES[resource]} ({expected_what[(month, who, resource)]} keer)" in what
    # Newest month first (the look at 00:30 on 1 January 2025, Dutch time), most looks first within a month.
    assert rows[0][0] == "januari 2025"
    march = [int(times) for month, _who, times, _what in rows if month == "maart 2024"]
    assert march == sorted(march, reverse=True)

    response = await signed_in_and_get(client, db, history, "pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Wie keek in ons plan" in text
    assert "De volledige lijst, met de dag en de tijd van elke keer, staat in de JSON-download" in text
    # Not a line per look: the sentence of a single look does not appear, and the PDF stays short.
    assert " bekeek " not in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) < 20


async def test_the_pdf_prints_the_latest_events_and_counts_older_ones_per_month(
    app: Litestar, db: AsyncSession
) -> None:
    history = await long_history(db, looks=30)
    page = await printed_html(app, db, history)

    timeline = page.split("Tijdlijn: wat er veranderde")[1].split("Wie keek in ons plan")[0]
    assert "Hier staan de laatste 200 veranderingen." in timeline
    assert timeline.count("<li>") == export.PRINTED_EVENTS
    # The household's own events of today (it was registered after the invented history) come first.
    printed = [int(n) for n in re.findall(r"<li>.*?Actie (\d+)", timeline)]
    newest = sorted(range(len(history.events)), key=lambda i: history.events[i], reverse=True)
    assert printed == newest[: len(printed)]
    older = [history.events[i] for i in newest[len(printed) :]]
    expected = Counter(month_nl(when) for when in older)
    rows = table_rows(page, "older-events")
    assert {month: int(count) for month, count in rows} == expected
    assert sum(int(count) for _month, count in rows) == len(older) > EVENTS - export.PRINTED_EVENTS


async def test_the_json_keeps_every_look_and_every_event(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    history = await long_history(db)
    response = await signed_in_and_get(client, db, history, "json")
    data = json.loads(response.content)
    assert len(data["wie_keek"]) == LOOKS
    assert sum(1 for item in data["tijdlijn"] if item["soort"] == EventKind.ACTION_TICKED) == EVENTS
    newest = max(when for when, _who, _resource in history.looks)
    assert dt.datetime.fromisoformat(data["wie_keek"][0]["wanneer"]) == newest


async def test_an_english_speaking_member_gets_the_pdf_in_english(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    history = await long_history(db, looks=30, events=5)
    history.member.locale = "en"
    await db.commit()
    text = pdf_text((await signed_in_and_get(client, db, history, "pdf")).content)
    assert "Who looked at our plan" in text
    assert "The full list, with the day and time of each look, is in the JSON download" in text
    assert "January 2024" in text and "Fatima (case coordinator)" in text
    assert "Wie keek in ons plan" not in text


async def signed_in_and_get(client: Any, db: AsyncSession, history: History, suffix: str) -> Any:
    await signed_in_as(client, db, history.member)
    response = await client.get(f"/huishoudens/{history.household.id}/dossier.{suffix}")
    assert response.status_code == 200
    return response


@asynccontextmanager
async def live_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends requests into the app in this test's own event loop, so that requests run side by
    side as they do under uvicorn (Litestar's test client runs each request to its end on a thread of its
    own). Entered in the test itself: the app's lifespan must start and end in one task."""
    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=TEST_ORIGIN) as c:
        yield c


@dataclass
class HeldRenders:
    """Makes every PDF wait, in its worker thread, until the test lets it go: when the ``async with`` block
    ends, also when it fails (a task group waits for the threads of its tasks)."""

    started: threading.Semaphore
    release: threading.Event
    threads: list[threading.Thread]

    async def __aenter__(self) -> HeldRenders:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.release.set()


@pytest.fixture
def held_renders(monkeypatch: pytest.MonkeyPatch) -> HeldRenders:
    held = HeldRenders(threading.Semaphore(0), threading.Event(), [])
    render: Callable[..., bytes] = export_routes._render_pdf

    def held_render(*args: Any) -> bytes:
        held.threads.append(threading.current_thread())
        held.started.release()
        assert held.release.wait(timeout=30), "the test did not let the PDF go"
        return render(*args)

    monkeypatch.setattr(export_routes, "_render_pdf", held_render)
    return held


async def test_the_server_answers_while_a_pdf_is_made(
    app: Litestar, db: AsyncSession, held_renders: HeldRenders
) -> None:
    history = await long_history(db, looks=300, events=300)
    finished: list[str] = []
    async with live_client(app) as client:
        await signed_in_as(client, db, history.member)  # type: ignore[arg-type]

        async def download() -> None:
            response = await client.get(f"/huishoudens/{history.household.id}/dossier.pdf")
            assert response.status_code == 200 and response.content.startswith(b"%PDF-")
            finished.append("pdf")

        async with anyio.create_task_group() as tasks, held_renders:
            tasks.start_soon(download)
            # Wait in a thread for the render to begin, so that this event loop stays free meanwhile.
            assert await anyio.to_thread.run_sync(held_renders.started.acquire, True, 30)
            health = await client.get("/health/live")
            assert health.status_code == 200
            finished.append("health")
            # Nor does the PDF keep a database connection while it is made.
            assert app.state["db_config"].get_engine().pool.checkedout() == 0
    assert finished == ["health", "pdf"]
    assert held_renders.threads[0] is not threading.current_thread()


async def test_at_most_two_pdfs_are_made_at_once(app: Litestar, db: AsyncSession, held_renders: HeldRenders) -> None:
    history = await long_history(db, looks=10, events=10)
    url = f"/huishoudens/{history.household.id}/dossier.pdf"
    answers: list[int] = []
    async with live_client(app) as client:
        await signed_in_as(client, db, history.member)  # type: ignore[arg-type]

        async def download() -> None:
            answers.append((await client.get(url)).status_code)

        async with anyio.create_task_group() as tasks, held_renders:
            for _ in range(4):
                tasks.start_soon(download)
            for _ in range(export_routes.PDF_RENDERS_AT_ONCE):
                assert await anyio.to_thread.run_sync(held_renders.started.acquire, True, 30)
            # The other two wait for a turn; none of them has started a render.
            slots = app.state[export_routes._PDF_SLOTS]
            with anyio.fail_after(30):
                # The limiter has no event for "someone waits"; its statistics are looked at until then.
                while slots.statistics().tasks_waiting < 2:  # noqa: ASYNC110
                    await anyio.sleep(0.01)
            assert len(held_renders.threads) == export_routes.PDF_RENDERS_AT_ONCE == 2
    assert answers == [200] * 4
    assert len(held_renders.threads) == 4
