"""The round of an evaluation stays one round: while the evaluation is not held, the scores page no longer
offers "Nieuwe meting beginnen" (a new meting would take the taps that follow out of the round), and the form
sent from a page left open is refused with a message, with nothing stored; the taps still land in the round."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.ratings.model import Assessment, Perspective, Rating
from tests.factories import signed_in_as
from tests.integration.test_evaluation import in_uitvoering, planned_of, round_of, tap

NEW_METING = "Nieuwe meting beginnen"
IN_ROUND = "Je scores horen nu bij de evaluatie. Een nieuwe meting begin je na de evaluatie."


async def assessments(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Assessment)) or 0)


async def test_no_new_meting_while_the_round_of_an_evaluation_is_under_way(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    h = await in_uitvoering(db)
    base, evaluation = h.base, await planned_of(db, h.household)
    page = f"{base}/evaluaties/{evaluation.id}"

    # Fatima had the scores page open from before, with its form for a new meting.
    await signed_in_as(client, db, h.world.regisseur)
    left_open = await client.get(f"{base}/scores")
    assert NEW_METING in left_open.text

    # She opens the evaluation at the table: the scores page now writes into its round, without the form.
    assert (await submit(page, f"{page}/openen", {})).status_code == 303
    scores = await client.get(f"{base}/scores")
    assert NEW_METING not in scores.text and IN_ROUND in scores.text
    before = await assessments(db)

    # The form of the page left open is refused, and says why; nothing is stored.
    refused = await submit(left_open, f"{base}/metingen", {"kind": "tussenevaluatie"})
    assert refused.status_code == 400
    assert IN_ROUND in refused.text
    assert await assessments(db) == before

    # Her tap still lands in the evaluation's round.
    assert (await tap(submit, base, "financien", "3")).status_code == 303
    round_ = await round_of(db, evaluation)
    stored = await db.scalar(
        select(Rating.score).where(Rating.assessment_id == round_["professional"].id, Rating.domain_key == "financien")
    )
    assert stored == 3


async def test_scores_given_ahead_keep_the_household_in_the_round_until_it_is_held(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    h = await in_uitvoering(db)
    base, evaluation = h.base, await planned_of(db, h.household)
    page = f"{base}/evaluaties/{evaluation.id}"
    await signed_in_as(client, db, h.sanne)
    assert NEW_METING in (await client.get(f"{base}/scores")).text
    assert (await submit(page, f"{page}/alvast-scoren", {})).status_code == 303
    scores = await client.get(f"{base}/scores")
    assert NEW_METING not in scores.text and IN_ROUND in scores.text
    assert (await tap(submit, base, "financien", "4")).status_code == 303
    ahead = (await round_of(db, evaluation))["household"]
    assert ahead.perspective == Perspective.HOUSEHOLD
    assert await db.scalar(select(Rating.score).where(Rating.assessment_id == ahead.id)) == 4
