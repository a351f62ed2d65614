"""The gezinsbudget's rules without a database: reading a typed amount into cents, showing it in euro, the
mandate, the totals and when a spending is refused."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.domain.budget.ledger import (
    EntryInput,
    RefusalInput,
    Totals,
    needs_approval,
    spending_error,
    totals_of,
)
from server.domain.budget.model import BudgetEntry, EntryKind, EntryStatus
from server.domain.budget.money import MAX_CENTS, AmountError, format_euro, parse_amount, typed
from server.domain.errors import InvalidInput

NBSP = "\xa0"
TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("12,50", 12_50),
        ("12,5", 12_50),
        ("€ 1.234,56", 1234_56),
        ("1 234,56", 1234_56),
        ("1234", 1234_00),
        ("1.234", 1234_00),
        ("12.5", 12_50),
        ("12.50", 12_50),
        ("12,-", 12_00),
        (",50", 50),
        ("0,01", 1),
        ("12 €", 12_00),
        ("100.000", MAX_CENTS),
        (" 7 ", 7_00),
    ],
)
def test_what_a_dutch_person_types_is_read_into_whole_cents(raw: str, cents: int) -> None:
    assert parse_amount(raw) == cents


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Vul een bedrag in"),
        ("   ", "Vul een bedrag in"),
        ("-12,50", "altijd positief"),
        ("0", "meer dan"),
        ("0,00", "meer dan"),
        ("12,505", "hoogstens twee cijfers"),
        ("1234.567", "hoogstens twee cijfers"),
        ("100.000,01", "te hoog"),
        ("1000000", "te hoog"),
        ("twaalf", "Typ alleen cijfers"),
        ("12a", "Typ alleen cijfers"),
        ("1.2.3", "Typ alleen cijfers"),
        ("1e3", "Typ alleen cijfers"),
        ("12,5,0", "Typ alleen cijfers"),
    ],
)
def test_amounts_that_cannot_be_booked_are_refused_with_a_dutch_message(raw: str, message: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(raw)
    assert message in refused.value.message


def test_amounts_are_shown_in_euro_per_language_and_typed_back_with_a_comma() -> None:
    assert format_euro(1234_56) == f"€{NBSP}1.234,56"
    assert format_euro(30) == f"€{NBSP}0,30"
    assert format_euro(1234_56, "en") == "€1,234.56"
    assert typed(1234_56) == "1234,56" and typed(5) == "0,05"


def test_cents_add_up_exactly() -> None:
    assert parse_amount("0,10") + parse_amount("0,20") == parse_amount("0,30")
    assert format_euro(parse_amount("0,10") + parse_amount("0,20")) == f"€{NBSP}0,30"


def test_the_regisseur_decides_up_to_and_including_the_mandate() -> None:
    assert not needs_approval(500_00, 500_00)
    assert needs_approval(500_01, 500_00)
    assert needs_approval(1, 0)


def _entry(kind: EntryKind, cents: int, status: EntryStatus = EntryStatus.COUNTS) -> BudgetEntry:
    return BudgetEntry(
        household_id=uuid.uuid4(),
        trajectory_id=uuid.uuid4(),
        team_id=uuid.uuid4(),
        kind=kind,
        purpose="Iets",
        amount_cents=cents,
        booked_on=TODAY,
        status=status,
    )


def test_only_what_counts_is_in_the_totals_and_waiting_spending_holds_its_part() -> None:
    totals = totals_of(
        [
            _entry(EntryKind.GRANT, 500_00),
            _entry(EntryKind.GRANT, 900_00, EntryStatus.AWAITING),
            _entry(EntryKind.GRANT, 50_00, EntryStatus.REFUSED),
            _entry(EntryKind.SPENDING, 120_00),
            _entry(EntryKind.SPENDING, 200_00, EntryStatus.AWAITING),
            _entry(EntryKind.SPENDING, 999_00, EntryStatus.REFUSED),
        ]
    )
    assert totals == Totals(granted=500_00, spent=120_00, waiting_grants=900_00, waiting_spending=200_00)
    assert totals.left == 380_00 and totals.free == 180_00
    assert spending_error(180_00, totals) is None
    message = spending_error(180_01, totals)
    assert message is not None and f"€{NBSP}180,00" in message and "al wacht op goedkeuring" in message
    assert spending_error(1, Totals()) is not None


def test_the_form_is_checked_field_by_field() -> None:
    entry = EntryInput(kind="spending", purpose="  Schoolspullen  ", amount="12,50", booked_on="").validate(
        today=TODAY, started_on=TODAY - dt.timedelta(days=30)
    )
    assert (entry.kind, entry.purpose, entry.amount_cents, entry.booked_on) == (
        EntryKind.SPENDING,
        "Schoolspullen",
        12_50,
        TODAY,
    )
    with pytest.raises(InvalidInput) as refused:
        EntryInput(kind="gift", purpose="", amount="abc", booked_on="2027-01-30").validate(
            today=TODAY, started_on=TODAY
        )
    assert set(refused.value.errors) == {"kind", "purpose", "amount", "booked_on"}
    with pytest.raises(InvalidInput) as early:
        EntryInput(kind="grant", purpose="Iets", amount="5", booked_on="2026-10-01").validate(
            today=TODAY, started_on=TODAY - dt.timedelta(days=7)
        )
    assert "begin van het traject" in early.value.errors["booked_on"]
    # A month ahead is fine (a payment agreed for next month).
    EntryInput(kind="grant", purpose="Iets", amount="5", booked_on="2026-12-24").validate(today=TODAY, started_on=TODAY)


def test_a_refusal_needs_a_reason() -> None:
    with pytest.raises(InvalidInput):
        RefusalInput(reason=" \u200b ").validate()
    assert RefusalInput(reason="Eerst  een offerte.").validate() == "Eerst een offerte."
