"""The authorisation matrix: every registered route, asked by every kind of person, about their own household,
another household and one that does not exist; where a path names rows, also about household A with B's rows,
with rows that are not theirs, and (on pages not about a household) with someone else's passkey, person, card
or link.

The expected answers are written out below from DESIGN.md section 5 (and sections 2 and 3 where that table
has no row), not computed from ``server.domain.policy``. Each role gets a world of its own (tests/matrix_world.py)
and signs in with a real passkey; anonymous has no session. A route that is added without a row here, or with
a path parameter this file cannot fill, makes the test fail with the route's name.

What a person notices and what is asserted:
- allowed: anything but a refusal, and never a server error;
- refused: 404 for anything about a household, and exactly what a household that does not exist would answer
  (same status, same page text), so nobody learns that it exists; 403 for pages not about a household;
  anonymous is sent to the sign-in page;
- the access log ("Wie keek in ons plan"): one line for every page or form answer about the household that
  someone outside it saw, none for the household's own looks, none for a refusal.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, Passkey, utcnow
from server.domain.policy import HOUSEHOLD_RULES, PUBLIC, Action, Relation
from tests.factories import signed_in_as
from tests.matrix_world import (
    ADMIN,
    ANONYMOUS,
    COLLEAGUE,
    COORDINATOR,
    COVERING,
    HANDOVER_RECEIVER,
    MEMBER,
    NETWORK_PLAIN,
    NETWORK_SHARED,
    OTHER_GEMEENTE,
    PARTNER_RATINGS,
    PARTNER_SHARED,
    REGISSEUR,
    ROLES,
    TEAM_LEAD,
    VOLUNTEER_ACCEPTED,
    VOLUNTEER_PENDING,
    HouseholdRows,
    MatrixWorld,
    build_matrix_world,
)

# --------------------------------------------------------------------------------------------------------
# The table: who may do what to their own household A (DESIGN.md section 5)
# --------------------------------------------------------------------------------------------------------

NETWORK = frozenset({NETWORK_SHARED, NETWORK_PLAIN})  # the same rights; the plan's queries narrow the content
# "same-team colleague: no (unless covering, logged)": the colleague covering for the regisseur has the
# regisseur's rights for the period.
REGISSEUR_OR_COVERING = frozenset({REGISSEUR, COVERING})
HOUSEHOLD_AND_REGISSEUR = frozenset({MEMBER}) | REGISSEUR_OR_COVERING
# The row "plan: goals, actions": all / shared with them / shared with their organisation.
PLAN_READERS = HOUSEHOLD_AND_REGISSEUR | NETWORK | {PARTNER_SHARED}
# Section 2: network members tick their own actions, partners work on actions assigned to them; a volunteer
# whose offer was accepted ticks and notes the action of their task.
DOERS = PLAN_READERS | {VOLUNTEER_ACCEPTED}

HOUSEHOLD_EXPECTED: dict[Action, frozenset[str]] = {
    # The overview: whoever has any relation that reads something of the household, and the volunteer once
    # accepted (the first names and the address of the task are there); team lead and admin never.
    Action.HOUSEHOLD_VIEW: PLAN_READERS | {PARTNER_RATINGS},
    # Issue 13: while an escalation is open, the team lead may read the part of the plan it is about (the
    # matrix's team lead has one open on A).
    Action.PLAN_READ: PLAN_READERS | {TEAM_LEAD},
    # Section 2: the household "reads and writes the plan"; the regisseur has "all".
    Action.PLAN_WRITE: HOUSEHOLD_AND_REGISSEUR,
    # "ratings, history": all / no / no / all / no / "if shared". The partner's share is a share of one goal,
    # not of the ratings, and no ratings share exists: refused.
    Action.RATINGS_READ: HOUSEHOLD_AND_REGISSEUR | {PARTNER_RATINGS},
    Action.RATINGS_WRITE: HOUSEHOLD_AND_REGISSEUR,
    # "who is involved (dat)": all / names only / no / all / no / all / no / no.
    Action.INVOLVED_READ: PLAN_READERS,
    Action.TIMELINE_READ: HOUSEHOLD_AND_REGISSEUR,
    Action.ACCESS_LOG_READ: HOUSEHOLD_AND_REGISSEUR,
    Action.ACTION_TICK: DOERS,
    Action.ACTION_NOTE: DOERS,
    # Principle 5: sharing is the household's decision, and the household revokes it.
    Action.SHARE_MANAGE: frozenset({MEMBER}),
    # Principle 1: the plan is the household's, in its own words; only the household strikes a goal out.
    Action.GOAL_REMOVE: frozenset({MEMBER}),
    # Principle 1: the household exports its whole dossier.
    Action.EXPORT: frozenset({MEMBER}),
    # The netwerkkaart is the household's, kept with the regisseur; section 2: the household invites helpers
    # and decides who may see, so inviting and withdrawing access are the household's alone.
    Action.NETWORK_READ: HOUSEHOLD_AND_REGISSEUR,
    Action.NETWORK_WRITE: HOUSEHOLD_AND_REGISSEUR,
    Action.NETWORK_INVITE: frozenset({MEMBER}),
    Action.ACCESS_WITHDRAW: frozenset({MEMBER}),
    Action.NETWORK_LEAVE: NETWORK,
    # "help request card": all for the household and the regisseur; deciding which volunteer comes into the
    # home is the household's; the task's details only for the volunteer whose offer was accepted.
    Action.HELP_PUBLISH: HOUSEHOLD_AND_REGISSEUR,
    Action.HELP_DECIDE: frozenset({MEMBER}),
    Action.HELP_TASK: frozenset({VOLUNTEER_ACCEPTED}),
    # Section 2: the regisseur registers the household and hands out its members' sign-in links.
    Action.MEMBER_ENROL: REGISSEUR_OR_COVERING,
    # Principle 2, one household, one regisseur: the steps of the trajectory (triage) are the regisseur's own
    # work; a colleague of the same team and the team lead have no dossier access (section 5).
    Action.TRAJECTORY_MANAGE: REGISSEUR_OR_COVERING,
    # "ratings, history": the hulpverleningsbiografie is the household's, kept with the regisseur.
    Action.HISTORY_READ: HOUSEHOLD_AND_REGISSEUR,
    Action.HISTORY_WRITE: HOUSEHOLD_AND_REGISSEUR,
    # The gespreksverslag is part of the dossier (timeline row): the household and its regisseur; the
    # household corrects it in its own words, and says akkoord on its own plan.
    Action.REPORT_READ: HOUSEHOLD_AND_REGISSEUR,
    Action.REPORT_CORRECT: frozenset({MEMBER}),
    Action.PLAN_AGREE: frozenset({MEMBER}),
    # Principle 2: handing over is an explicit step that the receiver accepts; nobody else answers for them. The
    # receiver has no other right on A: what is offered is all they read, until the household shares more.
    Action.HANDOVER_RESPOND: frozenset({HANDOVER_RECEIVER}),
    # Section 2: a partner professional works on the actions assigned to their organisation.
    Action.ACTION_TAKE: frozenset({PARTNER_SHARED}),
    # Issue 13: the regisseur asks the team lead for a breakthrough; the team lead decides while it is open.
    Action.ESCALATION_RAISE: REGISSEUR_OR_COVERING,
    Action.ESCALATION_DECIDE: frozenset({TEAM_LEAD}),
    # "caseload list: team" for the team lead, who gives a household another regisseur of the team.
    Action.REGISSEUR_ASSIGN: frozenset({TEAM_LEAD}),
    # Issue 13: the household sees its ledger; the regisseur books; the team lead approves above the mandate.
    Action.BUDGET_READ: HOUSEHOLD_AND_REGISSEUR,
    Action.BUDGET_WRITE: REGISSEUR_OR_COVERING,
    Action.BUDGET_APPROVE: frozenset({TEAM_LEAD}),
    Action.EVALUATION_READ: HOUSEHOLD_AND_REGISSEUR,
    Action.EVALUATION_MANAGE: REGISSEUR_OR_COVERING,
    Action.EVALUATION_INVITE: frozenset({MEMBER}),
    # Issue 15: whoever does the regisseur's work keeps the household's pages for a home visit.
    Action.VISIT_MARK: REGISSEUR_OR_COVERING,
}

SIGNED_IN_ROLES = frozenset(ROLES) - {ANONYMOUS}
REGISSEURS = frozenset({REGISSEUR, COLLEAGUE, COVERING, OTHER_GEMEENTE})

# Pages that are not about one household.
ROLE_EXPECTED: dict[str, frozenset[str]] = {
    PUBLIC: frozenset(ROLES),
    Action.SIGNED_IN: SIGNED_IN_ROLES,
    # Section 2: volunteers see the anonymised cards and offer help.
    Action.TASK_BOARD: frozenset({VOLUNTEER_PENDING, VOLUNTEER_ACCEPTED}),
    # Section 2: the regisseur registers households (in their own gemeente).
    Action.HOUSEHOLD_REGISTER: REGISSEURS,
    # "caseload list": own for a regisseur, the team for the team lead; never the admin.
    Action.CASELOAD_READ: REGISSEURS | {TEAM_LEAD},
    # Section 2: the functional admin manages people and roles; a coordinator enrols the volunteers.
    Action.PEOPLE_MANAGE: frozenset({ADMIN}),
    Action.VOLUNTEERS_MANAGE: frozenset({COORDINATOR}),
    # Not in DESIGN.md: a professional's recovery link needs a second person, the team lead of their team or
    # another admin (server/auth/enrolment.py says so; the table follows it).
    Action.RECOVERY_APPROVE: frozenset({TEAM_LEAD, ADMIN}),
    # Issue 13: the team lead's overview, escalations, approvals and covers; the admin's teams, organisations
    # and gemeente settings.
    Action.TEAM_OVERVIEW: frozenset({TEAM_LEAD}),
    Action.COVER_MANAGE: frozenset({TEAM_LEAD}),
    Action.GEMEENTE_MANAGE: frozenset({ADMIN}),
}

# Where the table allows a role but no row in world A can let it through. Route name -> role -> why. The
# answer must then be a refusal like any other (same as an unknown id, nothing logged).
EXCEPTIONS: dict[str, dict[str, str]] = {
    # A network member without a share has no action assigned to them; the plan refuses the tick (and the
    # note) on anyone else's action as if it did not exist.
    "plan.action.tick": {NETWORK_PLAIN: "no action is assigned to them"},
    "plan.action.note": {NETWORK_PLAIN: "no action is assigned to them"},
    # Demo mode is off in tests (and in production): the demo sign-in link is no page at all.
    "demo.link": dict.fromkeys(ROLES, "demo mode is off"),
}

# Parts of a page that only some of the roles allowed on the page may see: (route name, text on the page) ->
# the roles that see it. Checked both ways on household A.
PAGE_PARTS: dict[tuple[str, str], frozenset[str]] = {
    # "Doel schrappen" on the plan: the household only, not who else reads or writes the plan.
    ("plan.view", "/schrappen"): HOUSEHOLD_EXPECTED[Action.GOAL_REMOVE],
    ("household.overview", "Wie helpen mee"): HOUSEHOLD_EXPECTED[Action.INVOLVED_READ],
    # Roles and teams of who is involved: network members see names only.
    ("household.overview", "regisseur bij"): HOUSEHOLD_EXPECTED[Action.INVOLVED_READ] - NETWORK,
    # "Wie keek in ons plan" to the household, "Wie keek in het plan van A" to the regisseur.
    ("household.overview", "Wie keek in "): HOUSEHOLD_EXPECTED[Action.ACCESS_LOG_READ],
    ("household.overview", "Tijdlijn: wat er veranderde"): HOUSEHOLD_EXPECTED[Action.TIMELINE_READ],
    ("household.overview", "Download ons dossier"): HOUSEHOLD_EXPECTED[Action.EXPORT],
    # The link to the triage, while household A is still in aanmelding (tests/matrix_world.py).
    ("household.overview", "Triage: is regie nodig?"): HOUSEHOLD_EXPECTED[Action.TRAJECTORY_MANAGE],
    # The household's earlier help: the household and its regisseur.
    ("household.overview", "/eerdere-hulp"): HOUSEHOLD_EXPECTED[Action.HISTORY_READ],
    # The involvement register: the organisations (MEE got a share, the regisseur added Schuldhulp) for all who
    # read who is involved but the network, which sees names of people only; its forms for the regisseur.
    ("household.overview", "MEE"): HOUSEHOLD_EXPECTED[Action.INVOLVED_READ] - NETWORK,
    ("household.overview", "Betrokken organisaties bijhouden"): HOUSEHOLD_EXPECTED[Action.TRAJECTORY_MANAGE],
    ("involvement.register", "Schuldhulp"): HOUSEHOLD_EXPECTED[Action.INVOLVED_READ] - NETWORK,
    ("involvement.register", "MEE"): HOUSEHOLD_EXPECTED[Action.INVOLVED_READ] - NETWORK,
    ("involvement.register", "Een organisatie toevoegen"): HOUSEHOLD_EXPECTED[Action.TRAJECTORY_MANAGE],
    # The handover (the pending one of household A, or the link to offer one): the regisseur's own work.
    ("household.overview", "/overdracht"): HOUSEHOLD_EXPECTED[Action.TRAJECTORY_MANAGE],
    # The gezinsbudget: the link for those who read it, the booking form for the regisseur (or who covers).
    ("household.overview", "/budget"): HOUSEHOLD_EXPECTED[Action.BUDGET_READ],
    ("budget.view", "Een toekenning of uitgave boeken"): HOUSEHOLD_EXPECTED[Action.BUDGET_WRITE],
    # An evaluation: the household prepares it (scores ahead, guests), the regisseur moves it.
    ("evaluation.view", "Alvast scores geven"): frozenset({MEMBER}),
    ("evaluation.view", "Iemand uitnodigen"): HOUSEHOLD_EXPECTED[Action.EVALUATION_INVITE],
    ("evaluation.view", "Evaluatie verzetten"): HOUSEHOLD_EXPECTED[Action.EVALUATION_MANAGE],
    # "Beschikbaar voor huisbezoek": the regisseur (or who covers) keeps the household on her devices.
    ("household.overview", "Beschikbaar maken voor huisbezoek"): HOUSEHOLD_EXPECTED[Action.VISIT_MARK],
}

# B belongs to A's team, so Karin leads it too: what the policy gives the team lead by that relation alone (a
# new regisseur, approving budget entries) she may do on B as well, and B is no refusal for her there.
LED_BY_THE_TEAM_LEAD = frozenset(action for action, allowed in HOUSEHOLD_RULES.items() if Relation.TEAM_LEAD in allowed)

# Roles whose right on A is narrowed to rows assigned to them -> an action of A that someone else does.
NOT_THEIRS = {NETWORK_SHARED: "partner", PARTNER_SHARED: "network", VOLUNTEER_ACCEPTED: "network"}

# Requests that end the person's own access run last, in this order.
# (The team lead's decision closes the doorbraak, and ending the cover ends it: both end a right of the run.)
ENDS_OWN_ACCESS = (
    "escalation.decide",
    "team.cover.end",
    "handover.decline",
    "me.passkeys.remove",
    "network.leave",
    "auth.sign_out",
)

_TODAY = utcnow().date()
_IN_A_MONTH = _TODAY + dt.timedelta(days=30)
# A minimal form for routes that read a field to do anything at all.
FORMS: dict[str, dict[str, str]] = {
    "plan.action.tick": {"gedaan": "ja"},
    "plan.action.note": {"note": "Gedaan, het ging goed."},
    "intake.skip": {"part": "network", "reason": "Anouk wil eerst nadenken"},
    "intake.history.add": {"helper": "Maatschappelijk werk"},
    "history.add": {"helper": "Maatschappelijk werk"},
    "report.correct": {"text": "Daan was er ook bij."},
    "involvement.add": {"organisation_name": "Buurtteam Jeugd", "contact": "0348 123 456", "from_on": "2026-01-05"},
    "handover.decline": {"answer": "Wij hebben nu geen plek."},
    "budget.book": {"kind": "grant", "purpose": "Schoolspullen", "amount": "25,00"},
    "budget.refuse": {"reason": "Eerst een offerte vragen."},
    "escalation.raise": {"blocked": "Geen plek", "blocked_by": "Schuldhulp", "needed": "Voorrang", "goal": "plan"},
    "escalation.decide": {"outcome": "toegekend", "arranged": "Voorrang geregeld bij Schuldhulp."},
    # The steps after the intake, filled in as they would succeed: household A is in its aanmelding, so the
    # household's regisseur (and, for the akkoord, the household) gets the page back with the refusal by phase.
    "trajectory.agree.in_person": {"agreed_on": _TODAY.isoformat()},
    "trajectory.execution.start": {"evaluation_on": _IN_A_MONTH.isoformat()},
    "trajectory.waakvlam.start": {"first_on": _IN_A_MONTH.isoformat()},
    "trajectory.waakvlam.checkin": {"checkin": str(uuid.uuid4()), "went_well": "nee"},
    "trajectory.waakvlam.reopen": {"evaluation_on": _IN_A_MONTH.isoformat()},
    "trajectory.close.confirm": {"reason": "verhuisd", "without_eindmeting": "ja"},
    # Evaluations, filled in as they would succeed: A's evaluation is planned and A is in its aanmelding, so
    # planning another, opening it, reviewing a goal and deciding come back with the refusal by phase; moving
    # it succeeds (for the first role that may), inviting asks whom; taking a guest off twice changes nothing.
    "evaluation.plan": {"evaluation_on": _IN_A_MONTH.isoformat()},
    "evaluation.move": {"planned_on": (_IN_A_MONTH + dt.timedelta(days=7)).isoformat(), "reason": "Fatima is ziek"},
    "evaluation.review": {"outcome": "bereikt"},
    "evaluation.decide": {"decision": "doorgaan", "next_on": _IN_A_MONTH.isoformat()},
    "evaluation.uninvite": {"guest": str(uuid.uuid4())},
    # A person's own choice per topic: the account topic, which every role has.
    "notifications.choices": {"account": "app"},
    # The admin's forms, filled in as they would succeed.
    "admin.person.role_end": {"ends_on": _TODAY.isoformat()},
    "gemeente.teams.create": {"name": "Wijkteam Zuid"},
    "gemeente.team.rename": {"name": "Wijkteam Oost"},
    "gemeente.organisations.create": {"name": "Buurtzorg", "kind": "partner"},
    "gemeente.organisation.rename": {"name": "Handje Helpen Oost"},
    "gemeente.settings.save": {
        "instrument": "zrm11",
        "evaluation_interval_weeks": "13",
        "budget_mandate": "500",
        "professional_idle_minutes": "30",
        "household_idle_days": "7",
    },
}

PARAM = re.compile(r"\{(\w+):\w+\}")
CSRF_COOKIE = "onsplan_csrf"


# --------------------------------------------------------------------------------------------------------
# The routes, from the app
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    policy: str
    params: tuple[str, ...]

    @property
    def about_a_household(self) -> bool:
        return self.policy in HOUSEHOLD_EXPECTED

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.name}, policy {self.policy})"


def registered_routes(app: Litestar) -> list[Case]:
    cases = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"} or handler.opt.get("assets"):
                continue
            policy = handler.opt.get("policy")
            for method in sorted(handler.http_methods):
                cases.append(
                    Case(
                        name=str(handler.name),
                        method=method,
                        path=route.path,
                        policy=str(policy),
                        params=tuple(PARAM.findall(route.path)),
                    )
                )
    order = {name: index for index, name in enumerate(ENDS_OWN_ACCESS)}
    return sorted(cases, key=lambda c: order.get(c.name, -1))


def uncovered(case: Case) -> list[str]:
    """Why the matrix cannot test this route, if it cannot."""
    problems = []
    if case.policy not in HOUSEHOLD_EXPECTED and case.policy not in ROLE_EXPECTED:
        problems.append(f"{case}: its policy has no row in the expected table; add it to the matrix")
    if case.about_a_household and "household_id" not in case.params:
        problems.append(f"{case}: a household policy without {{household_id}} in the path; add it to the matrix")
    for name in case.params:
        if (name not in FILLERS and name not in NOT_IDS) or (name == "person_id" and _person_kind(case) is None):
            problems.append(f"{case}: no value for path parameter {name!r}; add it to the matrix")
    return problems


# --------------------------------------------------------------------------------------------------------
# Filling in a path
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a household route is asked about: A, B, or ids that exist nowhere."""

    label: str
    rows: HouseholdRows | None  # None: every id in the path is a fresh random one
    others: bool = False  # pages not about a household: ids of rows that are someone else's


