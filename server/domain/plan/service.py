"""The household's own plan: goals in their own words, actions, ticks, and what they share with whom.

Every change is a timeline event. Edits carry the version they were based on; when someone else changed
the item meanwhile, ``EditConflict`` carries both versions so that the person can choose. Loading the plan
takes a fixed number of queries, whatever the number of goals and actions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import involvement, partner
from server.domain.errors import N_, InvalidInput, NotFound, VersionConflict
from server.domain.events import EventKind, record_event
from server.domain.models import Organisation, OrganisationKind, Person, Role, RoleAssignment, utcnow
from server.domain.plan.model import ActionStatus, Goal, Horizon, PlanAction, Share, ShareSubject, WhoType
from server.domain.policy import Actor, Relation
from server.domain.ratings.instruments import InstrumentDef
from server.domain.rows import get_in_household
from server.domain.teamwork.model import Escalation, EscalationStatus
from server.domain.text import clean, refused
from server.domain.volunteering import service as volunteering

MAX_GOAL = 500
MAX_WHAT = 300
MAX_PERFORMER = 120
MAX_REASON = 300
MAX_PURPOSE = 200
HOUSEHOLD_WRITER = "household"
# The action form's second button: save, then invite someone from the network for this action.
INVITE_NEXT = "uitnodigen"


def writer_role(relation: Relation) -> str:
    """How the plan names who wrote something: the household itself, or the writer's role."""
    return HOUSEHOLD_WRITER if relation is Relation.MEMBER else "regisseur"


