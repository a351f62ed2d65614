"""The policy table of DESIGN.md section 5, checked relation by relation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.domain.policy import HOUSEHOLD_RULES, NOTHING, Action, Can, InvolvedView, Relation, decide, involved_view

ALL = frozenset(Relation)
RELATION_MEMBER = re.compile(r"\bRelation\.[A-Z]")
TEMPLATE_RELATION = re.compile(r"(?<![.\w])relation\s*(==|!=|in\b|is\b)|\bis_member\b|\bis_regisseur\b|state\.relation")


# What a team lead does by role alone, without opening the dossier: give the household another regisseur
# (names and phases, "dat"-information) and approve a budget entry above the regisseur's mandate.
TEAM_LEAD_WORK = frozenset({Action.REGISSEUR_ASSIGN, Action.BUDGET_APPROVE})


@pytest.mark.parametrize("relation", [Relation.TEAM_LEAD, Relation.ADMIN, Relation.TEAM_COLLEAGUE])
def test_roles_alone_open_no_dossier(relation: Relation) -> None:
    for action in HOUSEHOLD_RULES:
        if relation is Relation.TEAM_LEAD and action in TEAM_LEAD_WORK:
            continue
        assert not decide(frozenset({relation}), action).allowed, action


def test_the_team_lead_reads_the_plan_only_while_an_escalation_is_open() -> None:
    assert not decide(frozenset({Relation.TEAM_LEAD}), Action.PLAN_READ).allowed
    decision = decide(frozenset({Relation.TEAM_LEAD, Relation.ESCALATION_LEAD}), Action.PLAN_READ)
    assert decision.allowed and decision.must_log
    for action in (Action.PLAN_WRITE, Action.RATINGS_READ, Action.TIMELINE_READ, Action.NETWORK_READ):
        assert not decide(frozenset({Relation.ESCALATION_LEAD}), action).allowed, action


def test_a_covering_colleague_has_the_regisseurs_rights_and_is_logged() -> None:
    for action, allowed in HOUSEHOLD_RULES.items():
        assert (Relation.COVERING in allowed) == (Relation.REGISSEUR in allowed), action
    decision = decide(frozenset({Relation.COVERING, Relation.TEAM_COLLEAGUE}), Action.PLAN_READ)
    assert decision.relation is Relation.COVERING and decision.must_log
    assert Can(Relation.COVERING).coordinate and Can(Relation.COVERING).covering


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
    assert not decide(ALL - {Relation.REGISSEUR, Relation.COVERING}, Action.MEMBER_ENROL).allowed


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


ROOT = Path(__file__).resolve().parents[3]


def test_no_route_or_template_works_out_the_policy_itself() -> None:
    """Routes and templates ask ``can`` (built from ``decide`` by the guard); a comparison with a relation
    there would be a second copy of the table that can drift from it."""
    found = []
    for path in sorted((ROOT / "server" / "routes").glob("*.py")):
        found += [
            f"{path.name}:{n}"
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if RELATION_MEMBER.search(line)
        ]
    for path in sorted((ROOT / "web" / "templates").rglob("*.html")):
        found += [
            f"{path.name}:{n}"
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if TEMPLATE_RELATION.search(line)
        ]
    assert found == []


def test_can_answers_from_the_table() -> None:
    for relation in Relation:
        can = Can(relation)
        assert can.write_plan == decide(frozenset({relation}), Action.PLAN_WRITE).allowed
        assert can.share == decide(frozenset({relation}), Action.SHARE_MANAGE).allowed
        assert can.invite == decide(frozenset({relation}), Action.NETWORK_INVITE).allowed
    assert not any(NOTHING(action) for action in HOUSEHOLD_RULES)


def test_only_the_households_own_regisseur_moves_its_trajectory() -> None:
    assert decide(frozenset({Relation.REGISSEUR}), Action.TRAJECTORY_MANAGE).allowed
    # ... or the colleague covering for them (waarneming).
    for relation in ALL - {Relation.REGISSEUR, Relation.COVERING}:
        assert not decide(frozenset({relation}), Action.TRAJECTORY_MANAGE).allowed, relation
    assert Can(Relation.REGISSEUR).manage_trajectory and not Can(Relation.MEMBER).manage_trajectory
