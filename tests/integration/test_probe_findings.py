"""What an outside probe found, tried again: each finding is now refused the way DESIGN.md promises."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
import time
import unicodedata
import uuid
from typing import Any

import httpx
import uvicorn
from litestar import Litestar
from litestar.middleware.csrf import generate_csrf_token
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.app import create_app
from server.cli import build_parser, server_options
from server.config import Settings
from server.db import make_engine
from server.domain import access_log
from server.domain.models import AccessLogEntry, Passkey
from server.domain.plan.model import Goal, Share
from server.domain.policy import Relation, actor_for
from server.domain.volunteering.model import HelpOffer, HelpRequest
from tests.conftest import TEST_ORIGIN, csrf_from
from tests.factories import enrol, make_household, make_world, sign_in, signed_in_as
from tests.forms import open_form, send
from tests.integration.test_network import grandmother_invited, sign_in_grandmother
from tests.integration.test_plan import member_with_plan
from tests.integration.test_volunteering import offer_as, published_request, volunteer
from tests.soft_authenticator import SoftPasskey

TOKEN = re.compile(r"/aanmelden/([A-Za-z0-9_-]+)")


def main_text(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


async def looks(db: AsyncSession) -> int:
    await db.rollback()
    return int(await db.scalar(select(func.count()).select_from(AccessLogEntry)) or 0)


# 1. Who is involved -------------------------------------------------------------------------------------


async def test_an_accepted_volunteer_sees_nobody_involved_and_a_network_member_only_names(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, _action = await published_request(client, db, submit)
    sem = await volunteer(db, world)
    await offer_as(client, db, sem)
    offer = await db.scalar(select(HelpOffer))
    assert offer is not None
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    accepted = await submit(
        f"/huishoudens/{household.id}/hulpvragen",
        f"/huishoudens/{household.id}/hulpvragen/aanbod/{offer.id}/accepteren",
    )
    assert accepted.status_code == 303
    own_view = await client.get(f"/huishoudens/{household.id}")
    assert "Fatima, regisseur bij Wijkteam Centrum" in own_view.text and "Sem (vrijwilliger)" in own_view.text

    client.cookies.clear()
    await signed_in_as(client, db, sem)
    # The household's page is not hers at all (it names every member): the same answer as for a stranger.
    page = await client.get(f"/huishoudens/{household.id}")
    assert page.status_code == 404
    assert "Wie helpen mee" not in page.text
    assert "Fatima" not in page.text and "regisseur" not in main_text(page.text)


async def test_a_network_member_sees_the_names_of_who_is_involved_without_roles_or_dates(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk, goal, _action, token = await grandmother_invited(client, db, submit)
    # The household also shares a goal with a partner organisation, whose name says what help they get.
    db.add(Share(household_id=household.id, goal_id=goal.id, organisation_id=world.partner.id, purpose="Overzicht"))
    await db.commit()
    await sign_in_grandmother(client, token)
    page = await client.get(f"/huishoudens/{household.id}")
    involved = page.text.split('id="involved-title"')[1].split("</section>")[0]
    assert "Fatima" in involved and "Oma Ineke" in involved
    assert "regisseur" not in involved and "netwerk" not in involved and "sinds" not in involved
    assert world.partner.name not in involved
    # Nothing a signed-in person was shown stays in a cache: not even the back button shows it after signing out.
    assert page.headers["cache-control"] == "no-store"


# 2. Recovery links --------------------------------------------------------------------------------------


async def test_a_professionals_recovery_link_needs_a_second_person_and_ends_the_old_passkeys_and_sessions(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur)
    old_passkey = await signed_in_as(client, db, world.regisseur)
    regisseur_cookies = dict(client.cookies)
    assert (await client.get(f"/huishoudens/{household.id}")).status_code == 200

    client.cookies.clear()
    await signed_in_as(client, db, world.admin)
    made = await submit(f"/beheer/mensen/{world.regisseur.id}", f"/beheer/mensen/{world.regisseur.id}/link", {})
    shown = await client.get(made.headers["location"])
    assert "werkt pas als een teamleider of een tweede beheerder hem goedkeurt" in shown.text
    found = TOKEN.search(shown.text)
    assert found
    token = found.group(1)
    # The admin cannot approve her own link, nor make one for herself.
    assert "Er wachten geen herstellinks op jou." in (await client.get("/herstellinks")).text
    people_page = await client.get(f"/beheer/mensen/{world.admin.id}")
    assert f"/beheer/mensen/{world.admin.id}/link" not in people_page.text
    assert "Dat ben jij" in people_page.text
    own = await client.post(
        f"/beheer/mensen/{world.admin.id}/link",
        data={"_csrf_token": csrf_from(people_page.text)},
        follow_redirects=False,
    )
    assert own.status_code == 403

    client.cookies.clear()
    waiting = await client.get(f"/aanmelden/{token}")
    assert waiting.status_code == 403
    assert "Deze link wacht op goedkeuring" in waiting.text and "je teamleider of een tweede beheerder" in waiting.text

    await signed_in_as(client, db, world.team_lead)
    page = await client.get("/herstellinks")
    assert "Voor Fatima, gemaakt door Bram" in page.text
    link_id = re.search(r"/herstellinks/([0-9a-f-]{36})/goedkeuren", page.text)
    assert link_id
    approved = await submit("/herstellinks", f"/herstellinks/{link_id.group(1)}/goedkeuren", {})
    assert approved.status_code == 303

    client.cookies.clear()
    new_passkey = SoftPasskey(rp_id="testserver.local", origin=TEST_ORIGIN)
    assert (await enrol(client, token, new_passkey)).status_code == 200
    events = await client.get("/mijn/passkeys")
    assert "Bram maakte een herstellink voor je." in events.text
    assert "Karin keurde de herstellink voor je goed." in events.text
    assert "Je oude passkeys werken niet meer" in events.text

    # The old session is signed out, and the old passkey no longer signs in.
    client.cookies.clear()
    client.cookies.update(regisseur_cookies)
    old = await client.get(f"/huishoudens/{household.id}", follow_redirects=False)
    assert old.status_code == 303 and old.headers["location"].startswith("/inloggen")
    client.cookies.clear()
    assert (await sign_in(client, old_passkey)).status_code == 400


async def test_a_members_recovery_link_made_by_the_regisseur_is_told_to_the_household(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    old_passkey = await signed_in_as(client, db, sanne)
    sanne_cookies = dict(client.cookies)

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    member = next(m for m in household.members if m.person_id == sanne.id)
    made = await submit(f"/huishoudens/{household.id}", f"/huishoudens/{household.id}/leden/{member.id}/link", {})
    found = TOKEN.search((await client.get(made.headers["location"])).text)
    assert found

    client.cookies.clear()
    # Using the link (a member's recovery needs no second person) ends Sanne's old passkey and session.
    assert (
        await enrol(client, found.group(1), SoftPasskey(rp_id="testserver.local", origin=TEST_ORIGIN))
    ).status_code == 200
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Sanne gebruikte een herstellink van Fatima. De oude passkeys van Sanne werken niet meer." in timeline.text
    assert await db.scalar(select(func.count()).select_from(Passkey).where(Passkey.person_id == sanne.id)) == 1
    client.cookies.clear()
    client.cookies.update(sanne_cookies)
    assert (await client.get(f"/huishoudens/{household.id}", follow_redirects=False)).status_code == 303
    client.cookies.clear()
    assert (await sign_in(client, old_passkey)).status_code == 400


# 3. Withdrawn passkeys end sessions --------------------------------------------------------------------


async def test_switching_off_a_members_passkeys_signs_out_the_phone_that_was_lost(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, sanne)
    lost_phone = dict(client.cookies)
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 200

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    member = next(m for m in household.members if m.person_id == sanne.id)
    revoked = await submit(
        f"/huishoudens/{household.id}", f"/huishoudens/{household.id}/leden/{member.id}/passkeys-intrekken", {}
    )
    assert revoked.status_code == 303

    client.cookies.clear()
    client.cookies.update(lost_phone)
    after = await client.get(f"/huishoudens/{household.id}/plan", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/inloggen")


# 4. Open redirect --------------------------------------------------------------------------------------


async def test_a_sign_in_link_cannot_send_someone_to_another_site(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get("/inloggen", params={"volgende": "/\t/example.org/"})
    assert "example.org" not in page.text
    assert 'value="/mijn"' in page.text or "/mijn" in page.text


async def test_the_answer_after_sign_in_names_only_a_path_on_this_site(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    passkey = await signed_in_as(client, db, sanne)
    client.cookies.clear()
    answer = await sign_in(client, passkey, next_path="/%09/example.org/")
    assert answer.json()["redirect"] == "/mijn"


# 5. Reads in refused and conflicting answers are logged ---------------------------------------------------


async def test_a_refused_rating_a_refused_assessment_and_a_conflict_shown_to_the_regisseur_are_logged(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk, goal = await member_with_plan(client, db, submit)
    household_id, goal_id, domain_key = household.id, goal.id, goal.domain_key
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    scores = f"/huishoudens/{household_id}/scores"

    before = await looks(db)
    # No button on the page sends a 9: sent as a hostile client would.
    refused = await submit(scores, f"{scores}/leefgebied/financien", {"score": "9"}, hostile=True)
    assert refused.status_code == 400
    assert await looks(db) == before + 2  # the scores page the form came from, and the refusal

    before = await looks(db)
    # The scores page offers a new assessment only once there is one: this post is made by hand.
    page = await client.get(scores)
    refused = await client.post(
        f"/huishoudens/{household_id}/metingen",
        data={"_csrf_token": csrf_from(page.text), "kind": "onbekend", "held_on": ""},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert await looks(db) == before + 2

    edit = f"/huishoudens/{household_id}/plan/doelen/{goal_id}/bewerken"
    before = await looks(db)
    # A version older than the page's, as from a form opened before someone else saved.
    conflict = await submit(
        edit,
        f"/huishoudens/{household_id}/plan/doelen/{goal_id}",
        {"domain_key": domain_key, "text": "Iets anders", "horizon": "eerst", "target_score": "", "version": "0"},
        hostile=True,
    )
    assert conflict.status_code == 409
    assert await looks(db) == before + 2


# 6. Two saves at the same moment ------------------------------------------------------------------------


async def test_two_people_saving_the_same_goal_at_once_get_one_success_and_one_conflict(
    settings: Settings, client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk, goal = await member_with_plan(client, db, submit)
    goal_id = goal.id
    edit = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/bewerken"
    target = f"/huishoudens/{household.id}/plan/doelen/{goal.id}"
    anouk_form = await open_form(client, edit, target)
    # The regisseur's browser reaches a second app process on the same database.
    async with AsyncTestClient(app=create_app(settings), base_url=TEST_ORIGIN) as regisseur:
        await signed_in_as(regisseur, db, world.regisseur)
        regisseur_form = await open_form(regisseur, edit, target)
        base = {"domain_key": goal.domain_key, "horizon": "eerst", "target_score": "", "version": str(goal.version)}
        answers = await asyncio.gather(
            send(client, anouk_form, {**base, "text": "Versie van Anouk"}),
            send(regisseur, regisseur_form, {**base, "text": "Versie van Fatima"}),
        )
    assert sorted(a.status_code for a in answers) == [303, 409]
    version_before = int(base["version"])
    await db.rollback()
    stored = await db.get(Goal, goal_id, populate_existing=True)
    assert stored is not None and stored.version == version_before + 1
    winner = next(a for a in answers if a.status_code == 303)
    loser = next(a for a in answers if a.status_code == 409)
    assert stored.text in ("Versie van Anouk", "Versie van Fatima")
    assert stored.text in loser.text  # the conflict page shows the version that won
    assert winner.headers["location"].endswith(f"#doel-{goal_id}")


# 7. Invisible and impossible text -----------------------------------------------------------------------


async def test_control_characters_are_refused_and_invisible_text_counts_as_empty(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _goal = await member_with_plan(client, db, submit)
    new = f"/huishoudens/{household.id}/plan/doelen/nieuw"
    create = f"/huishoudens/{household.id}/plan/doelen"
    base = {"domain_key": "financien", "horizon": "eerst", "target_score": ""}
    nul = await submit(new, create, {**base, "text": "Rust\x00 in huis"})
    assert nul.status_code == 400
    assert "Hier staat een teken in dat niet kan" in nul.text
    for invisible in ("\u200b\u200b", "\ufeff", " \u200b \u2060 "):
        refused = await submit(new, create, {**base, "text": invisible})
        assert refused.status_code == 400
        assert "Schrijf op wat jullie willen bereiken." in refused.text
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(Goal)) == 1

    decomposed = "Cafe\u0301 met de buren"
    assert (await submit(new, create, {**base, "text": decomposed})).status_code == 303
    stored = await db.scalar(select(Goal.text).where(Goal.domain_key == "financien"))
    assert stored == unicodedata.normalize("NFC", decomposed) == "Café met de buren"


# 8. No existence oracle ---------------------------------------------------------------------------------


async def test_offering_on_a_taken_card_answers_like_an_unknown_card(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, _household, _anouk, _action = await published_request(client, db, submit)
    request = await db.scalar(select(HelpRequest))
    assert request is not None
    request.status = "accepted"
    await db.commit()
    kees = await volunteer(db, world, "Kees")
    board, taken = await offer_as(client, db, kees, card_shown=False)
    unknown = await client.post(
        f"/taken/{uuid.uuid4()}/aanbieden", data={"_csrf_token": csrf_from(board.text)}, follow_redirects=False
    )
    assert taken.status_code == unknown.status_code == 404
    assert main_text(taken.text) == main_text(unknown.text)


# 9. Hardening -------------------------------------------------------------------------------------------


async def test_a_csrf_token_from_another_session_is_refused(
    client: AsyncTestClient[Litestar], db: AsyncSession, settings: Settings
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    # A valid token, as any other browser gets one with its first page.
    foreign = generate_csrf_token(settings.secret_key)
    await signed_in_as(client, db, sanne)
    own = csrf_from((await client.get("/mijn/passkeys")).text)
    assert own != foreign
    # The attacker's own token, planted as the cookie and sent with the form, does not pass.
    client.cookies.set("onsplan_csrf", foreign)
    refused = await client.post("/mijn/taal", data={"_csrf_token": foreign, "locale": "en"}, follow_redirects=False)
    assert refused.status_code == 403
    assert "Je formulier was verlopen" in refused.text


async def test_the_team_leads_list_is_logged_for_each_household_on_it(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    first, _ = await make_household(db, world.regisseur, "Bakker", ("Sanne",))
    second, _ = await make_household(db, world.colleague, "Jansen", ("Ahmed",))
    await signed_in_as(client, db, world.team_lead)
    page = await client.get("/team")
    assert "Bakker" in page.text and "Jansen" in page.text
    await db.rollback()
    rows = list(await db.scalars(select(AccessLogEntry).order_by(AccessLogEntry.created_at)))
    assert {(r.household_id, r.actor_name, r.actor_role, r.resource) for r in rows} == {
        (first.id, "Karin", "team_lead", "team_overview"),
        (second.id, "Karin", "team_lead", "team_overview"),
    }


async def test_a_malformed_passkey_answer_is_refused_not_a_crash(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, sanne)
    headers = {"x-csrftoken": client.cookies["onsplan_csrf"]}
    for credential in ({}, {"id": "x", "rawId": "!!", "response": {}, "type": "public-key"}, "geen passkey"):
        assert (await client.post("/passkeys/registratie/opties", json={}, headers=headers)).status_code == 200
        answer = await client.post("/passkeys/registratie", json={"credential": credential}, headers=headers)
        assert answer.status_code == 400, credential
    client.cookies.clear()
    await client.get("/")
    headers = {"x-csrftoken": client.cookies["onsplan_csrf"]}
    await client.post("/passkeys/inloggen/opties", headers=headers)
    bad_handle = {"rawId": "AAAA", "response": {"userHandle": "%%%"}}
    assert (
        await client.post("/passkeys/inloggen", json={"credential": bad_handle}, headers=headers)
    ).status_code == 400


def test_a_forged_forwarded_header_gets_no_fresh_sign_in_budget(settings: Settings) -> None:
    """The app served as ``onsplan run`` serves it, on loopback: without a trusted proxy, X-Forwarded-For is
    ignored, so the fourth attempt is refused whatever address the header claims."""
    limited = dataclasses.replace(settings, rate_limit_per_minute=3)
    args = build_parser().parse_args(["run", "--port", "0"])
    config = uvicorn.Config(create_app(limited), **server_options(limited, args))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            browser.get("/")
            headers = {"x-csrftoken": browser.cookies["onsplan_csrf"]}
            statuses = [
                browser.post(
                    "/passkeys/inloggen/opties", headers={**headers, "X-Forwarded-For": f"203.0.113.{n}"}
                ).status_code
                for n in range(5)
            ]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert statuses == [200, 200, 200, 429, 429]


async def test_looks_at_the_same_moment_keep_the_access_log_chain_intact(settings: Settings, db: AsyncSession) -> None:
    """Twenty outsiders' looks written at once, each in a transaction of its own as at the end of a request."""
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur)
    await db.refresh(world.regisseur, ["roles"])
    household_id = household.id
    look = access_log.Look.of(actor_for(world.regisseur), Relation.REGISSEUR, household_id, "plan")
    engine = make_engine(settings)

    async def one_look() -> None:
        async with AsyncSession(engine) as session, session.begin():
            await access_log.record_look(session, look)

    try:
        await asyncio.gather(*[one_look() for _ in range(20)])
    finally:
        await engine.dispose()
    await db.rollback()
    assert await looks(db) == 20
    assert await access_log.chain_is_intact(db, household_id)


async def test_after_a_browser_restart_drops_the_csrf_cookie_the_next_page_works_again(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    """The CSRF cookie lives as long as the browser; the session cookie longer. The first page after a restart
    gives the session's own token again, so its forms work."""
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, sanne)
    client.cookies.delete("onsplan_csrf")
    chosen = await submit("/mijn/passkeys", "/mijn/taal", {"locale": "en"})
    assert chosen.status_code == 303
    await db.refresh(sanne)
    assert sanne.locale == "en"