def parse_date(raw: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------------


@dataclass
class GoalInput:
    """A goal as typed in the form; ``validate`` cleans it or raises ``InvalidInput``."""

    domain_key: str = ""
    text: str = ""
    horizon: str = ""
    target_score: str = ""
    # The version the edit was based on (empty for a new goal).
    version: str = ""

    def validate(self, instrument: InstrumentDef) -> tuple[str, str, Horizon, int | None]:
        errors: dict[str, str] = {}
        text = clean(self.text)
        if not instrument.has_domain(self.domain_key):
            errors["domain_key"] = N_("Kies een leefgebied uit de lijst.")
        if not text:
            errors["text"] = N_("Schrijf op wat jullie willen bereiken.")
        elif len(text) > MAX_GOAL:
            errors["text"] = N_("Het doel is te lang (hoogstens %(max)s tekens).", max=MAX_GOAL)
        if self.horizon not in {h.value for h in Horizon}:
            errors["horizon"] = N_("Kies wanneer jullie dit willen bereiken.")
        target: int | None = None
        if self.target_score.strip():
            try:
                target = int(self.target_score)
            except ValueError:
                target = None
            if target is None or not instrument.has_score(target):
                errors["target_score"] = N_(
                    "Kies een score van %(low)s tot en met %(high)s, of laat dit leeg.",
                    low=instrument.min_score,
                    high=instrument.max_score,
                )
        errors.update(refused(text=self.text))
        if errors:
            raise InvalidInput(errors)
        return self.domain_key, text, Horizon(self.horizon), target


@dataclass
class ActionInput:
    what: str = ""
    who_type: str = ""
    performer: str = ""
    professional_reason: str = ""
    due_on: str = ""
    status: str = ActionStatus.OPEN.value
    # The partner organisation a professional action is given to (its id); empty for another organisation or
    # professional, typed in ``performer``.
    organisation: str = ""
    # The version the edit was based on (empty for a new action).
    version: str = ""
    # The button pressed: INVITE_NEXT saves the action and goes on to invite someone from the network for it.
    daarna: str = ""

    def validate(self, *, today: dt.date, previous_due: dt.date | None = None) -> dict[str, Any]:
        """Clean values for a PlanAction. A due date in the past is refused unless it was already set so."""
        errors: dict[str, str] = {}
        what = clean(self.what)
        performer = clean(self.performer)
        reason = clean(self.professional_reason)
        if not what:
            errors["what"] = N_("Schrijf op wat er moet gebeuren.")
        elif len(what) > MAX_WHAT:
            errors["what"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_WHAT)
        if self.who_type not in {w.value for w in WhoType}:
            errors["who_type"] = N_("Kies wie dit doet.")
        elif self.who_type == WhoType.PROFESSIONAL and not reason:
            errors["professional_reason"] = N_(
                "Schrijf kort op waarom een professional dit doet, en niet jullie zelf, iemand uit jullie netwerk "
                "of een vrijwilliger."
            )
        if len(performer) > MAX_PERFORMER:
            errors["performer"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_PERFORMER)
        if len(reason) > MAX_REASON:
            errors["professional_reason"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_REASON)
        due = parse_date(self.due_on)
        if self.due_on.strip() and due is None:
            errors["due_on"] = N_("Vul een datum in, bijvoorbeeld 15-03-2027.")
        elif due is not None and due < today and due != previous_due:
            errors["due_on"] = N_("Deze datum is al voorbij. Kies vandaag of een dag later.")
        if self.status not in {s.value for s in ActionStatus}:
            errors["status"] = N_("Kies hoe ver het is.")
        if (
            self.daarna == INVITE_NEXT
            and self.who_type in {w.value for w in WhoType}
            and self.who_type != WhoType.NETWERK
        ):
            errors["who_type"] = N_(
                "Jullie willen iemand uitnodigen voor deze actie: kies dan bij ‘Wie doet het?’ iemand uit "
                "jullie netwerk."
            )
        errors.update(refused(what=self.what, performer=self.performer, professional_reason=self.professional_reason))
        if errors:
            raise InvalidInput(errors)
        return {
            "what": what,
            "who_type": WhoType(self.who_type),
            "performer": performer,
            "professional_reason": reason if self.who_type == WhoType.PROFESSIONAL else "",
            "due_on": due,
            "status": ActionStatus(self.status),
        }


@dataclass
class TickInput:
    # "ja" ticks the action off, anything else undoes the tick.
    gedaan: str = ""
    # Where the form came from, to go back to (a partner's start page); empty: the plan.
    terug: str = ""


@dataclass
class TakeInput:
    # Where the form came from, to go back to; empty: the plan.
    terug: str = ""


@dataclass
class RevokeInput:
    # "delingen": back to the page of everything the household shares; empty: the plan.
    terug: str = ""


@dataclass
class ShareInput:
    # "person:<uuid>" for a network member, "organisation:<uuid>" for a partner organisation.
    target: str = ""
    purpose: str = ""


class EditConflict(VersionConflict):
    """Someone else changed the item after the person opened it. Both versions go back to the person."""

    message = N_("Iemand anders heeft dit intussen veranderd. Kies welke versie je wilt houden.")

    def __init__(self, current: Goal | PlanAction, mine: GoalInput | ActionInput) -> None:
        super().__init__()
        self.current = current
        self.mine = mine


def _check_version(item: Goal | PlanAction, based_on: str, mine: GoalInput | ActionInput) -> int:
    try:
        version = int(based_on)
    except ValueError:
        version = -1
    if version != item.version:
        raise EditConflict(item, mine)
    return version


async def _save_if_unchanged(
    db: AsyncSession, item: Goal | PlanAction, version: int, values: dict[str, Any], mine: GoalInput | ActionInput
) -> None:
    """Store ``values`` only if nobody saved the item since ``version``, in one statement.

    Checking the version first and writing afterwards leaves a moment in which someone else can save; this
    ``UPDATE ... WHERE version = :v`` waits for a concurrent save to end (a row lock on PostgreSQL, the one
    writer on SQLite) and then finds the newer version, so that the later of two saves becomes a conflict
    with both versions instead of overwriting the other or failing."""
    model = type(item)
    result = await db.execute(
        update(model)
        .where(model.id == item.id, model.version == version)
        .values(**values, version=version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await db.refresh(item)
    if getattr(result, "rowcount", 0) != 1:
        raise EditConflict(item, mine)


# --------------------------------------------------------------------------------------------------------
# Goals and actions
# --------------------------------------------------------------------------------------------------------


async def get_goal(db: AsyncSession, household_id: uuid.UUID, goal_id: uuid.UUID) -> Goal:
    """A goal of the household's plan; one the household struck out is no longer there to change."""
    goal = await get_in_household(db, Goal, goal_id, household_id)
    if goal.removed_at is not None:
        raise NotFound
    return goal


async def get_goal_or_removed(db: AsyncSession, household_id: uuid.UUID, goal_id: uuid.UUID) -> Goal:
    """A goal of the household, also one struck out (to tell that it is gone, rather than unknown)."""
    return await get_in_household(db, Goal, goal_id, household_id)


async def get_action(db: AsyncSession, household_id: uuid.UUID, action_id: uuid.UUID) -> PlanAction:
    """An action of the household's plan. One of a goal the household struck out went with it: a page left
    open cannot tick it, note on it or ask a volunteer for it any more."""
    action: PlanAction | None = await db.scalar(
        select(PlanAction)
        .join(Goal, Goal.id == PlanAction.goal_id)
        .where(PlanAction.id == action_id, PlanAction.household_id == household_id, Goal.removed_at.is_(None))
    )
    if action is None:
        raise NotFound
    return action


async def create_goal(
    db: AsyncSession,
    actor: Actor,
    relation: Relation,
    household_id: uuid.UUID,
    instrument: InstrumentDef,
    data: GoalInput,
) -> Goal:
    domain_key, text, horizon, target = data.validate(instrument)
    goal = Goal(
        household_id=household_id,
        domain_key=domain_key,
        text=text,
        horizon=horizon,
        target_score=target,
        written_by_id=actor.id,
        written_by_name=actor.person.display_name,
        written_by_role=writer_role(relation),
    )
    db.add(goal)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.GOAL_CREATED,
        detail={"goal": text, "domain": instrument.domain_name(domain_key)},
    )
    return goal


async def update_goal(
    db: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    goal_id: uuid.UUID,
    instrument: InstrumentDef,
    data: GoalInput,
) -> Goal:
    goal = await get_goal(db, household_id, goal_id)
    domain_key, text, horizon, target = data.validate(instrument)
    version = _check_version(goal, data.version, data)
    values = {"domain_key": domain_key, "text": text, "horizon": horizon, "target_score": target}
    await _save_if_unchanged(db, goal, version, values, data)
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.GOAL_UPDATED, detail={"goal": text}
    )
    return goal


@dataclass
class RemoveGoalInput:
    # The version of the goal the person saw when confirming: a goal changed since is shown again first.
    version: str = ""
    # "ja": the confirm box is ticked.
    zeker: str = ""


@dataclass(frozen=True)
class GoalRemoval:
    goal: Goal
    # False when the goal was already struck out (by someone else, or a second press): nothing changed.
    removed_now: bool


class GoalChanged(EditConflict):
    """The goal was changed after the confirm page was opened: the person confirms the goal as it is now."""

    message = N_("Iemand heeft dit doel intussen veranderd. Kijk of je het nog steeds wilt schrappen.")


async def remove_goal(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, goal_id: uuid.UUID, data: RemoveGoalInput
) -> GoalRemoval:
    """The household strikes a goal out of its plan ("doel schrappen").

    The goal leaves the plan and every list of goals, and nothing of it stays half-done: its open actions
    stop, a help request going for one of them is withdrawn, and its shares end (whoever saw the goal through
    a share no longer does). The row stays, with who struck it out and when, so the timeline and the dossier
    keep it with its text. Striking out a goal that is already gone changes nothing.
    """
    goal = await get_goal_or_removed(db, household_id, goal_id)
    if goal.removed_at is not None:
        return GoalRemoval(goal, removed_now=False)
    if data.zeker != "ja":
        raise InvalidInput({"zeker": N_("Zet een vinkje als je dit doel echt wilt schrappen.")})
    try:
        version = int(data.version)
    except ValueError:
        version = -1
    if version != goal.version:
        raise GoalChanged(goal, GoalInput())
    now = utcnow()
    await _save_if_unchanged(db, goal, version, {"removed_at": now, "removed_by_id": actor.id}, GoalInput())
    actions = list(
        await db.scalars(
            select(PlanAction).where(PlanAction.goal_id == goal.id, PlanAction.household_id == household_id)
        )
    )
    for action in actions:
        live = await volunteering.live_request_for(db, action.id)
        if live is not None:
            await volunteering.withdraw(db, actor, household_id, live.id)
    open_ids = [a.id for a in actions if a.status in (ActionStatus.OPEN, ActionStatus.BEZIG)]
    if open_ids:
        await db.execute(
            update(PlanAction)
            .where(PlanAction.id.in_(open_ids))
            .values(status=ActionStatus.GESTOPT, version=PlanAction.version + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    shares = list(await db.scalars(select(Share).where(Share.goal_id == goal.id, Share.revoked_at.is_(None))))
    names = await _share_names(db, shares)
    for share in shares:
        share.revoked_at = now
    await db.flush()
    # Each share ends as when the household stops it by hand: the timeline says so, and the organisation is
    # told by the notification rules of a share stopped.
    for share in shares:
        await record_event(
            db,
            household_id=household_id,
            actor=actor.person,
            kind=EventKind.SHARE_REVOKED,
            detail={"goal": goal.text, "with": names.get(share.id, ""), "subject": str(share.subject)},
            subject_id=share.id,
        )
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.GOAL_REMOVED,
        detail={
            "goal": goal.text,
            "stopped": len(open_ids),
            "shared_with": ", ".join(sorted(n for n in names.values() if n)),
        },
        subject_id=goal.id,
    )
    return GoalRemoval(goal, removed_now=True)


async def create_action(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, goal_id: uuid.UUID, data: ActionInput
) -> PlanAction:
    goal = await get_goal(db, household_id, goal_id)
    values, organisation = await _action_values(db, household_id, data, today=utcnow().date())
    action = PlanAction(goal_id=goal.id, household_id=household_id, created_by_id=actor.id, **values)
    db.add(action)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ACTION_CREATED,
        detail={"action": action.what, "goal": goal.text},
        subject_id=action.id,
    )
    if organisation is not None:
        await partner.assign_to_organisation(db, actor, action, goal, organisation)
    elif action.who_type == WhoType.PROFESSIONAL:
        await involvement.involve_performing_organisation(db, actor, household_id, action.performer)
    return action


async def _action_values(
    db: AsyncSession, household_id: uuid.UUID, data: ActionInput, *, today: dt.date, previous_due: dt.date | None = None
) -> tuple[dict[str, Any], partner.PartnerOrganisation | None]:
    """The action's values, with the partner organisation a professional action is given to (checked to be a
    partner of the household's gemeente). Every field's message comes back at once."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    organisation = None
    try:
        values = data.validate(today=today, previous_due=previous_due)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if data.who_type == WhoType.PROFESSIONAL:
        try:
            organisation = await partner.chosen_organisation(db, household_id, data.organisation)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    values["assigned_organisation_id"] = organisation.id if organisation else None
    if organisation is not None and not values["performer"]:
        values["performer"] = organisation.name[:MAX_PERFORMER]
    return values, organisation


async def update_action(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, action_id: uuid.UUID, data: ActionInput
) -> PlanAction:
    action = await get_action(db, household_id, action_id)
    values, organisation = await _action_values(
        db, household_id, data, today=utcnow().date(), previous_due=action.due_on
    )
    version = _check_version(action, data.version, data)
    performed_by = (action.who_type, action.performer)
    assigned_before = action.assigned_organisation_id
    if values["status"] != ActionStatus.GEDAAN:
        values["status_before_done"] = ""
    await _save_if_unchanged(db, action, version, values, data)
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.ACTION_UPDATED, detail={"action": action.what}
    )
    if organisation is not None:
        if organisation.id != assigned_before:
            # Given to another organisation: it gets the goal and is involved; a share with the organisation
            # before stays until the household stops it.
            goal = await get_goal(db, household_id, action.goal_id)
            await partner.assign_to_organisation(db, actor, action, goal, organisation)
    elif action.who_type == WhoType.PROFESSIONAL and (action.who_type, action.performer) != performed_by:
        # Only a new performer: an organisation the regisseur ended is not added again by editing the text.
        await involvement.involve_performing_organisation(db, actor, household_id, action.performer)
    return action


# Who sees and works on the whole plan: the household, its regisseur, and the colleague covering for them.
WHOLE_PLAN = frozenset({Relation.MEMBER, Relation.REGISSEUR, Relation.COVERING})


def can_tick(
    action: PlanAction, actor: Actor, relation: Relation, shared_goals: frozenset[uuid.UUID] = frozenset()
) -> bool:
    """The household and its regisseur tick any action; a partner professional the actions assigned to their
    organisation while its goal is shared with it (``shared_goals``); anyone else only the actions assigned to
    them."""
    if relation in WHOLE_PLAN:
        return True
    if relation is Relation.PARTNER_WITH_SHARE:
        return partner.works_on(action, actor, shared_goals)
    return action.assigned_person_id == actor.id


async def may_work_on(db: AsyncSession, action: PlanAction, actor: Actor, relation: Relation) -> bool:
    """``can_tick``, with the goals shared with a partner professional's organisation looked up."""
    shared = (
        await partner.shared_goal_ids(db, action.household_id, actor)
        if relation is Relation.PARTNER_WITH_SHARE
        else frozenset()
    )
    return can_tick(action, actor, relation, shared)


async def tick_action(
    db: AsyncSession, actor: Actor, relation: Relation, household_id: uuid.UUID, action_id: uuid.UUID, *, done: bool
) -> PlanAction:
    """Tick an action off, or undo the tick (back to the status it had). Doing it twice changes nothing."""
    action = await get_action(db, household_id, action_id)
    if not await may_work_on(db, action, actor, relation):
        raise NotFound
    is_done = action.status == ActionStatus.GEDAAN
    if done == is_done:
        return action
    if done:
        action.status_before_done = str(action.status)
        action.status = ActionStatus.GEDAAN
    else:
        previous = action.status_before_done
        action.status = ActionStatus(previous) if previous and previous != ActionStatus.GEDAAN else ActionStatus.OPEN
        action.status_before_done = ""
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ACTION_TICKED if done else EventKind.ACTION_UNTICKED,
        detail={"action": action.what},
    )
    return action


