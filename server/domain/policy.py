"""Who may do what: the one authorisation policy (DESIGN.md section 5).

Every route declares one ``Action`` (or ``PUBLIC``). The guard in ``server/routes/guard.py`` asks
``decide`` with the person's relation to the household the route is about. Nothing else decides access.

A relation is what a person *is* to a household: a member, its regisseur, a colleague in the same team,
and so on. Roles alone never open a dossier: a team lead or admin has no relation that reads content.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import (
    PROFESSIONAL_ROLES,
    Household,
    Member,
    Municipality,
    Person,
    Phase,
    Role,
    RoleAssignment,
    Trajectory,
    utcnow,
)
from server.domain.plan.model import Share, ShareSubject
from server.domain.teamwork.model import Cover, Escalation, EscalationStatus, cover_day
from server.domain.volunteering.model import HelpOffer, HelpOfferStatus, HelpRequest, HelpRequestStatus
from server.domain.workspace.model import Handover, HandoverStatus

PUBLIC = "public"


class Action(enum.StrEnum):
    # Any signed-in person, about themselves: their home page, their passkeys.
    SIGNED_IN = "signed_in"
    # Household-scoped reads and writes.
    HOUSEHOLD_VIEW = "household.view"
    PLAN_READ = "plan.read"
    PLAN_WRITE = "plan.write"
    # Strike a goal out of the plan ("doel schrappen"): the household's own words, so the household decides.
    GOAL_REMOVE = "goal.remove"
    RATINGS_READ = "ratings.read"
    INVOLVED_READ = "involved.read"
    TIMELINE_READ = "timeline.read"
    ACCESS_LOG_READ = "access_log.read"
    MEMBER_ENROL = "member.enrol"
    RATINGS_WRITE = "ratings.write"
    # Tick an action off (or undo it): the household, its regisseur, and whoever the action is for.
    ACTION_TICK = "action.tick"
    # Share a goal or withdraw a share: the household decides.
    SHARE_MANAGE = "share.manage"
    # Download the whole dossier.
    EXPORT = "export"
    # The network map: who is around the household.
    NETWORK_READ = "network.read"
    NETWORK_WRITE = "network.write"
    # Invite someone from the map, or withdraw a helper's access: the household decides.
    NETWORK_INVITE = "network.invite"
    ACCESS_WITHDRAW = "access.withdraw"
    # A network member leaves the plan of their own accord.
    NETWORK_LEAVE = "network.leave"
    # A short note on an action by whoever does it.
    ACTION_NOTE = "action.note"
    # Offer an action to volunteers as an anonymous card; accept or decline offers, confirm it was done.
    HELP_PUBLISH = "help.publish"
    HELP_DECIDE = "help.decide"
    # A volunteer whose offer was accepted: the details needed for the task, and marking it done.
    HELP_TASK = "help.task"
    # Move the trajectory through its lifecycle (triage, for now): the household's own regisseur.
    TRAJECTORY_MANAGE = "trajectory.manage"
    # The hulpverleningsbiografie (earlier help), read and written like the ratings.
    HISTORY_READ = "history.read"
    HISTORY_WRITE = "history.write"
    # The gespreksverslag of the intake: read by the household and its regisseur, corrected by the household.
    REPORT_READ = "report.read"
    REPORT_CORRECT = "report.correct"
    # The household says "akkoord" on its plan itself.
    PLAN_AGREE = "plan.agree"
    # The person a handover is offered to (a partner professional or a colleague regisseur) reads it and
    # accepts or declines.
    HANDOVER_RESPOND = "handover.respond"
    # A partner professional says "wij pakken dit op" on an action assigned to their organisation.
    ACTION_TAKE = "action.take"
    # The regisseur asks the team lead for a breakthrough (doorbraak); the team lead decides it.
    ESCALATION_RAISE = "escalation.raise"
    ESCALATION_DECIDE = "escalation.decide"
    # The team lead gives the household another regisseur of the team.
    REGISSEUR_ASSIGN = "regisseur.assign"
    # The gezinsbudget: the household reads its ledger, the regisseur books, the team lead approves what is
    # above the regisseur's mandate.
    BUDGET_READ = "budget.read"
    BUDGET_WRITE = "budget.write"
    BUDGET_APPROVE = "budget.approve"
    # Evaluations: the household and the regisseur read them; the regisseur moves, opens and holds one (goal
    # reviews and the decision); the household invites people of its network or a partner organisation.
    EVALUATION_READ = "evaluation.read"
    EVALUATION_MANAGE = "evaluation.manage"
    EVALUATION_INVITE = "evaluation.invite"
    # Keep the household's pages on one's own device for a home visit ("beschikbaar voor huisbezoek").
    VISIT_MARK = "visit.mark"
    # Not about one household.
    TASK_BOARD = "task_board"
    HOUSEHOLD_REGISTER = "household.register"
    CASELOAD_READ = "caseload.read"
    PEOPLE_MANAGE = "people.manage"
    VOLUNTEERS_MANAGE = "volunteers.manage"
    # Be the second person for a professional's recovery link (which links, the enrolment module decides).
    RECOVERY_APPROVE = "recovery.approve"
    # The team lead's pages: the team's households, open escalations, budget entries waiting, covers.
    TEAM_OVERVIEW = "team.overview"
    COVER_MANAGE = "cover.manage"
    # The functional admin: teams, organisations and the gemeente's settings.
    GEMEENTE_MANAGE = "gemeente.manage"


HOUSEHOLD_ACTIONS = frozenset(
    {
        Action.HOUSEHOLD_VIEW,
        Action.PLAN_READ,
        Action.PLAN_WRITE,
        Action.GOAL_REMOVE,
        Action.RATINGS_READ,
        Action.INVOLVED_READ,
        Action.TIMELINE_READ,
        Action.ACCESS_LOG_READ,
        Action.MEMBER_ENROL,
        Action.RATINGS_WRITE,
        Action.ACTION_TICK,
        Action.SHARE_MANAGE,
        Action.EXPORT,
        Action.NETWORK_READ,
        Action.NETWORK_WRITE,
        Action.NETWORK_INVITE,
        Action.ACCESS_WITHDRAW,
        Action.NETWORK_LEAVE,
        Action.ACTION_NOTE,
        Action.HELP_PUBLISH,
        Action.HELP_DECIDE,
        Action.HELP_TASK,
        Action.TRAJECTORY_MANAGE,
        Action.HISTORY_READ,
        Action.HISTORY_WRITE,
        Action.REPORT_READ,
        Action.REPORT_CORRECT,
        Action.PLAN_AGREE,
        Action.HANDOVER_RESPOND,
        Action.ACTION_TAKE,
        Action.ESCALATION_RAISE,
        Action.ESCALATION_DECIDE,
        Action.REGISSEUR_ASSIGN,
        Action.BUDGET_READ,
        Action.BUDGET_WRITE,
        Action.BUDGET_APPROVE,
        Action.EVALUATION_READ,
        Action.EVALUATION_MANAGE,
        Action.VISIT_MARK,
        Action.EVALUATION_INVITE,
    }
)


class Relation(enum.StrEnum):
    MEMBER = "member"
    REGISSEUR = "regisseur"
    # A colleague of the team who covers for the absent regisseur during a period the team lead set
    # (waarneming): the regisseur's rights, every read logged as "waarneming".
    COVERING = "covering"
    TEAM_COLLEAGUE = "team_colleague"
    PARTNER_WITH_SHARE = "partner_with_share"
    # A partner professional whose organisation the household shared its ratings with.
    PARTNER_WITH_RATINGS_SHARE = "partner_with_ratings_share"
    NETWORK_WITH_SHARE = "network_with_share"
    VOLUNTEER_ACCEPTED = "volunteer_accepted"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"
    # Someone a pending handover of this household is offered to: they read the handover, nothing else.
    HANDOVER_RECEIVER = "handover_receiver"
    # The team lead of the household's team while an escalation of it is open: reads the escalation and the
    # part of the plan it is about (the plan's queries narrow it), and decides.
    ESCALATION_LEAD = "escalation_lead"


# The table of DESIGN.md section 5, for the household-scoped actions. Content shown to relations with a
# share is narrowed to what was shared, by the plan's own queries.
HOUSEHOLD_RULES: dict[Action, frozenset[Relation]] = {
    # Not an accepted volunteer: the household page names every member, and she knows only what the household
    # chose to tell her (her task page shows that).
    Action.HOUSEHOLD_VIEW: frozenset(
        {
            Relation.MEMBER,
            Relation.REGISSEUR,
            Relation.PARTNER_WITH_SHARE,
            Relation.PARTNER_WITH_RATINGS_SHARE,
            Relation.NETWORK_WITH_SHARE,
        }
    ),
    Action.PLAN_READ: frozenset(
        {
            Relation.MEMBER,
            Relation.REGISSEUR,
            Relation.PARTNER_WITH_SHARE,
            Relation.NETWORK_WITH_SHARE,
            Relation.ESCALATION_LEAD,
        }
    ),
    Action.PLAN_WRITE: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    # The goal is in the household's words and the plan is theirs: the regisseur writes goals with them, but
    # only the household takes one out. She can suggest it; an evaluation records what became of a goal.
    Action.GOAL_REMOVE: frozenset({Relation.MEMBER}),
    # Ratings are not part of a goal share; partners see them only when the household shared its ratings.
    Action.RATINGS_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR, Relation.PARTNER_WITH_RATINGS_SHARE}),
    Action.RATINGS_WRITE: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    # Those with a share may tick only the actions assigned to them; the plan module checks which.
    Action.ACTION_TICK: frozenset(
        {
            Relation.MEMBER,
            Relation.REGISSEUR,
            Relation.PARTNER_WITH_SHARE,
            Relation.NETWORK_WITH_SHARE,
            Relation.VOLUNTEER_ACCEPTED,
        }
    ),
    Action.SHARE_MANAGE: frozenset({Relation.MEMBER}),
    Action.EXPORT: frozenset({Relation.MEMBER}),
    Action.NETWORK_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.NETWORK_WRITE: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.NETWORK_INVITE: frozenset({Relation.MEMBER}),
    Action.ACCESS_WITHDRAW: frozenset({Relation.MEMBER}),
    Action.NETWORK_LEAVE: frozenset({Relation.NETWORK_WITH_SHARE}),
    Action.ACTION_NOTE: frozenset(
        {
            Relation.MEMBER,
            Relation.REGISSEUR,
            Relation.PARTNER_WITH_SHARE,
            Relation.NETWORK_WITH_SHARE,
            Relation.VOLUNTEER_ACCEPTED,
        }
    ),
    # The regisseur may publish together with the household, at the kitchen table.
    Action.HELP_PUBLISH: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.HELP_DECIDE: frozenset({Relation.MEMBER}),
    Action.HELP_TASK: frozenset({Relation.VOLUNTEER_ACCEPTED}),
    Action.INVOLVED_READ: frozenset(
        {Relation.MEMBER, Relation.REGISSEUR, Relation.PARTNER_WITH_SHARE, Relation.NETWORK_WITH_SHARE}
    ),
    Action.TIMELINE_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.ACCESS_LOG_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.MEMBER_ENROL: frozenset({Relation.REGISSEUR}),
    # "One household, one plan, one regisseur": the steps of the trajectory are the regisseur's work. A team
    # lead has no dossier access by role alone, and a colleague only when covering (not built yet).
    Action.TRAJECTORY_MANAGE: frozenset({Relation.REGISSEUR}),
    Action.HISTORY_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.HISTORY_WRITE: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.REPORT_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.REPORT_CORRECT: frozenset({Relation.MEMBER}),
    Action.PLAN_AGREE: frozenset({Relation.MEMBER}),
    Action.HANDOVER_RESPOND: frozenset({Relation.HANDOVER_RECEIVER}),
    # The action module checks that the action is assigned to the professional's organisation.
    Action.ACTION_TAKE: frozenset({Relation.PARTNER_WITH_SHARE}),
    Action.ESCALATION_RAISE: frozenset({Relation.REGISSEUR}),
    Action.ESCALATION_DECIDE: frozenset({Relation.ESCALATION_LEAD}),
    # Names and phases only ("dat"-information): the team lead of the household's team.
    Action.REGISSEUR_ASSIGN: frozenset({Relation.TEAM_LEAD}),
    Action.BUDGET_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.BUDGET_WRITE: frozenset({Relation.REGISSEUR}),
    Action.BUDGET_APPROVE: frozenset({Relation.TEAM_LEAD}),
    Action.EVALUATION_READ: frozenset({Relation.MEMBER, Relation.REGISSEUR}),
    Action.EVALUATION_MANAGE: frozenset({Relation.REGISSEUR}),
    Action.VISIT_MARK: frozenset({Relation.REGISSEUR}),
    Action.EVALUATION_INVITE: frozenset({Relation.MEMBER}),
}

# Waarneming: the covering colleague stands in for the regisseur, with the same rights on those households.
HOUSEHOLD_RULES = {
    action: allowed | {Relation.COVERING} if Relation.REGISSEUR in allowed else allowed
    for action, allowed in HOUSEHOLD_RULES.items()
}


class InvolvedView(enum.StrEnum):
    """How much of "who is involved" (the "dat"-information) a relation sees."""

    ALL = "all"  # names, roles, organisations, since when
    NAMES = "names"  # names only
    NONE = "none"  # nothing


# DESIGN.md section 5, row "who is involved (dat)": of the relations that may read it (INVOLVED_READ in the
# table above), these see the names only; the others see names, roles and dates.
INVOLVED_NAMES_ONLY = frozenset({Relation.NETWORK_WITH_SHARE})


def involved_view(relation: Relation | None) -> InvolvedView:
    if relation is None or not decide(frozenset({relation}), Action.INVOLVED_READ).allowed:
        return InvolvedView.NONE
    return InvolvedView.NAMES if relation in INVOLVED_NAMES_ONLY else InvolvedView.ALL


# Households, their network and volunteers: their pages come in every language of Ons Plan. A household
# seen in any other relation is a professional's page.
HOUSEHOLD_SIDE_ROLES = frozenset({Role.HOUSEHOLD_MEMBER, Role.NETWORK_MEMBER, Role.VOLUNTEER})
HOUSEHOLD_SIDE_RELATIONS = frozenset({Relation.MEMBER, Relation.NETWORK_WITH_SHARE, Relation.VOLUNTEER_ACCEPTED})


def is_household_side(relation: Relation) -> bool:
    return relation in HOUSEHOLD_SIDE_RELATIONS


@dataclass(frozen=True)
class Can:
    """Everything the policy answers for one person and one household, asked by name in routes and templates
    (``can.write_plan``, ``can.share``, ...). Nothing outside this module compares relations itself."""

    relation: Relation | None = None

    def __call__(self, action: Action) -> bool:
        return self.relation is not None and decide(frozenset({self.relation}), action).allowed

    @property
    def view_household(self) -> bool:
        return self(Action.HOUSEHOLD_VIEW)

    @property
    def read_plan(self) -> bool:
        return self(Action.PLAN_READ)

    @property
    def write_plan(self) -> bool:
        return self(Action.PLAN_WRITE)

    @property
    def remove_goal(self) -> bool:
        return self(Action.GOAL_REMOVE)

    @property
    def read_ratings(self) -> bool:
        return self(Action.RATINGS_READ)

    @property
    def write_ratings(self) -> bool:
        return self(Action.RATINGS_WRITE)

    @property
    def share(self) -> bool:
        return self(Action.SHARE_MANAGE)

    @property
    def export(self) -> bool:
        return self(Action.EXPORT)

    @property
    def read_network(self) -> bool:
        return self(Action.NETWORK_READ)

    @property
    def invite(self) -> bool:
        return self(Action.NETWORK_INVITE)

    @property
    def publish_help(self) -> bool:
        return self(Action.HELP_PUBLISH)

    @property
    def decide_help(self) -> bool:
        return self(Action.HELP_DECIDE)

    @property
    def read_timeline(self) -> bool:
        return self(Action.TIMELINE_READ)

    @property
    def read_access_log(self) -> bool:
        return self(Action.ACCESS_LOG_READ)

    @property
    def enrol_members(self) -> bool:
        return self(Action.MEMBER_ENROL)

    @property
    def manage_trajectory(self) -> bool:
        return self(Action.TRAJECTORY_MANAGE)

    @property
    def read_history(self) -> bool:
        return self(Action.HISTORY_READ)

    @property
    def write_history(self) -> bool:
        return self(Action.HISTORY_WRITE)

    @property
    def read_report(self) -> bool:
        return self(Action.REPORT_READ)

    @property
    def correct_report(self) -> bool:
        return self(Action.REPORT_CORRECT)

    @property
    def agree_plan(self) -> bool:
        return self(Action.PLAN_AGREE)

    @property
    def respond_handover(self) -> bool:
        return self(Action.HANDOVER_RESPOND)

    @property
    def take_action(self) -> bool:
        return self(Action.ACTION_TAKE)

    @property
    def raise_escalation(self) -> bool:
        return self(Action.ESCALATION_RAISE)

    @property
    def decide_escalation(self) -> bool:
        return self(Action.ESCALATION_DECIDE)

    @property
    def assign_regisseur(self) -> bool:
        return self(Action.REGISSEUR_ASSIGN)

    @property
    def read_budget(self) -> bool:
        return self(Action.BUDGET_READ)

    @property
    def write_budget(self) -> bool:
        return self(Action.BUDGET_WRITE)

    @property
    def approve_budget(self) -> bool:
        return self(Action.BUDGET_APPROVE)

    @property
    def help_task(self) -> bool:
        return self(Action.HELP_TASK)

    @property
    def read_evaluations(self) -> bool:
        return self(Action.EVALUATION_READ)

    @property
    def manage_evaluations(self) -> bool:
        return self(Action.EVALUATION_MANAGE)

    @property
    def invite_to_evaluation(self) -> bool:
        return self(Action.EVALUATION_INVITE)

    @property
    def mark_for_visit(self) -> bool:
        return self(Action.VISIT_MARK)

    @property
    def involved(self) -> InvolvedView:
        return involved_view(self.relation)

    @property
    def speak_as_household(self) -> bool:
        """Pages speak to the household as "jullie" and scores are the household's own perspective."""
        return self.relation is Relation.MEMBER

    @property
    def household_words(self) -> bool:
        """Pages use the household's words for the scale, the leefgebieden, phases and kinds of meting: for the
        household and the people around it (network, volunteers), not for professionals."""
        return self.relation is not None and is_household_side(self.relation)

    @property
    def coordinate(self) -> bool:
        """The household's regisseur (or the colleague covering for them), who is reminded that the plan is
        the household's own."""
        return self.relation in (Relation.REGISSEUR, Relation.COVERING)

    @property
    def covering(self) -> bool:
        """Working on the plan as waarneming for an absent regisseur."""
        return self.relation is Relation.COVERING


