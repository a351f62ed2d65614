"""The involvement register's form rules: what a row needs, and which dates make sense."""

from __future__ import annotations

import datetime as dt

import pytest

from server.domain.errors import InvalidInput
from server.domain.involvement import EndInput, InvolvementInput, is_contact

TODAY = dt.date(2026, 11, 24)


def errors_of(data: InvolvementInput) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        data.validate(today=TODAY)
    return caught.value.errors


def test_a_complete_row_is_cleaned() -> None:
    data = InvolvementInput(
        organisation_name="  Schuldhulp   Woerden ",
        professional_name="Joris de Wit",
        contact=" 0348 123 456 ",
        from_on="2026-03-03",
    )
    row = data.validate(today=TODAY)
    assert row.organisation_name == "Schuldhulp Woerden"
    assert row.professional_name == "Joris de Wit"
    assert row.contact == "0348 123 456"
    assert row.from_on == dt.date(2026, 3, 3) and row.to_on is None


def test_only_the_organisation_and_the_start_are_needed() -> None:
    row = InvolvementInput(organisation_name="MEE", from_on="2026-11-24").validate(today=TODAY)
    assert row.professional_name == "" and row.contact == ""


def test_without_an_organisation_or_start_the_form_says_what_is_missing() -> None:
    errors = errors_of(InvolvementInput(organisation_name="  \u200b ", from_on=""))
    assert errors == {
        "organisation_name": "Vul in welke organisatie meehelpt.",
        "from_on": "Vul in sinds wanneer ze meehelpen.",
    }


def test_names_and_contact_have_a_sensible_length() -> None:
    errors = errors_of(
        InvolvementInput(
            organisation_name="x" * 121, professional_name="y" * 121, contact="1" * 81, from_on="2026-01-01"
        )
    )
    assert errors["organisation_name"] == "De naam is te lang (hoogstens 120 tekens)."
    assert errors["professional_name"] == "De naam is te lang (hoogstens 120 tekens)."
    assert errors["contact"] == "Dit is te lang (hoogstens 80 tekens)."


@pytest.mark.parametrize(
    "contact",
    ["0348 123 456", "06-12345678", "+31 (0)348 123456", "j.dewit@schuldhulp-woerden.nl", "info@mee.nl"],
)
def test_a_phone_number_or_e_mail_address_is_a_way_to_reach_someone(contact: str) -> None:
    assert is_contact(contact)


@pytest.mark.parametrize(
    "contact", ["bel maar", "12345", "j.dewit@", "@mee.nl", "joris at mee.nl", "0348 123 456 of mailen", "a@b@c.nl"]
)
def test_anything_else_is_not(contact: str) -> None:
    errors = errors_of(InvolvementInput(organisation_name="MEE", contact=contact, from_on="2026-11-01"))
    assert errors == {
        "contact": "Vul een telefoonnummer of een e-mailadres in, bijvoorbeeld 0348 123 456 of j.dewit@voorbeeld.nl."
    }


def test_a_start_may_be_planned_but_not_far_ahead() -> None:
    soon = (TODAY + dt.timedelta(days=30)).isoformat()
    assert InvolvementInput(organisation_name="MEE", from_on=soon).validate(today=TODAY).from_on.isoformat() == soon
    far = (TODAY + dt.timedelta(days=200)).isoformat()
    assert errors_of(InvolvementInput(organisation_name="MEE", from_on=far)) == {
        "from_on": "Deze datum ligt te ver vooruit. Kies een datum tot drie maanden na vandaag."
    }


def test_a_date_that_is_no_date_is_refused() -> None:
    errors = errors_of(InvolvementInput(organisation_name="MEE", from_on="3 maart", to_on="gisteren"))
    assert errors == {
        "from_on": "Vul een datum in, bijvoorbeeld 15-03-2027.",
        "to_on": "Vul een datum in, bijvoorbeeld 15-03-2027.",
    }


def test_an_earlier_involvement_ends_after_it_began_and_not_in_the_future() -> None:
    earlier = InvolvementInput(organisation_name="GGZ", from_on="2024-01-10", to_on="2025-06-30")
    assert earlier.validate(today=TODAY).to_on == dt.date(2025, 6, 30)
    backwards = InvolvementInput(organisation_name="GGZ", from_on="2025-01-10", to_on="2024-06-30")
    assert errors_of(backwards) == {"to_on": "Het einde kan niet voor het begin liggen."}
    ahead = InvolvementInput(organisation_name="GGZ", from_on="2025-01-10", to_on="2026-12-01")
    assert errors_of(ahead) == {"to_on": "Deze datum is nog niet geweest. Laat het einde leeg zolang ze meehelpen."}


def test_a_control_character_is_refused_beside_its_field() -> None:
    errors = errors_of(InvolvementInput(organisation_name="MEE\x00", from_on="2026-11-01"))
    assert list(errors) == ["organisation_name"]
    assert "onzichtbaar stuurteken" in errors["organisation_name"]


def test_ending_is_today_unless_another_day_is_given() -> None:
    start = dt.date(2026, 3, 3)
    assert EndInput().validate(from_on=start, today=TODAY) == TODAY
    assert EndInput("2026-10-31").validate(from_on=start, today=TODAY) == dt.date(2026, 10, 31)
    for typed, message in (
        ("2026-03-02", "Het einde kan niet voor het begin liggen."),
        ("2026-11-25", "Deze datum is nog niet geweest. Laat het einde leeg zolang ze meehelpen."),
        ("morgen", "Vul een datum in, bijvoorbeeld 15-03-2027."),
    ):
        with pytest.raises(InvalidInput) as caught:
            EndInput(typed).validate(from_on=start, today=TODAY)
        assert caught.value.errors == {"to_on": message}
