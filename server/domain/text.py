"""Free text as people type it and as it is stored: the one input layer for every text field.

- Control characters (a NUL byte, an escape, ...) are refused with a message beside the field; a long
  text (a textarea) may hold newlines and tabs. PostgreSQL cannot store a NUL at all, and the other
  control characters only ever arrive by accident or on purpose, never from someone typing.
- Text that is empty once whitespace and invisible characters (zero-width, byte-order mark, soft hyphen,
  direction marks) are removed is empty: a goal of invisible characters is no goal.
- Unicode is stored in one form (NFC), so that the same word typed on two phones is the same text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

from server.domain.errors import N_, InvalidInput

# Characters that take no space are Unicode's format characters (category Cf): zero-width space and joiners,
# word joiner, byte-order mark, soft hyphen, direction marks and isolates.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp"})
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


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE_CATEGORIES


def clean(value: object) -> str:
    """One line of text as it is stored: NFC, whitespace collapsed, invisible characters at the ends gone, and
    nothing at all if nothing visible is left. (Inside a word they may matter, as a joiner in an emoji or a
    non-joiner in Persian, so they stay there.)"""
    text = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def refused(long_texts: Collection[str] = (), **fields: str) -> dict[str, str]:
    """A message for each field whose raw value holds a character that cannot be stored."""
    return {
        name: REFUSED for name, value in fields.items() if has_forbidden_characters(value, long_text=name in long_texts)
    }


def check(field: str, value: str, *, long_text: bool = False) -> None:
    """Refuse one field on its own, for use cases that read a single text."""
    if has_forbidden_characters(value, long_text=long_text):
        raise InvalidInput({field: REFUSED})