NOTHING = Can()


# Actions that are not about one household: which roles may perform them.
# (SIGNED_IN needs no role at all: see ``decide_role``.)
ROLE_RULES: dict[Action, frozenset[Role]] = {
    Action.TASK_BOARD: frozenset({Role.VOLUNTEER}),
    Action.HOUSEHOLD_REGISTER: frozenset({Role.REGISSEUR}),
    Action.CASELOAD_READ: frozenset({Role.REGISSEUR, Role.TEAM_LEAD}),
    Action.PEOPLE_MANAGE: frozenset({Role.ADMIN}),
    Action.VOLUNTEERS_MANAGE: frozenset({Role.VOLUNTEER_COORDINATOR}),
    Action.RECOVERY_APPROVE: frozenset({Role.ADMIN, Role.TEAM_LEAD}),
    Action.TEAM_OVERVIEW: frozenset({Role.TEAM_LEAD}),
    Action.COVER_MANAGE: frozenset({Role.TEAM_LEAD}),
    Action.GEMEENTE_MANAGE: frozenset({Role.ADMIN}),
}

# Relations from which a read is a look from outside the household, and so is logged.
OUTSIDE_HOUSEHOLD = frozenset(Relation) - {Relation.MEMBER}

# Preference when a person has several relations to one household (e.g. a regisseur who is also in
# the network): the first one that allows the action is the one logged.
RELATION_ORDER = (
    Relation.MEMBER,
    Relation.REGISSEUR,
    Relation.COVERING,
    Relation.PARTNER_WITH_SHARE,
    Relation.PARTNER_WITH_RATINGS_SHARE,
    Relation.NETWORK_WITH_SHARE,
    Relation.VOLUNTEER_ACCEPTED,
    Relation.ESCALATION_LEAD,
    Relation.TEAM_COLLEAGUE,
    Relation.HANDOVER_RECEIVER,
    Relation.TEAM_LEAD,
    Relation.ADMIN,
)


