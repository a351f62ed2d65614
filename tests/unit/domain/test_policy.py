"""The policy table of DESIGN.md section 5, checked relation by relation."""

from __future__ import annotations

import pytest

from server.domain.policy import HOUSEHOLD_RULES, Action, InvolvedView, Relation, decide, involved_view

ALL = frozenset(Relation)


@pytest.mark.parametrize("relation", [Relation.TEAM_LEAD, Relation.ADMIN, Relation.TEAM_COLLEAGUE])
def test_roles_alone_open_no_dossier(relation: Relation) -> None:
    for action in HOUSEHOLD_RULES:
        assert not decide(frozenset({relation}), action).allowed, action


def test_household_members_see_everything_and_are_not_logged() -> None:
    for action in (Action.PLAN_READ, Action.RATINGS_READ, Action.TIMELINE_READ, Action.ACCESS_LOG_READ):
        decision = decide(frozenset({Relation.MEMBER}), action)
        assert decision.allowed and not decision.must_log


def test_regisseur_reads_are_logged() -> None:
    decision = decide(frozenset({Relation.REGISSEUR}), Action.PLAN_READ)
    assert decision.allowed and decision.must_log and decision.relation is Relation.REGISSEUR


def test_network_member_sees_no_ratings_timeline_or_access_log() -> None:
    network = frozenset({Relation.NETWORK_WITH_SHARE})
    assert decide(network, Action.PLAN_READ).allowed
    for action in (Action.RATINGS_READ, Action.TIMELINE_READ, Action.ACCESS_LOG_READ, Action.PLAN_WRITE):
        assert not decide(network, action).allowed, action


def test_only_the_regisseur_enrols_members() -> None:
    assert decide(frozenset({Relation.REGISSEUR}), Action.MEMBER_ENROL).allowed
    assert not decide(ALL - {Relation.REGISSEUR}, Action.MEMBER_ENROL).allowed


def test_a_member_who_is_also_a_volunteer_is_treated_as_member() -> None:
    decision = decide(frozenset({Relation.MEMBER, Relation.VOLUNTEER_ACCEPTED}), Action.HOUSEHOLD_VIEW)
    assert decision.relation is Relation.MEMBER and not decision.must_log


def test_no_relation_no_access() -> None:
    for action in HOUSEHOLD_RULES:
        assert not decide(frozenset(), action).allowed


@pytest.mark.parametrize(
    ("relation", "view"),
    [
        (Relation.MEMBER, InvolvedView.ALL),
        (Relation.REGISSEUR, InvolvedView.ALL),
        (Relation.PARTNER_WITH_SHARE, InvolvedView.ALL),
        (Relation.NETWORK_WITH_SHARE, InvolvedView.NAMES),
        (Relation.VOLUNTEER_ACCEPTED, InvolvedView.NONE),
        (Relation.TEAM_COLLEAGUE, InvolvedView.NONE),
        (Relation.TEAM_LEAD, InvolvedView.NONE),
        (Relation.ADMIN, InvolvedView.NONE),
        (None, InvolvedView.NONE),
    ],
)
def test_who_is_involved_is_seen_in_full_by_names_only_or_not_at_all(
    relation: Relation | None, view: InvolvedView
) -> None:
    assert involved_view(relation) is view
