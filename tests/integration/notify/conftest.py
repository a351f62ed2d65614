"""Fixtures of the notification tests: a push service on loopback for the sender to send to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.push_receiver import PushReceiver


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as service:
        yield service
