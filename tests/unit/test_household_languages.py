"""Every text a household, its network or a volunteer reads is there in Arabic, Turkish and Polish, with the
same placeholders as the Dutch; Arabic pages read from right to left."""

from __future__ import annotations

import re

import pytest

from server.i18n import PROFESSIONAL_LOCALES, SUPPORTED_LOCALES, current_locale, gettext, ngettext, text_direction
from tools import messages

HOUSEHOLD_ONLY = [locale for locale in SUPPORTED_LOCALES if locale not in PROFESSIONAL_LOCALES]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_the_texts_for_households_include_their_pages_and_leave_out_the_professionals_own() -> None:
    texts = messages.for_households()
    assert "Hoe gaat het?" in texts
    assert "Wie keek in ons plan" in texts
    assert "Nieuwe aanmelding" not in texts  # only the regisseur registers a household


@pytest.mark.parametrize("locale", HOUSEHOLD_ONLY)
def test_every_household_text_is_translated(locale: str) -> None:
    missing = [item["id"] for item in messages.todo(locale)]
    assert missing == [], f"{len(missing)} texts for households lack a {locale} translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("locale", HOUSEHOLD_ONLY)
def test_translations_keep_the_placeholders_of_the_dutch(locale: str) -> None:
    catalogue = messages.catalogue(locale)
    wrong = []
    for entry in catalogue:
        if not entry.id or not messages.is_translated(entry):
            continue
        sources = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        expected = set(PLACEHOLDER.findall(sources[-1])) | set(PLACEHOLDER.findall(sources[0]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # A plural form may leave out the number ("one notification"), never add or rename one.
            if not found <= expected or not set(PLACEHOLDER.findall(sources[0])) - {"num"} <= found:
                wrong.append((sources[0], string))
    assert wrong == []


def test_arabic_is_read_from_right_to_left_and_others_from_left_to_right() -> None:
    assert text_direction("ar") == "rtl"
    assert [text_direction(locale) for locale in ("nl", "en", "tr", "pl")] == ["ltr"] * 4


@pytest.mark.parametrize("locale", HOUSEHOLD_ONLY)
def test_a_household_page_title_and_a_count_come_out_in_the_language(locale: str) -> None:
    token = current_locale.set(locale)
    try:
        assert gettext("Hoe gaat het?") != "Hoe gaat het?"
        counted = ngettext("%(num)s passkey", "%(num)s passkeys", 3) % {"num": 3}
        assert "3" in counted and counted != "3 passkeys"
    finally:
        current_locale.reset(token)
