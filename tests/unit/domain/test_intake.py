"""The integral intake: what its forms accept, the completeness check (done, missing, left open with a reason),
the refusal to complete while something is missing, and the gespreksverslag with both perspectives."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import IllegalTransition, InvalidInput
from server.domain.models import Person, Phase, Trajectory
from server.domain.ratings.instruments import InstrumentDef, LifeDomain, ScaleStep
from server.domain.workspace import intake as intakes
from server.domain.workspace.intake import (
    HistoryInput,
    IntakeFacts,
    IntakeInput,
    PartKey,
    PartState,
    SkipInput,
    check,
    complete_intake,
    report_body,
    skip_part,
)
from server.domain.workspace.model import ConversationReport, HistoryItem, Intake, Involvement

INSTRUMENT = InstrumentDef(
    key="kort",
    name="Kort",
    domains=(LifeDomain("financien", "Financiën"), LifeDomain("wonen", "Wonen")),
    scale=tuple(ScaleStep(n, str(n), n - 1) for n in range(1, 6)),
)


class FakeSession:
    """Just enough of a session for the use cases that add rows and events."""

    def __init__(self) -> None:
        self.added: list[Any] = []

    def add(self, row: Any) -> None:
        self.added.append(row)

    async def flush(self) -> None:
        return None


def trajectory(question: str = "Rust in huis", phase: Phase = Phase.INTAKE) -> Trajectory:
    return Trajectory(household_id=uuid.uuid4(), phase=phase, question=question, version=1)


def intake(**values: Any) -> Intake:
    fields: dict[str, Any] = {"wants_first": "", "skipped": {}, "agreements": "", "present": "", "version": 1}
    return Intake(trajectory_id=uuid.uuid4(), household_id=uuid.uuid4(), **{**fields, **values})


def complete_facts() -> IntakeFacts:
    return IntakeFacts(
        household_scores={"financien": 2, "wonen": 4},
        professional_scores={"financien": 3, "wonen": 2},
        network_count=3,
        involved=[
            Involvement(
                organisation_name="Schuldhulp",
                professional_name="Karin",
                contact="06 11111111",
                from_on=dt.date(2026, 3, 2),
            )
        ],
        history=[
            HistoryItem(
                helper="Maatschappelijk werk", period="2023", helped="Luisteren", not_helped="Te veel formulieren"
            )
        ],
    )


def states(parts: list[intakes.Part]) -> dict[PartKey, PartState]:
    return {p.key: p.state for p in parts}


# --------------------------------------------------------------------------------------------------------
# The forms
# --------------------------------------------------------------------------------------------------------


def test_the_intake_form_keeps_what_was_said_and_refuses_what_cannot_be() -> None:
    data = IntakeInput(
        held_on="2026-11-20", present="  Anouk  en Fatima ", question="Rust", agreements="Bellen\n\n  Mailen "
    )
    assert data.validate() == dt.date(2026, 11, 20)
    assert data.present == "Anouk en Fatima" and data.agreements == "Bellen\nMailen"
    assert IntakeInput().validate() is None  # nothing yet is allowed while the conversation goes on

    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(InvalidInput) as refused:
        IntakeInput(held_on=tomorrow, present="x" * 301, question="Rust\x00", wants_first="y" * 501).validate()
    assert set(refused.value.errors) == {"held_on", "present", "question", "wants_first"}
    assert refused.value.errors["held_on"] == "Het gesprek kan niet in de toekomst liggen."
    with pytest.raises(InvalidInput) as refused:
        IntakeInput(held_on="gisteren").validate()
    assert "held_on" in refused.value.errors


def test_earlier_help_needs_who_helped() -> None:
    data = HistoryInput(helper=" MEE ", period="2022", helped="Uitleg", not_helped="")
    data.validate()
    assert data.helper == "MEE"
    with pytest.raises(InvalidInput) as refused:
        HistoryInput(helper="\u200b", helped="z" * 501).validate()
    assert refused.value.errors["helper"].startswith("Vul in wie er hielp")
    assert "helped" in refused.value.errors


async def test_niet_nu_needs_a_short_reason_and_can_be_taken_back() -> None:
    session = cast(AsyncSession, FakeSession())
    row, path = intake(), trajectory()
    with pytest.raises(InvalidInput) as refused:
        await skip_part(session, path, row, SkipInput(part="network", reason="  "))
    assert refused.value.errors == {"skip_network": "Schrijf kort waarom dit nu niet kan."}
    with pytest.raises(InvalidInput):
        await skip_part(session, path, row, SkipInput(part="network", reason="x" * 201))
    with pytest.raises(InvalidInput):
        await skip_part(session, path, row, SkipInput(part="iets anders", reason="Zomaar"))
    assert row.skipped == {}

    await skip_part(session, path, row, SkipInput(part="network", reason="Volgende keer, Daan is er dan"))
    assert row.skipped == {"network": "Volgende keer, Daan is er dan"}
    await skip_part(session, path, row, SkipInput(part="network", undo="ja"))
    assert row.skipped == {}

    with pytest.raises(IllegalTransition):
        await skip_part(session, trajectory(phase=Phase.UITVOERING), row, SkipInput(part="network", reason="Later"))


# --------------------------------------------------------------------------------------------------------
# The completeness check
# --------------------------------------------------------------------------------------------------------


def test_a_complete_intake_has_every_part_done() -> None:
    parts = check(trajectory(), intake(wants_first="Eerst de schulden"), complete_facts(), INSTRUMENT)
    assert [p.key for p in parts] == list(PartKey)
    assert set(states(parts).values()) == {PartState.DONE}


def test_missing_parts_are_named_and_a_reason_makes_them_skipped() -> None:
    facts = complete_facts()
    facts.household_scores = {"financien": 2}  # one of the two leefgebieden
    facts.network_count = 0
    facts.history = []
    row = intake(skipped={"network": "Daan wil eerst nadenken", "question": "Staat al vast"})
    parts = check(trajectory(), row, facts, INSTRUMENT)
    by_key = {p.key: p for p in parts}
    assert states(parts) == {
        PartKey.QUESTION: PartState.DONE,  # done wins over an old "niet nu"
        PartKey.HOUSEHOLD_RATINGS: PartState.MISSING,
        PartKey.REGISSEUR_RATINGS: PartState.DONE,
        PartKey.NETWORK: PartState.SKIPPED,
        PartKey.INVOLVED: PartState.DONE,
        PartKey.HISTORY: PartState.MISSING,
        PartKey.WANTS_FIRST: PartState.MISSING,
    }
    assert by_key[PartKey.HOUSEHOLD_RATINGS].progress == (1, 2)
    assert by_key[PartKey.NETWORK].reason == "Daan wil eerst nadenken"


async def test_completing_is_refused_while_a_part_is_missing_without_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = complete_facts()
    facts.history = []

    async def gathered(_db: Any, _household_id: uuid.UUID) -> IntakeFacts:
        return facts

    monkeypatch.setattr(intakes, "gather", gathered)
    session = FakeSession()
    regisseur = Person(id=uuid.uuid4(), display_name="Fatima")
    row, path = intake(), trajectory()
    with pytest.raises(InvalidInput) as refused:
        await complete_intake(cast(AsyncSession, session), regisseur, path, row, INSTRUMENT)
    message = refused.value.errors["complete"]
    assert "Eerdere hulp" in message and "Wat het huishouden eerst wil" in message
    assert "Netwerkkaart" not in message
    assert row.completed_at is None and session.added == []

    row.wants_first = "Eerst de brieven"
    row.skipped = {"history": "Te zwaar voor nu"}
    report = await complete_intake(cast(AsyncSession, session), regisseur, path, row, INSTRUMENT)
    assert row.completed_at is not None and row.held_on is not None
    assert isinstance(report, ConversationReport) and report in session.added
    assert path.phase == Phase.INTAKE  # the plan's akkoord moves it on, not the intake

    with pytest.raises(IllegalTransition):
        await complete_intake(cast(AsyncSession, session), regisseur, path, row, INSTRUMENT)


# --------------------------------------------------------------------------------------------------------
# The gespreksverslag
# --------------------------------------------------------------------------------------------------------


def test_the_report_shows_both_perspectives_side_by_side_in_plain_words() -> None:
    row = intake(
        held_on=dt.date(2026, 11, 20),
        present="Anouk, Daan en Fatima (regisseur)",
        wants_first="Eerst de brieven",
        agreements="Fatima belt Schuldhulp\nAnouk zoekt de brieven op",
    )
    body = report_body(trajectory("We willen weer rust"), row, complete_facts(), INSTRUMENT, "Fatima")
    sections = {s["title"]: s["lines"] for s in body}
    assert list(sections)[:3] == [
        "Wie waren er en wanneer",
        "Wat jullie eerst willen",
        "Jullie vraag, in jullie eigen woorden",
    ]
    assert sections["Wie waren er en wanneer"] == [
        "Datum: 20 november 2026",
        "Aanwezig: Anouk, Daan en Fatima (regisseur)",
    ]
    assert sections["Wat jullie eerst willen"] == ["Eerst de brieven"]
    scores = sections["Hoe het gaat per leefgebied"]
    assert "Financiën: Jullie: 2 · regisseur: 3" in scores
    # Two steps apart: said so, to talk about.
    assert any(line.startswith("Wonen: Jullie: 4 · regisseur: 2 (") for line in scores)
    assert sections["Eerdere hulp"] == [
        "Maatschappelijk werk (2023). Wat hielp: Luisteren Wat niet hielp: Te veel formulieren"
    ]
    assert sections["Wie zijn er al betrokken"] == ["Schuldhulp, Karin, sinds 2 maart 2026 (06 11111111)"]
    assert sections["Afspraken"] == ["Fatima belt Schuldhulp", "Anouk zoekt de brieven op"]


def test_a_part_left_open_says_why_in_the_report() -> None:
    facts = complete_facts()
    facts.history, facts.network_count = [], 0
    row = intake(wants_first="Rust", skipped={"history": "Te zwaar voor nu"})
    sections = {s["title"]: s["lines"] for s in report_body(trajectory(), row, facts, INSTRUMENT, "Fatima")}
    assert sections["Eerdere hulp"] == ["Nu niet besproken. Waarom: Te zwaar voor nu"]
    assert sections["Jullie netwerk"] == ["Nu niet besproken."]
    assert sections["Wie waren er en wanneer"][1] == "Aanwezig: Fatima"
