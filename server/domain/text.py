"""Free text as people type it and as it is stored: the one input layer for every text field.

- Control characters (a NUL byte, an escape, ...) are refused with a message beside the field; a long
  text (a textarea) may hold newlines and tabs. PostgreSQL cannot store a NUL at all, and the other
  control characters only ever arrive by accident or on purpose, never from someone typing.
- Text that is empty once whitespace, zero-width characters and byte-order marks are removed is empty:
  a goal of invisible characters is no goal.
- Unicode is stored in one form (NFC), so that the same word typed on two phones is the same text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

from server.domain.errors import N_, InvalidInput

# Characters that take no space: zero-width space, non-joiner and joiner, word joiner, byte-order mark.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
LONG_TEXT_CONTROLS = frozenset("\n\r\t")
NONCHARACTERS = frozenset("\ufffe\uffff")

REFUSED = N_("Hier staat een teken in dat niet kan, zoals een onzichtbaar stuurteken. Typ de tekst opnieuw.")


def has_forbidden_characters(value: str, *, long_text: bool = False) -> bool:
    allowed = LONG_TEXT_CONTROLS if long_text else frozenset()
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in allowed) or category == "Cs" or char in NONCHARACTERS:
            return True
    return False


def clean(value: object) -> str:
    """One line of text as it is stored: NFC, whitespace collapsed, invisible characters at the ends gone.
    (Inside a word they may matter, as a joiner in an emoji or a non-joiner in Persian, so they stay.)"""
    text = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    text = text.strip(INVISIBLE + " ")
    while text != (shorter := text.strip(INVISIBLE).strip()):
        text = shorter
    return text


def refused(long_texts: Collection[str] = (), **fields: str) -> dict[str, str]:
    """A message for each field whose raw value holds a character that cannot be stored."""
    return {
        name: REFUSED for name, value in fields.items() if has_forbidden_characters(value, long_text=name in long_texts)
    }


def check(field: str, value: str, *, long_text: bool = False) -> None:
    """Refuse one field on its own, for use cases that read a single text."""
    if has_forbidden_characters(value, long_text=long_text):
        raise InvalidInput({field: REFUSED})
