"""Fixtures of the notification tests: a push service on loopback for the sender to send to, and a household
with the people around it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.integration.notify.helpers import Scene, make_scene
from tests.push_receiver import PushReceiver


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as service:
        yield service


@pytest.fixture
async def scene(db: AsyncSession) -> Scene:
    return await make_scene(db)