# --------------------------------------------------------------------------------------------------------
# Sharing
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareTarget:
    value: str
    name: str
    is_person: bool


async def share_targets(db: AsyncSession, household_id: uuid.UUID, municipality_id: uuid.UUID) -> list[ShareTarget]:
    """Whom the household can share with: the people in its network, and the gemeente's partner organisations."""
    network = await db.execute(
        select(Person.id, Person.display_name)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
        .order_by(Person.display_name)
    )
    partners = await db.execute(
        select(Organisation.id, Organisation.name)
        .where(
            Organisation.municipality_id == municipality_id,
            Organisation.kind == OrganisationKind.PARTNER,
            Organisation.ended_at.is_(None),
        )
        .order_by(Organisation.name)
    )
    return [ShareTarget(f"person:{pid}", name, True) for pid, name in network.tuples()] + [
        ShareTarget(f"organisation:{oid}", name, False) for oid, name in partners.tuples()
    ]


async def share_goal(
    db: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    municipality_id: uuid.UUID,
    goal_id: uuid.UUID,
    data: ShareInput,
) -> Share:
    goal = await get_goal(db, household_id, goal_id)
    errors: dict[str, str] = {}
    targets = {t.value: t for t in await share_targets(db, household_id, municipality_id)}
    target = targets.get(data.target)
    purpose = clean(data.purpose)
    if target is None:
        errors["target"] = N_("Kies met wie jullie dit doel delen.")
    if not purpose:
        errors["purpose"] = N_("Schrijf in een paar woorden waarvoor diegene dit moet zien.")
    elif len(purpose) > MAX_PURPOSE:
        errors["purpose"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_PURPOSE)
    errors.update(refused(purpose=data.purpose))
    if errors or target is None:
        raise InvalidInput(errors)
    kind, _sep, raw_id = target.value.partition(":")
    share = Share(
        household_id=household_id,
        goal_id=goal.id,
        person_id=uuid.UUID(raw_id) if kind == "person" else None,
        organisation_id=uuid.UUID(raw_id) if kind == "organisation" else None,
        purpose=purpose,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.add(share)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.SHARE_CREATED,
        detail={"goal": goal.text, "with": target.name, "purpose": purpose},
        subject_id=share.id,
    )
    if share.organisation_id is not None:
        # The organisation now helps with the plan: it appears in the involvement register (once; revoking the
        # share does not end that, the regisseur does).
        await involvement.involve_organisation(
            db,
            actor,
            household_id,
            organisation_name=target.name,
            organisation_id=share.organisation_id,
            because=involvement.BY_SHARE,
        )
    return share


