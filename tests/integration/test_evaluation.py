"""Evaluations through their real forms: the household sees the day on its start page, invites someone of its
network and scores ahead on its phone; the regisseur opens the evaluation at the table, both score in the same
round, the goals are reviewed one by one and the decision holds it. The summary reaches the household's
timeline and its dossier; the next evaluation its start page. Moving needs a reason; bad input comes back with
a Dutch message and stores nothing; a planned evaluation lapses when the trajectory is closed."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import lifecycle
from server.domain.lifecycle import TriageInput
from server.domain.models import Household, Person, Phase, Trajectory, utcnow
from server.domain.network import service as network
from server.domain.network.model import NetworkPerson
from server.domain.network.service import INFORMAL, NetworkPersonInput
from server.domain.plan import service as plan
from server.domain.plan.model import Goal
from server.domain.plan.service import GoalInput
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.ratings.model import Assessment, Perspective, Rating
from server.domain.workspace import steps
from server.domain.workspace.model import Evaluation, EvaluationGuest, GoalReview, Intake
from server.domain.workspace.steps import AgreementInput, EvaluationInput
from tests.factories import World, make_household, make_world, signed_in_as

TODAY = utcnow().date()
IN_THIRTY_DAYS = TODAY + dt.timedelta(days=30)


def in_days(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def long_day(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale="nl")


def short_day(value: dt.date) -> str:
    return format_date(value, "d MMMM", locale="nl")


@dataclass
class Household_:
    household: Household
    sanne: Person
    world: World
    goals: list[Goal]
    oma: NetworkPerson

    @property
    def base(self) -> str:
        return f"/huishoudens/{self.household.id}"


async def in_uitvoering(db: AsyncSession) -> Household_:
    """Bakker in uitvoering: two goals in its plan, a nulmeting from both sides, Oma Ineke on its map, and its
    first evaluation in thirty days (chosen when the uitvoering started)."""
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    member, fatima = actor_for(sanne), actor_for(world.regisseur)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("regisseur", "Veel instanties"))
    instrument = await instruments.for_municipality(db, household.municipality_id)
    goals = [
        await plan.create_goal(db, member, Relation.MEMBER, household.id, instrument, GoalInput(key, text, "eerst"))
        for key, text in (("financien", "Overzicht over de rekeningen"), ("dagbesteding", "Werk vinden"))
    ]
    await ratings.rate(db, member, Relation.MEMBER, household.id, instrument, "financien", "2")
    await ratings.rate(db, fatima, Relation.REGISSEUR, household.id, instrument, "financien", "2")
    oma = await network.add_person(
        db, member, household.id, NetworkPersonInput(name="Oma Ineke", relation="familie", kind=INFORMAL, ring="1")
    )
    db.add(Intake(trajectory_id=trajectory.id, household_id=household.id, completed_at=utcnow()))
    await db.flush()
    await steps.record_in_person(db, world.regisseur, trajectory, instrument, AgreementInput(TODAY.isoformat()))
    await steps.start_execution(db, world.regisseur, trajectory, EvaluationInput(IN_THIRTY_DAYS.isoformat()))
    await db.commit()
    return Household_(household, sanne, world, goals, oma)


async def evaluations_of(db: AsyncSession, household: Household) -> list[Evaluation]:
    return list(
        await db.scalars(
            select(Evaluation)
            .where(Evaluation.household_id == household.id)
            .order_by(Evaluation.created_at)
            .execution_options(populate_existing=True)
        )
    )


async def planned_of(db: AsyncSession, household: Household) -> Evaluation:
    planned = [e for e in await evaluations_of(db, household) if e.status == "gepland"]
    assert len(planned) == 1
    return planned[0]


async def trajectory_of(db: AsyncSession, household: Household) -> Trajectory:
    trajectory = await db.scalar(
        select(Trajectory).where(Trajectory.household_id == household.id).execution_options(populate_existing=True)
    )
    assert trajectory is not None
    return trajectory


async def round_of(db: AsyncSession, evaluation: Evaluation) -> dict[str, Assessment]:
    assessments = await db.scalars(
        select(Assessment).where(Assessment.evaluation_id == evaluation.id).execution_options(populate_existing=True)
    )
    return {str(a.perspective): a for a in assessments}


async def tap(submit: Any, base: str, domain: str, score: str) -> Any:
    return await submit(f"{base}/scores", f"{base}/scores/leefgebied/{domain}", {"score": score})


async def test_the_household_prepares_both_score_in_one_round_and_the_summary_reaches_timeline_and_dossier(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    h = await in_uitvoering(db)
    base, evaluation = h.base, await planned_of(db, h.household)
    page = f"{base}/evaluaties/{evaluation.id}"

    # On her phone, Sanne's start page tells the day and leads to preparing it.
    await signed_in_as(client, db, h.sanne)
    start = await client.get("/mijn")
    assert f"Jullie volgende evaluatie is op {long_day(IN_THIRTY_DAYS)}." in start.text
    assert f'href="{page}"' in start.text and "Voorbereiden: geef alvast scores" in start.text

    # She invites Oma Ineke and scores ahead.
    response = await submit(page, f"{page}/gasten", {"guest": f"netwerk:{h.oma.id}"})
    assert response.status_code == 303
    shown = await client.get(page)
    assert "Oma Ineke" in shown.text and "Sanne" in shown.text and "Fatima" in shown.text
    response = await submit(shown, f"{page}/alvast-scoren", {})
    assert response.status_code == 303 and response.headers["location"] == f"{base}/scores"
    assert (await tap(submit, base, "financien", "4")).status_code == 303
    assert "Verder met voorbereiden" in (await client.get("/mijn")).text
    ahead = (await round_of(db, evaluation))["household"]
    assert ahead.held_on == TODAY

    # Fatima, on her tablet, finds the evaluation through the household's page and opens it at the table.
    await signed_in_as(client, db, h.world.regisseur)
    overview = await client.get(base)
    assert f'href="{page}"' in overview.text
    shown = await client.get(page)
    assert "Het huishouden gaf al scores." in shown.text
    response = await submit(shown, f"{page}/openen", {})
    assert response.status_code == 303
    assert (await trajectory_of(db, h.household)).phase == Phase.EVALUATIE
    assert (await tap(submit, base, "financien", "2")).status_code == 303
    round_ = await round_of(db, evaluation)
    assert set(round_) == {"household", "professional"} and round_["household"].id == ahead.id
    scores = await db.execute(
        select(Assessment.perspective, Rating.score)
        .join(Rating, Rating.assessment_id == Assessment.id)
        .where(Assessment.evaluation_id == evaluation.id)
    )
    assert dict(scores.tuples().all()) == {Perspective.HOUSEHOLD: 4, Perspective.PROFESSIONAL: 2}
    shown = await client.get(page)
    assert "Verschil van twee stappen of meer: bespreek dit samen." in shown.text

    # The goals one by one: one reached, one in new words.
    money, work = h.goals
    response = await submit(shown, f"{page}/doelen", {"outcome": "bereikt", "note": "De post is bij"}, index=0)
    assert response.status_code == 303
    response = await submit(
        page, f"{page}/doelen", {"outcome": "bijgesteld", "text": "Vrijwilligerswerk bij de buurthuiskamer"}, index=1
    )
    assert response.status_code == 303
    next_day = TODAY + dt.timedelta(days=91)
    response = await submit(page, f"{page}/besluit", {"decision": "doorgaan", "next_on": next_day.isoformat()})
    assert response.status_code == 303 and response.headers["location"].startswith(page)

    # Held today, both assessments of the round carry it and the held day; the next one is planned.
    held = next(e for e in await evaluations_of(db, h.household) if e.id == evaluation.id)
    following = await planned_of(db, h.household)
    assert (held.status, held.held_on, held.decision) == ("gehouden", TODAY, "doorgaan")
    round_ = await round_of(db, evaluation)
    assert {p: a.held_on for p, a in round_.items()} == {"household": TODAY, "professional": TODAY}
    assert following.planned_on == next_day == (await trajectory_of(db, h.household)).next_evaluation_on
    summary = (
        f"Op {short_day(TODAY)} keken jullie samen met Fatima terug. 1 doel bereikt en 1 bijgesteld. "
        f"Jullie gaan door met het plan; de volgende evaluatie is op {short_day(next_day)}."
    )
    assert held.summary == summary
    assert summary in (await client.get(page)).text

    # Sanne reads it in her timeline, her plan has the new words, her start page the next day; her dossier keeps it.
    await signed_in_as(client, db, h.sanne)
    timeline = (await client.get(f"{base}/tijdlijn")).text
    for sentence in (
        f"Sanne nodigde Oma Ineke uit voor de evaluatie van {long_day(IN_THIRTY_DAYS)}.",
        "De evaluatie is begonnen. Jullie en Fatima geven nu allebei scores, in dezelfde ronde.",
        "Fatima paste het doel \u201cVrijwilligerswerk bij de buurthuiskamer\u201d aan.",
        summary,
        "Na de evaluatie gaan jullie verder met het plan.",
    ):
        assert sentence in timeline, sentence
    assert "Vrijwilligerswerk bij de buurthuiskamer" in (await client.get(f"{base}/plan")).text
    assert f"Jullie volgende evaluatie is op {long_day(next_day)}." in (await client.get("/mijn")).text
    evaluations_page = await client.get(f"{base}/evaluaties")
    assert summary in evaluations_page.text and long_day(next_day) in evaluations_page.text
    dossier = json.loads((await client.get(f"{base}/dossier.json")).content)
    (kept,) = [e for e in dossier["evaluaties"] if e["status"] == "gehouden"]
    assert kept["samenvatting"] == summary and kept["gasten"] == ["Oma Ineke"]
    assert {(d["doel"], d["uitkomst"]) for d in kept["doelen"]} == {
        (money.text, "bereikt"),
        ("Vrijwilligerswerk bij de buurthuiskamer", "bijgesteld"),
    }
    assert any(e["wat"] == summary for e in dossier["tijdlijn"])
    pdf = (await client.get(f"{base}/dossier.pdf")).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "1 doel bereikt en 1 bijgesteld" in text
    assert work.id in {r.goal_id for r in await db.scalars(select(GoalReview))}


async def test_moving_needs_a_reason_and_the_household_reads_why(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    h = await in_uitvoering(db)
    evaluation = await planned_of(db, h.household)
    page = f"{h.base}/evaluaties/{evaluation.id}"
    await signed_in_as(client, db, h.world.regisseur)
    refused = await submit(page, f"{page}/verzetten", {"planned_on": in_days(44), "reason": ""})
    assert refused.status_code == 400
    assert "Schrijf in een paar woorden waarom de evaluatie verzet wordt." in refused.text
    assert f'value="{in_days(44)}"' in refused.text
    assert [e.status for e in await evaluations_of(db, h.household)] == ["gepland"]
    response = await submit(refused, f"{page}/verzetten", {"planned_on": in_days(44), "reason": "Fatima is ziek"})
    assert response.status_code == 303
    old, new = await evaluations_of(db, h.household)
    assert (old.status, old.reason) == ("verzet", "Fatima is ziek")
    assert response.headers["location"].startswith(f"{h.base}/evaluaties/{new.id}")
    assert (await trajectory_of(db, h.household)).next_evaluation_on == TODAY + dt.timedelta(days=44)
    await signed_in_as(client, db, h.sanne)
    sentence = (
        f"Fatima verzette de evaluatie van {long_day(IN_THIRTY_DAYS)} naar "
        f"{long_day(TODAY + dt.timedelta(days=44))}. Waarom: Fatima is ziek"
    )
    assert sentence in (await client.get(f"{h.base}/tijdlijn")).text
    listed = await client.get(f"{h.base}/evaluaties")
    assert "Verzet naar een andere dag. Waarom: Fatima is ziek" in listed.text


async def test_bad_input_and_steps_out_of_turn_come_back_in_dutch_and_store_nothing(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    h = await in_uitvoering(db)
    evaluation = await planned_of(db, h.household)
    page = f"{h.base}/evaluaties/{evaluation.id}"
    await signed_in_as(client, db, h.world.regisseur)
    assert (await submit(page, f"{page}/openen", {})).status_code == 303

    # A decision before the goals are reviewed: refused, the page says how many are left.
    refused = await submit(page, f"{page}/besluit", {"decision": "doorgaan", "next_on": in_days(90)})
    assert refused.status_code == 409
    assert "Er zijn nog 2 doelen niet besproken." in refused.text
    # A goal bijgesteld without its new words: the form comes back with the message beside the field.
    refused = await submit(page, f"{page}/doelen", {"outcome": "bijgesteld", "text": ""}, index=0)
    assert refused.status_code == 400
    assert "Schrijf op hoe het doel nu luidt, in de woorden van het huishouden." in refused.text
    # No choice at all in the decision.
    refused = await submit(page, f"{page}/besluit", {"next_on": in_days(90)})
    assert refused.status_code == 400 and "Kies hoe het verder gaat" in refused.text
    # Closing at the evaluation without a reason.
    for goal_form in (0, 1):
        await submit(page, f"{page}/doelen", {"outcome": "loopt"}, index=goal_form)
    refused = await submit(page, f"{page}/besluit", {"decision": "afsluiten"})
    assert refused.status_code == 400 and "Kies waarom het traject stopt." in refused.text

    held = await db.scalar(select(func.count()).select_from(Evaluation).where(Evaluation.status == "gehouden"))
    assert held == 0
    goals = await db.scalars(select(Goal.text).where(Goal.household_id == h.household.id).order_by(Goal.created_at))
    assert list(goals) == [g.text for g in h.goals]
    assert (await trajectory_of(db, h.household)).phase == Phase.EVALUATIE

    # Inviting is the household's; the regisseur gets no form for it and a post is as absent as a missing page.
    assert "Iemand uitnodigen" not in (await client.get(page)).text
    token = client.cookies["onsplan_csrf"]
    forged = await client.post(
        f"{page}/gasten",
        data={"_csrf_token": token, "guest": f"netwerk:{h.oma.id}"},
        headers={"x-csrftoken": token},
    )
    assert forged.status_code == 404
    assert await db.scalar(select(func.count()).select_from(EvaluationGuest)) == 0


async def test_the_decision_afsluiten_closes_and_afschalen_leads_to_the_waakvlam(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    for decision, location, phase in (
        ({"decision": "afschalen", "first_on": in_days(42)}, "/waakvlam", Phase.WAAKVLAM),
        ({"decision": "afsluiten", "reason": "doelen bereikt"}, "/mijn", Phase.AFGESLOTEN),
    ):
        h = await in_uitvoering(db)
        evaluation = await planned_of(db, h.household)
        page = f"{h.base}/evaluaties/{evaluation.id}"
        await signed_in_as(client, db, h.world.regisseur)
        await submit(page, f"{page}/openen", {})
        for goal_form in (0, 1):
            await submit(page, f"{page}/doelen", {"outcome": "bereikt"}, index=goal_form)
        response = await submit(page, f"{page}/besluit", decision)
        assert response.status_code == 303 and response.headers["location"].endswith(location)
        assert (await trajectory_of(db, h.household)).phase == phase
        (held,) = await evaluations_of(db, h.household)
        assert held.status == "gehouden" and held.decision == decision["decision"]
        await signed_in_as(client, db, h.sanne)
        assert held.summary in (await client.get(f"{h.base}/tijdlijn")).text


async def test_closing_the_trajectory_lapses_the_planned_evaluation(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    h = await in_uitvoering(db)
    await signed_in_as(client, db, h.world.regisseur)
    page = await client.get(f"{h.base}/afsluiten")
    response = await submit(page, f"{h.base}/afsluiten", {"reason": "verhuisd"}, button="Zonder eindmeting afsluiten")
    assert response.status_code == 303
    (lapsed,) = await evaluations_of(db, h.household)
    assert (lapsed.status, lapsed.reason) == ("vervallen", "afgesloten")
    assert (await trajectory_of(db, h.household)).next_evaluation_on is None
    await signed_in_as(client, db, h.sanne)
    assert (
        f"De evaluatie van {long_day(IN_THIRTY_DAYS)} gaat niet door: het traject is afgesloten."
        in (await client.get(f"{h.base}/tijdlijn")).text
    )
    assert "Ging niet door: het traject is afgesloten." in (await client.get(f"{h.base}/evaluaties")).text
    assert "Jullie volgende evaluatie" not in (await client.get("/mijn")).text
