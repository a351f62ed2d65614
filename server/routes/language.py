"""The choice of language, for anyone: before signing in it is kept in a cookie, after it with the person.

Households, their network and volunteers choose from every language of Ons Plan; professionals from
Dutch and English, the languages of their pages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Template

from server import i18n
from server.auth.next_path import local_path
from server.config import Settings
from server.domain.models import Person
from server.domain.people import LanguageChoice
from server.domain.policy import PUBLIC, Actor
from server.routes.deps import DbSession, Form
from server.web import render, see_other

# A year: the choice of someone who never signs in should last.
COOKIE_AGE = 365 * 24 * 3600


def languages_for(actor: Actor | None) -> list[tuple[str, str]]:
    """The languages this person can choose from, each named in itself."""
    codes: tuple[str, ...] = i18n.SUPPORTED_LOCALES
    if actor is not None and actor.reads_professional_pages_only:
        codes = i18n.PROFESSIONAL_LOCALES
    return [(code, i18n.LANGUAGE_NAMES[code]) for code in codes]


def _back_to(request: Request[Any, Any, Any]) -> str:
    """The page the person came from, when it is a page of this site. Taken from the Referer rather than
    from the link, so that no page carries its own address in its footer (a refusal must look the same
    whatever was asked)."""
    asked = request.query_params.get("terug")
    if asked:
        return local_path(asked, "/")
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or referer.path == "/taal":
        return "/"
    return local_path(referer.path + (f"?{referer.query}" if referer.query else ""), "/")


@get("/taal", name="language.choose", opt={"policy": PUBLIC})
async def language_page(request: Request[Any, Any, Any]) -> Template:
    actor: Actor | None = request.state.actor
    chosen = actor.person.locale if actor is not None else request.cookies.get(i18n.LANGUAGE_COOKIE)
    return render(
        request,
        "pages/public/language.html",
        {
            "languages": languages_for(actor),
            "chosen": chosen if chosen in i18n.SUPPORTED_LOCALES else "",
            "back": _back_to(request),
        },
    )


@post("/taal", name="language.save", opt={"policy": PUBLIC}, status_code=303)
async def save_language(
    request: Request[Any, Any, Any], db_session: DbSession, data: Form[LanguageChoice]
) -> Response[Any]:
    actor: Actor | None = request.state.actor
    settings: Settings = request.app.state.settings
    allowed = {code for code, _name in languages_for(actor)}
    choice = data.locale if data.locale in allowed else ""
    if actor is not None:
        person = await db_session.get(Person, actor.id)
        if person is not None:
            person.locale = choice or None
    response = see_other(local_path(data.terug, "/"))
    response.cookies.append(
        Cookie(
            key=i18n.LANGUAGE_COOKIE,
            value=choice,
            max_age=COOKIE_AGE if choice else 0,
            httponly=True,
            samesite="lax",
            path="/",
            secure=settings.secure_cookies,
        )
    )
    return response


ROUTES = [language_page, save_language]
