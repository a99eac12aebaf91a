"""Every server process runs one Dispatcher: it delivers the safeguarding outbox, climbs the ladder for
concerns nobody acknowledged in time, and runs risk detection on each stored message (and, after a crash,
on recent messages nothing assessed).

Why in every process: no single process, Redis connection, inbox or webhook may be the one thing a concern
depends on. Claims are safe across processes (rooms/outbox.py), escalations happen once under a row lock
(rooms/safeguarding.py), and a process that dies mid-delivery loses only its lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time

from rooms import outbox, safeguarding
from rooms.hookspecs import StoredMessage
from rooms.outbox import Delivery
from rooms.risk import RiskTier
from server.safeguarding_channels import Channels, DeliveryFailed
from server.state import AppState

log = logging.getLogger("alongside.safeguarding")
RECOVERY_EVERY_SECONDS = 30.0
RECOVERY_GRACE = dt.timedelta(seconds=10)  # the live observer's turn first
BATCH = 20
MAX_IN_FLIGHT = 100  # deliveries under way at once in one process (a slow webhook holds one, not the round)
QUIET_BATCH_SECONDS = 0.2  # markers of no-risk messages are written together, at most this late


def config_from(state: AppState) -> safeguarding.SafeguardingConfig:
    settings = state.settings
    return safeguarding.SafeguardingConfig(
        email_enabled=bool(settings.smtp_host),
        policy=outbox.OutboxPolicy(
            max_attempts=settings.outbox_max_attempts,
            retry_base=dt.timedelta(milliseconds=settings.outbox_retry_base_ms),
            retry_max=dt.timedelta(seconds=settings.outbox_retry_max_seconds),
            lease=dt.timedelta(seconds=settings.outbox_lease_seconds),
        ),
        hooks=state.rooms.hooks,
    )


class Dispatcher:
    def __init__(self, state: AppState, channels: Channels) -> None:
        self._state = state
        self._channels = channels
        channels.hooks = state.rooms.hooks
        self.config = config_from(state)
        self._wake = asyncio.Event()
        self._next_recovery = 0.0
        self._quiet: list[tuple[int, int]] = []  # assessed as no risk, markers not yet written
        self._quiet_flush: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._starved = False  # the last round left due deliveries for want of a free slot
        state.metrics.describe(
            "alongside_safeguarding_deliveries_total", "counter", "Safeguarding deliveries by channel and outcome."
        )

    async def close(self) -> None:
        """At shutdown, before the engine goes: let detection already under way finish (its marker written),
        within a few seconds; what does not finish is found by the next process's recovery scan."""
        try:
            async with asyncio.timeout(3):
                await self._state.rooms.hooks.message_stored.drain()
                if self._quiet_flush is not None:
                    await self._quiet_flush
                await self._flush_quiet(0)
        except TimeoutError:
            log.warning("risk detection still running at shutdown; the recovery scan will finish it")
        if self._in_flight:  # deliveries under way get a moment; an unfinished one is claimed again after its lease
            _, pending = await asyncio.wait(set(self._in_flight), timeout=2)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._channels.close()

    def wake(self) -> None:
        """Something was just queued: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Until cancelled: deliver what is due, climb what is overdue, and now and then recover detection."""
        poll = self._state.settings.outbox_poll_ms / 1000
        while True:
            self._wake.clear()
            busy = False
            try:
                busy = await self.tick()
            except Exception as exc:  # the database was away; try again next round
                log.error("dispatcher round failed: %s", type(exc).__name__)
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), poll)

    async def tick(self) -> bool:
        """One round. True if it claimed a full batch (there may be more due)."""
        state = self._state
        if time.monotonic() >= self._next_recovery:
            self._next_recovery = time.monotonic() + RECOVERY_EVERY_SECONDS
            await self.recover()
        now = state.rooms.clock()
        async with state.readers() as db:  # reads first: an idle process takes no write lock each round
            overdue = await safeguarding.overdue(db, now)
            due = await outbox.any_due(db, now)
        if overdue:
            async with state.sessions() as db:
                await safeguarding.escalate_overdue(db, state.rooms, self.config, overdue)
            due = True  # the climb queued deliveries
        room = MAX_IN_FLIGHT - len(self._in_flight)
        self._starved = due and room <= 0
        if not due or room <= 0:
            return False
        async with state.sessions() as db:
            claimed = await outbox.claim_due(
                db, state.settings.server_id, state.rooms.clock(), self.config.policy, min(BATCH, room)
            )
        for delivery in claimed:  # each on its own: one slow receiver never holds up the next concern
            task = asyncio.create_task(self._deliver_logged(delivery))
            self._in_flight.add(task)
            task.add_done_callback(self._delivery_done)
        return len(claimed) >= BATCH

    def _delivery_done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if self._starved:
            self.wake()

    async def _deliver_logged(self, delivery: Delivery) -> None:
        """A delivery in a task of its own: if even recording its outcome fails (the database is away), the
        lease runs out and it is claimed again."""
        try:
            await self._deliver(delivery)
        except Exception as exc:
            log.error("delivery %s over %s not recorded: %s", delivery.id, delivery.channel, type(exc).__name__)

    async def _deliver(self, delivery: Delivery) -> None:
        state = self._state
        server_id = state.settings.server_id
        try:
            # The whole attempt is bounded well inside the claim's lease (settings check lease > timeout): a slow
            # SMTP server answering each command in time, or a stalled Redis, must not outlive the claim and
            # let a second process send it too.
            async with asyncio.timeout(state.settings.delivery_timeout_seconds):
                async with state.readers() as db, db.begin():
                    summary = await safeguarding.concern_summary(db, delivery.concern_id, state.rooms.clock())
                if summary is None:
                    raise DeliveryFailed("the concern is gone")
                await self._channels.send(delivery, summary)
        except TimeoutError:
            await self._failed(delivery, f"no answer within {state.settings.delivery_timeout_seconds} s")
            return
        except DeliveryFailed as exc:
            await self._failed(delivery, str(exc))
            return
        except Exception as exc:
            log.error("delivery %s over %s failed: %s", delivery.id, delivery.channel, type(exc).__name__)
            await self._failed(delivery, type(exc).__name__)
            return
        async with state.sessions() as db:
            await outbox.record_delivered(db, delivery, server_id, state.rooms.clock())
        state.metrics.inc("alongside_safeguarding_deliveries_total", channel=delivery.channel, outcome="delivered")

    async def _failed(self, delivery: Delivery, error: str) -> None:
        state = self._state
        async with state.sessions() as db:
            outcome = await outbox.record_failure(
                db, delivery, state.settings.server_id, state.rooms.clock(), error, self.config.policy
            )
        state.metrics.inc("alongside_safeguarding_deliveries_total", channel=delivery.channel, outcome=outcome)
        if outcome == outbox.DEAD:
            log.warning(
                "delivery %s over %s is a dead letter after %s attempts",
                delivery.id,
                delivery.channel,
                delivery.attempts,
            )

    # ---- risk detection

    async def on_message_stored(self, stored: StoredMessage) -> None:
        """The message_stored observer: assess, record (raising a concern at high and above) and, after
        commit, offer the author support and mark the message for facilitators. Never touches the message."""
        state = self._state
        assessment = await state.rooms.hooks.risk_detectors.assess(stored.body)
        if assessment.tier == RiskTier.NONE:
            self._quiet.append((stored.group_id, stored.message_id))
            if self._quiet_flush is None or self._quiet_flush.done():
                self._quiet_flush = asyncio.create_task(self._flush_quiet(QUIET_BATCH_SECONDS))
            return
        async with state.sessions() as db:
            detection = await safeguarding.record_assessment(db, state.rooms, self.config, stored, assessment)
        if not detection.recorded:
            return
        if detection.created:
            self.wake()
        async with state.readers() as db:
            await safeguarding.announce_detection(db, state.rooms, stored, assessment)

    async def _flush_quiet(self, after: float) -> None:
        await asyncio.sleep(after)
        markers, self._quiet = self._quiet, []
        try:
            async with self._state.sessions() as db:
                await safeguarding.record_quiet(db, markers, self._state.rooms.clock())
        except Exception as exc:  # the recovery scan assesses them again: no risk is missed, only work repeated
            log.error("writing %d risk assessment marker(s) failed: %s", len(markers), type(exc).__name__)

    async def recover(self) -> None:
        """Assess recent messages nothing assessed: their process died between storing and assessing."""
        state = self._state
        window = dt.timedelta(minutes=state.settings.risk_recovery_minutes)
        async with state.readers() as db:
            missed = await safeguarding.unassessed(db, state.rooms.clock(), window, RECOVERY_GRACE)
        for stored in missed:
            try:
                await self.on_message_stored(stored)
            except Exception as exc:
                log.error("risk recovery of a message failed: %s", type(exc).__name__)
        if missed:
            log.info("risk detection recovered %d message(s) no process had assessed", len(missed))