async def revoke_share(db: AsyncSession, actor: Actor, household_id: uuid.UUID, share_id: uuid.UUID) -> None:
    """Withdraw a share at once; the person or organisation no longer sees the goal on their next request."""
    share = await db.scalar(
        select(Share).where(Share.id == share_id, Share.household_id == household_id, Share.revoked_at.is_(None))
    )
    if share is None:
        raise NotFound
    share.revoked_at = utcnow()
    # A ratings share has no goal.
    goal = await db.get(Goal, share.goal_id) if share.goal_id is not None else None
    names = await _share_names(db, [share])
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.SHARE_REVOKED,
        detail={"goal": goal.text if goal else "", "with": names.get(share.id, ""), "subject": str(share.subject)},
        subject_id=share.id,
    )


async def _share_names(db: AsyncSession, shares: Iterable[Share]) -> dict[uuid.UUID, str]:
    shares = list(shares)
    person_ids = {s.person_id for s in shares if s.person_id}
    organisation_ids = {s.organisation_id for s in shares if s.organisation_id}
    names: dict[uuid.UUID, str] = {}
    if person_ids:
        rows = await db.execute(select(Person.id, Person.display_name).where(Person.id.in_(person_ids)))
        names.update(dict(rows.tuples().all()))
    if organisation_ids:
        rows = await db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids)))
        names.update(dict(rows.tuples().all()))
    return {s.id: names.get(s.person_id or s.organisation_id or uuid.UUID(int=0), "") for s in shares}