@dataclass(frozen=True)
class Ask:
    world: MatrixWorld
    role: str
    passkey_id: uuid.UUID | None


def _person_kind(case: Case) -> str | None:
    for prefix, kind in (
        ("/huishoudens/{household_id:uuid}/netwerk/", "network"),
        ("/beheer/mensen/", "staff"),
        ("/vrijwilligers/", "volunteer"),
        ("/demo/", "demo"),
    ):
        if case.path.startswith(prefix):
            return kind
    return None


def _person(case: Case, rows: HouseholdRows, ask: Ask) -> object:
    kind = _person_kind(case)
    if kind == "network":
        return rows.network_person
    if kind == "staff":
        return ask.world.managed_staff
    if kind == "volunteer":
        return ask.world.managed_volunteer
    return ask.world.people[REGISSEUR].id


def _request(case: Case, rows: HouseholdRows, ask: Ask) -> object:
    # In a household's path: the request whose offer was accepted (the volunteer's task); on the task board:
    # a card that is still open.
    return rows.accepted_request if case.about_a_household else ask.world.a.open_request


FILLERS: dict[str, Callable[[Case, HouseholdRows, Ask], object]] = {
    "household_id": lambda case, rows, ask: rows.household,
    "member_id": lambda case, rows, ask: rows.member,
    "goal_id": lambda case, rows, ask: rows.goal,
    # The role's own action where one is assigned to them, so that a narrowed right really gets through.
    "action_id": lambda case, rows, ask: rows.actions[ask.world.own_action.get(ask.role, "network")],
    "share_id": lambda case, rows, ask: rows.share,
    "offer_id": lambda case, rows, ask: rows.pending_offer,
    "request_id": _request,
    "person_id": _person,
    "domain_key": lambda case, rows, ask: ask.world.domain_key,
    "passkey_id": lambda case, rows, ask: ask.passkey_id or uuid.uuid4(),
    "token": lambda case, rows, ask: ask.world.enrolment_token,
    "link_id": lambda case, rows, ask: ask.world.recovery_link,
    "involvement_id": lambda case, rows, ask: rows.involvement,
    # The admin's pages: a role of the person the admin manages, a team without households, an organisation.
    "role_id": lambda case, rows, ask: ask.world.managed_role,
    "team_id": lambda case, rows, ask: ask.world.managed_team,
    "organisation_id": lambda case, rows, ask: ask.world.managed_organisation,
    "escalation_id": lambda case, rows, ask: rows.escalation,
    "entry_id": lambda case, rows, ask: rows.budget_entry,
    "cover_id": lambda case, rows, ask: ask.world.cover,
    "evaluation_id": lambda case, rows, ask: rows.evaluation,
    # The person's own message and device (anonymous has none: any id).
    "notification_id": lambda case, rows, ask: ask.world.notifications.get(ask.role, uuid.uuid4()),
    "subscription_id": lambda case, rows, ask: ask.world.devices.get(ask.role, uuid.uuid4()),
}


