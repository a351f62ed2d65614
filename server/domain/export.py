"""The whole dossier of a household, for the household ("dossier in eigen hand").

``collect`` gathers everything recorded about the household in a fixed number of queries; the JSON
export is that data as it is, and the PDF shows the same data as readable pages.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import access_log, timeline
from server.domain.errors import NotFound
from server.domain.models import AccessLogEntry, Household, Person, TimelineEvent, Trajectory, utcnow
from server.domain.network import service as network
from server.domain.network.model import NetworkPerson
from server.domain.plan import service as plan
from server.domain.policy import Actor, Relation
from server.domain.ratings import service as ratings
from server.domain.ratings.instruments import InstrumentDef


@dataclass
class Dossier:
    household: Household
    trajectory: Trajectory | None
    regisseur_name: str
    instrument: InstrumentDef
    plan: plan.PlanView
    ratings: ratings.RatingsView
    events: list[TimelineEvent]
    looks: list[AccessLogEntry]
    network: list[NetworkPerson]


async def collect(
    db: AsyncSession, household_id: uuid.UUID, instrument: InstrumentDef, actor: Actor, relation: Relation
) -> Dossier:
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    trajectory = await db.scalar(
        select(Trajectory).where(Trajectory.household_id == household_id).order_by(Trajectory.started_on.desc())
    )
    regisseur = (
        await db.get(Person, trajectory.regisseur_id) if trajectory is not None and trajectory.regisseur_id else None
    )
    return Dossier(
        household=household,
        trajectory=trajectory,
        regisseur_name=regisseur.display_name if regisseur else "",
        instrument=instrument,
        plan=await plan.load_plan(db, household_id, instrument, actor, relation),
        ratings=await ratings.load_ratings(db, household_id, instrument),
        events=await timeline.events_for(db, household_id, limit=10_000),
        looks=await access_log.entries_for(db, household_id, limit=10_000),
        network=await network.people_of(db, household_id),
    )


def as_json(dossier: Dossier, *, timeline_text: Any, look_text: Any) -> dict[str, Any]:
    """The dossier as plain data. ``timeline_text`` and ``look_text`` turn an event or a look into the
    sentence the household also sees on screen."""
    household = dossier.household
    instrument = dossier.instrument
    trajectory = dossier.trajectory
    return {
        "gemaakt_op": utcnow().isoformat(),
        "huishouden": {
            "naam": household.name,
            "wijk": household.wijk,
            "adres": household.address,
            "telefoon": household.phone,
            "leden": [{"voornaam": m.first_name, "volwassen": m.is_adult} for m in household.members],
        },
        "traject": None
        if trajectory is None
        else {
            "fase": str(trajectory.phase),
            "gestart_op": trajectory.started_on.isoformat(),
            "regisseur": dossier.regisseur_name,
            "aanmelding": str(trajectory.referral_source),
            "aangemeld_door": trajectory.referred_by,
        },
        "instrument": {
            "naam": instrument.name,
            "schaal": [{"score": s.score, "omschrijving": s.label} for s in instrument.scale],
        },
        "doelen": [
            {
                "leefgebied": item.domain_name,
                "doel": item.goal.text,
                "wanneer": str(item.goal.horizon),
                "gewenste_score": item.goal.target_score,
                "geschreven_door": item.goal.written_by_name,
                "geschreven_als": item.goal.written_by_role,
                "acties": [
                    {
                        "wat": a.what,
                        "wie": str(a.who_type),
                        "door": a.performer,
                        "waarom_professional": a.professional_reason,
                        "voor": a.due_on.isoformat() if a.due_on else None,
                        "status": str(a.status),
                        "notitie": a.note,
                    }
                    for a in item.actions
                ],
                "gedeeld_met": [
                    {"met": s.name, "waarvoor": s.share.purpose, "sinds": s.share.created_at.isoformat()}
                    for s in item.shares
                ],
            }
            for item in dossier.plan.goals
        ],
        "netwerk": [
            {
                "naam": person.name,
                "relatie": str(person.relation),
                "formeel": person.is_formal,
                "ring": person.ring,
                "kan_helpen_met": person.can_help_with,
                "liever_niet_betrokken": person.not_involved,
                "waarom_niet": person.not_involved_reason,
            }
            for person in dossier.network
        ],
        "metingen": [
            {
                "soort": str(view.assessment.kind),
                "door": "huishouden" if view.assessment.perspective == "household" else "regisseur",
                "datum": view.assessment.held_on.isoformat(),
                "scores": [
                    {
                        "leefgebied": instrument.domain_name(key),
                        "score": rating.score,
                        "toelichting": rating.note,
                    }
                    for key, rating in view.ratings.items()
                ],
            }
            for view in dossier.ratings.household + dossier.ratings.professional
        ],
        "tijdlijn": [
            {"wanneer": e.created_at.isoformat(), "wat": timeline_text(e), "soort": e.kind} for e in dossier.events
        ],
        "wie_keek": [
            {
                "wanneer": entry.created_at.isoformat(),
                "wie": entry.actor_name,
                "rol": entry.actor_role,
                "organisatie": entry.organisation_name,
                "wat": entry.resource,
                "zin": look_text(entry),
            }
            for entry in dossier.looks
        ],
    }
