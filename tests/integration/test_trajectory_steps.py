"""The steps after the intake through their real forms: the household says akkoord on its own phone (or the
regisseur records it at the table), uitvoering with the first evaluation, evaluatie, waakvlam with a check-in
that goes wrong and a one-step reopen, and the afsluiting with each reason. The household reads every step
in its timeline; nobody but the household's own regisseur (and, for the akkoord, the household) takes a step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from babel.dates import format_date
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import lifecycle
from server.domain.lifecycle import TriageInput
from server.domain.models import Household, Person, Phase, Trajectory, utcnow
from server.domain.plan import service as plan
from server.domain.plan.service import ActionInput, GoalInput
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.workspace.model import CheckIn, Evaluation, Intake, PlanAgreement
from tests.factories import World, make_household, make_world, signed_in_as

# The gemeente's default interval until the first evaluation (Municipality.evaluation_interval_weeks).
THIRTEEN_WEEKS = dt.timedelta(weeks=13)


def in_days(days: int) -> str:
    return (utcnow().date() + dt.timedelta(days=days)).isoformat()


def long_day(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale="nl")


async def trajectory_of(db: AsyncSession, household: Household) -> Trajectory:
    trajectory = await db.scalar(
        select(Trajectory)
        .where(Trajectory.household_id == household.id)
        .order_by(Trajectory.started_on.desc())
        .execution_options(populate_existing=True)
    )
    assert trajectory is not None
    return trajectory


async def in_intake(db: AsyncSession, world: World, *, complete: bool = True) -> tuple[Household, Person]:
    """A household in the intake, with a goal and an action in its plan, and an intake that is complete."""
    household, (sanne,) = await make_household(db, world.regisseur)
    fatima = actor_for(world.regisseur)
    trajectory = await trajectory_of(db, household)
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("regisseur", "Veel instanties"))
    instrument = await instruments.for_municipality(db, household.municipality_id)
    goal = await plan.create_goal(
        db, actor_for(sanne), Relation.MEMBER, household.id, instrument, GoalInput("financien", "Rust", "eerst")
    )
    await plan.create_action(db, fatima, household.id, goal.id, ActionInput(what="Bellen", who_type="zelf"))
    # At the intake both rated: the regisseur's nulmeting.
    await ratings.rate(db, fatima, Relation.REGISSEUR, household.id, instrument, "financien", "2")
    db.add(
        Intake(
            trajectory_id=trajectory.id,
            household_id=household.id,
            completed_at=utcnow() if complete else None,
        )
    )
    await db.commit()
    return household, sanne


async def planned_evaluation(db: AsyncSession, household: Household) -> Evaluation:
    planned = await db.scalar(
        select(Evaluation)
        .where(Evaluation.household_id == household.id, Evaluation.status == "gepland")
        .execution_options(populate_existing=True)
    )
    assert planned is not None
    return planned


async def agreements(db: AsyncSession, household: Household) -> int:
    count = await db.scalar(
        select(func.count()).select_from(PlanAgreement).where(PlanAgreement.household_id == household.id)
    )
    return int(count or 0)


async def timeline(client: AsyncTestClient[Litestar], household: Household) -> str:
    return (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text


async def test_the_household_says_akkoord_on_its_own_phone(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, sanne = await in_intake(db, world)
    await signed_in_as(client, db, sanne)
    overview = await client.get(f"/huishoudens/{household.id}")
    assert "Bekijk het plan en zeg akkoord" in overview.text
    page = await client.get(f"/huishoudens/{household.id}/akkoord")
    assert page.status_code == 200 and "Rust" in page.text and "Bellen" in page.text
    response = await submit(page, f"/huishoudens/{household.id}/akkoord", {})
    assert response.status_code == 303
    trajectory = await trajectory_of(db, household)
    assert trajectory.phase == Phase.PLAN_VASTGESTELD
    today = utcnow().date()
    assert trajectory.next_evaluation_on == today + THIRTEEN_WEEKS
    agreement = await db.scalar(select(PlanAgreement).where(PlanAgreement.household_id == household.id))
    assert agreement is not None and agreement.way == "in_app" and agreement.person_name == "Sanne"
    assert agreement.plan[0]["text"] == "Rust" and agreement.plan[0]["actions"][0]["what"] == "Bellen"
    after = await client.get(f"/huishoudens/{household.id}/akkoord?akkoord=1")
    assert f"Sanne zei op {long_day(today)} akkoord op het plan." in after.text
    assert "Wij zijn akkoord" not in after.text
    text = await timeline(client, household)
    assert f"Sanne zei op {long_day(today)} akkoord op jullie plan." in text
    assert "Jullie plan is vastgesteld." in text
    assert f"De eerste evaluatie van het plan is op {long_day(today + THIRTEEN_WEEKS)}." in text


async def test_no_akkoord_before_the_intake_is_complete(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, sanne = await in_intake(db, world, complete=False)
    await signed_in_as(client, db, sanne)
    overview = await client.get(f"/huishoudens/{household.id}")
    assert "/akkoord" not in overview.text
    page = await client.get(f"/huishoudens/{household.id}/akkoord")
    assert "Het plan kan pas akkoord krijgen als de intake klaar is." in page.text
    assert "Wij zijn akkoord" not in page.text
    # The button of a page left open earlier, or a forged post: refused in words, nothing stored.
    token = client.cookies["onsplan_csrf"]
    refused = await client.post(
        f"/huishoudens/{household.id}/akkoord", data={"_csrf_token": token}, headers={"x-csrftoken": token}
    )
    assert refused.status_code == 409
    assert "Het plan kan pas akkoord krijgen als de intake klaar is." in refused.text
    assert (await trajectory_of(db, household)).phase == Phase.INTAKE
    assert await agreements(db, household) == 0


async def test_the_whole_way_from_akkoord_at_the_table_to_waakvlam_and_back(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, sanne = await in_intake(db, world)
    base = f"/huishoudens/{household.id}"
    await signed_in_as(client, db, world.regisseur)
    overview = await client.get(base)
    assert f'href="{base}/akkoord/aan-tafel"' in overview.text

    # Akkoord at the table, with a day in the future first (refused, as typed), then two days ago.
    page = await client.get(f"{base}/akkoord/aan-tafel")
    refused = await submit(page, f"{base}/akkoord/aan-tafel", {"agreed_on": in_days(3)})
    assert refused.status_code == 400 and "De dag van het akkoord kan niet in de toekomst liggen." in refused.text
    assert f'value="{in_days(3)}"' in refused.text and await agreements(db, household) == 0
    agreed_on = utcnow().date() - dt.timedelta(days=2)
    response = await submit(refused, f"{base}/akkoord/aan-tafel", {"agreed_on": agreed_on.isoformat()})
    assert response.status_code == 303 and response.headers["location"] == f"{base}/uitvoering"
    agreement = await db.scalar(select(PlanAgreement).where(PlanAgreement.household_id == household.id))
    assert agreement is not None and agreement.way == "in_person" and agreement.agreed_on == agreed_on
    assert agreement.person_name == "Fatima"

    # Uitvoering: the first evaluation is proposed the gemeente's thirteen weeks on; she picks another day.
    page = await client.get(f"{base}/uitvoering")
    assert f'value="{(utcnow().date() + THIRTEEN_WEEKS).isoformat()}"' in page.text
    refused = await submit(page, f"{base}/uitvoering", {"evaluation_on": in_days(400)})
    assert refused.status_code == 400 and "Kies een datum binnen een jaar." in refused.text
    response = await submit(refused, f"{base}/uitvoering", {"evaluation_on": in_days(70)})
    assert response.status_code == 303
    trajectory = await trajectory_of(db, household)
    assert trajectory.phase == Phase.UITVOERING and trajectory.next_evaluation_on.isoformat() == in_days(70)
    overview = await client.get(base)
    assert f"Volgende evaluatie: {long_day(trajectory.next_evaluation_on)}" in overview.text

    # The evaluation on its own page: opened at the table, the goal reviewed, on with the plan; the next one
    # ends in the waakvlam.
    for decision in (
        {"decision": "doorgaan", "next_on": in_days(100)},
        {"decision": "afschalen", "first_on": in_days(20)},
    ):
        planned = await planned_evaluation(db, household)
        page = f"{base}/evaluaties/{planned.id}"
        overview = await client.get(base)
        assert f'href="{page}"' in overview.text
        response = await submit(page, f"{page}/openen", {})
        assert response.status_code == 303
        assert (await trajectory_of(db, household)).phase == Phase.EVALUATIE
        response = await submit(page, f"{page}/doelen", {"outcome": "loopt"})
        assert response.status_code == 303
        response = await submit(page, f"{page}/besluit", decision)
        assert response.status_code == 303
    assert (await db.scalar(select(func.count()).select_from(Evaluation).where(Evaluation.status == "gehouden"))) == 2
    trajectory = await trajectory_of(db, household)
    assert trajectory.phase == Phase.WAAKVLAM and trajectory.next_evaluation_on is None
    overview = await client.get(base)
    assert f"Volgende check-in: {long_day(utcnow().date() + dt.timedelta(days=20))}" in overview.text

    # The first check-in goes wrong: the page offers to reopen in one step.
    page = await client.get(f"{base}/waakvlam")
    response = await submit(page, f"{base}/waakvlam/check-in", {"went_well": "nee", "note": "Nieuwe schulden"}, index=0)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Ging het niet goed? Heropen het traject" in page.text
    response = await submit(page, f"{base}/waakvlam/heropenen", {"evaluation_on": in_days(30)})
    assert response.status_code == 303
    trajectory = await trajectory_of(db, household)
    assert trajectory.phase == Phase.UITVOERING and trajectory.next_evaluation_on.isoformat() == in_days(30)
    # The check-in not yet held ended with the waakvlam.
    assert await db.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.done_on.is_(None))) == 0

    # The household reads every step.
    await signed_in_as(client, db, sanne)
    text = await timeline(client, household)
    for sentence in (
        f"Fatima schreef op dat jullie op {long_day(agreed_on)} akkoord gingen met het plan.",
        "Jullie plan is vastgesteld.",
        "Fatima zette het plan in gang: jullie zijn begonnen.",
        f"De eerste evaluatie van het plan is op {long_day(utcnow().date() + dt.timedelta(days=70))}.",
        "Fatima kijkt met jullie terug: hoe gaat het met het plan? (evaluatie)",
        "Na de evaluatie gaan jullie verder met het plan.",
        "Fatima houdt een waakvlam",
        f"Fatima komt op {long_day(utcnow().date() + dt.timedelta(days=20))} even horen hoe het gaat (check-in).",
        "Fatima vroeg hoe het gaat: het gaat niet zo goed. Notitie: Nieuwe schulden",
        "Fatima heropende het traject: jullie gaan weer samen verder met het plan.",
        f"De volgende evaluatie van het plan is op {long_day(utcnow().date() + dt.timedelta(days=30))}.",
    ):
        assert sentence in text, sentence
    assert "zette de fase van" not in text


@pytest.mark.parametrize(
    ("data", "exit_reason", "sentence"),
    [
        ({"reason": "doelen bereikt"}, "doelen bereikt", "Fatima sloot het traject af: jullie hebben jullie doelen"),
        (
            {"reason": "overgedragen", "organisation": "Schuldhulp"},
            "overgedragen: Schuldhulp",
            "Fatima sloot het traject af. Schuldhulp helpt jullie verder.",
        ),
        (
            {"reason": "voortijdig gestopt", "explanation": "Geen tijd meer"},
            "voortijdig gestopt: Geen tijd meer",
            "het stopte eerder dan gepland. Waarom: Geen tijd meer",
        ),
        ({"reason": "verhuisd"}, "verhuisd", "omdat jullie verhuisd zijn."),
        ({"reason": "hulp geweigerd"}, "hulp geweigerd", "omdat jullie deze hulp niet meer wilden."),
    ],
)
async def test_closing_with_each_reason(
    client: AsyncTestClient[Litestar],
    db: AsyncSession,
    submit: Any,
    data: dict[str, str],
    exit_reason: str,
    sentence: str,
) -> None:
    world = await make_world(db)
    household, sanne = await in_intake(db, world)
    base = f"/huishoudens/{household.id}"
    await signed_in_as(client, db, world.regisseur)
    page = await client.get(f"{base}/afsluiten")
    assert "Eindmeting beginnen" in page.text and "Zonder eindmeting afsluiten" in page.text
    response = await submit(page, f"{base}/afsluiten", data, button="Zonder eindmeting afsluiten")
    assert response.status_code == 303 and response.headers["location"] == "/mijn"
    trajectory = await trajectory_of(db, household)
    assert trajectory.phase == Phase.AFGESLOTEN and trajectory.exit_reason == exit_reason
    # No longer her household: gone from her pages and her list.
    assert (await client.get(base)).status_code == 404
    assert household.name not in (await client.get("/mijn")).text
    await signed_in_as(client, db, sanne)
    assert sentence in await timeline(client, household)


async def test_closing_refuses_what_the_reason_asks_for_and_offers_the_eindmeting_first(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, _sanne = await in_intake(db, world)
    base = f"/huishoudens/{household.id}"
    await signed_in_as(client, db, world.regisseur)
    page = await client.get(f"{base}/afsluiten")
    refused = await submit(page, f"{base}/afsluiten", {"reason": "voortijdig gestopt"})
    assert refused.status_code == 400
    assert "Schrijf in een paar woorden waarom het traject voortijdig stopt." in refused.text
    assert 'value="voortijdig gestopt" checked' in refused.text
    assert (await trajectory_of(db, household)).phase == Phase.INTAKE
    # The eindmeting, started from the closing page, then closing without the extra choice.
    response = await submit(page, f"{base}/metingen", {})
    assert response.status_code == 303 and response.headers["location"].startswith(f"{base}/scores")
    page = await client.get(f"{base}/afsluiten")
    assert "Er is een eindmeting." in page.text and "Zonder eindmeting afsluiten" not in page.text
    response = await submit(page, f"{base}/afsluiten", {"reason": "doelen bereikt"})
    assert response.status_code == 303
    assert (await trajectory_of(db, household)).phase == Phase.AFGESLOTEN


async def test_a_step_the_phase_does_not_allow_is_refused_in_words(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, _sanne = await in_intake(db, world)
    base = f"/huishoudens/{household.id}"
    await signed_in_as(client, db, world.regisseur)
    for path, text in (
        (f"{base}/uitvoering", "De uitvoering start als het plan is vastgesteld."),
        (f"{base}/evaluaties", "Er is geen evaluatie gepland."),
        (f"{base}/waakvlam", "De waakvlam begint na een evaluatie."),
    ):
        page = await client.get(path)
        assert page.status_code == 200 and text in page.text and "<form" not in page.text.split("<main", 1)[1]
    token = client.cookies["onsplan_csrf"]
    for path, form, text in (
        (f"{base}/uitvoering", {"evaluation_on": in_days(30)}, "De uitvoering begint als het plan is vastgesteld."),
        (
            f"{base}/evaluaties",
            {"evaluation_on": in_days(30)},
            "Een evaluatie plan je vanaf het akkoord op het plan, tot de waakvlam.",
        ),
        (f"{base}/waakvlam/heropenen", {"evaluation_on": in_days(30)}, "Heropenen kan alleen vanuit de waakvlam."),
    ):
        response = await client.post(path, data={"_csrf_token": token, **form}, headers={"x-csrftoken": token})
        assert response.status_code == 409 and text in response.text, path
    assert (await trajectory_of(db, household)).phase == Phase.INTAKE


async def test_only_the_household_says_akkoord_and_only_its_regisseur_takes_the_steps(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, sanne = await in_intake(db, world)
    base = f"/huishoudens/{household.id}"
    regisseur_pages = ("/akkoord/aan-tafel", "/uitvoering", "/waakvlam", "/afsluiten")
    for person in (world.colleague, world.other_regisseur, world.team_lead, world.admin, sanne, world.regisseur):
        await signed_in_as(client, db, person)
        await client.get("/mijn")
        token = client.cookies["onsplan_csrf"]
        pages = regisseur_pages if person is not world.regisseur else ()
        if person is not sanne:
            pages = (*pages, "/akkoord")
        for page in pages:
            assert (await client.get(base + page)).status_code == 404, (person.display_name, page)
            form = {"_csrf_token": token, "agreed_on": utcnow().date().isoformat(), "reason": "verhuisd"}
            refused = await client.post(base + page, data=form, headers={"x-csrftoken": token})
            assert refused.status_code == 404, (person.display_name, page)
    assert (await trajectory_of(db, household)).phase == Phase.INTAKE
    assert await agreements(db, household) == 0