# Path parameters that name a row of one household.
OWNED_BY_A_HOUSEHOLD = frozenset(
    {
        "member_id",
        "goal_id",
        "action_id",
        "share_id",
        "offer_id",
        "request_id",
        "person_id",
        "involvement_id",
        "escalation_id",
        "entry_id",
        "evaluation_id",
    }
)


def rows_of_nobody(rows: HouseholdRows) -> HouseholdRows:
    """The household's own id, with a fresh random id for every row in it."""
    return HouseholdRows(
        household=rows.household,
        member=uuid.uuid4(),
        goal=uuid.uuid4(),
        actions={kind: uuid.uuid4() for kind in rows.actions},
        share=uuid.uuid4(),
        pending_offer=uuid.uuid4(),
        accepted_request=uuid.uuid4(),
        open_request=uuid.uuid4(),
        network_person=uuid.uuid4(),
        involvement=uuid.uuid4(),
    )


# For pages not about one household: a row of someone else that the page must not touch.
OTHERS: dict[str, Callable[[Case, Ask], object]] = {
    "passkey_id": lambda case, ask: ask.world.elsewhere.passkey,
    "request_id": lambda case, ask: ask.world.elsewhere.request,
    "link_id": lambda case, ask: ask.world.elsewhere.recovery_link,
    "role_id": lambda case, ask: ask.world.elsewhere.role,
    "team_id": lambda case, ask: ask.world.elsewhere.team,
    "organisation_id": lambda case, ask: ask.world.elsewhere.organisation,
    "notification_id": lambda case, ask: ask.world.elsewhere.notification,
    "subscription_id": lambda case, ask: ask.world.elsewhere.device,
    "person_id": lambda case, ask: {"staff": ask.world.elsewhere.staff, "volunteer": ask.world.elsewhere.volunteer}[
        str(_person_kind(case))
    ],
}


