"""Templates, fingerprinted static files, and the one helper that answers a full page or a fragment."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import mimetypes
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from markupsafe import Markup, escape

from server import i18n
from server.domain.policy import NOTHING
from server.domain.teamwork.model import LOCAL_TZ
from server.transactions import STATE_RENDERED

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = ROOT / "web" / "templates"
STATIC_DIR = ROOT / "web" / "static"
SERVICE_WORKER_PATH = ROOT / "service_worker" / "sw.js"
STATIC_PREFIX = "/static"
DESIGN_TOKENS = "css/tokens.css"
# The hidden field with a form's key: each form counts once, however often it is sent.
FORM_KEY_FIELD = "_sleutel"
_TOKEN = re.compile(r"(--[a-z0-9-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;")


@dataclass(frozen=True)
class StaticFile:
    path: Path
    fingerprint: str
    media_type: str


class StaticManifest:
    """Every file under web/static with a content hash, so its URL changes when its content does.

    Built once when the app is created; files are served with a one-year immutable cache.
    """

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        self.by_url: dict[str, StaticFile] = {}
        self._url_of: dict[str, str] = {}
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            logical = path.relative_to(directory).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".webmanifest":
                media_type = "application/manifest+json"
            entry = StaticFile(path=path, fingerprint=digest, media_type=media_type)
            stem, dot, suffix = logical.rpartition(".")
            hashed = f"{stem}.{digest}.{suffix}" if dot else f"{logical}.{digest}"
            self.by_url[hashed] = entry
            self._url_of[logical] = f"{STATIC_PREFIX}/{hashed}"
        # The colours the manifest and the theme-color meta give the browser (its title bar, the splash
        # screen of the installed app) are the stylesheet's own, so a gemeente theme replacing tokens.css
        # changes them too.
        self.colours: dict[str, str] = dict(_TOKEN.findall((directory / DESIGN_TOKENS).read_text(encoding="utf-8")))

    def url(self, logical: str) -> str:
        """The fingerprinted URL of a static file; an unknown name is a programming error."""
        return self._url_of[logical]

    def urls(self) -> dict[str, str]:
        return dict(self._url_of)


@lru_cache(maxsize=8192)
def _translation(locale: str, message: str) -> str:
    return i18n.translations_for(locale).gettext(message)


@lru_cache(maxsize=8192)
def _constant_text(locale: str, message: str) -> Markup:
    # The text is the template's own literal and its translation from our catalogue: markup we wrote.
    translated = Markup(_translation(locale, message))  # noqa: S704
    return translated % {} if "%" in translated else translated


def template_gettext(message: str, **values: Any) -> Markup:
    """``_()`` in templates: the translation as markup, with the values escaped into it.

    A text without values (most labels, repeated for every item on a page) is translated once per language
    and kept. Text from the domain (``N_``, with values of its own) is escaped as a whole.
    """
    if type(message) is not str:
        translated = escape(i18n.gettext(message))
        return translated % values if values else translated
    if not values:
        return _constant_text(i18n.current_locale.get(), message)
    # Each value escaped on its own, then put into our own text: what ``Markup % values`` does, without its
    # helper object per value. Numbers stay numbers, for a ``%(n)d``.
    escaped = {name: value if isinstance(value, int | float) else escape(value) for name, value in values.items()}
    return Markup(_translation(i18n.current_locale.get(), message) % escaped)  # noqa: S704


class FormKeys:
    """The keys of rendered forms: a random part per process and a counter. A key only has to be new: it is
    never a secret, because a key sent again answers to the same person for the same form only (see
    server/form_keys.py). Drawing 16 random bytes per form took a system call each, for every action on a plan
    page. The random part is drawn again in a process started by a fork, so two processes never share keys."""

    def __init__(self) -> None:
        self._pid = -1
        self._prefix = ""
        self._counter = itertools.count()

    def new(self) -> str:
        if self._pid != os.getpid():
            self._pid, self._prefix, self._counter = os.getpid(), secrets.token_urlsafe(12), itertools.count()
        return f"{self._prefix}{next(self._counter):x}"


form_keys = FormKeys()


@pass_context
def csrf_field(context: Context) -> Markup:
    """The hidden fields of every form that changes something: the CSRF token, and a new key that makes the
    form count once however often it is sent (see server/form_keys.py). A global rather than a macro, so
    that a partial rendered once per item needs no import with context (which Jinja would run again for
    every item)."""
    token = context.resolve_or_missing("csrf_token")
    value = context.call(token) if callable(token) else ""
    return Markup('<input type="hidden" name="_csrf_token" value="%s"><input type="hidden" name="%s" value="%s">') % (
        escape(value),
        FORM_KEY_FIELD,
        form_keys.new(),
    )


def clock_time() -> str:
    """The time now in the gemeente ("14:05"): when a page kept on a device for reading was fetched."""
    return dt.datetime.now(LOCAL_TZ).strftime("%H:%M")


def build_template_engine(manifest: StaticManifest) -> JinjaTemplateEngine:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        # Templates change only with a new release; checking their files on every render costs a stat each.
        auto_reload=False,
        autoescape=select_autoescape(["html", "xml", "svg"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = env.globals["gettext"] = template_gettext
    static_urls = manifest.urls()
    env.globals["static_url"] = static_urls.__getitem__
    env.globals["design_colour"] = manifest.colours.__getitem__
    env.globals["current_locale"] = i18n.current_locale.get
    env.globals["text_direction"] = lambda: i18n.text_direction(i18n.current_locale.get())
    env.globals["csrf"] = csrf_field
    env.globals["clock_time"] = clock_time
    return JinjaTemplateEngine.from_environment(env)


def is_fragment_request(request: Request[Any, Any, Any]) -> bool:
    """An htmx request that wants only the fragment: not boosted and not a history restore."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def render(
    request: Request[Any, Any, Any],
    page: str,
    context: Mapping[str, Any] | None = None,
    *,
    partial: str | None = None,
    status_code: int = 200,
) -> Template:
    """Answer the full page, or only ``partial`` when htmx asks for the fragment.

    The page includes the same partial file, so both answers show the same thing.
    """
    name = partial if partial and is_fragment_request(request) else page
    # A rendered view may show household data: the access log is written for it when it is sent.
    request.state[STATE_RENDERED] = True
    # What the person may do here, as the policy answers it; templates ask ``can``, never the relation.
    values = {"can": request.state.get("can", NOTHING), **(context or {})}
    return Template(
        template_name=name,
        context=values,
        status_code=status_code,
        headers=answer_headers(status_code),
    )


def answer_headers(status_code: int) -> dict[str, str]:
    """Headers of every HTML answer. htmx shows a refused form (4xx) with its messages in place, as the
    htmx-config in base.html asks; such an answer must not become the address in the browser's history,
    because opening that address again would not show the form."""
    headers = {"Vary": "HX-Request"}
    if status_code >= 400:
        headers["HX-Push-Url"] = "false"
    return headers


def flash(request: Request[Any, Any, Any], *names: str) -> str:
    """Which of the confirmations a page knows was asked for by the redirect that led to it (``?name=1``).
    Templates show the confirmation by this name and never read the query themselves."""
    return next((name for name in names if request.query_params.get(name)), "")


def see_other(path: str) -> Redirect:
    """Post/Redirect/Get: a form that succeeded answers 303 See Other."""
    return Redirect(path=path, status_code=303)