# --------------------------------------------------------------------------------------------------------
# Reading the plan
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareView:
    share: Share
    name: str
    is_person: bool


@dataclass
class GoalView:
    goal: Goal
    domain_name: str
    actions: list[PlanAction] = field(default_factory=list)
    shares: list[ShareView] = field(default_factory=list)


@dataclass
class PlanView:
    goals: list[GoalView]
    tickable: frozenset[uuid.UUID]
    # The household's ratings shared with partner organisations (for the household and its regisseur only).
    ratings_shares: list[ShareView] = field(default_factory=list)

    def by_horizon(self, horizon: Horizon) -> list[GoalView]:
        return [g for g in self.goals if g.goal.horizon == horizon]

    @property
    def household_wrote_none(self) -> bool:
        return bool(self.goals) and not any(g.goal.written_by_role == HOUSEHOLD_WRITER for g in self.goals)


def _visible_share(share: Share, actor: Actor, relation: Relation) -> bool:
    if share.subject != ShareSubject.GOAL:
        # The ratings are not part of the plan.
        return False
    if relation is Relation.NETWORK_WITH_SHARE:
        return share.person_id == actor.id
    if relation is Relation.PARTNER_WITH_SHARE:
        organisations = {r.organisation_id for r in actor.roles if r.role == Role.PARTNER_PROFESSIONAL}
        return share.organisation_id in organisations
    return False


