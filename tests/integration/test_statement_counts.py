"""How many SQL statements each page costs, and that the number does not grow with the data.

Every page (every GET route of the app, found in the app itself), the htmx fragments the templates ask for
and the JSON export are requested twice, each by a person who may see it: once in a small world, and once
after the data has grown many times over (goals and actions, shares, ratings over time, people on the map,
timeline events, looks in the access log, help requests and offers, households in the regisseur's caseload
and the team, staff, volunteers, recovery links, passkeys). What a request costs is every statement the
app's engine runs while it is served, end to end: the guard, the page, the commit's last flush and the
access-log entry written after it. A listener on the app's engine records them; the app runs with
``count_statements`` on, and its own count (``Server-Timing: sql;desc="N statements"``) is checked against
them as well.

Two claims per page:
- the count is the same, small and large. A page whose count grows with the data runs a query per row (an
  N+1); the failure lists the statements that ran more often, and every statement of the large request;
- the count stays within the page's BUDGET (below).

In the small world the household already has one row of every kind (a goal, an action, a share, a rating
from both sides, a look, a help request with an offer, an account event, ...), so that a query skipped for
an empty list (``if not rows: return []``) is not taken for growth: the question is whether a hundred rows
cost what one costs.

Building and growing the world is the slow part, so it is done once for this module and every page is then
a test of its own; a page with a known N+1 is marked ``xfail`` on its own (see KNOWN_GROWTH).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from server.app import create_app
from server.db import make_engine
from server.domain import access_log, lifecycle
from server.domain.access_log import Look
from server.domain.budget.model import BudgetEntry, EntryKind, EntryStatus
from server.domain.events import EventKind
from server.domain.lifecycle import TriageInput
from server.domain.models import (
    AccountEvent,
    EnrolmentToken,
    Household,
    Member,
    Passkey,
    Person,
    Phase,
    Role,
    RoleAssignment,
    TimelineEvent,
    Trajectory,
    utcnow,
)
from server.domain.network import service as network
from server.domain.network.model import NetworkPerson, NetworkRelation
from server.domain.network.service import INFORMAL, NetworkPersonInput
from server.domain.notifications.model import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from server.domain.people import HouseholdInput, MemberInput, register_household
from server.domain.plan import service as plan
from server.domain.plan.model import ActionStatus, Goal, Horizon, PlanAction, Share, WhoType
from server.domain.plan.service import ActionInput
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.ratings.model import Assessment, AssessmentKind, Perspective, Rating
from server.domain.teamwork.model import Cover, Escalation, EscalationStatus
from server.domain.volunteering.model import (
    HelpOffer,
    HelpOfferStatus,
    HelpRequest,
    HelpRequestStatus,
    InvolvementCount,
)
from server.domain.workspace import intake as intakes
from server.domain.workspace.intake import HistoryInput
from server.domain.workspace.model import (
    ConversationReport,
    Evaluation,
    EvaluationDecision,
    EvaluationGuest,
    EvaluationStatus,
    GoalOutcome,
    GoalReview,
    Handover,
    HandoverKind,
    HistoryItem,
    Involvement,
    ReportCorrection,
)
from server.notify import vapid
from server.web import TEMPLATE_DIR
from tests.conftest import BACKEND, TEST_ORIGIN, clean_database, settings_for
from tests.factories import issue_link, sign_in, signed_in_as
from tests.forms import find_form, send
from tests.matrix_world import (
    ADMIN,
    ANONYMOUS,
    COORDINATOR,
    COVERING,
    HANDOVER_RECEIVER,
    MEMBER,
    NETWORK_SHARED,
    PARTNER_RATINGS,
    PARTNER_SHARED,
    REGISSEUR,
    TEAM_LEAD,
    VOLUNTEER_ACCEPTED,
    VOLUNTEER_PENDING,
    MatrixWorld,
    build_matrix_world,
)

# --------------------------------------------------------------------------------------------------------
# The budgets
# --------------------------------------------------------------------------------------------------------

# Statements per request, by visit (see VISITS), end to end (the access-log entry included), as measured
# when this test was written; SQLite and PostgreSQL counted the same. A budget is a ceiling, not a target:
# the queries are being optimised, and whoever lowers a page's count lowers its budget with it. Raising one
# is a decision to make on purpose. The point of the test is the equality between the small and the large
# world; the budget keeps a page from quietly getting dearer.
# A value is one number for both databases, or {"sqlite": n, "postgresql": m} where they differ.
BUDGET: dict[str, int | dict[str, int]] = {
    "household.overview": 5,
    "plan.view": 6,
    "plan.goal.new": 2,
    "plan.goal.edit": 3,
    "plan.goal.remove_confirm": 3,
    # With the gemeente's partner organisations to give a professional action to.
    "plan.action.new": 4,
    "plan.action.edit": 5,
    "plan.share.new": 7,
    # A change takes its form's key and keeps its answer with it: two statements of every change.
    "plan.action.tick (htmx)": 9,
    "plan.action.tick (htmx, as regisseur)": 12,
    "ratings.view": 7,
    "ratings.rate (htmx)": 13,
    "ratings.history": 7,
    "household.timeline": 5,
    "ratings.step": 7,
    "ratings.done": 7,
    # The looks grouped per person and day: the looks of the period, everyone who looked (for the filter), the
    # household's shares and its regisseur (for why each may look), and the chain's check.
    "household.access_log": 9,
    "network.map": 9,
    "network.new": 4,
    "network.edit": 5,
    "network.invite_form": 6,
    "network.link": 3,
    "help.new": 5,
    # With the rota of the requests for set days (who does which day).
    "help.list": 11,
    # With the gezinsbudget (its trajectories and entries in one statement) and the evaluations (their rows,
    # guests and goal reviews).
    "export.json": 24,
    "export.pdf": 24,
    # With the next evaluation of the member's household.
    # With "Begin hier" (the first-visit steps) one query more while they are shown.
    "me.overview": 5,
    "me.passkeys": 3,
    "household.overview (as network member)": 8,
    "plan.view (as network member)": 9,
    "me.overview (as network member)": 4,
    "help.task": 10,
    "help.board": 4,
    # What an accepted volunteer gets to know: the offer, the household's members and the earlier choice.
    "help.offer.share": 9,
    # With the volunteer's days and tasks.
    "me.overview (as volunteer)": 5,
    # With the household's doorbraak (open, or the latest decision) for its regisseur.
    # With whether she keeps the household on her devices for a home visit.
    "household.overview (as regisseur)": 9,
    "plan.view (as regisseur)": 9,
    "household.new": 1,
    "workspace.triage": 6,
    # With the look each writes to the household's access log (the receiver's names the organisation).
    "handover.page": 7,
    "handover.answer": 7,
    # A partner professional: with the partner's start page (the shares with the organisation, its actions).
    "me.overview (as handover receiver)": 10,
    # The partner's start page: the shares with their organisation, the actions assigned to it, and a look
    # in the access log of each household shown.
    "me.overview (as partner)": 10,
    "plan.view (as partner)": 10,
    "ratings.view (as partner with a ratings share)": 8,
    "sharing.overview": 4,
    "intake.view": 11,
    "report.view": 4,
    "history.view": 3,
    "involvement.register": 6,
    # The gezinsbudget: the trajectories, the entries and (for the regisseur's form) the mandate; the team
    # lead's list of entries waiting (with a look in each household's access log) and one entry to decide.
    "budget.view": 3,
    "budget.view (as regisseur)": 7,
    "budget.approvals": 5,
    "budget.approval": 7,
    "involvement.register (as network member)": 7,
    # Measured in the aanmelding; in their own phase the pages ask one (akkoord: is the intake complete;
    # afsluiten: is there an eindmeting) or two (waakvlam: the check-ins planned and held) more.
    "trajectory.agreement": 7,
    "trajectory.agreement.in_person": 10,
    "trajectory.execution": 6,
    "trajectory.waakvlam": 8,
    "trajectory.close": 7,
    # Evaluations: the list (one statement, and the trajectory for the regisseur's form), one evaluation with
    # who takes part, whom the household can invite, the goals with their reviews and the round's scores.
    "evaluation.list": 3,
    "evaluation.view": 10,
    "evaluation.list (as regisseur)": 7,
    "evaluation.view (as regisseur)": 11,
    "evaluation.view (held, as regisseur)": 13,
    "household.member.link_show": 6,
    # The caseload with its signals (two statements), the handovers offered to her (one) and the covers she
    # works in (one).
    "me.overview (as regisseur)": 5,
    "me.overview (as team lead)": 9,
    # The team lead: the team overview (the households with their signals in one statement, the team's
    # regisseurs, a look per household), the doorbraken (one statement and the looks), the covers, and the
    # doorbraak to decide with the goal it is about. The covering colleague's start page: the covers she
    # works in, the caseloads of the absent regisseurs together (two statements), a look for each household.
    "team.overview": 6,
    "team.escalations": 5,
    "team.covers": 3,
    "team.cover.confirm": 2,
    "team.reassign": 9,
    "escalation.new": 8,
    "escalation.view": 10,
    "me.overview (as covering colleague)": 9,
    "household.overview (as covering colleague)": 9,
    "recovery.list": 5,
    "admin.people": 5,
    "admin.people.link_show": 2,
    # The functional admin: a person's page (the managed person with their roles, two; their roles with team
    # and organisation; passkeys; the teams and organisations to choose from), the confirmations, teams,
    # organisations and settings; the start page with what waits (people without a passkey, recovery links).
    "admin.person": 7,
    "admin.person.role_end_confirm": 4,
    "admin.person.deactivate_confirm": 3,
    "admin.people.revoke_confirm": 3,
    "gemeente.teams": 3,
    "gemeente.team": 4,
    "gemeente.team.end_confirm": 4,
    "gemeente.organisations": 3,
    "gemeente.organisation": 3,
    "gemeente.organisation.end_confirm": 3,
    "gemeente.settings": 4,
    "me.overview (as admin)": 8,
    "volunteers.people": 4,
    # Notifications: a page of messages with what each is about in one statement (and for the regisseur a look
    # in the access log of each household named); choices, devices and the VAPID key; the admin's failed pushes.
    "notifications.list": 2,
    "notifications.list (as regisseur)": 5,
    "notifications.settings": 4,
    "notifications.failed": 2,
    "volunteers.people.link_show": 2,
    "public.start": 0,
    # The choice of language: before signing in nothing is read; signed in, the session with the person.
    "language.choose": 0,
    "language.choose (signed in)": 2,
    "offline.page": 0,
    "offline.queued": 0,
    "offline.kept_pages": 3,
    # With her households that have an evaluation today (and one look per household she marked).
    "offline.kept_pages (as regisseur)": 4,
    "auth.sign_in": 0,
    "auth.enrol": 4,
}

# GET routes that need no budget, and why.
EXEMPT: dict[str, str] = {
    "public.static": "a fingerprinted file from disk; no database",
    "public.service_worker": "a file from disk; no database",
    "public.manifest": "the web app manifest, built from settings; no database",
    "health.live": "the liveness probe; no database",
    "health.ready": "the readiness probe; one SELECT 1 by design",
    "notifications.open": "no page: marks one message read and redirects to it, one UPDATE ... RETURNING",
}

# Pages whose count grows with the data today: visit key -> what repeats and where it comes from. The test
# of such a page is expected to fail (strictly: once the page is fixed, remove it here).
KNOWN_GROWTH: dict[str, str] = {}


# --------------------------------------------------------------------------------------------------------
# The visits: who asks for what
# --------------------------------------------------------------------------------------------------------

# A path parameter in a route, e.g. {household_id:uuid}.
PARAM = re.compile(r"\{(\w+):\w+\}")
# The ids and values a path or a form is filled in with, by name; one set for each world (small, large).
Places = dict[str, str]


@dataclass(frozen=True)
class Form:
    """A form on a page, sent as the person would: the page (a route name) that holds it, the route its
    action points at, and what is filled in ("{name}" takes a value from the places)."""

    page: str
    action: str
    data: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    route: str  # the route name requested
    role: str = MEMBER  # who requests it (a role of tests/matrix_world.py)
    label: str = ""  # tells apart visits of one route: "as regisseur", "htmx"
    # Path parameter -> the name of its value in the places, where it is not the parameter's own name.
    params: Mapping[str, str] = field(default_factory=dict)
    # A form to send first, not counted (a link is shown once, after the form that made it).
    before: Form | None = None
    # The measured request is the route's form on this page (a route name), sent by htmx with ``data``,
    # instead of a GET of the route.
    htmx_from: str = ""
    data: Mapping[str, str] = field(default_factory=dict)
    # The page lists rows that grow: its large answer must be the longer one, or the growth did not reach it
    # and the equal counts prove nothing.
    lists: bool = False

    @property
    def key(self) -> str:
        return f"{self.route} ({self.label})" if self.label else self.route

    def __str__(self) -> str:
        return f"{self.key} [{self.role}]"


VISITS: tuple[Visit, ...] = (
    # The household's own pages, as its member sees them.
    Visit("household.overview", lists=True),
    Visit("plan.view", lists=True),
    Visit("plan.goal.new"),
    Visit("plan.goal.edit"),
    Visit("plan.goal.remove_confirm"),
    Visit("plan.action.new"),
    Visit("plan.action.edit"),
    Visit("plan.share.new", lists=True),
    Visit(
        "plan.action.tick",
        label="htmx",
        params={"action_id": "tick_action"},
        htmx_from="plan.view",
        data={"gedaan": "ja"},
    ),
    Visit("ratings.view"),
    Visit("ratings.rate", label="htmx", htmx_from="ratings.view", data={"score": "{score}", "note": "Het gaat beter."}),
    Visit("ratings.history", lists=True),
    Visit("household.timeline", lists=True),
    Visit("household.access_log", lists=True),
    Visit("ratings.step"),
    Visit("ratings.done"),
    Visit("network.map", lists=True),
    Visit("network.new"),
    Visit("network.edit"),
    Visit("network.invite_form", lists=True),
    Visit(
        "network.link",
        before=Form(
            "network.invite_form", "network.invite", {"network_person": "{invitee}", "message": "Help je mee?"}
        ),
    ),
    Visit("help.new", params={"action_id": "volunteer_action"}),
    Visit("help.list", lists=True),
    Visit("export.json", lists=True),
    Visit("export.pdf", lists=True),
    Visit("me.overview"),
    Visit("me.passkeys", lists=True),
    # The same household seen from outside it: each of these looks is also written to its access log.
    Visit("household.overview", NETWORK_SHARED, "as network member", lists=True),
    Visit("plan.view", NETWORK_SHARED, "as network member", lists=True),
    Visit("me.overview", NETWORK_SHARED, "as network member", lists=True),
    Visit("help.task", VOLUNTEER_ACCEPTED),
    Visit("help.board", VOLUNTEER_ACCEPTED, lists=True),
    Visit("help.offer.share", params={"offer_id": "accepted_offer"}),
    Visit("me.overview", VOLUNTEER_ACCEPTED, label="as volunteer", lists=True),
    Visit("household.overview", REGISSEUR, "as regisseur", lists=True),
    Visit("plan.view", REGISSEUR, "as regisseur", lists=True),
    Visit(
        "plan.action.tick",
        REGISSEUR,
        label="htmx, as regisseur",
        params={"action_id": "regisseur_tick"},
        htmx_from="plan.view",
        data={"gedaan": "ja"},
    ),
    Visit("household.new", REGISSEUR),
    Visit("workspace.triage", REGISSEUR),
    # Household A's pending handover: the regisseur's page, and the receiver's (the handover only).
    Visit("handover.page", REGISSEUR),
    Visit("handover.answer", HANDOVER_RECEIVER),
    Visit("me.overview", HANDOVER_RECEIVER, "as handover receiver", lists=True),
    # The partner professional: the start page, the plan as shared with MEE, the scores shared with the
    # wijkverpleging; the household's page of what it shares.
    Visit("me.overview", PARTNER_SHARED, "as partner", lists=True),
    Visit("plan.view", PARTNER_SHARED, "as partner", lists=True),
    Visit("ratings.view", PARTNER_RATINGS, "as partner with a ratings share"),
    Visit("sharing.overview", lists=True),
    # The intake of a household of hers in the phase intake; the gespreksverslag and earlier help of A.
    Visit("intake.view", REGISSEUR, params={"household_id": "intake_household"}, lists=True),
    Visit("report.view", lists=True),
    Visit("history.view", lists=True),
    # The involvement register: the regisseur's, with its forms; the network member's, names of people only.
    Visit("involvement.register", REGISSEUR, lists=True),
    Visit("involvement.register", NETWORK_SHARED, "as network member", lists=True),
    # The gezinsbudget of A: the household's, the regisseur's with the form; the team lead's approvals.
    Visit("budget.view", lists=True),
    Visit("budget.view", REGISSEUR, "as regisseur", lists=True),
    Visit("budget.approvals", TEAM_LEAD, lists=True),
    Visit("budget.approval", TEAM_LEAD),
    # The steps after the intake (household A is in its aanmelding: each page says what comes first).
    Visit("trajectory.agreement"),
    Visit("trajectory.agreement.in_person", REGISSEUR),
    Visit("trajectory.execution", REGISSEUR),
    Visit("trajectory.waakvlam", REGISSEUR),
    Visit("trajectory.close", REGISSEUR),
    # A's evaluations: the planned one (scored ahead by the household, with guests), and one held long ago.
    Visit("evaluation.list", lists=True),
    Visit("evaluation.view", lists=True),
    Visit("evaluation.list", REGISSEUR, "as regisseur", lists=True),
    Visit("evaluation.view", REGISSEUR, "as regisseur", lists=True),
    Visit("evaluation.view", REGISSEUR, "held, as regisseur", params={"evaluation_id": "held_evaluation"}, lists=True),
    Visit(
        "household.member.link_show",
        REGISSEUR,
        before=Form("household.overview", "household.member.link"),
    ),
    Visit("me.overview", REGISSEUR, "as regisseur", lists=True),
    # Pages not about one household.
    Visit("me.overview", TEAM_LEAD, "as team lead", lists=True),
    Visit("team.overview", TEAM_LEAD, lists=True),
    Visit("team.escalations", TEAM_LEAD, lists=True),
    Visit("team.covers", TEAM_LEAD, lists=True),
    Visit("team.cover.confirm", TEAM_LEAD),
    Visit("team.reassign", TEAM_LEAD, lists=True),
    Visit("escalation.view", TEAM_LEAD),
    # The regisseur's form for a doorbraak, with the goals of the plan to choose from (A has one open, which
    # the page shows instead of the form: the household in its intake); the colleague covering for her.
    Visit("escalation.new", REGISSEUR, params={"household_id": "intake_household"}, lists=True),
    Visit("me.overview", COVERING, "as covering colleague", lists=True),
    Visit("household.overview", COVERING, "as covering colleague", lists=True),
    Visit("recovery.list", TEAM_LEAD, lists=True),
    Visit("admin.people", ADMIN, lists=True),
    Visit(
        "admin.people.link_show",
        ADMIN,
        before=Form("admin.person", "admin.people.link", params={"person_id": "staff_person"}),
    ),
    Visit("admin.person", ADMIN, params={"person_id": "staff_person"}),
    Visit("admin.person.role_end_confirm", ADMIN, params={"person_id": "staff_person", "role_id": "staff_role"}),
    Visit("admin.person.deactivate_confirm", ADMIN, params={"person_id": "staff_person"}),
    Visit("admin.people.revoke_confirm", ADMIN, params={"person_id": "staff_person"}),
    Visit("gemeente.teams", ADMIN),
    Visit("gemeente.team", ADMIN, params={"team_id": "admin_team"}),
    Visit("gemeente.team.end_confirm", ADMIN, params={"team_id": "admin_team"}),
    Visit("gemeente.organisations", ADMIN),
    Visit("gemeente.organisation", ADMIN, params={"organisation_id": "admin_organisation"}),
    Visit("gemeente.organisation.end_confirm", ADMIN, params={"organisation_id": "admin_organisation"}),
    Visit("gemeente.settings", ADMIN),
    Visit("me.overview", ADMIN, "as admin", lists=True),
    Visit("notifications.list", lists=True),
    Visit("notifications.settings", lists=True),
    Visit("notifications.list", REGISSEUR, "as regisseur", lists=True),
    Visit("notifications.failed", ADMIN, lists=True),
    Visit("volunteers.people", COORDINATOR, lists=True),
    Visit(
        "volunteers.people.link_show",
        COORDINATOR,
        before=Form("volunteers.people", "volunteers.people.link", params={"person_id": "volunteer_person"}),
    ),
    Visit("public.start", ANONYMOUS),
    Visit("language.choose", ANONYMOUS),
    Visit("language.choose", MEMBER, "signed in"),
    # Working offline: the pages the service worker shows without a connection, and the list of pages it keeps.
    Visit("offline.page", ANONYMOUS),
    Visit("offline.queued", ANONYMOUS),
    Visit("offline.kept_pages"),
    Visit("offline.kept_pages", REGISSEUR, "as regisseur"),
    Visit("auth.sign_in", ANONYMOUS),
    Visit("auth.enrol", ANONYMOUS),
)

# The order in which people sign in; each does all of their visits in one go.
SIGN_IN_ORDER = (
    MEMBER,
    NETWORK_SHARED,
    VOLUNTEER_ACCEPTED,
    REGISSEUR,
    HANDOVER_RECEIVER,
    PARTNER_SHARED,
    PARTNER_RATINGS,
    TEAM_LEAD,
    COVERING,
    ADMIN,
    COORDINATOR,
    ANONYMOUS,
)


def budget_of(key: str) -> int:
    value = BUDGET[key]
    return value if isinstance(value, int) else value[BACKEND]


# --------------------------------------------------------------------------------------------------------
# The routes, from the app and from the templates
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    rate_limited: bool


def route_table(app: Litestar) -> dict[str, RouteInfo]:
    table: dict[str, RouteInfo] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"} or not handler.name:
                continue
            table[handler.name] = RouteInfo(
                route.path, frozenset(handler.http_methods), bool(handler.opt.get("rate_limited"))
            )
    return table


# An htmx request in a template: hx-post="/huishoudens/{{ household.id }}/plan/acties/{{ action.id }}/afvinken".
HX_REQUEST = re.compile(r'hx-(get|post|put|patch|delete)="([^"]+)"')
JINJA_VALUE = re.compile(r"\{\{.*?\}\}")


def htmx_routes(table: Mapping[str, RouteInfo]) -> dict[str, str]:
    """Route name -> the template that asks htmx for it (a fragment)."""
    found: dict[str, str] = {}
    for template in sorted(TEMPLATE_DIR.rglob("*.html")):
        for method, url in HX_REQUEST.findall(template.read_text(encoding="utf-8")):
            shape = JINJA_VALUE.sub("{}", url.split("?")[0])
            matches = [
                name
                for name, info in table.items()
                if PARAM.sub("{}", info.path) == shape and method.upper() in info.methods
            ]
            where = str(template.relative_to(TEMPLATE_DIR))
            for name in matches or [f"<no route for {method.upper()} {url}>"]:
                found.setdefault(name, where)
    return found


# --------------------------------------------------------------------------------------------------------
# The small world: the matrix world, with one more of each kind of row the pages show
# --------------------------------------------------------------------------------------------------------


async def furnish(db: AsyncSession, world: MatrixWorld) -> Places:
    sanne, fatima = world.people[MEMBER], world.people[REGISSEUR]
    me, regisseur = actor_for(sanne), actor_for(fatima)
    a = world.a.household
    household = await db.get(Household, a)
    assert household is not None
    instrument = await instruments.for_municipality(db, household.municipality_id)
    domain = instrument.domains[0].key

    # Someone on the map to invite in the small round, and open actions to tick off with htmx (one for the
    # member, one for the regisseur).
    invitee = await network.add_person(
        db, me, a, NetworkPersonInput(name="Tante Ria", relation="familie", kind=INFORMAL, ring="2")
    )
    ticks = [
        await plan.create_action(db, me, a, world.a.goal, ActionInput(what=f"Bellen {n}", who_type="zelf"))
        for n in range(2)
    ]
    # A nulmeting long ago from both sides, with a score each.
    long_ago = (utcnow().date() - dt.timedelta(days=400)).isoformat()
    for actor, relation in ((me, Relation.MEMBER), (regisseur, Relation.REGISSEUR)):
        await ratings.start_assessment(db, actor, relation, a, instrument, AssessmentKind.NULMETING, long_ago)
        await ratings.rate(db, actor, relation, a, instrument, domain, "3", "")
    # One look in the access log, and one event on the member's own account.
    await access_log.record_look(db, Look.of(regisseur, Relation.REGISSEUR, a, "plan"))
    db.add(AccountEvent(person_id=sanne.id, kind="recovery.issued", actor_name=fatima.display_name))
    intake_household = await _furnish_intake(db, regisseur, a, instrument)
    await _furnish_notifications(db, world)
    held = await _furnish_evaluations(db, world, instrument)
    await db.commit()
    return {
        "evaluation_id": str(world.a.evaluation),
        "held_evaluation": str(held),
        "intake_household": str(intake_household),
        "household_id": str(a),
        "member_id": str(world.a.member),
        "goal_id": str(world.a.goal),
        "action_id": str(world.a.actions["network"]),
        "volunteer_action": str(world.a.actions["volunteer"]),
        "person_id": str(world.a.network_person),
        "request_id": str(world.a.accepted_request),
        "accepted_offer": str(
            await db.scalar(
                select(HelpOffer.id).where(
                    HelpOffer.help_request_id == world.a.accepted_request, HelpOffer.status == HelpOfferStatus.ACCEPTED
                )
            )
        ),
        "token": world.enrolment_token,
        "staff_person": str(world.managed_staff),
        "staff_role": str(world.managed_role),
        "admin_team": str(world.managed_team),
        "admin_organisation": str(world.managed_organisation),
        "volunteer_person": str(world.managed_volunteer),
        "invitee": str(invitee.id),
        "tick_action": str(ticks[0].id),
        "regisseur_tick": str(ticks[1].id),
        "domain_key": domain,
        "score": "2",
        "entry_id": str(world.a.budget_entry),
        "escalation_id": str(world.a.escalation),
        "step_number": "3",
        "cover_id": str(world.cover),
    }


# --------------------------------------------------------------------------------------------------------
# The large world: the same, grown
# --------------------------------------------------------------------------------------------------------

# How many rows of each kind are added (of some kinds a multiple: ratings, timeline events).
GROWTH = 12


@dataclass(frozen=True)
class HouseholdA:
    """What the growth adds to: household A, its gemeente and team, and the people around it."""

    id: uuid.UUID
    wijk: str
    gemeente: uuid.UUID
    team: uuid.UUID
    instrument: instruments.InstrumentDef
    member: Person
    regisseur: Person
    network_member: Person
    volunteer: Person
    volunteer_org: uuid.UUID
    partner_org: uuid.UUID


async def grow(db: AsyncSession, world: MatrixWorld, small: Places) -> Places:
    """Add many rows of every kind the pages show: in bulk where rows stand alone, through the domain where
    they come with relations (invitations, registered households, the access log's hash chain)."""
    household = await db.get(Household, world.a.household)
    assert household is not None
    lotte = world.people[VOLUNTEER_ACCEPTED]
    a = HouseholdA(
        id=household.id,
        wijk=household.wijk,
        gemeente=household.municipality_id,
        team=household.team_id,
        instrument=await instruments.for_municipality(db, household.municipality_id),
        member=world.people[MEMBER],
        regisseur=world.people[REGISSEUR],
        network_member=world.people[NETWORK_SHARED],
        volunteer=lotte,
        volunteer_org=next(r.organisation_id for r in lotte.roles if r.role == Role.VOLUNTEER and r.organisation_id),
        partner_org=next(
            r.organisation_id
            for r in world.people[PARTNER_SHARED].roles
            if r.role == Role.PARTNER_PROFESSIONAL and r.organisation_id
        ),
    )
    volunteers = await _grow_people(db, a, admin=world.people[ADMIN])
    helpers, invitee = await _grow_map(db, a)
    actions, ticks = await _grow_plan(db, a, helpers)
    await _grow_ratings(db, a)
    await _grow_help(db, a, actions, offer_makers=[world.people[VOLUNTEER_PENDING], *volunteers[:2]])
    await _grow_history(db, a, partner=world.people[PARTNER_SHARED])
    await _grow_intake(db, a, uuid.UUID(small["intake_household"]))
    _grow_involvement(db, a)
    await db.commit()
    await _grow_caseload(db, a)
    await _grow_handovers(db, a, world.people[HANDOVER_RECEIVER])
    await _grow_budget(db, a)
    await _grow_notifications(db, a, world)
    await _grow_evaluations(db, a, world, uuid.UUID(small["held_evaluation"]))
    await _grow_teamwork(
        db,
        a,
        uuid.UUID(small["intake_household"]),
        covering=world.people[COVERING],
        team_lead=world.people[TEAM_LEAD],
    )
    await db.commit()
    ahmed = await db.scalar(
        select(Person).join(Member, Member.person_id == Person.id).where(Member.household_id == world.b.household)
    )
    assert ahmed is not None
    return {
        **small,
        "invitee": str(invitee.id),
        "tick_action": str(ticks[0].id),
        "regisseur_tick": str(ticks[1].id),
        "token": await issue_link(db, ahmed),
        "score": "4",
    }


def _person(a: HouseholdA, name: str, role: Role, **context: uuid.UUID) -> Person:
    person = Person(municipality_id=a.gemeente, display_name=name)
    person.roles = [RoleAssignment(role=role, **context)]
    return person


async def _grow_handovers(db: AsyncSession, a: HouseholdA, receiver: Person) -> None:
    """A warme overdracht of every household of the grown caseload, offered to the receiver: their start page
    lists (and logs a look at) each."""
    organisation = next(r.organisation_id for r in receiver.roles if r.role == Role.PARTNER_PROFESSIONAL)
    trajectories = await db.scalars(
        select(Trajectory).where(Trajectory.regisseur_id == a.regisseur.id, Trajectory.household_id != a.id)
    )
    db.add_all(
        Handover(
            household_id=t.household_id,
            trajectory_id=t.id,
            kind=HandoverKind.WARM,
            from_person_id=a.regisseur.id,
            to_person_id=receiver.id,
            to_organisation_id=organisation,
        )
        for t in trajectories
    )


async def _grow_people(db: AsyncSession, a: HouseholdA, *, admin: Person) -> list[Person]:
    """Staff for the admin's page (some with a recovery link for the team lead to approve), volunteers for
    the coordinator's page, more adults and children in the household, passkeys and account events."""
    staff = [_person(a, f"Regisseur {i:02}", Role.REGISSEUR, team_id=a.team) for i in range(GROWTH)]
    volunteers = [
        _person(a, f"Vrijwilliger {i:02}", Role.VOLUNTEER, organisation_id=a.volunteer_org) for i in range(GROWTH)
    ]
    adults = [_person(a, f"Volwassene {i}", Role.HOUSEHOLD_MEMBER, household_id=a.id) for i in range(3)]
    db.add_all(staff + volunteers + adults)
    await db.flush()
    db.add_all(Member(household_id=a.id, person_id=p.id, first_name=p.display_name, is_adult=True) for p in adults)
    db.add_all(Member(household_id=a.id, first_name=f"Kind {i}", is_adult=False) for i in range(5))
    db.add_all(
        Passkey(person_id=p.id, credential_id=secrets.token_bytes(32), public_key=b"-", name=f"Telefoon {i}")
        for i, p in enumerate([a.member] * 5 + adults)
    )
    db.add_all(
        AccountEvent(person_id=a.member.id, kind="recovery.used", actor_name=a.regisseur.display_name)
        for _ in range(GROWTH)
    )
    db.add_all(
        EnrolmentToken(
            person_id=p.id,
            token_hash=secrets.token_hex(32),
            created_by_id=admin.id,
            expires_at=utcnow() + dt.timedelta(days=3),
            is_recovery=True,
            needs_approval=True,
        )
        for p in staff[: GROWTH // 2]
    )
    return volunteers


async def _grow_map(db: AsyncSession, a: HouseholdA) -> tuple[list[uuid.UUID], NetworkPerson]:
    """Many people on the map, some the household would rather not involve, half of them invited. Returns
    the invited people's accounts, and someone not invited yet (the large round invites them)."""
    relations = list(NetworkRelation)
    rows = [
        NetworkPerson(
            household_id=a.id,
            name=f"Buur {i:02}",
            relation=relations[i % len(relations)],
            is_formal=i % 5 == 0,
            ring=1 + i % 3,
            can_help_with="Boodschappen",
            not_involved=i % 6 == 5,
            not_involved_reason="Liever niet" if i % 6 == 5 else "",
            created_by_id=a.member.id,
        )
        for i in range(GROWTH)
    ]
    db.add_all(rows)
    await db.flush()
    involved = [row for row in rows if not row.not_involved]
    me = actor_for(a.member)
    for row in involved[: GROWTH // 2]:
        await network.invite(db, me, a.id, a.gemeente, row.id, message="", action_id=None)
    return [row.person_id for row in involved[: GROWTH // 2] if row.person_id], involved[-1]


async def _grow_plan(
    db: AsyncSession, a: HouseholdA, helpers: list[uuid.UUID]
) -> tuple[list[PlanAction], list[PlanAction]]:
    """Goals with an action of every kind in every state, some assigned to helpers, many shared. Returns the
    actions, and open ones to tick off in the large round."""
    instrument = a.instrument
    goals = [
        Goal(
            household_id=a.id,
            domain_key=instrument.domains[i % len(instrument.domains)].key,
            text=f"Doel nummer {i}",
            horizon=list(Horizon)[i % len(Horizon)],
            target_score=instrument.max_score if i % 2 else None,
            written_by_id=a.member.id if i % 2 else a.regisseur.id,
            written_by_name=a.member.display_name if i % 2 else a.regisseur.display_name,
            written_by_role=plan.HOUSEHOLD_WRITER if i % 2 else "regisseur",
        )
        for i in range(GROWTH)
    ]
    db.add_all(goals)
    await db.flush()
    statuses = list(ActionStatus)
    actions = [
        PlanAction(
            goal_id=goal.id,
            household_id=a.id,
            what=f"Actie {i}.{j}",
            who_type=who,
            professional_reason="Dat is hun vak" if who == WhoType.PROFESSIONAL else "",
            # Given to MEE: on its professionals' start page where the goal is shared with MEE.
            assigned_organisation_id=a.partner_org if who == WhoType.PROFESSIONAL else None,
            assigned_person_id={
                WhoType.NETWERK: a.network_member.id if i % 3 == 0 else helpers[i % len(helpers)],
                WhoType.VRIJWILLIGER: a.volunteer.id if i % 2 else None,
            }.get(who),
            due_on=utcnow().date() + dt.timedelta(days=i) if j % 2 else None,
            status=statuses[(i + j) % len(statuses)],
            note="Loopt goed" if j == 1 else "",
            created_by_id=a.member.id,
        )
        for i, goal in enumerate(goals)
        for j, who in enumerate(WhoType)
    ]
    ticks = [
        PlanAction(goal_id=goals[0].id, household_id=a.id, what=f"Afspraak {n}", who_type=WhoType.ZELF)
        for n in range(2)
    ]
    db.add_all([*actions, *ticks])

    def share(goal: Goal, purpose: str, **target: uuid.UUID) -> Share:
        return Share(household_id=a.id, goal_id=goal.id, purpose=purpose, created_by_id=a.member.id, **target)

    db.add_all(share(goal, "Meedenken", person_id=a.network_member.id) for goal in goals[::2])
    db.add_all(share(goal, "Helpen", person_id=helpers[i % len(helpers)]) for i, goal in enumerate(goals[1::2]))
    db.add_all(share(goal, "Schulden", organisation_id=a.partner_org) for goal in goals[::3])
    await db.flush()
    return actions, ticks


async def _grow_ratings(db: AsyncSession, a: HouseholdA) -> None:
    """From both sides an assessment a month apart, each with a score for every leefgebied."""
    instrument = a.instrument
    scale = instrument.max_score - instrument.min_score + 1
    for perspective, by in ((Perspective.HOUSEHOLD, a.member), (Perspective.PROFESSIONAL, a.regisseur)):
        assessments = [
            Assessment(
                household_id=a.id,
                instrument_key=instrument.key,
                kind=AssessmentKind.TUSSENEVALUATIE,
                perspective=perspective,
                held_on=utcnow().date() - dt.timedelta(days=390 - 30 * k),
                created_by_id=by.id,
            )
            for k in range(GROWTH // 2)
        ]
        db.add_all(assessments)
        await db.flush()
        db.add_all(
            Rating(
                assessment_id=assessment.id,
                household_id=a.id,
                domain_key=domain.key,
                score=instrument.min_score + (k + d) % scale,
                rated_by_id=by.id,
            )
            for k, assessment in enumerate(assessments)
            for d, domain in enumerate(instrument.domains)
        )


async def _grow_help(db: AsyncSession, a: HouseholdA, actions: list[PlanAction], *, offer_makers: list[Person]) -> None:
    """A help request in every state for each action for a volunteer, each with offers from several
    volunteers; the volunteer of the matrix world took on some of them. And a count of who was involved
    on each of many days."""
    states = list(HelpRequestStatus)
    taken = (HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE, HelpRequestStatus.CONFIRMED)
    requests = [
        HelpRequest(
            household_id=a.id,
            action_id=action.id,
            municipality_id=a.gemeente,
            what=f"Hulp bij {action.what}",
            when_text="zaterdag",
            wijk=a.wijk,
            status=states[i % len(states)],
            volunteer_id=a.volunteer.id if states[i % len(states)] in taken else None,
            published_by_id=a.member.id,
            accepted_at=utcnow() if states[i % len(states)] in taken else None,
        )
        for i, action in enumerate(x for x in actions if x.who_type == WhoType.VRIJWILLIGER)
    ]
    db.add_all(requests)
    await db.flush()
    db.add_all(
        HelpOffer(help_request_id=r.id, volunteer_id=v.id, organisation_id=a.volunteer_org, message="Ik kan wel")
        for r in requests
        for v in offer_makers
    )
    db.add_all(
        HelpOffer(
            help_request_id=r.id,
            volunteer_id=a.volunteer.id,
            organisation_id=a.volunteer_org,
            status=HelpOfferStatus.ACCEPTED,
        )
        for r in requests
        if r.volunteer_id == a.volunteer.id
    )
    today = utcnow().date()
    db.add_all(
        InvolvementCount(household_id=a.id, counted_on=today - dt.timedelta(days=d), volunteers=d % 3, network=d % 5)
        for d in range(1, GROWTH + 1)
    )


async def _grow_history(db: AsyncSession, a: HouseholdA, *, partner: Person) -> None:
    """The household's timeline, and looks in its access log by the regisseur and a partner."""
    kinds = ["goal.created", "action.ticked", "network.added", "help.published", "rating.set", "share.created"]
    detail = {
        "actor_name": a.member.display_name,
        "goal": "Weer rust in huis",
        "action": "Milan ophalen",
        "name": "Buur",
        "what": "Boodschappen doen",
        "domain": a.instrument.domains[0].name,
        "score": 3,
        "perspective": "household",
        "with": "Oma Ineke",
        "purpose": "Meedenken",
    }
    now = utcnow()
    db.add_all(
        TimelineEvent(
            household_id=a.id,
            actor_id=a.member.id,
            kind=kinds[i % len(kinds)],
            detail=detail,
            created_at=now - dt.timedelta(minutes=i),
        )
        for i in range(GROWTH * 5)
    )
    lookers = [(actor_for(partner), Relation.PARTNER_WITH_SHARE), (actor_for(a.regisseur), Relation.REGISSEUR)]
    for i in range(GROWTH * 2):
        actor, relation = lookers[i % 2]
        await access_log.record_look(db, Look.of(actor, relation, a.id, "plan"))


async def _grow_budget(db: AsyncSession, a: HouseholdA) -> None:
    """The gezinsbudget: many entries of A in every kind and state, and an entry waiting for the team lead in
    every household of the team."""
    trajectories = (
        await db.execute(
            select(Trajectory.id, Trajectory.household_id, Household.team_id)
            .join(Household, Household.id == Trajectory.household_id)
            .where(Household.team_id == a.team)
        )
    ).all()
    statuses = list(EntryStatus)
    today = utcnow().date()
    db.add_all(
        BudgetEntry(
            household_id=household_id,
            trajectory_id=trajectory_id,
            team_id=team_id,
            kind=EntryKind.GRANT if i % 2 else EntryKind.SPENDING,
            purpose=f"Uitgave {i:02}",
            amount_cents=1_00 + i,
            booked_on=today - dt.timedelta(days=i),
            decided_by_id=a.regisseur.id,
            decided_by_name=a.regisseur.display_name,
            status=statuses[i % len(statuses)] if household_id == a.id else EntryStatus.AWAITING,
            refusal="Te duur" if statuses[i % len(statuses)] == EntryStatus.REFUSED else "",
        )
        for trajectory_id, household_id, team_id in trajectories
        for i in range(GROWTH if household_id == a.id else 1)
    )


async def _grow_teamwork(
    db: AsyncSession, a: HouseholdA, intake_household: uuid.UUID, *, covering: Person, team_lead: Person
) -> None:
    """Doorbraken: many decided ones of A (its open one stays), an open one in every other household of the
    team but the one in its intake, whose plan gets goals for the form to choose from. Covers: every grown
    regisseur of the team absent some time in the coming weeks, and the covering colleague covering for two
    more of them this week, each with a household."""
    trajectories = (
        await db.execute(
            select(Trajectory.id, Trajectory.household_id)
            .join(Household, Household.id == Trajectory.household_id)
            .where(Household.team_id == a.team, Trajectory.phase != Phase.AFGESLOTEN)
        )
    ).all()
    now = utcnow()

    def escalation(trajectory_id: uuid.UUID, household_id: uuid.UUID, i: int, status: EscalationStatus) -> Escalation:
        decided = status != EscalationStatus.OPEN
        return Escalation(
            household_id=household_id,
            trajectory_id=trajectory_id,
            team_id=a.team,
            raised_by_id=a.regisseur.id,
            raised_by_name=a.regisseur.display_name,
            blocked=f"Wachtlijst {i:02}",
            blocked_by="Schuldhulp",
            needed="Voorrang",
            needed_by=now.date() + dt.timedelta(days=30 + i),
            status=status,
            decided_by_id=team_lead.id if decided else None,
            decided_by_name=team_lead.display_name if decided else "",
            decided_at=now - dt.timedelta(days=i) if decided else None,
            decision="Geregeld" if decided else "",
        )

    decided = (EscalationStatus.GRANTED, EscalationStatus.REFUSED, EscalationStatus.WITHDRAWN)
    db.add_all(
        escalation(trajectory_id, household_id, i, decided[i % len(decided)])
        for trajectory_id, household_id in trajectories
        if household_id == a.id
        for i in range(GROWTH)
    )
    db.add_all(
        escalation(trajectory_id, household_id, 0, EscalationStatus.OPEN)
        for trajectory_id, household_id in trajectories
        if household_id not in (a.id, intake_household)
    )
    db.add_all(
        Goal(
            household_id=intake_household,
            domain_key=a.instrument.domains[0].key,
            text=f"Doel {i:02}",
            horizon=Horizon.EERST,
            written_by_role=plan.HOUSEHOLD_WRITER,
        )
        for i in range(GROWTH)
    )
    regisseurs = list(
        await db.scalars(
            select(Person)
            .join(RoleAssignment, RoleAssignment.person_id == Person.id)
            .where(
                RoleAssignment.team_id == a.team,
                RoleAssignment.role == Role.REGISSEUR,
                Person.id.not_in([a.regisseur.id, covering.id]),
            )
            .order_by(Person.display_name)
        )
    )
    today = now.date()
    db.add_all(
        Cover(
            team_id=a.team,
            absent_id=absent.id,
            covering_id=regisseurs[(i + 1) % len(regisseurs)].id,
            starts_on=today + dt.timedelta(days=7 + i),
            ends_on=today + dt.timedelta(days=14 + i),
            created_by_id=team_lead.id,
        )
        for i, absent in enumerate(regisseurs)
    )
    db.add_all(
        Cover(
            team_id=a.team,
            absent_id=absent.id,
            covering_id=covering.id,
            starts_on=today,
            ends_on=today + dt.timedelta(days=3),
            created_by_id=team_lead.id,
        )
        for absent in regisseurs[:2]
    )
    # The two absent regisseurs' own households, for the covering colleague's start page.
    for absent in regisseurs[:2]:
        await register_household(
            db,
            actor_for(absent),
            HouseholdInput(name=f"Gezin {absent.display_name}", wijk=a.wijk, members=[MemberInput("Ouder", True)]),
        )


async def _furnish_evaluations(
    db: AsyncSession, world: MatrixWorld, instrument: instruments.InstrumentDef
) -> uuid.UUID:
    """A's planned evaluation scored ahead by the household and with a guest, and an evaluation held long ago
    with a goal reviewed, a guest and the scores of both sides. Returns the held one."""
    a = world.a.household
    sanne, fatima = world.people[MEMBER], world.people[REGISSEUR]
    trajectory = await lifecycle.open_trajectory(db, a)
    long_ago = utcnow().date() - dt.timedelta(days=90)
    held = Evaluation(
        household_id=a,
        trajectory_id=trajectory.id,
        planned_on=long_ago,
        status=EvaluationStatus.GEHOUDEN,
        started_on=long_ago,
        held_on=long_ago,
        decision=EvaluationDecision.DOORGAAN,
        summary="Jullie keken samen terug.",
        decided_by_id=fatima.id,
    )
    db.add(held)
    await db.flush()
    db.add(GoalReview(evaluation_id=held.id, household_id=a, goal_id=world.a.goal, outcome=GoalOutcome.LOOPT))
    db.add_all(
        EvaluationGuest(
            evaluation_id=evaluation_id, household_id=a, network_person_id=world.a.network_person, name="Oma Ineke"
        )
        for evaluation_id in (held.id, world.a.evaluation)
    )
    rounds = [
        (held.id, Perspective.HOUSEHOLD, sanne, long_ago),
        (held.id, Perspective.PROFESSIONAL, fatima, long_ago),
        (world.a.evaluation, Perspective.HOUSEHOLD, sanne, utcnow().date()),
    ]
    for evaluation_id, perspective, by, held_on in rounds:
        assessment = Assessment(
            household_id=a,
            instrument_key=instrument.key,
            kind=AssessmentKind.TUSSENEVALUATIE,
            perspective=perspective,
            held_on=held_on,
            created_by_id=by.id,
            evaluation_id=evaluation_id,
        )
        db.add(assessment)
        await db.flush()
        db.add(Rating(assessment_id=assessment.id, household_id=a, domain_key=instrument.domains[0].key, score=3))
    return held.id


async def _grow_evaluations(db: AsyncSession, a: HouseholdA, world: MatrixWorld, held: uuid.UUID) -> None:
    """Many earlier evaluations of A (held, moved, lapsed), every goal reviewed in the held one of the page,
    many guests, and both sides' scores for every leefgebied in the rounds."""
    trajectory = await lifecycle.open_trajectory(db, a.id)
    today = utcnow().date()
    statuses = [EvaluationStatus.GEHOUDEN, EvaluationStatus.VERZET, EvaluationStatus.VERVALLEN]
    db.add_all(
        Evaluation(
            household_id=a.id,
            trajectory_id=trajectory.id,
            planned_on=today - dt.timedelta(days=100 + 7 * i),
            status=statuses[i % len(statuses)],
            reason="Ziek" if statuses[i % len(statuses)] == EvaluationStatus.VERZET else "afgesloten",
            held_on=today - dt.timedelta(days=100 + 7 * i) if i % len(statuses) == 0 else None,
            decision=EvaluationDecision.DOORGAAN if i % len(statuses) == 0 else None,
            summary="Jullie keken samen terug." if i % len(statuses) == 0 else "",
        )
        for i in range(GROWTH)
    )
    reviewed = await db.scalar(select(GoalReview.goal_id).where(GoalReview.evaluation_id == held))
    goals = await db.scalars(select(Goal.id).where(Goal.household_id == a.id, Goal.id != reviewed))
    outcomes = list(GoalOutcome)
    db.add_all(
        GoalReview(evaluation_id=held, household_id=a.id, goal_id=goal, outcome=outcomes[i % len(outcomes)], note="Ja")
        for i, goal in enumerate(goals)
    )
    db.add_all(
        EvaluationGuest(evaluation_id=evaluation_id, household_id=a.id, name=f"Gast {i:02}")
        for evaluation_id in (held, world.a.evaluation)
        for i in range(GROWTH)
    )
    assessments = await db.scalars(select(Assessment).where(Assessment.evaluation_id.in_([held, world.a.evaluation])))
    db.add_all(
        Rating(assessment_id=assessment.id, household_id=a.id, domain_key=domain.key, score=2)
        for assessment in assessments
        for domain in a.instrument.domains[1:]
    )


def _grow_involvement(db: AsyncSession, a: HouseholdA) -> None:
    """Organisations in the involvement register: most still helping, some that stopped."""
    today = utcnow().date()
    db.add_all(
        Involvement(
            household_id=a.id,
            organisation_name=f"Organisatie {i:02}",
            professional_name=f"Hulpverlener {i:02}",
            contact=f"0348 1234{i:02}",
            from_on=today - dt.timedelta(days=100 + i),
            to_on=today - dt.timedelta(days=i) if i % 3 == 0 else None,
            created_by_id=a.regisseur.id,
        )
        for i in range(GROWTH)
    )


async def _furnish_intake(
    db: AsyncSession, regisseur: Any, a: uuid.UUID, instrument: instruments.InstrumentDef
) -> uuid.UUID:
    """A household of the regisseur in the phase intake, with one of everything its intake draws on; and for
    household A a gespreksverslag with a correction, and earlier help."""
    household = await register_household(
        db, regisseur, HouseholdInput(name="Familie Intake", wijk="Molenvliet", members=[MemberInput("Noor", True)])
    )
    trajectory = await lifecycle.open_trajectory(db, household.id)
    await lifecycle.decide_triage(db, trajectory, regisseur.person, TriageInput("regisseur", "Veel instanties"))
    await intakes.intake_for(db, trajectory)
    await ratings.rate(db, regisseur, Relation.REGISSEUR, household.id, instrument, instrument.domains[0].key, "3")
    db.add(NetworkPerson(household_id=household.id, name="Oom Kees", relation=NetworkRelation.FAMILIE))
    db.add(Involvement(household_id=household.id, organisation_name="Schuldhulp", from_on=utcnow().date()))
    for household_id in (household.id, a):
        await intakes.add_history_item(
            db, regisseur, Relation.REGISSEUR, household_id, HistoryInput(helper="MEE", helped="Uitleg")
        )
    a_trajectory = await lifecycle.open_trajectory(db, a)
    report = ConversationReport(
        household_id=a, trajectory_id=a_trajectory.id, body=[{"title": "Afspraken", "lines": ["Bellen"]}]
    )
    db.add(report)
    await db.flush()
    db.add(ReportCorrection(report_id=report.id, household_id=a, author_name="Sanne", text="Daan was er ook."))
    return household.id


async def _grow_intake(db: AsyncSession, a: HouseholdA, intake_household: uuid.UUID) -> None:
    """Much earlier help in both households, many corrections of A's gespreksverslag, and many organisations
    and people around the household in its intake."""
    report_id = await db.scalar(select(ConversationReport.id).where(ConversationReport.household_id == a.id))
    assert report_id is not None
    db.add_all(
        HistoryItem(household_id=household_id, helper=f"Hulp {i:02}", period="2020", helped="Veel", not_helped="Weinig")
        for household_id in (a.id, intake_household)
        for i in range(GROWTH)
    )
    db.add_all(
        ReportCorrection(report_id=report_id, household_id=a.id, author_name="Sanne", text=f"Correctie {i}")
        for i in range(GROWTH)
    )
    db.add_all(
        Involvement(household_id=intake_household, organisation_name=f"Organisatie {i:02}", from_on=utcnow().date())
        for i in range(GROWTH)
    )
    db.add_all(
        NetworkPerson(household_id=intake_household, name=f"Buur {i:02}", relation=NetworkRelation.BUUR)
        for i in range(GROWTH)
    )
    await db.flush()


async def _grow_caseload(db: AsyncSession, a: HouseholdA) -> None:
    """More households for the regisseur's caseload and the team lead's team, each with two cards on the
    task board (the volunteer took on some), and the network member helping in each."""
    regisseur = actor_for(a.regisseur)
    for i in range(GROWTH // 2):
        other = await register_household(
            db,
            regisseur,
            HouseholdInput(name=f"Familie {i:02}", wijk=a.wijk, members=[MemberInput(f"Ouder {i}", True)]),
        )
        goal = Goal(
            household_id=other.id,
            domain_key=a.instrument.domains[0].key,
            text="Rust in huis",
            horizon=Horizon.EERST,
            written_by_role=plan.HOUSEHOLD_WRITER,
        )
        db.add(goal)
        await db.flush()
        chores = [
            PlanAction(goal_id=goal.id, household_id=other.id, what=f"Klus {k}", who_type=WhoType.VRIJWILLIGER)
            for k in range(2)
        ]
        db.add_all(chores)
        await db.flush()
        for k, chore in enumerate(chores):
            taken = k == 1 and i % 2 == 1
            db.add(
                HelpRequest(
                    household_id=other.id,
                    action_id=chore.id,
                    municipality_id=a.gemeente,
                    what=chore.what,
                    wijk=a.wijk,
                    status=HelpRequestStatus.ACCEPTED if taken else HelpRequestStatus.OPEN,
                    volunteer_id=a.volunteer.id if taken else None,
                    accepted_at=utcnow() if taken else None,
                )
            )
        db.add(RoleAssignment(person_id=a.network_member.id, role=Role.NETWORK_MEMBER, household_id=other.id))


async def _notification_subjects(db: AsyncSession, world: MatrixWorld) -> list[tuple[EventKind, uuid.UUID]]:
    """A row of A for every kind of subject a message can be about: an offer, a person on the map, an
    evaluation, an action, a share, a handover and a doorbraak."""
    a = world.a
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == a.household))
    handover = await db.scalar(select(Handover.id).where(Handover.household_id == a.household))
    assert trajectory is not None and handover is not None
    # Moved, so that it is no second planned one of the trajectory; its day is what the sentence reads.
    evaluation = Evaluation(
        household_id=a.household,
        trajectory_id=trajectory.id,
        planned_on=utcnow().date() + dt.timedelta(days=7),
        status=EvaluationStatus.VERZET,
    )
    db.add(evaluation)
    await db.flush()
    return [
        (EventKind.HELP_OFFERED, a.pending_offer),
        (EventKind.NETWORK_JOINED, a.network_person),
        (EventKind.EVALUATION_DUE_WEEK, evaluation.id),
        (EventKind.ACTION_ASSIGNED, a.actions["partner"]),
        (EventKind.SHARE_CREATED, a.share),
        (EventKind.HANDOVER_DECLINED, handover),
        (EventKind.ESCALATION_DECIDED, a.escalation),
        (EventKind.HELP_ACCEPTED, a.pending_offer),
        (EventKind.ACCOUNT_RECOVERED, world.people[MEMBER].id),
    ]


async def _furnish_notifications(db: AsyncSession, world: MatrixWorld) -> None:
    """A message of every kind about A for the member and the regisseur (one read), a device with push on for
    the member with a choice of her own, a failed push message for the admin's list, and the VAPID key pair
    (made once, by the first page that asks for it)."""
    subjects = await _notification_subjects(db, world)
    for role in (MEMBER, REGISSEUR):
        db.add_all(
            Notification(
                person_id=world.people[role].id,
                kind=kind,
                household_id=world.a.household,
                subject_id=subject,
                url="/mijn",
                read_at=utcnow() if n == 0 else None,
            )
            for n, (kind, subject) in enumerate(subjects)
        )
    member = world.people[MEMBER].id
    db.add(NotificationPreference(person_id=member, topic="help", push=False))
    await _failed_pushes(db, member, 1)
    await vapid.keys(db, settings_for("sqlite+aiosqlite://"))


async def _failed_pushes(db: AsyncSession, person_id: uuid.UUID, count: int) -> None:
    """Devices of the person with push on, each with a push message that failed."""
    notes = [Notification(person_id=person_id, kind="help.offered", url="/mijn") for _ in range(count)]
    devices = [
        PushSubscription(
            person_id=person_id,
            endpoint=f"https://push.example.net/{uuid.uuid4()}",
            p256dh="-",
            auth="-",
            device="Chrome/Android",
        )
        for _ in range(count)
    ]
    db.add_all([*notes, *devices])
    await db.flush()
    db.add_all(
        PushDelivery(
            notification_id=note.id,
            subscription_id=device.id,
            status=DeliveryStatus.FAILED,
            attempts=5,
            last_error="503",
        )
        for note, device in zip(notes, devices, strict=True)
    )


async def _grow_notifications(db: AsyncSession, a: HouseholdA, world: MatrixWorld) -> None:
    """Many messages of every kind for the member (more than a page) and for the regisseur, hers about every
    household of her grown caseload; many devices and failed push messages."""
    subjects = await _notification_subjects(db, world)
    households = list(
        await db.scalars(select(Trajectory.household_id).where(Trajectory.regisseur_id == a.regisseur.id))
    )
    db.add_all(
        Notification(
            person_id=person.id,
            kind=kind,
            household_id=households[i % len(households)] if person is a.regisseur else a.id,
            subject_id=subject,
            url="/mijn",
            created_at=utcnow() - dt.timedelta(minutes=i),
            read_at=utcnow() if i % 3 == 0 else None,
        )
        for person in (a.member, a.regisseur)
        for i in range(GROWTH * 2)
        for kind, subject in subjects
    )
    await _failed_pushes(db, a.member.id, GROWTH)


# --------------------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------------------

SERVER_TIMING = re.compile(r'sql;desc="(\d+) statements"')


@dataclass
class Answer:
    """What one request cost: every statement the app's engine ran from the request's first byte to its
    answer's last (the count the tests compare), and the count the app itself sent in Server-Timing."""

    status: int = 0
    header: int | None = None
    statements: list[str] = field(default_factory=list)
    size: int = 0
    error: str = ""

    @property
    def count(self) -> int:
        return len(self.statements)


class Recorder:
    """The statements of the app's engine while a measured request runs, for the failure messages."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.on = False
        self.statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.on:
            self.statements.append(" ".join(statement.split()))

    def start(self) -> None:
        self.statements, self.on = [], True

    def stop(self) -> list[str]:
        self.on = False
        return self.statements

    def close(self) -> None:
        event.remove(self.engine.sync_engine, "before_cursor_execute", self._record)


@dataclass
class Walker:
    """Signs people in and makes each visit, in the same order in both worlds."""

    client: AsyncTestClient[Litestar]
    db: AsyncSession
    world: MatrixWorld
    recorder: Recorder
    routes: dict[str, RouteInfo]
    passkeys: dict[str, Any] = field(default_factory=dict)

    def url(self, route: str, places: Places, params: Mapping[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            return places[params.get(name, name)]

        return PARAM.sub(value, self.routes[route].path)

    async def become(self, role: str) -> None:
        if role == ANONYMOUS:
            self.client.cookies.clear()
            return
        if role in self.passkeys:
            signed = await sign_in(self.client, self.passkeys[role])
            assert signed.status_code == 200, f"{role} could not sign in again: {signed.text}"
        else:
            self.passkeys[role] = await signed_in_as(self.client, self.db, self.world.people[role])
        # A browser opens a page after signing in: from then on its CSRF cookie is the session's own, and the
        # measured requests are not the first of the session.
        assert (await self.client.get("/mijn")).status_code == 200

    async def open(self, route: str, places: Places, params: Mapping[str, str]) -> httpx.Response:
        page = await self.client.get(self.url(route, places, params))
        assert page.status_code == 200, f"{route} answered {page.status_code}"
        return page

    async def visit(self, visit: Visit, places: Places) -> Answer:
        target = self.url(visit.route, places, visit.params)
        if visit.before is not None:
            before = visit.before
            page = await self.open(before.page, places, before.params)
            form = find_form(page, self.url(before.action, places, before.params))
            sent = await send(self.client, form, {k: v.format(**places) for k, v in before.data.items()})
            assert sent.status_code == 303, f"the form before the page answered {sent.status_code}: {sent.text}"
        if self.routes[visit.route].rate_limited:
            # The first attempt in a minute also clears old rate-limit windows (one statement more); open the
            # window first so that the measured request is an ordinary one.
            await self.client.get(target, follow_redirects=False)
        if visit.htmx_from:
            page = await self.open(visit.htmx_from, places, visit.params)
            form = find_form(page, target)
            data = {k: v.format(**places) for k, v in visit.data.items()}
            self.recorder.start()
            try:
                response = await send(self.client, form, data, htmx=True)
            finally:
                statements = self.recorder.stop()
        else:
            self.recorder.start()
            try:
                response = await self.client.get(target, follow_redirects=False)
            finally:
                statements = self.recorder.stop()
        header = SERVER_TIMING.search(response.headers.get("server-timing", ""))
        return Answer(response.status_code, int(header.group(1)) if header else None, statements, len(response.content))

    async def walk(self, places: Places) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        for role in SIGN_IN_ORDER:
            await self.become(role)
            for visit in (v for v in VISITS if v.role == role):
                try:
                    answers[visit.key] = await self.visit(visit, places)
                except Exception as exc:  # reported by the page's own test, not by all of them
                    answers[visit.key] = Answer(error=f"{type(exc).__name__}: {exc}")
        return answers


@dataclass(frozen=True)
class Measured:
    small: dict[str, Answer]
    large: dict[str, Answer]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def measured(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Measured]:
    url = await clean_database(migrated_template, tmp_path_factory.mktemp("statements"))
    app = create_app(settings_for(url, count_statements=True))
    recorder = Recorder(app.state.db_config.get_engine())
    engine = make_engine(settings_for(url))
    try:
        async with (
            async_sessionmaker(engine, expire_on_commit=False)() as db,
            AsyncTestClient(app=app, base_url=TEST_ORIGIN) as client,
        ):
            world = await build_matrix_world(db)
            small_places = await furnish(db, world)
            walker = Walker(client, db, world, recorder, route_table(app))
            small = await walker.walk(small_places)
            large_places = await grow(db, world, small_places)
            large = await walker.walk(large_places)
    finally:
        recorder.close()
        await engine.dispose()
    yield Measured(small, large)


# --------------------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------------------


def test_every_page_has_a_statement_budget(tmp_path: Path) -> None:
    app = create_app(settings_for(f"sqlite+aiosqlite:///{tmp_path / 'routes.sqlite3'}"))
    table = route_table(app)
    visited = {v.route for v in VISITS}
    problems = []
    for name, info in sorted(table.items()):
        if "GET" in info.methods and name not in visited and name not in EXEMPT:
            problems.append(
                f"page {name} ({info.path}) has no statement budget: add a visit to VISITS and its count to "
                "BUDGET, or list it in EXEMPT with the reason"
            )
    for name, template in sorted(htmx_routes(table).items()):
        if not any(v.route == name and v.htmx_from for v in VISITS):
            problems.append(f"the htmx fragment {name} (asked for in {template}) has no statement budget")
    for name in sorted(EXEMPT):
        if name not in table or "GET" not in table[name].methods:
            problems.append(f"EXEMPT names {name}, which is not a GET route (any more)")
    for visit in VISITS:
        if visit.route not in table:
            problems.append(f"the visit {visit} names a route the app does not have")
    keys = Counter(v.key for v in VISITS)
    problems += [f"two visits have the key {key!r}; give one a label" for key, n in keys.items() if n > 1]
    problems += [f"the visit {key} has no BUDGET" for key in keys if key not in BUDGET]
    problems += [f"BUDGET has {key!r}, which no visit measures" for key in BUDGET if key not in keys]
    problems += [f"KNOWN_GROWTH has {key!r}, which no visit measures" for key in KNOWN_GROWTH if key not in keys]
    assert problems == [], "\n".join(problems)


def _listing(statements: list[str], limit: int = 400) -> str:
    return "\n".join(f"  {i:3}. {s[:limit]}" for i, s in enumerate(statements, 1))


def _growth(visit: Visit, small: Answer, large: Answer) -> str:
    before, after = Counter(small.statements), Counter(large.statements)
    repeated = sorted(((after[s] - before[s], s) for s in after if after[s] > before[s]), reverse=True)
    fewer = [s for s in before if before[s] > after[s]]
    lines = [
        f"{visit}: {small.count} statements in the small world, {large.count} after the data grew.",
        "Statements that ran more often with more data (times small -> large):",
        *(f"  {before[s]} -> {after[s]}  {s[:400]}" for _n, s in repeated),
        *(["Statements that ran less often:"] if fewer else []),
        *(f"  {before[s]} -> {after[s]}  {s[:400]}" for s in fewer),
        "All statements of the large request:",
        _listing(large.statements),
    ]
    return "\n".join(lines)


@pytest.mark.parametrize(
    "visit",
    [
        pytest.param(
            visit,
            id=visit.key,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GROWTH[visit.key])] if visit.key in KNOWN_GROWTH else [],
        )
        for visit in VISITS
    ],
)
def test_statements_per_page_do_not_grow_with_the_data(visit: Visit, measured: Measured) -> None:
    small, large = measured.small[visit.key], measured.large[visit.key]
    for label, answer in (("small", small), ("large", large)):
        assert not answer.error, f"{visit}: the request in the {label} world failed: {answer.error}"
        assert answer.status == 200, f"{visit}: the {label} world answered {answer.status}, not the page"
    if visit.lists:
        assert large.size > small.size, (
            f"{visit}: the large answer is no longer than the small one ({small.size} -> {large.size} bytes); "
            "the growth did not reach this page, so equal counts would prove nothing"
        )
    assert large.count == small.count, _growth(visit, small, large)
    budget = budget_of(visit.key)
    assert large.count <= budget, (
        f"{visit}: {large.count} statements, over its budget of {budget} ({BACKEND}):\n{_listing(large.statements)}"
    )


def test_server_timing_counts_every_statement_of_the_request(measured: Measured) -> None:
    """The header `make bench` reads must say what a request costs, the access-log entry included."""
    short = [
        f"{key} ({world}): the header says {answer.header}, the engine ran {answer.count}:\n"
        + _listing(answer.statements[answer.header or 0 :])
        for world, answers in (("small", measured.small), ("large", measured.large))
        for key, answer in answers.items()
        if not answer.error and answer.header != answer.count
    ]
    assert short == [], "\n".join(short)
