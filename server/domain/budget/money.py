"""Amounts of the gezinsbudget: read as a Dutch person types them, kept as whole cents, shown in euro.

What is accepted (the rule is written here once, the form's hint says it in short):
- a comma is the decimal sign: "12,50", "12,5", "1.234,56", "€ 1.234,56", and "12,-" for whole euros;
- a dot followed by groups of exactly three digits separates thousands: "1.234" is one thousand two hundred
  and thirty-four euro, "1.234.567" a little over a million (refused as too much, see below);
- a single dot followed by one or two digits is a decimal point, as on an English keyboard or a phone that
  offers no comma: "12.5" and "12.50" are twelve euro fifty;
- spaces (also between groups of thousands) and the euro sign are ignored.
Refused, with a message: nothing typed, letters or other signs, a minus (an amount is always positive; what
goes out is a spending, not a negative grant), zero, more than two decimals, more than € 100.000.

Amounts never pass through a float: cents are integers and are shown through ``Decimal``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency

from server.domain.errors import N_

# € 100.000,00: more than a household's budget is ever about; above it a typing error is likelier.
MAX_CENTS = 100_000_00

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_WHOLE_EUROS = re.compile(r",-{1,2}$")
_THOUSANDS_WITH_DOTS = re.compile(r"\d{1,3}(\.\d{3})+")
_DIGITS = re.compile(r"\d+")


class AmountError(ValueError):
    """The typed amount cannot be read or is not allowed; ``message`` says why, in Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_amount(raw: str) -> int:
    """The amount in whole cents, or ``AmountError`` with a Dutch message."""
    text = _SPACES.sub("", raw or "")
    for sign in ("€", "EUR", "eur"):
        text = text.removeprefix(sign).removesuffix(sign)
    if not text:
        raise AmountError(N_("Vul een bedrag in, bijvoorbeeld 12,50."))
    if text.startswith("-") or text.startswith("\u2212"):
        raise AmountError(N_("Een bedrag is altijd positief. Kies hierboven of het een toekenning of een uitgave is."))
    text = _WHOLE_EUROS.sub("", text)
    whole, comma, fraction = text.partition(",")
    if not comma and "." in whole and not _THOUSANDS_WITH_DOTS.fullmatch(whole):
        # One dot with one or two digits after it: a decimal point ("12.5").
        whole, _dot, fraction = whole.rpartition(".")
        comma = "."
    if _THOUSANDS_WITH_DOTS.fullmatch(whole):
        whole = whole.replace(".", "")
    if comma and not whole:
        # ",50": fifty cents.
        whole = "0"
    if not _DIGITS.fullmatch(whole) or (fraction and not _DIGITS.fullmatch(fraction)):
        raise AmountError(N_("Typ alleen cijfers, met een komma voor de centen, bijvoorbeeld 1.234,56."))
    if len(fraction) > 2:
        raise AmountError(N_("Een bedrag heeft hoogstens twee cijfers achter de komma."))
    cents = int(whole) * 100 + int(fraction.ljust(2, "0") or "0")
    if cents == 0:
        raise AmountError(N_("Het bedrag moet meer dan € 0,00 zijn."))
    if cents > MAX_CENTS:
        raise AmountError(N_("Dit bedrag is te hoog. Het kan hoogstens € 100.000,00 zijn."))
    return cents


def as_decimal(cents: int) -> Decimal:
    """Whole cents as an exact amount in euro."""
    return Decimal(cents).scaleb(-2)


def format_euro(cents: int, locale: str = "nl") -> str:
    """The amount as shown: "€ 1.234,56" in Dutch, "€1,234.56" in English (the space is a non-breaking one)."""
    return format_currency(as_decimal(cents), "EUR", locale=locale)


def typed(cents: int) -> str:
    """An amount as a Dutch person types it back into the form: "1234,56"."""
    whole, rest = divmod(cents, 100)
    return f"{whole},{rest:02d}"