@dataclass(frozen=True)
class Actor:
    """The signed-in person with their active roles."""

    person: Person
    roles: tuple[RoleAssignment, ...] = field(default_factory=tuple)

    @property
    def id(self) -> uuid.UUID:
        return self.person.id

    @property
    def role_names(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)

    def has_role(self, role: Role) -> bool:
        return role in self.role_names

    @property
    def is_professional(self) -> bool:
        return bool(self.role_names & PROFESSIONAL_ROLES)

    @property
    def reads_professional_pages_only(self) -> bool:
        """A professional without a role on the household side (member, network, volunteer): her pages are
        in the professionals' languages."""
        return self.is_professional and not self.role_names & HOUSEHOLD_SIDE_ROLES

    def teams(self, role: Role) -> frozenset[uuid.UUID]:
        return frozenset(r.team_id for r in self.roles if r.role == role and r.team_id)


def actor_for(person: Person) -> Actor:
    """The person with the roles that work now (``RoleAssignment.active_at``: a role the admin ended from a later
    day still works until then). A deactivated person has none; the session loader never gets that far."""
    if person.deactivated_at is not None:
        return Actor(person=person)
    now = utcnow()
    return Actor(person=person, roles=tuple(r for r in person.roles if r.active_at(now)))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    relation: Relation | None = None

    @property
    def must_log(self) -> bool:
        return self.allowed and self.relation in OUTSIDE_HOUSEHOLD


