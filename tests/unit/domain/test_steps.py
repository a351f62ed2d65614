"""The steps after the intake: each is possible only from its own phase (every other phase is refused with a
Dutch message and nothing stored), the akkoord needs a complete intake and a plan with goals, dates are in
the future and within a year, and closing needs one of the exit reasons (with what that reason asks for)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import IllegalTransition, InvalidInput
from server.domain.events import EventKind
from server.domain.models import Person, Phase, TimelineEvent, Trajectory, utcnow
from server.domain.plan.model import Goal, Horizon, PlanAction, WhoType
from server.domain.ratings.instruments import built_in
from server.domain.workspace import steps
from server.domain.workspace.model import CheckIn, PlanAgreement
from server.domain.workspace.steps import AgreementInput, CheckInAnswer, CloseInput, EvaluationInput, WaakvlamInput

ZRM = built_in()["zrm11"]
P = Phase


def in_days(days: int) -> str:
    return (steps.today() + dt.timedelta(days=days)).isoformat()


class FakeSession:
    """Just enough of a session: what was added, and the answers to the few questions a step asks (is the
    intake complete, the plan's goals and actions, the check-in, is there an eindmeting)."""

    def __init__(self, trajectory: Trajectory, *, intake_done: bool = True, with_goal: bool = True) -> None:
        self.added: list[Any] = []
        self.executed = 0
        self.trajectory = trajectory
        self.intake_done = intake_done
        goal = Goal(
            id=uuid.uuid4(), household_id=trajectory.household_id, domain_key="financien", text="Rust", horizon="eerst"
        )
        goal.created_at = utcnow()
        action = PlanAction(goal_id=goal.id, what="Bellen", who_type=WhoType.ZELF, performer="", status="open")
        self.goals, self.actions = ([goal], [action]) if with_goal else ([], [])
        self.checkin = CheckIn(
            id=uuid.uuid4(), household_id=trajectory.household_id, trajectory_id=trajectory.id, due_on=steps.today()
        )
        self._scalars: list[list[Any]] = []

    def add(self, row: Any) -> None:
        self.added.append(row)

    async def flush(self) -> None:
        return None

    async def refresh(self, row: Any) -> None:
        """Reading a row again after taking its lock: these rows are in no database, they are as they are."""
        return None

    async def execute(self, statement: Any) -> None:
        self.executed += 1

    async def scalars(self, statement: Any) -> list[Any]:
        # The plan's snapshot asks for the goals, then the actions.
        text = str(statement)
        return list(self.actions if "plan_action" in text else self.goals)

    async def scalar(self, statement: Any) -> Any:
        text = str(statement)
        if "FROM evaluation" in text:
            # No evaluation is planned yet: planning one adds it.
            return None
        if "intake" in text:
            return utcnow() if self.intake_done else None
        if "checkin" in text:
            return self.checkin
        if "assessment" in text:
            return False
        raise AssertionError(text)

    def events(self) -> list[str]:
        return [row.kind for row in self.added if isinstance(row, TimelineEvent)]


def trajectory_in(phase: Phase) -> Trajectory:
    return Trajectory(
        id=uuid.uuid4(), household_id=uuid.uuid4(), phase=phase, version=1, started_on=dt.date(2026, 1, 1)
    )


FATIMA = Person(id=uuid.uuid4(), display_name="Fatima")
Step = Callable[[AsyncSession, Trajectory, FakeSession], Awaitable[Any]]

# Every step: the phases it starts from and the phase it leads to. (Opening an evaluation and its decision are
# about rows of their own: tests/unit/domain/test_evaluation.py tests them against a database.)
STEPS: dict[str, tuple[frozenset[Phase], Phase, Step]] = {
    "akkoord in de app": (
        frozenset({P.INTAKE}),
        P.PLAN_VASTGESTELD,
        lambda db, t, s: steps.agree_in_app(db, FATIMA, t.household_id, t, ZRM),
    ),
    "akkoord aan tafel": (
        frozenset({P.INTAKE}),
        P.PLAN_VASTGESTELD,
        lambda db, t, s: steps.record_in_person(db, FATIMA, t, ZRM, AgreementInput(steps.today().isoformat())),
    ),
    "uitvoering": (
        frozenset({P.PLAN_VASTGESTELD}),
        P.UITVOERING,
        lambda db, t, s: steps.start_execution(db, FATIMA, t, EvaluationInput(in_days(60))),
    ),
    "waakvlam": (
        frozenset({P.EVALUATIE}),
        P.WAAKVLAM,
        lambda db, t, s: steps.to_waakvlam(db, FATIMA, t, WaakvlamInput(in_days(30), in_days(60))),
    ),
    "check-in": (
        frozenset({P.WAAKVLAM}),
        P.WAAKVLAM,
        lambda db, t, s: steps.record_checkin(db, FATIMA, t, CheckInAnswer(str(s.checkin.id), "nee", "Ruzie")),
    ),
    "heropenen": (
        frozenset({P.WAAKVLAM}),
        P.UITVOERING,
        lambda db, t, s: steps.reopen(db, FATIMA, t, EvaluationInput(in_days(40))),
    ),
    "afsluiten": (
        frozenset(steps.CLOSABLE),
        P.AFGESLOTEN,
        lambda db, t, s: steps.close(db, FATIMA, t, CloseInput("doelen bereikt", without_eindmeting="ja")),
    ),
}
CASES = [(name, phase) for name in STEPS for phase in Phase]


def test_closing_is_possible_from_every_phase_after_the_triage() -> None:
    assert {P.INTAKE, P.PLAN_VASTGESTELD, P.UITVOERING, P.EVALUATIE, P.WAAKVLAM} == steps.CLOSABLE


@pytest.mark.parametrize(("name", "phase"), CASES, ids=[f"{n} vanuit {p}" for n, p in CASES])
async def test_every_step_is_allowed_from_its_phase_and_refused_from_the_others(name: str, phase: Phase) -> None:
    sources, target, step = STEPS[name]
    trajectory = trajectory_in(phase)
    session = FakeSession(trajectory)
    if phase in sources:
        await step(cast(AsyncSession, session), trajectory, session)
        assert trajectory.phase == target
        assert session.events()
    else:
        with pytest.raises(IllegalTransition) as refusal:
            await step(cast(AsyncSession, session), trajectory, session)
        # A sentence of its own, in Dutch, not the generic one.
        assert refusal.value.message != IllegalTransition.message and refusal.value.message.endswith(".")
        assert trajectory.phase == phase and trajectory.version == 1
        assert session.added == [] and session.executed == 0


async def test_the_akkoord_keeps_the_plan_and_plans_the_first_evaluation_thirteen_weeks_later() -> None:
    trajectory = trajectory_in(P.INTAKE)
    session = FakeSession(trajectory)
    agreed_on = steps.today() - dt.timedelta(days=2)
    agreement = await steps.record_in_person(
        cast(AsyncSession, session), FATIMA, trajectory, ZRM, AgreementInput(agreed_on.isoformat())
    )
    assert isinstance(agreement, PlanAgreement) and agreement.way == "in_person"
    assert agreement.agreed_on == agreed_on and agreement.person_name == "Fatima"
    assert agreement.plan == [
        {
            "domain": ZRM.domain_name("financien"),
            "text": "Rust",
            "horizon": str(Horizon.EERST),
            "actions": [{"what": "Bellen", "who": "zelf", "performer": "", "due_on": None, "status": "open"}],
        }
    ]
    assert session.events() == [EventKind.PLAN_AGREED, EventKind.TRAJECTORY_PHASE, EventKind.EVALUATION_PLANNED]
    assert trajectory.next_evaluation_on == steps.today() + dt.timedelta(weeks=steps.DEFAULT_EVALUATION_WEEKS)


@pytest.mark.parametrize(
    ("intake_done", "with_goal", "message"),
    [
        (False, True, "Het plan kan pas akkoord krijgen als de intake klaar is."),
        (True, False, "Er staan nog geen doelen in het plan. Schrijf eerst samen een doel op."),
    ],
)
async def test_no_akkoord_before_the_intake_is_complete_nor_without_goals(
    intake_done: bool, with_goal: bool, message: str
) -> None:
    trajectory = trajectory_in(P.INTAKE)
    session = FakeSession(trajectory, intake_done=intake_done, with_goal=with_goal)
    with pytest.raises(IllegalTransition) as refusal:
        await steps.agree_in_app(cast(AsyncSession, session), FATIMA, trajectory.household_id, trajectory, ZRM)
    assert refusal.value.message == message
    assert trajectory.phase == P.INTAKE and session.added == []


@pytest.mark.parametrize(
    ("raw", "field"),
    [("", "agreed_on"), ("gisteren", "agreed_on"), (in_days(1), "agreed_on")],
)
def test_an_akkoord_at_the_table_has_a_day_that_is_not_in_the_future(raw: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        AgreementInput(raw).validate()
    assert field in refused.value.errors


@pytest.mark.parametrize("raw", ["", "morgen", in_days(0), in_days(-5), in_days(367)])
def test_an_evaluation_is_planned_after_today_and_within_a_year(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        EvaluationInput(raw).validate()
    assert "evaluation_on" in refused.value.errors


def test_the_next_evaluation_is_the_gemeentes_interval_later() -> None:
    assert steps.default_evaluation(dt.date(2026, 3, 12)) == dt.date(2026, 6, 11)
    assert steps.default_evaluation(dt.date(2026, 3, 12), weeks=4) == dt.date(2026, 4, 9)


def test_a_waakvlam_needs_a_first_checkin_and_plans_the_days_in_order() -> None:
    with pytest.raises(InvalidInput) as refused:
        WaakvlamInput("", in_days(10)).validate()
    assert set(refused.value.errors) == {"first_on"}
    assert WaakvlamInput(in_days(30), in_days(10), "").validate() == [
        steps.today() + dt.timedelta(days=10),
        steps.today() + dt.timedelta(days=30),
    ]


async def test_a_checkin_is_recorded_once_with_the_next_one() -> None:
    trajectory = trajectory_in(P.WAAKVLAM)
    session = FakeSession(trajectory)
    db = cast(AsyncSession, session)
    answer = CheckInAnswer(str(session.checkin.id), "ja", "  Gaat  goed ", in_days(30))
    await steps.record_checkin(db, FATIMA, trajectory, answer)
    assert session.checkin.went_well is True and session.checkin.note == "Gaat goed"
    assert session.checkin.done_on == steps.today()
    assert session.events() == [EventKind.CHECKIN_DONE, EventKind.CHECKIN_PLANNED]
    with pytest.raises(IllegalTransition, match=r"Deze check-in is al vastgelegd\."):
        await steps.record_checkin(db, FATIMA, trajectory, CheckInAnswer(str(session.checkin.id), "nee"))


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        (CheckInAnswer(went_well=""), "went_well"),
        (CheckInAnswer(went_well="ja", note="x" * 301), "note"),
        (CheckInAnswer(went_well="ja", next_on=in_days(-1)), "next_on"),
        (CheckInAnswer(went_well="ja", note="met \x00"), "note"),
    ],
)
def test_a_checkin_answer_that_cannot_be_stored_is_refused(answer: CheckInAnswer, field: str) -> None:
    answer.checkin = str(uuid.uuid4())
    with pytest.raises(InvalidInput) as refused:
        answer.validate()
    assert field in refused.value.errors


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        (CloseInput("doelen bereikt", organisation="MEE"), "doelen bereikt"),
        (CloseInput("overgedragen", organisation=" MEE "), "overgedragen: MEE"),
        (CloseInput("voortijdig gestopt", explanation="Wilde  stoppen"), "voortijdig gestopt: Wilde stoppen"),
        (CloseInput("verhuisd"), "verhuisd"),
        (CloseInput("hulp geweigerd"), "hulp geweigerd"),
    ],
)
def test_each_exit_reason_is_kept_as_the_trajectory_keeps_it(data: CloseInput, kept: str) -> None:
    assert data.validate() == kept


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (CloseInput(""), "reason"),
        (CloseInput("zomaar"), "reason"),
        (CloseInput("voortijdig gestopt"), "explanation"),
        (CloseInput("voortijdig gestopt", explanation="x" * 171), "explanation"),
        (CloseInput("overgedragen"), "organisation"),
        (CloseInput("overgedragen", organisation="M" * 121), "organisation"),
    ],
)
def test_closing_without_what_the_reason_asks_is_refused(data: CloseInput, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        data.validate()
    assert field in refused.value.errors


async def test_closing_without_an_eindmeting_is_a_choice() -> None:
    trajectory = trajectory_in(P.UITVOERING)
    session = FakeSession(trajectory)
    with pytest.raises(InvalidInput) as refused:
        await steps.close(cast(AsyncSession, session), FATIMA, trajectory, CloseInput("verhuisd"))
    assert "without_eindmeting" in refused.value.errors
    assert trajectory.phase == P.UITVOERING and session.added == []
    await steps.close(cast(AsyncSession, session), FATIMA, trajectory, CloseInput("verhuisd", without_eindmeting="ja"))
    assert trajectory.phase == P.AFGESLOTEN and trajectory.exit_reason == "verhuisd"
    assert trajectory.closed_on == steps.today() and trajectory.next_evaluation_on is None
