"""Scoring one leefgebied at a time (the stepper), without JavaScript: a page per leefgebied, the choice posts
to the same address as the scores page and the next page says what was stored."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Organisation, OrganisationKind, Role
from server.domain.people import create_person
from server.domain.ratings.instruments import built_in
from server.domain.ratings.model import Assessment, Perspective, Rating
from tests.factories import make_household, make_world, signed_in_as

ZRM = built_in()["zrm11"]


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_a_member_walks_the_stepper_one_leefgebied_at_a_time_and_ends_at_the_summary(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    base = f"/huishoudens/{household.id}/scores"

    overview = await client.get(base)
    assert f'href="{base}/stap/1"' in overview.text and ">Begin<" in overview.text

    first = await client.get(f"{base}/stap/1")
    assert first.status_code == 200
    text = visible(first.text)
    assert "1 van 11" in text and '<progress id="stap-voortgang" max="11" value="1">' in first.text
    assert "Geld" in text and "Inkomen, rekeningen en schulden." in text
    for label in ("Het gaat helemaal niet", "Het gaat slecht", "Het gaat matig", "Het gaat goed", "Het gaat prima"):
        assert label in text
    assert "Vorige" not in text and "Overslaan" in text

    stored = await submit(first, f"{base}/leefgebied/financien", {"score": "3", "note": "De huur is hoog."})
    assert stored.status_code == 303
    assert stored.headers["location"] == f"{base}/stap/2?opgeslagen=financien"
    second = await client.get(stored.headers["location"])
    assert re.search(r'role="status">\s*Bewaard: Geld, 3 \(Het gaat matig\)\.', second.text)
    assert "2 van 11" in visible(second.text) and "Je dag" in visible(second.text)
    assert f'href="{base}/stap/1"' in second.text  # Vorige
    rating = await db.scalar(select(Rating).where(Rating.domain_key == "financien"))
    assert rating is not None and (rating.score, rating.note) == (3, "De huur is hoog.")

    # Overslaan is a link to the next leefgebied: nothing is stored for this one.
    third = await client.get(f"{base}/stap/3")
    assert "3 van 11" in visible(third.text) and "Bewaard" not in visible(third.text)
    # The rest, up to the last one, which leads to the summary.
    page = third
    for number in range(3, len(ZRM.domains) + 1):
        domain = ZRM.domains[number - 1]
        page = await client.get(f"{base}/stap/{number}")
        answer = await submit(page, f"{base}/leefgebied/{domain.key}", {"score": "4"})
        assert answer.status_code == 303
    assert answer.headers["location"] == f"{base}/klaar?opgeslagen={ZRM.domains[-1].key}"
    summary = await client.get(answer.headers["location"])
    text = visible(summary.text)
    assert "Klaar met de scores" in text and "Je gaf bij 10 van de 11 onderwerpen een score." in text
    assert "Politie en rechter" in text and "Het gaat goed" in text and "nog geen score" in text
    assert f'href="/huishoudens/{household.id}/plan"' in summary.text
    assert await db.scalar(select(func.count()).select_from(Rating)) == 10

    # Back on the scores page: go on with the one that was skipped.
    again = await client.get(base)
    assert "Verder met Je dag" in visible(again.text) and f'href="{base}/stap/2"' in again.text

    # Going back to a scored leefgebied shows the choice; "Volgende" keeps it (with a changed note).
    back = await client.get(f"{base}/stap/1")
    assert back.text.count('aria-pressed="true"') == 1
    kept = await submit(back, f"{base}/leefgebied/financien", {"note": "Nu met een regeling."}, button="Volgende")
    assert kept.status_code == 303 and kept.headers["location"].startswith(f"{base}/stap/2")
    await db.refresh(rating)
    assert (rating.score, rating.note) == (3, "Nu met een regeling.")


async def test_a_bad_score_in_the_stepper_is_refused_in_plain_dutch_and_nothing_is_stored(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    base = f"/huishoudens/{household.id}/scores"
    page = await client.get(f"{base}/stap/4")
    refused = await submit(
        page, f"{base}/leefgebied/huiselijke_relaties", {"score": "9", "note": "Wat ik schreef"}, hostile=True
    )
    assert refused.status_code == 400
    text = visible(refused.text)
    assert "Dit is niet bewaard" in text and "Kies een score van 1 tot en met 5." in text
    # The error summary takes focus (without JavaScript too), and links to the choices.
    assert re.search(
        r'<div class="notice notice--error" role="alert" id="stap-fouten" tabindex="-1" autofocus>', refused.text
    )
    assert 'href="#stap-keuzes"' in refused.text
    assert "4 van 11" in text and "Wat ik schreef" in refused.text
    assert "Bewaard" not in visible(refused.text)
    assert await db.scalar(select(func.count()).select_from(Rating)) == 0
    # A next page elsewhere is not followed: the scores page answers as usual.
    elsewhere = await submit(
        await client.get(f"{base}/stap/4"),
        f"{base}/leefgebied/huiselijke_relaties",
        {"score": "2", "next": "https://example.org/"},
        hostile=True,
    )
    assert elsewhere.status_code == 303 and elsewhere.headers["location"].startswith(f"{base}?opgeslagen=")
    assert (await client.get(f"{base}/stap/12")).status_code == 404
    assert (await client.get(f"{base}/stap/0")).status_code == 404


async def test_the_regisseur_may_use_the_stepper_in_her_own_words(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, _members = await make_household(db, world.regisseur)
    await signed_in_as(client, db, world.regisseur)
    base = f"/huishoudens/{household.id}/scores"
    page = await client.get(f"{base}/stap/8")
    text = visible(page.text)
    assert "ADL-vaardigheden" in text and "acute problematiek" in text and "Het gaat prima" not in text
    stored = await submit(page, f"{base}/leefgebied/adl", {"score": "2"})
    assert stored.status_code == 303
    rating = await db.scalar(select(Rating))
    assert rating is not None and rating.score == 2
    assert (await client.get(stored.headers["location"])).status_code == 200
    assessment = await db.scalar(select(Assessment))
    assert assessment is not None and assessment.perspective == Perspective.PROFESSIONAL


async def test_a_partner_with_a_ratings_share_reads_the_scores_but_has_no_stepper(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    nursing = Organisation(municipality_id=world.municipality.id, name="Wijkverpleging", kind=OrganisationKind.PARTNER)
    db.add(nursing)
    await db.flush()
    hanna = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Hanna",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=nursing.id,
    )
    await db.commit()
    await signed_in_as(client, db, anouk)
    shared = await submit(
        f"/huishoudens/{household.id}/delingen",
        f"/huishoudens/{household.id}/delingen/scores",
        {"organisation": str(nursing.id), "purpose": "Zorg thuis afstemmen"},
    )
    assert shared.status_code == 303
    member_page = await client.get(f"/huishoudens/{household.id}/scores/stap/1")
    await signed_in_as(client, db, hanna)
    base = f"/huishoudens/{household.id}/scores"
    assert (await client.get(base)).status_code == 200
    assert "/stap/1" not in (await client.get(base)).text
    assert (await client.get(f"{base}/stap/1")).status_code in (403, 404)
    assert (await client.get(f"{base}/klaar")).status_code in (403, 404)
    # The member's stepper form, sent with the partner's session (and the member's page): refused.
    posted = await submit(member_page, f"{base}/leefgebied/financien", {"score": "2"}, hostile=True)
    assert posted.status_code in (403, 404)
    assert await db.scalar(select(func.count()).select_from(Rating)) == 0