def decide_role(actor: Actor | None, action: Action) -> bool:
    if actor is None:
        return False
    if action is Action.SIGNED_IN:
        # Also someone whose last role ended (a network member who left): their own pages stay open.
        return True
    return bool(actor.role_names & ROLE_RULES[action])


def decide(relations: frozenset[Relation], action: Action) -> Decision:
    allowed = HOUSEHOLD_RULES[action]
    for relation in RELATION_ORDER:
        if relation in relations and relation in allowed:
            return Decision(True, relation)
    return Decision(False)


@dataclass(frozen=True)
class HouseholdRef:
    """What the guard learns of a household while it decides: enough for a page header and the gemeente's
    set of leefgebieden, so that a page needs no second look-up of the household."""

    id: uuid.UUID
    name: str
    municipality_id: uuid.UUID
    team_id: uuid.UUID
    instrument_key: str
    # The gemeente's default weeks until the next evaluation (its settings).
    evaluation_interval_weeks: int = 13


@cache
def _relations_statement(partner: bool, volunteer: bool, regisseur: bool, lead: bool) -> Select[Any]:
    """The one statement of ``relations_to_household``, built once per shape (a partner's organisations,
    a volunteer's requests, a regisseur's covers and a team lead's escalations are asked about only for
    those who have such a role)."""
    household_id: BindParameter[uuid.UUID] = bindparam("household_id", type_=Household.id.type)
    person_id: BindParameter[uuid.UUID] = bindparam("person_id", type_=Person.id.type)
    false = literal(False)
    current_regisseur = (
        select(Trajectory.regisseur_id)
        .where(Trajectory.household_id == household_id, Trajectory.phase != Phase.AFGESLOTEN)
        .order_by(Trajectory.started_on.desc())
        .limit(1)
        .scalar_subquery()
    )
    today: BindParameter[Any] = bindparam("today", type_=Cover.starts_on.type)
    return (
        select(
            Household.name,
            Household.municipality_id,
            Household.team_id,
            Municipality.instrument_key,
            Municipality.evaluation_interval_weeks,
            exists().where(Member.household_id == household_id, Member.person_id == person_id).label("is_member"),
            current_regisseur.label("regisseur_id"),
            (
                exists().where(
                    Share.household_id == household_id,
                    Share.organisation_id.in_(bindparam("organisations", expanding=True)),
                    Share.subject == ShareSubject.GOAL,
                    Share.revoked_at.is_(None),
                )
                if partner
                else false
            ).label("partner_share"),
            (
                exists().where(
                    Share.household_id == household_id,
                    Share.organisation_id.in_(bindparam("organisations", expanding=True)),
                    Share.subject == ShareSubject.RATINGS,
                    Share.revoked_at.is_(None),
                )
                if partner
                else false
            ).label("ratings_share"),
            (
                # A cover of the household's team, for its current regisseur, on this day.
                exists().where(
                    Cover.covering_id == person_id,
                    Cover.team_id == Household.team_id,
                    Cover.absent_id == current_regisseur,
                    Cover.starts_on <= today,
                    Cover.ends_on >= today,
                    Cover.ended_at.is_(None),
                )
                if regisseur
                else false
            ).label("covering"),
            (
                exists().where(
                    Escalation.household_id == household_id,
                    Escalation.team_id == Household.team_id,
                    Escalation.status == EscalationStatus.OPEN,
                )
                if lead
                else false
            ).label("open_escalation"),
            (
                # Only while the household's acceptance stands: a withdrawn request ends the volunteer's access.
                # (A request with set days stays open while days are open, and its accepted volunteers help
                # until the last day of its period.)
                exists().where(
                    HelpOffer.help_request_id == HelpRequest.id,
                    HelpOffer.volunteer_id == person_id,
                    HelpOffer.status == HelpOfferStatus.ACCEPTED,
                    HelpRequest.household_id == household_id,
                    HelpRequest.status.in_(
                        [HelpRequestStatus.OPEN, HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE]
                    ),
                    or_(HelpRequest.ends_on.is_(None), HelpRequest.ends_on >= today),
                )
                if volunteer
                else false
            ).label("volunteer_accepted"),
            exists()
            .where(
                Handover.household_id == household_id,
                Handover.to_person_id == person_id,
                Handover.status == HandoverStatus.PENDING,
            )
            .label("handover_pending"),
        )
        .join(Municipality, Municipality.id == Household.municipality_id)
        .where(Household.id == household_id, Household.municipality_id == bindparam("municipality_id"))
    )


