"""Test data for the notification pages: messages made directly (the worker's routing is tested apart), the
rows they are about made through the domain, and push subscriptions as a browser gives them."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import secrets
import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Household, Person, Trajectory, utcnow
from server.domain.notifications.model import Notification
from server.domain.plan import service as plan
from server.domain.plan.service import ActionInput, GoalInput
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.volunteering import service as volunteering
from server.domain.volunteering.model import HelpOffer
from server.domain.volunteering.service import HelpRequestInput
from server.domain.workspace.model import Evaluation


async def message(
    db: AsyncSession,
    person: Person,
    kind: str,
    *,
    url: str = "/mijn",
    household_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    minutes_ago: int = 0,
    read: bool = False,
) -> Notification:
    """A message for ``person`` as the worker makes it from an outbox row."""
    when = utcnow() - dt.timedelta(minutes=minutes_ago)
    row = Notification(
        person_id=person.id,
        kind=str(kind),
        household_id=household_id,
        subject_id=subject_id,
        url=url,
        created_at=when,
        read_at=when if read else None,
    )
    db.add(row)
    await db.flush()
    return row


async def offer_of_help(
    db: AsyncSession, household: Household, member: Person, volunteer: Person, what: str
) -> HelpOffer:
    """The household asks a volunteer's help for an action; ``volunteer`` offers it."""
    me = actor_for(member)
    instrument = await instruments.for_municipality(db, household.municipality_id)
    goal = await plan.create_goal(
        db, me, Relation.MEMBER, household.id, instrument, GoalInput(instrument.domains[0].key, "Rust in huis", "eerst")
    )
    action = await plan.create_action(db, me, household.id, goal.id, ActionInput(what=what, who_type="vrijwilliger"))
    request = await volunteering.publish(db, me, household.id, action.id, HelpRequestInput(what=what))
    await db.refresh(volunteer, ["roles"])
    offer = await volunteering.offer(db, actor_for(volunteer), request.id)
    await db.commit()
    return offer


async def planned_evaluation(db: AsyncSession, household: Household, on: dt.date) -> Evaluation:
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None
    evaluation = Evaluation(household_id=household.id, trajectory_id=trajectory.id, planned_on=on)
    db.add(evaluation)
    await db.flush()
    return evaluation


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def subscription(endpoint: str = "", **overrides: Any) -> dict[str, Any]:
    """What PushSubscription.toJSON() gives in a browser: an endpoint and the two keys (RFC 8291)."""
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    keys = {"p256dh": b64url(point), "auth": b64url(secrets.token_bytes(16))}
    keys.update({k: v for k, v in overrides.items() if k in keys})
    return {
        "endpoint": endpoint or f"https://push.example.net/send/{secrets.token_urlsafe(16)}",
        "expirationTime": None,
        "keys": keys,
    }


CHROME_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
    "Safari/537.36"
)
FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"

_TAG = re.compile(r"<[^>]+>")


def text_of(fragment: str) -> str:
    """What a screen reader reads of a piece of HTML: its text, tags dropped, white space folded."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def header_link(page: str) -> str:
    """The text of the header's link to "Meldingen"."""
    found = re.search(r'<a href="/mijn/meldingen" class="site-nav__messages">(.*?)</a>', page, re.S)
    assert found, "the header has no link to Meldingen"
    return text_of(found.group(1))


def messages_in_order(page: str) -> list[str]:
    """The sentences of the messages on the page, top to bottom."""
    return [
        text_of(m)
        for m in re.findall(r'<a href="/mijn/meldingen/[0-9a-f-]{36}" class="message__link">(.*?)</a>', page, re.S)
    ]