@dataclass(frozen=True)
class _PlanStatements:
    goals: Select[tuple[Goal]]
    shares: Select[tuple[Share, str]]
    actions: Select[tuple[PlanAction]]


@cache
def _plan_statements(with_removed: bool) -> _PlanStatements:
    """The three reads of ``load_plan``, built once: making a statement costs more than running it."""
    household_id = bindparam("household_id", type_=Goal.household_id.type)
    kept = Goal.household_id == household_id
    if not with_removed:
        kept = kept & Goal.removed_at.is_(None)
    return _PlanStatements(
        goals=select(Goal).where(kept).order_by(Goal.created_at, Goal.id),
        # Each share with the name of the person or organisation it is with, in the same statement.
        shares=select(Share, func.coalesce(Person.display_name, Organisation.name, ""))
        .outerjoin(Person, Person.id == Share.person_id)
        .outerjoin(Organisation, Organisation.id == Share.organisation_id)
        .where(Share.household_id == household_id, Share.revoked_at.is_(None))
        .order_by(Share.created_at),
        actions=select(PlanAction)
        .where(PlanAction.household_id == household_id)
        .order_by(PlanAction.created_at, PlanAction.id),
    )


async def load_plan(
    db: AsyncSession,
    household_id: uuid.UUID,
    instrument: InstrumentDef,
    actor: Actor,
    relation: Relation,
    *,
    with_removed: bool = False,
) -> PlanView:
    """The plan as this person may see it: all of it for the household and its regisseur, only the shared
    goals for a network member or partner. A fixed number of queries, whatever the size of the plan.

    Goals the household struck out are left out, with their actions; ``with_removed`` keeps them (the
    dossier shows them marked "geschrapt")."""
    statements = _plan_statements(with_removed)
    which = {"household_id": household_id}
    goals = list(await db.scalars(statements.goals, which))
    shared_with = list(await db.execute(statements.shares, which))
    names: dict[uuid.UUID, str] = {share.id: name for share, name in shared_with}
    shares = [share for share, _name in shared_with]
    actions = list(await db.scalars(statements.actions, which))
    if relation is Relation.ESCALATION_LEAD:
        # The team lead deciding an open doorbraak reads the goal it is about with its actions. One about the
        # plan as a whole shows the goals' texts only (what the plan aims at, to judge the block), never the
        # actions and their notes. Nobody's shares, and nothing to tick.
        about = await db.scalar(
            select(Escalation.goal_id)
            .where(Escalation.household_id == household_id, Escalation.status == EscalationStatus.OPEN)
            .limit(1)
        )
        if about is not None:
            goals = [g for g in goals if g.id == about]
        actions = [a for a in actions if about is not None and a.goal_id == about]
        shares = []
    elif relation not in WHOLE_PLAN:
        # A shared goal comes with all its actions; an action assigned to this person comes with its goal.
        shared_goals = {s.goal_id for s in shares if _visible_share(s, actor, relation) and s.goal_id}
        # A partner professional sees what is shared with their organisation, also the action they picked up
        # only while its goal is shared.
        assigned = (
            set()
            if relation is Relation.PARTNER_WITH_SHARE
            else {a.id for a in actions if a.assigned_person_id == actor.id}
        )
        visible = shared_goals | {a.goal_id for a in actions if a.id in assigned}
        goals = [g for g in goals if g.id in visible]
        actions = [a for a in actions if a.goal_id in shared_goals or a.id in assigned]
        # Someone with a share does not see with whom else the household shares.
        shares = [s for s in shares if _visible_share(s, actor, relation)]
    views = {g.id: GoalView(goal=g, domain_name=instrument.domain_name(g.domain_key)) for g in goals}
    for action in actions:
        # The actions of a goal struck out stay out of the plan with it.
        if action.goal_id in views:
            views[action.goal_id].actions.append(action)
    for share in shares:
        if share.goal_id in views:
            views[share.goal_id].shares.append(ShareView(share, names.get(share.id, ""), share.person_id is not None))
    visible_goals = frozenset(s.goal_id for s in shares if s.goal_id and _visible_share(s, actor, relation))
    tickable = frozenset(a.id for a in actions if can_tick(a, actor, relation, visible_goals))
    ratings_shares = [
        ShareView(share, names.get(share.id, ""), False)
        for share in shares
        if share.subject == ShareSubject.RATINGS and relation in WHOLE_PLAN
    ]
    return PlanView(goals=list(views.values()), tickable=tickable, ratings_shares=ratings_shares)
