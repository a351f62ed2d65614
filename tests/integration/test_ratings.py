"""Ratings per leefgebied through the real forms: one tap, both perspectives, differences, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Household
from server.domain.ratings.instruments import built_in
from server.domain.ratings.model import Assessment, AssessmentKind, Perspective, Rating
from tests.conftest import csrf_from
from tests.factories import make_household, make_world, signed_in_as

ZRM = built_in()["zrm11"]


async def tap(
    submit: Any, household: Household, domain: str, score: str, *, hostile: bool = False, **extra: str
) -> Any:
    """Tap the score button of a leefgebied on the scores page (with what was typed in its note)."""
    return await submit(
        f"/huishoudens/{household.id}/scores",
        f"/huishoudens/{household.id}/scores/leefgebied/{domain}",
        {"score": score, **extra},
        hostile=hostile,
    )


async def test_member_rates_every_leefgebied_with_one_tap_each(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/scores")
    assert page.status_code == 200
    # The household's own words, not the professional ones.
    for domain in ZRM.domains:
        assert domain.plain_name in page.text
    assert "Het gaat helemaal niet" in page.text and "Het gaat prima" in page.text
    assert "acute problematiek" not in page.text and "ADL-vaardigheden" not in page.text

    for index, domain in enumerate(ZRM.domains):
        response = await tap(submit, household, domain.key, str(index % 5 + 1))
        assert response.status_code == 303
    assessment = await db.scalar(select(Assessment).where(Assessment.household_id == household.id))
    assert assessment is not None
    assert assessment.kind == AssessmentKind.NULMETING
    assert assessment.perspective == Perspective.HOUSEHOLD
    assert await db.scalar(select(func.count()).select_from(Rating)) == len(ZRM.domains)

    shown = await client.get(f"/huishoudens/{household.id}/scores")
    assert shown.text.count('aria-pressed="true"') == len(ZRM.domains)


async def test_a_tap_with_htmx_answers_the_leefgebied_fragment_with_the_explanation(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    response = await submit(
        f"/huishoudens/{household.id}/scores",
        f"/huishoudens/{household.id}/scores/leefgebied/financien",
        {"score": "2", "note": "De huur is te hoog."},
        htmx=True,
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="lg-financien"' in response.text
    assert "De huur is te hoog." in response.text
    rating = await db.scalar(select(Rating))
    assert rating is not None and (rating.score, rating.note) == (2, "De huur is te hoog.")


async def test_scores_outside_the_scale_and_unknown_leefgebieden_are_refused(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    # No button on the page sends these scores or notes: each is sent as a hostile client would.
    too_high = await tap(submit, household, "financien", "6", note="Mijn uitleg", hostile=True)
    assert too_high.status_code == 400
    assert "Kies een score van 1 tot en met 5" in too_high.text
    assert "Mijn uitleg" in too_high.text
    not_a_number = await tap(submit, household, "financien", "veel", hostile=True)
    assert not_a_number.status_code == 400
    page = await client.get(f"/huishoudens/{household.id}/scores")
    unknown = await client.post(
        f"/huishoudens/{household.id}/scores/leefgebied/toverkunst",
        data={"_csrf_token": csrf_from(page.text), "score": "3"},
        follow_redirects=False,
    )
    assert unknown.status_code == 404
    overlong = await tap(submit, household, "financien", "3", note="x" * 301, hostile=True)
    assert overlong.status_code == 400
    assert await db.scalar(select(func.count()).select_from(Rating)) == 0


async def test_household_and_regisseur_scores_side_by_side_with_the_difference_pointed_out(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    await tap(submit, household, "financien", "4")
    await tap(submit, household, "huisvesting", "3")

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    await tap(submit, household, "financien", "2")
    await tap(submit, household, "huisvesting", "2")
    page = await client.get(f"/huishoudens/{household.id}/scores")
    assert "Huishouden: 4" in page.text and "Regisseur: 2" in page.text
    assert page.text.count("Jij en het huishouden zien dit verschillend (twee stappen of meer).") == 1
    assert "Bij 1 leefgebied zien het huishouden en de regisseur het verschillend" in page.text
    # The household reads it at the leefgebied itself, spoken to as "jullie".
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/scores")
    assert page.text.count("Jullie zien dit verschillend (twee stappen of meer).") == 1
    assert "zien het huishouden en de regisseur het verschillend" not in page.text
    perspectives = set(await db.scalars(select(Assessment.perspective)))
    assert perspectives == {"household", "professional"}


async def test_a_new_assessment_keeps_the_history_and_the_charts_show_both(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    await tap(submit, household, "financien", "1")
    scores = f"/huishoudens/{household.id}/scores"
    assessments = f"/huishoudens/{household.id}/metingen"

    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    refused = await submit(scores, assessments, {"kind": "tussenevaluatie", "held_on": future})
    assert refused.status_code == 400
    assert "niet in de toekomst" in refused.text

    started = await submit(scores, assessments, {"kind": "tussenevaluatie", "held_on": ""})
    assert started.status_code == 303
    await tap(submit, household, "financien", "3")
    kinds = list(await db.scalars(select(Assessment.kind).order_by(Assessment.created_at)))
    assert kinds == ["nulmeting", "tussenevaluatie"]
    scores = list(await db.scalars(select(Rating.score).order_by(Rating.updated_at)))
    assert scores == [1, 3]

    history = await client.get(f"/huishoudens/{household.id}/scores/verloop")
    assert history.status_code == 200
    assert history.text.count("<svg") >= 1 + len(ZRM.domains)
    assert 'role="img"' in history.text
    assert "<table" in history.text
    assert "Begin: eerste scores van" in history.text and "nulmeting" not in history.text
