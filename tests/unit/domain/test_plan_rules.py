"""The plan's rules without a database: validation, own strength first, ticks, sharing visibility."""

from __future__ import annotations

import datetime as dt

import pytest

from server.domain.errors import InvalidInput
from server.domain.plan.service import ActionInput, GoalInput, writer_role
from server.domain.policy import HOUSEHOLD_RULES, Action, Relation, decide
from server.domain.ratings.instruments import built_in

ZRM = built_in()["zrm11"]
TODAY = dt.date(2026, 11, 23)


def test_a_goal_is_cleaned_and_its_target_is_a_score_on_the_scale() -> None:
    domain, text, horizon, target = GoalInput("financien", "  Geen  schulden meer ", "een_jaar", "4").validate(ZRM)
    assert (domain, text, horizon, target) == ("financien", "Geen schulden meer", "een_jaar", 4)
    assert GoalInput("financien", "Rust", "eerst", "").validate(ZRM)[3] is None


@pytest.mark.parametrize(
    ("goal", "field"),
    [
        (GoalInput("financien", "", "eerst"), "text"),
        (GoalInput("financien", "x" * 501, "eerst"), "text"),
        (GoalInput("onbekend", "Rust", "eerst"), "domain_key"),
        (GoalInput("financien", "Rust", "morgen"), "horizon"),
        (GoalInput("financien", "Rust", "eerst", "0"), "target_score"),
        (GoalInput("financien", "Rust", "eerst", "zes"), "target_score"),
    ],
)
def test_goals_that_cannot_be_stored_are_refused(goal: GoalInput, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        goal.validate(ZRM)
    assert field in refused.value.errors


def test_choosing_a_professional_asks_why_and_other_choices_drop_the_reason() -> None:
    with pytest.raises(InvalidInput) as refused:
        ActionInput("Schulden regelen", "professional").validate(today=TODAY)
    assert "professional_reason" in refused.value.errors
    values = ActionInput("Boodschappen", "netwerk", professional_reason="oud").validate(today=TODAY)
    assert values["professional_reason"] == ""


def test_a_new_due_date_in_the_past_is_refused_but_an_old_one_may_stay() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        ActionInput("Bellen", "zelf", due_on=yesterday.isoformat()).validate(today=TODAY)
    assert "due_on" in refused.value.errors
    kept = ActionInput("Bellen", "zelf", due_on=yesterday.isoformat()).validate(today=TODAY, previous_due=yesterday)
    assert kept["due_on"] == yesterday
    with pytest.raises(InvalidInput):
        ActionInput("Bellen", "zelf", due_on="31-02-2027").validate(today=TODAY)


def test_who_wrote_a_goal() -> None:
    assert writer_role(Relation.MEMBER) == "household"
    assert writer_role(Relation.REGISSEUR) == "regisseur"


def test_only_the_household_shares_and_exports() -> None:
    for action in (Action.SHARE_MANAGE, Action.EXPORT):
        allowed = {relation for relation in Relation if decide(frozenset({relation}), action).allowed}
        assert allowed == {Relation.MEMBER}, action


def test_ratings_stay_with_the_household_and_its_regisseur() -> None:
    # ... the colleague covering for the regisseur, and (reading only) a partner the household shared them with.
    regisseur = frozenset({Relation.MEMBER, Relation.REGISSEUR, Relation.COVERING})
    assert HOUSEHOLD_RULES[Action.RATINGS_READ] == regisseur | {Relation.PARTNER_WITH_RATINGS_SHARE}
    assert HOUSEHOLD_RULES[Action.RATINGS_WRITE] == regisseur
