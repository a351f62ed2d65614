"""The worker (`onsplan worker`): the scheduler, the routing of the outbox and the sending of web push, in a
loop.

Each step runs in a short transaction of its own: the scheduler (at most once a minute) makes the evaluation
reminders, routing turns outbox rows into messages and deliveries, sending tries the deliveries that are due.
When there was nothing to do the worker sleeps a moment. A stop (SIGTERM, SIGINT) takes effect after the step
under way, which commits or rolls back as a whole: nothing is lost or half done. A second signal stops at once
(the step under way rolls back).

On PostgreSQL any number of workers run side by side (rows are claimed with ``FOR UPDATE SKIP LOCKED``); on
SQLite run one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from server.config import Settings
from server.db import make_engine
from server.domain.notifications.routing import route_pending
from server.domain.notifications.schedule import run_scheduler
from server.notify import vapid
from server.notify.sender import deliver_due

log = logging.getLogger("onsplan.worker")

# The scheduler looks at the dates at most this often (seconds).
SCHEDULE_EVERY = 60.0
# How long an idle worker sleeps before it looks again (seconds).
IDLE_SLEEP = 1.5
# The longest pause after steps that failed in a row (seconds).
MAX_PAUSE = 60.0


@dataclass
class Round:
    """What one round did: reminders made, outbox rows routed, deliveries tried."""

    scheduled: int = 0
    routed: int = 0
    delivered: int = 0

    @property
    def busy(self) -> bool:
        return bool(self.routed or self.delivered)


class Worker:
    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine | None = None,
        *,
        route_batch: int = 100,
        delivery_batch: int = 20,
        schedule_every: float = SCHEDULE_EVERY,
        idle_sleep: float = IDLE_SLEEP,
    ) -> None:
        self.settings = settings
        self._own_engine = engine is None
        self.engine = engine or make_engine(settings)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.route_batch = route_batch
        self.delivery_batch = delivery_batch
        self.schedule_every = schedule_every
        self.idle_sleep = idle_sleep
        self._scheduled_at: float | None = None
        self._http: aiohttp.ClientSession | None = None

    async def _step(self, step: Callable[[AsyncSession], Awaitable[int]]) -> int:
        """One step in a transaction of its own: committed when it ends, rolled back when it fails or is
        cancelled."""
        async with self.sessions() as db, db.begin():
            return await step(db)

    async def schedule(self, *, force: bool = False) -> int:
        now = time.monotonic()
        if not force and self._scheduled_at is not None and now - self._scheduled_at < self.schedule_every:
            return 0
        made = await self._step(run_scheduler)
        self._scheduled_at = now
        if made:
            log.info("evaluation reminders made", extra={"fields": {"count": made}})
        return made

    async def route(self) -> int:
        routed = await self._step(lambda db: route_pending(db, limit=self.route_batch))
        if routed:
            log.info("outbox routed", extra={"fields": {"count": routed}})
        return routed

    async def deliver(self) -> int:
        if self._http is None:
            # The VAPID pair made (once, if there is none) in a transaction of its own: never while a batch
            # waits for push services, which on SQLite would hold the one write lock meanwhile.
            async with self.sessions() as db, db.begin():
                await vapid.keys(db, self.settings)
            self._http = aiohttp.ClientSession()
        http = self._http
        tried = await self._step(lambda db: deliver_due(db, self.settings, limit=self.delivery_batch, session=http))
        if tried:
            log.info("push deliveries tried", extra={"fields": {"count": tried}})
        return tried

    async def round(self) -> Round:
        """One turn of the loop: the scheduler when its minute has come, one batch of routing, one of sending."""
        return Round(await self.schedule(), await self.route(), await self.deliver())

    async def drain(self) -> Round:
        """Everything that is due now: the scheduler, then routing and sending until nothing is left that this
        worker can take (`onsplan worker --once`, for cron and tests). A delivery to try again later is left
        for a later run."""
        total = Round(scheduled=await self.schedule(force=True))
        while True:
            routed = await self.route()
            delivered = await self.deliver()
            total.routed += routed
            total.delivered += delivered
            if not routed and not delivered:
                return total

    async def run(self, stop: asyncio.Event) -> None:
        """Rounds until ``stop`` is set; the round under way finishes its step first."""
        log.info("worker started", extra={"fields": {"database": self.engine.dialect.name}})
        failures = 0
        while not stop.is_set():
            busy = False
            try:
                for step in (self.schedule, self.route, self.deliver):
                    if stop.is_set():
                        break
                    busy = bool(await step()) or busy
                failures = 0
            except Exception:
                # The step rolled back (the database was away, a connection dropped): log it and try again a
                # little later, longer each time it fails in a row, instead of ending the worker.
                failures += 1
                log.exception("worker step failed; trying again", extra={"fields": {"failures": failures}})
                busy = False
            if not busy:
                pause = min(self.idle_sleep * 2 ** min(failures, 6), MAX_PAUSE) if failures else self.idle_sleep
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=pause)
        log.info("worker stopped")

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._own_engine:
            await self.engine.dispose()


async def main(settings: Settings, *, once: bool = False) -> int:
    """The `onsplan worker` command: run until SIGTERM or SIGINT (or, with ``once``, drain once)."""
    worker = Worker(settings)
    try:
        if once:
            done = await worker.drain()
            log.info(
                "worker round done",
                extra={"fields": {"scheduled": done.scheduled, "routed": done.routed, "delivered": done.delivered}},
            )
            return 0
        stop = asyncio.Event()
        running = asyncio.current_task()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            if stop.is_set() and running is not None:
                running.cancel()  # a second signal: stop now, the step under way rolls back
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal)
        try:
            await worker.run(stop)
        except asyncio.CancelledError:
            log.info("worker stopped at once")
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
        return 0
    finally:
        await worker.close()
