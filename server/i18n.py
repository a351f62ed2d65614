"""Interface language. Dutch (B1) is the source language; other languages come from Babel catalogues.

The language of the current request lives in a context variable, so that templates and code share one
``gettext`` without passing the request around.
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LOCALE = "nl"
SUPPORTED_LOCALES = ("nl", "en")

current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations_for(locale: str) -> _gettext.NullTranslations:
    """Compile the locale's .po catalogue in memory, so no build step is needed to run the app."""
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT_LOCALE or not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str) -> str:
    """Translate ``message``; text the domain marked with ``N_`` is translated from its template, and its
    values filled in afterwards."""
    translations = translations_for(current_locale.get())
    template = getattr(message, "template", None)
    if isinstance(template, str):
        params = getattr(message, "params", {})
        translated = translations.gettext(template)
        return translated % params if params else translated
    return translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(current_locale.get()).ngettext(singular, plural, n)


_ = gettext


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """The person's own choice first, then the browser's Accept-Language, then Dutch."""
    if preferred in SUPPORTED_LOCALES:
        return preferred
    if not accept_language:
        return DEFAULT_LOCALE
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        lang, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((quality, lang.strip().lower().split("-")[0]))
    for _quality, lang in sorted(weighted, key=lambda item: -item[0]):
        if lang in SUPPORTED_LOCALES:
            return lang
    return DEFAULT_LOCALE
