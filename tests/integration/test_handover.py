"""Handovers through the pages: the regisseur offers a warme overdracht to a partner professional or the
regisseur role to a colleague; the receiver finds it on their start page and says yes or no; the household
reads each step in its timeline. Real forms, both databases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import access_log
from server.domain.models import (
    AccessLogEntry,
    Household,
    Organisation,
    OrganisationKind,
    Person,
    Phase,
    Role,
    Trajectory,
    utcnow,
)
from server.domain.people import create_person
from server.domain.plan import service as plan
from server.domain.plan.service import GoalInput
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.workspace.model import Handover, HandoverStatus, Involvement
from tests.conftest import csrf_from
from tests.factories import World, make_household, make_world, signed_in_as


@dataclass
class Scene:
    world: World
    household: Household
    sanne: Person  # the household's adult member
    joris: Person  # a professional of the partner organisation "Schuldhulp Woerden"

    @property
    def home(self) -> str:
        return f"/huishoudens/{self.household.id}"

    @property
    def page(self) -> str:
        return f"{self.home}/overdracht"

    @property
    def answer(self) -> str:
        return f"{self.home}/overdracht/antwoord"


async def scene(db: AsyncSession, phase: Phase = Phase.UITVOERING) -> Scene:
    world = await make_world(db)
    world.partner.name = "Schuldhulp Woerden"
    household, (sanne,) = await make_household(db, world.regisseur)
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None
    # The steps before are other pages' work; here the trajectory is where a handover can start.
    trajectory.phase = phase
    instrument = await instruments.for_municipality(db, household.municipality_id)
    await plan.create_goal(
        db,
        actor_for(sanne),
        Relation.MEMBER,
        household.id,
        instrument,
        GoalInput(instrument.domains[0].key, "Weer rust in huis", "eerst"),
    )
    joris = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Joris de Wit",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    await db.commit()
    return Scene(world, household, sanne, joris)


def today() -> str:
    return format_date(utcnow().date(), "d MMMM y", locale="nl")


async def trajectory_of(db: AsyncSession, s: Scene) -> Trajectory:
    found = await db.scalar(
        select(Trajectory).where(Trajectory.household_id == s.household.id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def offer_warm(client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, s: Scene) -> None:
    await signed_in_as(client, db, s.world.regisseur)
    overview = await client.get(s.home)
    assert f'href="{s.page}"' in overview.text and "Overdragen" in overview.text
    response = await submit(
        s.page,
        s.page,
        {
            "kind": "warm",
            "partner": f"{s.world.partner.id}:{s.joris.id}",
            "note": "Wil jij verder met de schulden? De post is op orde.",
        },
    )
    assert response.status_code == 303, response.text


async def handovers(db: AsyncSession, s: Scene) -> list[Handover]:
    rows = await db.scalars(
        select(Handover)
        .where(Handover.household_id == s.household.id)
        .execution_options(populate_existing=True)
        .order_by(Handover.created_at)
    )
    return list(rows)


async def timeline(client: AsyncTestClient[Litestar], db: AsyncSession, s: Scene) -> str:
    await signed_in_as(client, db, s.sanne)
    page = await client.get(f"{s.home}/tijdlijn")
    assert page.status_code == 200
    return page.text


async def test_a_warm_handover_is_pending_until_the_partner_accepts_and_then_closes_the_trajectory(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    s = await scene(db)
    await offer_warm(client, db, submit, s)
    # Both see it waiting: the regisseur on the household's overview (she is still its regisseur) ...
    overview = await client.get(s.home)
    assert overview.status_code == 200
    assert f"Overdracht: wacht op Joris de Wit (Schuldhulp Woerden) sinds {today()}." in overview.text
    assert "Overdracht intrekken" in overview.text
    assert (await trajectory_of(db, s)).regisseur_id == s.world.regisseur.id

    # ... and the partner on his start page, which the household reads in its access log.
    await signed_in_as(client, db, s.joris)
    start = await client.get("/mijn")
    assert "Overdrachten voor jou" in start.text and "Huishouden Bakker" in start.text
    assert "Fatima vraagt je om het huishouden verder te helpen vanuit Schuldhulp Woerden" in start.text
    assert f'href="{s.answer}"' in start.text
    # What is offered, and nothing of the plan; he has no access to the dossier itself.
    offered = await client.get(s.answer)
    assert offered.status_code == 200
    for text in ("Bakker", "uitvoering", "Fatima (regisseur)", "De post is op orde.", today()):
        assert text in offered.text
    assert "Weer rust in huis" not in offered.text
    assert (await client.get(s.home)).status_code == 404
    assert (await client.get(f"{s.home}/plan")).status_code == 404

    accepted = await submit(s.answer, f"{s.answer}/ja", {})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/mijn?overgenomen=1"
    trajectory = await trajectory_of(db, s)
    assert trajectory.phase == Phase.AFGESLOTEN and trajectory.exit_reason == "overgedragen: Schuldhulp Woerden"
    involvement = await db.scalar(select(Involvement).where(Involvement.household_id == s.household.id))
    assert involvement is not None
    assert (involvement.organisation_name, involvement.professional_name) == ("Schuldhulp Woerden", "Joris de Wit")
    assert involvement.from_on == utcnow().date()
    assert [h.status for h in await handovers(db, s)] == [HandoverStatus.ACCEPTED]
    # Accepting gave no access: he sees the household only as far as it shares with his organisation.
    assert (await client.get(s.home)).status_code == 404
    assert "Overdrachten voor jou" not in (await client.get("/mijn")).text
    looks = await db.scalars(
        select(AccessLogEntry.resource).where(
            AccessLogEntry.household_id == s.household.id, AccessLogEntry.actor_id == s.joris.id
        )
    )
    # His start page, and the handover page (opened twice: to read it, and to say yes).
    assert list(looks) == ["handover"] * 3

    # The regisseur has let go: the household is no longer hers.
    await signed_in_as(client, db, s.world.regisseur)
    assert (await client.get(s.home)).status_code == 404
    assert "Bakker" not in (await client.get("/mijn")).text

    text = await timeline(client, db, s)
    assert (
        "Fatima vraagt Joris de Wit (Schuldhulp Woerden) om jullie verder te helpen. Dat gaat in als Joris de Wit "
        "ja zegt." in text
    )
    assert (
        f"Vanaf {today()} helpt Joris de Wit (Schuldhulp Woerden) jullie verder. Fatima is dan niet meer jullie "
        "regisseur." in text
    )
    inzage = await client.get(f"{s.home}/inzage")
    assert "Joris de Wit van Schuldhulp Woerden keek " in inzage.text
    assert "Bekeken: de vraag om jullie verder te helpen (een overdracht)." in inzage.text


async def test_the_partner_says_no_with_a_short_answer_and_the_regisseur_goes_on(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    s = await scene(db, Phase.EVALUATIE)
    await offer_warm(client, db, submit, s)
    await signed_in_as(client, db, s.joris)
    refused = await submit(s.answer, f"{s.answer}/nee", {"answer": "  "})
    assert refused.status_code == 400
    assert "Schrijf kort waarom je nee zegt." in refused.text and "Bakker" in refused.text
    assert [h.status for h in await handovers(db, s)] == [HandoverStatus.PENDING]
    declined = await submit(s.answer, f"{s.answer}/nee", {"answer": "Wij hebben tot maart geen plek."})
    assert declined.status_code == 303
    assert (await client.get(s.answer)).status_code == 404
    # An answered handover cannot be answered again.
    again = await client.post(f"{s.answer}/ja", data={"_csrf_token": csrf_from(refused.text)})
    assert again.status_code == 404

    await signed_in_as(client, db, s.world.regisseur)
    page = await client.get(s.page)
    assert "kreeg op" in page.text and "Wij hebben tot maart geen plek." in page.text
    trajectory = await trajectory_of(db, s)
    assert trajectory.phase == Phase.EVALUATIE and trajectory.regisseur_id == s.world.regisseur.id
    assert (await client.get(s.home)).status_code == 200

    text = await timeline(client, db, s)
    assert (
        "Joris de Wit (Schuldhulp Woerden) zei nee op de vraag om jullie verder te helpen: Wij hebben tot maart geen "
        "plek. Fatima blijft jullie regisseur." in text
    )


async def test_the_regisseur_withdraws_a_pending_handover(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    s = await scene(db)
    await offer_warm(client, db, submit, s)
    # A second handover while one waits is refused.
    page = await client.get(s.page)
    assert "Wacht op Joris de Wit (Schuldhulp Woerden)" in page.text and 'name="kind"' not in page.text
    withdrawn = await submit(s.home, f"{s.page}/intrekken", {})
    assert withdrawn.status_code == 303
    assert [h.status for h in await handovers(db, s)] == [HandoverStatus.WITHDRAWN]
    assert "Overdragen" in (await client.get(s.home)).text

    await signed_in_as(client, db, s.joris)
    assert (await client.get(s.answer)).status_code == 404
    assert "Overdrachten voor jou" not in (await client.get("/mijn")).text

    text = await timeline(client, db, s)
    assert (
        "Fatima vraagt Joris de Wit (Schuldhulp Woerden) toch niet om jullie verder te helpen. Fatima blijft jullie "
        "regisseur." in text
    )


async def test_a_warm_handover_only_to_a_professional_of_a_partner_of_the_gemeente(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    s = await scene(db)
    elsewhere = await make_world(db)
    far = await create_person(
        db,
        municipality_id=elsewhere.municipality.id,
        display_name="Eva",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=elsewhere.partner.id,
    )
    ggz = Organisation(municipality_id=s.world.municipality.id, name="GGZ Oost", kind=OrganisationKind.PARTNER)
    db.add(ggz)
    await db.flush()
    volunteer = await create_person(
        db,
        municipality_id=s.world.municipality.id,
        display_name="Sem",
        role=Role.VOLUNTEER,
        organisation_id=s.world.volunteer_org.id,
    )
    await db.commit()
    await signed_in_as(client, db, s.world.regisseur)
    page = await client.get(s.page)
    # The choice offers the gemeente's partner professionals only.
    assert "Joris de Wit (Schuldhulp Woerden)" in page.text
    assert "Eva (" not in page.text and "Sem (" not in page.text
    for organisation, person, message in (
        (s.world.volunteer_org.id, volunteer.id, "Kies een partnerorganisatie van de gemeente."),
        (ggz.id, s.joris.id, "Deze persoon werkt niet (meer) bij GGZ Oost."),
        (elsewhere.partner.id, far.id, "Kies een partnerorganisatie van de gemeente."),
        (s.world.partner.id, far.id, "Deze persoon werkt niet (meer) bij Schuldhulp Woerden."),
    ):
        response = await submit(
            s.page, s.page, {"kind": "warm", "partner": f"{organisation}:{person}", "note": "Graag"}, hostile=True
        )
        assert response.status_code == 400, (organisation, person)
        assert message in response.text and "Graag" in response.text
    # Nothing chosen at all.
    response = await submit(s.page, s.page, {"note": "Graag"})
    assert response.status_code == 400 and "Kies aan wie je overdraagt." in response.text
    assert await handovers(db, s) == []


async def test_a_warm_handover_is_not_offered_before_the_uitvoering(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    s = await scene(db, Phase.INTAKE)
    await signed_in_as(client, db, s.world.regisseur)
    page = await client.get(s.page)
    assert "Joris de Wit" not in page.text and "kan in de uitvoering of bij de evaluatie" in page.text
    forged = await submit(
        s.page, s.page, {"kind": "warm", "partner": f"{s.world.partner.id}:{s.joris.id}"}, hostile=True
    )
    assert forged.status_code == 409
    assert "Een warme overdracht kan pas in de uitvoering of bij de evaluatie." in forged.text
    assert await handovers(db, s) == []


async def test_the_regisseur_role_goes_to_a_colleague_who_accepts(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    s = await scene(db, Phase.INTAKE)
    joost = s.world.colleague
    await signed_in_as(client, db, s.world.regisseur)
    page = await client.get(s.page)
    # Colleagues of the household's team only, not herself and not the other team's regisseur.
    assert f'<option value="{joost.id}">Joost</option>' in page.text
    assert "Ilse" not in page.text and f'<option value="{s.world.regisseur.id}">' not in page.text
    offered = await submit(
        s.page, s.page, {"kind": "regisseur", "colleague": str(joost.id), "note": "Ik ga verhuizen."}
    )
    assert offered.status_code == 303

    # Someone else cannot answer for him: not the other team's regisseur, not the partner.
    for other in (s.world.other_regisseur, s.joris):
        await signed_in_as(client, db, other)
        assert (await client.get(s.answer)).status_code == 404
        start = await client.get("/mijn")
        forged = await client.post(f"{s.answer}/ja", data={"_csrf_token": csrf_from(start.text)})
        assert forged.status_code == 404
    assert (await trajectory_of(db, s)).regisseur_id == s.world.regisseur.id

    await signed_in_as(client, db, joost)
    start = await client.get("/mijn")
    assert (
        "Overdrachten voor jou" in start.text
        and "Fatima vraagt je om regisseur te worden van het huishouden" in start.text
    )
    # Before he accepts, the household is not his to open.
    assert (await client.get(s.home)).status_code == 404
    offered_page = await client.get(s.answer)
    assert "Ik ga verhuizen." in offered_page.text and "Weer rust in huis" not in offered_page.text
    accepted = await submit(s.answer, f"{s.answer}/ja", {})
    assert accepted.status_code == 303 and accepted.headers["location"] == s.home
    assert (await client.get(s.home)).status_code == 200
    trajectory = await trajectory_of(db, s)
    assert trajectory.regisseur_id == joost.id and trajectory.regisseur_since == utcnow().date()
    assert trajectory.phase == Phase.INTAKE

    # The old regisseur loses access at once.
    await signed_in_as(client, db, s.world.regisseur)
    assert (await client.get(s.home)).status_code == 404
    assert (await client.get(f"{s.home}/plan")).status_code == 404

    text = await timeline(client, db, s)
    assert "Fatima vraagt Joost om jullie regisseur te worden. Dat gaat in als Joost ja zegt." in text
    assert f"Vanaf {today()} is Joost jullie regisseur." in text


async def test_the_start_page_lists_every_handover_waiting_for_the_receiver(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    s = await scene(db)
    await offer_warm(client, db, submit, s)
    for name in ("Jansen", "De Boer"):
        other, _members = await make_household(db, s.world.regisseur, name)
        trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == other.id))
        assert trajectory is not None
        db.add(
            Handover(
                household_id=other.id,
                trajectory_id=trajectory.id,
                kind="warm",
                from_person_id=s.world.regisseur.id,
                to_person_id=s.joris.id,
                to_organisation_id=s.world.partner.id,
                created_at=utcnow() - dt.timedelta(days=1),
            )
        )
    await db.commit()
    await signed_in_as(client, db, s.joris)
    start = await client.get("/mijn")
    for name in ("Jansen", "De Boer", "Bakker"):
        assert f"Huishouden {name}" in start.text
    looks = await db.scalar(
        select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.actor_id == s.joris.id)
    )
    assert looks == 3


async def test_the_receivers_start_page_is_shown_only_once_the_household_reads_the_look_in_its_access_log(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, monkeypatch: Any
) -> None:
    s = await scene(db)
    await offer_warm(client, db, submit, s)
    await signed_in_as(client, db, s.joris)
    household_id, joris_id = s.household.id, s.joris.id

    async def looks() -> list[str]:
        rows = await db.scalars(
            select(AccessLogEntry.resource)
            .where(AccessLogEntry.household_id == household_id, AccessLogEntry.actor_id == joris_id)
            .execution_options(populate_existing=True)
        )
        return list(rows)

    # When the access log cannot be written, the page with the household's name is not shown at all.
    async def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the access log is unreachable")

    monkeypatch.setattr(access_log, "record_looks", refuse)
    withheld = await client.get("/mijn")
    assert withheld.status_code == 500
    assert "Huishouden Bakker" not in withheld.text
    await db.rollback()
    assert await looks() == []

    monkeypatch.undo()
    shown = await client.get("/mijn")
    assert shown.status_code == 200 and "Huishouden Bakker" in shown.text
    await db.rollback()
    assert await looks() == ["handover"]
