"""How one outbox delivery reaches people: Socket.IO (the session's facilitators, the hub's leads' console),
email (aiosmtplib; a link and the tier, never what anyone wrote) and webhooks (Standard Webhooks, signed).

Each sender raises DeliveryFailed to have the dispatcher try again later under the same idempotency key.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from email.message import EmailMessage
from typing import Any

import aiohttp
import aiosmtplib
import redis.asyncio as aioredis
import socketio
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook

from rooms import concerns_store
from rooms.events import staff_room_name
from rooms.hooks import Hooks
from rooms.hookspecs import ConcernNotice
from rooms.models import Hub, User
from rooms.outbox import Delivery
from server.broker import CHAT_NAMESPACE
from server.public_address import NotPublic, public_only_session, refuse_private_literal
from server.settings import Settings

log = logging.getLogger("alongside.safeguarding")
CONSOLE_PREFIX = "safeguarding:"


def console_room(hub_id: int) -> str:
    """The Socket.IO room of a hub's safeguarding console: its leads' connections (console:join)."""
    return f"{CONSOLE_PREFIX}{hub_id}"


class DeliveryFailed(Exception):
    """This attempt did not reach its target; the message says why (no content, no addresses)."""


def socket_event(delivery: Delivery) -> str:
    return "concern:new" if delivery.level == 0 else "concern:escalated"


def concern_link(settings: Settings, concern_id: int) -> str:
    return f"{settings.link_base}/#/safeguarding/concerns/{concern_id}"


def webhook_payload(delivery: Delivery, summary: dict[str, Any], link: str, now: dt.datetime) -> dict[str, Any]:
    """What a hub's webhook receives: what happened, the tier, the clock and a link; never a message's text,
    nor who the member is (the receiver follows the link, signed in, for that)."""
    return {
        "type": delivery.event,
        "timestamp": now.isoformat(),
        "data": {
            "concern_id": summary["id"],
            "hub_id": summary["hub_id"],
            "group_id": summary["group_id"],
            "tier": summary["tier"],
            "state": summary["state"],
            "source": summary["source"],
            "escalation_level": delivery.level,
            "ack_deadline": summary["ack_deadline"],
            "created_at": summary["created_at"],
            "link": link,
        },
    }


class Channels:
    """The senders, with the connections they keep (an HTTP session, a Redis client for the health check)."""

    def __init__(
        self, settings: Settings, sio: socketio.AsyncServer, readers: async_sessionmaker[AsyncSession]
    ) -> None:
        self._settings = settings
        self._sio = sio
        self._readers = readers
        self._http: aiohttp.ClientSession | None = None
        self.hooks: Hooks | None = None  # set by the dispatcher: the concern_notify notifiers
        self._redis = (
            aioredis.Redis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=1)
            if settings.redis_url
            else None
        )

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._redis is not None:
            await self._redis.aclose()

    async def send(self, delivery: Delivery, summary: dict[str, Any]) -> None:
        if delivery.channel == "socket":
            await self._socket(delivery, summary)
        elif delivery.channel == "email":
            await self._email(delivery, summary)
        elif delivery.channel == "webhook":
            await self._webhook(delivery, summary)
        elif delivery.channel == "hook":
            await self._hook(delivery, summary)
        else:
            raise DeliveryFailed(f"unknown channel {delivery.channel!r}")

    async def _socket(self, delivery: Delivery, summary: dict[str, Any]) -> None:
        """Emit to the room on every process. With Redis down the emit reaches only this process's
        connections, so it counts as failed and is sent again (clients de-duplicate by `key`) once Redis is
        back; the console also reads open concerns from the database when it joins."""
        if delivery.target == "facilitators":
            if summary["group_id"] is None:
                return
            room = staff_room_name(summary["group_id"])
        else:
            room = console_room(delivery.hub_id)
        payload = {"concern": summary, "level": delivery.level, "key": delivery.idempotency_key}
        redis_up = await self._redis_up()
        await self._sio.emit(
            socket_event(delivery), payload, room=room, namespace=CHAT_NAMESPACE, ignore_queue=not redis_up
        )
        if not redis_up:
            raise DeliveryFailed("redis unavailable: delivered to this process's connections only")

    async def _redis_up(self) -> bool:
        if self._redis is None:
            return True
        try:
            await self._redis.ping()
            return True
        except (RedisError, OSError):
            return False

    async def _email(self, delivery: Delivery, summary: dict[str, Any]) -> None:
        settings = self._settings
        if not settings.smtp_host:
            raise DeliveryFailed("email is not configured (smtp_host)")
        async with self._readers() as db, db.begin():
            recipient = await self._recipient(db, delivery)
            hub = await db.get(Hub, delivery.hub_id)
        if not recipient:
            raise DeliveryFailed("no email address on record for this target")
        tier = summary["tier"]
        message = EmailMessage()
        message["From"] = settings.smtp_from
        message["To"] = recipient
        message["Subject"] = f"[Alongside] Safeguarding concern ({tier}) needs attention"
        message["Message-ID"] = f"<{delivery.idempotency_key}@alongside>"
        message["X-Alongside-Idempotency-Key"] = delivery.idempotency_key
        what = "was raised" if delivery.level == 0 else "has not been acknowledged in time"
        message.set_content(
            f"A safeguarding concern in {hub.name if hub else 'your hub'} {what}.\n\n"
            f"Tier: {tier}\n"
            f"Acknowledge by: {summary['ack_deadline'] or 'now'}\n\n"
            f"Open it (sign in as a safeguarding lead): {concern_link(settings, summary['id'])}\n\n"
            "This email never holds what anyone wrote.\n"
        )
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password or None,
                start_tls=settings.smtp_starttls,
                timeout=settings.delivery_timeout_seconds,
            )
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"smtp: {type(exc).__name__}") from None

    async def _recipient(self, db: AsyncSession, delivery: Delivery) -> str | None:
        if delivery.target == "escalation":
            return (await concerns_store.escalation_settings(db, delivery.hub_id)).escalation_email or None
        if delivery.target.startswith("user:"):
            user = await db.get(User, int(delivery.target.removeprefix("user:")))
            return user.email if user else None
        return None

    async def _hook(self, delivery: Delivery, summary: dict[str, Any]) -> None:
        """An in-process notifier (the concern_notify hook): awaited, so its failure is retried like any other."""
        name = delivery.target.removeprefix("hook:")
        notifier = self.hooks.concern_notify.get(name) if self.hooks is not None else None
        if notifier is None:
            raise DeliveryFailed(f"no concern notifier named {name!r} is registered on this process")
        notice = ConcernNotice(
            idempotency_key=delivery.idempotency_key,
            event=delivery.event,
            level=delivery.level,
            concern_id=summary["id"],
            hub_id=summary["hub_id"],
            group_id=summary["group_id"],
            tier=summary["tier"],
            state=summary["state"],
            source=summary["source"],
            ack_deadline=summary["ack_deadline"],
            link=concern_link(self._settings, summary["id"]),
        )
        try:
            async with asyncio.timeout(self._settings.delivery_timeout_seconds):
                await notifier(notice)
        except Exception as exc:  # a plugin's failure is retried; never logged with content (there is none)
            raise DeliveryFailed(f"notifier {name!r}: {type(exc).__name__}") from None

    async def _webhook(self, delivery: Delivery, summary: dict[str, Any]) -> None:
        async with self._readers() as db, db.begin():
            hub_settings = await concerns_store.escalation_settings(db, delivery.hub_id)
        if not hub_settings.webhook_url or not hub_settings.webhook_secret:
            raise DeliveryFailed("the hub has no webhook configured now")
        sent_at = dt.datetime.now(dt.UTC)  # the receiver checks it against its own clock
        body = json.dumps(
            webhook_payload(delivery, summary, concern_link(self._settings, summary["id"]), sent_at),
            separators=(",", ":"),
        )
        signature = Webhook(hub_settings.webhook_secret).sign(delivery.idempotency_key, sent_at, body)
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.idempotency_key,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        }
        if not self._settings.is_development:
            try:
                refuse_private_literal(hub_settings.webhook_url)
            except NotPublic as exc:
                raise DeliveryFailed(f"webhook: {exc}") from None
        if self._http is None:
            # Production: public addresses only, checked at each connection (server/public_address.py).
            self._http = aiohttp.ClientSession() if self._settings.is_development else public_only_session()
        try:
            timeout = aiohttp.ClientTimeout(total=self._settings.delivery_timeout_seconds)
            async with self._http.post(
                hub_settings.webhook_url, data=body.encode(), headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryFailed(f"webhook answered {response.status}")
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryFailed(f"webhook: {type(exc).__name__}") from None
