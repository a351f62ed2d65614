"""Ratings per leefgebied through the real forms: one tap, both perspectives, differences, history."""

from __future__ import annotations

import datetime as dt

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.instruments import built_in
from server.domain.models import Assessment, AssessmentKind, Household, Perspective, Rating
from tests.conftest import csrf_from
from tests.factories import make_household, make_world, signed_in_as

ZRM = built_in()["zrm11"]


async def tap(client: AsyncTestClient[Litestar], household: Household, domain: str, score: str, **extra: str) -> object:
    page = await client.get(f"/huishoudens/{household.id}/scores")
    data = {"_csrf_token": csrf_from(page.text), "score": score, **extra}
    return await client.post(
        f"/huishoudens/{household.id}/scores/leefgebied/{domain}", data=data, follow_redirects=False
    )


async def test_member_rates_every_leefgebied_with_one_tap_each(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/scores")
    assert page.status_code == 200
    for domain in ZRM.domains:
        assert domain.name in page.text
    assert "acute problematiek" in page.text and "volledig zelfredzaam" in page.text

    for index, domain in enumerate(ZRM.domains):
        response = await tap(client, household, domain.key, str(index % 5 + 1))
        assert response.status_code == 303  # type: ignore[attr-defined]
    assessment = await db.scalar(select(Assessment).where(Assessment.household_id == household.id))
    assert assessment is not None
    assert assessment.kind == AssessmentKind.NULMETING
    assert assessment.perspective == Perspective.HOUSEHOLD
    assert await db.scalar(select(func.count()).select_from(Rating)) == len(ZRM.domains)

    shown = await client.get(f"/huishoudens/{household.id}/scores")
    assert shown.text.count('aria-pressed="true"') == len(ZRM.domains)


async def test_a_tap_with_htmx_answers_the_leefgebied_fragment_with_the_explanation(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/scores")
    response = await client.post(
        f"/huishoudens/{household.id}/scores/leefgebied/financien",
        data={"_csrf_token": csrf_from(page.text), "score": "2", "note": "De huur is te hoog."},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="lg-financien"' in response.text
    assert "De huur is te hoog." in response.text
    rating = await db.scalar(select(Rating))
    assert rating is not None and (rating.score, rating.note) == (2, "De huur is te hoog.")


async def test_scores_outside_the_scale_and_unknown_leefgebieden_are_refused(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    too_high = await tap(client, household, "financien", "6", note="Mijn uitleg")
    assert too_high.status_code == 400  # type: ignore[attr-defined]
    assert "Kies een score van 1 tot en met 5" in too_high.text  # type: ignore[attr-defined]
    assert "Mijn uitleg" in too_high.text  # type: ignore[attr-defined]
    not_a_number = await tap(client, household, "financien", "veel")
    assert not_a_number.status_code == 400  # type: ignore[attr-defined]
    unknown = await tap(client, household, "toverkunst", "3")
    assert unknown.status_code == 404  # type: ignore[attr-defined]
    overlong = await tap(client, household, "financien", "3", note="x" * 301)
    assert overlong.status_code == 400  # type: ignore[attr-defined]
    assert await db.scalar(select(func.count()).select_from(Rating)) == 0


async def test_household_and_regisseur_scores_side_by_side_with_the_difference_pointed_out(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    await tap(client, household, "financien", "4")
    await tap(client, household, "huisvesting", "3")

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    await tap(client, household, "financien", "2")
    await tap(client, household, "huisvesting", "2")
    page = await client.get(f"/huishoudens/{household.id}/scores")
    assert "Huishouden: 4" in page.text and "Regisseur: 2" in page.text
    assert page.text.count("Bespreek het in jullie volgende gesprek") == 1
    assert "Bij 1 leefgebied zien het huishouden en de regisseur het verschillend" in page.text
    perspectives = set(await db.scalars(select(Assessment.perspective)))
    assert perspectives == {"household", "professional"}


async def test_a_new_assessment_keeps_the_history_and_the_charts_show_both(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    await tap(client, household, "financien", "1")
    page = await client.get(f"/huishoudens/{household.id}/scores")
    token = csrf_from(page.text)

    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    refused = await client.post(
        f"/huishoudens/{household.id}/metingen",
        data={"_csrf_token": token, "kind": "tussenevaluatie", "held_on": future},
    )
    assert refused.status_code == 400
    assert "niet in de toekomst" in refused.text

    started = await client.post(
        f"/huishoudens/{household.id}/metingen",
        data={"_csrf_token": token, "kind": "tussenevaluatie", "held_on": ""},
        follow_redirects=False,
    )
    assert started.status_code == 303
    await tap(client, household, "financien", "3")
    kinds = list(await db.scalars(select(Assessment.kind).order_by(Assessment.created_at)))
    assert kinds == ["nulmeting", "tussenevaluatie"]
    scores = list(await db.scalars(select(Rating.score).order_by(Rating.updated_at)))
    assert scores == [1, 3]

    history = await client.get(f"/huishoudens/{household.id}/scores/verloop")
    assert history.status_code == 200
    assert history.text.count("<svg") >= 1 + len(ZRM.domains)
    assert 'role="img"' in history.text
    assert "<table" in history.text
    assert "Begin: nulmeting van" in history.text