def has_others(case: Case) -> bool:
    return bool(case.params) and all(
        name in OTHERS and (name != "person_id" or _person_kind(case) in ("staff", "volunteer")) for name in case.params
    )


# Path parameters that are no id (a step of the scores stepper): the same value for every target.
NOT_IDS: dict[str, str] = {"step_number": "1"}


def fill(case: Case, target: Target, ask: Ask) -> str:
    def value(match: re.Match[str]) -> str:
        if match.group(1) in NOT_IDS:
            return NOT_IDS[match.group(1)]
        if target.rows is None:
            return str(uuid.uuid4())
        if target.others:
            return str(OTHERS[match.group(1)](case, ask))
        return str(FILLERS[match.group(1)](case, target.rows, ask))

    return PARAM.sub(value, case.path)


# --------------------------------------------------------------------------------------------------------
# Asking, and reading the answer
# --------------------------------------------------------------------------------------------------------


async def send(client: AsyncTestClient[Litestar], case: Case, path: str) -> Response:
    if case.method == "GET":
        return await client.get(path, follow_redirects=False)
    # As the page's own form and htmx would: the token of the cookie this browser holds now.
    csrf = client.cookies[CSRF_COOKIE]
    headers = {"x-csrftoken": csrf}
    if case.name.startswith("auth.passkey."):
        return await client.post(path, json={}, headers=headers, follow_redirects=False)
    form = {"_csrf_token": csrf, **FORMS.get(case.name, {})}
    return await client.post(path, data=form, headers=headers, follow_redirects=False)