async def relations_to_household(
    session: AsyncSession, actor: Actor, household_id: uuid.UUID
) -> tuple[frozenset[Relation], HouseholdRef | None]:
    """Everything this person is to this household, in one statement. A missing household, or one of
    another gemeente, has no relations."""
    partner_organisations = [
        r.organisation_id for r in actor.roles if r.role == Role.PARTNER_PROFESSIONAL and r.organisation_id
    ]
    regisseur = actor.has_role(Role.REGISSEUR)
    lead = actor.has_role(Role.TEAM_LEAD)
    statement = _relations_statement(bool(partner_organisations), actor.has_role(Role.VOLUNTEER), regisseur, lead)
    parameters: dict[str, Any] = {
        "household_id": household_id,
        "person_id": actor.id,
        "municipality_id": actor.person.municipality_id,
    }
    if regisseur or actor.has_role(Role.VOLUNTEER):
        parameters["today"] = cover_day()
    if partner_organisations:
        parameters["organisations"] = partner_organisations
    row = (await session.execute(statement, parameters)).first()
    if row is None:
        return frozenset(), None
    household = HouseholdRef(
        household_id, row.name, row.municipality_id, row.team_id, row.instrument_key, row.evaluation_interval_weeks
    )
    relations: set[Relation] = set()
    if row.is_member:
        relations.add(Relation.MEMBER)
    if row.regisseur_id == actor.id and actor.has_role(Role.REGISSEUR):
        relations.add(Relation.REGISSEUR)
    for role in actor.roles:
        if role.household_id == household_id and role.role == Role.NETWORK_MEMBER:
            relations.add(Relation.NETWORK_WITH_SHARE)
    if row.partner_share:
        relations.add(Relation.PARTNER_WITH_SHARE)
    if row.ratings_share:
        relations.add(Relation.PARTNER_WITH_RATINGS_SHARE)
    if row.covering and Relation.REGISSEUR not in relations:
        relations.add(Relation.COVERING)
    if row.volunteer_accepted:
        relations.add(Relation.VOLUNTEER_ACCEPTED)
    if row.handover_pending:
        relations.add(Relation.HANDOVER_RECEIVER)
    if household.team_id in actor.teams(Role.REGISSEUR) and Relation.REGISSEUR not in relations:
        relations.add(Relation.TEAM_COLLEAGUE)
    if household.team_id in actor.teams(Role.TEAM_LEAD):
        relations.add(Relation.TEAM_LEAD)
        if row.open_escalation:
            relations.add(Relation.ESCALATION_LEAD)
    if actor.has_role(Role.ADMIN):
        relations.add(Relation.ADMIN)
    return frozenset(relations), household
