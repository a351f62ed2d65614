"""Sign in and out with a passkey, and enrol through a one-time link."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from server.auth import csrf, enrolment, passkeys, sessions
from server.auth.next_path import local_path
from server.config import Settings
from server.domain.errors import N_, DomainError, NotSignedIn
from server.domain.models import Person, WebSession
from server.domain.policy import PUBLIC, Action, Actor
from server.i18n import gettext as _
from server.routes.deps import DbSession
from server.web import render, see_other


def session_cookie(settings: Settings, token: str) -> Cookie:
    return Cookie(
        key=sessions.COOKIE_NAME,
        value=token,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
        max_age=settings.session_max_hours * 3600,
    )


async def browser_session(request: Request[Any, Any, Any], db: DbSession) -> tuple[WebSession, str | None]:
    """The session of this browser, or a new anonymous one (its token must then be set as cookie)."""
    current: WebSession | None = request.state.web_session
    if current is not None:
        return current, None
    token, created = await sessions.create(db, request.app.state.settings, None)
    return created, token


def json_answer(body: Any, *, new_token: str | None, settings: Settings, status_code: int = 200) -> Response[Any]:
    response = Response(body, status_code=status_code, headers={"Cache-Control": "no-store"})
    if new_token:
        response.set_cookie(session_cookie(settings, new_token))
    return response


def refusal(exc: DomainError, settings: Settings, new_token: str | None = None) -> Response[Any]:
    return json_answer({"error": _(exc.message)}, new_token=new_token, settings=settings, status_code=400)


async def sign_in_as(request: Request[Any, Any, Any], db: DbSession, person: Person, next_path: str) -> Response[Any]:
    """Rotate the session to a new id for ``person`` (session fixation) and answer where to go next."""
    settings: Settings = request.app.state.settings
    token, row = await sessions.rotate(db, settings, request.state.web_session, person)
    response = json_answer({"redirect": next_path}, new_token=token, settings=settings)
    # The CSRF token rotates with the session: from now on only the new session's own token is accepted.
    response.set_cookie(csrf.cookie(settings, csrf.bound_token(settings, row)))
    return response


@get("/inloggen", name="auth.sign_in", opt={"policy": PUBLIC})
async def sign_in_page(request: Request[Any, Any, Any], volgende: FromQuery[str | None] = None) -> Template:
    return render(request, "pages/auth/sign_in.html", {"next_path": local_path(volgende)})


@post(
    "/passkeys/inloggen/opties",
    name="auth.passkey.sign_in_options",
    opt={"policy": PUBLIC, "rate_limited": True},
    status_code=200,
)
async def sign_in_options(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    settings: Settings = request.app.state.settings
    web_session, new_token = await browser_session(request, db_session)
    options = passkeys.authentication_options(settings, web_session)
    return json_answer({"publicKey": options}, new_token=new_token, settings=settings)


@post(
    "/passkeys/inloggen",
    name="auth.passkey.sign_in_verify",
    opt={"policy": PUBLIC, "rate_limited": True},
    status_code=200,
)
async def sign_in_verify(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    settings: Settings = request.app.state.settings
    web_session: WebSession | None = request.state.web_session
    body = passkeys.parse_json(await request.body())
    pending = None
    if web_session is not None:
        pending = passkeys.take_pending(web_session, passkeys.AUTHENTICATION_KEY)
        # Store the removal of the challenge before verifying: a replayed answer must find nothing,
        # whatever happens next in this request.
        await db_session.commit()
    try:
        person = await passkeys.finish_authentication(db_session, settings, pending, body.get("credential", {}))
    except passkeys.PasskeyRefused as exc:
        return refusal(exc, settings)
    return await sign_in_as(request, db_session, person, local_path(str(body.get("next") or "")))


@get("/aanmelden/{token:str}", name="auth.enrol", opt={"policy": PUBLIC, "rate_limited": True})
async def enrol_page(request: Request[Any, Any, Any], db_session: DbSession, token: FromPath[str]) -> Template:
    try:
        row, person = await enrolment.find_valid(db_session, token)
    except enrolment.LinkAwaitsApproval:
        # Not an error of the person holding the link: it waits for a second person. Say who that can be.
        return render(request, "pages/auth/awaiting_approval.html", {}, status_code=403)
    inviter = await db_session.get(Person, row.created_by_id) if row.message and row.created_by_id else None
    return render(
        request,
        "pages/auth/enrol.html",
        {"person": person, "token": token, "message": row.message, "inviter": inviter.display_name if inviter else ""},
    )


@post(
    "/passkeys/registratie/opties",
    name="auth.passkey.register_options",
    opt={"policy": PUBLIC, "rate_limited": True},
    status_code=200,
)
async def register_options(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    """Start making a passkey: with an enrolment link, or as a signed-in person adding one."""
    settings: Settings = request.app.state.settings
    body = passkeys.parse_json(await request.body())
    token = str(body.get("token") or "")
    web_session, new_token = await browser_session(request, db_session)
    try:
        if token:
            _row, person = await enrolment.find_valid(db_session, token)
        else:
            actor: Actor | None = request.state.actor
            if actor is None:
                raise NotSignedIn
            person = actor.person
    except DomainError as exc:
        return refusal(exc, settings, new_token)
    options = await passkeys.registration_options(
        db_session, settings, web_session, person, enrolment_token=token or None
    )
    return json_answer({"publicKey": options}, new_token=new_token, settings=settings)


@post(
    "/passkeys/registratie",
    name="auth.passkey.register_verify",
    opt={"policy": PUBLIC, "rate_limited": True},
    status_code=200,
)
async def register_verify(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    settings: Settings = request.app.state.settings
    web_session: WebSession | None = request.state.web_session
    body = passkeys.parse_json(await request.body())
    pending = None
    if web_session is not None:
        pending = passkeys.take_pending(web_session, passkeys.REGISTRATION_KEY)
        # As with sign-in: the challenge is gone for good before the answer is verified.
        await db_session.commit()
    token = str((pending or {}).get("token") or "")
    try:
        if not pending:
            raise passkeys.PasskeyRefused(N_("Deze poging is verlopen. Begin opnieuw."))
        if token:
            # The link is used up only now that a passkey is really made; of two tries, one wins.
            person = await enrolment.consume(db_session, token)
        else:
            actor: Actor | None = request.state.actor
            if actor is None:
                raise NotSignedIn
            person = actor.person
        if str(person.id) != str(pending.get("person_id")):
            raise passkeys.PasskeyRefused
        name = str(body.get("name") or "") or passkeys.default_name(request.headers.get("user-agent", ""))
        await passkeys.finish_registration(db_session, settings, pending, person, body.get("credential", {}), name)
    except DomainError as exc:
        return refusal(exc, settings)
    if token:
        return await sign_in_as(request, db_session, person, "/mijn?welkom=1")
    return json_answer({"redirect": "/mijn/passkeys"}, new_token=None, settings=settings)


@post("/uitloggen", name="auth.sign_out", opt={"policy": Action.SIGNED_IN}, status_code=303)
async def sign_out(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    settings: Settings = request.app.state.settings
    token, _row = await sessions.rotate(db_session, settings, request.state.web_session, None)
    response = see_other("/?uitgelogd=1")
    response.set_cookie(session_cookie(settings, token))
    # The signed-out browser gets a new CSRF token too: the old one belonged to the ended session.
    response.set_cookie(csrf.fresh_cookie(settings))
    return response


ROUTES = [
    sign_in_page,
    sign_in_options,
    sign_in_verify,
    enrol_page,
    register_options,
    register_verify,
    sign_out,
]