def main_text(response: Response) -> str:
    text = response.text if "text/html" in response.headers.get("content-type", "") else ""
    if '<main id="main"' not in text:
        return ""
    return text.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def to_sign_in(response: Response) -> bool:
    return response.status_code == 303 and response.headers.get("location", "").startswith("/inloggen")


def refused(case: Case, role: str, response: Response) -> bool:
    if role == ANONYMOUS and to_sign_in(response):
        return True
    if response.status_code == 404:
        return True
    return response.status_code == 403 and not case.about_a_household


def looks(response: Response) -> tuple[int, str, str]:
    """What a person sees of an answer: its status, where it sends them, and the page text."""
    return response.status_code, response.headers.get("location", "").split("?")[0], main_text(response)


def shows_the_household(response: Response) -> bool:
    """A page or a form answer about the household; the general error page ("Dit kan zo niet") shows nothing
    of it."""
    html = "text/html" in response.headers.get("content-type", "")
    return response.status_code in (200, 400, 409) and html and 'id="error-title"' not in main_text(response)


async def access_log_rows(db: AsyncSession) -> Counter[tuple[uuid.UUID, uuid.UUID]]:
    rows = await db.execute(
        select(AccessLogEntry.household_id, AccessLogEntry.actor_id, func.count()).group_by(
            AccessLogEntry.household_id, AccessLogEntry.actor_id
        )
    )
    counted = Counter({(household, actor): int(n) for household, actor, n in rows.tuples()})
    # End the read, so that the next count sees what the app wrote meanwhile (without expiring the world).
    await db.commit()
    return counted


