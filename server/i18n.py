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
# Household, network and volunteer pages come in every one of these; professionals' pages in Dutch and
# English only (PROFESSIONAL_LOCALES), so a professional whose browser asks for Arabic reads Dutch.
SUPPORTED_LOCALES = ("nl", "en", "ar", "tr", "pl")
PROFESSIONAL_LOCALES = ("nl", "en")
RIGHT_TO_LEFT = frozenset({"ar"})
# Each language named in itself, for the choice of language.
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "ar": "العربية", "tr": "Türkçe", "pl": "Polski"}
# The cookie that keeps the language chosen before signing in (or by someone who never signs in).
LANGUAGE_COOKIE = "taal"

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
        # A value that is domain text itself (a day's name in a refusal) is translated too.
        params = {
            key: gettext(value) if isinstance(value, str) and hasattr(value, "template") else value
            for key, value in getattr(message, "params", {}).items()
        }
        translated = translations.gettext(template)
        return translated % params if params else translated
    return translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(current_locale.get()).ngettext(singular, plural, n)


_ = gettext


def text_direction(locale: str) -> str:
    return "rtl" if locale in RIGHT_TO_LEFT else "ltr"


def limit_to_professional_languages(accept_language: str | None) -> None:
    """A professional's page: the page's language if it is Dutch or English, else the first of those the
    browser asks for, else Dutch."""
    if current_locale.get() not in PROFESSIONAL_LOCALES:
        current_locale.set(negotiate(accept_language, allowed=PROFESSIONAL_LOCALES))


def negotiate(
    accept_language: str | None, preferred: str | None = None, allowed: tuple[str, ...] = SUPPORTED_LOCALES
) -> str:
    """The person's own choice first, then the browser's Accept-Language, then Dutch."""
    if preferred in allowed:
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
        if lang in allowed:
            return lang
    return DEFAULT_LOCALE
