"""The commands: `onsplan vapid` prints the public key (made once), `onsplan worker --once` does what is due and
ends, and `onsplan worker` stops on SIGTERM after its step."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.events import EventKind
from server.domain.models import OutboxMessage
from server.domain.notifications.model import ServerKey
from tests.integration.notify.helpers import Scene, device, help_offer
from tests.push_receiver import PushReceiver


def environment(settings: Settings) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ONSPLAN_")}
    env.update(ONSPLAN_DATABASE_URL=settings.database_url, ONSPLAN_ORIGIN=settings.origin, ONSPLAN_LOG_LEVEL="INFO")
    return env


async def onsplan(settings: Settings, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        *args,
        env=environment(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_vapid_prints_the_public_key_it_made_once(db: AsyncSession, settings: Settings) -> None:
    code, first, _err = await onsplan(settings, "vapid")
    assert code == 0
    code, second, _err = await onsplan(settings, "vapid")
    assert code == 0

    stored = (await db.scalars(select(ServerKey))).all()
    assert len(stored) == 1
    assert first.strip() == second.strip() == stored[0].public_key
    assert len(stored[0].public_key) == 87  # 65 bytes of an uncompressed P-256 point, base64url


async def test_worker_once_sends_what_is_due_and_ends(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    phone = await device(db, settings, receiver, scene.sanne)
    offer = await help_offer(db, scene)
    db.add(
        OutboxMessage(
            kind=EventKind.HELP_OFFERED.value,
            subject_id=offer.id,
            actor_id=scene.sem.id,
            household_id=scene.household_id,
        )
    )
    await db.commit()

    code, _out, err = await onsplan(settings, "worker", "--once")

    assert code == 0, err
    assert len(receiver.received(phone)) == 1
    left = await db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.processed_at.is_(None)))
    assert left == 0
    logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    done = next(entry for entry in logged if entry["message"] == "worker round done")
    assert (done["routed"], done["delivered"]) == (1, 1)


async def test_the_worker_stops_on_sigterm(settings: Settings) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "worker",
        env=environment(settings),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    started = await asyncio.wait_for(process.stderr.readline(), timeout=120)
    assert json.loads(started)["message"] == "worker started"

    process.send_signal(signal.SIGTERM)
    rest = await asyncio.wait_for(process.stderr.read(), timeout=60)

    assert await process.wait() == 0
    assert "worker stopped" in rest.decode()