def expected_allowed(case: Case, role: str) -> bool:
    if role in EXCEPTIONS.get(case.name, {}):
        return False
    if case.about_a_household:
        return role in HOUSEHOLD_EXPECTED[Action(case.policy)]
    return role in ROLE_EXPECTED[case.policy]


# --------------------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(app: Litestar) -> None:
    cases = registered_routes(app)
    assert len(cases) > 50, "the matrix found too few routes to be walking the app"
    problems = [problem for case in cases for problem in uncovered(case)]
    assert problems == [], "\n".join(problems)
    # Every action of the policy has an expected row, so a new route with an old action is covered at once.
    assert set(Action) == set(HOUSEHOLD_EXPECTED) | (set(ROLE_EXPECTED) - {PUBLIC})


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_do_what(role: str, app: Litestar, client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    cases = registered_routes(app)
    problems = [problem for case in cases for problem in uncovered(case)]
    if problems:
        pytest.fail("\n".join(problems))

    world = await build_matrix_world(db)
    person = world.people.get(role)
    passkey_id = None
    if person is not None:
        await signed_in_as(client, db, person)
        passkey_id = await db.scalar(select(Passkey.id).where(Passkey.person_id == person.id))
        await db.commit()
    # A browser opens a page after signing in; the CSRF cookie it then holds belongs to its session.
    assert (await client.get("/mijn" if person else "/")).status_code == 200
    me = person.id if person else None
    ask = Ask(world=world, role=role, passkey_id=passkey_id)
    failures: list[str] = []
    log = await access_log_rows(db)

    async def request(case: Case, target: Target) -> tuple[Response, Counter[tuple[uuid.UUID, uuid.UUID]]]:
        nonlocal log
        response = await send(client, case, fill(case, target, ask))
        after = await access_log_rows(db)
        new_rows = after - log
        log = after
        return response, new_rows

    def answer(label: str, case: Case, response: Response, new_rows: Counter[Any], like: Response) -> str:
        """Refused, allowed, or a server error. A refusal must read exactly like ``like`` and log nothing."""
        if response.status_code >= 500:
            failures.append(f"{label}: server error {response.status_code}")
            return "error"
        if case.about_a_household and response.status_code == 403:
            failures.append(f"{label}: 403 tells that the household exists; a refusal is a 404")
        if not refused(case, role, response):
            return "allowed"
        if looks(response) != looks(like):
            failures.append(f"{label}: the refusal differs from the unknown-id answer: {looks(response)[:2]}")
        if new_rows:
            failures.append(f"{label}: a refusal wrote the access log: {dict(new_rows)}")
        return "refused"

    for case in cases:
        allowed = expected_allowed(case, role)
        where = f"{role} | {case.method} {case.path} ({case.name})"
        if not case.about_a_household:
            targets = [Target("own", world.a)]
            if has_others(case):
                # Someone else's passkey, person, card or link: as absent as one that does not exist.
                targets[:0] = [Target("unknown ids", None), Target("someone else's", world.a, others=True)]
            first = None
            for target in targets:
                label = f"{where} | {target.label}"
                response, new_rows = await request(case, target)
                first = first or response
                may = allowed and target.label == "own"
                if response.status_code >= 500:
                    failures.append(f"{label}: server error {response.status_code}")
                elif refused(case, role, response) == may:
                    failures.append(f"{label}: expected {'allowed' if may else 'refused'}, got {looks(response)[:2]}")
                elif not may and looks(response) != looks(first):
                    failures.append(f"{label}: the refusal differs from the unknown-id answer: {looks(response)[:2]}")
                # A list across households (the team lead's) may log a look in each; only ever as this person's.
                if (new_rows and not may) or any(actor != me for _household, actor in new_rows):
                    failures.append(f"{label}: wrong access log rows: {dict(new_rows)}")
            continue

        unknown, unknown_rows = await request(case, Target("unknown ids", None))
        if answer(f"{where} | unknown ids", case, unknown, unknown_rows, unknown) == "allowed":
            failures.append(f"{where} | unknown ids: expected a refusal, got {looks(unknown)[:2]}")
        response, new_rows = await request(case, Target("B", world.b))
        leads_b = role == TEAM_LEAD and Action(case.policy) in LED_BY_THE_TEAM_LEAD
        if answer(f"{where} | B", case, response, new_rows, unknown) == "allowed" and not leads_b:
            failures.append(f"{where} | B: expected a refusal, got {looks(response)[:2]}")
        if allowed and set(case.params) & OWNED_BY_A_HOUSEHOLD:
            # Household A in the path, with ids of B's rows: as absent as rows that do not exist at all.
            absent, absent_rows = await request(case, Target("A with unknown rows", rows_of_nobody(world.a)))
            label = f"{where} | A with unknown rows"
            if answer(label, case, absent, absent_rows, absent) == "allowed":
                failures.append(f"{label}: expected a 404, got {looks(absent)[:2]}")
            response, new_rows = await request(
                case, Target("A with B's rows", replace(world.b, household=world.a.household))
            )
            label = f"{where} | A with B's rows"
            if answer(label, case, response, new_rows, absent) == "allowed":
                failures.append(f"{label}: expected a 404, got {looks(response)[:2]}")
            if role in NOT_THEIRS and {"action_id", "request_id"} & set(case.params):
                # Narrowed rights: another action of A (someone else's), the help request that is not theirs.
                other = world.a.actions[NOT_THEIRS[role]]
                rows = replace(
                    world.a, actions=dict.fromkeys(world.a.actions, other), accepted_request=world.a.open_request
                )
                response, new_rows = await request(case, Target("A, a row not theirs", rows))
                label = f"{where} | A, a row not theirs"
                if answer(label, case, response, new_rows, absent) == "allowed":
                    failures.append(f"{label}: expected a 404, got {looks(response)[:2]}")

        label = f"{where} | A"
        response, new_rows = await request(case, Target("A", world.a))
        outcome = answer(label, case, response, new_rows, unknown)
        if outcome != "allowed":
            if allowed and outcome == "refused":
                failures.append(f"{label}: expected allowed, got a refusal {looks(response)[:2]}")
            continue
        if not allowed:
            failures.append(f"{label}: expected a refusal, got {looks(response)[:2]}")
        ours = new_rows[(world.a.household, me)] if me else 0
        if set(new_rows) - {(world.a.household, me)}:
            failures.append(f"{label}: access log rows for someone or somewhere else: {dict(new_rows)}")
        if role == MEMBER and ours:
            failures.append(f"{label}: the household's own look was logged ({ours} rows)")
        elif role != MEMBER and shows_the_household(response) and ours != 1:
            failures.append(f"{label}: answered {response.status_code} with a page, {ours} access log rows, not 1")
        elif ours > 1:
            failures.append(f"{label}: {ours} access log rows for one request")
        if response.status_code == 200:
            for (name, text), seers in PAGE_PARTS.items():
                if name == case.name and (text in main_text(response)) != (role in seers):
                    shown = "shows" if role not in seers else "does not show"
                    failures.append(f"{label}: the page {shown} {text!r}")

    assert failures == [], f"{len(failures)} wrong answers:\n" + "\n".join(failures)
