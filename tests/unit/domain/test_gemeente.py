"""The admin's rules that need no database: amounts in euro as people type them, the bounds of a day a role
ends, and the one rule for whether a role still works (a role ended from a later day works until then)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.domain.errors import InvalidInput
from server.domain.gemeente import euro_text, parse_euro
from server.domain.models import Person, Role, RoleAssignment, utcnow
from server.domain.people import RoleEndInput, local_today
from server.domain.policy import actor_for


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("500", 50000),
        ("0", 0),
        ("500,5", 50050),
        ("750,50", 75050),
        ("1.250,50", 125050),
        ("1250.50", 125050),
        ("€ 10.000", 1000000),
        (" 12,05 ", 1205),
        ("1.25", 125),
        ("1.250", 125000),
    ],
)
def test_an_amount_in_euro_is_read_in_whole_cents(typed: str, cents: int) -> None:
    assert parse_euro(typed) == cents


@pytest.mark.parametrize("typed", ["", "vijfhonderd", "12,345", "1.2345", "-5", "1,2,3", "12.50,00", "1e3"])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    assert parse_euro(typed) is None


def test_cents_are_shown_as_typed_back() -> None:
    assert euro_text(50000) == "500"
    assert euro_text(125050) == "1250,50"
    assert parse_euro(euro_text(125005)) == 125005


def _person(*ends: dt.datetime | None) -> Person:
    person = Person(id=uuid.uuid4(), municipality_id=uuid.uuid4(), display_name="Joost")
    person.roles = [RoleAssignment(role=Role.REGISSEUR, team_id=uuid.uuid4(), revoked_at=end) for end in ends]
    return person


def test_a_role_works_until_the_moment_it_ends() -> None:
    now = utcnow()
    later = RoleAssignment(role=Role.REGISSEUR, revoked_at=now + dt.timedelta(hours=1))
    ended = RoleAssignment(role=Role.REGISSEUR, revoked_at=now - dt.timedelta(seconds=1))
    assert RoleAssignment(role=Role.REGISSEUR).active_at(now)
    assert later.active_at(now) and not later.active_at(now + dt.timedelta(hours=2))
    assert not ended.active_at(now)


def test_the_actor_has_the_roles_that_work_now() -> None:
    now = utcnow()
    assert actor_for(_person(None)).has_role(Role.REGISSEUR)
    assert actor_for(_person(now + dt.timedelta(days=1))).has_role(Role.REGISSEUR)
    assert not actor_for(_person(now - dt.timedelta(minutes=1))).has_role(Role.REGISSEUR)


def test_a_deactivated_person_has_no_roles() -> None:
    person = _person(None)
    person.deactivated_at = utcnow()
    assert actor_for(person).role_names == frozenset()


@pytest.mark.parametrize("days", [-1, 367])
def test_a_role_ends_today_or_on_a_later_day_within_a_year(days: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        RoleEndInput((local_today() + dt.timedelta(days=days)).isoformat()).validate()
    assert "ends_on" in refused.value.errors


def test_a_role_can_end_today_or_tomorrow() -> None:
    today = local_today()
    assert RoleEndInput(today.isoformat()).validate() == today
    assert RoleEndInput((today + dt.timedelta(days=1)).isoformat()).validate() == today + dt.timedelta(days=1)
    with pytest.raises(InvalidInput):
        RoleEndInput("morgen").validate()
