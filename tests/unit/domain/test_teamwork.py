"""The rules of the team's work without a database: what a doorbraak must say and which goal it may be about,
the team lead's decision, and the period and people of a waarneming."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.domain.errors import InvalidInput
from server.domain.teamwork.cover import MAX_DAYS, CoverInput
from server.domain.teamwork.escalation import (
    GRANTED,
    MAX_BLOCKED,
    MAX_BLOCKED_BY,
    MAX_DECISION,
    REFUSED,
    WHOLE_PLAN,
    DecisionInput,
    EscalationInput,
)
from server.domain.teamwork.model import EscalationStatus

TODAY = dt.date(2026, 11, 24)
GOAL = uuid.uuid4()
OTHER_HOUSEHOLDS_GOAL = uuid.uuid4()
FATIMA, JOOST = str(uuid.uuid4()), str(uuid.uuid4())
ALL_FIELDS = ("absent", "covering", "starts_on", "ends_on")


def escalation(**fields: str) -> EscalationInput:
    values = {"blocked": "De schuldsanering start pas over een half jaar", "blocked_by": "Schuldhulp"}
    values |= {"needed": "Een voorrangsplek", **fields}
    return EscalationInput(**values)


def refused_fields(data: EscalationInput, goals: set[uuid.UUID] | None = None) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        data.validate({GOAL} if goals is None else goals, TODAY)
    return refused.value.errors


# ------------------------------------------------------------------------------------------------------------
# The doorbraak the regisseur asks for
# ------------------------------------------------------------------------------------------------------------


def test_a_doorbraak_about_the_whole_plan_without_a_date_is_accepted() -> None:
    data = escalation(blocked="  De schuldsanering   start pas later ")
    assert data.validate({GOAL}, TODAY) == (None, None)
    # What is stored is what was typed, without the stray spaces.
    assert data.blocked == "De schuldsanering start pas later"


def test_a_doorbraak_about_one_goal_of_the_plan_names_that_goal_and_its_date() -> None:
    data = escalation(goal=str(GOAL), needed_by="2026-12-15")
    assert data.validate({GOAL}, TODAY) == (dt.date(2026, 12, 15), GOAL)


def test_what_is_blocked_by_whom_and_what_is_needed_are_all_required() -> None:
    errors = refused_fields(EscalationInput(blocked=" ", blocked_by="", needed="\n"))
    assert set(errors) == {"blocked", "blocked_by", "needed"}
    assert "vastzit" in errors["blocked"]
    assert "organisatie of regel" in errors["blocked_by"]
    assert "nodig" in errors["needed"]


def test_texts_longer_than_what_is_stored_are_refused() -> None:
    errors = refused_fields(escalation(blocked="x" * (MAX_BLOCKED + 1), blocked_by="y" * (MAX_BLOCKED_BY + 1)))
    assert set(errors) == {"blocked", "blocked_by"}
    assert "500" in errors["blocked"] and "200" in errors["blocked_by"]
    assert escalation(blocked="x" * MAX_BLOCKED).validate({GOAL}, TODAY) == (None, None)


def test_characters_that_cannot_be_stored_are_refused_per_field() -> None:
    assert set(refused_fields(escalation(blocked_by="Schuld\x00hulp"))) == {"blocked_by"}


def test_the_date_it_is_needed_by_may_be_today_but_not_in_the_past() -> None:
    assert escalation(needed_by=TODAY.isoformat()).validate({GOAL}, TODAY) == (TODAY, None)
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert "voorbij" in refused_fields(escalation(needed_by=yesterday))["needed_by"]


def test_a_date_that_is_not_a_date_is_refused() -> None:
    assert "datum" in refused_fields(escalation(needed_by="volgende week"))["needed_by"]


@pytest.mark.parametrize("goal", [str(OTHER_HOUSEHOLDS_GOAL), "geen-id", ""])
def test_the_goal_must_be_one_of_the_households_own(goal: str) -> None:
    # A goal of another household (or anything else sent in its place) is not taken for the whole plan.
    assert "doel uit het plan" in refused_fields(escalation(goal=goal))["goal"]


def test_a_plan_without_goals_only_offers_the_whole_plan() -> None:
    assert escalation(goal=WHOLE_PLAN).validate(set(), TODAY) == (None, None)
    assert set(refused_fields(escalation(goal=str(GOAL)), goals=set())) == {"goal"}


def test_every_wrong_field_is_reported_at_once() -> None:
    errors = refused_fields(EscalationInput(needed_by="2020-01-01", goal=str(OTHER_HOUSEHOLDS_GOAL)))
    assert set(errors) == {"blocked", "blocked_by", "needed", "needed_by", "goal"}


# ------------------------------------------------------------------------------------------------------------
# The team lead's decision
# ------------------------------------------------------------------------------------------------------------


def test_granting_says_what_is_arranged() -> None:
    data = DecisionInput(outcome=GRANTED, arranged=" Voorrang geregeld bij Schuldhulp. ", reason="niet gebruikt")
    assert data.validate() == (EscalationStatus.GRANTED, "Voorrang geregeld bij Schuldhulp.")


def test_refusing_says_why() -> None:
    data = DecisionInput(outcome=REFUSED, arranged="niet gebruikt", reason="Er is een andere weg.")
    assert data.validate() == (EscalationStatus.REFUSED, "Er is een andere weg.")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (DecisionInput(outcome="", arranged="Geregeld"), "outcome"),
        (DecisionInput(outcome="misschien", reason="Omdat"), "outcome"),
        (DecisionInput(outcome=GRANTED, arranged="  "), "arranged"),
        (DecisionInput(outcome=GRANTED, reason="Alleen een reden"), "arranged"),
        (DecisionInput(outcome=REFUSED, reason=""), "reason"),
        (DecisionInput(outcome=GRANTED, arranged="x" * (MAX_DECISION + 1)), "arranged"),
        (DecisionInput(outcome=REFUSED, reason="x" * (MAX_DECISION + 1)), "reason"),
        (DecisionInput(outcome=REFUSED, reason="Om\x00dat"), "reason"),
    ],
)
def test_a_decision_without_its_words_is_refused(data: DecisionInput, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        data.validate()
    assert set(refused.value.errors) == {field}


# ------------------------------------------------------------------------------------------------------------
# Waarneming
# ------------------------------------------------------------------------------------------------------------


def cover(**fields: str) -> CoverInput:
    values = {"absent": FATIMA, "covering": JOOST, "starts_on": "2026-11-30", "ends_on": "2026-12-11", **fields}
    return CoverInput(**values)


def cover_errors(data: CoverInput) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        data.validate(TODAY)
    return refused.value.errors


def test_a_cover_names_two_colleagues_and_a_period() -> None:
    assert cover().validate(TODAY) == (
        uuid.UUID(FATIMA),
        uuid.UUID(JOOST),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 11),
    )


def test_a_cover_may_start_today_and_last_a_single_day() -> None:
    today = TODAY.isoformat()
    assert cover(starts_on=today, ends_on=today).validate(TODAY)[2:] == (TODAY, TODAY)


def test_a_cover_does_not_start_in_the_past() -> None:
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert "voorbij" in cover_errors(cover(starts_on=yesterday))["starts_on"]


def test_a_cover_does_not_end_before_it_starts() -> None:
    assert "voor de begindatum" in cover_errors(cover(starts_on="2026-12-11", ends_on="2026-12-10"))["ends_on"]


def test_a_cover_lasts_at_most_about_six_months() -> None:
    starts = dt.date(2026, 12, 1)
    longest = starts + dt.timedelta(days=MAX_DAYS)
    assert cover(starts_on=starts.isoformat(), ends_on=longest.isoformat()).validate(TODAY)[3] == longest
    too_long = (longest + dt.timedelta(days=1)).isoformat()
    assert "6 maanden" in cover_errors(cover(starts_on=starts.isoformat(), ends_on=too_long))["ends_on"]


def test_nobody_covers_for_themselves() -> None:
    assert "andere collega" in cover_errors(cover(covering=FATIMA))["covering"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"absent": ""}, {"absent"}),
        ({"covering": "iemand"}, {"covering"}),
        ({"starts_on": "maandag"}, {"starts_on"}),
        ({"ends_on": ""}, {"ends_on"}),
        (dict.fromkeys(ALL_FIELDS, ""), set(ALL_FIELDS)),
    ],
)
def test_missing_or_unreadable_fields_are_reported_per_field(fields: dict[str, str], expected: set[str]) -> None:
    assert set(cover_errors(cover(**fields))) == expected
