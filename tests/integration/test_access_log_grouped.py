""" "Wie keek in ons plan", grouped: the looks of the regisseur and a partner professional over several days
become one line per person and day, with how often, what and why they may look; the household filters by
person and period with the page's GET form, and a filter it cannot read gets a plain message, never an
error page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import access_log
from server.domain.models import AccessLogEntry, Household, Person
from server.views.access_log import look_day
from server.views.presenters import LOCAL_TZ
from tests.factories import World, signed_in_as
from tests.integration.test_partner import WHAT, _assign_to_mee, _goal, _setup

TODAY = dt.datetime.now(LOCAL_TZ).date()
LONG_AGO = TODAY - dt.timedelta(days=20)
DAY_ONE = TODAY - dt.timedelta(days=3)
DAY_TWO = TODAY - dt.timedelta(days=2)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), LOCAL_TZ).astimezone(dt.UTC)


async def _look(
    client: AsyncTestClient[Litestar], monkeypatch: pytest.MonkeyPatch, path: str, when: dt.datetime
) -> None:
    """A real page view, written to the log as if it happened at ``when``."""
    monkeypatch.setattr(access_log, "utcnow", lambda: when)
    assert (await client.get(path)).status_code == 200
    monkeypatch.undo()


async def _two_professionals_looked(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[World, Household, Person, Person]:
    """Anouk gives an action to MEE (which shares its goal with MEE); Fatima (regisseur) looks long ago and on
    day one; Ruud (MEE) looks twice on day one and once on day two."""
    world, household, anouk, ruud, _daan = await _setup(db)
    await signed_in_as(client, db, anouk)
    goal = await _goal(client, db, submit, household)
    await _assign_to_mee(submit, db, world, household, goal, TODAY + dt.timedelta(days=7))
    home = f"/huishoudens/{household.id}"

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    await _look(client, monkeypatch, home, _at(LONG_AGO, 10))
    await _look(client, monkeypatch, f"{home}/plan", _at(DAY_ONE, 9))
    client.cookies.clear()
    await signed_in_as(client, db, ruud)
    await _look(client, monkeypatch, f"{home}/plan", _at(DAY_ONE, 10))
    await _look(client, monkeypatch, f"{home}/plan", _at(DAY_ONE, 15))
    await _look(client, monkeypatch, f"{home}/plan", _at(DAY_TWO, 11))

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    return world, household, anouk, ruud


def _line(who: str, count: int, day: dt.date) -> str:
    return f"{who} keek {count} keer op {look_day(day, TODAY)}"


async def test_looks_are_grouped_per_person_and_day_with_what_and_why(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _world, household, _anouk, _ruud = await _two_professionals_looked(client, db, submit, monkeypatch)
    looks = await db.scalar(select(func.count()).select_from(AccessLogEntry))

    page = await client.get(f"/huishoudens/{household.id}/inzage")
    assert page.status_code == 200
    text = page.text
    # One line per person and day, newest first, with how often.
    lines = [
        _line("Ruud van MEE", 1, DAY_TWO),
        _line("Ruud van MEE", 2, DAY_ONE),
        _line("Fatima", 1, DAY_ONE),
        _line("Fatima", 1, LONG_AGO),
    ]
    positions = [text.find(line) for line in lines]
    assert all(p >= 0 for p in positions), lines
    assert positions == sorted(positions)
    assert text.count(" keer op ") == 4
    # What they looked at, and why they may.
    assert "Bekeken: jullie plan." in text and "Bekeken: jullie overzicht." in text
    assert f"jullie deelden het doel \u201cGrip op ons geld\u201d met MEE, om: voor de actie: {WHAT}" in text
    assert "Waarom mag dit: jullie regisseur." in text
    assert "Let op: deze lijst is mogelijk veranderd" not in text
    # The household reading its own log is not logged.
    assert await db.scalar(select(func.count()).select_from(AccessLogEntry)) == looks


async def test_the_household_filters_by_person_and_by_period(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, household, _anouk, ruud = await _two_professionals_looked(client, db, submit, monkeypatch)
    url = f"/huishoudens/{household.id}/inzage"

    only_ruud = await submit(url, url, {"persoon": str(ruud.id)})
    assert only_ruud.status_code == 200
    assert _line("Ruud van MEE", 1, DAY_TWO) in only_ruud.text
    assert _line("Ruud van MEE", 2, DAY_ONE) in only_ruud.text
    assert "Fatima keek" not in only_ruud.text

    last_week = await submit(url, url, {"periode": "week"})
    assert _line("Fatima", 1, DAY_ONE) in last_week.text
    assert _line("Fatima", 1, LONG_AGO) not in last_week.text
    last_month = await submit(url, url, {"periode": "maand"})
    assert _line("Fatima", 1, LONG_AGO) in last_month.text

    one_day = await submit(url, url, {"periode": "datums", "van": DAY_TWO.isoformat(), "tot": DAY_TWO.isoformat()})
    assert one_day.status_code == 200
    assert _line("Ruud van MEE", 1, DAY_TWO) in one_day.text
    assert "Fatima keek" not in one_day.text and _line("Ruud van MEE", 2, DAY_ONE) not in one_day.text

    # Both together: Fatima in a week she did not look.
    nobody = await submit(
        url,
        url,
        {"persoon": str(world.regisseur.id), "periode": "datums", "van": DAY_TWO.isoformat(), "tot": TODAY.isoformat()},
    )
    assert "In deze periode heeft niemand gekeken." in nobody.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "eeuw"}, "Kies een periode: de laatste week, de laatste maand of alles."),
        ({"periode": "datums", "van": "gisteren"}, "Vul een datum in, bijvoorbeeld 17-11-2026."),
        # A mistyped year: the last day there is, or the first, gets the same plain message.
        ({"periode": "datums", "tot": "9999-12-31"}, "Vul een datum in, bijvoorbeeld 17-11-2026."),
        ({"periode": "datums", "van": "0001-01-01"}, "Vul een datum in, bijvoorbeeld 17-11-2026."),
        ({"van": "2026-11-20", "tot": "2026-11-01"}, "De einddatum ligt voor de begindatum."),
        ({"persoon": "Ruud"}, "Deze persoon kennen we niet. We laten iedereen zien."),
        ({"pagina": "veel"}, ""),
        ({"pagina": "99999999999999999999"}, ""),
    ],
)
async def test_a_filter_that_cannot_be_read_gets_a_plain_message_and_the_page_still_shows(
    client: AsyncTestClient[Litestar],
    db: AsyncSession,
    submit: Any,
    monkeypatch: pytest.MonkeyPatch,
    query: dict[str, str],
    message: str,
) -> None:
    _world, household, _anouk, _ruud = await _two_professionals_looked(client, db, submit, monkeypatch)
    page = await client.get(f"/huishoudens/{household.id}/inzage", params=query)
    assert page.status_code == 200
    assert message in page.text
    assert "Ruud van MEE keek" in page.text


async def test_many_days_are_shown_a_page_at_a_time(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, household, anouk, _ruud, _daan = await _setup(db)
    await signed_in_as(client, db, world.regisseur)
    home = f"/huishoudens/{household.id}"
    days = access_log.GROUPS_PER_PAGE + 5
    for back in range(days, 0, -1):
        await _look(client, monkeypatch, home, _at(TODAY - dt.timedelta(days=back), 12))
    client.cookies.clear()
    await signed_in_as(client, db, anouk)

    first = await client.get(f"{home}/inzage")
    assert first.text.count("Fatima keek 1 keer") == access_log.GROUPS_PER_PAGE
    assert "Bladzijde 1 van 2" in first.text
    older = await client.get(f"{home}/inzage", params={"pagina": "2"})
    assert older.text.count("Fatima keek 1 keer") == 5
    assert _line("Fatima", 1, TODAY - dt.timedelta(days=days)) in older.text
    assert "Nieuwere bezoeken" in older.text
